import type { TFunction } from 'i18next';
import { chatActor } from '../../src/chat';
import { signupsOf } from '../../src/fairs';
import { applicationsOfWorker } from '../../src/market';
import { type Subscription, subscriptionOf, type Topic, putSubscription } from '../../src/outreach';
import { currentEmployment, setIntention } from '../../src/registry';
import { beijingTime } from '../../src/shared/time';
import { readText } from '../parse';
import { clockTime, hours, maskName } from './text';
import type { ForWorker } from './types';

const TOPIC_GROUPS: Record<string, Topic[] | 'all'> = {
  '1': ['gig'],
  '2': ['regular', 'seasonal', 'workshop', 'public_welfare', 'work_relief'],
  '3': ['training'],
  '4': ['policy'],
  '5': ['job_fair'],
  '6': 'all',
};
const TOPIC_WORDS: Array<[RegExp, string]> = [
  [/零工|附近|临时|短工|日结/, '1'],
  [/岗位|工作|上班|全职|招工|打工/, '2'],
  [/培训|技能/, '3'],
  [/政策|补贴/, '4'],
  [/招聘会|带岗|直播/, '5'],
  [/全部|都要|所有|全都/, '6'],
];

export function topicsIn(text: string): Array<Topic[] | 'all'> {
  const found = new Set<string>();
  for (const n of text.match(/\d/g) ?? []) if (TOPIC_GROUPS[n]) found.add(n);
  for (const [re, n] of TOPIC_WORDS) if (re.test(text)) found.add(n);
  return [...found].map((n) => TOPIC_GROUPS[n]!);
}

/** 我的: who the person is, their work, what they receive, their applications and fair sign-ups. */
export async function mine({ ctx, worker, t }: ForWorker): Promise<string> {
  const lines = [t('bot:mine.who', { name: maskName(worker.name), id: worker.idNumberMasked, phone: worker.phoneMasked ?? t('bot:mine.no_phone') })];
  if (worker.employed) {
    const [job] = await currentEmployment(ctx.db, [worker.id]);
    lines.push(job ? t('bot:mine.employed', { employer: job.employerName }) : t('bot:mine.employed_unknown'));
  } else lines.push(t('bot:mine.unemployed'));
  lines.push(subscriptionLine(await subscriptionOf(ctx.db, worker.id), t));
  const apps = await applicationsOfWorker(ctx.db, worker.id, 5);
  if (!apps.length) lines.push(t('bot:mine.no_applications'));
  else lines.push(t('bot:mine.applications'), ...apps.map((r) => t('bot:mine.application', { title: r.title, status: t(`bot:status.${r.a.status}`) })));
  const fairs = await signupsOf(ctx.db, worker.id, ctx.clock.now());
  if (fairs.length) lines.push(t('bot:mine.fairs'), ...fairs.map((f) => t('bot:mine.fair', { title: f.fair.title, time: beijingTime(f.fair.startsAt), status: t(`bot:fair.status.${f.checkedInAt ? 'checked_in' : f.status}`) })));
  return lines.join('\n');
}

export function subscriptionLine(sub: Subscription | undefined, t: TFunction): string {
  if (sub?.unsubscribedAll) return t('bot:mine.subs_off');
  const cap = sub?.dailyCap ?? 5;
  const quiet = `${hours(sub?.quietStart ?? 21 * 60)}–${hours(sub?.quietEnd ?? 8 * 60)}`;
  if (!sub || !sub.topics.length) return t('bot:mine.subs_all', { cap, quiet });
  return t('bot:mine.subs_some', { cap, quiet, topics: sub.topics.map((x) => t(`bot:topics.${x}`)).join('、') });
}

async function current({ ctx, worker }: ForWorker) {
  const sub = await subscriptionOf(ctx.db, worker.id);
  return {
    topics: (sub?.topics ?? []) as Topic[],
    regionCodes: sub?.regionCodes ?? [],
    radiusKm: sub?.radiusKm ?? 5,
    quietStart: sub?.quietStart ?? 21 * 60,
    quietEnd: sub?.quietEnd ?? 8 * 60,
    dailyCap: sub?.dailyCap ?? 5,
    channel: sub?.channel ?? 'chat',
    fallbackChannel: sub?.fallbackChannel ?? null,
    unsubscribedAll: sub?.unsubscribedAll ?? false,
    digestAt: sub ? sub.digestAt : 8 * 60 + 30,
  };
}

