import { Cascader } from 'antd';
import { useEffect, useRef, useState } from 'react';
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

/** A region's name, asked once per code and page load (people read names, not 12-digit codes); a failure is asked again next time. */
function regionName(code: string, lang: Lang): Promise<string> {
  if (!names.has(code)) {
    names.set(
      code,
      need(client(lang).GET('/api/v1/regions/{code}', { params: { path: { code } } }))
        .then((r) => r.name)
        .catch(() => {
          names.delete(code);
          return code;
        }),
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
 * holding the code. Any level may be chosen; the API says when a record needs a finer one. As a list's filter
 * (with `ariaLabel`), choosing the user's own region again clears it.
 */
export function RegionPicker({ value, onChange, id, ariaLabel }: { value?: string; onChange?: (code: string) => void; id?: string; ariaLabel?: string }) {
  const { me, lang, t } = Session.use();
  const root = me!.regionCode;
  // The children of each region asked so far; the tree is drawn from them, so no answer overwrites another.
  const [kids, setKids] = useState<Record<string, RegionOption[]>>({});
  const asking = useRef(new Set<string>());
  const ask = async (parent: string, attempt = 1): Promise<void> => {
    if (asking.current.has(parent)) return;
    asking.current.add(parent);
    let failed = false;
    try {
      const r = await need(client(lang).GET('/api/v1/regions', { params: { query: { parent } } }));
      const found = r.items.map((c) => ({ value: c.code, label: c.name, isLeaf: c.level >= 5 || c.code.length >= 12 }));
      setKids((known) => ({ ...known, [parent]: found }));
    } catch {
      failed = true;
    } finally {
      asking.current.delete(parent);
    }
    // A busy service (503) or a dropped connection: asked again shortly, so the open menu fills in by itself.
    if (failed && attempt < 4) setTimeout(() => void ask(parent, attempt + 1), 1000 * attempt);
  };
  // The path from the user's region down to the chosen one, with the next level open to pick from.
  const path = value && value.startsWith(root) ? [root, ...LENGTHS.filter((n) => n > root.length && n <= value.length).map((n) => value.slice(0, n))] : [root];
  useEffect(() => {
    for (const code of path) if (code.length < 12 && !kids[code]) void ask(code);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, lang]);
  const tree = (code: string, label: string): RegionOption => {
    const isLeaf = code.length >= 12 || (kids[code] !== undefined && kids[code]!.length === 0);
    return { value: code, label, isLeaf, ...(kids[code]?.length ? { children: kids[code]!.map((c) => (c.isLeaf ? c : tree(c.value, c.label))) } : {}) };
  };
  return (
    <Cascader
      id={id}
      aria-label={ariaLabel}
      options={[tree(root, me!.regionName ?? root)]}
      value={path}
      changeOnSelect
      placeholder={t('regions.pick')}
      style={{ minWidth: 260 }}
      loadData={(selected) => {
        const target = selected[selected.length - 1] as RegionOption;
        if (!kids[target.value]) void ask(target.value);
      }}
      onChange={(v) => {
        const codes = (v ?? []) as string[];
        onChange?.(codes[codes.length - 1] ?? root);
      }}
    />
  );
}
