import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { LOCALES, readLocaleFiles } from '../src/i18n';
import { readText } from './parse';

/**
 * Reads a message the way people actually write it: cut into words by jieba, each word looked up in
 * the lexicon (locales/<lang>/lexicon.json: colloquial and regional words, one `|`-separated list per
 * meaning), so word order does not matter and one message may carry an intent and several slots.
 */

/** What the understanding can recognise; business intents first, small talk after. */
export type Understood =
  | 'jobs'
  | 'gigs'
  | 'training'
  | 'policy'
  | 'wage'
  | 'human'
  | 'fairs'
  | 'mine'
  | 'thanks'
  | 'bye'
  | 'ok'
  | 'yes'
  | 'no'
  | 'ping'
  | 'greet';

export type SmallTalk = 'thanks' | 'bye' | 'ok' | 'yes' | 'no' | 'ping' | 'greet';
export const SMALL_TALK: readonly SmallTalk[] = ['bye', 'thanks', 'ping', 'greet', 'no', 'yes', 'ok'];

export type Place = 'near' | 'town' | 'county' | 'outside_county' | 'outside_province';
export type Board = 'food_and_lodging' | 'food' | 'lodging';
export type PayUnit = 'day' | 'month' | 'hour';

/** What narrows a search: where, what comes with the job, the least pay, a skill. */
export interface Slots {
  place?: Place;
  board?: Board;
  /** Paid at the end of each day (日结). */
  daily?: boolean;
  payFloor?: { yuan: number; unit: PayUnit };
  /** The skill's name as the register writes it (电焊, 挖掘机 …). */
  skill?: string;
}

export interface Reading {
  intent: Understood | undefined;
  slots: Slots;
  /** When the message is unclear: two or three likely meanings to ask about, most likely first. */
  guesses: Array<'jobs' | 'gigs' | 'training' | 'mine' | 'policy' | 'wage' | 'human'>;
}

type Kind = 'intent' | 'place' | 'pay' | 'board' | 'skill' | 'hint' | 'owed';
interface Term {
  term: string;
  kind: Kind;
  key: string;
}
type LexiconFile = Record<Kind, Record<string, string>>;

let terms: Term[] | undefined;
let jieba: Jieba | undefined;

/** Every locale's lexicon together: Chinese words are understood in English mode and English in Chinese. */
function lexicon(): { terms: Term[]; jieba: Jieba } {
  if (terms && jieba) return { terms, jieba };
  const resources = readLocaleFiles();
  const all: Term[] = [];
  for (const lng of LOCALES) {
    const file = resources[lng]?.lexicon as LexiconFile | undefined;
    if (!file) throw new Error(`locales/${lng}/lexicon.json is missing`);
    for (const kind of Object.keys(file) as Kind[]) {
      for (const [key, words] of Object.entries(file[kind])) {
        for (const word of words.split('|')) {
          const term = readText(word);
          if (term) all.push({ term, kind, key });
        }
      }
    }
  }
  // Longest first: "水电工" is read before "电工", "工作人员" before "工作".
  all.sort((a, b) => b.term.length - a.term.length);
  const cutter = Jieba.withDict(dict);
  const chinese = [...new Set(all.filter((x) => x.term.length > 1 && !/^[\x20-\x7e]+$/.test(x.term)).map((x) => x.term))];
  cutter.loadDict(Buffer.from(chinese.map((w) => `${w} 100000`).join('\n')));
  terms = all;
  jieba = cutter;
  return { terms, jieba };
}

/**
 * Builds the lexicon and loads jieba's dictionary (5 MB, a few hundred milliseconds of work that holds up
 * everything else in the process) now rather than at the first message that needs them.
 */
export function prepareUnderstanding(): void {
  lexicon();
}

/** Whether the lexicon and jieba's dictionary are loaded. */
export function understandingPrepared(): boolean {
  return terms !== undefined && jieba !== undefined;
}

