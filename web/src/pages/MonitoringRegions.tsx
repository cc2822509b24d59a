import { Alert, Breadcrumb, Card, Col, DatePicker, Progress, Row, Segmented, Select, Space, Statistic, Table, Typography } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useEffect, useMemo, useRef } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { client, need } from '../api';
import type { T } from '../i18n';
import { Session } from '../session';
import type { Body } from '../vocab';
import { TrendChart } from './TrendChart';

type Figures = Body<'ChildFigures'>;
type Measure = Figures['measure'];
type Category = Figures['category'];
type Row_ = Figures['items'][number];

/** The measures offered, in the order people look for them: scale and income first (seed 000 national §3.2). */
export const MEASURES = [
  'employed',
  'registered',
  'incomeAvgFen',
  'incomeMedianFen',
  'outOfProvince',
  'outOfCounty',
  'local',
  'placeUnknown',
  'publicWelfare',
  'workshop',
  'workRelief',
  'zeroEmploymentHouseholds',
  'trained',
] as const satisfies readonly Measure[];
const CATEGORY_KEYS = ['lifted_total', 'low_income'] as const satisfies readonly Category[];

const isMeasure = (v: string | null): v is Measure => (MEASURES as readonly string[]).includes(v ?? '');
const isCategory = (v: string | null): v is Category => (CATEGORY_KEYS as readonly string[]).includes(v ?? '');
const isMonth = (v: string | null): v is string => /^20\d{2}-(0[1-9]|1[0-2])$/.test(v ?? '');
const isMoney = (m: Measure) => m === 'incomeAvgFen' || m === 'incomeMedianFen';

/** A value as people read it: yuan for an income (the API counts in fen), a count otherwise; — when there is none. */
export function shown(t: T, measure: Measure, v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return isMoney(measure) ? `${Math.round(v / 100).toLocaleString('zh-CN')} ${t('monitoring.regions.yuan')}` : v.toLocaleString('zh-CN');
}

function Delta({ v }: { v: number | null }) {
  if (v === null) return <Typography.Text type="secondary">—</Typography.Text>;
  // A fall is what the monitoring warns about: it stands out.
  return <Typography.Text type={v < 0 ? 'danger' : v > 0 ? 'success' : undefined}>{`${v > 0 ? '+' : ''}${v}%`}</Typography.Text>;
}

/** The number drawn for a value: whole yuan for an income, the count otherwise. */
const yuanOrCount = (measure: Measure, v: number | null): number | null => (v === null ? null : isMoney(measure) ? Math.round(v / 100) : v);

