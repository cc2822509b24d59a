import { MENU, WORDS, type IntentId, type Parsed } from '../parse';
import { understand, type Reading, type SmallTalk, type Slots } from '../understand';
import type { Session, Turn } from './types';

/** Intents whose words the old reader finds reliably, command words with what follows them. */
const COMMANDS = new Set<IntentId | undefined>(['bind', 'checkin', 'cancel_signup', 'subscribe', 'unsubscribe', 'agree', 'withdraw', 'chinese', 'english', 'detail', 'apply', 'help']);

/**
 * What a message asks for: a number, a command word or 报名 N as the menu reads them; anything else
 * by its words in any order, with the slots that narrow it. A number answering our guesses keeps
 * what the unclear message said besides.
 */
export function decide(p: Parsed, s: Session): { intent: IntentId | SmallTalk | undefined; slots: Slots; guesses: IntentId[] } {
  if (p.bareNumber) return { intent: p.intent, slots: p.intent && s.guess?.intents.includes(p.intent) ? s.guess.slots : {}, guesses: [] };
  const exact = p.intent !== undefined && p.intent !== 'detail' && p.intent !== 'apply' && WORDS[p.intent].includes(p.text);
  if (exact || (COMMANDS.has(p.intent) && p.intent !== 'help')) return { intent: p.intent, slots: {}, guesses: [] };
  const r: Reading = understand(p.text);
  if (r.intent) return { intent: r.intent, slots: r.slots, guesses: [] };
  if (p.intent) return { intent: p.intent, slots: r.slots, guesses: [] };
  return { intent: undefined, slots: r.slots, guesses: r.guesses };
}

/** One short question with two or three numbered guesses (menu numbers, so a number works anywhere). */
export function ask({ ctx, s, t }: Turn, intents: IntentId[], slots: Slots, lost = false): string {
  s.guess = { intents, slots };
  s.state = undefined;
  // A number now answers this question, not a list shown before it or the morning's digest.
  s.listedAt = ctx.clock.now().toISOString();
  const lines = intents.map((i) => `${MENU.find((m) => m.intent === i)!.number} ${t(`bot:guess.${i}`)}`);
  return [t(lost ? 'bot:guess.lost' : 'bot:guess.ask'), ...lines, t('bot:guess.footer')].join('\n');
}
