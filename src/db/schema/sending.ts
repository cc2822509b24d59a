import { sql } from 'drizzle-orm';
import { check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { stations } from './access';

/** Which door an account is: a personal WeChat account, a WeCom (企业微信) account, or an official account (服务号). */
export const accountDoor = pgEnum('account_door', ['personal', 'wecom', 'official_account']);
/** online: logged in and sending; offline: logged out or not started; blocked: WeChat limited it; disabled: set aside by staff. */
export const accountStatus = pgEnum('account_status', ['offline', 'online', 'blocked', 'disabled']);

/**
 * A station's sending accounts (a pool): a broadcast is spread over those that can reach each person,
 * each with its own pace and daily ceiling, so one blocked account does not silence a station.
 */
export const sendingAccounts = pgTable(
  'sending_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** The region it serves (checked when staff register it; the default account takes the deployment's root). */
    regionCode: text('region_code').notNull(),
    stationId: uuid('station_id').references(() => stations.id),
    door: accountDoor('door').notNull().default('personal'),
    /** The Wechaty puppet that drives it (npm name), and its token, encrypted. */
    puppet: text('puppet').notNull(),
    puppetTokenEnc: text('puppet_token_enc'),
    /** Messages a day at most (WeChat limits accounts that send too much). */
    dailyCeiling: integer('daily_ceiling').notNull().default(500),
    status: accountStatus('status').notNull().default('offline'),
    statusReason: text('status_reason'),
    statusAt: timestamp('status_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sending_accounts_name_idx').on(t.name), index('sending_accounts_region_idx').on(t.regionCode.op('text_pattern_ops')), check('sending_accounts_ceiling', sql`${t.dailyCeiling} >= 0`)],
);

export type SendingAccount = typeof sendingAccounts.$inferSelect;
