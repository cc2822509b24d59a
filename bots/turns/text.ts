import type { TFunction } from 'i18next';
import { MENU } from '../parse';

/** Posts listed at once: with a title and a footer, one screen of a phone (six lines). */
export const LIST_ITEMS = 4;

/** A list's title with what narrowed it, before its colon: "本地正在招人的岗位（包吃住）：". */
export function titled(title: string, what: string, t: TFunction): string {
  if (!what) return title;
  const colon = /[：:]$/.exec(title)?.[0] ?? '';
  return `${title.slice(0, title.length - colon.length)}${t('bot:find.with', { what })}${colon}`;
}

export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? name : chars[0] + '*'.repeat(chars.length - 1);
}

export function hours(minutes: number): string {
  return String(Math.floor(minutes / 60));
}

/** 8:30 */
export function clockTime(minutes: number): string {
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

export function menu(t: TFunction, bound: boolean): string {
  const lines = MENU.filter((m) => m.intent !== 'bind' || !bound).map((m) => `${m.number} ${t(`bot:menu.${m.intent}`)}`);
  return [t('bot:menu.title'), ...(bound ? [] : [t('bot:menu.unbound')]), ...lines, t('bot:menu.fairs'), t('bot:menu.footer'), t('bot:menu.language')].join('\n');
}
