import type { TFunction } from 'i18next';
import type { Vacancy } from '../db/schema/market';

/** A post's pay in words: 每天 200 元, 每月 3500–4500 元 … */
export function payText(t: TFunction, v: Pick<Vacancy, 'payMinFen' | 'payMaxFen' | 'payUnit'>): string {
  const yuan = (f: number) => (f % 100 === 0 ? String(f / 100) : (f / 100).toFixed(2));
  const amount = v.payMinFen === v.payMaxFen ? yuan(v.payMinFen) : `${yuan(v.payMinFen)}–${yuan(v.payMaxFen)}`;
  return t(`market:pay.${v.payUnit}`, { amount });
}
