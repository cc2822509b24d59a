import { Alert, Card, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { client, need } from '../api';
import { Session } from '../session';

interface FileRow {
  workerId: string;
  name: string;
  school: string;
  major: string;
  status: string;
  expectedGraduation: string;
  daysWithoutWork: number | null;
  lastContactAt: string | null;
  overdueActions: number;
}

/** The case worker's worklist (一人一档): riskiest first, with the region's totals. */
export function RainDew() {
  const { lang, t } = Session.use();
  const [data, setData] = useState<{ items: FileRow[]; totals: Record<string, number | null> } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    need(client(lang).GET('/api/v1/rain-dew', { params: { query: { pageSize: 100 } } } as never))
      .then((r) => setData(r as { items: FileRow[]; totals: Record<string, number | null> }))
      .catch((e: Error) => setError(e.message));
  }, [lang]);
  if (error) return <Alert type="error" title={error} />;
  return (
    <div>
      <Typography.Title level={3}>{t('rain_dew.title')}</Typography.Title>
      {data && (
        <Card size="small" style={{ marginBottom: 12 }}>
          <Space wrap size="large">
            {['files', 'graduated', 'employed', 'overdue'].map((k) => (
              <Statistic key={k} title={t(`rain_dew.totals.${k}`)} value={data.totals[k] ?? '—'} />
            ))}
          </Space>
        </Card>
      )}
      <Table<FileRow>
        rowKey="workerId"
        size="small"
        scroll={{ x: true }}
        loading={!data}
        dataSource={data?.items ?? []}
        columns={[
          { title: t('rain_dew.name'), dataIndex: 'name' },
          { title: t('rain_dew.school'), render: (_, f) => `${f.school} · ${f.major}` },
          { title: t('rain_dew.status'), dataIndex: 'status', render: (s: string) => <Tag color={s === 'employed' ? 'green' : s === 'seeking' || s === 'graduated' ? 'orange' : undefined}>{t(`rain_dew.statuses.${s}`)}</Tag> },
          { title: t('rain_dew.graduation'), dataIndex: 'expectedGraduation' },
          { title: t('rain_dew.days'), dataIndex: 'daysWithoutWork', render: (v: number | null) => v ?? '—' },
          { title: t('rain_dew.contact'), dataIndex: 'lastContactAt', render: (v: string | null) => v?.slice(0, 10) ?? '—' },
          { title: t('rain_dew.overdue'), dataIndex: 'overdueActions' },
        ]}
      />
    </div>
  );
}
