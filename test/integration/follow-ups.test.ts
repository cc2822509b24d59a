import { eq, sql } from 'drizzle-orm';
import { deliveries, followUpSteps, followUps, workers } from '../../src/db/schema';
import { logChannel, type OutgoingMessage } from '../../src/outreach/channels';
import { fireStep, noteReply, startFollowUp, sweepFollowUps } from '../../src/outreach/follow-ups';
import { emit } from '../../src/events';
import { randomUUID } from 'node:crypto';
import { deliver } from '../../src/outreach/service';
import { ManualClock } from '../../src/shared/clock';
import { startWorkers, type Workers } from '../../jobs/workers';
import { createHarness, type Harness } from '../helpers/harness';
import { drainEvents } from '../helpers/events';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';
import { until } from '../helpers/wait';
import { expectRefused } from '../helpers/refused';

const NOON = '2026-06-01T04:00:00Z'; // 12:00 on 1 June in Asia/Shanghai

type View = { id: string; sequence: string; status: string; stopReason: string | null; steps: Array<{ step: string; dueAt: string; status: string; reason: string | null }> };

describe('follow-up sequences: steps counted from a date, checked when they fire, kept across restarts', () => {
  let h: Harness;
  let station: Staff;
  let running: Workers | undefined;
  const clock = new ManualClock(NOON);

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    clock.set(NOON);
  });
  afterAll(() => h.close());

  const person = async () => {
    const res = await station.post('/api/v1/workers', workerInput({ regionCode: REGIONS.villageA.code }));
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    await station.put(`/api/v1/workers/${res.body.id}/subscription`, { channel: 'log' });
    return res.body.id as string;
  };
  const followUpsOf = async (workerId: string): Promise<View[]> => (await station.get(`/api/v1/workers/${workerId}/follow-ups`)).body.items;
  const one = async (workerId: string, sequence: string) => (await followUpsOf(workerId)).find((f) => f.sequence === sequence && f.status === 'active')!;
  const stepId = async (followUpId: string, step: string) =>
    (await h.ctx.db.select({ id: followUpSteps.id }).from(followUpSteps).where(sql`${followUpSteps.followUpId} = ${followUpId} and ${followUpSteps.step} = ${step}`))[0]!.id;
  const sendOf = async (sid: string) => {
    const [d] = await h.ctx.db.select().from(deliveries).where(eq(deliveries.stepId, sid));
    const sink: OutgoingMessage[] = [];
    const result = await deliver(h.ctx, d!.id, new Map([['log', logChannel(h.ctx.logger, sink)]]));
    return { result, text: sink[0]?.text };
  };

  it('a lost job starts the job-search follow-up: its first step is sent, and a reply stops the rest', async () => {
    const id = await person();
    expect((await station.post(`/api/v1/workers/${id}/employment`, { employerName: '昆明某物流公司', startDate: '2026-05-01' })).status).toBe(201);
    await drainEvents(h);
    expect((await station.post(`/api/v1/workers/${id}/employment/end`, { endDate: '2026-06-01' })).status).toBe(200);
    await drainEvents(h);

    const all = await followUpsOf(id);
    expect(all.find((f) => f.sequence === 'job_retention')).toMatchObject({ status: 'stopped', stopReason: 'job_ended' });
    const search = await one(id, 'job_search');
    // 3 days, 2 weeks, 1 month and 3 months after the job ended, at 10:00 Beijing time.
    expect(search.steps.map((s) => [s.step, s.dueAt, s.status])).toEqual([
      ['day_3', '2026-06-04T02:00:00.000Z', 'pending'],
      ['week_2', '2026-06-15T02:00:00.000Z', 'pending'],
      ['month_1', '2026-07-01T02:00:00.000Z', 'pending'],
      ['month_3', '2026-09-01T02:00:00.000Z', 'pending'],
    ]);

    clock.set('2026-06-04T02:00:00Z');
    const first = await stepId(search.id, 'day_3');
    expect(await fireStep(h.ctx, first)).toBe('fired');
    // A second firing (a duplicate job, a sweep) sends nothing more.
    expect(await fireStep(h.ctx, first)).toBe('fired');
    expect(await h.ctx.db.select().from(deliveries).where(eq(deliveries.stepId, first))).toHaveLength(1);
    const sent = await sendOf(first);
    expect(sent.result).toBe('sent');
    expect(sent.text).toContain('回复“找工作”');

    await noteReply(h.ctx, id);
    clock.set('2026-06-15T02:00:00Z');
    expect(await fireStep(h.ctx, await stepId(search.id, 'week_2'))).toBe('stopped:replied');
    clock.set(NOON); // (the station's session would have expired by the 15th)
    const after = (await followUpsOf(id)).find((f) => f.id === search.id)!;
    expect(after).toMatchObject({ status: 'stopped', stopReason: 'replied' });
    expect(after.steps.map((s) => s.status)).toEqual(['fired', 'cancelled', 'cancelled', 'cancelled']);
  });

  it('stops when the person is back in work, whether recorded here or found when the step fires', async () => {
    const recorded = await person();
    const started = await station.post(`/api/v1/workers/${recorded}/follow-ups`, { sequence: 'job_search' });
    expect(started.status).toBe(201);
    expect((await station.post(`/api/v1/workers/${recorded}/employment`, { employerName: '县城超市', startDate: '2026-06-01' })).status).toBe(201);
    await drainEvents(h);
    expect((await followUpsOf(recorded)).find((f) => f.id === started.body.id)).toMatchObject({ status: 'stopped', stopReason: 'employed' });

    const found = await person();
    const f = (await station.post(`/api/v1/workers/${found}/follow-ups`, { sequence: 'job_search' })).body as View;
    await h.ctx.db.update(workers).set({ employed: true }).where(eq(workers.id, found));
    clock.set('2026-06-04T02:00:00Z');
    expect(await fireStep(h.ctx, await stepId(f.id, 'day_3'))).toBe('stopped:employed');
    expect(await h.ctx.db.select().from(deliveries).where(eq(deliveries.workerId, found))).toHaveLength(0);
  });

  it("stops asking how an application went once the employer has answered it (market's application.moved, heard by outreach)", async () => {
    const applicant = await person();
    const applicationId = randomUUID();
    const now = clock.now();
    const run = await startFollowUp(h.ctx.db, now, { sequence: 'fair_aftercare', workerId: applicant, regionCode: REGIONS.villageA.code, subject: applicationId, anchorDate: '2026-06-01', variables: { fair: '县城招聘会', employer: '县城超市', title: '理货员' } });
    // Still waiting for an answer: nothing stops.
    await emit(h.ctx.db, now, [{ type: 'application.moved', data: { applicationId, vacancyId: randomUUID(), workerId: applicant, regionCode: REGIONS.countyA.code, from: 'applied', to: 'applied', actorId: null } }]);
    expect(await drainEvents(h)).toContain('application.moved:outreach.heard-back');
    expect((await followUpsOf(applicant)).find((f) => f.id === run.id)).toMatchObject({ status: 'active' });
    await emit(h.ctx.db, now, [{ type: 'application.moved', data: { applicationId, vacancyId: randomUUID(), workerId: applicant, regionCode: REGIONS.countyA.code, from: 'applied', to: 'interview', actorId: null } }]);
    await drainEvents(h);
    expect((await followUpsOf(applicant)).find((f) => f.id === run.id)).toMatchObject({ status: 'stopped', stopReason: 'heard_back' });
    clock.set('2026-06-04T02:00:00Z');
    expect(await fireStep(h.ctx, run.steps[0]!.id)).toBe('cancelled');
    expect(await h.ctx.db.select().from(deliveries).where(eq(deliveries.workerId, applicant))).toHaveLength(0);
  });

  it('honours unsubscribing after a step fired and before its message is sent', async () => {
    const id = await person();
    const f = (await station.post(`/api/v1/workers/${id}/follow-ups`, { sequence: 'job_search' })).body as View;
    clock.set('2026-06-04T02:00:00Z');
    const sid = await stepId(f.id, 'day_3');
    expect(await fireStep(h.ctx, sid)).toBe('fired');
    clock.set(NOON);
    expect((await station.put(`/api/v1/workers/${id}/subscription`, { channel: 'log', unsubscribedAll: true })).status).toBe(200);
    clock.set('2026-06-04T02:00:00Z');
    expect((await sendOf(sid)).result).toBe('skipped:unsubscribed');
    expect(await fireStep(h.ctx, await stepId(f.id, 'week_2'))).toBe('stopped:unsubscribed');
  });

  it('reminds an enrolled person of a training the day before and on the day, and stops when the enrolment is cancelled', async () => {
    const id = await person();
    const training = await station.post('/api/v1/trainings', { kind: 'upskilling', title: '家政服务员培训', provider: '县职业学校', place: '县职校二楼', regionCode: REGIONS.countyA.code, startDate: '2026-06-10', endDate: '2026-06-14', capacity: 20 });
    expect(training.status).toBe(201);
    expect((await station.post(`/api/v1/trainings/${training.body.id}/enrolments`, { workerId: id })).status).toBe(201);
    const reminder = await one(id, 'training_reminder');
    expect(reminder.steps.map((s) => [s.step, s.dueAt])).toEqual([
      ['day_before', '2026-06-09T10:00:00.000Z'],
      ['on_the_day', '2026-06-10T00:00:00.000Z'],
    ]);
    clock.set('2026-06-09T10:00:00Z');
    const sid = await stepId(reminder.id, 'day_before');
    expect(await fireStep(h.ctx, sid)).toBe('fired');
    const sent = await sendOf(sid);
    expect(sent.text).toBe('培训提醒：“家政服务员培训”明天开班，地点：县职校二楼。有事去不了，请回复“人工”。');
    clock.set(NOON);

    expect((await station.post(`/api/v1/trainings/${training.body.id}/enrolments/cancel`, { workerId: id })).status).toBe(200);
    const stopped = (await followUpsOf(id)).find((f) => f.id === reminder.id)!;
    expect(stopped).toMatchObject({ status: 'stopped', stopReason: 'enrolment_cancelled' });
    expect(stopped.steps.map((s) => s.status)).toEqual(['fired', 'cancelled']);
  });

  it('skips steps already past when a follow-up starts, instead of sending them late', async () => {
    const id = await person();
    const res = await station.post(`/api/v1/workers/${id}/follow-ups`, { sequence: 'job_retention', anchorDate: '2026-05-20', variables: { employer: '县城超市' } });
    expect(res.status).toBe(201);
    expect(res.body.steps.map((s: { step: string; status: string }) => [s.step, s.status])).toEqual([
      ['week_1', 'skipped'],
      ['month_1', 'pending'],
      ['month_3', 'pending'],
    ]);
  });

  it('refuses what cannot be started by hand, missing variables, and stopping twice, in the caller’s language', async () => {
    const id = await person();
    const auto = await station.post(`/api/v1/workers/${id}/follow-ups`, { sequence: 'training_reminder' });
    expectRefused(auto, 'validation_failed');
    const bare = await station.post(`/api/v1/workers/${id}/follow-ups`, { sequence: 'job_retention' });
    expectRefused(bare, 'validation_failed');
    expect(bare.body.error.details).toEqual([expect.objectContaining({ path: 'body.variables.employer' })]);
    const bad = await station.post(`/api/v1/workers/${id}/follow-ups`, { sequence: 'job_search', anchorDate: '2026-02-30' });
    expectRefused(bad, 'validation_failed');
    expect(await h.ctx.db.select().from(followUps).where(eq(followUps.workerId, id))).toHaveLength(0);

    const f = (await station.post(`/api/v1/workers/${id}/follow-ups`, { sequence: 'job_search' })).body as View;
    const stop = await station.post(`/api/v1/follow-ups/${f.id}/stop`);
    expect(stop.status).toBe(200);
    expect(stop.body).toMatchObject({ status: 'stopped', stopReason: 'stopped_by_staff' });
    const again = await station.post(`/api/v1/follow-ups/${f.id}/stop`);
    expectRefused(again, 'conflict');
    expect(again.body.error.details[0].message).toBe('该跟进已结束或已停止');
  });

  it('fires through the queue: a step waiting with a delay is promoted when due, and one lost with Redis is queued again', async () => {
    const waiting = await person();
    const lost = await person();
    const a = (await station.post(`/api/v1/workers/${waiting}/follow-ups`, { sequence: 'job_search' })).body as View;
    const b = (await station.post(`/api/v1/workers/${lost}/follow-ups`, { sequence: 'job_search' })).body as View;
    const outreach = h.ctx.queues.queue('outreach');
    const aStep = await stepId(a.id, 'day_3');
    const bStep = await stepId(b.id, 'day_3');
    expect(await (await outreach.getJob(aStep))!.getState()).toBe('delayed');
    // Redis loses the second person's job (a restart without its data).
    await (await outreach.getJob(bStep))!.remove();

    clock.set('2026-06-04T02:00:00Z');
    running = startWorkers(h.ctx, { only: ['outreach', 'deliveries', 'deliveries-bulk'] });
    expect(await sweepFollowUps(h.ctx)).toBeGreaterThanOrEqual(2);
    const sent = await until(
      async () => h.ctx.db.select({ status: deliveries.status }).from(deliveries).where(sql`${deliveries.stepId} in (${aStep}, ${bStep})`),
      (rows) => rows.length === 2 && rows.every((r) => r.status === 'sent'),
      30_000,
    );
    expect(sent).toHaveLength(2);
    // The next steps stay waiting for their own time.
    expect(await (await outreach.getJob(await stepId(a.id, 'week_2')))!.getState()).toBe('delayed');
  });
});
