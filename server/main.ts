import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { ConfigError, loadConfig, ROLES, type Role } from '../src/config';
import { createLogger } from '../src/logger';
import { DatabaseUnreachable } from '../src/db/outage';
import { DataDirInUse } from '../src/db/owner';
import { RedisUnavailable } from '../src/redis';
import { startService } from './runtime';

/**
 * Entry point: `npm start [-- api|worker|bot|all]` (or ROLE=…). `all`, the default, runs the
 * HTTP API, the queue workers and the WeChat bot in one process.
 */
async function main(): Promise<void> {
  const arg = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? process.env.ROLE ?? 'all';
  if (!ROLES.includes(arg as Role)) {
    process.stderr.write(`ROLE: expected one of ${ROLES.join(', ')} (got "${arg}")\n`);
    process.exit(2);
  }
  const role = arg as Role;

  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.log.level);
  if (role === 'worker' && config.workerNice > 0) {
    // Broadcasts and imports can wait a little; a person chatting or a member of staff on a page cannot.
    // Raising one's own niceness needs no privilege; only the kernel's scheduler sees it, and only under contention.
    try {
      lowerPriority(Math.max(getPriority(), config.workerNice));
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'could not lower the worker process priority');
    }
  }

  // From before the start: bot accounts start one after another, and those already started take messages meanwhile.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason instanceof Error ? { type: reason.name, message: reason.message } : String(reason) }, 'unhandled rejection');
  });
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService({ role, config, logger });
  } catch (err) {
    // Both say in one line what to fix; a stack trace would bury it.
    if (err instanceof RedisUnavailable || err instanceof DatabaseUnreachable || err instanceof DataDirInUse) {
      process.stderr.write(`${err.message}\n`);
    } else {
      logger.fatal({ err: { type: (err as Error).name, message: (err as Error).message, stack: (err as Error).stack } }, 'start failed');
    }
    process.exit(1);
  }
  logger.info({ role, pid: process.pid, nice: getPriority(), url: service.url, database: service.ctx.database.kind, redis: service.ctx.redis.source }, 'bangfu started');

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    void service.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

void main();

/**
 * Lowers the priority of every thread of this process. On Linux niceness belongs to a thread, not to the
 * process: setting it for the process's own id changes the main thread alone, and the threads started
 * with the process (V8's garbage collector and compiler, the libuv pool when already up) would go on at
 * the old priority; an import's collection runs there. Threads started later inherit from their creator.
 */
function lowerPriority(nice: number): void {
  setPriority(nice);
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return; // not Linux: the process's priority is all there is
  }
  for (const tid of threads) {
    try {
      if (getPriority(Number(tid)) < nice) setPriority(Number(tid), nice);
    } catch {
      // the thread has ended meanwhile
    }
  }
}
