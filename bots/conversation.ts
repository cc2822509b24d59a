import { createHash, randomUUID } from 'node:crypto';
import type { TFunction } from 'i18next';
import type { AppContext } from '../src/context';
import { LOCALES, translator, type Locale } from '../src/i18n';
import { latestDigest, reportWages } from '../src/market';
import { noteReply, workerForContact } from '../src/outreach';
import { setPreferredLanguage, type Worker } from '../src/registry';
import { maskNumbers, requestHelp, setHome } from '../src/chat';
import { staffTurn } from './staff-chat';
import { liveFairFor } from '../src/fairs';
import { parse, WORDS, type Parsed } from './parse';
import { Places, type Place } from './places';
import { IntentRegistry } from './registry';
import { maskName, menu } from './turns/text';
import { apply, browse, detail, find } from './turns/market';
import { bind, consent } from './turns/binding';
import { policies, policiesForVisitor } from './turns/policies';
import { employerSaid, incomeSaid, openQuestion, statusSaid, wishSaid } from './turns/rain-dew';
import { mine, subscribe, topicsIn, unsubscribe } from './turns/subscriptions';
import { applyAtFair, cancelSignup, checkin, fairs } from './turns/fairs';
import { ask, decide } from './turns/reading';
import type { DoorKind, ForWorker, Session, Turn } from './turns/types';
import { prepareUnderstanding, pureSmallTalk, SMALL_TALK, type SmallTalk, type Slots } from './understand';

/** What the engine needs to know about an incoming chat message, whatever the door it came through. */
export interface Incoming {
  /** A voice message is never listened to: the person is told that typing works, and staff are asked to call. */
  kind: 'text' | 'location' | 'voice' | 'other';
  text: string;
  /** A stable id of the sender on this door (never shown, never logged). */
  senderId: string;
  /** The sending account the message came to (a binding records that this account reaches the person). */
  accountId?: string;
  /** The door: a WeChat contact of a sending account (default), or a follower of the official account. */
  door?: 'wechat_contact' | 'oa_openid';
  location?: { lat: number; lng: number };
}

export { menu } from './turns/text';

/** Longest text the bot reads; anything longer is answered politely without being processed. */
export const MAX_INBOUND_CHARS = 500;

/** One more message in this chat account's minute; the first of a minute starts it (KEYS[1]: its count). */
const COUNT_IN_MINUTE = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], 60) end return n";

/** A conversation left alone this long starts again from the menu. */
export const SESSION_MINUTES = 30;
/** Messages one chat account may send in a minute before the bot stops reading them for a while. */
export const INBOUND_PER_MINUTE = 30;

/**
 * The questions of ours that wait for a free-text answer, and the line that asks each again (none where
 * the question is longer than a line). Small talk meanwhile is answered as such and never taken as the answer.
 */
const PENDING: Partial<Record<NonNullable<Session['state']>, string | null>> = {
  wage: 'bot:wage.ask',
  rd_employer: 'bot:rain_dew.ask_employer',
  rd_income: 'bot:rain_dew.ask_income',
  subscribe: null,
  bind: null,
};

type WorkerIntent = 'jobs' | 'gigs' | 'training' | 'fairs' | 'checkin' | 'cancel_signup' | 'detail' | 'apply' | 'mine' | 'subscribe' | 'unsubscribe' | 'wage';
const WORKER_INTENTS: readonly WorkerIntent[] = ['jobs', 'gigs', 'training', 'fairs', 'checkin', 'cancel_signup', 'detail', 'apply', 'mine', 'subscribe', 'unsubscribe', 'wage'];
interface WorkerTurn extends ForWorker {
  p: Parsed;
  slots: Slots;
  /** A place the message names. */
  named: Place | undefined;
}

/**
 * The conversation engine: reads a message tolerantly, keeps the person's place in Redis, and answers
 * from the locales in the person's language. Everything it does goes through the same services as the
 * API, as the chat account (`wechat-bot`) acting for the person whose WeChat is bound.
 */
export class Conversation {
  /** The area whose open posts someone not yet bound is shown: the sending account's, or the deployment's. */
  private readonly regionCode: string;
  /** The counties and townships a message may name. */
  private readonly places: Places;

