import zh from '../../locales/zh-CN/console.json';
import en from '../../locales/en/console.json';

export type Lang = 'zh-CN' | 'en';
const texts: Record<Lang, Record<string, unknown>> = { 'zh-CN': zh, en };

/** The console's words come from locales/ like every text a person reads; zh-CN first. */
export function translate(lang: Lang) {
  return (key: string, params: Record<string, string | number> = {}): string => {
    const found = key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), texts[lang]);
    const text = typeof found === 'string' ? found : key;
    return text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(params[k] ?? ''));
  };
}

export type T = ReturnType<typeof translate>;
