import { Cascader } from 'antd';
import { useEffect, useState } from 'react';
import { client, need } from './api';
import type { Lang } from './i18n';
import { Session } from './session';

interface RegionOption {
  value: string;
  label: string;
  isLeaf: boolean;
  children?: RegionOption[];
}

/** Region codes grow by level: 2 (province), 4, 6 (county), 9 (township), 12 (village). */
const LENGTHS = [2, 4, 6, 9, 12];

const names = new Map<string, Promise<string>>();

/** A region's name, asked once per code and page load (people read names, not 12-digit codes). */
function regionName(code: string, lang: Lang): Promise<string> {
  if (!names.has(code)) {
    names.set(
      code,
      need(client(lang).GET('/api/v1/regions/{code}', { params: { path: { code } } }))
        .then((r) => r.name)
        .catch(() => code),
    );
  }
  return names.get(code)!;
}

/** Shows a region by its name, with the code for those who file by it. */
export function RegionName({ code }: { code: string }) {
  const { lang } = Session.use();
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void regionName(code, lang).then((n) => live && setName(n));
    return () => {
      live = false;
    };
  }, [code, lang]);
  return <span title={code}>{name ?? code}</span>;
}

/**
 * Picks a region of the user's own area by name, level by level (township, then village), as a form field
 * holding the code. Any level may be chosen; the API says when a record needs a finer one.
 */
export function RegionPicker({ value, onChange, id }: { value?: string; onChange?: (code: string) => void; id?: string }) {
  const { me, lang, t } = Session.use();
  const root = me!.regionCode;
  const [options, setOptions] = useState<RegionOption[]>([{ value: root, label: me!.regionName ?? root, isLeaf: root.length >= 12 }]);
  const children = async (parent: string): Promise<RegionOption[]> => {
    const r = await need(client(lang).GET('/api/v1/regions', { params: { query: { parent } } })).catch(() => ({ items: [] }));
    return r.items.map((c) => ({ value: c.code, label: c.name, isLeaf: c.level >= 5 || c.code.length >= 12 }));
  };
  // The path from the user's region down to the chosen one, loaded so the names show.
  const path = value && value.startsWith(root) ? [root, ...LENGTHS.filter((n) => n > root.length && n <= value.length).map((n) => value.slice(0, n))] : [root];
  useEffect(() => {
    let live = true;
    void (async () => {
      const next = structuredClone(options);
      let level = next;
      let changed = false;
      // Down to the chosen region's own children, so the next level is there to pick from.
      for (const code of path) {
        const node = level.find((o) => o.value === code);
        if (!node || node.isLeaf) break;
        if (!node.children) {
          node.children = await children(code);
          changed = true;
        }
        level = node.children;
      }
      if (live && changed) setOptions(next);
    })();
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, lang]);
  return (
    <Cascader
      id={id}
      options={options}
      value={path}
      changeOnSelect
      showSearch={false}
      placeholder={t('regions.pick')}
      style={{ minWidth: 260 }}
      loadData={async (selected) => {
        const target = selected[selected.length - 1] as RegionOption;
        target.children = await children(target.value);
        setOptions([...options]);
      }}
      onChange={(v) => {
        const codes = (v ?? []) as string[];
        onChange?.(codes[codes.length - 1] ?? root);
      }}
    />
  );
}
