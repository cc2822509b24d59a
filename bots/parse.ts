import { normalizeInput } from './normalize';

/**
 * Traditional characters to simplified, its dictionaries loaded at the first message (a tenth of a second)
 * rather than in every process that only serves the API. opencc-js publishes a CommonJS build under its
 * "require" condition but declares its types as ESM only.
 */
let converter: ((text: string) => string) | undefined;
function toSimplified(text: string): string {
  converter ??= (require('opencc-js/t2cn') as { Converter(o: { from: 'tw' | 'hk'; to: 'cn' }): (text: string) => string }).Converter({ from: 'tw', to: 'cn' });
  return converter(text);
}

/** What a person can ask for; each also has a menu number. */
export type IntentId =
  | 'help'
  | 'bind'
  | 'jobs'
  | 'gigs'
  | 'training'
  | 'fairs'
  | 'checkin'
  | 'cancel_signup'
  | 'mine'
  | 'subscribe'
  | 'unsubscribe'
  | 'policy'
  | 'wage'
  | 'human'
  | 'chinese'
  | 'english'
  | 'agree'
  | 'withdraw'
  | 'detail'
  | 'apply';

/**
 * Words that choose each intent, simplified and lower-case, common typos included. A message that is
 * not one of them exactly is searched for them, the longest found winning ("我想找附近的零工" → gigs,
 * "取消订阅" → unsubscribe rather than subscribe).
 */
export const WORDS: Record<Exclude<IntentId, 'detail' | 'apply'>, string[]> = {
  help: ['帮助', '菜单', '帮主', '怎么用', '主菜单', '返回', '功能', 'help', 'menu', '?'],
  bind: ['绑定', '帮定', '实名', '认证', '绑定身份', 'bind'],
  jobs: ['找工作', '找工做', '找活', '找活干', '工作', '岗位', '招聘', '上班', '打工', '求职', 'job', 'jobs', 'work'],
  gigs: ['零工', '另工', '附近', '临时工', '短工', '零活', '散工', '日结', 'gig', 'gigs'],
  training: ['培训', '陪训', '学技术', '学手艺', '技能培训', 'training'],
  fairs: ['招聘会', '招骋会', '招聘活动', '双选会', '直播带岗', '专场招聘', '招聘大会', 'fair', 'fairs'],
  checkin: ['签到', '签个到', 'checkin'],
  cancel_signup: ['取消报名', '不去了', '去不了', '取消预约'],
  mine: ['我的', '我的信息', '个人信息', '我的报名', '我的资料', 'me', 'mine'],
  subscribe: ['订阅', '定阅', '订阅推送', '接收消息', 'subscribe'],
  unsubscribe: ['退订', '退定', '取消订阅', '不要再发', '别发了', '不要发了', 'unsubscribe', 'stop', 'td'],
  policy: ['政策', '补贴', '政策补贴', 'policy', 'policies'],
  wage: ['工资', '欠薪', '拖欠工资', '没发工资', '讨薪', '不给钱', 'wage', 'wages', 'unpaid'],
  human: ['人工', '客服', '转人工', '工作人员', '找人', '人工服务', 'human', 'staff'],
  chinese: ['中文', '汉语', '说中文', 'chinese'],
  agree: ['同意', '我同意', '同意授权', 'agree'],
  withdraw: ['不同意', '撤回同意', '取消同意', '取消授权', '撤回授权', 'withdraw'],
  english: ['english', '英文', '英语'],
};