/** An instant as 24-hour Beijing time. */
const beijingTime = (ms: number) => new Date(ms).toLocaleString('zh-CN', { hourCycle: 'h23', timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).replace(/\//g, '-');

/** The month in progress in Beijing, whatever the browser's zone: months after it cannot be picked. */
const beijingMonth = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 7);

/**
 * Figures by region: the chosen region's children side by side for a month — one measure ranked as bars, with the
 * month before, a year before, 环比 and 同比 — drilled down province → prefecture → county → township by following
 * a region's name, and any region's 13 months. What is shown (region, month, measure, who is counted, the trend
 * open) is all in the address, so a link shows a colleague the same thing.
 */
export function MonitoringRegions() {
  const { me, lang, t } = Session.use();
  const [params, setParams] = useSearchParams();
  const region = params.get('region') ?? me!.regionCode;
  const month = isMonth(params.get('month')) ? params.get('month')! : undefined;
  const askedMeasure = params.get('measure');
  const askedCategory = params.get('category');
  const measure: Measure = isMeasure(askedMeasure) ? askedMeasure : 'employed';
  const category: Category = isCategory(askedCategory) ? askedCategory : 'lifted_total';
  const trendOf = params.get('trend');

  /** The address with some of what is shown changed, the rest kept. */
  const href = (change: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    next.set('tab', 'regions');
    for (const [k, v] of Object.entries(change)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    return `?${next.toString()}`;
  };
  const go = (change: Record<string, string | null>) => setParams(new URLSearchParams(href(change).slice(1)));

  const query = { regionCode: region, measure, category, ...(month ? { month } : {}) };
  const figures = useQuery({
    queryKey: ['monitoring', 'children', lang, query],
    queryFn: () => need(client(lang).GET('/api/v1/monitoring/figures/children', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const data = figures.data;
  const max = Math.max(0, ...(data?.items ?? []).map((r) => r.value ?? 0));
  const allZero = data !== undefined && (data.total.value ?? 0) === 0 && data.items.every((r) => (r.value ?? 0) === 0);

  const name = (r: Pick<Row_, 'name' | 'regionCode' | 'direct'>) => (r.direct ? t('monitoring.regions.direct') : (r.name ?? r.regionCode));
  const columns = [
    // The rank and the name stay in view while a phone scrolls the figures sideways.
    { title: t('monitoring.regions.rank'), dataIndex: 'rank', width: 56, fixed: 'left' as const, render: (v: number | null) => v ?? '—' },
    {
      title: t('monitoring.regions.region'),
      fixed: 'left' as const,
      render: (_: unknown, r: Row_) =>
        r.hasChildren ? (
          <Link to={href({ region: r.regionCode, trend: null })} aria-label={t('monitoring.regions.open', { name: name(r) })}>
            {name(r)}
          </Link>
        ) : (
          name(r)
        ),
    },
    {
      title: t(`monitoring.regions.measures.${measure}`),
      render: (_: unknown, r: Row_) => (
        <div style={{ minWidth: 120 }}>
          <Progress percent={max > 0 && r.value !== null ? (r.value / max) * 100 : 0} status="normal" strokeColor="#1f6fb2" showInfo={false} size="small" aria-hidden />
          <span data-testid={`value-${r.regionCode}`}>{shown(t, measure, r.value)}</span>
        </div>
      ),
    },
    { title: t('monitoring.regions.month_before'), render: (_: unknown, r: Row_) => shown(t, measure, r.monthBefore) },
    { title: t('monitoring.regions.mom'), render: (_: unknown, r: Row_) => <Delta v={r.mom} /> },
    { title: t('monitoring.regions.year_before'), render: (_: unknown, r: Row_) => shown(t, measure, r.yearBefore) },
    { title: t('monitoring.regions.yoy'), render: (_: unknown, r: Row_) => <Delta v={r.yoy} /> },
    {
      title: '',
      render: (_: unknown, r: Row_) =>
        r.direct ? null : (
          <Link to={href({ trend: r.regionCode })} aria-label={t('monitoring.regions.trend_of', { name: name(r) })}>
            {t('monitoring.regions.trend')}
          </Link>
        ),
    },
  ];

  return (
    <div data-testid="regions">
      <Space wrap style={{ marginBottom: 12 }}>
        <DatePicker
          picker="month"
          format="YYYY-MM"
          allowClear={false}
          aria-label={t('monitoring.regions.month')}
          value={data ? dayjs(`${data.month}-01`) : month ? dayjs(`${month}-01`) : null}
          disabledDate={(d) => d.format('YYYY-MM') > beijingMonth()}
          onChange={(d) => d && go({ month: d.format('YYYY-MM') })}
          style={{ width: 130 }}
        />
        <Select
          aria-label={t('monitoring.regions.measure')}
          value={measure}
          onChange={(v) => go({ measure: v })}
          options={MEASURES.map((m) => ({ value: m, label: t(`monitoring.regions.measures.${m}`) }))}
          style={{ width: 190 }}
        />
        <Segmented
          aria-label={t('monitoring.regions.category')}
          value={category}
          onChange={(v) => go({ category: v })}
          options={CATEGORY_KEYS.map((c) => ({ value: c, label: t(`monitoring.regions.categories.${c}`) }))}
        />
      </Space>
      {figures.error && (
        <Alert
          type="error"
          title={figures.error.message}
          description={<Link to={href({ region: null, trend: null })}>{t('monitoring.regions.back_home')}</Link>}
          style={{ marginBottom: 12 }}
        />
      )}
      {data && (
        <Breadcrumb
          style={{ marginBottom: 12 }}
          items={data.path.map((p, i) => ({
            title: i === data.path.length - 1 ? <span aria-current="page">{p.name ?? p.code}</span> : <Link to={href({ region: p.code, trend: null })}>{p.name ?? p.code}</Link>,
          }))}
        />
      )}
      {data && (
        <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
          <Col xs={24} md={8}>
            <Card size="small" data-testid="region-total">
              <Statistic title={`${data.name ?? data.regionCode} · ${t(`monitoring.regions.measures.${measure}`)} · ${data.month}`} value={shown(t, measure, data.total.value)} />
              <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                {t('monitoring.regions.mom')} <Delta v={data.total.mom} /> · {t('monitoring.regions.yoy')} <Delta v={data.total.yoy} />
              </Typography.Text>
            </Card>
          </Col>
          <Col xs={24} md={16}>
            <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
              {t('monitoring.regions.hint', { category: t(`monitoring.regions.categories.${category}`), before: data.monthBefore, yearBefore: data.yearBefore })}
              <br />
              {data.closed ? t('monitoring.regions.closed') : t('monitoring.regions.live', { at: beijingTime(figures.dataUpdatedAt) })}
            </Typography.Paragraph>
          </Col>
        </Row>
      )}
      {allZero && <Alert data-testid="regions-empty" type="info" showIcon title={t('monitoring.regions.empty')} description={t('monitoring.regions.empty_hint')} style={{ marginBottom: 12 }} />}
      <Table<Row_>
        rowKey="regionCode"
        size="small"
        scroll={{ x: 'max-content' }}
        pagination={false}
        // The figures before stay in view, dimmed, while the next ones are counted.
        loading={figures.isPending || (figures.isFetching && figures.isPlaceholderData)}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('monitoring.regions.no_children') }}
        columns={columns}
      />
      {trendOf && <RegionTrend region={trendOf} measure={measure} category={category} month={data?.month ?? month} close={href({ trend: null })} />}
    </div>
  );
}

/** A region's 13 months of the chosen measure, as bars and as a table, oldest first. */
function RegionTrend({ region, measure, category, month, close }: { region: string; measure: Measure; category: Category; month?: string; close: string }) {
  const { lang, t } = Session.use();
  const query = { regionCode: region, category, months: 13, ...(month ? { month } : {}) };
  const trend = useQuery({ queryKey: ['monitoring', 'trend', lang, query], queryFn: () => need(client(lang).GET('/api/v1/monitoring/trend', { params: { query } })) });
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened from a row: the reader is taken to it (by keyboard too).
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'nearest' });
  }, [region]);
  const points = useMemo(() => trend.data?.points ?? [], [trend.data]);
  const months = useMemo(() => points.map((p) => p.month), [points]);
  const values = useMemo(() => points.map((p) => yuanOrCount(measure, p[measure])), [points, measure]);
  const title = t('monitoring.regions.trend_title', { name: trend.data?.name ?? region, measure: t(`monitoring.regions.measures.${measure}`) });
  return (
    <Card size="small" style={{ marginTop: 16 }} data-testid="region-trend">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }} tabIndex={-1} ref={heading}>
          {title}
        </Typography.Title>
        <Link to={close}>{t('monitoring.regions.close_trend')}</Link>
      </Space>
      {trend.error && <Alert type="error" title={trend.error.message} style={{ marginTop: 12 }} />}
      {trend.data && (
        <>
          <TrendChart label={title} months={months} values={values} />
          <Table
            rowKey="month"
            size="small"
            scroll={{ x: 'max-content' }}
            pagination={false}
            dataSource={points}
            columns={[
              { title: t('monitoring.regions.month'), dataIndex: 'month' },
              { title: t(`monitoring.regions.measures.${measure}`), render: (_, p) => shown(t, measure, p[measure]) },
              // Beside the measure, the register and the people in work it stands on (once each).
              ...(['registered', 'employed'] as const).filter((k) => k !== measure).map((k) => ({ title: t(`monitoring.regions.measures.${k}`), dataIndex: k })),
            ]}
          />
        </>
      )}
      {trend.isPending && <Typography.Paragraph type="secondary">{t('monitoring.regions.loading')}</Typography.Paragraph>}
    </Card>
  );
}
