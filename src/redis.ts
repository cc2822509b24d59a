import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from './logger';

/** One Redis or a Redis Cluster: the commands the service uses are the same on both. */
export type RedisClient = Redis | Cluster;

export interface RedisHandle {
  /** Connection options for BullMQ and any other client (no key prefix: BullMQ uses its own); on a cluster, every node's. */
  options: RedisOptions;
  /** Where it came from, for the start-up line. */
  source: 'url' | 'local' | 'private' | 'cluster';
  /** A Redis Cluster: every key the service writes carries a hash tag (see keyTags). */
  cluster: boolean;
  /**
   * A general client for key/value use; keys are prefixed with `<prefix>:kv:`, on a cluster with
   * `{<prefix>:kv}:` so that the few commands that touch several keys (the sign-in throttle's scripts,
   * the accounts' daily counts) find them in one slot.
   */
  kv: RedisClient;
  /** Opens another connection with the same options (BullMQ workers need their own). */
  connect(extra?: RedisOptions): RedisClient;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Redis could not be reached within the client's retries (ioredis's MaxRetriesPerRequestError, told by its
 * class name on the error or what it wraps): sign-in's throttle, WeChat's replay check and the other short
 * commands of a request fail this way while Redis is down or restarting.
 */
export function isRedisDown(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { name?: unknown; cause?: unknown };
  return e.name === 'MaxRetriesPerRequestError' || isRedisDown(e.cause, depth + 1);
}

export class RedisUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailable';
  }
}

export interface RedisSettings {
  url: string | undefined;
  /** Seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES); the url then gives only user, password and TLS. */
  cluster?: Array<{ host: string; port: number }>;
  prefix: string;
  serverBin: string;
  dataDir: string;
  /** Where to look for a Redis before starting a private one (default 127.0.0.1:6379). */
  local?: { host: string; port: number };
}

function optionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isFinite(db) ? db : 0,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

async function answers(options: RedisOptions, timeoutMs = 1500): Promise<boolean> {
  const probe = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts a private redis-server that keeps its data (append-only file) under DATA_DIR/redis,
 * so queued work survives a restart in development. Reuses one left running by a previous start.
 */
async function startPrivateServer(settings: RedisSettings, logger: Logger): Promise<{ options: RedisOptions; child?: ChildProcess }> {
  const dir = join(settings.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const portFile = join(dir, 'port');
  if (existsSync(portFile)) {
    const port = Number(readFileSync(portFile, 'utf8').trim());
    if (port > 0 && (await answers({ host: '127.0.0.1', port }, 500))) return { options: { host: '127.0.0.1', port } };
  }
  const port = await freePort();
  const child = spawn(
    settings.serverBin,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--protected-mode', 'yes'],
    { stdio: 'ignore' },
  );
  const spawnError = await new Promise<Error | undefined>((resolveSpawn) => {
    child.once('error', (err) => resolveSpawn(err));
    child.once('spawn', () => resolveSpawn(undefined));
  });
  if (spawnError) {
    throw new RedisUnavailable(
      `Redis is not reachable at 127.0.0.1:6379 and no redis-server is installed (${settings.serverBin}): install Redis (e.g. \`apt-get install redis-server\`) or set REDIS_URL=redis://host:port`,
    );
  }
  const options = { host: '127.0.0.1', port };
  for (let i = 0; i < 50; i++) {
    if (await answers(options, 200)) {
      writeFileSync(portFile, String(port));
      logger.info({ port }, 'started a private redis-server');
      return { options, child };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new RedisUnavailable(`a private redis-server was started but did not answer on port ${port}; set REDIS_URL instead`);
}

/**
 * Where each queue's keys and the key/value keys live. One Redis: `<prefix>` for BullMQ and
 * `<prefix>:kv:` for the rest, as always. A cluster: `<prefix>:{<queue>}` for each queue, so one queue's
 * keys share a slot (BullMQ's scripts touch many of them at once) while different queues spread over the
 * nodes; and `{<prefix>:kv}:` for the key/value keys.
 */
export function keyTags(prefix: string, cluster: boolean): { queue(name: string): string; kv: string } {
  return cluster ? { queue: (name) => `${prefix}:{${name}}`, kv: `{${prefix}:kv}:` } : { queue: () => prefix, kv: `${prefix}:kv:` };
}

/** A Redis Cluster from its seed nodes; each node answering first is checked, so a wrong list is said at start. */
async function openCluster(settings: RedisSettings & { cluster: Array<{ host: string; port: number }> }, logger: Logger): Promise<RedisHandle> {
  const auth = settings.url ? optionsFromUrl(settings.url) : {};
  const nodeOptions: RedisOptions = {
    ...(auth.username ? { username: auth.username } : {}),
    ...(auth.password ? { password: auth.password } : {}),
    ...(auth.tls ? { tls: auth.tls } : {}),
  };
  const reachable = await Promise.all(settings.cluster.map((n) => answers({ ...nodeOptions, ...n }, 3000)));
  if (!reachable.some(Boolean)) {
    throw new RedisUnavailable(`no node of REDIS_CLUSTER_NODES answers (${settings.cluster.map((n) => `${n.host}:${n.port}`).join(', ')}): start the cluster or correct REDIS_CLUSTER_NODES`);
  }
  const tags = keyTags(settings.prefix, true);
  const clients = new Set<Cluster>();
  const connect = (extra: RedisOptions = {}): Cluster => {
    const { keyPrefix, maxRetriesPerRequest, ...rest } = extra;
    const clusterOptions: ClusterOptions = {
      redisOptions: { ...nodeOptions, ...rest, maxRetriesPerRequest: maxRetriesPerRequest === undefined ? null : maxRetriesPerRequest },
      ...(keyPrefix ? { keyPrefix } : {}),
      // A node that moved its slots, or failed over to a replica, is found again rather than given up on.
      clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
    };
    const client = new Cluster(settings.cluster, clusterOptions);
    client.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis cluster connection error'));
    client.on('end', () => clients.delete(client));
    clients.add(client);
    return client;
  };
  const kv = connect({ keyPrefix: tags.kv, maxRetriesPerRequest: 3 });
  // Ready means the slots are known; a cluster still forming (or a node list of another cluster's) fails here.
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new RedisUnavailable('the Redis Cluster at REDIS_CLUSTER_NODES did not become ready within 15 s (are all slots assigned?)')), 15_000);
    kv.once('ready', () => {
      clearTimeout(timer);
      resolveReady();
    });
  }).catch(async (err: unknown) => {
    kv.disconnect();
    throw err;
  });
  let closed = false;
  return {
    options: nodeOptions,
    source: 'cluster',
    cluster: true,
    kv,
    connect,
    ping: async () => {
      await kv.ping();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await quitAll(clients);
    },
  };
}

