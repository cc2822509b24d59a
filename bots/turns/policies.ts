import { checklistFor, shortList } from '../../src/policies';
import type { ForWorker, Turn } from './types';

/** 政策: what this person can claim now and how, and what one step would open; the person is then told. */
export async function policies({ ctx, worker, t }: ForWorker): Promise<string[]> {
  const list = await checklistFor(ctx, worker, t);
  if (!list.eligible.length && !list.near.length) return [t('bot:policy.none'), await shortList(ctx, worker.regionCode, t, worker.preferredLanguage)];
  const lines: string[] = [];
  if (list.eligible.length) {
    lines.push(t('bot:policy.eligible'));
    // One line per benefit, in the catalogue's words (the same lines as the short list).
    for (const i of list.eligible.slice(0, 6)) lines.push(t('policies:short.line', { title: i.title, benefit: i.benefit }));
  }
  if (list.near.length) {
    lines.push(t('bot:policy.near'));
    for (const i of list.near.slice(0, 3)) lines.push(t('bot:policy.near_item', { title: i.title, missing: i.missing.join('，') }));
  }
  lines.push(t('policies:short.footer'));
  return [lines.join('\n')];
}

/** 政策 for someone not yet bound: the short list of the deployment's region, in the language they chose. */
export async function policiesForVisitor({ ctx, s, t }: Turn): Promise<string[]> {
  return [await shortList(ctx, ctx.config.regionRoot, t, s.lang ?? ctx.config.locale.default)];
}
