import type { TFunction } from 'i18next';
import type { AppContext } from '../../src/context';
import type { Worker } from '../../src/registry';
import type { Locale } from '../../src/i18n';
import type { IntentId } from '../parse';
import type { Place } from '../places';
import type { Slots } from '../understand';

/** A post, a course or a fair shown in a numbered list. */
export type Item = { type: 'vacancy' | 'training' | 'fair'; id: string; title: string };

/** Where a conversation stands, kept in Redis so a restart of the bot loses nothing. */
export interface Session {
  /** The language asked for by someone not (yet) bound; a bound person's is kept in the register. */
  lang?: Locale;
  state?: 'bind' | 'consent' | 'list' | 'detail' | 'subscribe' | 'wage' | 'rd_employer' | 'rd_income';
  /** What a Rain Dew graduate has said so far about their new job. */
  employer?: string;
  items?: Item[];
  current?: number;
  /** When the list in `items` was shown (a live fair's message after it takes precedence for 报名 N). */
  listedAt?: string;
  /** The guesses asked about when a message was unclear, and what it said besides (a number picks one). */
  guess?: { intents: IntentId[]; slots: Slots };
  /** The last messages, masked, handed to staff with a request for a person. */
  history: Array<{ at: string; text: string }>;
  /** The place someone not yet bound last named ("南沙镇有活吗"): later searches look there. */
  area?: Place;
  /** Where someone not yet bound said they are (a shared location), for gigs nearby; kept with the conversation only. */
  near?: { lat: number; lng: number };
}

/** What every turn works with: the services, where the conversation stands, and the person's language. */
export interface Turn {
  ctx: AppContext;
  s: Session;
  t: TFunction;
}

/** A turn for a person whose WeChat is bound. */
export interface ForWorker extends Turn {
  worker: Worker;
}

/** The door a message came through. */
export type DoorKind = 'wechat_contact' | 'oa_openid';
