import { Alert, Card, Col, Row, Spin, Statistic, Typography } from 'antd';
import { useEffect, useState } from 'react';
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

/** This month for the user's region, with 同比/环比, open warnings and the 13-month chart. */
export function Dashboard() {
  const { me, lang, t } = Session.use();
  const [row, setRow] = useState<Row_ | null>(null);
  const [warnings, setWarnings] = useState<number | null>(null);
  const [chart, setChart] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const api = client(lang);
    need(api.GET('/api/v1/monitoring/figures', { params: { query: { regionCode: me!.regionCode } } }))
      .then((r) => setRow(((r as { items: Row_[] }).items ?? []).find((i) => i.regionCode === me!.regionCode && i.category === 'all') ?? null))
      .catch((e: Error) => setError(e.message));
    need(api.GET('/api/v1/monitoring/warnings', { params: { query: { pageSize: 1 } } }))
      .then((r) => setWarnings(Number((r as { total?: number }).total ?? 0)))
      .catch(() => setWarnings(null));
    authFetch('/api/v1/monitoring/trend/chart?format=svg', lang)
      .then(async (res) => (res.ok ? setChart(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(await res.text())}`) : undefined))
      .catch(() => undefined);
  }, [me, lang]);
  if (error) return <Alert type="error" title={error} />;
  if (!row) return <Spin />;
  const f = row.figures;
  const stat = (key: string, value: number | null | undefined, suffix?: string) => (
    <Col xs={12} md={6}>
      <Card size="small">
        <Statistic title={t(`dashboard.${key}`)} value={value ?? '—'} suffix={suffix} />
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {t('dashboard.mom')} {delta(row.mom[key])} · {t('dashboard.yoy')} {delta(row.yoy[key])}
        </Typography.Text>
      </Card>
    </Col>
  );
  return (
    <div>
      <Typography.Title level={3}>{t('dashboard.title')}</Typography.Title>
      <Row gutter={[12, 12]}>
        {stat('employed', f.employed)}
        {stat('registered', f.registered)}
        {stat('incomeAvgFen', f.incomeAvgFen === null || f.incomeAvgFen === undefined ? null : Math.round(f.incomeAvgFen / 100), t('dashboard.yuan'))}
        {stat('zeroEmploymentHouseholds', f.zeroEmploymentHouseholds)}
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('dashboard.warnings')} value={warnings ?? '—'} />
          </Card>
        </Col>
      </Row>
      {chart && (
        <Card size="small" style={{ marginTop: 16 }}>
          <img src={chart} alt={t('dashboard.chart')} style={{ width: '100%', maxWidth: 960, height: 'auto' }} />
        </Card>
      )}
    </div>
  );
}
