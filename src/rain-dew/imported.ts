import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rainDewEvents, rainDewFiles } from '../db/schema/rain-dew';
import { startFollowUp, type PlannedStep } from '../outreach';
import { shanghaiDate } from '../shared/time';

/** What a spreadsheet row says of a 雨露计划 student's school. */
export interface SchoolFacts {
  school: string;
  major: string;
  level: 'secondary_vocational' | 'higher_vocational' | 'technician' | 'other';
  enrolledOn: string | null;
  expectedGraduation: string;
}

type File = typeof rainDewFiles.$inferSelect;

export interface ImportedFile {
  workerId: string;
  regionCode: string;
  employed: boolean;
  facts: SchoolFacts;
}

/** The files a chunk of a graduate list would touch, by person. */
export async function filesOf(db: Db, workerIds: string[]): Promise<Map<string, File>> {
  if (!workerIds.length) return new Map();
  const rows = await db.select().from(rainDewFiles).where(inArray(rainDewFiles.workerId, workerIds));
  return new Map(rows.map((f) => [f.workerId, f]));
}

/** Whether a row of a graduate list changes the person's file. */
export function fileChanges(existing: File | undefined, facts: SchoolFacts): boolean {
  if (!existing) return true;
  return (
    existing.school !== facts.school ||
    existing.major !== facts.major ||
    existing.level !== facts.level ||
    (facts.enrolledOn !== null && existing.enrolledOn !== facts.enrolledOn) ||
    existing.expectedGraduation !== facts.expectedGraduation
  );
}

/**
 * Opens or corrects the files named by a graduate list, inside the import's transaction. A new file
 * starts at the right status for its dates (still at school, graduated, or already in work) and its
 * chat follow-up; a changed graduation date re-plans the follow-up. The steps are returned for the
 * caller to schedule after commit (the follow-up sweeper picks them up in any case).
 */
export async function applyImportedFiles(db: Db, items: ImportedFile[], existing: Map<string, File>, by: string, now: Date): Promise<PlannedStep[]> {
  const today = shanghaiDate(now);
  const steps: PlannedStep[] = [];
  for (const { workerId, regionCode, employed, facts } of items) {
    const f = existing.get(workerId);
    if (!fileChanges(f, facts)) continue;
    if (f) {
      await db
        .update(rainDewFiles)
        .set({ school: facts.school, major: facts.major, level: facts.level, enrolledOn: facts.enrolledOn ?? f.enrolledOn, expectedGraduation: facts.expectedGraduation, updatedAt: now })
        .where(eq(rainDewFiles.workerId, workerId));
      await db.insert(rainDewEvents).values({ workerId, kind: 'import', outcome: 'updated', by, at: now });
      if (f.expectedGraduation === facts.expectedGraduation) continue;
    } else {
      const left = facts.expectedGraduation <= today;
      const status = !left ? 'studying' : employed ? 'employed' : 'graduated';
      await db.insert(rainDewFiles).values({
        workerId,
        regionCode,
        ...facts,
        status,
        graduatedOn: left ? facts.expectedGraduation : null,
        createdAt: now,
        updatedAt: now,
      });
      await db.insert(rainDewEvents).values({ workerId, kind: 'status', toStatus: status, outcome: 'import', by, at: now });
    }
    const run = await startFollowUp(db, now, { sequence: 'rain_dew', workerId, regionCode, anchorDate: facts.expectedGraduation, createdBy: by });
    steps.push(...run.steps);
  }
  return steps;
}
