import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, integer } from 'drizzle-orm/pg-core';
import { regions } from './regions';

/** 就业服务站 / 零工驿站 / 劳务工作站: the front-line office. */
export const stationKind = pgEnum('station_kind', ['service_station', 'gig_station', 'labour_station']);

export const stations = pgTable(
  'stations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    kind: stationKind('kind').notNull().default('service_station'),
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    address: text('address'),
    /** Where the station is: its village or community (村、社区), and its point, the centre of its 15-minute circle. */
    villageCode: text('village_code').references(() => regions.code),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('stations_region_idx').on(t.regionCode.op('text_pattern_ops')), check('stations_point_pair', sql`(${t.lat} is null) = (${t.lng} is null)`)],
);

/**
 * Staff roles. Each account is bound to a region and sees that region's subtree only;
 * `system` is bound to the root of the deployment.
 */
export const staffRole = pgEnum('staff_role', ['station', 'county', 'prefecture', 'province', 'system']);

export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    displayName: text('display_name').notNull(),
    role: staffRole('role').notNull(),
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    stationId: uuid('station_id').references(() => stations.id),
    locale: text('locale').notNull().default('zh-CN'),
    /** May see ID and phone numbers unmasked (each such read is audited). */
    canRevealPii: boolean('can_reveal_pii').notNull().default(false),
    failedLogins: integer('failed_logins').notNull().default(0),
    /** The second factor (TOTP): its secret, encrypted; set up first, enabled once a code has matched. */
    totpSecretEnc: text('totp_secret_enc'),
    totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
    /** The last time step a code was accepted for, so a code is used once. */
    totpLastStep: integer('totp_last_step'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    /**
     * Where urgent notices are pushed besides the inbox: a mobile number for SMS, set by the account's
     * holder only, encrypted, with its keyed hash (to match provider reports and 回T退订) and masked form.
     */
    contactPhoneEnc: text('contact_phone_enc'),
    contactPhoneHash: text('contact_phone_hash'),
    contactPhoneMasked: text('contact_phone_masked'),
    /** The holder asked for the inbox only: nothing is pushed to them. */
    pushOptOut: boolean('push_opt_out').notNull().default(false),
    /**
     * The holder's own WeChat, bound by sending the bot a one-time code from the console: the contact id
     * the bot sees, and the sending account that has them as a contact (none: the default account).
     * Urgent notices go there first, by SMS when WeChat cannot take them.
     */
    chatContact: text('chat_contact'),
    chatSendingAccountId: uuid('chat_sending_account_id'),
    chatBoundAt: timestamp('chat_bound_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('accounts_region_idx').on(t.regionCode.op('text_pattern_ops')), index('accounts_contact_phone_idx').on(t.contactPhoneHash).where(sql`${t.contactPhoneHash} is not null`),
    // One WeChat reaches one account.
    uniqueIndex('accounts_chat_contact_idx').on(t.chatContact).where(sql`${t.chatContact} is not null`),
  ],
);

/** Bearer sessions. Only a keyed hash of the token is stored, so a copy of the table opens nothing. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('sessions_expires_idx').on(t.expiresAt)],
);

export type Account = typeof accounts.$inferSelect;
export type Station = typeof stations.$inferSelect;
