import { Alert, Button, Card, Progress, Space, Statistic, Table, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { authFetch } from '../api';
import { Session } from '../session';

interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}
interface Rejected {
  row: number;
  column: string | null;
  reason: string;
}

/**
 * Import of 农村贫困劳动力就业信息表: the file is checked first (nothing written) and every bad row shown
 * with its reason; the real run then goes in the background with a progress bar.
 */
export function Import() {
  const { lang, t } = Session.use();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<{ counts: Counts; rows: Rejected[] } | null>(null);
  const [job, setJob] = useState<{ id: string; status: string; progress: { percent: number; processed: number; total: number }; counts: Counts; rows: Rejected[]; error: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    const body = new FormData();
    body.append('file', file);
    try {
      const res = await authFetch(`/api/v1/imports${dryRun ? '?dryRun=true' : ''}`, lang, { method: 'POST', body });
      const answer = await res.json();
      if (!res.ok) throw new Error(answer?.error?.message ?? res.statusText);
      if (dryRun) setReport(answer);
      else setJob({ id: answer.id, status: 'queued', progress: { percent: 0, processed: 0, total: answer.totalRows }, counts: { created: 0, updated: 0, unchanged: 0, rejected: 0 }, rows: [], error: null });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  // The real run: its progress, every second until it is done.
  useEffect(() => {
    if (!job || job.status === 'done' || job.status === 'failed') return;
    const timer = setTimeout(async () => {
      const res = await authFetch(`/api/v1/imports/${job.id}`, lang);
      if (res.ok) setJob(await res.json());
    }, 1000);
    return () => clearTimeout(timer);
  }, [job, lang]);

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
            setReport(null);
            setJob(null);
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
