import { sql, type SQL } from 'drizzle-orm';

/**
 * Every training a person started, as (worker_id, start_date) rows: what staff typed into the register
 * (training_records) and the enrolments in the market's training sessions, each from the session's start
 * (a cancelled enrolment or session does not count). 组织脱贫人口参加职业技能培训人数 (seed 001 附件1) and the
 * monthly `trained` figure count people, so a person both enrolled and recorded counts once.
 */
export function trainingStarts(): SQL {
  return sql`(
    select tr.worker_id, tr.start_date from training_records tr
    union
    select en.worker_id, ts.start_date from enrolments en join training_sessions ts on ts.id = en.session_id
    where en.status <> 'cancelled' and ts.status <> 'cancelled'
  )`;
}
