import { Alert, Card, Col, Row, Spin, Statistic, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { authFetch, client, need } from '../api';
import { Session } from '../session';

type Figures = Record<string, number | null>;
interface Row_ {
  regionCode: string;
  category: string;
  figures: Figures;
  mom: Figures;
  yoy: Figures;
}

function delta(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${v > 0 ? '+' : ''}${v}%`;
}

/** This month for the user's region (脱贫人口 含监测对象, lifted_total), with 同比/环比, open warnings and the 13-month chart. */
export function Dashboard() {
  const { me, lang, t } = Session.use();
  // undefined while the figures are asked for; null when there are none yet (a new install, a new month).
  const [row, setRow] = useState<Row_ | null | undefined>(undefined);
  const [warnings, setWarnings] = useState<number | null>(null);
  const [chart, setChart] = useState<string | null>(null);
  const [waiting, setWaiting] = useState<{ rainDew: number | null; help: number | null; wages: number | null; reports: number | null }>({ rainDew: null, help: null, wages: null, reports: null });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const api = client(lang);
    need(api.GET('/api/v1/monitoring/figures', { params: { query: { regionCode: me!.regionCode } } }))
      .then((r) => setRow(((r as { items: Row_[] }).items ?? []).find((i) => i.regionCode === me!.regionCode && i.category === 'lifted_total') ?? null))
      .catch((e: Error) => setError(e.message));
    need(api.GET('/api/v1/monitoring/warnings', { params: { query: { pageSize: 1 } } }))
      .then((r) => setWarnings(Number((r as { total?: number }).total ?? 0)))
      .catch(() => setWarnings(null));
    // What waits on the station: Rain Dew files with overdue actions, requests for a person, unpaid wages.
    const count = (p: Promise<unknown>, pick: (r: Record<string, unknown>) => number) => p.then((r) => pick(r as Record<string, unknown>)).catch(() => null);
    void Promise.all([
      count(need(api.GET('/api/v1/rain-dew', { params: { query: { pageSize: 1 } } })), (r) => Number((r.totals as Record<string, number>).overdue ?? 0)),
      count(need(api.GET('/api/v1/help-requests', { params: { query: { status: 'open' } } })), (r) => Number(r.total)),
      count(need(api.GET('/api/v1/wage-cases', { params: { query: { status: 'open' } } })), (r) => (r.items as unknown[]).length),
      // Reports past their date and not yet sent (the reporting calendar).
      count(need(api.GET('/api/v1/reporting/calendar', { params: { query: {} } })), (r) => Number(r.overdue)),
    ]).then(([rainDew, help, wages, reports]) => setWaiting({ rainDew, help, wages, reports }));
    authFetch('/api/v1/monitoring/trend/chart?format=svg', lang)
      .then(async (res) => (res.ok ? setChart(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(await res.text())}`) : undefined))
      .catch(() => undefined);
  }, [me, lang]);
  if (error) return <Alert type="error" title={error} />;
  if (row === undefined) return <Spin />;
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
        {link('warnings', warnings, '/monitoring')}
        {link('rain_dew_overdue', waiting.rainDew, '/rain-dew?overdue=true')}
        {link('help', waiting.help, '/follow-ups')}
        {link('wages', waiting.wages, '/follow-ups?tab=wages')}
        {link('reports_overdue', waiting.reports, '/monitoring?tab=calendar')}
      </Row>
      {chart && (
        <Card size="small" style={{ marginTop: 16 }}>
          <img src={chart} alt={t('dashboard.chart')} style={{ width: '100%', maxWidth: 960, height: 'auto' }} />
        </Card>
      )}
    </div>
  );
}
