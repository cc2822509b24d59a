import { Alert, Button, Descriptions, Input, Select, Space, Table, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { client, need } from '../api';
import { Session } from '../session';

interface WorkerRow {
  id: string;
  name: string;
  sex: string;
  idNumber: string;
  phone: string | null;
  regionCode: string;
  employed: boolean;
  category: string;
  laborCapacity: string;
}

/** The register: search by name, ID or phone, filter by work; each row opens the person's page. */
export function Workers() {
  const { lang, t } = Session.use();
  const [q, setQ] = useState('');
  const [employed, setEmployed] = useState<'true' | 'false' | undefined>();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: WorkerRow[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    setError(null);
    need(client(lang).GET('/api/v1/workers', { params: { query: { ...(q ? { q } : {}), ...(employed ? { employed } : {}), page, pageSize: 20 } } }))
      .then((r) => setData(r as { items: WorkerRow[]; total: number }))
      .catch((e: Error) => setError(e.message));
  }, [lang, q, employed, page]);
  useEffect(load, [load]);
  return (
    <div>
      <Typography.Title level={3}>{t('workers.title')}</Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search aria-label={t('workers.search')} placeholder={t('workers.search')} allowClear onSearch={(v) => { setPage(1); setQ(v.trim()); }} style={{ width: 260 }} />
        <Select aria-label={t('workers.employed')} allowClear placeholder={t('workers.employed')} style={{ width: 140 }} value={employed} onChange={(v) => { setPage(1); setEmployed(v); }} options={[{ value: 'true', label: t('workers.yes') }, { value: 'false', label: t('workers.no') }]} />
      </Space>
      {error && <Alert type="error" title={error} />}
      <Table<WorkerRow>
        rowKey="id"
        size="middle"
        scroll={{ x: true }}
        loading={!data && !error}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('workers.none') }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('workers.name'), dataIndex: 'name', render: (v: string, r) => <Link to={`/workers/${r.id}`}>{v}</Link> },
          { title: t('workers.id_number'), dataIndex: 'idNumber' },
          { title: t('workers.phone'), dataIndex: 'phone' },
          { title: t('workers.employed'), dataIndex: 'employed', render: (v: boolean) => (v ? t('workers.yes') : t('workers.no')) },
        ]}
      />
    </div>
  );
}

/** One person, masked; "show" reveals the ID and phone numbers for a stated purpose (allowed accounts only, audited). */
export function WorkerPage() {
  const { id } = useParams();
  const { lang, t } = Session.use();
  const [w, setW] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [purpose, setPurpose] = useState('');
  const load = (reveal?: string) =>
    need(client(lang).GET('/api/v1/workers/{id}', { params: { path: { id: id! }, query: reveal ? { reveal: 'true', purpose: reveal } : {} } } as never))
      .then((r) => {
        setError(null);
        setW(r as Record<string, unknown>);
      })
      .catch((e: Error) => setError(e.message));
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, lang]);
  if (error && !w) return <Alert type="error" title={error} />;
  if (!w) return null;
  return (
    <div>
      <Typography.Title level={3}>{String(w.name)}</Typography.Title>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('workers.id_number')}>{String(w.idNumber)}</Descriptions.Item>
        <Descriptions.Item label={t('workers.phone')}>{String(w.phone ?? '—')}</Descriptions.Item>
        <Descriptions.Item label={t('workers.employed')}>{w.employed ? t('workers.yes') : t('workers.no')}</Descriptions.Item>
        <Descriptions.Item label={t('workers.region')}>{String(w.regionCode)}</Descriptions.Item>
      </Descriptions>
      <Space style={{ marginTop: 12 }} wrap>
        <Input aria-label={t('workers.purpose')} placeholder={t('workers.purpose')} value={purpose} onChange={(e) => setPurpose(e.target.value)} style={{ width: 260 }} />
        <Button disabled={purpose.trim().length < 2} onClick={() => load(purpose.trim())}>{t('workers.reveal')}</Button>
      </Space>
      {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
    </div>
  );
}
