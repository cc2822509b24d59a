import type { TFunction } from 'i18next';
import type { Locale } from '../i18n';
import type { Actor } from '../access/actor';
import type { WorkerPrincipal } from './api';

/** What every request carries through the middleware chain. */
export interface RequestState {
  requestId: string;
  locale: Locale;
  t: TFunction;
  actor?: Actor;
  me?: WorkerPrincipal;
}