  constructor(
    private readonly ctx: AppContext,
    opts: { regionCode?: string } = {},
  ) {
    this.regionCode = opts.regionCode ?? ctx.config.regionRoot;
    this.places = new Places(ctx, ctx.config.regionRoot);
  }

  /**
   * Loads what reading messages needs (the lexicon with jieba's dictionary, the place names) before the first
   * message comes: loaded at a message instead, it holds up that message and every other one arriving meanwhile.
   */
  async ready(): Promise<void> {
    prepareUnderstanding();
    await Promise.all([this.places.prepare(), this.warm()]);
  }

  /**
   * Opens the database connections the first messages will need and runs once the reads every turn makes, for
   * no one: a bot just started otherwise opens a connection for each message of its first busy second, and the
   * people who wrote then waited several times as long as those after (measured: 150 to 900 ms against 9 ms).
   */
  private async warm(): Promise<void> {
    const connections = Math.min(this.ctx.database?.pool?.().max ?? 1, 8);
    const nobody = { kind: 'wechat_contact' as const, value: `warm-up:${randomUUID()}` };
    await Promise.all(
      Array.from({ length: connections }, () =>
        Promise.all([staffTurn(this.ctx, { kind: 'text', text: '', senderId: nobody.value }, undefined), workerForContact(this.ctx, nobody)]),
      ),
    ).catch(() => undefined);
    // The turns most people take, answered once for no one (reads only; the session and rate keys are removed).
    for (const text of ['帮助', '零工', '找工作', '培训', '政策', '我想找附近的零工', '我的']) {
      await this.respond({ kind: 'text', text, senderId: nobody.value }).catch(() => undefined);
    }
    await this.ctx.redis.kv.del(this.key('session', nobody.value), this.key('rate', nobody.value)).catch(() => undefined);
  }

  private key(kind: string, senderId: string): string {
    return `bot:${kind}:${createHash('sha256').update(senderId).digest('base64url')}`;
  }

  private async load(senderId: string): Promise<Session> {
    return this.sessionOf(await this.ctx.redis.kv.get(this.key('session', senderId)));
  }

  private sessionOf(raw: string | null): Session {
    try {
      return raw ? (JSON.parse(raw) as Session) : { history: [] };
    } catch {
      return { history: [] };
    }
  }

  private async save(senderId: string, s: Session): Promise<void> {
    await this.ctx.redis.kv.set(this.key('session', senderId), JSON.stringify(s), 'EX', SESSION_MINUTES * 60);
  }

  /**
   * Counts the message against this chat account's minute ('drop' when it has sent too much; the first message
   * over gets a polite word) and reads where its conversation stands, in one round trip to Redis.
   */
  private async admitAndLoad(senderId: string): Promise<{ admitted: 'ok' | 'warn' | 'drop'; session: Session }> {
    const key = this.key('rate', senderId);
    // The minute starts with the account's first message. Counted and given its expiry in one script: as separate
    // commands, a count that expired between two of them could come back without an expiry and never reset.
    const replies = await this.ctx.redis.kv.pipeline().eval(COUNT_IN_MINUTE, 1, key).get(this.key('session', senderId)).exec();
    const failed = replies?.find(([err]) => err)?.[0];
    if (!replies || failed) throw failed ?? new Error('Redis gave no answer');
    const n = Number(replies[0]![1]);
    return { admitted: n <= INBOUND_PER_MINUTE ? 'ok' : n === INBOUND_PER_MINUTE + 1 ? 'warn' : 'drop', session: this.sessionOf(replies[1]![1] as string | null) };
  }

  /**
   * Where someone is, reported by WeChat without a message (the official account's LOCATION event, when the
   * person allowed it): for someone not yet bound it serves this conversation's searches for gigs nearby.
   * Nothing is answered (WeChat allows no reply to it), and a bound person's home is not changed by it.
   */
  async noteWhereabouts(senderId: string, door: 'wechat_contact' | 'oa_openid', location: { lat: number; lng: number }): Promise<void> {
    if (Math.abs(location.lat) > 90 || Math.abs(location.lng) > 180) return;
    if (await workerForContact(this.ctx, { kind: door, value: senderId })) return;
    const session = await this.load(senderId);
    session.near = { lat: location.lat, lng: location.lng };
    await this.save(senderId, session);
  }

