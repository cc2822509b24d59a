import { log as wechatyLog, types, WechatyBuilder, type Message, type Wechaty } from 'wechaty';
import type { mock } from 'wechaty-puppet-mock';
import type { AppContext } from '../src/context';
import { translator, type Locale } from '../src/i18n';
import { createEngine, defaultIntents, type Engine, type Incoming } from './conversation';
import { holdChannel, releaseChannel } from '../src/outreach/registry';
import { chatChannel } from './chat-channel';
import { choosePuppet } from './puppet';

export interface Bot {
  wechaty: Wechaty;
  engine: Engine;
  /** With the mock puppet: the mocker and the bot's own mock account. */
  mocker?: mock.Mocker;
  self?: mock.ContactMock;
  stop(): Promise<void>;
}

/** Longest text the bot reads; anything longer is answered politely without being processed. */
export const MAX_INBOUND_CHARS = 500;

function toIncoming(msg: Message): Incoming {
  const kind = msg.type() === types.Message.Text ? 'text' : 'other';
  return { kind, text: kind === 'text' ? msg.text() : '', senderId: msg.talker().id };
}

export async function startBot(ctx: AppContext): Promise<Bot> {
  wechatyLog.level('silent');
  const choice = choosePuppet(ctx.config);
  const wechaty = WechatyBuilder.build(choice.options);
  const engine = createEngine(defaultIntents());
  const locale: Locale = ctx.config.locale.default;

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
    try {
      if (msg.self()) return;
      const room = msg.room();
      if (room && !(await msg.mentionSelf())) return;
      const t = translator(locale);
      const incoming = toIncoming(msg);
      const replies =
        incoming.kind === 'text' && incoming.text.length > MAX_INBOUND_CHARS
          ? [t('bot:too_long')]
          : await engine.respond(incoming, t);
      for (const reply of replies) {
        await (room ?? msg.talker()).say(reply);
      }
    } catch (err) {
      // One bad message must never stop the bot for everybody else.
      ctx.logger.warn({ err: (err as Error).message }, 'bot message handling failed');
    }
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
    engine,
    mocker: choice.mocker,
    self,
    stop: () => {
      releaseChannel('chat');
      stopping ??= wechaty.stop().catch((err: unknown) => ctx.logger.warn({ err: (err as Error).message }, 'bot stop failed'));
      return stopping;
    },
  };
}
