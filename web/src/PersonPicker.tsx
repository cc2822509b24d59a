import { Select } from 'antd';
import { useEffect, useState } from 'react';
import { client, need } from './api';
import { Session } from './session';

/** Finds a registered person of the region by name, ID or phone, as a form field holding their id. */
export function PersonPicker({ value, onChange, id }: { value?: string; onChange?: (v: string) => void; id?: string }) {
  const { lang, t } = Session.use();
  const [q, setQ] = useState('');
  const [options, setOptions] = useState<Array<{ value: string; label: string }>>([]);
  useEffect(() => {
    if (q.trim().length < 1) return;
    const timer = setTimeout(() => {
      need(client(lang).GET('/api/v1/workers', { params: { query: { q: q.trim(), pageSize: 20 } } }))
        .then((r) => setOptions((r as { items: Array<{ id: string; name: string; idNumber: string }> }).items.map((w) => ({ value: w.id, label: `${w.name}（${w.idNumber}）` }))))
        .catch(() => setOptions([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [q, lang]);
  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={onChange}
      placeholder={t('workers.search')}
      notFoundContent={q ? t('workers.none') : null}
      options={options}
      style={{ maxWidth: 360 }}
    />
  );
}
