import { Alert, Button, Card, Input, InputNumber, Modal, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { client, downloadFile, need } from '../api';
import { Session } from '../session';
import { useSearchParams } from 'react-router-dom';
import { CalendarTable, RelocationSitesTable, TermsDueTable, WorkshopCheckTable } from './MonitoringTables';
import { MonitoringRegions } from './MonitoringRegions';
import { MonitoringProjects } from './MonitoringProjects';
import type { Body } from '../vocab';

type WarningRow = Body<'MonitoringWarning'>;
type ReportRow = Body<'MonitoringReports'>['items'][number];

/**
 * 预警 and the integrity review list, each closed with what staff found; relocation sites, workshop declarations
 * against the register and public-welfare agreements to see to; the reports and the two forms to download.
 */
export function Monitoring() {
  const { lang, t } = Session.use();
  const queries = useQueryClient();
  const [closing, setClosing] = useState<WarningRow | null>(null);
  const [note, setNote] = useState('');
  const [year, setYear] = useState(new Date().getFullYear());
  const [error, setError] = useState<string | null>(null);
  const [params, setParams] = useSearchParams();
  const api = client(lang);
  const warningList = useQuery({ queryKey: ['monitoring/warnings', lang, 'list'], queryFn: () => need(api.GET('/api/v1/monitoring/warnings', { params: { query: { pageSize: 100 } } })) });
  const reviewList = useQuery({ queryKey: ['monitoring/reviews', lang], queryFn: () => need(api.GET('/api/v1/monitoring/reviews', { params: { query: { pageSize: 100 } } })) });
  const reportList = useQuery({ queryKey: ['monitoring/reports', lang], queryFn: () => need(api.GET('/api/v1/monitoring/reports', { params: { query: { pageSize: 50 } } })) });
  const warnings = warningList.data?.items;
  const reviews = reviewList.data?.items;
  const reports = reportList.data?.items;
  const readError = (warningList.error ?? reviewList.error ?? reportList.error)?.message ?? null;

  const conclude = useMutation({
    mutationFn: (w: WarningRow) => {
      const init = { params: { path: { id: w.id } } };
      // A review needs its conclusion; a warning may be taken up without a note.
      return reviews?.some((r) => r.id === w.id)
        ? need(api.POST('/api/v1/monitoring/reviews/{id}/conclude', { ...init, body: { note: note.trim() } }))
        : need(api.POST('/api/v1/monitoring/warnings/{id}/acknowledge', { ...init, body: { note: note.trim() || null } }));
    },
    onMutate: () => setError(null),
    onSuccess: () => {
      setClosing(null);
      setNote('');
      void queries.invalidateQueries({ queryKey: ['monitoring/warnings'] });
      void queries.invalidateQueries({ queryKey: ['monitoring/reviews'] });
    },
    onError: (e) => setError(e.message),
  });

  const columns = [
    // A region's fall is graded (details.grade): red at or past the warning line, gold below it.
    { title: t('monitoring.kind'), dataIndex: 'kind', render: (k: string, w: WarningRow) => <Tag color={w.details.grade === 'warning' ? 'red' : w.details.grade === 'watch' ? 'gold' : undefined}>{t(`monitoring.kinds.${k}`)}</Tag> },
    { title: t('monitoring.region'), render: (_: unknown, w: WarningRow) => w.regionName ?? w.regionCode },
    { title: t('monitoring.who'), dataIndex: 'name', render: (v: string | null) => v ?? '—' },
    { title: t('monitoring.since'), dataIndex: 'createdAt', render: (v: string) => v.slice(0, 10) },
    { title: t('monitoring.status'), dataIndex: 'status', render: (s: string) => t(`monitoring.statuses.${s}`) },
    { title: '', render: (_: unknown, w: WarningRow) => (w.status === 'open' ? <Button size="small" onClick={() => setClosing(w)}>{t('monitoring.take_up')}</Button> : w.note) },
  ];
  const dl = async (path: string, name: string) => setError(await downloadFile(path, name, lang));
  return (
    <div>
      <Typography.Title level={3}>{t('monitoring.title')}</Typography.Title>
      {(error ?? readError) && <Alert type="error" title={error ?? readError} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      <Tabs
        activeKey={params.get('tab') ?? 'warnings'}
        onChange={(tab) => setParams({ tab })}
        items={[
          { key: 'warnings', label: t('monitoring.warnings'), children: <Table rowKey="id" size="small" scroll={{ x: true }} loading={warningList.isPending} dataSource={warnings ?? []} columns={columns} expandable={{ expandedRowRender: (w) => <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(w.details, null, 2)}</pre> }} /> },
          { key: 'regions', label: t('monitoring.regions.title'), children: <MonitoringRegions /> },
          { key: 'projects', label: t('monitoring.projects.title'), children: <MonitoringProjects /> },
          { key: 'reviews', label: t('monitoring.reviews'), children: <Table rowKey="id" size="small" scroll={{ x: true }} loading={reviewList.isPending} dataSource={reviews ?? []} columns={columns} expandable={{ expandedRowRender: (w) => <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(w.details, null, 2)}</pre> }} /> },
          { key: 'calendar', label: t('monitoring.calendar.title'), children: <CalendarTable /> },
          { key: 'sites', label: t('monitoring.sites.title'), children: <RelocationSitesTable /> },
          { key: 'workshops', label: t('monitoring.workshops.title'), children: <WorkshopCheckTable /> },
          { key: 'terms', label: t('monitoring.terms.title'), children: <TermsDueTable /> },
          {
            key: 'reports',
            label: t('monitoring.reports'),
            children: (
              <>
                <Card size="small" style={{ marginBottom: 12 }}>
                  <Space wrap>
                    <span>{t('monitoring.year')}</span>
                    <InputNumber aria-label={t('monitoring.year')} min={2020} max={2100} value={year} onChange={(v) => setYear(Number(v))} />
                    <Button onClick={() => dl(`/api/v1/monitoring/forms/progress?year=${year}&format=xlsx`, `附件1-推进情况表-${year}.xlsx`)}>{t('monitoring.form1')}</Button>
                    <Button onClick={() => dl(`/api/v1/monitoring/forms/projects?year=${year}&format=xlsx`, `附件2-项目清单-${year}.xlsx`)}>{t('monitoring.form2')}</Button>
                  </Space>
                </Card>
                <Table<ReportRow>
                  rowKey="id"
                  size="small"
                  loading={reportList.isPending}
                  dataSource={reports ?? []}
                  columns={[
                    { title: t('monitoring.report'), dataIndex: 'kind', render: (k: string) => t(`monitoring.report_kinds.${k}`) },
                    { title: t('monitoring.period'), dataIndex: 'period' },
                    { title: '', render: (_, r) => <Button size="small" onClick={() => dl(`/api/v1/monitoring/reports/${r.id}?format=xlsx`, `${r.kind}-${r.period}.xlsx`)}>{t('monitoring.download')}</Button> },
                  ]}
                />
              </>
            ),
          },
        ]}
      />
      <Modal open={Boolean(closing)} title={t('monitoring.take_up')} onOk={() => closing && conclude.mutate(closing)} confirmLoading={conclude.isPending} onCancel={() => setClosing(null)} okText={t('monitoring.confirm')} cancelText={t('monitoring.cancel')}>
        <Input.TextArea aria-label={t('monitoring.note')} placeholder={t('monitoring.note')} rows={3} value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
      </Modal>
    </div>
  );
}
