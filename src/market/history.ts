import { desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { applications, enrolments, trainingSessions, vacancies } from '../db/schema/market';

/** The training sessions one person enrolled in through the market: title, start and the enrolment's status. */
export async function enrolmentsOf(db: Db, workerId: string) {
  return db
    .select({ title: trainingSessions.title, startDate: trainingSessions.startDate, status: enrolments.status })
    .from(enrolments)
    .innerJoin(trainingSessions, eq(trainingSessions.id, enrolments.sessionId))
    .where(eq(enrolments.workerId, workerId));
}

/** One person's applications, newest first, with the post's title. */
export async function applicationsOf(db: Db, workerId: string) {
  return db
    .select({ id: applications.id, title: vacancies.title, status: applications.status, createdAt: applications.createdAt })
    .from(applications)
    .innerJoin(vacancies, eq(vacancies.id, applications.vacancyId))
    .where(eq(applications.workerId, workerId))
    .orderBy(desc(applications.createdAt));
}

/** What these posts say of themselves (title, description, skills asked), in one query: enough to judge a trade's fit. */
export async function postTexts(db: Db, ids: readonly string[]) {
  if (!ids.length) return [];
  return db.select({ id: vacancies.id, title: vacancies.title, description: vacancies.description, requiredSkills: vacancies.requiredSkills }).from(vacancies).where(inArray(vacancies.id, [...ids]));
}