/** 订阅: topics by number or word, and the settings people ask for by chat (县外, 距离 N, 免打扰 H-H). */
export async function subscribe(turn: ForWorker, text: string): Promise<string[]> {
  const { ctx, s, worker, t } = turn;
  const now = await current(turn);
  const next = { ...now, unsubscribedAll: false };
  const notes: string[] = [];
  const clean = readText(text);
  const quiet = /免打扰\s*(\d{1,2})\s*[-–~到至]\s*(\d{1,2})/.exec(clean);
  if (quiet && Number(quiet[1]) < 24 && Number(quiet[2]) < 24) {
    next.quietStart = Number(quiet[1]) * 60;
    next.quietEnd = Number(quiet[2]) * 60;
    notes.push(t('bot:subscribe.quiet', { from: quiet[1], to: quiet[2] }));
  }
  const radius = /(?:距离|范围)\s*(\d{1,3})|(\d{1,3})\s*(?:公里|km)/.exec(clean);
  if (radius) {
    const km = Math.min(200, Math.max(1, Number(radius[1] ?? radius[2])));
    next.radiusKm = km;
    notes.push(t('bot:subscribe.radius', { km }));
  }
  // When new posts come: all together once a day ("汇总 9点", default 08:30), or each at once ("逐条").
  const digest = /(?:汇总|每天)\s*(\d{1,2})\s*(?:点|时|:00)?(半)?/.exec(clean);
  if (/逐条|马上|立即|实时/.test(clean)) {
    next.digestAt = null;
    notes.push(t('bot:subscribe.each'));
  } else if (digest && Number(digest[1]) < 24) {
    next.digestAt = Number(digest[1]) * 60 + (digest[2] ? 30 : 0);
    notes.push(t('bot:subscribe.digest', { at: clockTime(next.digestAt) }));
  }
  if (/县外|外地|外省|省外/.test(clean)) {
    next.regionCodes = [worker.regionCode.slice(0, 4)];
    notes.push(t('bot:subscribe.scope_out'));
  } else if (/县内|本县|本地/.test(clean)) {
    next.regionCodes = [];
    notes.push(t('bot:subscribe.scope_in'));
  }
  const rest = clean.replace(quiet?.[0] ?? '\u0000', '').replace(radius?.[0] ?? '\u0000', '').replace(digest?.[0] ?? '\u0000', '');
  const groups = topicsIn(rest);
  if (groups.length) next.topics = groups.includes('all') ? [] : [...new Set(groups.flatMap((g) => (g === 'all' ? [] : g)))];
  else if (!notes.length) {
    if (s.state === 'subscribe') return [t('bot:subscribe.unclear')];
    // "订阅" alone when already subscribed to some: show the choices.
    s.state = 'subscribe';
    return [t('bot:subscribe.ask')];
  }
  s.state = undefined;
  const actor = await chatActor(ctx);
  await putSubscription({ ctx, actor, meta: {} }, worker.id, next);
  if (next.regionCodes.length !== now.regionCodes.length) {
    await setIntention(ctx.db, worker.id, next.regionCodes.length ? 'out_of_county' : 'in_county');
  }
  const topics = next.topics.length ? next.topics.map((x) => t(`bot:topics.${x}`)).join('、') : t('bot:subscribe.all');
  const when = next.digestAt === null ? t('bot:subscribe.when_each') : t('bot:subscribe.when_digest', { at: clockTime(next.digestAt) });
  return [t('bot:subscribe.done', { topics, cap: next.dailyCap, quiet: `${hours(next.quietStart)}–${hours(next.quietEnd)}`, when }), ...notes];
}

/** 退订: everything, or only the topics named ("退订 培训"). */
export async function unsubscribe(turn: ForWorker, rest: string): Promise<string[]> {
  const { ctx, s, worker, t } = turn;
  s.state = undefined;
  const now = await current(turn);
  const groups = topicsIn(readText(rest)).filter((g): g is Topic[] => g !== 'all');
  const actor = await chatActor(ctx);
  if (!groups.length) {
    await putSubscription({ ctx, actor, meta: {} }, worker.id, { ...now, unsubscribedAll: true });
    return [t('bot:unsubscribe.all')];
  }
  const drop = new Set(groups.flat());
  const from = now.topics.length ? now.topics : (['gig', 'regular', 'seasonal', 'public_welfare', 'work_relief', 'workshop', 'training', 'policy', 'job_fair'] as Topic[]);
  const topics = from.filter((x) => !drop.has(x));
  await putSubscription({ ctx, actor, meta: {} }, worker.id, { ...now, topics, unsubscribedAll: topics.length === 0 });
  return [t('bot:unsubscribe.some', { topics: [...drop].map((x) => t(`bot:topics.${x}`)).join('、') })];
}
