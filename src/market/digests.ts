import { and, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../context';
import { trainingSessions, vacancies } from '../db/schema/market';
import { findWorker } from '../registry';
import { LOCALES, translator, type Locale } from '../i18n';
import { scoreTraining, scoreVacancy } from './matching';
import { enqueueDeliveries } from '../queues/deliveries';
import { digestChannel, digestMade, digestNewsPage, fileDigest, latestSentDigest, shanghaiDayStart, waitingNews, type DigestItem } from '../outreach';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'queues' | 'config' | 'logger'>;

export const DEFAULT_DIGEST_AT = 8 * 60 + 30;
/** How many new matches a digest lists; the rest are counted. */
export const DIGEST_SIZE = 5;

/** The latest digest window at or before `now` for a person whose window is `minutes` after midnight in Beijing. */
export function lastWindow(now: Date, minutes: number): Date {
  const today = new Date(shanghaiDayStart(now).getTime() + minutes * 60_000);
  return today.getTime() <= now.getTime() ? today : new Date(today.getTime() - 86400_000);
}

type Item = DigestItem;

/**
 * Makes the digests that are due: for each person with new matches from before their latest window, the
 * best DIGEST_SIZE still open (scored as matching scores them, with its reasons), in one message with
 * numbers to reply to. One digest per person and window, however often this runs; its delivery then
 * follows the person's quiet hours, daily cap and unsubscribing like any other message.
 */
export async function composeDueDigests(ctx: Ctx, batch = 200): Promise<number> {
  const now = ctx.clock.now();
  let made = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    // People with something waiting, a page at a time in id order (so every pass moves on), with the
    // oldest thing each has waiting and the minute of their window; whether it is due is decided here.
    const page = await digestNewsPage(ctx.db, after, batch, DEFAULT_DIGEST_AT);
    if (!page.length) return made;
    after = page[page.length - 1]!.worker_id;
    for (const d of page) {
      const window = lastWindow(now, d.digest_at);
      if (new Date(d.oldest).getTime() < window.getTime() && (await composeOne(ctx, d.worker_id, window))) made++;
    }
    if (page.length < batch) return made;
  }
}

async function composeOne(ctx: Ctx, workerId: string, window: Date): Promise<boolean> {
  const w = await findWorker(ctx.db, workerId);
  const waiting = await waitingNews(ctx.db, workerId, window);
  if (!w || !waiting.length) return false;
  // Made already for this window (news that came in late waits for the next one).
  if (await digestMade(ctx.db, workerId, window)) return false;
  const lang: Locale = (LOCALES as readonly string[]).includes(w.preferredLanguage) ? (w.preferredLanguage as Locale) : 'zh-CN';
  const t = translator(lang);
  const radius = ctx.config.market.radiusKm;
  const now = ctx.clock.now();
  const ids = (type: string) => waiting.flatMap((x) => (x.subject?.type === type ? [x.subject.id] : []));
  const scored: Array<Item & { score: number }> = [];
  const vIds = ids('vacancy');
  if (vIds.length) {
    const rows = await ctx.db.select().from(vacancies).where(and(inArray(vacancies.id, vIds), eq(vacancies.status, 'open'), sql`${vacancies.expiresAt} > ${now.toISOString()}::timestamptz`));
    for (const v of rows) {
      const s = scoreVacancy(w, v, radius, t);
      if (s) scored.push({ type: 'vacancy', id: v.id, title: v.title, summary: s.reasons.join(' · '), reasons: s.reasons, score: s.score });
    }
  }
  const tIds = ids('training');
  if (tIds.length) {
    const rows = await ctx.db.select().from(trainingSessions).where(and(inArray(trainingSessions.id, tIds), eq(trainingSessions.status, 'open')));
    for (const s of rows) {
      const r = scoreTraining(w, s, radius, t);
      scored.push({ type: 'training', id: s.id, title: s.title, summary: r.reasons.join(' · '), reasons: r.reasons, score: r.score });
    }
  }
  scored.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  const items = scored.slice(0, DIGEST_SIZE).map(({ score: _s, ...i }) => i);
  const more = scored.length - items.length;
  const lines = items.map((i, n) => t('outreach:digest.line', { n: n + 1, title: i.title, reasons: i.summary }));
  const text = [t('outreach:digest.head', { count: scored.length }), ...lines, more ? t('outreach:digest.more', { more }) : '', t('outreach:digest.reply')].filter(Boolean).join('\n');
  const channel = await digestChannel(ctx.db, workerId);
  const queued = await fileDigest(ctx.db, { workerId, dueAt: window, items, more, text, channel, now });
  if (queued) await enqueueDeliveries(ctx.queues, [queued]);
  return queued !== null;
}

/** The latest digest sent to a person in the last three days, for the bot to take 报名 N from. */
export async function latestDigest(ctx: Pick<AppContext, 'db' | 'clock'>, workerId: string): Promise<{ sentAt: Date; items: Item[] } | undefined> {
  const since = new Date(ctx.clock.now().getTime() - 3 * 86400_000);
  return latestSentDigest(ctx.db, workerId, since);
}