/** Menu numbers, in the order of the menu. */
export const MENU: Array<{ number: string; intent: IntentId }> = [
  { number: '1', intent: 'jobs' },
  { number: '2', intent: 'gigs' },
  { number: '3', intent: 'training' },
  { number: '4', intent: 'mine' },
  { number: '5', intent: 'subscribe' },
  { number: '6', intent: 'policy' },
  { number: '7', intent: 'wage' },
  { number: '8', intent: 'human' },
  { number: '9', intent: 'bind' },
  { number: '0', intent: 'help' },
];

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 1–99 written as digits or as Chinese numerals (三, 十二, 二十); anything else is undefined. */
export function readNumber(s: string): number | undefined {
  if (/^\d{1,2}$/.test(s)) return Number(s);
  if (!/^[零〇一二两三四五六七八九十]{1,3}$/.test(s)) return undefined;
  if (s === '十') return 10;
  const ten = s.indexOf('十');
  if (ten < 0) return s.length === 1 ? CN_DIGITS[s] : undefined;
  const tens = ten === 0 ? 1 : CN_DIGITS[s[0]!];
  const ones = ten === s.length - 1 ? 0 : CN_DIGITS[s[ten + 1]!];
  return tens === undefined || ones === undefined ? undefined : tens * 10 + ones;
}

/** Chat text as the bot reads it: half-width, trimmed, lower-case, simplified characters. */
export function readText(raw: string): string {
  return normalizeInput(toSimplified(normalizeInput(raw)));
}

export interface Parsed {
  intent: IntentId | undefined;
  /** The item number of 详情 N / 报名 N, or a bare number. */
  n?: number;
  /** What follows the command word ("订阅 零工 培训" → "零工 培训"). */
  rest: string;
  /** The text as read. */
  text: string;
  /** True when the whole message was only a number. */
  bareNumber: boolean;
}

const ITEM = /(详情|详细|查看|看看|报名|申请|apply|detail)\s*第?\s*(\d{1,2}|[零〇一二两三四五六七八九十]{1,3})\s*(个|号|条)?/;

export function parse(raw: string): Parsed {
  const text = readText(raw);
  // Only punctuation ("?", "？？"): the person is asking what they can do.
  if (!text && raw.trim()) return { intent: 'help', rest: '', text, bareNumber: false };
  const bare = readNumber(text);
  if (bare !== undefined && /^\d{1,2}$/.test(text)) {
    const menu = MENU.find((m) => m.number === text);
    return { intent: menu?.intent, n: bare, rest: '', text, bareNumber: true };
  }
  // 取消报名 (and its number) before 报名 N is read as signing up.
  const cancel = /^(取消报名|不去了|去不了|取消预约)\s*第?\s*(\d{1,2}|[零〇一二两三四五六七八九十]{1,3})?/.exec(text);
  if (cancel) return { intent: 'cancel_signup', n: cancel[2] ? readNumber(cancel[2]) : undefined, rest: '', text, bareNumber: false };
  const item = ITEM.exec(text);
  if (item) {
    const n = readNumber(item[2]!);
    const intent: IntentId = /报名|申请|apply/.test(item[1]!) ? 'apply' : 'detail';
    if (n !== undefined) return { intent, n, rest: '', text, bareNumber: false };
  }
  if (/^(报名|申请|我要报名|apply)$/.test(text)) return { intent: 'apply', rest: '', text, bareNumber: false };
  let best: { intent: IntentId; word: string; at: number } | undefined;
  for (const [intent, words] of Object.entries(WORDS) as Array<[IntentId, string[]]>) {
    for (const word of words) {
      const at = /^[a-z?]+$/.test(word) ? (new RegExp(`(^|[^a-z])${word.replace('?', '\\?')}($|[^a-z])`).test(text) ? text.indexOf(word) : -1) : text.indexOf(word);
      // A command word at the start wins ("订阅 零工" subscribes); otherwise the longest word found.
      if (at >= 0 && (!best || (at === 0 && best.at > 0) || ((at === 0) === (best.at === 0) && word.length > best.word.length))) best = { intent, word, at };
    }
  }
  if (!best) return { intent: undefined, rest: text, text, bareNumber: false };
  const rest = text.startsWith(best.word) ? text.slice(best.word.length).trim() : '';
  return { intent: best.intent, rest, text, bareNumber: false };
}
