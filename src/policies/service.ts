import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { TFunction } from 'i18next';
import { assertInScope, inScope, type Actor } from '../shared/actor';
import { auditRead, command } from '../shared/command';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import { policies, policyNotices, type Localized } from '../db/schema/policies';
import { activeWorkersPage, findWorker } from '../registry';
import { notify } from '../notices';
import { enqueueDeliveries } from '../queues/deliveries';
import { Conflict, Forbidden, NotFound } from '../shared/errors';
import { shanghaiDate } from '../shared/time';
import { CATALOGUE } from './catalogue';
import { ENDED_WITHOUT_SUCCESSOR } from './normalised';
import { evaluate, loadFacts, opensOn, type Facts, type Rule } from './rules';
import type { PolicyInput } from './schemas';
import type { PoliciesProps } from './props';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'policyPorts'>;
type Meta = { requestId?: string; ip?: string };
type Policy = typeof policies.$inferSelect;

/** The policies the seeds name, added on start when missing (an edited one is never overwritten). */
export async function ensureCatalogue(db: Db): Promise<number> {
  const have = new Set((await db.select({ key: policies.key }).from(policies)).map((p) => p.key));
  const missing = CATALOGUE.filter((p) => !have.has(p.key));
  if (missing.length) {
    await db
      .insert(policies)
      .values(missing.map((p) => ({ ...p, version: 1, current: true, overrides: p.overrides ?? null, continues: p.continues ?? null, validFrom: p.validFrom ?? null, validTo: p.validTo ?? null })))
      .onConflictDoNothing();
  }
  return missing.length;
}

function text(l: Localized | undefined, lang: string): string {
  if (!l) return '';
  return (lang === 'en' ? l.en : undefined) ?? l['zh-CN'];
}

/** How long before its end a policy with no successor is announced to administrators and marked 即将到期. */
export const ENDING_WARNING_DAYS = 60;

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

type State = 'in_force' | 'ended' | 'not_yet';
function stateOf(p: Pick<Policy, 'validFrom' | 'validTo'>, today: string): State {
  if (p.validTo && p.validTo < today) return 'ended';
  if (p.validFrom && p.validFrom > today) return 'not_yet';
  return 'in_force';
}

/** Ends within the warning window with nothing carrying it forward. */
function endingSoon(p: Pick<Policy, 'validFrom' | 'validTo'>, today: string, successor: string | null): boolean {
  return !successor && stateOf(p, today) === 'in_force' && !!p.validTo && p.validTo <= addDays(today, ENDING_WARNING_DAYS);
}

/** Ended key → the current policy that continues it. */
async function successors(db: Db): Promise<Map<string, string>> {
  const rows = await db.select({ key: policies.key, continues: policies.continues }).from(policies).where(and(eq(policies.current, true), isNotNull(policies.continues)));
  return new Map(rows.map((r) => [r.continues!, r.key]));
}

function present(p: Policy, today: string, next: Map<string, string>) {
  const successor = next.get(p.key) ?? null;
  const state = stateOf(p, today);
  return {
    key: p.key,
    version: p.version,
    title: p.title,
    summary: p.summary,
    audience: p.audience,
    benefit: p.benefit,
    rule: p.rule,
    apply: p.apply,
    mode: p.mode,
    regionCode: p.regionCode,
    overrides: p.overrides,
    validFrom: p.validFrom,
    validTo: p.validTo,
    continues: p.continues,
    state,
    successor,
    endingSoon: endingSoon(p, today, successor),
    endNote: state === 'ended' && !successor ? (ENDED_WITHOUT_SUCCESSOR[p.key] ?? null) : null,
    source: p.source,
    createdAt: p.createdAt.toISOString(),
  };
}

/**
 * The current policies that apply in a region: national ones, and those of the region's province,
 * prefecture and county; a narrower one that overrides a key replaces it. Expired ones are left out.
 */
export async function applicable(db: Db, regionCode: string, today: string, opts: { audience?: Policy['audience']; includeExpired?: boolean; state?: 'current' | 'expired' | 'all' } = {}): Promise<Policy[]> {
  const state = opts.state ?? (opts.includeExpired ? 'all' : 'current');
  const rows = await db
    .select()
    .from(policies)
    .where(
      and(
        eq(policies.current, true),
        sql`${regionCode} like ${policies.regionCode} || '%'`,
        opts.audience ? eq(policies.audience, opts.audience) : undefined,
        state === 'current' ? sql`(${policies.validTo} is null or ${policies.validTo} >= ${today}) and (${policies.validFrom} is null or ${policies.validFrom} <= ${today})` : undefined,
        state === 'expired' ? sql`${policies.validTo} < ${today}` : undefined,
      ),
    )
    .orderBy(asc(policies.key));
  const replaced = new Set(rows.filter((p) => p.overrides).map((p) => p.overrides!));
  return rows.filter((p) => !replaced.has(p.key));
}

