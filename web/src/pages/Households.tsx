import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Form, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { client, need } from '../api';
import { clearFieldErrors, dropReasonsOnChange, showFieldErrors } from '../forms';
import { PersonPicker } from '../PersonPicker';
import { RegionName, RegionPicker } from '../regions';
import { useColumnSettings, useCsvExport, useUrlFilters, type ListColumn } from '../lists';
import { Session } from '../session';
import type { Body } from '../vocab';

type Household = Body<'Household'>;
type ZeroRow = Body<'ZeroEmploymentHouseholds'>['items'][number];
type HouseholdChange = Body<'HouseholdPatch'>;
const FILTERS = ['zero', 'relocated', 'region'] as const;

/** The households (户) of the region, and the 零就业家庭 among them, longest without work first. */
export function Households() {
  const { t } = Session.use();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'zero' ? 'zero' : 'all';
  return (
    <div>
      <Typography.Title level={3}>{t('households.title')}</Typography.Title>
      <Tabs
        destroyOnHidden
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
      {names.length ? names.join(t('punct.list')) : '—'}
      <Link to={`/workers?householdId=${householdId}`}>{t('households.members_link')}</Link>
    </Space>
  );
}

function AllHouseholds() {
  const { me, lang, t } = Session.use();
  const [form] = Form.useForm();
  const queries = useQueryClient();
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  // A household made, joined or left changes who counts as a zero-employment household too.
  const reload = () => {
    void queries.invalidateQueries({ queryKey: ['households'] });
    void queries.invalidateQueries({ queryKey: ['monitoring/zero-employment'] });
  };
  const create = useMutation({
    mutationFn: (v: { memberIds?: string[]; regionCode: string; relocated?: boolean }) => need(client(lang).POST('/api/v1/households', { body: { regionCode: v.regionCode, relocated: Boolean(v.relocated), memberIds: v.memberIds ?? [] } })),
    onMutate: () => {
      setMessage(null);
      clearFieldErrors(form);
    },
    onSuccess: () => {
      form.resetFields();
      setMessage({ type: 'success', text: t('households.created') });
      reload();
    },
    onError: (e) => setMessage({ type: 'error', text: showFieldErrors(form, e) }),
  });
  /** Members join or leave, or the relocation flag changes; the list is read again. */
  const change = useMutation({
    mutationFn: ({ id, body }: { id: string; body: HouseholdChange }) => need(client(lang).PATCH('/api/v1/households/{id}', { params: { path: { id } }, body })),
    onMutate: () => setMessage(null),
    onSuccess: () => {
      setMessage({ type: 'success', text: t('households.saved') });
      reload();
    },
    onError: (e) => setMessage({ type: 'error', text: e.message }),
  });
  const { values: f, page, set } = useUrlFilters(FILTERS);
  const zero = f.zero === 'true' ? ('true' as const) : f.zero === 'false' ? ('false' as const) : undefined;
  const relocated = f.relocated === 'true' ? ('true' as const) : f.relocated === 'false' ? ('false' as const) : undefined;
  const region = f.region && f.region !== me!.regionCode && f.region.startsWith(me!.regionCode) ? f.region : undefined;
  const filter = { ...(zero ? { zeroEmployment: zero } : {}), ...(relocated ? { relocated } : {}), ...(region ? { regionCode: region } : {}) };
  const list = useQuery({
    queryKey: ['households', lang, filter, page],
    queryFn: () => need(client(lang).GET('/api/v1/households', { params: { query: { ...filter, page, pageSize: 20 } } })),
    placeholderData: keepPreviousData,
  });
  const yesNo = [{ value: 'true', label: t('workers.yes_plain') }, { value: 'false', label: t('workers.no_plain') }];
  const countText = (h: Household) => t('households.count_text', { members: h.members, able: h.capableMembers, employed: h.employedMembers });
  const columns: ListColumn<Household>[] = [
    { key: 'members', title: t('households.members'), render: (_, h) => <Members names={h.names} householdId={h.id} /> },
    { key: 'counts', title: t('households.counts'), render: (_, h) => countText(h) },
    { key: 'flags', title: t('households.flags'), render: (_, h) => <Space size={4}>{h.zeroEmployment && <Tag color="red">{t('households.zero')}</Tag>}{h.relocated && <Tag>{t('households.relocated')}</Tag>}</Space> },
    { key: 'region', title: t('workers.region'), render: (_, h) => h.regionName ?? <RegionName code={h.regionCode} /> },
  ];
  const { shown, control } = useColumnSettings('households', columns, ['members']);
  const csv = useCsvExport();
  /** The households of the current filter, every page, as CSV (the API has no export of households). */
  const exportCsv = () =>
    csv(`${t('households.title')}.csv`, [t('households.members'), t('households.counts'), t('households.zero'), t('households.relocated'), t('workers.region'), t('vacancies.village_code_column')], (p, size) => need(client(lang).GET('/api/v1/households', { params: { query: { ...filter, page: p, pageSize: size } } })), (h: Household) => [h.names.join(t('punct.list')), countText(h), h.zeroEmployment ? t('workers.yes_plain') : t('workers.no_plain'), h.relocated ? t('workers.yes_plain') : t('workers.no_plain'), h.regionName ?? h.regionCode, h.regionCode]);
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <RegionPicker id="households-region" ariaLabel={t('lists.region')} value={region} onChange={(code) => set({ region: code === me!.regionCode ? undefined : code })} />
        <Select aria-label={t('households.zero')} allowClear placeholder={t('households.zero')} style={{ width: 160 }} value={zero} onChange={(v) => set({ zero: v })} options={yesNo} />
        <Select aria-label={t('households.relocated')} allowClear placeholder={t('households.relocated')} style={{ width: 160 }} value={relocated} onChange={(v) => set({ relocated: v })} options={yesNo} />
        {control}
        <Button onClick={() => void exportCsv()}>{t('lists.export_csv')}</Button>
      </Space>
      {list.error && <Alert type="error" title={list.error.message} />}
      {message && <Alert type={message.type} title={message.text} closable onClose={() => setMessage(null)} style={{ marginBottom: 12 }} />}
      <Table<Household>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('households.none') }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: (p) => set({ page: p }), showSizeChanger: false }}
        expandable={{ expandedRowRender: (h) => <EditHousehold household={h} change={(body) => change.mutateAsync({ id: h.id, body }).then(() => undefined, () => undefined)} /> }}
        columns={shown}
      />
      <Card size="small" title={t('households.new')} style={{ marginTop: 16, maxWidth: 760 }}>
        <Form name="household" form={form} onValuesChange={dropReasonsOnChange(form)} layout="vertical" onFinish={(v) => create.mutate(v)} initialValues={{ regionCode: me!.regionCode, relocated: false }}>
          <Form.Item name="memberIds" label={t('households.members')}>
            <PersonPicker<string[]> multiple />
          </Form.Item>
          <Space wrap align="start">
            <Form.Item name="regionCode" label={t('workers.region_code')} rules={[{ required: true, message: t('vacancies.required') }]}>
              <RegionPicker />
            </Form.Item>
            <Form.Item name="relocated" label={t('households.relocated')} valuePropName="checked">
              <Checkbox>{t('households.relocated_hint')}</Checkbox>
            </Form.Item>
          </Space>
          <Button type="primary" htmlType="submit">{t('households.create')}</Button>
        </Form>
      </Card>
    </>
  );
}

