import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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

/**
 * Which bot process drives each sending account: one at a time (src/outreach/lease.ts). The holder renews
 * before expires_at; another process takes the account only once it has passed. Each taking adds one to
 * token (the fencing token): every send checks its token is still the row's, so a holder that was paused
 * past its lease and woke up cannot send.
 */
export const accountLeases = pgTable('account_leases', {
  accountId: uuid('account_id')
    .primaryKey()
    .references(() => sendingAccounts.id, { onDelete: 'cascade' }),
  /** The process holding it (host, pid and a random part); null once released. */
  holder: text('holder'),
  token: bigint('token', { mode: 'number' }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  acquiredAt: timestamp('acquired_at', { withTimezone: true }).notNull(),
  renewedAt: timestamp('renewed_at', { withTimezone: true }).notNull(),
});

/** Bot processes alive (seen within a lease's time): the accounts are shared out among them. */
export const botProcesses = pgTable('bot_processes', {
  id: text('id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
});
