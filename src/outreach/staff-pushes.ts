import { sql, type SQL } from 'drizzle-orm';
import { staffAccounts } from '../access';
import { deliveries } from '../db/schema/outreach';
import { audienceOf } from '../notices';

/**
 * The pushes of new staff notices, as the statement the notices run in the WITH clause that writes them (the
 * context's noticePorts): one delivery per member of staff who sees the notice in the inbox (`audienceOf`),
 * whose account is not disabled, who has a contact (their own WeChat first, else SMS) and did not opt out;
 * once per notice and account. `notices` names the new notices (columns id, region_code, reach, audience).
 */
export function staffNoticePushes(notices: SQL, at: Date): SQL {
  return sql`
    insert into ${deliveries} (staff_notice_id, account_id, channel, status, created_at, updated_at)
    select n.id, staff_accounts.id, (case when staff_accounts.has_chat then 'chat' else 'sms' end)::channel_kind, 'queued'::delivery_status, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
    from ${notices} n join ${staffAccounts} on ${audienceOf(sql`n`, sql`staff_accounts`)}
    where staff_accounts.disabled_at is null and (staff_accounts.has_contact or staff_accounts.has_chat) and not staff_accounts.push_opt_out
    on conflict do nothing
    returning id, channel`;
}
