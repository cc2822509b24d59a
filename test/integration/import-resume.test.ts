import { eq } from 'drizzle-orm';
import request from 'supertest';
import { imports, workers } from '../../src/db/schema';
import { Generator, formRow } from '../../src/demo/synthetic';
import { executeImport, resumeStalledImports } from '../../src/imports/service';
import { systemClock } from '../../src/shared/clock';
import { startWorkers } from '../../jobs/workers';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';
import { csv, FORM_HEADER } from '../helpers/sheets';
import { until } from '../helpers/wait';

/** An import is never lost with its worker or with Redis, and never applied twice (at today's date). */
describe('imports that lose their worker or their job', () => {
  let h: Harness;
  let station: Staff;

  beforeAll(async () => {
    h = await createHarness({ clock: systemClock });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });
  afterAll(() => h.close());

  const upload = async (rows: number, seed: number) => {
    const gen = new Generator([REGIONS.villageA.code], seed, new Date());
    const file = csv([FORM_HEADER, ...Array.from({ length: rows }, (_, i) => formRow(gen.person(REGIONS.villageA.code), i + 1))]);
    const res = await request(appOf(h)).post(`/api/v1/imports?regionCode=${REGIONS.villageA.code}`).set('Authorization', `Bearer ${station.token}`).attach('file', file, '信息表.csv');
    expect(res.status).toBe(202);
    return res.body.id as string;
  };

  it('a running import whose worker died and whose job Redis lost is taken up again and finishes once', async () => {
    const id = await upload(30, 11);
    // The worker died mid-run ten minutes ago, and Redis came back without the job.
    await h.ctx.queues.queue('imports').obliterate({ force: true });
    await h.ctx.db.update(imports).set({ status: 'running', heartbeatAt: new Date(Date.now() - 10 * 60_000) }).where(eq(imports.id, id));
    expect(await resumeStalledImports(h.ctx)).toBe(1);
    const running = startWorkers(h.ctx, { only: ['imports'] });
    try {
      const done = await until(async () => (await station.get(`/api/v1/imports/${id}`)).body, (b) => b.status === 'done');
      expect(done.counts).toEqual({ created: 30, updated: 0, unchanged: 0, rejected: 0 });
    } finally {
      await running.close();
    }
    // A running import with a live heartbeat is left to its worker.
    const live = await upload(5, 12);
    await h.ctx.queues.queue('imports').obliterate({ force: true });
    await h.ctx.db.update(imports).set({ status: 'running', heartbeatAt: new Date() }).where(eq(imports.id, live));
    expect(await resumeStalledImports(h.ctx)).toBe(0);
  });

  it('two runs of the same import at once apply it once: one claims it, the other finds it taken', async () => {
    const id = await upload(40, 13);
    await h.ctx.queues.queue('imports').obliterate({ force: true });
    const before = (await h.ctx.db.select({ id: workers.id }).from(workers)).length;
    const results = await Promise.all([executeImport(h.ctx, id, false), executeImport(h.ctx, id, false)]);
    expect(results.map((r) => r.status).sort()).toEqual(['done', 'running_elsewhere']);
    const [imp] = await h.ctx.db.select().from(imports).where(eq(imports.id, id));
    expect({ status: imp!.status, created: imp!.created, processed: imp!.processedRows }).toEqual({ status: 'done', created: 40, processed: 40 });
    expect((await h.ctx.db.select({ id: workers.id }).from(workers)).length).toBe(before + 40);
  });
});
