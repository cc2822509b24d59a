import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { beijingDate, client, need } from '../api';
import { useColumnSettings, useCsvExport, useUrlFilters, type ListColumn } from '../lists';
import { PlaceFields } from '../places';
import { RegionName } from '../regions';
import { clearFieldErrors, dropReasonsOnChange, fen, showFieldErrors, yuan } from '../forms';
import { Session } from '../session';
import type { Body } from '../vocab';
import { Pipeline } from './Pipeline';
import { StationPlace, StationsOverview } from '../station';
import { PostPlaceModal } from './PostPlace';
import { DateField, TimeField } from '../dates';

type Employer = Body<'Employer'>;
type Vacancy = Body<'Vacancy'>;
const FILTERS = ['q', 'kind', 'status'] as const;

const KINDS = ['gig', 'regular', 'seasonal', 'public_welfare', 'work_relief', 'workshop'] as const;
const STATUSES = ['draft', 'open', 'filled', 'closed', 'expired'] as const;
/** A kind-specific fact of a post (its details are free-form by kind): the text, when it is one. */
const textOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

interface PostForm {
  kind: Body<'VacancyCreate'>['kind'];
  employerId: string;
  title: string;
  headcount: number;
  date?: string;
  startTime?: string;
  endTime?: string;
  payYuan?: number;
  payMaxYuan?: number;
  hours?: string;
  description?: string;
  requirements?: string;
  destination?: string;
  departureDate?: string;
  contractMonths?: number;
  project?: string;
  paySchedule?: string;
  villageCode?: string;
  address?: string;
  lat?: number | null;
  lng?: number | null;
}

/** What each kind of post must say besides the common fields (a gig its day and hours, a seasonal departure where to). */
function detailsOf(v: PostForm): Record<string, unknown> {
  if (v.kind === 'gig') return { date: v.date, startTime: v.startTime, endTime: v.endTime };
  if (v.kind === 'seasonal') return { destination: v.destination, departureDate: v.departureDate };
  if (v.kind === 'public_welfare') return { contractMonths: v.contractMonths };
  if (v.kind === 'work_relief') return { project: v.project, paySchedule: v.paySchedule };
  return {};
}

