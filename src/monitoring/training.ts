import { sql, type SQL } from 'drizzle-orm';
import { trainingStartsAs } from '../market';
import { trainingRecordsAs } from '../registry';

/**
 * Every training a person started, as (worker_id, start_date) rows: what staff typed into the register
 * (its training records) and the enrolments in the market's training sessions, each from the session's start
 * (a cancelled enrolment or session does not count). 组织脱贫人口参加职业技能培训人数 (seed 001 附件1) and the
 * monthly `trained` figure count people, so a person both enrolled and recorded counts once.
 */
export function trainingStarts(): SQL {
  return sql`(
    select tr.worker_id, tr.start_date from ${trainingRecordsAs('tr')}
    union
    select en.worker_id, en.start_date from ${trainingStartsAs('en')}
  )`;
}
