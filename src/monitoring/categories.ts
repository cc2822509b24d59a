import { sql, type SQL } from 'drizzle-orm';

/**
 * Who the monitoring figures, forms, targets, warnings and reports count, defined once.
 *
 * 脱贫人口 is counted 含防止返贫监测对象 (seed 000 national §1: "3000万人以上脱贫人口（含防止返贫监测对象，
 * 下同）"; seed 001 §1: "省内脱贫人口（含防止返贫监测帮扶对象，下同）"): the register's `lifted` and `monitored`
 * people together. Since 2026 the monitored are named 防止返贫致贫对象, and monitoring reaches any rural household at
 * risk, not only those once registered as poor: the register keeps records made under the old name as
 * `monitored` and takes new ones as `at_risk` (with the wider scope's `other_at_risk` type), and both names are
 * inside this group, as the seeds' 监测对象. A category value added to the register for them must be added to
 * LIFTED_CATEGORIES here, and nowhere else.
 *
 * 农村低收入人口 (`low_income`) is a group of its own: reported apart, never added into 脱贫人口.
 */
export const LIFTED_CATEGORIES = ['lifted', 'monitored', 'at_risk'] as const;

/** Reported beside 脱贫人口, never inside it. */
export const APART_CATEGORIES = ['low_income'] as const;

/** The figures' key for 脱贫人口（含监测对象）: the headline every count, form and warning uses. */
export const LIFTED_GROUP = 'lifted_total';

/** The figures' key for everyone on the register (脱贫人口 and 农村低收入人口 together): a register total, not a headline. */
export const REGISTER_TOTAL = 'all';

export function isLifted(category: string): boolean {
  return (LIFTED_CATEGORIES as readonly string[]).includes(category);
}

/** SQL: the category column (or expression) belongs to 脱贫人口（含监测对象）. Compared as text, so a value the register does not have yet cannot fail the query. */
export function liftedSql(category: SQL): SQL {
  return sql`(${category})::text in (${sql.join(
    LIFTED_CATEGORIES.map((c) => sql`${c}`),
    sql`, `,
  )})`;
}
