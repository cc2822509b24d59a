import { recordConsent } from '../../src/registry';
import { bindContact, BIND_TRIES_PER_HOUR } from '../../src/outreach';
import { readText } from '../parse';
import { maskName } from './text';
import type { DoorKind, ForWorker, Turn } from './types';

/** A turn that knows who is writing and through which door (a WeChat contact of a sending account, or the official account). */
export interface ForContact extends Turn {
  senderId: string;
  accountId?: string;
  doorKind: DoorKind;
}

/** 绑定: a name with an ID number, or a six-digit code from the station, binds this WeChat to the person. */
export async function bind({ ctx, s, t, senderId, accountId, doorKind }: ForContact, said: string): Promise<string[]> {
  const text = readText(said);
  const id = /\d{17}[\dx]/i.exec(text)?.[0];
  const code = /^\d{6}$/.test(text) ? text : undefined;
  if (!id && !code) return [t('bot:bind.unclear')];
  const name = id ? text.replace(id, '').replace(/[\s,，:：;；、.。]+/g, '') : '';
  if (id && !name) return [t('bot:bind.unclear')];
  const result = await bindContact({ ctx }, doorKind === 'oa_openid' ? { kind: 'oa_openid', value: senderId } : { kind: 'wechat_contact', value: senderId, accountId }, code ? { code } : { name, idNumber: id!.toUpperCase() });
  if (result.ok) {
    s.state = undefined;
    s.history = [];
    const done = t('bot:bind.done', { name: maskName(result.name), id: result.idMasked });
    if (result.consent) return [done];
    s.state = 'consent';
    return [done, t('bot:consent.notice')];
  }
  if (result.reason === 'locked') {
    s.state = undefined;
    return [t('bot:bind.locked')];
  }
  const tries = Number((await ctx.redis.kv.get(`bind:tries:${ctx.pii.index('contact', `${doorKind}:${senderId}`)}`)) ?? 0);
  return [t(`bot:bind.${result.reason}`, { left: Math.max(0, BIND_TRIES_PER_HOUR - tries) })];
}

/** 同意 / 撤回: the person's consent to matching and messages, recorded as given by chat. */
export async function consent({ ctx, s, worker, t }: ForWorker, granted: boolean): Promise<string[]> {
  await recordConsent({ ctx }, { workerId: worker.id, regionCode: worker.regionCode, granted, channel: 'chat', recordedBy: null, at: ctx.clock.now() });
  s.state = undefined;
  return [t(granted ? 'bot:consent.given' : 'bot:consent.withdrawn')];
}
