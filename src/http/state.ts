import type { TFunction } from 'i18next';
import type { Locale } from '../i18n';
import type { Actor } from '../shared/actor';

/** A worker signed in from the mini-program: their session, openid, and the person once bound. */
export interface WorkerPrincipal {
  sessionId: string;
  openid: string;
  unionid: string | null;
  workerId: string | null;
}

/** What every request carries through the middleware chain. */
export interface RequestState {
  requestId: string;
  locale: Locale;
  t: TFunction;
  actor?: Actor;
  me?: WorkerPrincipal;
}
