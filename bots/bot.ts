import { EventEmitter } from 'node:events';
import { log as wechatyLog, types, WechatyBuilder, type Message, type Wechaty } from 'wechaty';
import type { mock } from 'wechaty-puppet-mock';
import type { AppContext } from '../src/context';
import { translator, type Locale } from '../src/i18n';
import { Conversation, MAX_INBOUND_CHARS, type Incoming } from './conversation';
import { contactsOfAccount, holdChannel, ensureDefaultAccount, goOffline, goOnline, poolChannel, setAccountStatus, type LiveAccount, type SendingAccount } from '../src/outreach';
import { liveAccount } from './chat-channel';
import { choosePuppet } from './puppet';

/** One incoming message dealt with: its replies, if any, are sent. Ids only, never the text. */
export interface Handled {
  talkerId: string;
  roomId: string | undefined;
  /** Messages sent in answer (0: not answered, as its own message or one in a group that did not mention it). */
  replies: number;
}

export interface Bot {
  /** The sending account this bot drives. */
  account: SendingAccount;
  /** `handled` once each incoming message is dealt with, so a caller can tell "not answered" from "not yet". */
  events: EventEmitter<{ handled: [Handled] }>;
  wechaty: Wechaty;
  conversation: Conversation;
  /** With the mock puppet: the mocker and the bot's own mock account. */
  mocker?: mock.Mocker;
  self?: mock.ContactMock;
  stop(): Promise<void>;
}