/** Ends each connection politely, or drops it when it no longer answers. */
async function quitAll(clients: Set<Pick<Redis, 'quit' | 'disconnect'>>): Promise<void> {
  for (const c of [...clients]) {
    try {
      await c.quit();
    } catch {
      c.disconnect();
    }
  }
}

export async function openRedis(settings: RedisSettings, logger: Logger): Promise<RedisHandle> {
  if (settings.cluster?.length) return openCluster({ ...settings, cluster: settings.cluster }, logger);
  let options: RedisOptions;
  let source: RedisHandle['source'];
  let child: ChildProcess | undefined;
  if (settings.url) {
    options = optionsFromUrl(settings.url);
    source = 'url';
    if (!(await answers(options, 3000))) {
      throw new RedisUnavailable(`Redis does not answer at REDIS_URL (${options.host}:${options.port}): start it or correct REDIS_URL`);
    }
  } else if (await answers(settings.local ?? { host: '127.0.0.1', port: 6379 })) {
    options = { ...(settings.local ?? { host: '127.0.0.1', port: 6379 }) };
    source = 'local';
  } else {
    const started = await startPrivateServer(settings, logger);
    options = started.options;
    child = started.child;
    source = 'private';
  }

  const clients = new Set<Redis>();
  const connect = (extra: RedisOptions = {}): Redis => {
    const client = new Redis({ ...options, maxRetriesPerRequest: null, ...extra });
    // Connection errors are reported by the health check and by the commands that fail;
    // an unhandled 'error' event must never bring the process down.
    client.on('error', (err) => logger.debug({ err: err.message }, 'redis connection error'));
    client.on('end', () => clients.delete(client));
    clients.add(client);
    return client;
  };
  const kv = connect({ keyPrefix: keyTags(settings.prefix, false).kv, maxRetriesPerRequest: 3 });
  let closed = false;
  return {
    options,
    source,
    cluster: false,
    kv,
    connect,
    ping: async () => {
      await kv.ping();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await quitAll(clients);
      if (child && child.exitCode === null) {
        // Wait for our private server to write its data and exit, so the next start finds it gone, not dying.
        const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        rmSync(join(settings.dataDir, 'redis', 'port'), { force: true });
      }
    },
  };
}
