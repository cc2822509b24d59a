import { Alert, Button, Switch, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { client, need } from '../api';
import { Session } from '../session';
import type { Body } from '../vocab';


const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v}%`);

/** 易地搬迁安置区, site by site: 脱贫人口（含监测对象） living there and who of them is in work today. */
export function RelocationSitesTable() {
  const { lang, t } = Session.use();
  const sites = useQuery({ queryKey: ['monitoring/relocation-sites', lang], queryFn: () => need(client(lang).GET('/api/v1/monitoring/relocation-sites', { params: { query: {} } })) });
  const data = sites.data;
  if (sites.error) return <Alert type="error" title={sites.error.message} />;
  const rows = data ? [...data.items, { regionCode: 'total', name: t('monitoring.sites.total'), ...data.total }] : [];
  return (
    <>
      <Typography.Paragraph type="secondary">{t('monitoring.sites.hint', { date: data?.asOf ?? '' })}</Typography.Paragraph>
      <Table
        rowKey="regionCode"
        size="small"
        scroll={{ x: true }}
        pagination={false}
        loading={sites.isPending}
        dataSource={rows}
        locale={{ emptyText: t('monitoring.sites.none') }}
        columns={[
          { title: t('monitoring.sites.site'), dataIndex: 'name' },
          { title: t('monitoring.sites.registered'), dataIndex: 'registered' },
          { title: t('monitoring.sites.able'), dataIndex: 'ableToWork' },
          { title: t('monitoring.sites.employed'), dataIndex: 'employed' },
          { title: t('monitoring.sites.in_county'), dataIndex: 'employedInCounty' },
          { title: t('monitoring.sites.away'), dataIndex: 'employedAway' },
          { title: t('monitoring.sites.public_welfare'), dataIndex: 'publicWelfare' },
          { title: t('monitoring.sites.workshop'), dataIndex: 'workshop' },
          { title: t('monitoring.sites.rate'), dataIndex: 'employmentRatePct', render: pct },
          { title: t('monitoring.sites.zero'), dataIndex: 'zeroEmploymentHouseholds', render: (v: number) => (v ? <Tag color="red">{v}</Tag> : 0) },
        ]}
      />
    </>
  );
}

/** 就业帮扶车间: what each workshop declares beside what the register holds today; a difference is shown, not corrected. */
export function WorkshopCheckTable() {
  const { lang, t } = Session.use();
  const [differentOnly, setDifferentOnly] = useState(false);
  const workshops = useQuery({
    queryKey: ['monitoring/workshops', lang, differentOnly],
    queryFn: () => need(client(lang).GET('/api/v1/monitoring/workshops', { params: { query: differentOnly ? { differentOnly: 'true' } : {} } })),
  });
  const data = workshops.data;
  if (workshops.error) return <Alert type="error" title={workshops.error.message} />;
  const diff = (v: number) => (v === 0 ? '0' : <Tag color="orange">{v > 0 ? `+${v}` : v}</Tag>);
  return (
    <>
      <Typography.Paragraph type="secondary">
        {t('monitoring.workshops.hint', { date: data?.asOf ?? '', n: data?.differing ?? 0 })}{' '}
        <Switch size="small" checked={differentOnly} onChange={setDifferentOnly} aria-label={t('monitoring.workshops.different_only')} /> {t('monitoring.workshops.different_only')}
      </Typography.Paragraph>
      <Table
        rowKey="projectId"
        size="small"
        scroll={{ x: true }}
        pagination={false}
        loading={workshops.isFetching}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('monitoring.workshops.none') }}
        columns={[
          { title: t('monitoring.workshops.name'), render: (_, w) => `${w.name}${w.employerName && w.employerName !== w.name ? `（${w.employerName}）` : ''}` },
          { title: t('monitoring.workshops.declared'), render: (_, w) => `${w.declaredTotal} / ${w.declaredLifted}` },
          { title: t('monitoring.workshops.register'), render: (_, w) => `${w.registerTotal} / ${w.registerLifted}` },
          { title: t('monitoring.workshops.difference'), render: (_, w) => <>{diff(w.differenceTotal)} / {diff(w.differenceLifted)}</> },
        ]}
      />
    </>
  );
}

/** 公益性岗位: holders whose agreement ends soon, has ended while they hold the post, or was never recorded. */
export function TermsDueTable() {
  const { lang, t } = Session.use();
  const terms = useQuery({ queryKey: ['public-welfare/terms-due', lang], queryFn: () => need(client(lang).GET('/api/v1/public-welfare/terms-due', { params: { query: { within: 30 } } })) });
  const data = terms.data;
  if (terms.error) return <Alert type="error" title={terms.error.message} />;
  const color = { lapsed: 'red', no_agreement: 'orange', ending: 'gold' } as const;
  return (
    <>
      <Typography.Paragraph type="secondary">{t('monitoring.terms.hint')}</Typography.Paragraph>
      <Table
        rowKey="recordId"
        size="small"
        scroll={{ x: true }}
        pagination={false}
        loading={terms.isPending}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('monitoring.terms.none') }}
        columns={[
          { title: t('monitoring.who'), render: (_, r) => <Link to={`/workers/${r.workerId}`}>{r.name}</Link> },
          { title: t('monitoring.terms.post'), render: (_, r) => `${r.employerName ?? '—'}${r.partTime ? ` · ${t('employment.part_time')}` : ''}` },
          { title: t('monitoring.terms.since'), dataIndex: 'startDate' },
          { title: t('monitoring.terms.term_end'), dataIndex: 'termEnd', render: (v: string | null) => v ?? '—' },
          { title: t('monitoring.status'), render: (_, r) => <Tag color={color[r.state]}>{t(`monitoring.terms.states.${r.state}`, { days: Math.abs(r.daysLeft ?? 0) })}</Tag> },
        ]}
      />
    </>
  );
}

/** 报送时限: what each region has to send, by when; overdue until it is marked sent or its form downloaded. */
export function CalendarTable() {
  const { me, lang, t } = Session.use();
  const queries = useQueryClient();
  const calendar = useQuery({ queryKey: ['reporting/calendar', lang], queryFn: () => need(client(lang).GET('/api/v1/reporting/calendar', { params: { query: {} } })) });
  const data = calendar.data;
  const mark = useMutation({
    mutationFn: (body: Body<'SubmissionInput'>) => need(client(lang).POST('/api/v1/reporting/submissions', { body })),
    // The dashboard's overdue count reads the same calendar.
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['reporting/calendar'] }),
  });
  const error = (mark.error ?? calendar.error)?.message ?? null;
  const color = { overdue: 'red', due_soon: 'gold', upcoming: 'blue', submitted: 'green' } as const;
  const source = new Map((data?.deadlines ?? []).map((d) => [d.key, d.source]));
  return (
    <>
      {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} closable onClose={() => mark.reset()} />}
      <Typography.Paragraph type="secondary">{t('monitoring.calendar.hint', { n: data?.overdue ?? 0 })}</Typography.Paragraph>
      <Table
        rowKey={(r) => `${r.key}|${r.regionCode}`}
        size="small"
        scroll={{ x: true }}
        pagination={false}
        loading={calendar.isPending}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('monitoring.calendar.none') }}
        columns={[
          { title: t('monitoring.calendar.report'), render: (_, r) => <span title={source.get(r.key)}>{r.title}</span> },
          { title: t('monitoring.region'), dataIndex: 'regionName' },
          { title: t('monitoring.period'), dataIndex: 'period' },
          { title: t('monitoring.calendar.due'), dataIndex: 'dueOn' },
          { title: t('monitoring.status'), render: (_, r) => <Tag color={color[r.state]}>{t(`monitoring.calendar.states.${r.state}`, { days: Math.abs(r.daysLeft) })}</Tag> },
          { title: '', render: (_, r) => (r.state !== 'submitted' && r.regionCode === me!.regionCode ? <Button size="small" onClick={() => mark.mutate({ key: r.key, period: r.period })}>{t('monitoring.calendar.mark')}</Button> : null) },
        ]}
      />
    </>
  );
}
