import { apply } from '../../src/market';
import { chatActor } from '../../src/chat';
import { cancelSignup as cancelFairSignup, checkIn, fairByCode, fairCarries, fairPost, fairsForWorker, getFair, signupsOf } from '../../src/fairs';
import { beijingTime } from '../../src/shared/time';
import { ALREADY, FAIR_PREFIX, refusal } from '../service-errors';
import type { ForWorker, Turn } from './types';

/** 招聘会: the fairs this person may sign up for, numbered; 报名 N signs up, N shows the posts. */
export async function fairs({ ctx, s, worker, t }: ForWorker): Promise<string[]> {
  const list = await fairsForWorker(ctx.db, worker, ctx.clock.now());
  if (!list.length) {
    s.state = undefined;
    return [t('bot:fair.none')];
  }
  s.items = list.map((f) => ({ type: 'fair', id: f.id, title: f.title }));
  s.state = 'list';
  s.current = undefined;
  s.listedAt = ctx.clock.now().toISOString();
  const lines = list.map((f, i) => t('bot:fair.item', { n: i + 1, title: f.title, time: beijingTime(f.startsAt), kind: t(`bot:fair.kind.${f.kind}`), place: f.kind === 'on_site' ? (f.address ?? '') : (f.streamUrl ?? '') }));
  return [[t('bot:fair.title'), ...lines, t('bot:fair.footer')].join('\n')];
}

export async function fairDetail({ ctx, t }: Turn, fairId: string): Promise<string[]> {
  const f = await getFair(ctx, await chatActor(ctx), fairId).catch(() => undefined);
  if (!f) return [t('bot:detail.gone')];
  const posts = f.vacancies.filter((v) => v.status === 'open').map((v) => t('bot:fair.post', { n: v.seq, employer: v.employer, title: v.title, headcount: v.headcount, pay: v.pay }));
  const left = f.counts.placesLeft === null ? '' : `\n${t('bot:fair.places', { left: f.counts.placesLeft })}`;
  const where = f.kind === 'on_site' ? (f.address ?? '') : (f.streamUrl ?? '');
  return [`${t('bot:fair.detail', { title: f.title, time: beijingTime(new Date(f.startsAt)), place: where })}${left}`, ...(posts.length ? [posts.join('\n')] : []), t('bot:fair.detail_footer')];
}

/** 报名 N in answer to a live fair's message: applies for post N of the fair, counted for it. */
export async function applyAtFair({ ctx, worker, t }: ForWorker, fairId: string, n: number): Promise<string[]> {
  const post = await fairPost(ctx.db, fairId, n);
  if (!post) return [t('bot:fair.no_such_post', { n })];
  try {
    await apply({ ctx, actor: await chatActor(ctx), meta: {} }, post.vacancyId, worker.id, 'chat', { fair: { id: fairId, carries: fairCarries } });
    return [t('bot:apply.done', { title: post.title })];
  } catch (err) {
    const why = refusal(err);
    if (!why) throw err;
    if (why.reasons.some((r) => ALREADY.has(r))) return [t('bot:apply.already')];
    return [t('bot:apply.closed')];
  }
}

/** 签到 + the code on the fair's QR code or poster. */
export async function checkin({ ctx, worker, t }: ForWorker, code: string): Promise<string[]> {
  const clean = code.replace(/\s+/g, '');
  if (!clean) return [t('bot:fair.checkin_ask')];
  const f = await fairByCode(ctx.db, clean);
  if (!f) return [t('bot:fair.checkin_unknown')];
  try {
    await checkIn({ ctx, actor: await chatActor(ctx), meta: {} }, f.id, worker.id, 'qr');
    return [t('bot:fair.checked_in', { title: f.title })];
  } catch (err) {
    const why = refusal(err);
    if (!why) throw err;
    if (why.reasons.includes(`${FAIR_PREFIX}waiting_list`)) return [t('bot:fair.checkin_waiting')];
    if (why.reasons.includes(`${FAIR_PREFIX}full`)) return [t('bot:fair.checkin_full')];
    return [t('bot:fair.checkin_closed')];
  }
}

/** 取消报名 (N): cancels a sign-up; with several, asks which. */
export async function cancelSignup({ ctx, s, worker, t }: ForWorker, n: number | undefined): Promise<string[]> {
  const mine = await signupsOf(ctx.db, worker.id, ctx.clock.now());
  const listed = n !== undefined && s.items?.[n - 1]?.type === 'fair' ? s.items[n - 1]!.id : undefined;
  const target = listed ? mine.find((m) => m.fair.id === listed) : mine.length === 1 ? mine[0] : undefined;
  if (!mine.length) return [t('bot:fair.cancel_none')];
  if (!target) {
    s.items = mine.map((m) => ({ type: 'fair', id: m.fair.id, title: m.fair.title }));
    s.state = 'list';
    s.listedAt = ctx.clock.now().toISOString();
    return [[t('bot:fair.cancel_which'), ...mine.map((m, i) => `${i + 1}. ${m.fair.title}（${beijingTime(m.fair.startsAt)}）`)].join('\n')];
  }
  try {
    await cancelFairSignup(ctx, await chatActor(ctx), target.fair.id, worker.id, {});
  } catch (err) {
    if (!refusal(err)) throw err;
    return [t('bot:fair.cancel_none')];
  }
  s.state = undefined;
  return [t('bot:fair.cancelled', { title: target.fair.title })];
}
