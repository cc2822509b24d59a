import { createContext, useContext } from 'react';
import type { Lang, T } from './i18n';
import type { Body } from './vocab';

/** The signed-in member of staff, as the API describes an account. */
export type Me = Body<'Account'>;

const context = createContext<{ me: Me | null; lang: Lang; t: T } | null>(null);

export const Session = {
  Provider: context.Provider,
  use() {
    const s = useContext(context);
    if (!s) throw new Error('outside the session');
    return s;
  },
};
