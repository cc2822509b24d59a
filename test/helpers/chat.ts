import type { mock } from 'wechaty-puppet-mock';
import type { Bot } from '../../bots/bot';

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

  /** Sends text (or a file) and waits until the bot has answered, or `timeoutMs` passes. */
  async say(something: Parameters<mock.ContactMock['say']>[0], opts: { expect?: number; timeoutMs?: number } = {}): Promise<string[]> {
    const before = this.received.length;
    this.contact.say(something).to(this.bot.self!);
    const want = opts.expect ?? 1;
    const until = Date.now() + (opts.timeoutMs ?? 3000);
    while (this.received.length - before < want && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    // A little longer, to catch replies that come in several messages.
    await new Promise((r) => setTimeout(r, 30));
    return this.received.slice(before);
  }
}