export async function listPolicies(ctx: Ctx, actor: Actor, q: { audience?: Policy['audience']; regionCode?: string; includeExpired: boolean; state?: 'current' | 'expired' | 'all' }) {
  const region = q.regionCode || actor.regionCode;
  if (!inScope(actor, region) && !actor.regionCode.startsWith(region)) throw new NotFound('region', region);
  const today = shanghaiDate(ctx.clock.now());
  const next = await successors(ctx.db);
  return { items: (await applicable(ctx.db, region, today, q)).map((p) => present(p, today, next)) };
}

export async function getPolicy(ctx: Ctx, key: string) {
  const versions = await ctx.db.select().from(policies).where(eq(policies.key, key)).orderBy(asc(policies.version));
  const current = versions.find((v) => v.current);
  if (!current) throw new NotFound('policy', key);
  return { ...present(current, shanghaiDate(ctx.clock.now()), await successors(ctx.db)), versions: versions.map((v) => ({ version: v.version, createdAt: v.createdAt.toISOString(), current: v.current })) };
}

function assertMayEdit(actor: Actor, regionCode: string) {
  if (actor.role === 'station') throw new Forbidden('stations do not edit policies', [{ path: 'role', message: 'errors:detail.policies.role' }]);
  // A national policy belongs to no region below the country: only its own catalogue changes it.
  if (!regionCode.startsWith(actor.regionCode) || regionCode === '') throw new Forbidden('region outside scope', [{ path: 'body.regionCode', message: 'errors:detail.region_out_of_scope' }]);
}

/** A new or changed policy for workers: those it now covers hear of it (a job, so the request returns at once). */
async function announcePolicy(ctx: Ctx & Partial<Pick<AppContext, 'queues'>>, p: Policy): Promise<void> {
  if (p.audience !== 'worker' || !ctx.queues) return;
  await ctx.queues.enqueue('outreach', 'announce-policy', { policyId: p.id }, { jobId: `policy-${p.id}` });
}

/** The job: everyone in the policy's region who is eligible and was not told yet (each once, consent and subscription honoured). */
export async function announcePolicyJob(ctx: Ctx & Pick<AppContext, 'queues'>, policyId: string, t: TFunction): Promise<number> {
  const [p] = await ctx.db.select().from(policies).where(eq(policies.id, policyId));
  if (!p || !p.current) return 0;
  const today = shanghaiDate(ctx.clock.now());
  if ((p.validTo && p.validTo < today) || (p.validFrom && p.validFrom > today)) return 0;
  let told = 0;
  await scanEligible(ctx, p, p.regionCode, true, t, async (ids) => {
    told += await tell(ctx, p, ids.map((w) => w.id), 'new_policy');
  });
  return told;
}

export async function createPolicy({ ctx, actor, meta }: PoliciesProps<Ctx>, input: PolicyInput) {
  assertMayEdit(actor, input.regionCode);
  const [existing] = await ctx.db.select({ id: policies.id }).from(policies).where(eq(policies.key, input.key)).limit(1);
  if (existing) throw new Conflict('key taken', [{ path: 'body.key', message: 'errors:detail.policies.key_taken' }]);
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx.insert(policies).values({ ...input, version: 1, current: true, overrides: input.overrides ?? null, continues: input.continues ?? null, validFrom: input.validFrom ?? null, validTo: input.validTo ?? null, createdBy: actor.accountId, createdAt: ctx.clock.now() }).returning();
    audit({ action: 'policy.create', entity: 'policy', entityId: row!.id, regionCode: row!.regionCode, details: { key: input.key } });
    return row!;
  });
  await announcePolicy(ctx, row);
  return getPolicy(ctx, input.key);
}

