import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Progress, Space, Statistic, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { client, need } from '../api';
import { Session } from '../session';
import type { Body } from '../vocab';

type Rejected = Body<'ImportReport'>['rows'][number];

/** The chosen file as the multipart body the API reads (the typed body names the field; the file itself goes in the form). */
const upload = (file: File) => ({
  body: { file: file.name },
  bodySerializer: () => {
    const form = new FormData();
    form.append('file', file);
    return form;
  },
});

/**
 * Import of 农村贫困劳动力就业信息表: the file is checked first (nothing written) and every bad row shown
 * with its reason; the real run then goes in the background with a progress bar.
 */
export function Import() {
  const { lang, t } = Session.use();
  const [file, setFile] = useState<File | null>(null);
  const check = useMutation({
    mutationFn: async (f: File) => {
      const answer = await need(client(lang).POST('/api/v1/imports', { params: { query: { dryRun: 'true' } }, ...upload(f) }));
      // Asked for JSON: the check's report, never the spreadsheet or a run.
      if (typeof answer === 'string' || !('counts' in answer)) throw new Error(t('import.status.failed'));
      return answer;
    },
  });
  const run = useMutation({
    mutationFn: async (f: File) => {
      const answer = await need(client(lang).POST('/api/v1/imports', upload(f)));
      if (typeof answer === 'string' || !('id' in answer)) throw new Error(t('import.status.failed'));
      return answer;
    },
  });
  const report = check.data;
  const jobId = run.data?.id;
  // The real run: its progress, every second until it is done.
  const jobQuery = useQuery({
    queryKey: ['import', lang, jobId],
    queryFn: () => need(client(lang).GET('/api/v1/imports/{id}', { params: { path: { id: jobId! } } })),
    enabled: jobId !== undefined,
    refetchInterval: (q) => (q.state.data?.status === 'done' || q.state.data?.status === 'failed' ? false : 1000),
  });
  // Until the first answer, the run is queued with nothing done.
  const job = jobId === undefined ? null : (jobQuery.data ?? { status: 'queued' as const, progress: { percent: 0 }, counts: { created: 0, updated: 0, unchanged: 0, rejected: 0 }, rows: [], error: null });
  const error = run.error?.message ?? check.error?.message ?? null;
  const busy = check.isPending || run.isPending;
  const send = (dryRun: boolean) => {
    if (!file) return;
    if (dryRun) check.mutate(file);
    else run.mutate(file);
  };

  const counts = job?.counts ?? report?.counts;
  const rows = job?.status === 'done' ? job.rows : report?.rows;
  return (
    <div>
      <Typography.Title level={3}>{t('import.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('import.hint')}</Typography.Paragraph>
      <Space wrap>
        <Upload
          accept=".xlsx,.csv"
          maxCount={1}
          beforeUpload={(f) => {
            setFile(f);
            check.reset();
            run.reset();
            return false;
          }}
          onRemove={() => setFile(null)}
        >
          <Button>{t('import.choose')}</Button>
        </Upload>
        <Button type="primary" disabled={!file} loading={busy && !report} onClick={() => send(true)}>
          {t('import.check')}
        </Button>
        <Button disabled={!report || Boolean(job)} onClick={() => send(false)}>
          {t('import.run')}
        </Button>
      </Space>
      {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
      {job && (
        <Card size="small" style={{ marginTop: 16 }}>
          <Typography.Text>{t(`import.status.${job.status}`)}</Typography.Text>
          <Progress percent={job.progress.percent} status={job.status === 'failed' ? 'exception' : job.status === 'done' ? 'success' : 'active'} />
          {job.error && <Alert type="error" title={job.error} />}
        </Card>
      )}
      {counts && (
        <Space wrap size="large" style={{ marginTop: 16 }} data-testid="import-counts">
          <Statistic title={t('import.created')} value={counts.created} />
          <Statistic title={t('import.updated')} value={counts.updated} />
          <Statistic title={t('import.unchanged')} value={counts.unchanged} />
          <Statistic title={t('import.rejected')} value={counts.rejected} />
        </Space>
      )}
      {rows && rows.length > 0 && (
        <Table<Rejected>
          style={{ marginTop: 16 }}
          size="small"
          rowKey={(r) => `${r.row}-${r.column}-${r.reason}`}
          dataSource={rows}
          pagination={{ pageSize: 50 }}
          columns={[
            { title: t('import.row'), dataIndex: 'row', width: 80 },
            { title: t('import.column'), dataIndex: 'column', width: 140 },
            { title: t('import.reason'), dataIndex: 'reason' },
          ]}
        />
      )}
    </div>
  );
}
