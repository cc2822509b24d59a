/**
 * Telling a database that cannot be reached from a query that went wrong. Errors are classified by
 * their code (SQLSTATE from the server, or the operating system's code for a socket), found on the
 * error itself, on its `cause` (Drizzle wraps the driver's error) or inside an AggregateError (a host
 * name with several addresses); never by their message text, which changes between versions and languages.
 */

/** SQLSTATE codes that mean the server is not there for us right now, whatever the query. */
const SERVER_CODES: Record<string, string> = {
  '53300': 'too many connections',
  '57P01': 'the server ended the connection (administrator command)',
  '57P02': 'the server ended the connection (crash)',
  '57P03': 'the server is starting up or shutting down',
  '08000': 'the connection failed',
  '08001': 'the connection could not be made',
  '08003': 'the connection does not exist',
  '08004': 'the server rejected the connection',
  '08006': 'the connection failed',
};

/** What a refused connection needs said at start-up besides the outages above. */
const START_CODES: Record<string, string> = {
  '28P01': 'the user name or password was refused',
  '28000': 'the user is not allowed to connect',
  '3D000': 'the database does not exist',
  '42501': 'the user may not connect to this database',
};

/** Socket codes from the operating system: nothing answers, or the answer stopped. */
const SOCKET_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens there)',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  ETIMEDOUT: 'no answer in time',
  EHOSTUNREACH: 'the host cannot be reached',
  ENETUNREACH: 'the network cannot be reached',
  EHOSTDOWN: 'the host is down',
  ENOTFOUND: 'the host name is not known',
  EAI_AGAIN: 'the host name could not be looked up',
};

/** Every code on an error and the errors it wraps. */
export function errorCodes(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 5) return [];
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof e.code === 'string' ? [e.code] : [];
  const inner = Array.isArray(e.errors) ? e.errors.flatMap((x) => errorCodes(x, depth + 1)) : [];
  return [...own, ...errorCodes(e.cause, depth + 1), ...inner];
}

/** True when the error says the database (or another server the request needs) cannot be reached. */
export function isOutage(err: unknown): boolean {
  return errorCodes(err).some((c) => c in SERVER_CODES || c in SOCKET_CODES);
}

/**
 * node-postgres's pool gave up waiting for a free connection (its own words; it gives no code). Either the
 * server takes no new connections (an outage) or every connection of the pool stayed busy the whole wait.
 */
export function isPoolWait(err: unknown): boolean {
  // Drizzle wraps it ("Failed query: …", the pool's error as the cause).
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.message === 'timeout exceeded when trying to connect') return true;
  }
  return false;
}

/** Whether an error came with any code at all; errors without one say nothing of where they came from. */
export function hasCode(err: unknown): boolean {
  return errorCodes(err).length > 0;
}

/**
 * The cause in plain words, from the first code known. Otherwise the driver's own first line, as it is
 * (shown, not interpreted): node-postgres says "timeout exceeded when trying to connect" with no code.
 */
export function plainCause(err: unknown): string {
  const codes = errorCodes(err);
  for (const c of codes) {
    const words = SERVER_CODES[c] ?? START_CODES[c] ?? SOCKET_CODES[c];
    if (words) return `${words} [${c}]`;
  }
  const said = err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : '';
  return [said, codes[0] ? `[${codes[0]}]` : ''].filter(Boolean).join(' ') || 'no answer';
}

/** Where a postgres:// URL points, without its password. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || 'localhost';
    const port = u.port || '5432';
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default)';
    const user = u.username ? decodeURIComponent(u.username) : '(default)';
    return `${host}:${port} (database "${db}", user "${user}")`;
  } catch {
    return '(an address that is not a valid URL)';
  }
}

/** The database named by DATABASE_URL did not let us in; the message is one line fit for the operator. */
export class DatabaseUnreachable extends Error {
  constructor(url: string, cause: unknown) {
    super(`数据库连接失败 / cannot connect to the database at ${describeTarget(url)}: ${plainCause(cause)}. Check DATABASE_URL and that PostgreSQL is running there.`);
    this.name = 'DatabaseUnreachable';
  }
}