  async respond(msg: Incoming): Promise<string[]> {
    const fallback = translator(this.ctx.config.locale.default);
    const { admitted, session } = await this.admitAndLoad(msg.senderId);
    if (admitted === 'drop') return [];
    if (admitted === 'warn') return [fallback('bot:too_fast')];
    // Who is writing: asked at once, not one after another (each round trip waits its turn for the processor
    // when the machine is busy). A member of staff binding their own WeChat, or bound already, is never taken
    // for a registered person.
    const door = { kind: msg.door ?? ('wechat_contact' as const), value: msg.senderId };
    const [forStaff, worker] = await Promise.all([staffTurn(this.ctx, msg, undefined), workerForContact(this.ctx, door)]);
    if (forStaff) return forStaff;
    const lang = worker && (LOCALES as readonly string[]).includes(worker.preferredLanguage) ? (worker.preferredLanguage as Locale) : (session.lang ?? this.ctx.config.locale.default);
    const t = translator(lang);
    // A reply stops the person's follow-up sequences that wait for one; noted beside the answer, awaited before it goes.
    const noted = worker ? noteReply(this.ctx, worker.id) : Promise.resolve();
    noted.catch(() => undefined); // awaited below; a failure then fails the turn as before
    try {
      return await this.answer(msg, session, worker, t);
    } finally {
      await noted;
    }
  }

  private async answer(msg: Incoming, session: Session, worker: Worker | undefined, t: TFunction): Promise<string[]> {
    const door = { kind: msg.door ?? ('wechat_contact' as const), value: msg.senderId };

    if (msg.kind === 'voice') {
      session.history = [...session.history, { at: this.ctx.clock.now().toISOString(), text: t('bot:voice.note') }].slice(-8);
      await requestHelp({ ctx: this.ctx }, { workerId: worker?.id ?? null, regionCode: worker?.regionCode ?? null, contact: msg.senderId, context: session.history });
      await this.save(msg.senderId, session);
      return [t('bot:voice.reply')];
    }
    if (msg.kind === 'other') return [t('bot:non_text'), menu(t, Boolean(worker))];
    if (msg.kind === 'location' && msg.location) {
      if (!worker) {
        // Not bound: where the person is now serves this conversation's searches, and is not kept beyond it.
        session.near = msg.location;
        await this.save(msg.senderId, session);
        return [t('bot:location.noted')];
      }
      await setHome(this.ctx, worker.id, msg.location.lat, msg.location.lng);
      return [t('bot:location.saved')];
    }

    const p = parse(msg.text);
    if (p.intent === 'chinese' || p.intent === 'english') {
      const chosen: Locale = p.intent === 'english' ? 'en' : 'zh-CN';
      if (worker) await setPreferredLanguage(this.ctx.db, worker.id, chosen);
      else session.lang = chosen;
      t = translator(chosen);
      await this.save(msg.senderId, session);
      return [t('bot:language'), menu(t, Boolean(worker))];
    }
    // What a person typed is kept (masked) for staff, except what they sent to prove who they are.
    if (session.state !== 'bind') session.history = [...session.history, { at: this.ctx.clock.now().toISOString(), text: maskNumbers(msg.text).slice(0, 200) }].slice(-8);
    const replies = await this.step(p, session, worker, msg.senderId, t, msg.accountId, door.kind);
    await this.save(msg.senderId, session);
    return replies;
  }

