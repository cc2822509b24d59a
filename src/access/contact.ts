import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import { accounts } from '../db/schema/access';
import { maskPhone, normalizePhone } from '../pii/phone';
import { NotFound, ValidationFailed } from '../shared/errors';
import { PUSHED_KINDS } from '../notices';
import type { AccessProps } from './props';

/**
 * What a member of staff sets for themselves: the mobile number urgent notices are texted to (null
 * removes it), and whether they want the inbox only. Nobody sets a number for someone else: the holder
 * gives it, and so agrees to be texted on it (PIPL: collected from the person, for this purpose).
 */
export const ContactPatch = z
  .object({
    phone: z.string().trim().min(1).max(32).nullable().optional().meta({ description: 'A mainland mobile number (11 digits, +86 allowed); null removes it' }),
    pushOptOut: z.boolean().optional().meta({ description: 'true: notices stay in the console inbox, nothing is texted' }),
  })
  .strict()
  .refine((b) => b.phone !== undefined || b.pushOptOut !== undefined, { message: 'errors:detail.contact.empty', path: ['phone'] })
  .meta({ id: 'ContactPatch' });
export type ContactPatch = z.infer<typeof ContactPatch>;

export const ContactView = z
  .object({
    phoneMasked: z.string().nullable().meta({ description: 'The number, masked (138****5678); the whole number is never shown' }),
    pushOptOut: z.boolean(),
    /** Whether urgent notices reach this account besides the inbox. */
    pushed: z.boolean(),
    wechatBound: z.boolean().meta({ description: 'The holder bound their own WeChat by sending the bot a code: notices go there first, by SMS when WeChat cannot take them' }),
    wechatBoundAt: z.iso.datetime().nullable(),
    pushedKinds: z.array(z.string()).meta({ description: 'The kinds of notice pushed besides the inbox' }),
  })
  .meta({ id: 'Contact' });
export type ContactView = z.infer<typeof ContactView>;

type Ctx = Pick<AppContext, 'db' | 'pii'>;

export function presentContact(a: Pick<typeof accounts.$inferSelect, 'contactPhoneMasked' | 'contactPhoneEnc' | 'pushOptOut' | 'chatContact' | 'chatBoundAt'>): ContactView {
  const wechatBound = a.chatContact !== null;
  return {
    phoneMasked: a.contactPhoneMasked,
    pushOptOut: a.pushOptOut,
    pushed: (a.contactPhoneEnc !== null || wechatBound) && !a.pushOptOut,
    wechatBound,
    wechatBoundAt: wechatBound && a.chatBoundAt ? new Date(a.chatBoundAt).toISOString() : null,
    pushedKinds: [...PUSHED_KINDS],
  };
}

/** A mobile number in its one stored form, or a clear refusal: a landline cannot take a text. */
export function mobileOf(raw: string, path = 'body.phone'): string {
  const phone = normalizePhone(raw);
  if (!phone || !/^1[3-9]\d{9}$/.test(phone)) throw new ValidationFailed('not a mobile number', [{ path, message: 'errors:detail.contact.mobile' }]);
  return phone;
}

/** The columns a contact is written to: encrypted, its keyed hash (reports, 回T退订) and its masked form. */
export function contactColumns(ctx: Pick<AppContext, 'pii'>, phone: string | null) {
  if (phone === null) return { contactPhoneEnc: null, contactPhoneHash: null, contactPhoneMasked: null };
  return { contactPhoneEnc: ctx.pii.encrypt(phone), contactPhoneHash: ctx.pii.index('phone', phone), contactPhoneMasked: maskPhone(phone) };
}

/** Sets the signed-in account's own contact; the number is checked before anything is written, and never logged. */
export async function setOwnContact({ ctx, actor, meta }: AccessProps<Ctx>, patch: ContactPatch): Promise<ContactView> {
  const phone = patch.phone === undefined || patch.phone === null ? patch.phone : mobileOf(patch.phone);
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .update(accounts)
      .set({ ...(phone !== undefined ? contactColumns(ctx, phone) : {}), ...(patch.pushOptOut !== undefined ? { pushOptOut: patch.pushOptOut } : {}) })
      .where(eq(accounts.id, actor.accountId))
      .returning();
    if (!row) throw new NotFound('account', actor.accountId);
    audit({
      action: 'account.contact',
      entity: 'account',
      entityId: actor.accountId,
      regionCode: row.regionCode,
      details: { ...(phone !== undefined ? { phone: phone === null ? 'removed' : 'set' } : {}), ...(patch.pushOptOut !== undefined ? { pushOptOut: patch.pushOptOut } : {}) },
    });
    return row;
  });
  return presentContact(row);
}