const CN: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 俩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/** 两百 → 200, 三千五 → 3500, 一百五 → 150, 一万 → 10000; undefined for anything else. */
export function readAmount(s: string): number | undefined {
  let total = 0;
  let digit: number | undefined;
  let lastUnit = 1;
  for (const ch of s) {
    if (ch in CN) digit = CN[ch];
    else if (ch in CN_UNIT) {
      const unit = CN_UNIT[ch]!;
      total = unit === 10000 ? (total + (digit ?? 0)) * unit : total + (digit ?? 1) * unit;
      lastUnit = unit;
      digit = undefined;
    } else return undefined;
  }
  // 三千五: the last digit is of the next unit down.
  if (digit !== undefined) total += lastUnit >= 100 ? (digit * lastUnit) / 10 : digit;
  return total || undefined;
}

const AMOUNT = /(\d{1,6}(?:\.\d+)?)\s*(k|千|万)?|([一二两三四五六七八九十]*[百千万][零一二两三四五六七八九十百千万]*)/g;

function findAmount(text: string, masked: boolean[]): number | undefined {
  for (const m of text.matchAll(AMOUNT)) {
    const at = m.index;
    // 三千一个月 is 3000 a month: a last digit followed by a measure word is not part of the amount.
    if (m[3] && /[一二两三四五六七八九]$/.test(m[3]) && /^[个天月日小]/.test(text.slice(at + m[0].length))) m[3] = m[3].slice(0, -1);
    const value = m[1] ? Number(m[1]) * (m[2] === 'k' || m[2] === '千' ? 1000 : m[2] === '万' ? 10000 : 1) : readAmount(m[3]!);
    // A phone or ID number is not pay; two digits are pay only with a unit ("50块一小时").
    if (value === undefined || value < 10 || value > 100000) continue;
    for (let i = at; i < at + m[0].length; i++) masked[i] = true;
    return value;
  }
  return undefined;
}