  private async step(p: Parsed, s: Session, worker: Worker | undefined, senderId: string, t: TFunction, accountId?: string, doorKind: DoorKind = 'wechat_contact'): Promise<string[]> {
    const turn: Turn = { ctx: this.ctx, s, t };
    if (p.intent === 'help') {
      s.state = undefined;
      return [menu(t, Boolean(worker))];
    }
    // Replies that only make sense where the conversation stands. A message that is exactly a command
    // word ("人工", "退订") is the command; anything else is the answer to the question asked.
    const command = p.bareNumber || (p.intent !== undefined && p.intent !== 'detail' && p.intent !== 'apply' && WORDS[p.intent].includes(p.text));
    // "谢谢", "好的", "在吗" while a question of ours waits: answered as small talk, the question kept.
    const chat = command ? undefined : pureSmallTalk(p.text);
    const pending = s.state ? PENDING[s.state] : undefined;
    if (chat && pending !== undefined) {
      const again = pending && chat !== 'bye' && chat !== 'no' ? [t(pending)] : [];
      return [...(await this.talk.run(chat, { t })), ...again];
    }
    // A Rain Dew graduate answering the follow-up's question (1 working … 4 other), and the two questions after 1.
    if (worker && s.state === 'rd_employer' && !p.bareNumber) return employerSaid({ ...turn, worker }, p.text);
    if (worker && s.state === 'rd_income') return incomeSaid({ ...turn, worker }, p.text);
    const choice = p.bareNumber && p.n !== undefined && p.n >= 1 && p.n <= 4;
    // Not while another question of ours is waiting for its answer (binding, a wage case, the subscription menu).
    const free = !s.state || s.state === 'list' || s.state === 'detail';
    const question = worker && free && (choice || (!command && p.text.length >= 2)) ? await openQuestion({ ...turn, worker }) : undefined;
    // Before graduation the question is what work they want and where: the answer goes into their file.
    if (worker && question === 'before_90' && !command && !chat) return wishSaid({ ...turn, worker }, p.text);
    if (worker && question && question !== 'before_90' && choice) return statusSaid({ ...turn, worker }, p.n);
    if (s.state === 'bind' && (/\d{17}[\dx]|^\d{6}$/i.test(p.text) || !p.intent || p.bareNumber)) return bind({ ...turn, senderId, accountId, doorKind }, p.text);
    if (s.state === 'wage' && worker && !command && p.text.length >= 2) {
      s.state = undefined;
      await reportWages({ ctx: this.ctx }, worker, p.text);
      return [t('bot:wage.done')];
    }
    if (s.state === 'subscribe' && worker && p.intent !== 'unsubscribe' && (p.bareNumber || !p.intent || p.intent === 'subscribe' || topicsIn(p.text).length)) {
      return subscribe({ ...turn, worker }, p.text);
    }
    // 报名 N after a live fair's "on screen now" message: the post with that number at the fair.
    if (worker && p.intent === 'apply' && p.n !== undefined && worker.consent) {
      const live = await liveFairFor(this.ctx.db, worker.id, this.ctx.clock.now());
      if (live && (!s.listedAt || live.toldAt > new Date(s.listedAt))) return applyAtFair({ ...turn, worker }, live.fair.id, p.n);
    }
    // A number or 报名 N after the morning's digest: its posts, when it came after any list shown since.
    if (worker?.consent && (p.intent === 'apply' || p.bareNumber) && p.n !== undefined && free) {
      const digest = await latestDigest(this.ctx, worker.id);
      // 报名 N may answer a digest of the last three days; a bare number only this morning's (it may mean the menu).
      const recent = p.intent === 'apply' || (digest !== undefined && this.ctx.clock.now().getTime() - digest.sentAt.getTime() < 12 * 3600_000);
      if (digest && recent && (!s.listedAt || digest.sentAt > new Date(s.listedAt))) {
        s.items = digest.items.map((i) => ({ type: i.type, id: i.id, title: i.title }));
        s.listedAt = digest.sentAt.toISOString();
        s.state = 'list';
      }
    }
    if ((s.state === 'list' || s.state === 'detail') && p.bareNumber && p.n !== undefined && s.items && p.n >= 1 && p.n <= s.items.length) {
      return detail(turn, p.n);
    }
    if (s.state === 'detail' && p.intent === 'apply' && p.n === undefined && worker && s.current !== undefined) return apply({ ...turn, worker }, s.current + 1);

    const read = decide(p, s);
    s.guess = undefined;
    // A place named ("南沙镇有活吗", or only "南沙镇"): the search looks there.
    const named = !read.intent || read.intent === 'jobs' || read.intent === 'gigs' || read.intent === 'training' ? await this.places.named(p.text) : undefined;
    if (!read.intent && named && !read.guesses.length) read.intent = 'jobs';
    if (!read.intent) {
      if (read.guesses.length) return [ask(turn, read.guesses, read.slots)];
      return [t('bot:not_understood'), ask(turn, ['jobs', 'gigs', 'human'], {}, true)];
    }
    if (this.talk.has(read.intent)) return this.talk.run(read.intent, { t });
    p = { ...p, intent: read.intent };
    const slots = read.slots;
    if (!p.intent) return [t('bot:not_understood'), menu(t, Boolean(worker))];
    if (p.intent === 'bind') {
      s.state = 'bind';
      return [worker ? t('bot:bind.already', { name: maskName(worker.name) }) : t('bot:bind.ask')];
    }
    if (p.intent === 'agree' || p.intent === 'withdraw') {
      if (!worker) return [t('bot:need_bind')];
      return consent({ ...turn, worker }, p.intent === 'agree');
    }
    if (p.intent === 'policy') return worker ? policies({ ...turn, worker }) : policiesForVisitor(turn);
    if (p.intent === 'human') {
      const r = await requestHelp({ ctx: this.ctx }, { workerId: worker?.id ?? null, regionCode: worker?.regionCode ?? null, contact: senderId, context: s.history });
      return [t(r.existing ? 'bot:human.again' : 'bot:human.done')];
    }
    // Open posts are public notices: someone not yet bound sees those of this area, and binds to apply.
    if (!worker && (p.intent === 'jobs' || p.intent === 'gigs' || p.intent === 'training')) return browse({ ...turn, regionCode: this.regionCode }, p.intent, slots, named);
    if (!worker && p.intent === 'detail' && s.items?.length) return detail(turn, p.n ?? 1);
    if (!worker) return [t('bot:need_bind')];
    // Matching and messages use the person's data: they need the person's consent first.
    if (!worker.consent && ['jobs', 'gigs', 'training', 'detail', 'apply', 'subscribe'].includes(p.intent)) {
      s.state = 'consent';
      return [t('bot:consent.notice')];
    }
    if (!this.forWorker.has(p.intent)) return [t('bot:not_understood'), ask(turn, ['jobs', 'gigs', 'human'], {}, true)];
    return this.forWorker.run(p.intent, { ctx: this.ctx, p, s, worker, t, slots, named });
  }

