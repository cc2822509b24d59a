import { sql } from 'drizzle-orm';
import { policies, policyNotices } from '../db/schema/policies';

/**
 * Read model for outreach: each policy notice with its policy's text (title, benefit and the steps to apply), as
 * a subquery whose columns the policies choose (notice_id, title, benefit, apply), so a notice's delivery reads the
 * text in the statement that claims it. A notice whose policy is gone has no row: its delivery is called off.
 */
export const policyNoticeTextsSql = sql`(select pn.id as notice_id, p.title, p.benefit, p.apply
  from ${policyNotices} pn join ${policies} p on p.id = pn.policy_id)`;
