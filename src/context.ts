import type { Config } from './config';
import type { Database, Db } from './db/client';
import type { Logger } from './logger';
import type { RedisHandle } from './redis';
import type { Clock } from './shared/clock';
import type { PiiVault } from './pii/vault';
import type { Queues } from './queues/queues';

/** Everything a service needs, handed in rather than imported, so tests build their own. */
export interface AppContext {
  config: Config;
  logger: Logger;
  database: Database;
  db: Db;
  redis: RedisHandle;
  queues: Queues;
  clock: Clock;
  /** Encrypts, decrypts and indexes personal data; the only holder of PII_KEY. */
  pii: PiiVault;
}