  /** What a bound person who agreed may ask for, one handler each; each calls the services only. */
  private readonly forWorker = new IntentRegistry<WorkerIntent, WorkerTurn>(WORKER_INTENTS, {
    jobs: (turn) => find(turn, 'jobs', turn.slots, turn.named),
    gigs: (turn) => find(turn, 'gigs', turn.slots, turn.named),
    training: (turn) => find(turn, 'training', turn.slots, turn.named),
    fairs: (turn) => fairs(turn),
    checkin: (turn) => checkin(turn, turn.p.rest),
    cancel_signup: (turn) => cancelSignup(turn, turn.p.n),
    detail: (turn) => detail(turn, turn.p.n ?? 1),
    apply: (turn) => apply(turn, turn.p.n ?? (turn.s.current !== undefined ? turn.s.current + 1 : 1)),
    mine: async (turn) => {
      turn.s.state = undefined;
      return [await mine(turn)];
    },
    subscribe: async (turn) => {
      if (!turn.p.rest) {
        turn.s.state = 'subscribe';
        return [turn.t('bot:subscribe.ask')];
      }
      return subscribe(turn, turn.p.rest);
    },
    unsubscribe: (turn) => unsubscribe(turn, turn.p.rest),
    wage: async ({ s, t }) => {
      s.state = 'wage';
      return [t('bot:wage.ask')];
    },
  });

  /** Thanks, goodbye, ok, "在吗", greetings: one short line each, never the menu. */
  private readonly talk = new IntentRegistry<SmallTalk, { t: TFunction }>(SMALL_TALK, {
    thanks: async ({ t }) => [t('bot:small.thanks')],
    bye: async ({ t }) => [t('bot:small.bye')],
    ok: async ({ t }) => [t('bot:small.ok')],
    yes: async ({ t }) => [t('bot:small.ok')],
    no: async ({ t }) => [t('bot:small.no')],
    ping: async ({ t }) => [t('bot:small.ping')],
    greet: async ({ t }) => [t('bot:small.greet')],
  });

}