/** A new version; the old one stays for the record, no longer current. */
export async function updatePolicy({ ctx, actor, meta }: PoliciesProps<Ctx>, key: string, input: PolicyInput) {
  const [cur] = await ctx.db.select().from(policies).where(and(eq(policies.key, key), eq(policies.current, true)));
  if (!cur) throw new NotFound('policy', key);
  assertMayEdit(actor, cur.regionCode);
  assertMayEdit(actor, input.regionCode);
  if (input.key !== key) throw new Conflict('key cannot change', [{ path: 'body.key', message: 'errors:detail.policies.key_fixed' }]);
  const id = await command({ ctx, actor, meta }, async (db, audit) => {
    const moved = await db.update(policies).set({ current: false }).where(and(eq(policies.id, cur.id), eq(policies.current, true))).returning({ id: policies.id });
    if (!moved.length) throw new Conflict('edited meanwhile', [{ path: 'policy', message: 'errors:detail.stale_version' }]);
    const [row] = await db.insert(policies).values({ ...input, version: cur.version + 1, current: true, overrides: input.overrides ?? null, continues: input.continues ?? null, validFrom: input.validFrom ?? null, validTo: input.validTo ?? null, createdBy: actor.accountId, createdAt: ctx.clock.now() }).returning({ id: policies.id });
    audit({ action: 'policy.update', entity: 'policy', entityId: row!.id, regionCode: input.regionCode, details: { key, version: cur.version + 1 } });
    return row!.id;
  });
  const [row] = await ctx.db.select().from(policies).where(eq(policies.id, id));
  await announcePolicy(ctx, row!);
  return getPolicy(ctx, key);
}

type Item = ReturnType<typeof itemOf>;

function itemOf(p: Policy, lang: string, reasons: string[], missing: string[], told: boolean) {
  return {
    key: p.key,
    title: text(p.title, lang),
    summary: text(p.summary, lang),
    benefit: text(p.benefit, lang),
    amountFen: p.benefit.amountFen ?? null,
    mode: p.mode,
    reasons,
    missing,
    steps: p.apply.steps.map((s) => text(s, lang)),
    materials: p.apply.materials.map((s) => text(s, lang)),
    where: text(p.apply.where, lang),
    source: `${p.source.document} ${p.source.article}`,
    told,
  };
}

/**
 * What one person can claim now, each with the reasons in plain words and the steps; and what they
 * could claim after one change within their reach (a training, a job elsewhere).
 */
export function checklistOf(list: Policy[], f: Facts, today: string, t: TFunction, lang: string, told: Set<string>): { eligible: Item[]; near: Item[] } {
  const eligible: Item[] = [];
  const near: Item[] = [];
  for (const p of list) {
    const o = evaluate(p.rule as Rule, f, today, t);
    if (o.ok) eligible.push(itemOf(p, lang, o.met, [], told.has(p.key)));
    else if (o.unmet.length === 1 && o.unmet[0]!.actionable) near.push(itemOf(p, lang, o.met, [o.unmet[0]!.text], told.has(p.key)));
  }
  return { eligible, near };
}

export async function checklistFor(ctx: Ctx, worker: { id: string; regionCode: string; preferredLanguage: string }, t: TFunction) {
  const today = shanghaiDate(ctx.clock.now());
  // Asked together: a person waiting in chat for the list waits for the slowest of the three, not their sum.
  const [list, facts, notices] = await Promise.all([
    applicable(ctx.db, worker.regionCode, today, { audience: 'worker' }),
    loadFacts(ctx.db, ctx.policyPorts, [worker.id], today),
    ctx.db.select({ key: policyNotices.policyKey }).from(policyNotices).where(eq(policyNotices.workerId, worker.id)),
  ]);
  return checklistOf(list, facts.get(worker.id)!, today, t, worker.preferredLanguage, new Set(notices.map((n) => n.key)));
}

export async function workerChecklist(ctx: Ctx, actor: Actor, workerId: string, t: TFunction, lang: string) {
  const w = await findWorker(ctx.db, workerId);
  if (!w) throw new NotFound('worker', workerId);
  assertInScope(actor, w.regionCode, 'worker', workerId);
  return checklistFor(ctx, { ...w, preferredLanguage: lang }, t);
}

/** Employers that organise work for others (HR agencies, brokers, labour cooperatives) also see agency policies. */
const AGENCY_KINDS = new Set(['hr_agency', 'labour_broker', 'labour_cooperative']);

