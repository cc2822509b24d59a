import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_IMPORT_LIMITS, IMPORT_LIMIT_DEFAULTS, type ImportLimits } from './shared/import-limits';

/**
 * Every environment variable the service reads, validated once at start.
 * A wrong value stops the process with a message that names the variable and what it expects.
 */

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));

const int = (min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return Number(v);
    });

const url = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      let parsed: URL;
      try {
        parsed = new URL(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: `expected a URL starting with ${protocols.join(' or ')}` });
        return z.NEVER;
      }
      if (!protocols.includes(parsed.protocol)) {
        ctx.addIssue({ code: 'custom', message: `expected a URL starting with ${protocols.join(' or ')}` });
        return z.NEVER;
      }
      return v;
    });

/** 32 bytes, given as 64 hex characters or as base64. */
const key32 = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    const buf = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
    if (buf.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'expected 32 bytes as 64 hex characters or base64' });
      return z.NEVER;
    }
    return buf.toString('hex');
  });

// The import's limits live apart, so that the thread reading an upload does not load this file's schema.
export { DEFAULT_IMPORT_LIMITS, IMPORT_LIMIT_DEFAULTS, type ImportLimits };

const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'], { error: 'expected development, test or production' })
    .default('development'),
  PORT: int(1, 65535, 3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** GET /metrics (Prometheus) answers only `Authorization: Bearer` with this token; absent, no metrics are kept or served. */
  METRICS_TOKEN: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .min(24, 'expected at least 24 characters')
      .max(200, 'expected at most 200 characters')
      .regex(/^[\x21-\x7e]+$/, 'expected letters, digits and punctuation, no spaces')
      .optional(),
  ),
  /** Serve /metrics on this port of its own (in every role, the worker and bot included) rather than on the API's. */
  METRICS_PORT: int(1, 65535, 0),
  METRICS_HOST: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional()),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  /** The owner's connection for migrations; DATABASE_URL is then the service's own role, which owns nothing. */
  DATABASE_MIGRATE_URL: url(['postgres:', 'postgresql:']),
  /** A streaming replica of DATABASE_URL's server for lag-tolerant reads (figures, reports, exports, long lists); ignored by the embedded database. */
  DATABASE_READ_URL: url(['postgres:', 'postgresql:']),
  /** Beyond this many seconds behind the primary, the replica is left aside and the primary reads. */
  DATABASE_READ_MAX_LAG_S: int(1, 3600, 5),
  REDIS_URL: url(['redis:', 'rediss:']),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'expected 1 to 64 letters, digits, colons, underscores or dashes')
    .default('bangfu'),
  /**
   * A Redis Cluster instead of one Redis: some of its nodes as host:port, comma-separated (the rest are
   * found from them). REDIS_URL's user, password and TLS apply to every node when both are set.
   */
  REDIS_CLUSTER_NODES: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .max(2000)
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(
        z
          .array(
            z
              .string()
              .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port, e.g. 10.0.0.5:6379')
              .refine((hp) => Number(hp.split(':')[1]) >= 1 && Number(hp.split(':')[1]) <= 65535, 'expected a port from 1 to 65535'),
          )
          .min(1, 'expected at least one host:port'),
      )
      .optional(),
  ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  PII_KEY: key32,
  /** Encrypts backups; kept apart from PII_KEY so a stolen backup and a stolen PII key are two thefts, not one. */
  BACKUP_KEY: key32,
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP_DAYS: z.coerce.number({ error: 'expected a whole number of days' }).int('expected a whole number of days').min(1, 'expected 1 to 3650').max(3650, 'expected 1 to 3650').default(14),
  TOKEN_SECRET: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || v.length >= 32, 'expected at least 32 characters'),
  ADMIN_PASSWORD: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || v.length >= 8, 'expected at least 8 characters'),
  REGION_ROOT: z
    .string()
    .regex(/^(\d{2}|\d{4}|\d{6})$/, 'expected a province (2 digits), prefecture (4) or county (6) code such as 5325')
    .default('5325'),
  DEMO_DATA: z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' }).optional(),
  RETENTION_YEARS: int(1, 50, 3),
  RAIN_DEW_FALLBACK_MONTHS: int(1, 36, 6),
  MONITOR_DECLINE_PERCENT: int(1, 100, 5),
  MONITOR_JOBLESS_DAYS: int(1, 365, 30),
  MONITOR_PW_HOUSEHOLD_INCOME_YUAN: int(0, 1_000_000, 5000),
  ADMIN_TOTP: z.enum(['required', 'optional'], { error: 'expected required or optional' }).optional(),
  TOKEN_TTL_HOURS: int(1, 24 * 30, 12),
  /**
   * argon2id cost of stored passwords; with ARGON2_PASSES at least one of OWASP's pairs (checked below).
   * Only NODE_ENV=test may go lower (down to argon2's own floor of 8 KiB), so the tests' sign-ins are cheap.
   */
  ARGON2_MEMORY_KIB: int(8, 4 * 1024 * 1024, 19456),
  ARGON2_PASSES: int(1, 10, 2),
  /** Different addresses whose sign-ins fail on one account within an hour before the account itself locks. */
  LOGIN_LOCK_ADDRESSES: int(2, 100000, 20),
  /** How long an account (after LOGIN_LOCK_ADDRESSES addresses) or an address (after 20 failures) waits. */
  LOGIN_LOCK_MINUTES: int(1, 24 * 60, 15),
  BODY_LIMIT_KB: int(1, 50 * 1024, 1024),
  /** Longest request address (path and query string) in KB; longer ones answer 414. */
  URL_LIMIT_KB: int(1, 1024, 8),
  UPLOAD_LIMIT_MB: int(1, 200, 20),
  /** Register imports: what a spreadsheet may unpack to, and its rows, columns and characters per cell. */
  IMPORT_MAX_UNPACKED_MB: int(1, 2048, IMPORT_LIMIT_DEFAULTS.maxUnpackedMb),
  IMPORT_MAX_ROWS: int(100, 1_048_576, IMPORT_LIMIT_DEFAULTS.maxRows),
  IMPORT_MAX_COLUMNS: int(16, 16_384, IMPORT_LIMIT_DEFAULTS.maxColumns),
  IMPORT_MAX_CELL_CHARS: int(100, 32_767, IMPORT_LIMIT_DEFAULTS.maxCellChars),
  IMPORT_READ_MEMORY_MB: int(64, 4096, IMPORT_LIMIT_DEFAULTS.readMemoryMb),
  SHUTDOWN_TIMEOUT_MS: int(1000, 600000, 30000),
  TRUST_PROXY: bool(false),
  DEFAULT_LOCALE: z.enum(['zh-CN', 'en'], { error: 'expected zh-CN or en' }).default('zh-CN'),
  /** Unset or empty: the mock puppet, which production refuses (the bot's default account is then not started). */
  WECHATY_PUPPET: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^[@a-z0-9/._-]+$/i, 'expected an npm package name such as wechaty-puppet-service')
      .default('wechaty-puppet-mock'),
  ),
  WECHATY_PUPPET_SERVICE_TOKEN: z.string().optional(),
  BOT_NAME: z.string().min(1).max(64).default('bangfu'),
  REDIS_SERVER_BIN: z.string().min(1).default('redis-server'),
  CHAT_SEND_INTERVAL_MS: int(10, 600000, 2000),
  /** How long a bot process holds a sending account without renewing (it renews every third of this). */
  BOT_LEASE_SECONDS: int(6, 600, 24),
  /** The worker role's CPU niceness: background work (broadcasts, imports) yields the CPU to chat and staff on a shared host. */
  WORKER_NICE: int(0, 19, 10),
  MINI_PROGRAM_SENDS_PER_SECOND: int(1, 1000, 20),
  WECHAT_API_BASE: url(['https:', 'http:']),
  /** Where people reach this service from outside (printed in job fairs' QR codes). */
  PUBLIC_URL: url(['https:', 'http:']),
  WECHAT_APP_ID: z.string().regex(/^wx[0-9a-zA-Z]{8,32}$/, 'expected a mini-program app id such as wx1234567890abcdef').optional(),
  WECHAT_APP_SECRET: z.string().min(16).optional(),
  WECHAT_TEMPLATE_ID: z.string().min(8).max(100).optional(),
  /** The token set for the mini-program's message push (消息推送), which carries subscribe_msg_sent_event. */
  WECHAT_PUSH_TOKEN: z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'expected 3 to 32 letters or digits, as set for the mini-program message push').optional(),
  /** How long a provider (WeChat, SMS) may take to answer before the outcome is in doubt. */
  PROVIDER_TIMEOUT_MS: int(500, 120000, 10000),
  /** Development and tests: the log channel also appends a line per message it "sends" to this file. */
  LOG_CHANNEL_FILE: z.string().min(1).max(500).optional(),
  /** How long an outcome in doubt waits for the provider's report before the channel's rule settles it. */
  /** Minutes; a fraction such as 0.25 is allowed (the fault suite waits seconds, not minutes). */
  DELIVERY_SETTLE_MINUTES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 3;
      const n = Number(v.trim());
      if (!/^\d+(\.\d+)?$/.test(v.trim()) || n < 0.1 || n > 1440) {
        ctx.addIssue({ code: 'custom', message: `expected minutes from 0.1 to 1440, got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
  /** SMS for people without WeChat and as the last fallback (Tencent Cloud SMS). */
  SMS_PROVIDER: z.enum(['tencent', 'aliyun'], { error: 'expected tencent or aliyun' }).optional(),
  SMS_SECRET_ID: z.string().min(8).max(128).optional(),
  SMS_SECRET_KEY: z.string().min(8).max(128).optional(),
  SMS_SDK_APP_ID: z.string().regex(/^\d{6,20}$/, 'expected the SMS application id (SdkAppId), digits such as 1400000000').optional(),
  SMS_SIGN_NAME: z.string().min(2).max(30).optional(),
  SMS_TEMPLATE_ID: z.string().regex(/^(\d{1,20}|SMS_\d{1,20})$/, 'expected an approved template: digits (Tencent Cloud) or SMS_ and digits (Alibaba Cloud)').optional(),
  SMS_API_BASE: url(['https:', 'http:']),
  SMS_REGION: z.string().regex(/^[a-z]+-[a-z]+$/, 'expected a region such as ap-guangzhou').default('ap-guangzhou'),
  SMS_CONTACT: z.string().min(3).max(40).optional(),
  /** The approved SMS template's wording with {1} (the gist) and {2} (where to ask), so the console shows a text exactly as it arrives. */
  SMS_TEMPLATE_TEXT: z.string().min(3).max(200).includes('{1}', { error: 'expected the template wording with {1} where the gist goes' }).optional(),
  /** What one billed piece of a text message costs, in fen, for the estimate shown before a broadcast is sent. */
  SMS_PRICE_FEN: int(0, 1000, 5),
  SMS_PARAM_MAX: int(6, 200, 20),
  SMS_SENDS_PER_SECOND: int(1, 1000, 10),
  SMS_CALLBACK_TOKEN: z.string().min(16).max(200).optional(),
  SMS_STATUS_PULL: bool(true),
  /** The official account (服务号): its app, the callback token set in its console, the template for messages outside the 48-hour window. */
  OA_APP_ID: z.string().regex(/^wx[0-9a-zA-Z]{8,32}$/, 'expected an official account app id such as wx1234567890abcdef').optional(),
  OA_APP_SECRET: z.string().min(16).optional(),
  OA_TOKEN: z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'expected 3 to 32 letters or digits, as set in the official account console').optional(),
  OA_TEMPLATE_ID: z.string().min(8).max(100).optional(),
  OA_TEMPLATE_FIELD: z.string().regex(/^[a-z]+\d*$/, 'expected a template field name such as thing1').default('thing1'),
  OA_API_BASE: url(['https:', 'http:']),
  /** The EncodingAESKey of 兼容模式 or 安全模式 (43 letters and digits); absent in plain mode (明文模式). */
  OA_ENCODING_AES_KEY: z.string().regex(/^[A-Za-z0-9]{43}$/, 'expected the 43 letters and digits of the EncodingAESKey set in the official account console').optional(),
  /** How long the official account waits for an answer before it says "success" and sends the answer as a customer-service message (WeChat waits 5 s). */
  OA_REPLY_WITHIN_MS: int(100, 4500, 4000),
  QUEUE_LOCK_MS: int(1000, 600000, 30000),
  /**
   * The console map's tiles: a raster tile address with {z}, {x} and {y} (https://tiles.example.cn/{z}/{x}/{y}.png), or a
   * MapLibre style document (…/style.json); a path beginning with / is on the console's own host. Unset: a plain background.
   */
  MAP_TILE_URL: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const style = /\.json(\?.*)?$/.test(v);
      if (!style && !['{z}', '{x}', '{y}'].every((p) => v.includes(p))) {
        ctx.addIssue({ code: 'custom', message: 'expected a tile address with {z}, {x} and {y}, or a style document ending in .json' });
        return z.NEVER;
      }
      const absolute = v.startsWith('/') && !v.startsWith('//');
      if (!absolute && !/^https?:\/\/[^/\s]+/.test(v)) {
        ctx.addIssue({ code: 'custom', message: 'expected an address starting with https://, http:// or /' });
        return z.NEVER;
      }
      return v;
    }),
  /** Whose map data the tiles are, shown in the map's corner as their licence asks (e.g. "© 天地图"). */
  MAP_ATTRIBUTION: z.string().max(200).optional(),
  MATCH_RADIUS_KM: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 5;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0.5 || n > 500) {
        ctx.addIssue({ code: 'custom', message: `expected kilometres from 0.5 to 500, got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
});

export type Role = 'api' | 'worker' | 'bot' | 'all';
export const ROLES: readonly Role[] = ['api', 'worker', 'bot', 'all'];

export interface Config {
  env: 'development' | 'test' | 'production';
  http: { host: string; port: number; bodyLimitKb: number; urlLimitKb: number; uploadLimitMb: number; trustProxy: boolean; publicUrl: string };
  /** Prometheus metrics: off without a token; on their own port when one is given, else at /metrics of the API. */
  metrics: { token: string | undefined; port: number | undefined; host: string };
  dataDir: string;
  /** Undefined means: use the embedded PGlite under dataDir. */
  databaseUrl: string | undefined;
  /** The owner's connection, used only to migrate (and grant the service's role its rights); undefined: migrate through databaseUrl. */
  databaseMigrateUrl: string | undefined;
  /** A read replica for lag-tolerant reads, and how far behind it may be; undefined: the primary reads everything. */
  databaseRead: { url: string; maxLagSeconds: number } | undefined;
  /** cluster: seed nodes of a Redis Cluster (then keys carry hash tags); absent: one Redis at url. */
  redis: { url: string | undefined; prefix: string; serverBin: string; cluster?: Array<{ host: string; port: number }> };
  log: { level: string };
  secrets: { piiKey: Buffer; tokenSecret: string };
  /** Backups: where they go, how many days they are kept, and the key (absent: `npm run backup` says how to set one). */
  backup: { dir: string; keepDays: number; key: Buffer | undefined };
  /** adminTotp required: administrators (every role but station) must sign in with a second factor. */
  auth: {
    tokenTtlHours: number;
    adminPassword: string | undefined;
    adminTotp: 'required' | 'optional';
    /** argon2id for stored passwords: memory in KiB, passes, and lanes (always 1 from the environment). */
    argon2: { memoryKib: number; passes: number; parallelism: number };
    /** An account locks for everyone only once this many different addresses failed on it within an hour; locks last lockMinutes. */
    lockAddresses: number;
    lockMinutes: number;
  };
  /** What a spreadsheet uploaded for import may unpack to and hold. */
  imports: ImportLimits;
  /** The administrative division this deployment serves; its regions are loaded on first start. */
  regionRoot: string;
  demoData: boolean;
  locale: { default: 'zh-CN' | 'en' };
  shutdownTimeoutMs: number;
  /** How long a job stays locked to a worker; a worker that died is noticed and its jobs retaken after this. */
  queueLockMs: number;
  /** Mini-program subscribe messages sent per second at most, across all worker processes. */
  miniProgramSendsPerSecond: number;
  /** Years after their last activity that people who left the programme are anonymised. */
  retentionYears: number;
  /** Months after graduating without a market job before a public-welfare post is suggested. */
  rainDewFallbackMonths: number;
  /** Warnings: a fall of more than this many per cent 同比 or 环比, and this many days without work after a job. */
  monitor: { declinePercent: number; joblessDays: number; pwHouseholdIncomeFen: number };
  bot: { puppet: string; puppetToken: string | undefined; name: string; sendIntervalMs: number; leaseSeconds: number };
  /** The niceness a process started as the worker role takes (0: as started). */
  workerNice: number;
  /** The WeChat mini-program, for subscribe messages (订阅消息); absent when not configured. pushToken: its message push is on, so WeChat reports each send. */
  wechat: { apiBase: string; appId: string; appSecret: string; templateId: string; pushToken: string | undefined } | undefined;
  /** Deliveries: how long a provider may take to answer, and how long an outcome in doubt waits for the provider's report. */
  delivery: { providerTimeoutMs: number; settleMinutes: number; logChannelFile: string | undefined };
  /** The circle around home for gigs (15分钟就业服务圈), in km. */
  market: { radiusKm: number };
  /** The console's map: where its tiles come from (none: a plain background), and whose they are. */
  map: { tileUrl: string | undefined; attribution: string | undefined };
  /**
   * SMS through the provider's API with one approved template of two parameters: the message's gist
   * ({1}, at most paramMax characters) and where to ask ({2}: the station's number or a short link).
   */
  /** For the estimate before sending: the SMS template's wording ({1}, {2}) when known, and a billed piece's price in fen. */
  smsEstimate: { templateText: string | undefined; priceFen: number };
  /** The official account door; absent when not configured. */
  officialAccount:
    | { apiBase: string; appId: string; appSecret: string; token: string; templateId: string | undefined; templateField: string; encodingAesKey: string | undefined; replyWithinMs: number }
    | undefined;
  sms:
    | { provider: 'tencent' | 'aliyun'; apiBase: string; region: string; secretId: string; secretKey: string; sdkAppId: string; signName: string; templateId: string; contact: string; paramMax: number; sendsPerSecond: number; callbackToken: string | undefined; timeoutMs: number; statusPull: boolean }
    | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the environment into a typed, grouped Config. Pure apart from the development
 * secrets file: outside production, missing secrets are generated once into DATA_DIR.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const given = env[name];
      // Never echoed: secrets, and a URL that carries a user name and password (a database URL with a wrong scheme).
      const shown = given === undefined || /KEY|SECRET|PASSWORD|TOKEN/.test(name) || /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(given) || issue.message.includes(`got "${given}"`) ? '' : ` (got "${given}")`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  if (e.DATABASE_MIGRATE_URL && !e.DATABASE_URL) {
    throw new ConfigError(['DATABASE_MIGRATE_URL: needs DATABASE_URL too (the service\'s own role on the same database)']);
  }
  // OWASP's argon2id minimums trade memory for passes: 46 MiB × 1, 19 MiB × 2, 12 MiB × 3, 9 MiB × 4, 7 MiB × 5.
  const leastKib = [47104, 19456, 12288, 9216, 7168][Math.min(e.ARGON2_PASSES, 5) - 1]!;
  // Stored hashes carry their own cost, so a hash made cheaply in a test still verifies anywhere.
  if (e.ARGON2_MEMORY_KIB < leastKib && e.NODE_ENV !== 'test') {
    throw new ConfigError([`ARGON2_MEMORY_KIB: expected at least ${leastKib} with ARGON2_PASSES=${e.ARGON2_PASSES} (OWASP's minimum for argon2id; only NODE_ENV=test may go lower), got ${e.ARGON2_MEMORY_KIB}`]);
  }
  const dataDir = isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(process.cwd(), e.DATA_DIR);

  let piiKey = e.PII_KEY;
  let tokenSecret = e.TOKEN_SECRET || undefined;
  if (e.NODE_ENV === 'production') {
    const missing = [
      ...(piiKey ? [] : ['PII_KEY: required in production (32 bytes as 64 hex characters)']),
      ...(tokenSecret ? [] : ['TOKEN_SECRET: required in production (at least 32 characters)']),
    ];
    if (missing.length) throw new ConfigError(missing);
  } else if (!piiKey || !tokenSecret) {
    const dev = developmentSecrets(dataDir);
    piiKey ??= dev.piiKey;
    tokenSecret ??= dev.tokenSecret;
  }

  const demo = e.DEMO_DATA === undefined ? e.NODE_ENV !== 'production' : ['true', '1', 'yes'].includes(e.DEMO_DATA);
  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      bodyLimitKb: e.BODY_LIMIT_KB,
      urlLimitKb: e.URL_LIMIT_KB,
      uploadLimitMb: e.UPLOAD_LIMIT_MB,
      trustProxy: e.TRUST_PROXY,
      publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    },
    metrics: { token: e.METRICS_TOKEN || undefined, port: e.METRICS_PORT || undefined, host: e.METRICS_HOST ?? e.HOST },
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databaseMigrateUrl: e.DATABASE_MIGRATE_URL,
    databaseRead: e.DATABASE_READ_URL ? { url: e.DATABASE_READ_URL, maxLagSeconds: e.DATABASE_READ_MAX_LAG_S } : undefined,
    redis: {
      url: e.REDIS_URL,
      prefix: e.REDIS_PREFIX,
      serverBin: e.REDIS_SERVER_BIN,
      ...(e.REDIS_CLUSTER_NODES ? { cluster: e.REDIS_CLUSTER_NODES.map((hp) => ({ host: hp.slice(0, hp.lastIndexOf(':')), port: Number(hp.slice(hp.lastIndexOf(':') + 1)) })) } : {}),
    },
    log: { level: e.LOG_LEVEL },
    secrets: { piiKey: Buffer.from(piiKey!, 'hex'), tokenSecret: tokenSecret! },
    backup: {
      dir: e.BACKUP_DIR ? (isAbsolute(e.BACKUP_DIR) ? e.BACKUP_DIR : resolve(process.cwd(), e.BACKUP_DIR)) : join(dataDir, 'backups'),
      keepDays: e.BACKUP_KEEP_DAYS,
      key: e.BACKUP_KEY ? Buffer.from(e.BACKUP_KEY, 'hex') : undefined,
    },
    auth: {
      tokenTtlHours: e.TOKEN_TTL_HOURS,
      adminPassword: e.ADMIN_PASSWORD || undefined,
      adminTotp: e.ADMIN_TOTP ?? (e.NODE_ENV === 'production' ? 'required' : 'optional'),
      argon2: { memoryKib: e.ARGON2_MEMORY_KIB, passes: e.ARGON2_PASSES, parallelism: 1 },
      lockAddresses: e.LOGIN_LOCK_ADDRESSES,
      lockMinutes: e.LOGIN_LOCK_MINUTES,
    },
    imports: {
      maxUnpackedBytes: e.IMPORT_MAX_UNPACKED_MB * 1024 * 1024,
      maxRows: e.IMPORT_MAX_ROWS,
      maxColumns: e.IMPORT_MAX_COLUMNS,
      maxCellChars: e.IMPORT_MAX_CELL_CHARS,
      readMemoryMb: e.IMPORT_READ_MEMORY_MB,
    },
    regionRoot: e.REGION_ROOT,
    demoData: demo,
    locale: { default: e.DEFAULT_LOCALE },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    queueLockMs: e.QUEUE_LOCK_MS,
    miniProgramSendsPerSecond: e.MINI_PROGRAM_SENDS_PER_SECOND,
    retentionYears: e.RETENTION_YEARS,
    rainDewFallbackMonths: e.RAIN_DEW_FALLBACK_MONTHS,
    monitor: { declinePercent: e.MONITOR_DECLINE_PERCENT, joblessDays: e.MONITOR_JOBLESS_DAYS, pwHouseholdIncomeFen: e.MONITOR_PW_HOUSEHOLD_INCOME_YUAN * 100 },
    market: { radiusKm: e.MATCH_RADIUS_KM },
    map: { tileUrl: e.MAP_TILE_URL, attribution: e.MAP_ATTRIBUTION || undefined },
    smsEstimate: { templateText: e.SMS_TEMPLATE_TEXT, priceFen: e.SMS_PRICE_FEN },
    officialAccount:
      e.OA_APP_ID && e.OA_APP_SECRET && e.OA_TOKEN
        ? { apiBase: e.OA_API_BASE ?? 'https://api.weixin.qq.com', appId: e.OA_APP_ID, appSecret: e.OA_APP_SECRET, token: e.OA_TOKEN, templateId: e.OA_TEMPLATE_ID, templateField: e.OA_TEMPLATE_FIELD, encodingAesKey: e.OA_ENCODING_AES_KEY, replyWithinMs: e.OA_REPLY_WITHIN_MS }
        : undefined,
    sms:
      e.SMS_PROVIDER && e.SMS_SECRET_ID && e.SMS_SECRET_KEY && (e.SMS_SDK_APP_ID || e.SMS_PROVIDER === 'aliyun') && e.SMS_SIGN_NAME && e.SMS_TEMPLATE_ID
        ? {
            provider: e.SMS_PROVIDER,
            apiBase: e.SMS_API_BASE ?? (e.SMS_PROVIDER === 'aliyun' ? 'https://dysmsapi.aliyuncs.com' : 'https://sms.tencentcloudapi.com'),
            region: e.SMS_REGION,
            secretId: e.SMS_SECRET_ID,
            secretKey: e.SMS_SECRET_KEY,
            sdkAppId: e.SMS_SDK_APP_ID ?? '',
            signName: e.SMS_SIGN_NAME,
            templateId: e.SMS_TEMPLATE_ID,
            contact: e.SMS_CONTACT ?? e.PUBLIC_URL ?? '',
            paramMax: e.SMS_PARAM_MAX,
            sendsPerSecond: e.SMS_SENDS_PER_SECOND,
            callbackToken: e.SMS_CALLBACK_TOKEN || undefined,
            timeoutMs: e.PROVIDER_TIMEOUT_MS,
            statusPull: e.SMS_STATUS_PULL,
          }
        : undefined,
    wechat:
      e.WECHAT_APP_ID && e.WECHAT_APP_SECRET && e.WECHAT_TEMPLATE_ID
        ? { apiBase: e.WECHAT_API_BASE ?? 'https://api.weixin.qq.com', appId: e.WECHAT_APP_ID, appSecret: e.WECHAT_APP_SECRET, templateId: e.WECHAT_TEMPLATE_ID, pushToken: e.WECHAT_PUSH_TOKEN }
        : undefined,
    delivery: { providerTimeoutMs: e.PROVIDER_TIMEOUT_MS, settleMinutes: e.DELIVERY_SETTLE_MINUTES, logChannelFile: e.LOG_CHANNEL_FILE },
    bot: {
      puppet: e.WECHATY_PUPPET,
      puppetToken: e.WECHATY_PUPPET_SERVICE_TOKEN || undefined,
      name: e.BOT_NAME,
      sendIntervalMs: e.CHAT_SEND_INTERVAL_MS,
      leaseSeconds: e.BOT_LEASE_SECONDS,
    },
    workerNice: e.WORKER_NICE,
  };
}

/** Secrets for development, generated once and kept in DATA_DIR/secrets.json (mode 0600). */
function developmentSecrets(dataDir: string): { piiKey: string; tokenSecret: string } {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { piiKey?: string; tokenSecret?: string };
    if (stored.piiKey && stored.tokenSecret) return { piiKey: stored.piiKey, tokenSecret: stored.tokenSecret };
  }
  mkdirSync(dataDir, { recursive: true });
  const fresh = { piiKey: randomBytes(32).toString('hex'), tokenSecret: randomBytes(32).toString('base64url') };
  writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return fresh;
}
