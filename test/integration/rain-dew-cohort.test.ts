import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import { Conversation } from '../../bots/conversation';
import { startWorkers, type Workers } from '../../jobs/workers';
import { deliveries, followUps, followUpSteps, helpRequests, identities, rainDewFiles } from '../../src/db/schema';
import { sweepFollowUps } from '../../src/outreach/follow-ups';
import { graduateDue } from '../../src/rain-dew/status';
import { ManualClock } from '../../src/shared/clock';
import { shanghaiDate } from '../../src/shared/time';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { until } from '../helpers/wait';

/**
 * A cohort of Rain Dew graduates (seeds 000 §3, 001 §2.5, 002 §2.7) followed day by day with a
 * controllable clock: from three months before graduation (30 June 2027) to a year after it.
 */
describe('a Rain Dew cohort, day by day from three months before graduation to a year after', () => {
  let h: Harness;
  let countyA: Staff;
  let countyB: Staff;
  let running: Workers | undefined;
  const clock = new ManualClock('2027-03-20T02:05:00Z');

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    countyA = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    countyB = await signIn(h, appOf(h), { regionCode: REGIONS.countyB.code });
  });
  afterAll(async () => {
    await running?.close();
    await h.close();
  });

  const graduate = async (staff: Staff, name: string, region: string, contact: string) => {
    const w = (await staff.post('/api/v1/workers', workerInput({ name, regionCode: region, birthDate: undefined }))).body;
    const opened = await staff.post('/api/v1/rain-dew', { workerId: w.id, school: '红河州职业技术学院', major: '护理', level: 'higher_vocational', enrolledOn: '2024-09-01', expectedGraduation: '2027-06-30', caseWorkerId: staff.id });
    if (opened.status !== 201) throw new Error(JSON.stringify(opened.body));
    await staff.put(`/api/v1/workers/${w.id}/subscription`, { channel: 'log' });
    await h.ctx.db.insert(identities).values({ workerId: w.id, kind: 'wechat_contact', value: contact });
    return w.id as string;
  };

  /** Runs one day at 10:05 Beijing time as production would: the daily jobs, then the sweeper, until every due step is handled. */
  const runDay = async (day: string) => {
    clock.set(`${day}T02:05:00Z`);
    await graduateDue(h.ctx.db, clock.now());
    await sweepFollowUps(h.ctx);
    const left = await until(
      async () => {
        const [pending] = await h.ctx.db.select({ n: sql<number>`count(*)::int` }).from(followUpSteps).where(and(eq(followUpSteps.status, 'pending'), lte(followUpSteps.dueAt, clock.now())));
        const [unsent] = await h.ctx.db.select({ n: sql<number>`count(*)::int` }).from(deliveries).where(and(sql`${deliveries.stepId} is not null`, inArray(deliveries.status, ['queued', 'sending'])));
        return (pending?.n ?? 0) + (unsent?.n ?? 0);
      },
      (n) => n === 0,
      30_000,
    );
    expect({ day, left }).toEqual({ day, left: 0 });
  };

  it('asks on the right days, records the answers, turns silence into a task, stops at steady work, survives a Redis loss, and stays in its county', async () => {
    const employed = await graduate(countyA, '回复工作', REGIONS.villageA.code, 'wxid-cohort-1');
    const silent = await graduate(countyA, '一直不回', REGIONS.villageA.code, 'wxid-cohort-2');
    const looking = await graduate(countyA, '一直在找', REGIONS.villageA.code, 'wxid-cohort-3');
    const elsewhere = await graduate(countyB, '县B毕业生', REGIONS.villageB.code, 'wxid-cohort-4');
    const c = new Conversation(h.ctx);
    const say = async (who: string, text: string) => (await c.respond({ kind: 'text', text, senderId: who })).join('\n');
    running = startWorkers(h.ctx, { only: ['outreach', 'deliveries', 'deliveries-bulk', 'events'] });

    // What the two who answer say, by day (the question went out at 10:00 that morning).
    const answers: Record<string, Array<[string, string, string]>> = {
      '2027-04-01': [
        ['wxid-cohort-1', '想在县城医院做护理', '记下了'],
        ['wxid-cohort-3', '想去昆明', '记下了'],
      ],
      '2027-06-30': [
        ['wxid-cohort-1', '2', '我们会帮您留意'],
        ['wxid-cohort-3', '2', '我们会帮您留意'],
      ],
      '2027-07-30': [
        ['wxid-cohort-1', '1', '在哪个单位工作'],
        ['wxid-cohort-1', '元阳县人民医院', '每月大概挣多少钱'],
        ['wxid-cohort-1', '3600', '祝工作顺利'],
        ['wxid-cohort-3', '2', '我们会帮您留意'],
      ],
      '2027-09-30': [['wxid-cohort-3', '2', '我们会帮您留意']],
      '2027-12-30': [['wxid-cohort-3', '2', '我们会帮您留意']],
    };

    const start = Date.parse('2027-03-21T00:00:00Z');
    const end = Date.parse('2028-07-05T00:00:00Z');
    for (let t = start; t <= end; t += 86400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      if (day === '2027-09-30') {
        // The middle of the year: the worker processes restart and Redis comes back empty.
        await running.close();
        await h.ctx.queues.queue('outreach').obliterate({ force: true });
        await h.ctx.queues.queue('deliveries').obliterate({ force: true });
        await h.ctx.queues.queue('deliveries-bulk').obliterate({ force: true });
        running = startWorkers(h.ctx, { only: ['outreach', 'deliveries', 'deliveries-bulk', 'events'] });
      }
      await runDay(day);
      for (const [who, text, reply] of answers[day] ?? []) {
        clock.set(`${day}T03:00:00Z`);
        expect(await say(who, text)).toContain(reply);
      }
    }

    // Which questions went out on which day, per person.
    const sent = async (workerId: string) => {
      const rows = await h.ctx.db
        .select({ step: followUpSteps.step, status: followUpSteps.status, firedAt: followUpSteps.firedAt, reason: followUpSteps.reason })
        .from(followUpSteps)
        .innerJoin(followUps, eq(followUps.id, followUpSteps.followUpId))
        .where(and(eq(followUps.workerId, workerId), eq(followUps.sequence, 'rain_dew')));
      return Object.fromEntries(rows.map((r) => [r.step, r.status === 'fired' ? shanghaiDate(r.firedAt!) : r.status]));
    };
    const everyDay = { before_90: '2027-04-01', graduation: '2027-06-30', month_1: '2027-07-30', month_3: '2027-09-30', month_6: '2027-12-30', month_12: '2028-06-30' };
    // Answered every time: asked at every step, to the end.
    expect(await sent(looking)).toEqual(everyDay);
    // In the same job since 30 July: still asked at six months (five months in), stopped at a year (稳定就业).
    expect(await sent(employed)).toEqual({ ...everyDay, month_12: 'cancelled' });
    // Two questions without an answer: the third is not sent; a task is opened instead.
    expect(await sent(silent)).toEqual({ before_90: '2027-04-01', graduation: '2027-06-30', month_1: 'cancelled', month_3: 'cancelled', month_6: 'cancelled', month_12: 'cancelled' });
    expect(await sent(elsewhere)).toEqual(await sent(silent));

    // Nothing was sent twice, the Redis loss included: one message per question asked.
    const perStep = await h.ctx.db
      .select({ stepId: deliveries.stepId, n: sql<number>`count(*)::int`, sent: sql<number>`count(*) filter (where ${deliveries.status} = 'sent')::int` })
      .from(deliveries)
      .innerJoin(followUpSteps, eq(followUpSteps.id, deliveries.stepId))
      .innerJoin(followUps, eq(followUps.id, followUpSteps.followUpId))
      .where(eq(followUps.sequence, 'rain_dew'))
      .groupBy(deliveries.stepId);
    expect(perStep).toHaveLength(6 + 5 + 2 + 2);
    expect(perStep.every((r) => r.n === 1 && r.sent === 1)).toBe(true);

    // The files tell the story (staff sign in again: a year has passed).
    countyA = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    countyB = await signIn(h, appOf(h), { regionCode: REGIONS.countyB.code });
    const fileA = (await countyA.get(`/api/v1/rain-dew/${employed}`)).body;
    expect(fileA.file).toMatchObject({ status: 'employed', graduatedOn: '2027-06-30' });
    expect(fileA.employment).toEqual([expect.objectContaining({ employerName: '元阳县人民医院', startDate: '2027-07-30', monthlyIncomeFen: 360000 })]);
    expect(fileA.timeline.filter((e: { kind: string }) => e.kind === 'contact').map((e: { outcome: string }) => e.outcome)[0]).toBe('想在县城医院做护理');
    const fileC = (await countyA.get(`/api/v1/rain-dew/${looking}`)).body;
    expect(fileC.file.status).toBe('seeking');
    const [silentFile] = await h.ctx.db.select().from(rainDewFiles).where(eq(rainDewFiles.workerId, silent));
    // Graduated on the day by the daily job, though nobody touched the file.
    expect(silentFile).toMatchObject({ status: 'graduated', graduatedOn: '2027-06-30' });

    // The case worker of county A sees their three and their tasks; nothing of county B.
    const list = (await countyA.get('/api/v1/rain-dew?pageSize=50')).body;
    expect(list.items.map((i: { workerId: string }) => i.workerId).sort()).toEqual([employed, silent, looking].sort());
    expect((await countyA.get(`/api/v1/rain-dew/${elsewhere}`)).status).toBe(404);
    const tasksA = (await countyA.get('/api/v1/help-requests?status=open')).body.items.map((r: { workerId: string }) => r.workerId);
    expect(tasksA).toEqual([silent]);
    const tasksB = (await countyB.get('/api/v1/help-requests?status=open')).body.items.map((r: { workerId: string }) => r.workerId);
    expect(tasksB).toEqual([elsewhere]);
    expect(await h.ctx.db.select().from(helpRequests).where(eq(helpRequests.door, 'follow_up'))).toHaveLength(2);
  });
});