async function toIncoming(msg: Message, accountId: string): Promise<Incoming> {
  const senderId = msg.talker().id;
  if (msg.type() === types.Message.Text) return { kind: 'text', text: msg.text(), senderId, accountId };
  if (msg.type() === types.Message.Location) {
    const loc = await msg.toLocation().catch(() => undefined);
    const lat = loc?.latitude();
    const lng = loc?.longitude();
    if (lat !== undefined && lng !== undefined && Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
      return { kind: 'location', text: '', senderId, accountId, location: { lat, lng } };
    }
  }
  if (msg.type() === types.Message.Audio) return { kind: 'voice', text: '', senderId, accountId };
  return { kind: 'other', text: '', senderId, accountId };
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

/** How long a start waits for the login (or a code to scan) before it counts as over without one. */
const LOGIN_WAIT_MS = 15_000;

/** Words in a puppet's error that mean WeChat has limited the account (风控), not a passing fault. */
const BLOCKED = /blocked|banned|too frequent|封号|封禁|限制登录|风控|操作频繁/i;

/**
 * Runs one sending account (the default one, from WECHATY_PUPPET and BOT_NAME, unless another is given):
 * it answers what people write to it and, while logged in, sends for the pool. Logging out or being
 * blocked takes it out of the pool at once and tells the station's staff.
 */
export async function startBot(ctx: AppContext, opts: { account?: SendingAccount; lease?: LiveAccount['lease'] } = {}): Promise<Bot> {
  wechatyLog.level('silent');
  const account = opts.account ?? (await ensureDefaultAccount(ctx));
  const choice = choosePuppet(ctx.config, account.name === ctx.config.bot.name ? undefined : { puppet: account.puppet, token: account.puppetTokenEnc ? ctx.pii.decrypt(account.puppetTokenEnc) : undefined, name: account.name });
  const wechaty = WechatyBuilder.build(choice.options);
  const conversation = new Conversation(ctx, { regionCode: account.regionCode });
  const locale: Locale = ctx.config.locale.default;
  const queue = new PerSender();

  wechaty.on('scan', (qrcode, status) => {
    // A real account must be logged in by scanning this code with the WeChat app.
    ctx.logger.info({ status, qrcodeUrl: `https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}` }, 'bot waiting for scan');
  });
  // The pool is this process's WeChat chat channel, whichever accounts are logged in.
  holdChannel(poolChannel(ctx));
  wechaty.on('login', (user) => {
    goOnline(liveAccount(account.id, wechaty, opts.lease));
    ctx.logger.info({ bot: user.id, account: account.id }, 'bot logged in');
    void setAccountStatus(ctx, account.id, 'online', null).catch((err: unknown) => ctx.logger.warn({ err: (err as Error).message }, 'account status not saved'));
  });
  wechaty.on('logout', (_user, reason) => {
    goOffline(account.id);
    void setAccountStatus(ctx, account.id, 'offline', `logged_out${reason ? `: ${String(reason).slice(0, 100)}` : ''}`).catch((err: unknown) => ctx.logger.warn({ err: (err as Error).message }, 'account status not saved'));
  });
  wechaty.on('error', (err) => {
    const message = (err as Error).message ?? String(err);
    ctx.logger.warn({ err: message, account: account.id }, 'bot error');
    if (BLOCKED.test(message)) {
      goOffline(account.id);
      void setAccountStatus(ctx, account.id, 'blocked', message.slice(0, 200)).catch(() => undefined);
    }
  });

  const events = new EventEmitter<{ handled: [Handled] }>();
  wechaty.on('message', async (msg: Message) => {
    let room: ReturnType<Message['room']>;
    let senderId: string;
    try {
      room = msg.room();
      senderId = msg.talker().id;
    } catch (err) {
      // A message the puppet gave without its sender (or room) cannot be answered: noted, never thrown.
      ctx.logger.warn({ err: (err as Error).message, account: account.id }, 'message without a sender');
      return;
    }
    const done = (replies: number) => events.emit('handled', { talkerId: senderId, roomId: room?.id, replies });
    if (msg.self()) return void done(0);
    await queue.run(senderId, async () => {
      let sent = 0;
      try {
        if (room && !(await msg.mentionSelf())) return;
        const incoming = await toIncoming(msg, account.id);
        const replies =
          incoming.kind === 'text' && incoming.text.length > MAX_INBOUND_CHARS
            ? [translator(locale)('bot:too_long')]
            : await conversation.respond({ ...incoming, text: room ? await msg.mentionText() : incoming.text });
        for (const reply of replies) {
          // Answers too go out only under the account's lease.
          await opts.lease?.fence();
          await (room ?? msg.talker()).say(reply);
          sent++;
        }
      } catch (err) {
        // One bad message must never stop the bot for everybody else; the person hears that it failed.
        ctx.logger.warn({ err: (err as Error).message }, 'bot message handling failed');
        const apology = async () => {
          await opts.lease?.fence();
          await (room ?? msg.talker()).say(translator(locale)('bot:error'));
        };
        if (await apology().then(() => true, () => false)) sent++;
      } finally {
        // Ids only: which account answered which message, and with how many messages.
        if (!room || sent) ctx.logger.info({ account: account.id, messageId: msg.id, replies: sent }, 'chat message answered');
        done(sent);
      }
    });
  });

  // Started means logged in, or waiting for someone to scan (or, failing either, a while after the start):
  // until then what only this account reaches waits for it instead of going by the next channel (fleet.ts).
  const settled = new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, LOGIN_WAIT_MS);
    timer.unref();
    wechaty.once('login', done);
    wechaty.once('scan', done);
  });
  // Ready to read messages before any can arrive.
  await conversation.ready();
  await wechaty.start();
  let self: mock.ContactMock | undefined;
  if (choice.mocker) {
    // The simulated WeChat keeps the account's contacts, as a real account does: a process that takes the
    // account over (or a restart) finds the people bound to it.
    const isDefault = account.name === ctx.config.bot.name;
    for (const value of await contactsOfAccount(ctx.db, account.id, isDefault)) choice.mocker.createContact({ id: value, name: value });
    self = choice.mocker.createContact({ name: ctx.config.bot.name });
    choice.mocker.login(self);
  }
  await settled;

  let stopping: Promise<void> | undefined;
  return {
    account,
    events,
    wechaty,
    conversation,
    mocker: choice.mocker,
    self,
    stop: () => {
      goOffline(account.id);
      stopping ??= (async () => {
        // Stopping the process is not an incident: the account is recorded offline without an alert.
        await setAccountStatus(ctx, account.id, 'offline', 'stopped', { alert: false }).catch(() => undefined);
        await wechaty.stop().catch((err: unknown) => ctx.logger.warn({ err: (err as Error).message }, 'bot stop failed'));
      })();
      return stopping;
    },
  };
}
