import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALES_DIR = resolve(__dirname, '..', 'locales');

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** Reads locales/<lang>/<namespace>.json into i18next's resource shape. */
export function readLocaleFiles(dir = LOCALES_DIR): Resources {
  const resources: Resources = {};
  for (const lng of LOCALES) {
    resources[lng] = {};
    for (const file of readdirSync(join(dir, lng)).filter((f) => f.endsWith('.json'))) {
      resources[lng][basename(file, '.json')] = JSON.parse(readFileSync(join(dir, lng, file), 'utf8')) as Record<string, unknown>;
    }
  }
  return resources;
}

let instance: i18n | undefined;

/** The shared i18next instance, initialised synchronously on first use. */
export function getI18n(): i18n {
  if (instance) return instance;
  const resources = readLocaleFiles();
  const created = i18next.createInstance();
  void created.init({
    resources,
    lng: 'zh-CN',
    fallbackLng: 'zh-CN',
    supportedLngs: [...LOCALES],
    ns: Object.keys(resources['zh-CN'] ?? {}),
    defaultNS: 'common',
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  instance = created;
  return created;
}

export function translator(locale: Locale): TFunction {
  return getI18n().getFixedT(locale);
}

/** Picks zh-CN or en from an Accept-Language header, honouring q-values. */
export function negotiateLocale(header: string | undefined, fallback: Locale): Locale {
  if (!header) return fallback;
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, i };
    })
    .filter((r) => r.tag && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return fallback;
}
