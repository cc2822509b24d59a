import type { Db } from '../db/client';
import { bulkGrantConsent, bulkInsertHouseholds, bulkInsertJobs, bulkInsertWorkers, prepareWorker, type PreparedWorker } from '../registry';
import type { PiiVault } from '../pii/vault';
import type { Generator, SyntheticHousehold } from './synthetic';

/** Writes synthetic households with their members and employment histories, in one transaction. */
export async function writeHouseholds(db: Db, vault: PiiVault, batch: SyntheticHousehold[], today: Date): Promise<{ workers: number; jobs: number }> {
  return db.transaction(async (tx) => {
    const t = tx;
    const made = await bulkInsertHouseholds(
      t,
      batch.map((h) => ({ regionCode: h.regionCode, relocated: h.relocated, headIdHash: vault.index('id', h.members[0]!.idNumber) })),
    );
    const rows: Array<PreparedWorker & { householdId: string; employed: boolean }> = [];
    const people = [];
    for (let i = 0; i < batch.length; i++) {
      for (const p of batch[i]!.members) {
        const prepared = prepareWorker(p, vault, today);
        if (!prepared.ok) throw new Error(`synthetic person failed validation: ${prepared.problems.map((x) => x.reason).join(', ')}`);
        rows.push({ ...prepared.row, householdId: made[i]!, employed: p.jobs.some((j) => j.endDate === null) });
        people.push(p);
      }
    }
    // Synthetic people come with a signed station form: consent to matching and messages (written with them).
    const inserted = await bulkInsertWorkers(t, rows, today, { consent: true });
    const ids = inserted.map((r) => r.id);
    await bulkGrantConsent(t, ids, 'station_form', today);
    const idOf = new Map(inserted.map((r) => [r.idNumberHash, r.id]));
    const jobs = people.flatMap((p, i) => p.jobs.map((j) => ({ workerId: idOf.get(rows[i]!.idNumberHash)!, ...j, source: 'import' as const })));
    await bulkInsertJobs(t, jobs);
    return { workers: inserted.length, jobs: jobs.length };
  });
}

/** Writes `count` synthetic people (whole households, the last one cut to fit), in batches of about `batchSize`. */
export async function writePeople(
  db: Db,
  vault: PiiVault,
  gen: Generator,
  count: number,
  today: Date,
  opts: { batchSize?: number; onProgress?: (made: number) => void } = {},
): Promise<{ workers: number; jobs: number }> {
  let made = 0;
  let jobs = 0;
  while (made < count) {
    const batch: SyntheticHousehold[] = [];
    for (let k = 0; k < (opts.batchSize ?? 2000) && made + k < count; ) {
      const h = gen.household();
      h.members = h.members.slice(0, count - made - k);
      batch.push(h);
      k += h.members.length;
    }
    const w = await writeHouseholds(db, vault, batch, today);
    made += w.workers;
    jobs += w.jobs;
    opts.onProgress?.(made);
  }
  return { workers: made, jobs };
}
