import type { Server } from 'node:http';
import { buildApp, contextPorts } from '../src/app';
import { bootstrap } from '../src/bootstrap';
import type { Config, Role } from '../src/config';
import type { AppContext } from '../src/context';
import { openDatabase } from '../src/db/client';
import { logAuditProtection, migrateDatabase } from '../src/db/roles';
import { listen } from '../src/http/server';
import { ensureCatalogue } from '../src/policies';
import type { Logger } from '../src/logger';
import { PiiVault } from '../src/pii/vault';
import { openRedis } from '../src/redis';
import { systemClock, type Clock } from '../src/shared/clock';
import { Queues } from '../src/queues/queues';
import { startWorkers, type Workers } from '../jobs/workers';
import { startKeeper } from '../jobs/keeper';
import type { Bot } from '../bots/bot';
import { startFleet, type Fleet } from '../bots/fleet';
import { officialAccountDoor } from '../bots/official-account';
import { serveControl, type ControlHandlers, controlSocketPath } from '../src/control';
import { seedPeople } from '../src/demo';
import { makeBackup } from '../src/backup';
import { SimulatorRefused, simulatedUser } from '../bots/simulator';
import { Metrics, deploymentMetrics, serveMetrics } from '../src/metrics';
import { closeReaders, importsUnderWay } from '../src/imports';
import { deliveriesByOutcomeSince, sendingAccountsByStatus } from '../src/outreach';

export interface Service {
  ctx: AppContext;
  server?: Server;
  workers?: Workers;
  /** The default account's bot while this process drives it (else another it drives). */
  bot?: Bot;
  /** The sending accounts this bot process drives, each under its lease. */
  fleet?: Fleet;
  /** This process's Prometheus metrics (only with METRICS_TOKEN). */
  metrics?: Metrics;
  /** The address the API listens on, e.g. http://127.0.0.1:3000 */
  url?: string;
  /** Stops taking work, lets active work finish, then closes connections. Safe to call twice. */
  close(): Promise<void>;
}

export interface StartOptions {
  role: Role;
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Where to print the one-time admin password (stdout by default). */
  announce?: (line: string) => void;
  /** Leave the HTTP API out even in role all (the chat simulator's script mode needs no port). */
  noHttp?: boolean;
  /** What this process is, shown to another that finds the embedded database taken (default `bangfu (role)`). */
  what?: string;
  /** Serve the control socket for `npm run seed` / `npm run chat` (default: in roles all and bot). */
  control?: boolean;
}

/** What the control socket can do in this process: seed always, a simulated chat where the bot is on the mock puppet. */
function controlHandlers(service: Service, database: 'postgres' | 'pglite'): ControlHandlers {
  const { ctx } = service;
  // The accounts a bot process drives change with their leases: the bot is looked up at each request.
  return {
    hello: () => ({ type: 'hello', pid: process.pid, url: service.url, chat: Boolean(service.bot?.mocker), database }),
    seed: (req, progress) => seedPeople(ctx.db, ctx.pii, ctx.config.regionRoot, req, progress),
    backup: () => makeBackup(ctx.database, ctx.config),
    ...(service.fleet || service.bot?.mocker
      ? {
          chat: (req, reply) => {
            const bot = service.bot;
            if (!bot) throw new SimulatorRefused('this process drives no sending account right now (another bot process holds them)');
            return simulatedUser(ctx, bot, req, reply);
          },
        }
      : {}),
  };
}

