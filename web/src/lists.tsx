import { SettingOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Popover, Space, Typography } from 'antd';
import type { ColumnType } from 'antd/es/table';
import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Session } from './session';

/**
 * A list's filters live in the address (?region=…&employed=true&page=2), so a reload, the back button or a link
 * sent to a colleague shows the same list. Empty values leave the address; any change but the page's goes back to page 1.
 */
export function useUrlFilters<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  // Object.fromEntries cannot say its keys are K; every key of `keys` is there, so the record is whole.
  const values = useMemo(() => Object.fromEntries(keys.map((k) => [k, params.get(k) ?? undefined])) as Record<K, string | undefined>, [params, keys]);
  const page = Math.max(1, Number(params.get('page')) || 1);
  const set = useCallback(
    (patch: Partial<Record<K | 'page', string | number | boolean | undefined | null>>) => {
      setParams(
        (old) => {
          const next = new URLSearchParams(old);
          for (const [k, v] of Object.entries(patch)) {
            if (v === undefined || v === null || v === '' || v === false) next.delete(k);
            else next.set(k, String(v));
          }
          if (!('page' in patch)) next.delete('page');
          if (next.get('page') === '1') next.delete('page');
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return { values, page, set };
}

/** A column a person may hide: its key is what is remembered. */
export type ListColumn<T> = ColumnType<T> & { key: string; title: string };

/**
 * Which columns of a list a person shows, remembered in this browser per account (localStorage): a station clerk
 * on a small screen hides what they do not need once. A column that must stay (the name) is marked `fixedShown`.
 */
export function useColumnSettings<T>(list: string, columns: ListColumn<T>[], fixedShown: string[] = []) {
  const { me, t } = Session.use();
  const storeKey = `bangfu.console.columns.${me?.username ?? ''}.${list}`;
  const [hidden, setHidden] = useState<string[]>(() => {
    try {
      const saved = JSON.parse(localStorage.getItem(storeKey) ?? '[]') as unknown;
      return Array.isArray(saved) ? saved.filter((k): k is string => typeof k === 'string') : [];
    } catch {
      return [];
    }
  });
  const toggle = (key: string, show: boolean) => {
    const next = show ? hidden.filter((k) => k !== key) : [...new Set([...hidden, key])];
    setHidden(next);
    localStorage.setItem(storeKey, JSON.stringify(next));
  };
  const shown = columns.filter((c) => fixedShown.includes(c.key) || !hidden.includes(c.key));
  const control = (
    <Popover
      trigger="click"
      title={t('lists.columns')}
      content={
        <Space orientation="vertical" data-testid={`columns-${list}`}>
          {columns.map((c) => (
            <Checkbox key={c.key} checked={!hidden.includes(c.key)} disabled={fixedShown.includes(c.key)} onChange={(e) => toggle(c.key, e.target.checked)}>
              {c.title}
            </Checkbox>
          ))}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('lists.columns_kept')}</Typography.Text>
        </Space>
      }
    >
      <Button icon={<SettingOutlined />} aria-label={t('lists.columns')}>
        {t('lists.columns')}
      </Button>
    </Popover>
  );
  return { shown, control };
}

/** A CSV of what the list shows (its current filter), with a BOM so Excel in China opens it as UTF-8. */
export function saveCsv(name: string, header: string[], rows: Array<Array<string | number | null | undefined>>): void {
  const cell = (v: string | number | null | undefined) => {
    const s = v === null || v === undefined ? '' : String(v);
    // A cell that begins like a formula is kept as text (CSV injection).
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const text = `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

/** The most rows a list's CSV holds (50 pages of 200); more are left out with a note saying how many. */
export const CSV_ROWS = 10_000;

/**
 * Saves every page of a list's current filter as CSV (for lists the API has no export of): the pages asked one
 * after another, a failure said as the API words it, and a note when the filter holds more than CSV_ROWS.
 */
export function useCsvExport() {
  const { t } = Session.use();
  const { message } = App.useApp();
  return async <T,>(name: string, header: string[], page: (p: number, size: number) => Promise<{ items: T[]; total: number }>, row: (item: T) => Array<string | number | null | undefined>) => {
    const rows: T[] = [];
    let total = 0;
    try {
      for (let p = 1; rows.length < CSV_ROWS; p++) {
        const got = await page(p, 200);
        total = got.total;
        rows.push(...got.items);
        if (rows.length >= got.total || got.items.length === 0) break;
      }
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
      return;
    }
    saveCsv(name, header, rows.slice(0, CSV_ROWS).map(row));
    if (total > CSV_ROWS) void message.warning(t('lists.csv_cut', { n: CSV_ROWS, total }));
  };
}