/** What hiring lifted workers brings an employer in its region (and, for an agency, what organising work does). */
export async function employerChecklist(ctx: Ctx, employer: { regionCode: string; kind: string }, lang: string) {
  const today = shanghaiDate(ctx.clock.now());
  const list = [
    ...(await applicable(ctx.db, employer.regionCode, today, { audience: 'employer' })),
    ...(AGENCY_KINDS.has(employer.kind) ? await applicable(ctx.db, employer.regionCode, today, { audience: 'agency' }) : []),
  ];
  return { eligible: list.map((p) => itemOf(p, lang, [], [], false)), near: [] };
}

/**
 * The people of a region eligible for a policy (and, by default, not told of it yet), found by
 * reading the register a thousand at a time.
 */
async function scanEligible(ctx: Ctx, policy: Policy, region: string, notTold: boolean, t: TFunction, onBatch: (ids: Array<{ id: string; name: string }>) => Promise<void>) {
  const today = shanghaiDate(ctx.clock.now());
  let after: string | undefined;
  for (;;) {
    const batch = await activeWorkersPage(ctx.db, region, after, 1000);
    if (!batch.length) return;
    after = batch[batch.length - 1]!.id;
    const facts = await loadFacts(ctx.db, ctx.policyPorts, batch.map((w) => w.id), today);
    const told = notTold
      ? new Set((await ctx.db.select({ id: policyNotices.workerId }).from(policyNotices).where(and(eq(policyNotices.policyKey, policy.key), inArray(policyNotices.workerId, batch.map((w) => w.id))))).map((n) => n.id))
      : new Set<string>();
    await onBatch(batch.filter((w) => !told.has(w.id) && evaluate(policy.rule as Rule, facts.get(w.id)!, today, t).ok));
  }
}

async function policyInRegion(ctx: Ctx, actor: Actor, key: string, regionCode: string | undefined) {
  const region = regionCode ?? actor.regionCode;
  if (!inScope(actor, region)) throw new NotFound('region', region);
  const [p] = await ctx.db.select().from(policies).where(and(eq(policies.key, key), eq(policies.current, true)));
  if (!p) throw new NotFound('policy', key);
  // The policy must reach the region asked for (or a part of it): scan where both hold.
  const scope = region.startsWith(p.regionCode) ? region : p.regionCode.startsWith(region) ? p.regionCode : null;
  return { p, scope };
}

export async function eligibleWorkers(ctx: Ctx, actor: Actor, key: string, q: { regionCode?: string; notTold: boolean; page: number; pageSize: number }, t: TFunction) {
  const { p, scope } = await policyInRegion(ctx, actor, key, q.regionCode);
  const found: Array<{ id: string; name: string }> = [];
  if (scope !== null) await scanEligible(ctx, p, scope, q.notTold, t, async (ids) => void found.push(...ids));
  const start = (q.page - 1) * q.pageSize;
  return { items: found.slice(start, start + q.pageSize).map((w) => ({ workerId: w.id, name: w.name })), page: q.page, pageSize: q.pageSize, total: found.length };
}

/** Tells everyone in the region who is eligible and has not been told yet; each person once. */
export async function notifyEligible(ctx: Ctx & Pick<AppContext, 'queues'>, actor: Actor, key: string, regionCode: string | undefined, t: TFunction, meta: Meta) {
  const { p, scope } = await policyInRegion(ctx, actor, key, regionCode);
  let told = 0;
  if (scope !== null) {
    await scanEligible(ctx, p, scope, true, t, async (ids) => {
      told += await tell(ctx, p, ids.map((w) => w.id), 'staff');
    });
  }
  // The sends go in batches, each committed with its notices; this entry sums them up once they are done.
  await auditRead({ ctx, actor, meta }, { action: 'policy.notify', entity: 'policy', entityId: p.id, regionCode: scope ?? actor.regionCode, details: { key, told } });
  return { told };
}

/** One notice per person and policy, and a message through the push engine for each new one. */
async function tell(ctx: Ctx & Pick<AppContext, 'queues'>, p: Policy, workerIds: string[], reason: string): Promise<number> {
  if (!workerIds.length) return 0;
  const now = ctx.clock.now();
  const made = await ctx.db.transaction(async (tx) => {
    const db = tx;
    const notices = await db
      .insert(policyNotices)
      .values(workerIds.map((workerId) => ({ policyKey: p.key, policyId: p.id, workerId, reason, createdAt: now })))
      .onConflictDoNothing()
      .returning({ id: policyNotices.id, workerId: policyNotices.workerId });
    // Outreach writes the messages (one per new notice, on the person's channel) in this transaction.
    return ctx.policyPorts.policyNoticeDeliveries(db, notices, now);
  });
  await enqueueDeliveries(ctx.queues, made);
  return made.length;
}

