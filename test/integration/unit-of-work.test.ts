import { and, count, eq, sql } from 'drizzle-orm';
import { createAccount, updateAccount } from '../../src/access/accounts';
import { createBroadcast } from '../../src/outreach/service';
import { CATALOGUE } from '../../src/policies/catalogue';
import { PolicyInput } from '../../src/policies/schemas';
import { createPolicy } from '../../src/policies/service';
import { createWorker, startEmployment, updateWorker } from '../../src/registry/service';
import { EmploymentStart, WorkerCreate } from '../../src/registry/schemas';
import { BroadcastCreate } from '../../src/outreach/schemas';
import { accounts, auditLog, broadcasts, employmentRecords, outbox, policies, workers } from '../../src/db/schema';
import { command } from '../../src/shared/command';
import type { Actor, StaffRole } from '../../src/shared/actor';
import { shanghaiDate } from '../../src/shared/time';
import { makeAccount, REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

/**
 * Every command writes its change and its audit entry in one transaction. To prove it, the audit insert
 * is made to fail for real: a CHECK constraint on audit_log (this worker's own database, dropped after)
 * refuses any entry whose request id starts with `uow-fail`, so a command run with such a request id
 * must leave nothing behind; the same command with another request id leaves the change and its entry.
 */
describe('a command and its audit entry are one unit of work', () => {
  let h: Harness;
  let station: Actor;
  let province: Actor;
  let n = 0;
  const failing = () => ({ requestId: `uow-fail-${++n}`, ip: '203.0.113.9' });
  const passing = () => ({ requestId: `uow-ok-${++n}`, ip: '203.0.113.9' });

  const actorOf = async (role: StaffRole, regionCode: string): Promise<Actor> => {
    const a = await makeAccount(h.ctx.db, { role, regionCode });
    return { accountId: a.id, username: a.username, role, regionCode, stationId: null, canRevealPii: false };
  };
  const entriesOf = (requestId: string) => h.ctx.db.select().from(auditLog).where(eq(auditLog.requestId, requestId));
  const auditRefused = (err: unknown) => {
    const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
    return (e.cause ?? e).constraint === 'audit_log_unit_of_work_test';
  };
  /** Runs `work`, which must fail because its audit entry was refused (not for any other reason). */
  const refusedAudit = async (work: () => Promise<unknown>) => {
    const err = await work().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeDefined();
    expect(auditRefused(err)).toBe(true);
  };

  beforeAll(async () => {
    h = await createHarness();
    await h.reset();
    await seedRegions(h.ctx.db);
    await h.ctx.db.execute(sql`alter table audit_log add constraint audit_log_unit_of_work_test check (request_id is null or request_id not like 'uow-fail%') not valid`);
    station = await actorOf('station', REGIONS.countyA.code);
    province = await actorOf('province', REGIONS.province.code);
  });
  afterAll(async () => {
    await h.ctx.db.execute(sql`alter table audit_log drop constraint if exists audit_log_unit_of_work_test`);
    await h.close();
  });

  it('registering a person: a refused audit entry leaves no person; otherwise the person and worker.create share the request id', async () => {
    const input = WorkerCreate.parse(workerInput({ name: '李审计' }));
    const before = await h.ctx.db.select({ n: count() }).from(workers);
    await refusedAudit(() => createWorker({ ctx: h.ctx, actor: station, meta: failing() }, input));
    expect(await h.ctx.db.select({ n: count() }).from(workers)).toEqual(before);

    const meta = passing();
    const made = await createWorker({ ctx: h.ctx, actor: station, meta }, input);
    const entries = await entriesOf(meta.requestId);
    // The consent given on the station form is part of the same unit: its entry carries the same request id.
    expect(entries.map((e) => e.action).sort()).toEqual(['consent.grant', 'worker.create']);
    expect(entries.every((e) => e.entityId === made.id && e.actorId === station.accountId && e.ip === meta.ip)).toBe(true);
  });

  it('correcting a field: a refused audit entry leaves the record and its version as they were', async () => {
    const w = await createWorker({ ctx: h.ctx, actor: station, meta: passing() }, WorkerCreate.parse(workerInput({ name: '张原名' })));
    await refusedAudit(() => updateWorker({ ctx: h.ctx, actor: station, meta: failing() }, w.id, { name: '张新名', version: w.version }));
    const [row] = await h.ctx.db.select().from(workers).where(eq(workers.id, w.id));
    expect(row!.name).toBe('张原名');
    expect(row!.version).toBe(w.version);

    const meta = passing();
    const fixed = await updateWorker({ ctx: h.ctx, actor: station, meta }, w.id, { name: '张新名', version: w.version });
    expect(fixed.name).toBe('张新名');
    const [entry] = await entriesOf(meta.requestId);
    expect(entry).toMatchObject({ action: 'worker.update', entityId: w.id, details: { fields: ['name'] } });
  });

  it('a job begun: a refused audit entry leaves no employment record, no employed flag and no employment.started event', async () => {
    const w = await createWorker({ ctx: h.ctx, actor: station, meta: passing() }, WorkerCreate.parse(workerInput({ name: '赵就业' })));
    const job = EmploymentStart.parse({ employerName: '红河州某建筑公司', startDate: shanghaiDate(h.ctx.clock.now()) });
    const events = () => h.ctx.db.select({ n: count() }).from(outbox).where(sql`${outbox.payload}::text like ${'%' + w.id + '%'}`);
    const eventsBefore = await events();
    await refusedAudit(() => startEmployment({ ctx: h.ctx, actor: station, meta: failing() }, w.id, job));
    expect(await h.ctx.db.select().from(employmentRecords).where(eq(employmentRecords.workerId, w.id))).toEqual([]);
    expect((await h.ctx.db.select({ employed: workers.employed }).from(workers).where(eq(workers.id, w.id)))[0]!.employed).toBe(false);
    expect(await events()).toEqual(eventsBefore);

    const meta = passing();
    const record = await startEmployment({ ctx: h.ctx, actor: station, meta }, w.id, job);
    expect(await h.ctx.db.select({ id: employmentRecords.id }).from(employmentRecords).where(eq(employmentRecords.workerId, w.id))).toEqual([{ id: record.id }]);
    const [entry] = await entriesOf(meta.requestId);
    expect(entry).toMatchObject({ action: 'employment.start', entityId: w.id, actorId: station.accountId });
  });

  it('publishing a policy: a refused audit entry leaves no policy under its key', async () => {
    const input = PolicyInput.parse({ ...CATALOGUE[0]!, key: 'unit_of_work_policy', regionCode: REGIONS.province.code, overrides: null, continues: null });
    await refusedAudit(() => createPolicy({ ctx: h.ctx, actor: province, meta: failing() }, input));
    expect(await h.ctx.db.select().from(policies).where(eq(policies.key, input.key))).toEqual([]);

    const meta = passing();
    await createPolicy({ ctx: h.ctx, actor: province, meta }, input);
    const [row] = await h.ctx.db.select().from(policies).where(eq(policies.key, input.key));
    const [entry] = await entriesOf(meta.requestId);
    expect(entry).toMatchObject({ action: 'policy.create', entityId: row!.id, details: { key: input.key } });
  });

  it('a broadcast: a refused audit entry leaves neither the broadcast nor its fan-out in the outbox', async () => {
    const input = BroadcastCreate.parse({ audience: { regionCode: REGIONS.countyA.code }, message: { 'zh-CN': '本周五乡镇招聘会', en: 'Job fair on Friday' }, topic: null });
    const before = { broadcasts: await h.ctx.db.select({ n: count() }).from(broadcasts), fanouts: await h.ctx.db.select({ n: count() }).from(outbox).where(eq(outbox.job, 'fanout')) };
    await refusedAudit(() => createBroadcast(h.ctx, station, input, failing()));
    expect(await h.ctx.db.select({ n: count() }).from(broadcasts)).toEqual(before.broadcasts);
    expect(await h.ctx.db.select({ n: count() }).from(outbox).where(eq(outbox.job, 'fanout'))).toEqual(before.fanouts);

    const meta = passing();
    const made = await createBroadcast(h.ctx, station, input, meta);
    const [entry] = await entriesOf(meta.requestId);
    expect(entry).toMatchObject({ action: 'broadcast.create', entity: 'broadcast', entityId: made.id, actorId: station.accountId });
  });

  it('a staff account: neither a new account nor disabling one survives a refused audit entry', async () => {
    const username = 'uow-new-clerk';
    const create = { username, password: 'a long enough password', displayName: '新办事员', role: 'station' as const, regionCode: REGIONS.countyA.code, stationId: null, canRevealPii: false, locale: 'zh-CN' as const };
    await refusedAudit(() => createAccount({ ctx: h.ctx, actor: province, meta: failing() }, create));
    expect(await h.ctx.db.select().from(accounts).where(eq(accounts.username, username))).toEqual([]);
    const created = await createAccount({ ctx: h.ctx, actor: province, meta: passing() }, create);

    await refusedAudit(() => updateAccount({ ctx: h.ctx, actor: province, meta: failing() }, created.id, { disabled: true }));
    expect((await h.ctx.db.select({ disabledAt: accounts.disabledAt }).from(accounts).where(eq(accounts.id, created.id)))[0]!.disabledAt).toBeNull();

    const meta = passing();
    const disabled = await updateAccount({ ctx: h.ctx, actor: province, meta }, created.id, { disabled: true });
    expect(disabled.disabled).toBe(true);
    const [entry] = await entriesOf(meta.requestId);
    expect(entry).toMatchObject({ action: 'account.update', entityId: created.id, actorId: province.accountId, details: { fields: ['disabled'] } });
  });

  it('a command inside another joins its transaction: the inner change goes when the outer audit entry is refused, and entries are written once', async () => {
    const w = await createWorker({ ctx: h.ctx, actor: station, meta: passing() }, WorkerCreate.parse(workerInput({ name: '钱嵌套' })));
    const job = EmploymentStart.parse({ employerName: '蒙自市某车间', startDate: shanghaiDate(h.ctx.clock.now()) });
    const outer = (meta: { requestId: string }) =>
      command({ ctx: h.ctx, actor: station, meta }, async (tx, audit) => {
        await tx.update(workers).set({ skills: ['电焊'] }).where(eq(workers.id, w.id));
        // The inner command runs on the outer's transaction (ctx.db = tx) and so is part of its unit.
        await startEmployment({ ctx: { ...h.ctx, db: tx }, actor: station, meta: { requestId: 'uow-ok-inner' } }, w.id, job);
        audit({ action: 'worker.update', entity: 'worker', entityId: w.id, details: { fields: ['skills'] } });
      });
    await refusedAudit(() => outer(failing()));
    expect(await h.ctx.db.select().from(employmentRecords).where(eq(employmentRecords.workerId, w.id))).toEqual([]);
    expect(await entriesOf('uow-ok-inner')).toEqual([]);

    const meta = passing();
    await outer(meta);
    expect((await entriesOf(meta.requestId)).map((e) => e.action)).toEqual(['worker.update']);
    expect((await entriesOf('uow-ok-inner')).map((e) => e.action)).toEqual(['employment.start']);
    expect(await h.ctx.db.select({ n: count() }).from(employmentRecords).where(and(eq(employmentRecords.workerId, w.id)))).toEqual([{ n: 1 }]);
  });
});
