import { log as wechatyLog, types, WechatyBuilder, type Message, type Wechaty } from 'wechaty';
import type { mock } from 'wechaty-puppet-mock';
import type { AppContext } from '../src/context';
import { translator, type Locale } from '../src/i18n';
import { Conversation, type Incoming } from './conversation';
import { holdChannel, releaseChannel } from '../src/outreach/registry';
import { chatChannel } from './chat-channel';
import { choosePuppet } from './puppet';

export interface Bot {
  wechaty: Wechaty;
  conversation: Conversation;
  /** With the mock puppet: the mocker and the bot's own mock account. */
  mocker?: mock.Mocker;
  self?: mock.ContactMock;
  stop(): Promise<void>;
}

/** Longest text the bot reads; anything longer is answered politely without being processed. */
export const MAX_INBOUND_CHARS = 500;

async function toIncoming(msg: Message): Promise<Incoming> {
  const senderId = msg.talker().id;
  if (msg.type() === types.Message.Text) return { kind: 'text', text: msg.text(), senderId };
  if (msg.type() === types.Message.Location) {
    const loc = await msg.toLocation().catch(() => undefined);
    const lat = loc?.latitude();
    const lng = loc?.longitude();
    if (lat !== undefined && lng !== undefined && Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
      return { kind: 'location', text: '', senderId, location: { lat, lng } };
    }
  }
  return { kind: 'other', text: '', senderId };
}

/**
 * Messages of one chat account are handled one after another, so the conversation's place is never
 * raced; different accounts run side by side, so a flood from one does not hold up the others.
 */
class PerSender {
  private readonly tails = new Map<string, Promise<void>>();
  run(sender: string, task: () => Promise<void>): Promise<void> {
    const next = (this.tails.get(sender) ?? Promise.resolve()).then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(sender, tail);
    void tail.then(() => {
      if (this.tails.get(sender) === tail) this.tails.delete(sender);
    });
    return next;
  }
}

export async function startBot(ctx: AppContext): Promise<Bot> {
  wechatyLog.level('silent');
  const choice = choosePuppet(ctx.config);
  const wechaty = WechatyBuilder.build(choice.options);
  const conversation = new Conversation(ctx);
  const locale: Locale = ctx.config.locale.default;
  const queue = new PerSender();

  wechaty.on('scan', (qrcode, status) => {
    // A real account must be logged in by scanning this code with the WeChat app.
    ctx.logger.info({ status, qrcodeUrl: `https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}` }, 'bot waiting for scan');
  });
  wechaty.on('login', (user) => {
    holdChannel(chatChannel(ctx, wechaty));
    ctx.logger.info({ bot: user.id }, 'bot logged in');
  });
  wechaty.on('logout', (user) => {
    releaseChannel('chat');
    ctx.logger.warn({ bot: user.id }, 'bot logged out');
  });
  wechaty.on('error', (err) => ctx.logger.warn({ err: (err as Error).message }, 'bot error'));

  wechaty.on('message', async (msg: Message) => {
    if (msg.self()) return;
    const room = msg.room();
    const senderId = msg.talker().id;
    await queue.run(senderId, async () => {
      try {
        if (room && !(await msg.mentionSelf())) return;
        const incoming = await toIncoming(msg);
        const replies =
          incoming.kind === 'text' && incoming.text.length > MAX_INBOUND_CHARS
            ? [translator(locale)('bot:too_long')]
            : await conversation.respond({ ...incoming, text: room ? await msg.mentionText() : incoming.text });
        for (const reply of replies) await (room ?? msg.talker()).say(reply);
      } catch (err) {
        // One bad message must never stop the bot for everybody else; the person hears that it failed.
        ctx.logger.warn({ err: (err as Error).message }, 'bot message handling failed');
        await (room ?? msg.talker()).say(translator(locale)('bot:error')).catch(() => undefined);
      }
    });
  });

  await wechaty.start();
  let self: mock.ContactMock | undefined;
  if (choice.mocker) {
    self = choice.mocker.createContact({ name: ctx.config.bot.name });
    choice.mocker.login(self);
  }

  let stopping: Promise<void> | undefined;
  return {
    wechaty,
    conversation,
    mocker: choice.mocker,
    self,
    stop: () => {
      releaseChannel('chat');
      stopping ??= wechaty.stop().catch((err: unknown) => ctx.logger.warn({ err: (err as Error).message }, 'bot stop failed'));
      return stopping;
    },
  };
}
