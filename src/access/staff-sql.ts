import { sql } from 'drizzle-orm';
import { alias, QueryBuilder } from 'drizzle-orm/pg-core';
import { accounts as table } from '../db/schema/access';

/** Named `a` inside (Drizzle leaves a lone table's columns unqualified). */
const accounts = alias(table, 'a');

/**
 * Read model for another module's query: the accounts of staff, as a subquery with the columns access
 * chooses to show, so a delivery's claim (what a push to a member of staff needs) and the settling of
 * deliveries by provider reports stay one statement each. PostgreSQL pulls a plain subquery like this up
 * into the query that uses it, so a column nobody asks for costs nothing and a condition on `id` uses the
 * accounts' primary key. No password, second factor or encrypted phone leaves it: only whether there is one.
 */
export const staffAccounts = new QueryBuilder()
  .select({
    id: accounts.id,
    regionCode: accounts.regionCode,
    /** station, county, city, province or admin: whether a notice for administrators reaches the holder. */
    role: accounts.role,
    locale: accounts.locale,
    disabledAt: accounts.disabledAt,
    /** The holder asked for the inbox only. */
    pushOptOut: accounts.pushOptOut,
    /** The keyed hash of the contact phone, as SMS providers' reports name the recipient. */
    contactPhoneHash: accounts.contactPhoneHash,
    /** A contact phone is set (for SMS). */
    hasContact: sql<boolean>`${accounts.contactPhoneEnc} is not null`.as('has_contact'),
    /** The holder bound their own WeChat from the console. */
    hasChat: sql<boolean>`${accounts.chatContact} is not null`.as('has_chat'),
  })
  .from(accounts)
  .as('staff_accounts');
