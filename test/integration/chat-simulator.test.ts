import { spawnTs } from '../helpers/spawn';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { applications } from '../../src/db/schema';
import { appOf, signIn } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { gig, HOME, north, verifiedEmployer } from '../helpers/market';
import { TEST_REDIS_URL } from '../helpers/test-env';


describe('npm run chat -- --script FILE', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await createHarness();
    dir = mkdtempSync(join(tmpdir(), 'bangfu-chat-'));
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("feeds the file's lines as messages, prints each reply, and exits", async () => {
    await seedRegions(h.ctx.db);
    const station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    const person = await station.post('/api/v1/workers', workerInput({ name: '杨桂兰', homeLat: HOME.lat, homeLng: HOME.lng }));
    const employer = await verifiedEmployer(station);
    // A gig dated far enough ahead to stay open whatever day the test runs.
    const vacancy = await station.post('/api/v1/vacancies', gig(employer.id, { title: '茶园采茶', ...north(1), details: { date: '2099-04-01', startTime: '08:00', endTime: '17:00' } }));
    expect(vacancy.status).toBe(201);
    const script = join(dir, 'conversation.txt');
    writeFileSync(script, ['# 一段对话', '帮助', '', '我的', '零工', '报名 1'].join('\n'));

    const base = { ...process.env };
    delete base.NODE_OPTIONS;
    const child = spawnTs(['scripts/chat.ts', '--script', script, '--bind', person.body.id, '--wait', '600'], {
      env: { ...base, DATABASE_URL: h.ctx.config.databaseUrl!, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: h.ctx.config.redis.prefix, PII_KEY: h.ctx.config.secrets.piiKey.toString('hex'), DATA_DIR: dir, DEMO_DATA: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: string[] = [];
    const err: string[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => err.push(d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    const text = out.join('');
    expect({ code, err: err.join('') }).toEqual({ code: 0, err: '' });

    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('> '))).toEqual(['> 帮助', '> 我的', '> 零工', '> 报名 1']);
    expect(text).toContain('< 您好，我是帮扶小助手');
    expect(text).toContain('< 杨**');
    expect(text).toMatch(/< 您家附近的零工：\n {2}1\. 茶园采茶/);
    expect(text).toContain('< 已帮您报名“茶园采茶”');
    const made = await h.ctx.db.select().from(applications).where(eq(applications.vacancyId, vacancy.body.id));
    expect(made).toEqual([expect.objectContaining({ workerId: person.body.id, source: 'chat' })]);
  }, 120_000);
});
