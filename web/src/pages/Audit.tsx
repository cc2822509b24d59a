import { Alert, DatePicker, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { beijing, beijingText, client, need } from '../api';
import type { T } from '../i18n';
import { RegionName } from '../regions';
import { Session } from '../session';
import type { Body } from '../vocab';

type Entry = Body<'AuditEntry'>;

/** Actions as people say them: a whole phrase where one is written, else the thing and what was done to it, else the code. */
export function actionText(t: T, action: string): string {
  // Action codes have dots, which the locale keys use for nesting: the phrases are kept under dots made '__'.
  const key = `audit.actions.${action.replace(/\./g, '__')}`;
  const whole = t(key);
  if (whole !== key) return whole;
  const [entity, ...rest] = action.split('.');
  const verb = rest.join('.');
  const thing = t(`audit.entities.${entity}`);
  const done = t(`audit.verbs.${verb}`);
  if (thing === `audit.entities.${entity}` || done === `audit.verbs.${verb}`) return action;
  return t('audit.phrase', { thing, done });
}

/** The actions the filter offers: those with a phrase of their own, in the reader's words. */
const FILTERABLE = [
  'auth.login', 'auth.login_failed', 'auth.logout', 'worker.create', 'worker.update', 'worker.reveal', 'worker.leave', 'employment.start', 'employment.end',
  'household.create', 'household.update', 'import.start', 'export.workers', 'vacancy.create', 'vacancy.update', 'employer.create', 'employer.verify',
  'application.create', 'training.create', 'training.enrol', 'broadcast.create', 'broadcast.cancel', 'broadcast.call_list', 'fair.create', 'fair.announce',
  'fair.checkin', 'policy.notify', 'rain_dew.open', 'rain_dew.contact', 'help_request.close', 'account.create', 'account.update', 'access.denied',
];

/** The audit log of the region (administrators): who did what to whom and when, filtered by person, action and days. */
export function Audit() {
  const { lang, t } = Session.use();
  const [action, setAction] = useState<string | undefined>();
  const [actorId, setActorId] = useState<string | undefined>();
  const [days, setDays] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const staff = useQuery({ queryKey: ['accounts', lang], queryFn: () => need(client(lang).GET('/api/v1/accounts', { params: { query: { pageSize: 100 } } })) });
  // Days are Beijing days: from the first day's midnight to the end of the last.
  const from = days?.[0] ? beijing(`${days[0].format('YYYY-MM-DD')}T00:00`) : undefined;
  const to = days?.[1] ? beijing(`${days[1].format('YYYY-MM-DD')}T23:59:59`) : undefined;
  const query = { page, pageSize: 50, ...(action ? { action } : {}), ...(actorId ? { actorId } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
  // The previous page stays on screen while the next is asked for.
  const entries = useQuery({ queryKey: ['audit', lang, query], queryFn: () => need(client(lang).GET('/api/v1/audit', { params: { query } })), placeholderData: keepPreviousData });
  const data = entries.data;
  const error = entries.error?.message ?? null;
  return (
    <div>
      <Typography.Title level={3}>{t('audit.title')}</Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('audit.who')}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('audit.who')}
          style={{ width: 220 }}
          value={actorId}
          onChange={(v) => { setPage(1); setActorId(v); }}
          options={(staff.data?.items ?? []).map((a) => ({ value: a.id, label: `${a.displayName} · ${t(`audit.roles.${a.role}`)}` }))}
        />
        <Select
          aria-label={t('audit.action')}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('audit.action')}
          style={{ width: 220 }}
          value={action}
          onChange={(v) => { setPage(1); setAction(v); }}
          options={FILTERABLE.map((a) => ({ value: a, label: actionText(t, a) }))}
        />
        <DatePicker.RangePicker aria-label={t('audit.days')} format="YYYY-MM-DD" value={days} onChange={(v) => { setPage(1); setDays(v); }} />
      </Space>
      {error && <Alert type="error" title={error} />}
      <Table<Entry>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        loading={!data && !error}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('audit.none') }}
        pagination={{ current: page, pageSize: 50, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('audit.at'), dataIndex: 'at', render: (v: string) => beijingText(v) },
          {
            title: t('audit.who'),
            render: (_, e) => (e.actorName ? <>{e.actorName} <Tag>{t(`audit.roles.${e.actorRole}`)}</Tag></> : <Typography.Text type="secondary">{t(e.actorId ? 'audit.unknown_actor' : 'audit.no_actor')}</Typography.Text>),
          },
          { title: t('audit.what'), dataIndex: 'action', render: (a: string) => actionText(t, a) },
          {
            title: t('audit.entity'),
            render: (_, e) =>
              e.entity ? (
                <span title={e.entityId ?? undefined}>
                  {t(`audit.entities.${e.entity}`) === `audit.entities.${e.entity}` ? e.entity : t(`audit.entities.${e.entity}`)}
                  {e.entityLabel ? `${t('punct.colon')}${e.entityLabel}` : ''}
                </span>
              ) : (
                '—'
              ),
          },
          { title: t('audit.region'), dataIndex: 'regionCode', render: (c: string | null) => (c ? <RegionName code={c} /> : '—') },
          { title: 'IP', dataIndex: 'ip' },
        ]}
      />
    </div>
  );
}
