import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/db/client';
import type { Harness } from './harness';

/** The status each refusal is answered with: a test names the code, and both are checked. */
const STATUS_OF = {
  validation_failed: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  policy_violation: 422,
  rate_limited: 429,
} as const;
export type Refusal = keyof typeof STATUS_OF;

interface Answer {
  status: number;
  body: unknown;
}

/**
 * The request was refused with `code` and its status; with `detail`, one of the error's details
 * has that path and/or message (the message localised, so a pattern or the text itself).
 */
export function expectRefused(res: Answer, code: Refusal, detail?: { path?: string; message?: string | RegExp }): void {
  const error = (res.body as { error?: { code?: string; details?: unknown[] } } | undefined)?.error;
  expect({ status: res.status, code: error?.code }).toEqual({ status: STATUS_OF[code], code });
  if (detail) {
    expect(error?.details).toContainEqual(
      expect.objectContaining({
        ...(detail.path === undefined ? {} : { path: detail.path }),
        ...(detail.message === undefined ? {} : { message: typeof detail.message === 'string' ? detail.message : expect.stringMatching(detail.message) }),
      }),
    );
  }
}

/** What a refusal to a signed-in member of staff writes (forbidden, or not found): its audit entry and the head of the log's hash chain. */
export const AUDITED = ['audit_chain', 'audit_log'];

let tableNames: string[] | undefined;

/**
 * What a row of a table is judged by. The outbox relay marks earlier events published whenever it runs
 * (right after another request's commit, or by a worker's keeper), which is not a write of the request
 * under test; a new outbox row is, so outbox rows are judged by everything but `published_at`.
 */
function rowText(table: string) {
  return table === 'outbox' ? sql`(x.id, x.queue, x.job, x.payload, x.job_id, x.run_at, x.created_at)::text` : sql`x::text`;
}

/** A fingerprint of every row of every table, one per table, in one statement. */
async function fingerprints(h: Harness): Promise<Map<string, string>> {
  tableNames ??= rowsOf<{ tablename: string }>(await h.ctx.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by tablename`)).map((r) => r.tablename);
  const parts = tableNames.map(
    (t) => sql`select ${t}::text as t, (select md5(coalesce(string_agg(md5(${rowText(t)}), '' order by md5(${rowText(t)})), '')) from ${sql.identifier(t)} x) as f`,
  );
  const rows = rowsOf<{ t: string; f: string }>(await h.ctx.db.execute(sql.join(parts, sql` union all `)));
  return new Map(rows.map((r) => [r.t, r.f]));
}

/**
 * Runs `act` and answers which tables it changed (any row added, changed or removed), so a refused
 * request can be shown to have written nothing, or only its audit entry. Use it where no background
 * worker writes at the same time.
 */
export async function tablesChangedBy(h: Harness, act: () => Promise<unknown>): Promise<string[]> {
  const before = await fingerprints(h);
  await act();
  const after = await fingerprints(h);
  return [...after.keys()].filter((t) => after.get(t) !== before.get(t)).sort();
}

/**
 * Asks, expects the answer to be refused with `code` (and `detail`), and that nothing was written but
 * the tables in `writes` (say, `audit_log` for a refusal that is recorded). Returns the answer.
 */
export async function expectRefusedUnwritten<A extends Answer>(
  h: Harness,
  ask: () => Promise<A>,
  code: Refusal,
  opts: { detail?: { path?: string; message?: string | RegExp }; writes?: string[] } = {},
): Promise<A> {
  let res: A | undefined;
  const changed = await tablesChangedBy(h, async () => {
    res = await ask();
  });
  expectRefused(res!, code, opts.detail);
  expect(changed).toEqual([...(opts.writes ?? [])].sort());
  return res!;
}

/**
 * Answered 503 `unavailable` with `Retry-After: 5` and `message` (an outage of something the service needs, or a
 * rush), logged as `logged` and never as an unhandled error.
 */
export function expectOutage(answer: { status: number; code: string | undefined; retryAfter: string | null | undefined; message: string | undefined }, message: string, logs: string, logged: string): void {
  expect(answer).toEqual({ status: 503, code: 'unavailable', retryAfter: '5', message });
  expect(logs).toContain(logged);
  expect(logs).not.toContain('unhandled error');
}