export async function startService(opts: StartOptions): Promise<Service> {
  const { config, logger, role } = opts;
  const announce = opts.announce ?? ((line: string) => process.stdout.write(line + '\n'));
  if (!config.databaseUrl && role !== 'all') {
    throw new Error(`role "${role}" needs DATABASE_URL: the embedded database can only be used by one process (role all)`);
  }
  const steps: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const step of steps.reverse()) {
      try {
        await step();
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'shutdown step failed');
      }
    }
  };

  try {
    const database = await openDatabase({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      what: opts.what ?? `bangfu (${role})`,
      // Each role's connections are told apart in pg_stat_activity and the server's log.
      name: `bangfu-${role}`,
      ...(config.databaseRead ? { read: { ...config.databaseRead, logger } } : {}),
    });
    steps.push(() => database.close());
    if (config.databaseRead && database.kind === 'pglite') logger.warn('DATABASE_READ_URL is ignored: the embedded database has no replica (set DATABASE_URL)');
    // Threads reading an uploaded spreadsheet end once they are done; at shutdown, at once.
    steps.push(() => closeReaders());
    const migrated = await migrateDatabase(database, { url: config.databaseUrl, migrateUrl: config.databaseMigrateUrl, dataDir: config.dataDir });
    await logAuditProtection(database, migrated, logger);
    await ensureCatalogue(database.db);
    if (role === 'all' || role === 'api') {
      const result = await bootstrap(database.db, {
        regionRoot: config.regionRoot,
        adminPassword: config.auth.adminPassword,
        demo: config.demoData,
        hashCost: config.auth.argon2,
      });
      if (result.generatedPassword) {
        announce(`管理员账号 admin 的初始密码 / initial password of account admin: ${result.generatedPassword}  (shown once; set ADMIN_PASSWORD on first start to choose it)`);
      }
    }

    const redis = await openRedis(
      { url: config.redis.url, prefix: config.redis.prefix, serverBin: config.redis.serverBin, dataDir: config.dataDir, cluster: config.redis.cluster },
      logger,
    );
    steps.push(() => redis.close());
    const queues = new Queues(redis, config.redis.prefix);
    steps.push(() => queues.close());

    const ctx: AppContext = {
      config,
      logger,
      database,
      db: database.db,
      redis,
      queues,
      clock: opts.clock ?? systemClock,
      pii: new PiiVault(config.secrets.piiKey),
      ...contextPorts,
    };
    const service: Service = { ctx, close: async () => undefined };
    const metricsToken = config.metrics.token;
    const metrics = metricsToken ? new Metrics(role, { database, redis }) : undefined;
    service.metrics = metrics;
    // Queues, deliveries, accounts, imports and backups belong to the deployment, not to a process: one role reports them.
    if (metrics && (role === 'all' || role === 'api')) deploymentMetrics(metrics, ctx, { deliveriesSince: deliveriesByOutcomeSince, accountsByStatus: sendingAccountsByStatus, importsUnderWay });

    if (role === 'all' || role === 'worker') {
      await queues.installSchedules();
      service.workers = startWorkers(ctx);
      steps.push(() => service.workers!.close());
      service.workers.workers.forEach((w) => metrics?.observeWorker(w));
      // The outbox relay and the watch for a Redis that lost its data.
      const keeper = startKeeper(ctx);
      void keeper.tick();
      steps.push(() => keeper.close());
    }
    if (role === 'all' || role === 'bot') {
      // The default account and the station's other sending accounts (a pool), each with its own puppet and
      // login, each driven by one bot process at a time under a lease; production without a real puppet is
      // said plainly at start, and one account that cannot start does not keep the others from serving.
      const fleet = await startFleet(ctx, { announce });
      service.fleet = fleet;
      steps.push(() => fleet.close());
      Object.defineProperty(service, 'bot', { enumerable: true, get: () => fleet.bots().find((b) => b.account.name === config.bot.name) ?? fleet.bots()[0] });
      // WeChat chat deliveries are sent from here, where the login is.
      const chat = startWorkers(ctx, { only: ['deliveries-chat'] });
      steps.push(() => chat.close());
      chat.workers.forEach((w) => metrics?.observeWorker(w));
    }
    if ((role === 'all' || role === 'api') && !opts.noHttp) {
      const app = buildApp(ctx, { doors: [officialAccountDoor(ctx)], ...(metrics ? { metrics: { metrics, token: config.metrics.port ? undefined : metricsToken } } : {}) });
      const server = await listen(app, { port: config.http.port, host: config.http.host, urlLimitKb: config.http.urlLimitKb, defaultLocale: config.locale.default });
      server.requestTimeout = 120_000;
      // A connection the server could not accept (out of file descriptors in a flood) is logged, not thrown.
      server.on('error', (err) => logger.error({ err: err.message }, 'http server error'));
      service.server = server;
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.http.port;
      service.url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
      steps.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          }),
      );
    }

    if (metrics && metricsToken && config.metrics.port) {
      const server = await serveMetrics(metrics, { host: config.metrics.host, port: config.metrics.port, token: metricsToken });
      server.on('error', (err) => logger.error({ err: err.message }, 'metrics server error'));
      steps.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    } else if (metrics && role !== 'all' && role !== 'api') {
      logger.warn({ role }, 'metrics are kept but not served: this role has no API, set METRICS_PORT to scrape it');
    }

    if (opts.control ?? (role === 'all' || role === 'bot')) {
      const control = await serveControl(controlSocketPath(config.dataDir), controlHandlers(service, database.kind), logger);
      if (control) {
        steps.push(() => control.close());
        database.hold?.setSocket(controlSocketPath(config.dataDir));
      }
    }

    let closing: Promise<void> | undefined;
    service.close = () => (closing ??= closeAll());
    return service;
  } catch (err) {
    await closeAll();
    throw err;
  }
}
