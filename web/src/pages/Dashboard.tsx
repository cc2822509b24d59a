import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Row, Spin, Statistic, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { authFetch, client, need } from '../api';
import { Session } from '../session';
import type { Body } from '../vocab';

type Figures = Body<'MonitoringFigures'>['items'][number]['figures'];

function delta(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${v > 0 ? '+' : ''}${v}%`;
}

/** This month for the user's region (脱贫人口 含监测对象, lifted_total), with 同比/环比, open warnings and the 13-month chart. */
export function Dashboard() {
  const { me, lang, t } = Session.use();
  const api = client(lang);
  const region = me!.regionCode;
  const figures = useQuery({
    queryKey: ['monitoring/figures', lang, region],
    queryFn: () => need(api.GET('/api/v1/monitoring/figures', { params: { query: { regionCode: region } } })),
    // null when there are none yet (a new install, a new month).
    select: (r) => r.items.find((i) => i.regionCode === region && i.category === 'lifted_total') ?? null,
  });
  // What waits on the station: open warnings, Rain Dew files with overdue actions, requests for a person, unpaid wages, reports past their date.
  // A count that cannot be read shows a dash, not an error over the page.
  const warnings = useQuery({ queryKey: ['monitoring/warnings', lang, 'count'], queryFn: () => need(api.GET('/api/v1/monitoring/warnings', { params: { query: { pageSize: 1 } } })), select: (r) => r.total });
  const rainDew = useQuery({ queryKey: ['rain-dew', lang, 'count'], queryFn: () => need(api.GET('/api/v1/rain-dew', { params: { query: { pageSize: 1 } } })), select: (r) => r.totals.overdue });
  const help = useQuery({ queryKey: ['help-requests', lang, 'open'], queryFn: () => need(api.GET('/api/v1/help-requests', { params: { query: { status: 'open' } } })), select: (r) => r.total });
  const wages = useQuery({ queryKey: ['wage-cases', lang, 'open'], queryFn: () => need(api.GET('/api/v1/wage-cases', { params: { query: { status: 'open' } } })), select: (r) => r.items.length });
  const reports = useQuery({ queryKey: ['reporting/calendar', lang], queryFn: () => need(api.GET('/api/v1/reporting/calendar', { params: { query: {} } })), select: (r) => r.overdue });
  // The 13-month chart as the API draws it (SVG), shown as an image; none if it cannot be drawn.
  const chart = useQuery({
    queryKey: ['monitoring/trend/chart', lang],
    queryFn: async () => {
      const res = await authFetch('/api/v1/monitoring/trend/chart?format=svg', lang);
      return res.ok ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(await res.text())}` : null;
    },
  });
  const waiting = { rainDew: rainDew.data ?? null, help: help.data ?? null, wages: wages.data ?? null, reports: reports.data ?? null };
  if (figures.error) return <Alert type="error" title={figures.error.message} />;
  if (figures.isPending) return <Spin />;
  const row = figures.data;
  const f: Figures = row?.figures ?? { employed: 0, registered: 0, incomeAvgFen: null, zeroEmploymentHouseholds: 0 };
  const stat = (key: string, value: number | null | undefined, suffix?: string, to?: string) => (
    <Col xs={12} md={6}>
      <Card size="small">
        <Statistic title={to ? <Link to={to}>{t(`dashboard.${key}`)}</Link> : t(`dashboard.${key}`)} value={value ?? '—'} suffix={suffix} />
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {t('dashboard.mom')} {delta(row?.mom[key])} · {t('dashboard.yoy')} {delta(row?.yoy[key])}
        </Typography.Text>
      </Card>
    </Col>
  );
  /** A count of what waits, which opens the list it counts. */
  const link = (key: string, value: number | null, to: string) => (
    <Col xs={12} md={6}>
      <Card size="small">
        <Statistic title={<Link to={to}>{t(`dashboard.${key}`)}</Link>} value={value ?? '—'} styles={value ? { content: { color: '#cf1322' } } : undefined} />
      </Card>
    </Col>
  );
  return (
    <div>
      <Typography.Title level={3}>{t('dashboard.title')}</Typography.Title>
      {row === null && <Alert data-testid="no-figures" type="info" showIcon title={t('dashboard.no_figures')} description={t('dashboard.no_figures_hint')} style={{ marginBottom: 12 }} />}
      <Row gutter={[12, 12]}>
        {stat('employed', f.employed)}
        {stat('registered', f.registered)}
        {stat('incomeAvgFen', f.incomeAvgFen === null || f.incomeAvgFen === undefined ? null : Math.round(f.incomeAvgFen / 100), t('dashboard.yuan'))}
        {stat('zeroEmploymentHouseholds', f.zeroEmploymentHouseholds, undefined, '/households?tab=zero')}
      </Row>
      <Typography.Title level={4} style={{ marginTop: 16 }}>{t('dashboard.waiting')}</Typography.Title>
      <Row gutter={[12, 12]}>
        {link('warnings', warnings.data ?? null, '/monitoring')}
        {link('rain_dew_overdue', waiting.rainDew, '/rain-dew?overdue=true')}
        {link('help', waiting.help, '/follow-ups')}
        {link('wages', waiting.wages, '/follow-ups?tab=wages')}
        {link('reports_overdue', waiting.reports, '/monitoring?tab=calendar')}
      </Row>
      {chart.data && (
        <Card size="small" style={{ marginTop: 16 }}>
          <img src={chart.data} alt={t('dashboard.chart')} style={{ width: '100%', maxWidth: 960, height: 'auto' }} />
        </Card>
      )}
    </div>
  );
}
