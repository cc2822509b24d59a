import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/client';
import { closeReaders } from '../../src/imports';
import { employers, employmentRecords, imports, vacancies, workers } from '../../src/db/schema';
import { matchesFor, scoreVacancy } from '../../src/market';
import { translator } from '../../src/i18n';
import { Generator, formRow } from '../../src/demo/synthetic';
import { writeHouseholds } from '../../src/demo/write';
import { PiiVault } from '../../src/pii/vault';
import { readSheet, runImport } from '../../src/imports/engine';
import { executeImport } from '../../src/imports/service';
import { listHouseholds } from '../../src/registry/queries';
import { systemClock } from '../../src/shared/clock';
import { makeAccount, REGIONS, seedRegions } from '../helpers/factories';
import { csv, FORM_HEADER } from '../helpers/sheets';

/** `npm start` without DATABASE_URL runs on the embedded PGlite: the registry must work there too. */
describe('the registry on the embedded database (PGlite)', () => {
  let dir: string;
  let database: Database;
  const vault = new PiiVault(Buffer.alloc(32, 5));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bangfu-pglite-'));
    database = await openDatabase({ url: undefined, dataDir: dir });
    await database.migrate();
    await seedRegions(database.db);
  });
  afterAll(async () => {
    // The import's reading and preparing threads stay up while idle (30 s); ended here so the file's process exits.
    await closeReaders();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports the official form and writes synthetic households with the same bulk statements', async () => {
    const account = await makeAccount(database.db, { role: 'county', regionCode: REGIONS.countyA.code });
    const actor = { accountId: account.id, username: account.username, role: 'county' as const, regionCode: REGIONS.countyA.code, stationId: null, canRevealPii: false };
    const gen = new Generator([REGIONS.villageA.code], 5, new Date('2026-06-01T00:00:00Z'));
    const rows = Array.from({ length: 50 }, (_, i) => formRow(gen.person(REGIONS.villageA.code), i + 1));
    const file = csv([FORM_HEADER, ...rows]);
    const ctx = { db: database.db, pii: vault, clock: systemClock };

    const dry = await runImport(ctx, actor, await readSheet('x.csv', file), { regionCode: REGIONS.villageA.code });
    expect(dry.counts).toEqual({ created: 50, updated: 0, unchanged: 0, rejected: 0 });

    const [imp] = await database.db.insert(imports).values({ fileName: 'x.csv', file: vault.encryptBytes(file), regionCode: REGIONS.villageA.code, createdBy: account.id, totalRows: 50 }).returning();
    await executeImport(ctx, imp!.id, true);
    const [done] = await database.db.select().from(imports).where(eq(imports.id, imp!.id));
    expect(done).toMatchObject({ status: 'done', created: 50, rejected: 0 });
    const employed = rows.filter((r) => r[10] === '是').length;
    const jobs = await database.db.select().from(employmentRecords).where(eq(employmentRecords.source, 'import'));
    expect(jobs).toHaveLength(employed);

    const written = await writeHouseholds(database.db, vault, [gen.household(), gen.household()], new Date('2026-06-01T00:00:00Z'));
    expect(written.workers).toBeGreaterThanOrEqual(2);
    const hh = await listHouseholds(database.db, { scope: REGIONS.countyA.code }, { offset: 0, limit: 10 });
    expect(hh.total).toBe(2);
    const all = await database.db.select().from(workers);
    expect(all).toHaveLength(50 + written.workers);
    expect(vault.decrypt(all[0]!.idNumberEnc)).toMatch(/^\d{17}[\dX]$/);
  });

  it('ranks a person’s matches in the database as scoring does', async () => {
    const now = new Date();
    const [e] = await database.db.insert(employers).values({ name: '嵌入式测试企业', kind: 'enterprise', regionCode: REGIONS.countyA.code, verifiedAt: now }).returning();
    const home = { lat: 23.2236, lng: 102.8253 };
    const post = (i: number, over: Partial<typeof vacancies.$inferInsert>) => ({
      employerId: e!.id, kind: 'regular' as const, title: `嵌入式岗位${i}`, regionCode: REGIONS.villageA.code, lat: home.lat + i / 200, lng: home.lng,
      payMinFen: 15000, payMaxFen: 20000, payUnit: 'day' as const, requiredSkills: [] as string[], headcount: 3, status: 'open' as const, expiresAt: new Date(now.getTime() + 86400_000), ...over,
    });
    await database.db.insert(vacancies).values([
      post(1, {}),
      post(2, { requiredSkills: ['电工'] }),
      post(3, { kind: 'public_welfare', payUnit: 'month', payMaxFen: 200000, payMinFen: 200000 }),
      post(4, { lat: null, lng: null, payUnit: 'piece' }),
      post(5, { kind: 'gig', requiredSkills: ['焊工'] }),
      post(6, { status: 'closed' }),
      post(7, { regionCode: REGIONS.villageB.code, lat: null, lng: null }),
    ]);
    const person = { id: null, homeLat: home.lat, homeLng: home.lng, skills: ['电工'], laborCapacity: 'weak' as const, payFloorFen: null, intention: 'in_county' as const, regionCode: REGIONS.villageA.code, employed: false };
    const ctx = { db: database.db, clock: systemClock, config: { market: { radiusKm: 15 } } } as unknown as Parameters<typeof matchesFor>[0];
    // Three of the five that fit, with none to spare: the database's own ranking picks them.
    const got = await matchesFor(ctx, person, { limit: 3, shortlistMargin: 0, kind: undefined, jobsOnly: false }, translator('zh-CN'));
    const open = await database.db.select().from(vacancies).where(eq(vacancies.status, 'open'));
    const want = open
      .flatMap((v) => {
        const s = scoreVacancy(person, v, 15);
        return s && (v.regionCode.startsWith(REGIONS.countyA.code) || v.lat != null) ? [{ id: v.id, score: s.score, d: s.distanceKm }] : [];
      })
      .sort((a, b) => b.score - a.score || (a.d ?? 1e9) - (b.d ?? 1e9) || a.id.localeCompare(b.id));
    expect(got.filter((r) => r.type === 'vacancy').map((r) => r.title)).toEqual(want.slice(0, 3).map((w) => open.find((v) => v.id === w.id)!.title));
    expect(want.length).toBe(5);
  });
});
