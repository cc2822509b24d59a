import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { applications, employers, vacancies } from '../db/schema/market';
import { homeRegionOf } from '../registry';

/*
 * The market's posts and applications as other modules read them (a job fair shows posts and counts the
 * applications made at it). Where their query joins its own rows to the market's, it gets a subquery
 * here to join on, so it stays one statement.
 */

/** The region and status of each of these posts, in one query (ids not known are left out). */
export async function vacancyStates(db: Db, ids: readonly string[]) {
  if (!ids.length) return [];
  return db.select({ id: vacancies.id, regionCode: vacancies.regionCode, status: vacancies.status }).from(vacancies).where(inArray(vacancies.id, [...ids]));
}

/**
 * Read model, as a subquery to join on `vacancyId`: each post with what a list of posts shows (title,
 * places, pay, status) and its employer's name.
 */
export function postsWithEmployers(db: Db) {
  return db
    .select({
      vacancyId: vacancies.id,
      title: vacancies.title,
      employerId: vacancies.employerId,
      employer: employers.name,
      headcount: vacancies.headcount,
      filled: vacancies.filled,
      payMinFen: vacancies.payMinFen,
      payMaxFen: vacancies.payMaxFen,
      payUnit: vacancies.payUnit,
      status: vacancies.status,
    })
    .from(vacancies)
    .innerJoin(employers, eq(employers.id, vacancies.employerId))
    .as('posts');
}

/**
 * Read model, as a subquery to join on `vacancyId`: the applications made at one job fair, each with
 * whether it reached an interview and a hire (now or at some step of its history).
 */
export function applicationsAtFair(db: Db, fairId: string) {
  return db
    .select({
      id: applications.id,
      vacancyId: applications.vacancyId,
      interviewed: sql<boolean>`(${applications.status} in ('interview', 'hired') or ${applications.history} @> '[{"status":"interview"}]'::jsonb)`.as('interviewed'),
      hired: sql<boolean>`(${applications.status} = 'hired' or ${applications.history} @> '[{"status":"hired"}]'::jsonb)`.as('hired'),
    })
    .from(applications)
    .where(eq(applications.fairId, fairId))
    .as('fair_applications');
}

/** The applications made at a fair still waiting for an answer, with the person's home region, the post's title and its employer's name, in one query. */
export async function waitingAtFair(db: Db, fairId: string) {
  return db
    .select({ id: applications.id, workerId: applications.workerId, regionCode: homeRegionOf(applications.workerId), title: vacancies.title, employer: employers.name })
    .from(applications)
    .innerJoin(vacancies, eq(vacancies.id, applications.vacancyId))
    .innerJoin(employers, eq(employers.id, vacancies.employerId))
    .where(and(eq(applications.fairId, fairId), eq(applications.status, 'applied')));
}
