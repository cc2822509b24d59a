import { Select } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { client, need } from './api';
import { Session } from './session';

type Option = { value: string; label: string };

/** Finds registered people of the region by name, ID or phone, as a form field holding their id (or ids). */
export function PersonPicker<V extends string | string[] = string>({ value, onChange, id, multiple }: { value?: V; onChange?: (v: V) => void; id?: string; multiple?: boolean }) {
  const { lang, t } = Session.use();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Option[]>([]);
  // Those chosen keep their names while the search moves on to others.
  const known = useRef(new Map<string, string>());
  useEffect(() => {
    if (q.trim().length < 1) return;
    // An answer to an earlier search that comes late is not shown over the newer one.
    let live = true;
    const timer = setTimeout(() => {
      need(client(lang).GET('/api/v1/workers', { params: { query: { q: q.trim(), pageSize: 20 } } }))
        .then((r) => {
          if (!live) return;
          const options = r.items.map((w) => ({ value: w.id, label: `${w.name}${t('punct.open')}${w.idNumber}${t('punct.close')}` }));
          for (const o of options) known.current.set(o.value, o.label);
          setFound(options);
        })
        .catch(() => live && setFound([]));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, lang, t]);
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
