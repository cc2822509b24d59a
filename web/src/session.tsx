import { createContext, useContext } from 'react';
import type { Lang, T } from './i18n';

export interface Me {
  id: string;
  username: string;
  displayName: string;
  role: 'station' | 'county' | 'prefecture' | 'province' | 'system';
  regionCode: string;
  regionName: string | null;
  stationId: string | null;
}

const context = createContext<{ me: Me | null; lang: Lang; t: T } | null>(null);

export const Session = {
  Provider: context.Provider,
  use() {
    const s = useContext(context);
    if (!s) throw new Error('outside the session');
    return s;
  },
};
