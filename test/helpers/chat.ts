import type { mock } from 'wechaty-puppet-mock';
import type { Bot, Handled } from '../../bots/bot';

/** Resolves with the next message the bot reports dealt with that `which` picks; rejects after `timeoutMs`. */
export function nextHandled(bot: Bot, which: (h: Handled) => boolean, timeoutMs = 10_000): Promise<Handled> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      bot.events.off('handled', listener);
      reject(new Error(`the bot did not deal with the message within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (h: Handled) => {
      if (!which(h)) return;
      clearTimeout(timer);
      bot.events.off('handled', listener);
      resolve(h);
    };
    bot.events.on('handled', listener);
  });
}

/** Polls until `ok()` holds; throws after `timeoutMs` with `what` (for something known to be on its way). */
export async function arrived(ok: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`${what} did not arrive within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A mock WeChat user talking to the bot, collecting what the bot sends back. */
export class MockUser {
  readonly received: string[] = [];
  readonly contact: mock.ContactMock;

  constructor(
    private readonly bot: Bot,
    name = '老王',
  ) {
    if (!bot.mocker || !bot.self) throw new Error('the bot is not on the mock puppet');
    this.contact = bot.mocker.createContact({ name });
    this.contact.on('message', (msg: mock.MessageMock) => {
      const p = msg.payload;
      if (p.talkerId === bot.self!.id && 'listenerId' in p && p.listenerId === this.contact.id) this.received.push(p.text ?? '');
    });
  }

  /**
   * Sends text (or a file), waits until the bot has dealt with it, and then until every reply it sent
   * has come through; returns what came since (a push sent meanwhile included).
   */
  async say(something: Parameters<mock.ContactMock['say']>[0]): Promise<string[]> {
    const before = this.received.length;
    const handled = nextHandled(this.bot, (h) => h.talkerId === this.contact.id && h.roomId === undefined);
    this.contact.say(something).to(this.bot.self!);
    const { replies } = await handled;
    await arrived(() => this.received.length - before >= replies, `${replies} replies`);
    return this.received.slice(before);
  }
}
