import type { TFunction } from 'i18next';
import { normalizeInput } from './normalize';

/** What the engine needs to know about an incoming chat message, whatever the door it came through. */
export interface Incoming {
  kind: 'text' | 'other';
  text: string;
  /** A stable id of the sender on this door (never shown, never logged). */
  senderId: string;
}

/** An intent: the words and menu number that reach it, and what it answers. */
export interface Intent {
  id: string;
  /** Menu number as a string, e.g. '0'. */
  number: string;
  /** Exact words (after normalisation) that choose it. */
  words: string[];
  /** Locale key of its line in the menu. */
  menuKey: string;
  reply(t: TFunction): Promise<string[]> | string[];
}

export function menu(t: TFunction, intents: Intent[]): string {
  const lines = intents.map((i) => `${i.number} ${t(i.menuKey)}`);
  return [t('bot:menu.title'), ...lines, t('bot:menu.footer')].join('\n');
}

export function createEngine(intents: Intent[]) {
  const byWord = new Map<string, Intent>();
  for (const intent of intents) {
    byWord.set(intent.number, intent);
    for (const w of intent.words) byWord.set(normalizeInput(w), intent);
  }
  return {
    intents,
    async respond(msg: Incoming, t: TFunction): Promise<string[]> {
      if (msg.kind !== 'text') return [t('bot:non_text'), menu(t, intents)];
      const text = normalizeInput(msg.text);
      const intent = byWord.get(text);
      if (intent) return intent.reply(t);
      return [t('bot:not_understood'), menu(t, intents)];
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;

/** The intents available now; each later module adds its own. */
export function defaultIntents(): Intent[] {
  const intents: Intent[] = [];
  const help: Intent = {
    id: 'help',
    number: '0',
    words: ['帮助', '菜单', 'help', 'menu', '?', '？', '你好', 'hi', 'hello'],
    menuKey: 'bot:menu.help',
    reply: (t) => [menu(t, intents)],
  };
  intents.push(help);
  return intents;
}
