import { chatActor, maskNumbers } from '../../src/chat';
import { openQuestion as questionOpen, recordContact } from '../../src/rain-dew';
import { startEmployment } from '../../src/registry';
import { shanghaiDate } from '../../src/shared/time';
import { readText } from '../parse';
import { find } from './market';
import type { ForWorker } from './types';

/*
 * A Rain Dew graduate answering the follow-up's question (1 working … 4 other), and the two questions after 1;
 * before graduation, what work they want and where.
 */

/** The Rain Dew question sent in the last week that the person has not answered yet (its step), if any. */
export async function openQuestion({ ctx, worker }: ForWorker): Promise<string | undefined> {
  return questionOpen(ctx.db, worker.id, new Date(ctx.clock.now().getTime() - 7 * 86400_000));
}

/** 1 (working): where, asked first; kept until the income comes. */
export function employerSaid({ s, t }: ForWorker, text: string): string[] {
  s.employer = text.slice(0, 60);
  s.state = 'rd_income';
  return [t('bot:rain_dew.ask_income')];
}

/** The monthly income after the employer: the job is recorded, as the person said it. */
export async function incomeSaid({ ctx, s, worker, t }: ForWorker, text: string): Promise<string[]> {
  const yuan = Number(/\d{3,6}/.exec(readText(text))?.[0]);
  if (!Number.isFinite(yuan) || yuan < 100) return [t('bot:rain_dew.ask_income')];
  s.state = undefined;
  const actor = await chatActor(ctx);
  await startEmployment({ ctx, actor, meta: { source: 'self_report' } }, worker.id, { employerName: s.employer ?? '', startDate: shanghaiDate(ctx.clock.now()), monthlyIncomeFen: yuan * 100 });
  await recordContact({ ctx, actor, meta: {} }, worker.id, { channel: 'chat', outcome: `${s.employer ?? ''} ${yuan}`, status: 'employed' });
  s.employer = undefined;
  return [t('bot:rain_dew.recorded_job')];
}

/** Before graduation: the answer (what work, where) goes into their file. */
export async function wishSaid({ ctx, worker, t }: ForWorker, text: string): Promise<string[]> {
  const actor = await chatActor(ctx);
  await recordContact({ ctx, actor, meta: {} }, worker.id, { channel: 'chat', outcome: maskNumbers(text).slice(0, 200) });
  return [t('bot:rain_dew.wish_recorded')];
}

/** A number 1–4 answering the question: working (then where and how much), seeking (then the jobs), studying, other. */
export async function statusSaid(turn: ForWorker, n: number | undefined): Promise<string[]> {
  const { ctx, s, worker, t } = turn;
  const actor = await chatActor(ctx);
  const status = (['employed', 'seeking', 'further_study', 'other'] as const)[(n ?? 1) - 1]!;
  if (status === 'employed') {
    s.state = 'rd_employer';
    await recordContact({ ctx, actor, meta: {} }, worker.id, { channel: 'chat', outcome: 'replied 1' });
    return [t('bot:rain_dew.ask_employer')];
  }
  await recordContact({ ctx, actor, meta: {} }, worker.id, { channel: 'chat', outcome: `replied ${n}`, status });
  if (status === 'seeking') return [t('bot:rain_dew.seeking'), ...(await find(turn, 'jobs'))];
  return [t('bot:rain_dew.recorded')];
}