/**
 * After an event that may open eligibility (a job, in particular one in another province; an
 * enrolment in training), the person hears of each policy they can now claim and were not told of.
 */
export async function tellNewlyEligible(ctx: Ctx & Pick<AppContext, 'queues'>, workerId: string, event: 'employment' | 'training', t: TFunction): Promise<string[]> {
  const w = await findWorker(ctx.db, workerId);
  if (!w || w.status !== 'active') return [];
  const list = await checklistFor(ctx, w, t);
  const fresh = list.eligible.filter((i) => !i.told);
  if (!fresh.length) return [];
  // Only what this event can have opened: a job tells of job-related policies, a training of training ones.
  const rows = (await ctx.db.select().from(policies).where(and(eq(policies.current, true), inArray(policies.key, fresh.map((i) => i.key))))).filter((p) => opensOn(p.rule as Rule).has(event));
  for (const p of rows) await tell(ctx, p, [workerId], event);
  return rows.map((p) => p.key);
}

/**
 * The daily look ahead: each current policy that ends within ENDING_WARNING_DAYS with nothing carrying
 * it forward is announced once to the administrators of its region and below (a national one to all),
 * so nothing disappears unannounced (seed 000 national 三(三): policy lists kept known, 提高政策知晓度).
 */
export async function announceEndings(ctx: Ctx & Pick<AppContext, 'noticePorts'> & Partial<Pick<AppContext, 'queues'>>): Promise<number> {
  const today = shanghaiDate(ctx.clock.now());
  const rows = await ctx.db
    .select()
    .from(policies)
    .where(and(eq(policies.current, true), sql`${policies.validTo} >= ${today} and ${policies.validTo} <= ${addDays(today, ENDING_WARNING_DAYS)}`));
  const next = await successors(ctx.db);
  let sent = 0;
  for (const p of rows) {
    if (!endingSoon(p, today, next.get(p.key) ?? null)) continue;
    const id = await notify(ctx, ctx.clock.now(), {
      kind: 'policy_ending',
      regionCode: p.regionCode,
      reach: 'region_and_below',
      // The English title too, for an English-speaking account's push.
      params: { key: p.key, title: p.title['zh-CN'], titleEn: p.title.en ?? null, validTo: p.validTo },
      link: { entity: 'policy', id: p.key },
      dedupeKey: `policy-ending:${p.key}:${p.validTo}`,
    }, ctx.queues);
    if (id) sent++;
  }
  return sent;
}

/** What a person was told of, when and why, with the version they were told of: kept after the policy ends. */
export async function policyHistory(ctx: Ctx, actor: Actor, workerId: string, lang: string) {
  const w = await findWorker(ctx.db, workerId);
  if (!w) throw new NotFound('worker', workerId);
  assertInScope(actor, w.regionCode, 'worker', workerId);
  const today = shanghaiDate(ctx.clock.now());
  const rows = await ctx.db
    .select({ n: policyNotices, p: policies })
    .from(policyNotices)
    .innerJoin(policies, eq(policies.id, policyNotices.policyId))
    .where(eq(policyNotices.workerId, workerId))
    .orderBy(desc(policyNotices.createdAt));
  return {
    items: rows.map(({ n, p }) => ({
      key: p.key,
      version: p.version,
      title: text(p.title, lang),
      benefit: text(p.benefit, lang),
      reason: n.reason,
      toldAt: n.createdAt.toISOString(),
      validTo: p.validTo,
      state: stateOf(p, today),
      source: `${p.source.document} ${p.source.article}`,
    })),
  };
}

/**
 * The short form of the policies in force for workers in a region, one line per benefit, from the
 * catalogue: what the bot answers someone it cannot check yet (seed 000 national 三(三): 政策清单 in
 * plain words through channels people use).
 */
export async function shortList(ctx: Ctx, regionCode: string, t: TFunction, lang: string): Promise<string> {
  const list = await applicable(ctx.db, regionCode, shanghaiDate(ctx.clock.now()), { audience: 'worker' });
  return shortText(list, t, lang);
}

export function shortText(list: Array<Pick<Policy, 'title' | 'benefit'>>, t: TFunction, lang: string): string {
  const lines = [t('policies:short.head'), ...list.map((p) => t('policies:short.line', { title: text(p.title, lang), benefit: text(p.benefit, lang) })), t('policies:short.footer')];
  return lines.join('\n');
}
