import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { client, need } from './api';
import { Session } from './session';

/** Finds registered people of the region by name, ID or phone, as a form field holding their id (or ids). */
export function PersonPicker<V extends string | string[] = string>({ value, onChange, id, multiple }: { value?: V; onChange?: (v: V) => void; id?: string; multiple?: boolean }) {
  const { lang, t } = Session.use();
  const [q, setQ] = useState('');
  // What is asked: the text typed, once the typing has paused a quarter of a second.
  const [asked, setAsked] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setAsked(q.trim()), 250);
    return () => clearTimeout(timer);
  }, [q]);
  // The answer to the latest search only (each search is its own query), the last one shown while the next comes.
  const search = useQuery({
    queryKey: ['workers', lang, { q: asked, pageSize: 20 }],
    queryFn: () => need(client(lang).GET('/api/v1/workers', { params: { query: { q: asked, pageSize: 20 } } })),
    enabled: asked.length > 0,
    placeholderData: keepPreviousData,
  });
  const found = asked && !search.error ? (search.data?.items ?? []).map((w) => ({ value: w.id, label: `${w.name}${t('punct.open')}${w.idNumber}${t('punct.close')}` })) : [];
  // Those chosen keep their names while the search moves on to others.
  const known = useRef(new Map<string, string>());
  for (const o of found) known.current.set(o.value, o.label);
  const chosen = (Array.isArray(value) ? value : value ? [value] : []).filter((v) => !found.some((o) => o.value === v)).map((v) => ({ value: v, label: known.current.get(v) ?? v }));
  return (
    <Select
      id={id}
      mode={multiple ? 'multiple' : undefined}
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={onChange}
      placeholder={t('workers.search')}
      notFoundContent={q ? t('workers.none') : null}
      options={[...chosen, ...found]}
      style={{ minWidth: 240, maxWidth: 480 }}
    />
  );
}
