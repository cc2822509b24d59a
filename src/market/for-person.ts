import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { applications, employers, trainingSessions, vacancies } from '../db/schema/market';
import { regionNameSql } from '../regions';

/*
 * What a person sees of the market, in the mini-program and in chat: posts near them, one post, their
 * own applications, one course. Each is one statement, as the chat's latency wants.
 */

/** Open posts in a box around a point (the caller cuts the circle out of it), with their employer's name. */
export async function openVacanciesInBox(db: Db, box: { lat: number; lng: number; dLat: number; dLng: number; kind?: 'gig' | 'job'; limit?: number }) {
  return db
    .select({ v: vacancies, employer: employers.name })
    .from(vacancies)
    .innerJoin(employers, eq(employers.id, vacancies.employerId))
    .where(
      and(
        eq(vacancies.status, 'open'),
        box.kind === 'gig' ? eq(vacancies.kind, 'gig') : box.kind === 'job' ? sql`${vacancies.kind} <> 'gig'` : undefined,
        sql`${vacancies.lat} between ${box.lat - box.dLat} and ${box.lat + box.dLat}`,
        sql`${vacancies.lng} between ${box.lng - box.dLng} and ${box.lng + box.dLng}`,
      ),
    )
    .limit(box.limit ?? 2000);
}

/** One post whatever its status, with its employer's name and the name of the place it was posted for. */
export async function vacancyWithEmployer(db: Db, id: string) {
  const [row] = await db
    .select({ v: vacancies, employer: employers.name, village: regionNameSql(vacancies.regionCode) })
    .from(vacancies)
    .innerJoin(employers, eq(employers.id, vacancies.employerId))
    .where(eq(vacancies.id, id));
  return row;
}

/** One of the person's own applications, or undefined (another person's id answers like a missing one). */
export async function applicationOfWorker(db: Db, workerId: string, id: string) {
  const [a] = await db.select().from(applications).where(and(eq(applications.id, id), eq(applications.workerId, workerId)));
  return a;
}

/** The person's applications, latest change first, with the post's title, kind and employer. */
export async function applicationsOfWorker(db: Db, workerId: string, limit = 100) {
  return db
    .select({ a: applications, title: vacancies.title, kind: vacancies.kind, employer: employers.name })
    .from(applications)
    .innerJoin(vacancies, eq(vacancies.id, applications.vacancyId))
    .innerJoin(employers, eq(employers.id, vacancies.employerId))
    .where(eq(applications.workerId, workerId))
    .orderBy(desc(applications.updatedAt), asc(applications.id))
    .limit(limit);
}

/** One training session, or undefined. */
export async function trainingSession(db: Db, id: string) {
  const [tr] = await db.select().from(trainingSessions).where(eq(trainingSessions.id, id));
  return tr;
}
