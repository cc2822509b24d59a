import { Alert, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { client, need } from '../api';
import { Session } from '../session';

interface Household {
  id: string;
  regionCode: string;
  relocated: boolean;
  members: number;
  capableMembers: number;
  employedMembers: number;
  names: string[];
  zeroEmployment: boolean;
}
interface ZeroRow {
  householdId: string;
  regionCode: string;
  since: string;
  days: number;
  members: number;
  ableToWork: number;
  names: string[];
  warningId: string | null;
}

/** The households (户) of the region, and the 零就业家庭 among them, longest without work first. */
export function Households() {
  const { t } = Session.use();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'zero' ? 'zero' : 'all';
  return (
    <div>
      <Typography.Title level={3}>{t('households.title')}</Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'zero' ? { tab: 'zero' } : {})}
        items={[
          { key: 'all', label: t('households.all'), children: <AllHouseholds /> },
          { key: 'zero', label: t('households.zero'), children: <ZeroEmployment /> },
        ]}
      />
    </div>
  );
}

/** A household's members as links to each person's page. */
function Members({ names, householdId }: { names: string[]; householdId: string }) {
  const { t } = Session.use();
  return (
    <Space size={4} wrap>
      {names.length ? names.join('、') : '—'}
      <Link to={`/workers?householdId=${householdId}`}>{t('households.members_link')}</Link>
    </Space>
  );
}

function AllHouseholds() {
  const { lang, t } = Session.use();
  const [zero, setZero] = useState<'true' | 'false' | undefined>();
  const [relocated, setRelocated] = useState<'true' | 'false' | undefined>();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Household[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    need(client(lang).GET('/api/v1/households', { params: { query: { page, pageSize: 20, ...(zero ? { zeroEmployment: zero } : {}), ...(relocated ? { relocated } : {}) } } }))
      .then((r) => setData(r as { items: Household[]; total: number }))
      .catch((e: Error) => setError(e.message));
  }, [lang, zero, relocated, page]);
  const yesNo = [{ value: 'true', label: t('workers.yes_plain') }, { value: 'false', label: t('workers.no_plain') }];
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select aria-label={t('households.zero')} allowClear placeholder={t('households.zero')} style={{ width: 160 }} value={zero} onChange={(v) => { setPage(1); setZero(v); }} options={yesNo} />
        <Select aria-label={t('households.relocated')} allowClear placeholder={t('households.relocated')} style={{ width: 160 }} value={relocated} onChange={(v) => { setPage(1); setRelocated(v); }} options={yesNo} />
      </Space>
      {error && <Alert type="error" title={error} />}
      <Table<Household>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        loading={!data && !error}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('households.none') }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('households.members'), render: (_, h) => <Members names={h.names} householdId={h.id} /> },
          { title: t('households.counts'), render: (_, h) => t('households.count_text', { members: h.members, able: h.capableMembers, employed: h.employedMembers }) },
          { title: t('households.flags'), render: (_, h) => <Space size={4}>{h.zeroEmployment && <Tag color="red">{t('households.zero')}</Tag>}{h.relocated && <Tag>{t('households.relocated')}</Tag>}</Space> },
          { title: t('workers.region'), dataIndex: 'regionCode' },
        ]}
      />
    </>
  );
}

function ZeroEmployment() {
  const { lang, t } = Session.use();
  const [data, setData] = useState<ZeroRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    need(client(lang).GET('/api/v1/monitoring/zero-employment', { params: { query: {} } }))
      .then((r) => setData([...(r as { items: ZeroRow[] }).items].sort((a, b) => b.days - a.days)))
      .catch((e: Error) => setError(e.message));
  }, [lang]);
  if (error) return <Alert type="error" title={error} />;
  return (
    <>
      <Typography.Paragraph type="secondary">{t('households.zero_hint')}</Typography.Paragraph>
      <Table<ZeroRow>
        rowKey="householdId"
        size="small"
        scroll={{ x: true }}
        loading={!data}
        dataSource={data ?? []}
        locale={{ emptyText: t('households.no_zero') }}
        columns={[
          { title: t('households.members'), render: (_, h) => <Members names={h.names} householdId={h.householdId} /> },
          { title: t('households.able'), dataIndex: 'ableToWork' },
          { title: t('households.since'), dataIndex: 'since' },
          { title: t('households.days'), dataIndex: 'days', render: (d: number) => <Tag color={d >= 90 ? 'red' : d >= 30 ? 'orange' : undefined}>{t('households.days_text', { days: d })}</Tag> },
          { title: t('workers.region'), dataIndex: 'regionCode' },
          { title: '', render: (_, h) => (h.warningId ? <Link to="/monitoring">{t('households.warning')}</Link> : null) },
        ]}
      />
    </>
  );
}
