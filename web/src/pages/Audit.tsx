import { Alert, Input, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { beijingText, client, need } from '../api';
import { RegionName } from '../regions';
import { Session } from '../session';
import type { Body } from '../vocab';

type Entry = Body<'AuditEntry'>;

/** The audit log of the region (administrators): writes, sign-ins and unmasked reads, newest first. */
export function Audit() {
  const { lang, t } = Session.use();
  const [action, setAction] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Entry[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    need(client(lang).GET('/api/v1/audit', { params: { query: { page, pageSize: 50, ...(action ? { action } : {}) } } }))
      .then((r) => setData(r))
      .catch((e: Error) => setError(e.message));
  }, [lang, page, action]);
  return (
    <div>
      <Typography.Title level={3}>{t('audit.title')}</Typography.Title>
      <Space style={{ marginBottom: 12 }}>
        <Input.Search aria-label={t('audit.action')} placeholder={t('audit.action')} allowClear onSearch={(v) => { setPage(1); setAction(v.trim()); }} style={{ width: 260 }} />
      </Space>
      {error && <Alert type="error" title={error} />}
      <Table<Entry>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        loading={!data && !error}
        dataSource={data?.items ?? []}
        pagination={{ current: page, pageSize: 50, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('audit.at'), dataIndex: 'at', render: (v: string) => beijingText(v) },
          { title: t('audit.action'), dataIndex: 'action' },
          { title: t('audit.entity'), render: (_, e) => [e.entity, e.entityId].filter(Boolean).join(' ') },
          { title: t('audit.region'), dataIndex: 'regionCode', render: (c: string | null) => (c ? <RegionName code={c} /> : '—') },
          { title: 'IP', dataIndex: 'ip' },
        ]}
      />
    </div>
  );
}
