import { eq, sql } from 'drizzle-orm';
import { auditLog, employmentRecords, helpRequests, identities, providerReports, rainDewActions, rainDewEvents, rainDewFiles, rainDewPlans, subscriptions, wageCases, workerChanges, workerSessions, workers } from '../../src/db/schema';
import { anonymiseDeparted } from '../../src/privacy';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, validPhone, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

const NOON = '2026-06-01T04:00:00Z';
const LATER = '2029-06-02T04:00:00Z';

/**
 * PIPL Art. 19 (README "Privacy"): people who left the programme are anonymised RETENTION_YEARS (3) after
 * they were last heard of. Each module anonymises its own rows (register, chat, the mini-program, outreach,
 * market, Rain Dew), all in one transaction: to prove it, the last owner's step is refused for real by a
 * CHECK constraint on rain_dew_actions (this worker's own database, dropped after), and nothing of the
 * other owners' steps may remain.
 */
describe('anonymising a person who left: every owner anonymises its own rows, in one transaction', () => {
  let h: Harness;
  let station: Staff;
  const clock = new ManualClock(NOON);
  let n = 0;

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });
  afterAll(async () => {
    await h.ctx.db.execute(sql`alter table rain_dew_actions drop constraint if exists rain_dew_actions_erasure_test`);
    await h.close();
  });
  beforeEach(() => clock.set(NOON));

  /** A person who left, with rows in every owner's tables, and their WeChat identifiers. */
  async function departed() {
    const tag = `erase-${++n}`;
    const w = (await station.post('/api/v1/workers', workerInput({ name: `离开者${n}`, homeLat: 23.2, homeLng: 102.8 }))).body;
    expect((await station.post(`/api/v1/workers/${w.id}/employment`, { employerName: '县城超市', placeRegionCode: REGIONS.countyA.code, startDate: '2026-01-01' })).status).toBe(201);
    const current = (await station.get(`/api/v1/workers/${w.id}`)).body;
    expect((await station.patch(`/api/v1/workers/${w.id}`, { phone: validPhone(), version: current.version })).status).toBe(200);
    const ids = { contact: `wxid-${tag}`, openid: `o-mp-${tag}`, unionid: `u-${tag}` };
    await h.ctx.db.insert(identities).values([
      { workerId: w.id, kind: 'wechat_contact', value: ids.contact },
      { workerId: w.id, kind: 'mp_openid', value: ids.openid },
    ]);
    await h.ctx.db.insert(subscriptions).values({ workerId: w.id });
    const [help] = await h.ctx.db.insert(helpRequests).values({ workerId: null, regionCode: w.regionCode, door: 'wechat', contact: ids.contact, context: [{ at: NOON, text: '我想找工作' }], note: '已电话联系' }).returning({ id: helpRequests.id });
    // A sign-in whose unionid is known only from the session itself, and a provider's report addressed to it.
    await h.ctx.db.insert(workerSessions).values({ tokenHash: `digest-${tag}`, openid: ids.openid, unionid: ids.unionid, workerId: w.id, expiresAt: new Date('2030-01-01T00:00:00Z') });
    await h.ctx.db.insert(providerReports).values({ channel: 'official_account', address: ids.unionid, ref: `msg-${tag}`, delivered: true, reportedAt: new Date(NOON) });
    await h.ctx.db.insert(wageCases).values({ workerId: w.id, regionCode: w.regionCode, reason: 'unpaid', description: '老板欠我三个月工资' });
    await h.ctx.db.insert(rainDewFiles).values({ workerId: w.id, regionCode: w.regionCode, school: '红河技师学院', major: '电工', level: 'technician', expectedGraduation: '2026-07-01' });
    await h.ctx.db.insert(rainDewEvents).values({ workerId: w.id, kind: 'contact', outcome: '电话里说想去昆明' });
    await h.ctx.db.insert(rainDewPlans).values({ workerId: w.id, goal: '去昆明做电工' });
    await h.ctx.db.insert(rainDewActions).values({ workerId: w.id, kind: 'guidance', description: '介绍昆明的电工岗位', outcome: '已去面试', dueOn: '2026-07-01' });
    expect((await station.post(`/api/v1/workers/${w.id}/leave`, { reason: '迁往外省' })).status).toBe(200);
    return { id: w.id as string, ids, tag, helpId: help!.id };
  }

  /** Everything held about the person, in each owner's tables. */
  async function rowsOf(p: Awaited<ReturnType<typeof departed>>) {
    const db = h.ctx.db;
    return {
      worker: await db.select().from(workers).where(eq(workers.id, p.id)),
      jobs: await db.select().from(employmentRecords).where(eq(employmentRecords.workerId, p.id)),
      changes: await db.select().from(workerChanges).where(eq(workerChanges.workerId, p.id)),
      doors: await db.select().from(identities).where(eq(identities.workerId, p.id)),
      subscription: await db.select().from(subscriptions).where(eq(subscriptions.workerId, p.id)),
      reports: await db.select().from(providerReports).where(eq(providerReports.ref, `msg-${p.tag}`)),
      help: await db.select().from(helpRequests).where(eq(helpRequests.id, p.helpId)),
      sessions: await db.select().from(workerSessions).where(eq(workerSessions.openid, p.ids.openid)),
      wages: await db.select().from(wageCases).where(eq(wageCases.workerId, p.id)),
      rainDew: {
        file: await db.select().from(rainDewFiles).where(eq(rainDewFiles.workerId, p.id)),
        events: await db.select().from(rainDewEvents).where(eq(rainDewEvents.workerId, p.id)),
        plan: await db.select().from(rainDewPlans).where(eq(rainDewPlans.workerId, p.id)),
        actions: await db.select().from(rainDewActions).where(eq(rainDewActions.workerId, p.id)),
      },
      audit: await db.select().from(auditLog).where(eq(auditLog.entityId, p.id)),
    };
  }

  it("anonymises the person's rows in each owner's tables: the register, chat, the mini-program, outreach, market and Rain Dew", async () => {
    const p = await departed();
    clock.set(LATER);
    let total = 0;
    for (let k = await anonymiseDeparted({ ctx: h.ctx }); k > 0; k = await anonymiseDeparted({ ctx: h.ctx })) total += k;
    expect(total).toBeGreaterThanOrEqual(1);
    const after = await rowsOf(p);
    // Register: no name, numbers or home; the job still counted, without the place; the history without the fields.
    expect(after.worker).toMatchObject([{ name: '已匿名', phoneEnc: null, phoneMasked: null, homeLat: null, homeLng: null, idNumberMasked: '******************', status: 'left' }]);
    expect(after.jobs).toMatchObject([{ place: null }]);
    expect(after.changes.length).toBeGreaterThan(0);
    expect(after.changes.every((c) => c.fields.length === 0)).toBe(true);
    // Outreach: doors and subscription gone; the provider's report kept without the address.
    expect(after.doors).toEqual([]);
    expect(after.subscription).toEqual([]);
    expect(after.reports).toMatchObject([{ address: null, delivered: true }]);
    // Chat: the help request made before binding (no worker id) kept, without the contact, words or note.
    expect(after.help.map((r) => ({ contact: r.contact, context: r.context, note: r.note }))).toEqual([{ contact: '已匿名', context: [], note: null }]);
    // The mini-program: the sign-in is gone.
    expect(after.sessions).toEqual([]);
    // Market: the wage case kept, without the person's words.
    expect(after.wages).toMatchObject([{ description: null, reason: 'unpaid' }]);
    // Rain Dew: the figures stay, the words go.
    expect(after.rainDew.file).toMatchObject([{ school: '已匿名', major: '电工', level: 'technician' }]);
    expect(after.rainDew.events).toMatchObject([{ outcome: null }]);
    expect(after.rainDew.plan).toMatchObject([{ goal: '已匿名' }]);
    expect(after.rainDew.actions).toMatchObject([{ description: '已匿名', outcome: null }]);
    expect(after.audit.filter((a) => a.action === 'worker.anonymise')).toMatchObject([{ actorId: null, details: { afterYears: 3 } }]);
  });

  it("leaves everything as it was, and writes no audit entry, when one owner's step is refused; the next round anonymises them", async () => {
    // The person of the test above is anonymised already: only this one is due.
    const p = await departed();
    clock.set(LATER);
    await h.ctx.db.execute(sql`alter table rain_dew_actions add constraint rain_dew_actions_erasure_test check (description <> '已匿名') not valid`);
    const before = await rowsOf(p);
    expect(before.worker[0]!.name).toBe(`离开者${n}`);
    try {
      const err = await anonymiseDeparted({ ctx: h.ctx }).then(
        () => undefined,
        (e: unknown) => e as { constraint?: string; cause?: { constraint?: string } },
      );
      // Refused by the constraint, not for any other reason.
      expect((err?.cause ?? err)?.constraint).toBe('rain_dew_actions_erasure_test');
      // The register, chat, the mini-program, outreach and market had done their steps before Rain Dew's: none of it is left.
      expect(await rowsOf(p)).toEqual(before);
      expect(before.audit.some((a) => a.action === 'worker.anonymise')).toBe(false);
    } finally {
      await h.ctx.db.execute(sql`alter table rain_dew_actions drop constraint if exists rain_dew_actions_erasure_test`);
    }
    expect(await anonymiseDeparted({ ctx: h.ctx })).toBe(1);
    const after = await rowsOf(p);
    expect(after.worker).toMatchObject([{ name: '已匿名' }]);
    expect(after.doors).toEqual([]);
    expect(after.rainDew.actions).toMatchObject([{ description: '已匿名' }]);
    expect(after.audit.filter((a) => a.action === 'worker.anonymise')).toHaveLength(1);
  });
});