/** The meaning of one message: an intent (or none), the slots found, and guesses when unsure. */
export function understand(raw: string): Reading {
  const { terms: all, jieba: cutter } = lexicon();
  // Spaces typed between Chinese characters ("找 活", "附 近") split no words.
  const text = readText(raw).replace(/(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])/g, '');
  const masked: boolean[] = Array.from({ length: text.length }, () => false);
  const amount = findAmount(text, masked);
  // Token spans: a one-character word ("活", "学", "近") counts only where jieba cut it as a word of its own.
  const tokens: Array<{ word: string; at: number }> = [];
  let pos = 0;
  for (const word of cutter.cut(text, true)) {
    tokens.push({ word, at: pos });
    pos += word.length;
  }
  const hits: Term[] = [];
  const free = (at: number, len: number) => masked.slice(at, at + len).every((x) => !x);
  const take = (at: number, len: number) => masked.fill(true, at, at + len);
  // Where jieba cut: a word found whole between two cuts is what the writer meant ("有|散活|没" is 散活, not 活没).
  const cuts = new Set<number>([pos, ...tokens.map((tok) => tok.at)]);
  const whole = (at: number, len: number) => cuts.has(at) && cuts.has(at + len);
  const where = (t: Term): number[] => {
    const found: number[] = [];
    if (/^[\x20-\x7e]+$/.test(t.term)) {
      const re = new RegExp(`(^|[^a-z0-9])${t.term.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?=$|[^a-z0-9])`, 'g');
      for (const m of text.matchAll(re)) found.push(m.index + m[1]!.length);
    } else if (t.term.length > 1) {
      for (let at = text.indexOf(t.term); at >= 0; at = text.indexOf(t.term, at + 1)) found.push(at);
    } else {
      for (const tok of tokens) if (tok.word === t.term) found.push(tok.at);
    }
    return found;
  };
  // Words that stand whole first, longest first; then words that straddle a cut, longest first.
  const places = all.map((t) => ({ t, at: where(t) })).filter((x) => x.at.length);
  for (const pass of ['whole', 'straddling'] as const) {
    for (const { t, at: spots } of places) {
      const ascii = /^[\x20-\x7e]+$/.test(t.term);
      const found = spots.filter((at) => (ascii ? pass === 'whole' : (pass === 'whole') === whole(at, t.term.length)));
      let hit = false;
      for (const at of found) {
        if (!free(at, t.term.length)) continue;
        take(at, t.term.length);
        hit = true;
      }
      // The same word may stand in two lists (上班 is work, and regular work): it counts in both.
      if (hit || (found.length && hits.some((h) => h.term === t.term))) hits.push(t);
    }
  }
  const keys = (kind: Kind) => new Set(hits.filter((h) => h.kind === kind).map((h) => h.key));
  const intents = keys('intent');
  const slots: Slots = {};
  const place = keys('place');
  slots.place = (['near', 'town', 'county', 'outside_province', 'outside_county'] as const).find((p) => place.has(p));
  const board = keys('board');
  slots.board = board.has('food_and_lodging') || (board.has('food') && board.has('lodging')) ? 'food_and_lodging' : board.has('food') ? 'food' : board.has('lodging') ? 'lodging' : undefined;
  const pay = keys('pay');
  if (pay.has('daily')) slots.daily = true;
  if (amount !== undefined) {
    const unit: PayUnit = pay.has('per_hour') ? 'hour' : pay.has('per_month') ? 'month' : pay.has('per_day') ? 'day' : amount >= 1000 ? 'month' : 'day';
    if (amount >= 100 || pay.has('money') || unit === 'hour' || pay.has('per_day') || pay.has('per_month')) slots.payFloor = { yuan: amount, unit };
  }
  slots.skill = hits.find((h) => h.kind === 'skill')?.key;
  for (const k of Object.keys(slots) as Array<keyof Slots>) if (slots[k] === undefined) delete slots[k];

  const reading = (intent: Understood | undefined, guesses: Reading['guesses'] = []): Reading => ({ intent, slots, guesses });
  // "工资三个月没发": what is owed and that it was not paid, with other words between.
  const owed = keys('owed');
  if (owed.has('what') && owed.has('not_paid')) intents.add('wage');
  for (const business of ['wage', 'human', 'policy', 'fairs', 'mine', 'training'] as const) if (intents.has(business)) return reading(business);
  const searchSlots = slots.place !== undefined || slots.board !== undefined || slots.payFloor !== undefined || slots.daily;
  if (intents.has('gigs') || slots.daily) return reading('gigs');
  if ((slots.place === 'near' || slots.place === 'town') && !intents.has('regular')) return reading('gigs');
  if (intents.has('jobs') || intents.has('regular') || searchSlots) return reading('jobs');
  // A skill alone: to work with it, or to learn it?
  if (slots.skill) return reading(undefined, ['jobs', 'training']);
  const hint = keys('hint');
  if (hint.has('money')) return reading(undefined, ['wage', 'jobs', 'policy']);
  if (hint.has('paper')) return reading(undefined, ['training', 'policy']);
  for (const talk of SMALL_TALK) if (intents.has(talk)) return reading(talk);
  return reading(undefined);
}

/** What a short message may carry besides its words: spaces, punctuation, emoji, sentence particles. */
const FILLER = /[\s\p{P}\p{S}\p{Extended_Pictographic}啊呀吧呢哈啦嘛哦喔了哟嘞呐]+/gu;

/**
 * The small talk a message is and nothing else ("谢谢！", "好的好的", "在吗？"), or undefined when it
 * carries anything besides: "谢谢，李老板欠我三千" is a description that happens to thank.
 */
export function pureSmallTalk(raw: string): SmallTalk | undefined {
  const r = understand(raw);
  if (!r.intent || !(SMALL_TALK as readonly string[]).includes(r.intent) || Object.keys(r.slots).length) return undefined;
  let rest = readText(raw);
  // Longest first (the lexicon's order), so "谢谢你" goes whole and "ok" before "k".
  for (const t of lexicon().terms) if (t.kind === 'intent' && (SMALL_TALK as readonly string[]).includes(t.key)) rest = rest.split(t.term).join(' ');
  return rest.replace(FILLER, '') ? undefined : (r.intent as SmallTalk);
}