/** A household's members, each of whom may leave it, one to add, and the relocation flag. */
function EditHousehold({ household, change }: { household: Household; change: (body: HouseholdChange) => Promise<void> }) {
  const { t } = Session.use();
  const [adding, setAdding] = useState<string[]>([]);
  return (
    <Space vertical style={{ width: "100%" }}>
      <Space wrap>
        {household.names.map((name, i) => (
          // The last member stays: a household is moved or emptied by moving its people into another.
          <Tag key={household.memberIds[i]} closable={household.names.length > 1} closeIcon={<span aria-label={t('households.remove', { name })}>×</span>} onClose={(e) => { e.preventDefault(); void change({ removeMemberIds: [household.memberIds[i]!] }); }}>
            <Link to={`/workers/${household.memberIds[i]}`}>{name}</Link>
          </Tag>
        ))}
      </Space>
      <Space wrap>
        <PersonPicker<string[]> multiple value={adding} onChange={setAdding} />
        <Button disabled={adding.length === 0} onClick={async () => { await change({ addMemberIds: adding }); setAdding([]); }}>{t('households.add_members')}</Button>
        <Checkbox checked={household.relocated} onChange={(e) => void change({ relocated: e.target.checked })}>{t('households.relocated_hint')}</Checkbox>
      </Space>
    </Space>
  );
}

function ZeroEmployment() {
  const { lang, t } = Session.use();
  const zero = useQuery({
    queryKey: ['monitoring/zero-employment', lang],
    queryFn: () => need(client(lang).GET('/api/v1/monitoring/zero-employment', { params: { query: {} } })),
    // Longest without work first.
    select: (r) => [...r.items].sort((a, b) => b.days - a.days),
  });
  const data = zero.data;
  const error = zero.error?.message ?? null;
  if (error) return <Alert type="error" title={error} />;
  return (
    <>
      <Typography.Paragraph type="secondary">{t('households.zero_hint')}</Typography.Paragraph>
      <Table<ZeroRow>
        rowKey="householdId"
        size="small"
        scroll={{ x: true }}
        loading={zero.isPending}
        dataSource={data ?? []}
        locale={{ emptyText: t('households.no_zero') }}
        columns={[
          { title: t('households.members'), render: (_, h) => <Members names={h.names} householdId={h.householdId} /> },
          { title: t('households.able'), dataIndex: 'ableToWork' },
          { title: t('households.since'), dataIndex: 'since' },
          { title: t('households.days'), dataIndex: 'days', render: (d: number) => <Tag color={d >= 90 ? 'red' : d >= 30 ? 'orange' : undefined}>{t('households.days_text', { days: d })}</Tag> },
          { title: t('workers.region'), dataIndex: 'regionCode', render: (c: string) => <RegionName code={c} /> },
          { title: '', render: (_, h) => (h.warningId ? <Link to="/monitoring">{t('households.warning')}</Link> : null) },
        ]}
      />
    </>
  );
}
