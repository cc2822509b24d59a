import type { AppContext } from '../src/context';
import { LOCALES, translator, type Locale } from '../src/i18n';
import { bindStaffContact, STAFF_CODE_MINUTES, staffForContact, triesKeyOf, unbindStaffWechat } from '../src/access';
import { isPersonContact } from '../src/outreach';
import { readText } from './parse';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'redis' | 'pii' | 'config'>;

/** A staff binding code, alone or after 绑定 / bind: eight digits (a person's code has six). */
const STAFF_CODE_MESSAGE = /^(?:绑定|綁定|bind)?\s*[:：]?\s*(\d{8})$/i;
const UNBIND = /^(?:解绑|解除绑定|解綁|unbind)$/i;
const TRIES_PER_HOUR = 5;

const tFor = (ctx: Ctx, locale: string | undefined) => translator((LOCALES as readonly string[]).includes(locale ?? '') ? (locale as Locale) : ctx.config.locale.default);

/**
 * The bot's turn for members of staff, before anything meant for the people the service helps: a staff
 * binding code binds this WeChat to the account it was issued to; a WeChat bound to staff can unbind, and
 * is told what it is for (it is never taken for a registered person). Undefined: not a staff matter.
 */
export async function staffTurn(ctx: Ctx, msg: { kind: string; text: string; senderId: string; accountId?: string; door?: string }, lang: string | undefined): Promise<string[] | undefined> {
  if ((msg.door ?? 'wechat_contact') !== 'wechat_contact' || msg.kind !== 'text') return undefined;
  const text = readText(msg.text).trim();
  const code = STAFF_CODE_MESSAGE.exec(text)?.[1];
  const staff = await staffForContact(ctx, msg.senderId);
  if (code) {
    const result = await bindStaffContact({ ctx }, { value: msg.senderId, ...(msg.accountId ? { accountId: msg.accountId } : {}) }, code, isPersonContact);
    if (result.ok) return [tFor(ctx, result.locale)('bot:staff.bound', { name: result.displayName })];
    const t = tFor(ctx, staff?.locale ?? lang);
    if (result.reason === 'no_match') {
      const tries = Number((await ctx.redis.kv.get(triesKeyOf(ctx, msg.senderId))) ?? 0);
      return [t('bot:staff.no_match', { minutes: STAFF_CODE_MINUTES, left: Math.max(0, TRIES_PER_HOUR - tries) })];
    }
    return [t(`bot:staff.${result.reason}`)];
  }
  if (!staff) return undefined;
  const t = tFor(ctx, staff.locale);
  if (UNBIND.test(text)) {
    await unbindStaffWechat({ ctx, actor: { accountId: staff.id } }, 'chat');
    return [t('bot:staff.unbound')];
  }
  // A person's binding code or ID number from a staff WeChat: refused, nothing written.
  if (/^\d{6}$|\d{17}[\dXx]/.test(text)) return [t('bot:staff.worker_code', { name: staff.displayName })];
  return [t('bot:staff.is_staff', { name: staff.displayName })];
}
