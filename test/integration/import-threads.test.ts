import { and, asc, eq } from 'drizzle-orm';
import request from 'supertest';
import { importRejections, imports, workers } from '../../src/db/schema';
import { Generator, formRow } from '../../src/demo/synthetic';
import { CHUNK, readSheet, runImport } from '../../src/imports/engine';
import { bulkInsertWorkers, prepareWorker } from '../../src/registry';
import { executeImport } from '../../src/imports/service';
import { closeReaders } from '../../src/imports';
import { systemClock } from '../../src/shared/clock';
import { createHarness, type Harness } from '../helpers/harness';
import { REGIONS, seedRegions } from '../helpers/factories';
import { appOf, signIn, type Staff } from '../helpers/api';
import { csv, FORM_HEADER } from '../helpers/sheets';

/**
 * A file large enough to be checked and encrypted on the preparing threads (more than one chunk):
 * the same refusals, the same keys, the same answer on a second import, and a resumed run that still
 * finds a row repeating one of the rows it had already applied.
 */
describe('imports prepared on worker threads', () => {
  let h: Harness;
  let station: Staff;

  beforeAll(async () => {
    h = await createHarness({ clock: systemClock });
    await seedRegions(h.ctx.db);
    station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
  });
  afterAll(async () => {
    await closeReaders();
    await h.close();
  });

  /** A chunk and 300 rows; the chunk's 200th row after it repeats the 10th person's ID number, its 100th has a wrong check character. */
  const TOTAL = CHUNK + 300;
  // One generator for every file here, so no two files name the same person by chance.
  const gen = new Generator([REGIONS.villageA.code], 21, new Date());
  const file = () => {
    const rows = Array.from({ length: TOTAL }, (_, i) => formRow(gen.person(REGIONS.villageA.code), i + 1));
    rows[CHUNK + 199]![2] = rows[9]![2]!;
    rows[CHUNK + 199]![3] = rows[9]![3]!;
    const id = String(rows[CHUNK + 99]![3]);
    rows[CHUNK + 99]![3] = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    return { data: csv([FORM_HEADER, ...rows]), rows };
  };
  const upload = async (data: Buffer) => {
    const res = await request(appOf(h)).post(`/api/v1/imports?regionCode=${REGIONS.villageA.code}`).set('Authorization', `Bearer ${station.token}`).attach('file', data, '信息表.csv');
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const outcome = async (id: string) => {
    const [imp] = await h.ctx.db.select().from(imports).where(eq(imports.id, id));
    const rejected = await h.ctx.db.select({ row: importRejections.row, reason: importRejections.reason }).from(importRejections).where(eq(importRejections.importId, id)).orderBy(asc(importRejections.row));
    return { status: imp!.status, processed: imp!.processedRows, counts: { created: imp!.created, updated: imp!.updated, unchanged: imp!.unchanged, rejected: imp!.rejected }, rejected };
  };

  it('refuses the same rows, stores what the vault reads back, and changes nothing the second time', async () => {
    const { data, rows } = file();
    const first = await upload(data);
    await h.ctx.queues.queue('imports').obliterate({ force: true });
    expect(await executeImport(h.ctx, first, true)).toEqual({ status: 'done' });
    // Spreadsheet rows: the header is row 1, so the nth person is row n + 1.
    expect(await outcome(first)).toEqual({
      status: 'done',
      processed: TOTAL,
      counts: { created: TOTAL - 2, updated: 0, unchanged: 0, rejected: 2 },
      rejected: [
        { row: CHUNK + 101, reason: 'errors:detail.id_number.checksum' },
        { row: CHUNK + 201, reason: 'errors:detail.import.duplicate_in_file|11' },
      ],
    });
    // Encrypted and indexed on a thread with the keys of the service's own vault.
    const person = rows.find((r, i) => i > 1000 && r[9])!;
    const [w] = await h.ctx.db.select().from(workers).where(eq(workers.idNumberHash, h.ctx.pii.index('id', String(person[3]))));
    expect(h.ctx.pii.decrypt(w!.idNumberEnc)).toBe(String(person[3]));
    expect(h.ctx.pii.decrypt(w!.phoneEnc!)).toBe(String(person[9]));

    const again = await upload(data);
    await h.ctx.queues.queue('imports').obliterate({ force: true });
    expect(await executeImport(h.ctx, again, true)).toEqual({ status: 'done' });
    expect((await outcome(again)).counts).toEqual({ created: 0, updated: 0, unchanged: TOTAL - 2, rejected: 2 });
  });

  it('stores what a row gives exactly, whatever bytes it takes: a name beyond the basic plane, a tab, a backslash', async () => {
    // 𠮷 (U+20BB7) is four bytes in UTF-8, as some family names are; a tab and a backslash are escaped in COPY's text.
    const odd: Array<[string, string, string]> = [
      ['𠮷野 家', '汉\t族', '初中\\肄业'],
      ['李\\四', '彝族', '小学\t(夜校)'],
      ['ǎ𠀀é', '哈尼族', '高中'],
    ];
    for (const size of [3, TOTAL]) {
      const rows = Array.from({ length: size }, (_, i) => formRow(gen.person(REGIONS.villageA.code), i + 1));
      // In a small file the rows are made ready on the event loop, in a large one on the threads, in both chunks.
      const at = size === 3 ? [0, 1, 2] : [7, CHUNK + 3, TOTAL - 1];
      at.forEach((i, k) => {
        [rows[i]![1], rows[i]![4], rows[i]![6]] = odd[k]!;
      });
      const id = await upload(csv([FORM_HEADER, ...rows]));
      await h.ctx.queues.queue('imports').obliterate({ force: true });
      expect(await executeImport(h.ctx, id, true)).toEqual({ status: 'done' });
      expect((await outcome(id)).counts).toEqual({ created: size, updated: 0, unchanged: 0, rejected: 0 });
      for (const [k, i] of at.entries()) {
        const [w] = await h.ctx.db
          .select({ name: workers.name, ethnicity: workers.ethnicity, education: workers.education })
          .from(workers)
          .where(eq(workers.idNumberHash, h.ctx.pii.index('id', String(rows[i]![3]))));
        expect(w).toEqual({ name: odd[k]![0], ethnicity: odd[k]![1], education: odd[k]![2] });
      }
    }
  });

  it('a file the run cannot read to its end fails the import plainly after the chunks before, never hanging', async () => {
    const rows = Array.from({ length: CHUNK + 1500 }, (_, i) => formRow(gen.person(REGIONS.villageA.code), i + 1));
    const id = await upload(csv([FORM_HEADER, ...rows]));
    await h.ctx.queues.queue('imports').obliterate({ force: true });
    // The limits lowered between the upload and the run (a changed IMPORT_MAX_ROWS): the job's reading stops in the
    // second chunk, the first one having been written while the rest was read.
    const lowered = { ...h.ctx, config: { ...h.ctx.config, imports: { ...h.ctx.config.imports, maxRows: CHUNK + 1200 } } };
    await expect(executeImport(lowered, id, false)).rejects.toMatchObject({ details: [{ message: 'errors:detail.import.too_many_rows' }] });
    const [imp] = await h.ctx.db.select().from(imports).where(eq(imports.id, id));
    expect(imp).toMatchObject({ status: 'failed', error: 'ValidationFailed', processedRows: CHUNK, created: CHUNK, file: null });
  });

  it('a run resumed after its first chunks still refuses a repeat of a row applied before it', async () => {
    const { data } = file();
    const id = await upload(data);
    await h.ctx.queues.queue('imports').obliterate({ force: true });
    // As if an earlier run had committed the first 1,000 rows and died.
    await h.ctx.db.update(imports).set({ processedRows: 1000, created: 1000 }).where(and(eq(imports.id, id), eq(imports.status, 'queued')));
    expect(await executeImport(h.ctx, id, true)).toEqual({ status: 'done' });
    const o = await outcome(id);
    expect({ processed: o.processed, counts: o.counts }).toEqual({ processed: TOTAL, counts: { created: TOTAL - 2, updated: 0, unchanged: 0, rejected: 2 } });
    expect(o.rejected.map((r) => r.reason)).toEqual(['errors:detail.id_number.checksum', 'errors:detail.import.duplicate_in_file|11']);
  });

  it('a person registered elsewhere while the import runs is updated once, never written twice', async () => {
    const { data, rows } = file();
    const id = await upload(data);
    await h.ctx.queues.queue('imports').obliterate({ force: true });
    const [imp] = await h.ctx.db.update(imports).set({ status: 'running', heartbeatAt: new Date() }).where(eq(imports.id, id)).returning();
    const actor = { accountId: imp!.createdBy, username: 'station', role: 'station' as const, regionCode: REGIONS.countyA.code, stationId: null, canRevealPii: false };
    // A person of the second chunk, registered by a station under another name once the first chunk is written. The
    // second chunk was made ready (and who of it is registered asked) while the first was being written, so its COPY
    // meets the new record on the unique index of ID numbers, and the chunk is written again, finding the person.
    const row = rows[CHUNK + 5]!;
    let registered = false;
    const sheet = await readSheet('信息表.csv', data);
    const outcome2 = await runImport(h.ctx, actor, sheet, {
      regionCode: REGIONS.villageA.code,
      apply: { importId: id, startAt: 0, counts: { created: 0, updated: 0, unchanged: 0, rejected: 0 } },
      onChunk: async () => {
        if (registered) return;
        registered = true;
        const p = prepareWorker({ name: '站点登记名', idNumber: String(row[3]), regionCode: REGIONS.villageA.code }, h.ctx.pii, new Date());
        if (!p.ok) throw new Error('a valid person');
        await bulkInsertWorkers(h.ctx.db, [p.row], new Date());
      },
    });
    expect(outcome2.counts).toEqual({ created: TOTAL - 3, updated: 1, unchanged: 0, rejected: 2 });
    const same = await h.ctx.db.select({ name: workers.name }).from(workers).where(eq(workers.idNumberHash, h.ctx.pii.index('id', String(row[3]))));
    expect(same).toEqual([{ name: row[1] }]);
  });
});
