import { readLocaleFiles } from '../../src/i18n';

/** Keys with their plural forms folded into one: Chinese has only `_other`, English `_one` and `_other`. */
function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  const all = Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k.replace(/_(zero|one|two|few|many|other)$/, '')}`],
  );
  return [...new Set(all)];
}

describe('locales', () => {
  const resources = readLocaleFiles();

  it('has the same namespaces in zh-CN and en', () => {
    expect(Object.keys(resources.en!).sort()).toEqual(Object.keys(resources['zh-CN']!).sort());
  });

  it.each(Object.keys(readLocaleFiles()['zh-CN']!))('namespace %s has the same keys in both languages', (ns) => {
    const zh = keys(resources['zh-CN']![ns]!).sort();
    const en = keys(resources.en![ns]!).sort();
    expect({ onlyInZh: zh.filter((k) => !en.includes(k)), onlyInEn: en.filter((k) => !zh.includes(k)) }).toEqual({ onlyInZh: [], onlyInEn: [] });
  });

  it('uses the same interpolation variables in both languages', () => {
    for (const ns of Object.keys(resources['zh-CN']!)) {
      const zh = resources['zh-CN']![ns]!;
      const en = resources.en![ns]!;
      for (const key of keys(zh)) {
        const get = (o: Record<string, unknown>) => key.split('.').reduce<unknown>((a, k) => (a as Record<string, unknown>)?.[k], o);
        const vars = (s: unknown) => [...String(s).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
        expect([`${ns}:${key}`, vars(get(en))]).toEqual([`${ns}:${key}`, vars(get(zh))]);
      }
    }
  });
});