/** Posts of the region, a form to post a gig (零工) near where it is done or any other kind of post, and their employers. */
export function Vacancies() {
  const { me, lang, t } = Session.use();
  const [form] = Form.useForm<PostForm>();
  const kind = Form.useWatch('kind', form) ?? 'gig';
  const queries = useQueryClient();
  const { values: f, page, set } = useUrlFilters(FILTERS);
  const [open, setOpen] = useState<Vacancy | null>(null);
  const [placing, setPlacing] = useState<Vacancy | null>(null);
  const kindShown = KINDS.find((k) => k === f.kind);
  const statusShown = STATUSES.find((k) => k === f.status);
  const filter = { ...(f.q ? { q: f.q } : {}), ...(kindShown ? { kind: kindShown } : {}), ...(statusShown ? { status: statusShown } : {}) };
  const list = useQuery({
    queryKey: ['vacancies', lang, filter, page],
    queryFn: () => need(client(lang).GET('/api/v1/vacancies', { params: { query: { ...filter, page, pageSize: 20 } } })),
    placeholderData: keepPreviousData,
  });
  const employerList = useQuery({ queryKey: ['employers', lang], queryFn: () => need(client(lang).GET('/api/v1/employers', { params: { query: { pageSize: 200 } } })) });
  const employers = employerList.data?.items ?? [];
  const loadList = () => void queries.invalidateQueries({ queryKey: ['vacancies'] });
  const loadEmployers = () => void queries.invalidateQueries({ queryKey: ['employers'] });

  const post = useMutation({
    mutationFn: (v: PostForm) => {
      const employer = employers.find((e) => e.id === v.employerId);
      const gig = v.kind === 'gig';
      return need(
        client(lang).POST('/api/v1/vacancies', {
          body: {
            employerId: v.employerId,
            kind: v.kind,
            title: v.title,
            // The village picked, else the employer's region; the point picked, else the employer's own.
            regionCode: v.villageCode ?? employer?.regionCode ?? me!.regionCode,
            address: v.address?.trim() || null,
            lat: typeof v.lat === 'number' && typeof v.lng === 'number' ? v.lat : v.lat == null && v.lng == null ? (employer?.lat ?? null) : (v.lat ?? null),
            lng: typeof v.lat === 'number' && typeof v.lng === 'number' ? v.lng : v.lat == null && v.lng == null ? (employer?.lng ?? null) : (v.lng ?? null),
            payMinFen: fen(v.payYuan) ?? 0,
            payMaxFen: fen(gig ? v.payYuan : (v.payMaxYuan ?? v.payYuan)) ?? 0,
            payUnit: gig ? 'day' : 'month',
            headcount: v.headcount,
            ...(gig ? {} : { description: v.description?.trim() || '', requirements: v.requirements?.trim() || '', hours: v.hours?.trim() || null }),
            details: detailsOf(v),
          },
        }),
      );
    },
    onMutate: () => clearFieldErrors(form),
    onSuccess: (_made, v) => {
      form.resetFields();
      form.setFieldsValue({ kind: v.kind });
      loadList();
    },
    // The reasons of this answer beside their fields (a price in yuan where the API takes fen).
    onError: (e, v) => showFieldErrors(form, e, { payMinFen: 'payYuan', payMaxFen: v.kind === 'gig' ? 'payYuan' : 'payMaxYuan', regionCode: 'villageCode' }),
  });
  const posted = post.data?.title ?? null;
  const error = post.error?.message ?? null;
  const required = [{ required: true, message: t('vacancies.required') }];

  /** The day of the work: a gig's day, a seasonal trip's departure, else the day the post closes. */
  const dateOf = (v: Vacancy) => {
    const date = textOf(v.details.date);
    const departure = textOf(v.details.departureDate);
    if (v.kind === 'gig' && date) return date;
    if (v.kind === 'seasonal' && departure) return t('vacancies.departs', { date: departure });
    return t('vacancies.until', { date: beijingDate(v.expiresAt) });
  };
  /** The hours: a gig's start and end, else what the post says of its hours. */
  const hoursOf = (v: Vacancy) => {
    const start = textOf(v.details.startTime);
    if (v.kind === 'gig' && start) return `${start}–${textOf(v.details.endTime) ?? ''}`;
    return v.hours ?? '';
  };
  /** Pay in yuan per unit, as a range where it is one. */
  const payOf = (v: Vacancy) => {
    const amount = v.payMinFen === v.payMaxFen ? yuan(v.payMinFen) : `${yuan(v.payMinFen)}–${yuan(v.payMaxFen)}`;
    return t('vacancies.pay_per', { amount, unit: t(`vacancies.units.${v.payUnit}`) });
  };
  const columns: ListColumn<Vacancy>[] = [
    { key: 'title', title: t('vacancies.gig_title'), dataIndex: 'title', render: (v: string, r) => <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(r)}>{v}</Button> },
    { key: 'kind', title: t('vacancies.kind'), dataIndex: 'kind', render: (k: string) => t(`vacancies.kinds.${k}`) },
    { key: 'status', title: t('vacancies.status'), dataIndex: 'status', render: (st: string) => <Tag>{t(`vacancies.statuses.${st}`)}</Tag> },
    { key: 'date', title: t('vacancies.date_column'), render: (_, v) => dateOf(v) },
    { key: 'hours', title: t('vacancies.hours_column'), render: (_, v) => hoursOf(v) },
    { key: 'pay', title: t('vacancies.pay_column'), render: (_, v) => payOf(v) },
    {
      key: 'place',
      title: t('vacancies.place_column'),
      render: (_, v) => (
        <Space size={4} wrap>
          <span data-testid="vacancy-place">{v.regionName ?? <RegionName code={v.regionCode} />}{v.address ? ` ${v.address}` : ''}</span>
          <Button size="small" type="link" style={{ padding: 0 }} onClick={() => setPlacing(v)}>{t('vacancies.edit_place')}</Button>
        </Space>
      ),
    },
    { key: 'headcount', title: t('vacancies.headcount'), dataIndex: 'headcount' },
  ];
  const { shown, control } = useColumnSettings('vacancies', columns, ['title']);
  const csv = useCsvExport();
  /** The posts of the current filter, every page of it, as CSV (the API has no export of posts). */
  const exportCsv = () =>
    csv(`${t('vacancies.title')}.csv`, [t('vacancies.gig_title'), t('vacancies.kind'), t('vacancies.status'), t('vacancies.date_column'), t('vacancies.hours_column'), t('vacancies.pay_column'), t('vacancies.place_column'), t('vacancies.village_code_column'), t('vacancies.headcount')], (p, size) => need(client(lang).GET('/api/v1/vacancies', { params: { query: { ...filter, page: p, pageSize: size } } })), (v: Vacancy) => [v.title, t(`vacancies.kinds.${v.kind}`), t(`vacancies.statuses.${v.status}`), dateOf(v), hoursOf(v), payOf(v), [v.regionName ?? v.regionCode, v.address].filter(Boolean).join(' '), v.regionCode, v.headcount]);
  return (
    <div>
      <Typography.Title level={3}>{t('vacancies.title')}</Typography.Title>
      <Card size="small" title={t('vacancies.new_post')} style={{ marginBottom: 16, maxWidth: 760 }}>
        <Form name="post" form={form} onValuesChange={dropReasonsOnChange(form)} layout="vertical" onFinish={(v) => post.mutate(v)} initialValues={{ kind: 'gig', startTime: '08:00', endTime: '17:00', headcount: 5, paySchedule: 'monthly' }}>
          <Space wrap align="start">
            <Form.Item name="kind" label={t('vacancies.kind')}>
              <Select style={{ width: 150 }} options={KINDS.map((k) => ({ value: k, label: t(`vacancies.kinds.${k}`) }))} />
            </Form.Item>
            <Form.Item name="employerId" label={t('vacancies.employer')} rules={required}>
              <Select showSearch={{ optionFilterProp: 'label' }} style={{ width: 280 }} options={employers.filter((e) => e.verified).map((e) => ({ value: e.id, label: e.name }))} />
            </Form.Item>
          </Space>
          <Form.Item name="title" label={t('vacancies.gig_title')} rules={required}>
            <Input maxLength={60} />
          </Form.Item>
          {kind === 'gig' ? (
            <Space wrap>
              <Form.Item name="date" label={t('vacancies.date')} rules={required}>
                <DateField />
              </Form.Item>
              <Form.Item name="startTime" label={t('vacancies.start')} rules={required}>
                <TimeField />
              </Form.Item>
              <Form.Item name="endTime" label={t('vacancies.end')} rules={required}>
                <TimeField />
              </Form.Item>
            </Space>
          ) : (
            <>
              {kind === 'seasonal' && (
                <Space wrap>
                  <Form.Item name="destination" label={t('vacancies.destination')} rules={required}>
                    <Input maxLength={100} style={{ width: 220 }} />
                  </Form.Item>
                  <Form.Item name="departureDate" label={t('vacancies.departure')} rules={required}>
                    <DateField />
                  </Form.Item>
                </Space>
              )}
              {kind === 'public_welfare' && (
                <Form.Item name="contractMonths" label={t('vacancies.contract_months')} rules={required}>
                  <InputNumber min={1} max={12} />
                </Form.Item>
              )}
              {kind === 'work_relief' && (
                <Space wrap>
                  <Form.Item name="project" label={t('vacancies.project')} rules={required}>
                    <Input maxLength={100} style={{ width: 260 }} />
                  </Form.Item>
                  <Form.Item name="paySchedule" label={t('vacancies.pay_schedule')}>
                    <Select style={{ width: 140 }} options={['weekly', 'monthly', 'on_completion'].map((k) => ({ value: k, label: t(`vacancies.schedules.${k}`) }))} />
                  </Form.Item>
                </Space>
              )}
              <Form.Item name="description" label={t('vacancies.description')}>
                <Input.TextArea rows={2} maxLength={2000} />
              </Form.Item>
              <Space wrap>
                <Form.Item name="requirements" label={t('vacancies.requirements')}>
                  <Input maxLength={500} style={{ width: 300 }} />
                </Form.Item>
                <Form.Item name="hours" label={t('vacancies.hours')}>
                  <Input maxLength={100} style={{ width: 200 }} />
                </Form.Item>
              </Space>
            </>
          )}
          <Card size="small" type="inner" title={t('places.place')} style={{ marginBottom: 16 }}>
            <PlaceFields form={form} />
          </Card>
          <Space wrap>
            <Form.Item name="payYuan" label={kind === 'gig' ? t('vacancies.pay') : t('vacancies.pay_min')} rules={required}>
              <InputNumber min={1} max={1000000} />
            </Form.Item>
            {kind !== 'gig' && (
              <Form.Item name="payMaxYuan" label={t('vacancies.pay_max')}>
                <InputNumber min={1} max={1000000} />
              </Form.Item>
            )}
            <Form.Item name="headcount" label={t('vacancies.headcount')} rules={required}>
              <InputNumber min={1} max={10000} />
            </Form.Item>
          </Space>
          <Button type="primary" htmlType="submit">{t('vacancies.post')}</Button>
        </Form>
        {posted && <Alert type="success" title={t('vacancies.posted', { title: posted })} style={{ marginTop: 12 }} />}
        {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
      </Card>
      <StationPlace />
      {/* Staff of a county or above, with no station of their own: all the region's stations and their circles at once. */}
      {!me!.stationId && <StationsOverview />}
      <Employers employers={employers} onChange={loadEmployers} />
      <Pipeline vacancy={open} onClose={() => setOpen(null)} onChanged={loadList} />
      <PostPlaceModal post={placing} onClose={() => setPlacing(null)} />
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search aria-label={t('vacancies.search')} placeholder={t('vacancies.search')} allowClear defaultValue={f.q} onSearch={(q) => set({ q: q.trim() })} style={{ width: 220 }} />
        <Select aria-label={t('vacancies.kind')} allowClear placeholder={t('vacancies.kind')} style={{ width: 150 }} value={filter.kind} onChange={(k) => set({ kind: k })} options={KINDS.map((k) => ({ value: k, label: t(`vacancies.kinds.${k}`) }))} />
        <Select aria-label={t('vacancies.status')} allowClear placeholder={t('vacancies.status')} style={{ width: 130 }} value={filter.status} onChange={(st) => set({ status: st })} options={STATUSES.map((k) => ({ value: k, label: t(`vacancies.statuses.${k}`) }))} />
        {control}
        <Button onClick={() => void exportCsv()}>{t('lists.export_csv')}</Button>
      </Space>
      {list.error && <Alert type="error" title={list.error.message} style={{ marginBottom: 8 }} />}
      <Table<Vacancy>
        locale={{ emptyText: t('vacancies.none') }}
        rowKey="id"
        size="middle"
        scroll={{ x: 'max-content' }}
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: (p) => set({ page: p }), showSizeChanger: false }}
        columns={shown}
      />
    </div>
  );
}

