import { eq, sql } from 'drizzle-orm';
import { rowsOf } from '../../src/db/client';
import { employmentRecords, households, imports, workers } from '../../src/db/schema';
import { Generator } from '../../src/demo/synthetic';
import { LIFTED_GROUP } from '../../src/monitoring/categories';
import { computeFigures } from '../../src/monitoring/figures';
import { writeHouseholds } from '../../src/demo/write';
import { parseResidentId } from '../../src/pii/resident-id';
import { executeImport } from '../../src/imports/service';
import { CHUNK, readSheet, runImport } from '../../src/imports/engine';
import { formRow } from '../../src/demo/synthetic';
import { createHarness, type Harness } from '../helpers/harness';
import { makeAccount, REGIONS, seedRegions } from '../helpers/factories';
import { csv, FORM_HEADER } from '../helpers/sheets';

describe('synthetic data and long imports', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
  });
  afterAll(() => h.close());
  // One generator for the whole file, so that no two tests name the same person by chance.
  const gen = new Generator([REGIONS.villageA.code, REGIONS.villageB.code], 3, new Date('2026-06-01T00:00:00Z'));

  it('writes realistic people: valid ID numbers issued in their own county, households, consistent employment', async () => {
    const batch = Array.from({ length: 300 }, () => gen.household());
    const people = batch.flatMap((x) => x.members);
    const written = await writeHouseholds(h.ctx.db, h.ctx.pii, batch, new Date('2026-06-01T00:00:00Z'));
    expect(written.workers).toBe(people.length);
    for (const p of people) {
      const id = parseResidentId(p.idNumber, new Date('2026-06-01T00:00:00Z'));
      expect(id).toMatchObject({ ok: true, id: { sex: p.sex, birthDate: p.birthDate, issuingRegion: p.regionCode.slice(0, 6) } });
    }
    expect(new Set(people.map((p) => p.idNumber)).size).toBe(people.length);
    const [mismatch] = rowsOf<{ n: number }>(
      await h.ctx.db.execute(sql`select count(*)::int n from ${workers} w where w.employed <> exists (select 1 from ${employmentRecords} e where e.worker_id = w.id and e.end_date is null)`),
    );
    expect(mismatch!.n).toBe(0);
    const [hh] = await h.ctx.db.select({ n: sql<number>`count(*)::int` }).from(households);
    expect(hh!.n).toBe(300);
    // The month's figures show 防止返贫致贫对象 (the 2026 name) in their own row, and inside 脱贫人口 (含监测对象).
    const figures = await computeFigures(h.ctx.db, REGIONS.prefecture.code, REGIONS.prefecture.code.length, '2026-06');
    const row = (category: string) => figures.find((r) => r.regionCode === REGIONS.prefecture.code && r.category === category)?.figures.registered;
    const count = (...categories: string[]) => people.filter((p) => categories.includes(p.category)).length;
    expect(count('at_risk')).toBeGreaterThan(0);
    expect(row('at_risk')).toBe(count('at_risk'));
    expect(row(LIFTED_GROUP)).toBe(count('lifted', 'monitored', 'at_risk'));
  });

  it('an import that stopped after a committed chunk resumes from the next row, counting nothing twice', async () => {
    const account = await makeAccount(h.ctx.db, { role: 'county', regionCode: REGIONS.countyA.code });
    // One chunk and 500 rows more, a forged ID number among the second chunk's rows.
    const rows = Array.from({ length: CHUNK + 500 }, (_, i) => formRow(gen.person(REGIONS.villageA.code), i + 1));
    rows[CHUNK + 300]![3] = '532528190001010000';
    const file = csv([FORM_HEADER, ...rows]);
    const [before] = await h.ctx.db.select({ n: sql<number>`count(*)::int` }).from(workers);
    const [imp] = await h.ctx.db.insert(imports).values({ fileName: 'big.csv', file: h.ctx.pii.encryptBytes(file), regionCode: REGIONS.villageA.code, createdBy: account.id, totalRows: rows.length }).returning();
    const actor = { accountId: account.id, username: account.username, role: 'county' as const, regionCode: REGIONS.countyA.code, stationId: null, canRevealPii: false };

    // The first run (holding the import, as a claim does) is cut short after its first chunk has been committed.
    await h.ctx.db.update(imports).set({ status: 'running', heartbeatAt: new Date() }).where(eq(imports.id, imp!.id));
    const sheet = await readSheet('big.csv', file);
    await expect(
      runImport(h.ctx, actor, sheet, {
        regionCode: REGIONS.villageA.code,
        apply: { importId: imp!.id, startAt: 0, counts: { created: 0, updated: 0, unchanged: 0, rejected: 0 } },
        onChunk: () => {
          throw new Error('worker killed');
        },
      }),
    ).rejects.toThrow('worker killed');
    const [halfway] = await h.ctx.db.select().from(imports).where(eq(imports.id, imp!.id));
    expect(halfway).toMatchObject({ processedRows: CHUNK, created: CHUNK });

    // While its heartbeat is fresh nobody else takes it; once it has been quiet past the limit, the
    // retried job takes it over and picks up at the first row of the second chunk.
    expect(await executeImport(h.ctx, imp!.id, false)).toEqual({ status: 'running_elsewhere' });
    await h.ctx.db.update(imports).set({ heartbeatAt: new Date(Date.now() - 10 * 60_000) }).where(eq(imports.id, imp!.id));
    await executeImport(h.ctx, imp!.id, true);
    const [done] = await h.ctx.db.select().from(imports).where(eq(imports.id, imp!.id));
    expect(done).toMatchObject({ status: 'done', processedRows: CHUNK + 500, created: CHUNK + 499, updated: 0, unchanged: 0, rejected: 1, file: null });
    const [n] = await h.ctx.db.select({ n: sql<number>`count(*)::int` }).from(workers);
    expect(n!.n - before!.n).toBe(CHUNK + 499);
  });
});
