import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { sql, type SQL } from 'drizzle-orm';

/**
 * Chinese has no spaces between words, so PostgreSQL's own parsers cannot index it. jieba cuts the
 * text into words (and the shorter words inside long ones), which are stored as a 'simple' tsvector
 * and searched the same way: this works alike on PostgreSQL and on the embedded PGlite.
 */
let jieba: Jieba | undefined;
function cutter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/** Words that carry no meaning in a search ("我想找附近的…"). */
const STOP = new Set(['我', '想', '找', '要', '的', '了', '在', '有', '个', '一个', '请问', '帮', '帮我', '看看', '一下', '吗', '呢', '啊', '和', '与', '及']);

export function words(text: string): string[] {
  const out = new Set<string>();
  for (const w of cutter().cutForSearch(text.normalize('NFKC').toLowerCase(), true)) {
    const t = w.trim();
    if (!t || STOP.has(t) || /^[\p{P}\p{S}\s]+$/u.test(t)) continue;
    out.add(t.replace(/['&|!():*\\]/g, ''));
  }
  return [...out].filter(Boolean);
}

/** The tsvector expression to store for a text. */
export function searchVector(...parts: Array<string | null | undefined>): SQL {
  return sql`to_tsvector('simple', ${words(parts.filter(Boolean).join(' ')).join(' ')})`;
}

/** A query matching any of the words, or undefined when nothing meaningful was typed. */
export function searchQuery(text: string): SQL | undefined {
  const ws = words(text);
  if (!ws.length) return undefined;
  return sql`to_tsquery('simple', ${ws.map((w) => `'${w}'`).join(' | ')})`;
}