const EMPLOYER_KINDS = ['enterprise', 'workshop', 'work_relief_contractor', 'village_committee', 'hr_agency', 'labour_broker', 'labour_cooperative'] as const;

/** The employers of the region: registered here, verified by the station before their posts may open. */
function Employers({ employers, onChange }: { employers: Employer[]; onChange: () => void }) {
  const { me, lang, t } = Session.use();
  const [form] = Form.useForm();
  const create = useMutation({
    mutationFn: (v: { name: string; kind: Body<'EmployerCreate'>['kind']; creditCode?: string; contactName?: string; contactPhone?: string }) =>
      need(client(lang).POST('/api/v1/employers', { body: { name: v.name, kind: v.kind, regionCode: me!.regionCode, creditCode: v.creditCode || null, contactName: v.contactName || null, contactPhone: v.contactPhone || null } })),
    onMutate: () => clearFieldErrors(form),
    onSuccess: () => {
      form.resetFields();
      onChange();
    },
    onError: (e) => showFieldErrors(form, e),
  });
  const verify = useMutation({ mutationFn: (id: string) => need(client(lang).POST('/api/v1/employers/{id}/verify', { params: { path: { id } } })), onSuccess: onChange });
  // The latest answer's words: a failed verification, or the form's.
  const error = (verify.error ?? create.error)?.message ?? null;
  return (
    <Card size="small" title={t('employers.title')} style={{ marginBottom: 16 }}>
      <Form name="employer" form={form} onValuesChange={dropReasonsOnChange(form)} layout="inline" onFinish={(v) => { verify.reset(); create.mutate(v); }} initialValues={{ kind: 'enterprise' }} style={{ rowGap: 8 }}>
        <Form.Item name="name" label={t('employers.name')} rules={[{ required: true, message: t('vacancies.required') }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="kind" label={t('employers.kind')}>
          <Select style={{ width: 180 }} options={EMPLOYER_KINDS.map((k) => ({ value: k, label: t(`employers.kinds.${k}`) }))} />
        </Form.Item>
        <Form.Item name="creditCode" label={t('employers.credit_code')}>
          <Input maxLength={18} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="contactPhone" label={t('employers.phone')}>
          <Input maxLength={20} style={{ width: 150 }} />
        </Form.Item>
        <Button htmlType="submit">{t('employers.add')}</Button>
      </Form>
      {error && <Alert type="error" title={error} style={{ marginTop: 8 }} />}
      <Table<Employer>
        style={{ marginTop: 12 }}
        rowKey="id"
        size="small"
        pagination={{ pageSize: 10 }}
        dataSource={employers}
        columns={[
          { title: t('employers.name'), dataIndex: 'name' },
          { title: t('employers.kind'), dataIndex: 'kind', render: (k: string) => t(`employers.kinds.${k}`) },
          { title: t('employers.verified'), render: (_, e) => (e.verified ? <Tag color="green">{t('employers.yes')}</Tag> : <Button size="small" onClick={() => { create.reset(); verify.mutate(e.id); }}>{t('employers.verify')}</Button>) },
        ]}
      />
    </Card>
  );
}
