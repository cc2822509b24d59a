import { useQueries, useQuery } from '@tanstack/react-query';
import { Cascader } from 'antd';
import { useState } from 'react';
import { client, need } from './api';
import { Session } from './session';

interface RegionOption {
  value: string;
  label: string;
  isLeaf: boolean;
  children?: RegionOption[];
}

/** Region codes grow by level: 2 (province), 4, 6 (county), 9 (township), 12 (village). */
const LENGTHS = [2, 4, 6, 9, 12];

/** Shows a region by its name (asked once per code and language, kept for the session), with the code for those who file by it. */
export function RegionName({ code }: { code: string }) {
  const { lang } = Session.use();
  const region = useQuery({
    queryKey: ['region', code, lang],
    queryFn: () => need(client(lang).GET('/api/v1/regions/{code}', { params: { path: { code } } })),
    staleTime: Infinity,
  });
  return <span title={code}>{region.data?.name ?? code}</span>;
}

/**
 * Picks a region of the user's own area by name, level by level (township, then village), as a form field
 * holding the code. Any level may be chosen; the API says when a record needs a finer one. As a list's filter
 * (with `ariaLabel`), choosing the user's own region again clears it.
 */
export function RegionPicker({ value, onChange, id, ariaLabel }: { value?: string; onChange?: (code: string) => void; id?: string; ariaLabel?: string }) {
  const { me, lang, t } = Session.use();
  const root = me!.regionCode;
  // The path from the user's region down to the chosen one, with the next level open to pick from.
  const path = value && value.startsWith(root) ? [root, ...LENGTHS.filter((n) => n > root.length && n <= value.length).map((n) => value.slice(0, n))] : [root];
  // The levels opened by hand in the menu, besides those on the path.
  const [opened, setOpened] = useState<string[]>([]);
  const parents = [...new Set([...path, ...opened])].filter((code) => code.length < 12);
  // The children of each region asked so far; the tree is drawn from them, so no answer overwrites another.
  // A busy service (503) is asked again by the data layer, so the open menu fills in by itself.
  const answers = useQueries({
    queries: parents.map((parent) => ({
      queryKey: ['regions', parent, lang],
      queryFn: () => need(client(lang).GET('/api/v1/regions', { params: { query: { parent } } })),
      staleTime: Infinity,
    })),
  });
  const kids: Record<string, RegionOption[]> = {};
  parents.forEach((parent, i) => {
    const r = answers[i]?.data;
    if (r) kids[parent] = r.items.map((c) => ({ value: c.code, label: c.name, isLeaf: c.level >= 5 || c.code.length >= 12 }));
  });
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
        const target = selected[selected.length - 1];
        if (target && typeof target.value === 'string' && !kids[target.value]) setOpened((o) => [...o, String(target.value)]);
      }}
      onChange={(v) => {
        const codes = (v ?? []).map(String);
        onChange?.(codes[codes.length - 1] ?? root);
      }}
    />
  );
}
