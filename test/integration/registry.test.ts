import { eq } from 'drizzle-orm';
import { auditLog, employmentRecords, workers } from '../../src/db/schema';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions, validIdNumber, workerInput } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';
import { AUDITED, expectRefusedUnwritten } from '../helpers/refused';
import { ManualClock } from '../../src/shared/clock';

describe('the real-name register (农村贫困劳动力就业信息表, seed 003)', () => {
  let h: Harness;
  let stationA: Staff;
  const clock = new ManualClock('2026-04-15T02:00:00Z');

  beforeAll(async () => {
    h = await createHarness({ clock });
    await seedRegions(h.ctx.db);
    stationA = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });
  afterAll(() => h.close());

  it('registers a person, derives sex and birth date from the ID number, and shows numbers masked', async () => {
    const idNumber = validIdNumber({ birth: '1979-11-02', sex: 'female' });
    const res = await stationA.post('/api/v1/workers', workerInput({ name: '李秀英', idNumber, phone: '13912345678' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: '李秀英', sex: 'female', birthDate: '1979-11-02', phone: '139****5678', revealed: false, employed: false, version: 1 });
    expect(res.body.idNumber).toBe(`${idNumber.slice(0, 6)}********${idNumber.slice(14)}`);
  });

  it('stores ID and phone numbers only encrypted', async () => {
    const idNumber = validIdNumber();
    const res = await stationA.post('/api/v1/workers', workerInput({ idNumber, phone: '13700001111' }));
    const [row] = await h.ctx.db.select().from(workers).where(eq(workers.id, res.body.id));
    expect(JSON.stringify(row)).not.toContain(idNumber);
    expect(JSON.stringify(row)).not.toContain('13700001111');
    expect(h.ctx.pii.decrypt(row!.idNumberEnc)).toBe(idNumber);
  });

  it.each([
    ['checksum', (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0'), '身份证号码校验位不对，请核对是否抄错'],
    ['format', () => '53252819850307', '身份证号码应为 18 位：17 位数字加最后一位数字或 X'],
    ['birth_date', () => '532528198502300512', '身份证号码中的出生日期无效'],
  ])('rejects a forged or mistyped ID number (%s) and says which check failed', async (_k, forge, message) => {
    await expectRefusedUnwritten(h, () => stationA.post('/api/v1/workers', workerInput({ idNumber: forge(validIdNumber()) })), 'validation_failed', { detail: { path: 'body.idNumber', message } });
  });

  it('rejects a sex or birth date that disagrees with the ID number', async () => {
    const res = await expectRefusedUnwritten(h, () => stationA.post('/api/v1/workers', workerInput({ idNumber: validIdNumber({ sex: 'male' }), sex: 'female', birthDate: '1990-01-01' })), 'validation_failed');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.birthDate', 'body.sex']);
  });

  it('refuses the same ID number twice, typed with full-width digits or not', async () => {
    const idNumber = validIdNumber();
    expect((await stationA.post('/api/v1/workers', workerInput({ idNumber }))).status).toBe(201);
    const fullWidth = idNumber.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const again = await expectRefusedUnwritten(h, () => stationA.post('/api/v1/workers', workerInput({ idNumber: fullWidth })), 'conflict');
    expect(again.body.error.details[0].path).toBe('body.idNumber');
  });

  it('a monitored person needs a monitoring type (防止返贫监测对象)', async () => {
    const res = await expectRefusedUnwritten(h, () => stationA.post('/api/v1/workers', workerInput({ category: 'monitored' })), 'validation_failed');
    expect(res.body.error.details[0].path).toBe('body.monitoringType');
    const ok = await stationA.post('/api/v1/workers', workerInput({ category: 'monitored', monitoringType: 'marginal' }));
    expect(ok.status).toBe(201);
  });

  it('finds people by part of a name, or by a whole ID or phone number', async () => {
    const idNumber = validIdNumber();
    await stationA.post('/api/v1/workers', workerInput({ name: '哈尼阿普', idNumber, phone: '13855556666' }));
    const byName = await stationA.get('/api/v1/workers?q=阿普');
    expect(byName.body.items.map((w: { name: string }) => w.name)).toContain('哈尼阿普');
    const byId = await stationA.get(`/api/v1/workers?q=${idNumber}`);
    expect(byId.body.total).toBe(1);
    const byPhone = await stationA.get('/api/v1/workers?q=138 5555 6666');
    expect(byPhone.body.items[0].name).toBe('哈尼阿普');
  });

  it('shows the numbers unmasked only with the permission and a purpose, and audits it', async () => {
    const idNumber = validIdNumber();
    const created = await stationA.post('/api/v1/workers', workerInput({ idNumber }));
    // Refused, and the refusal is on record.
    await expectRefusedUnwritten(h, () => stationA.get(`/api/v1/workers/${created.body.id}?reveal=true&purpose=办理社保补贴`), 'forbidden', { writes: AUDITED });
    const revealer = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code, canRevealPii: true });
    await expectRefusedUnwritten(h, () => revealer.get(`/api/v1/workers/${created.body.id}?reveal=true`), 'validation_failed', { detail: { message: '查看完整证件号码和电话需要填写用途' } });
    const shown = await revealer.get(`/api/v1/workers/${created.body.id}?reveal=true&purpose=${encodeURIComponent('办理社保补贴')}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ idNumber, revealed: true });
    const audit = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'worker.reveal'));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: revealer.id, entityId: created.body.id, details: { purpose: '办理社保补贴', fields: ['idNumber', 'phone'] } });
  });

  it('keeps every change of employment as a dated record, never an overwrite', async () => {
    const w = (await stationA.post('/api/v1/workers', workerInput())).body;
    const first = await stationA.post(`/api/v1/workers/${w.id}/employment`, { employerName: '元阳梯田合作社', place: '云南省红河州元阳县', startDate: '2026-01-10', monthlyIncomeFen: 250000 });
    expect(first.status).toBe(201);
    const second = await stationA.post(`/api/v1/workers/${w.id}/employment`, { employerName: '宁波某电子厂', place: '浙江省宁波市', startDate: '2026-03-01', monthlyIncomeFen: 520000 });
    expect(second.status).toBe(201);
    const history = (await stationA.get(`/api/v1/workers/${w.id}/employment`)).body.items;
    expect(history.map((r: { employerName: string; startDate: string; endDate: string | null }) => [r.employerName, r.startDate, r.endDate])).toEqual([
      ['宁波某电子厂', '2026-03-01', null],
      ['元阳梯田合作社', '2026-01-10', '2026-02-28'],
    ]);
    const current = (await stationA.get(`/api/v1/workers/${w.id}`)).body;
    expect(current).toMatchObject({ employed: true, currentEmployment: { employerName: '宁波某电子厂', monthlyIncomeFen: 520000 } });

    const ended = await stationA.post(`/api/v1/workers/${w.id}/employment/end`, { endDate: '2026-04-10' });
    expect(ended.status).toBe(200);
    const after = (await stationA.get(`/api/v1/workers/${w.id}`)).body;
    expect(after).toMatchObject({ employed: false, currentEmployment: null });
    expect(await h.ctx.db.select().from(employmentRecords).where(eq(employmentRecords.workerId, w.id))).toHaveLength(2);
  });

  it('refuses employment dates in the future or before the current job', async () => {
    const w = (await stationA.post('/api/v1/workers', workerInput())).body;
    await expectRefusedUnwritten(h, () => stationA.post(`/api/v1/workers/${w.id}/employment`, { employerName: 'x', startDate: '2026-05-01' }), 'validation_failed', { detail: { message: '日期不能晚于今天' } });
    expect((await stationA.post(`/api/v1/workers/${w.id}/employment`, { employerName: 'x', startDate: '2026-03-01' })).status).toBe(201);
    await expectRefusedUnwritten(h, () => stationA.post(`/api/v1/workers/${w.id}/employment`, { employerName: 'y', startDate: '2026-02-01' }), 'validation_failed', { detail: { message: '开始日期早于现有工作的开始日期' } });
    const idle = (await stationA.post('/api/v1/workers', workerInput())).body.id;
    await expectRefusedUnwritten(h, () => stationA.post(`/api/v1/workers/${idle}/employment/end`, { endDate: '2026-04-01' }), 'conflict', { detail: { message: '此人目前没有在岗记录' } });
  });

  it('corrects a record only against the version that was read', async () => {
    const w = (await stationA.post('/api/v1/workers', workerInput())).body;
    const ok = await stationA.patch(`/api/v1/workers/${w.id}`, { version: 1, skills: ['砌筑', '电焊'], laborCapacity: 'weak' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ version: 2, skills: ['砌筑', '电焊'], laborCapacity: 'weak' });
    const stale = await expectRefusedUnwritten(h, () => stationA.patch(`/api/v1/workers/${w.id}`, { version: 1, skills: ['保洁'] }), 'conflict');
    expect(stale.body.error.details[0].path).toBe('body.version');
    // A correction names only what changes: skills, labour capacity, category and language stay as they were.
    const renamed = await stationA.patch(`/api/v1/workers/${w.id}`, { version: 2, name: '改了名字' });
    expect(renamed.body).toMatchObject({ version: 3, name: '改了名字', skills: ['砌筑', '电焊'], laborCapacity: 'weak', category: 'lifted' });
  });

  it('keeps training history', async () => {
    const w = (await stationA.post('/api/v1/workers', workerInput())).body;
    const t = await stationA.post(`/api/v1/workers/${w.id}/trainings`, { title: '家政服务员', kind: '技能提升', startDate: '2026-02-01', endDate: '2026-02-20', certificate: '初级' });
    expect(t.status).toBe(201);
    expect((await stationA.get(`/api/v1/workers/${w.id}/trainings`)).body.items).toHaveLength(1);
  });

  it('lists zero-employment households (零就业家庭) and clears one when a member finds work (seed 003 §2 一户一就业)', async () => {
    const capable = (await stationA.post('/api/v1/workers', workerInput({ laborCapacity: 'full' }))).body;
    const none = (await stationA.post('/api/v1/workers', workerInput({ laborCapacity: 'none' }))).body;
    const onlyNone = (await stationA.post('/api/v1/workers', workerInput({ laborCapacity: 'none' }))).body;
    const zero = (await stationA.post('/api/v1/households', { regionCode: REGIONS.villageA.code, relocated: true, memberIds: [capable.id, none.id] })).body;
    const notZero = (await stationA.post('/api/v1/households', { regionCode: REGIONS.villageA.code, memberIds: [onlyNone.id] })).body;
    expect(zero).toMatchObject({ members: 2, capableMembers: 1, employedMembers: 0, zeroEmployment: true, relocated: true });
    expect(notZero.zeroEmployment).toBe(false);
    // A household reads as its people, eldest first.
    const eldestFirst = [capable, none].sort((a, b) => a.birthDate.localeCompare(b.birthDate) || a.id.localeCompare(b.id));
    expect(zero.names).toEqual(eldestFirst.map((w) => w.name));
    expect(zero.memberIds).toEqual(eldestFirst.map((w) => w.id));
    const now = await stationA.get('/api/v1/monitoring/zero-employment');
    // Nobody in work since the household was registered: that day by the service's clock, not the database's.
    expect(now.body.items.find((x: { householdId: string }) => x.householdId === zero.id)).toMatchObject({ names: zero.names, since: '2026-04-15' });

    const list = await stationA.get('/api/v1/households?zeroEmployment=true');
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([zero.id]);
    const summary = await stationA.get('/api/v1/households/zero-employment/summary');
    expect(summary.body).toMatchObject({ regionCode: '532528', total: 1, byRegion: [{ regionCode: '532528101', regionName: '南沙镇', households: 1 }] });

    await stationA.post(`/api/v1/workers/${capable.id}/employment`, { employerName: '乡村公益性岗位', startDate: '2026-04-01' });
    const cleared = await stationA.get('/api/v1/households?zeroEmployment=true');
    expect(cleared.body.total).toBe(0);
  });

  it('never writes an ID number, a phone number or a token to the logs', async () => {
    const rows = await h.ctx.db.select().from(workers);
    const secrets = rows.flatMap((w) => [h.ctx.pii.decrypt(w.idNumberEnc), ...(w.phoneEnc ? [h.ctx.pii.decrypt(w.phoneEnc)] : [])]);
    expect(secrets.length).toBeGreaterThan(10);
    const logs = h.logs.text();
    expect(logs.length).toBeGreaterThan(0);
    for (const s of secrets) expect(logs).not.toContain(s);
    expect(logs).not.toContain(stationA.token);
    expect(logs).not.toMatch(/\b\d{17}[\dXx]\b/);
  });
});
