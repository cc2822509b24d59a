import { Alert, Button, Card, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { beijingDate, client, need } from '../api';
import { clearFieldErrors, fen, showFieldErrors, yuan } from '../forms';
import { Session } from '../session';
import type { Body } from '../vocab';
import { Pipeline } from './Pipeline';
import { DateField, TimeField } from '../dates';

interface Employer {
  id: string;
  name: string;
  kind: string;
  regionCode: string;
  lat: number | null;
  lng: number | null;
  verified: boolean;
}
type Vacancy = Body<'Vacancy'>;

const KINDS = ['gig', 'regular', 'seasonal', 'public_welfare', 'work_relief', 'workshop'] as const;

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
  const kind = (Form.useWatch('kind', form) as string | undefined) ?? 'gig';
  const [employers, setEmployers] = useState<Employer[]>([]);
  const [list, setList] = useState<{ items: Vacancy[]; total: number } | null>(null);
  const [filters, setFilters] = useState<{ kind?: string; status?: string; q?: string; page: number }>({ page: 1 });
  const [error, setError] = useState<string | null>(null);
  const [posted, setPosted] = useState<string | null>(null);
  const [open, setOpen] = useState<Vacancy | null>(null);
  const loadList = useCallback(() => {
    const { page, ...rest } = filters;
    const query = Object.fromEntries(Object.entries(rest).filter(([, v]) => v));
    need(client(lang).GET('/api/v1/vacancies', { params: { query: { ...query, page, pageSize: 20 } } }))
      .then((r) => setList(r))
      .catch((e: Error) => setError(e.message));
  }, [lang, filters]);
  const loadEmployers = useCallback(() => {
    need(client(lang).GET('/api/v1/employers', { params: { query: { pageSize: 200 } } }))
      .then((r) => setEmployers((r as { items: Employer[] }).items))
      .catch(() => undefined);
  }, [lang]);
  useEffect(loadList, [loadList]);
  useEffect(loadEmployers, [loadEmployers]);

  const submit = async (v: PostForm) => {
    setError(null);
    clearFieldErrors(form);
    setPosted(null);
    const employer = employers.find((e) => e.id === v.employerId);
    const gig = v.kind === 'gig';
    try {
      const made = await need(
        client(lang).POST('/api/v1/vacancies', {
          body: {
            employerId: v.employerId,
            kind: v.kind,
            title: v.title,
            regionCode: employer?.regionCode ?? me!.regionCode,
            lat: employer?.lat ?? null,
            lng: employer?.lng ?? null,
            payMinFen: fen(v.payYuan) ?? 0,
            payMaxFen: fen(gig ? v.payYuan : (v.payMaxYuan ?? v.payYuan)) ?? 0,
            payUnit: gig ? 'day' : 'month',
            headcount: v.headcount,
            ...(gig ? {} : { description: v.description?.trim() || '', requirements: v.requirements?.trim() || '', hours: v.hours?.trim() || null }),
            details: detailsOf(v),
          },
        }),
      );
      setPosted((made as Vacancy).title);
      form.resetFields();
      form.setFieldsValue({ kind: v.kind });
      loadList();
    } catch (e) {
      setError(showFieldErrors(form, e, { payMinFen: 'payYuan', payMaxFen: gig ? 'payYuan' : 'payMaxYuan' }));
    }
  };
  const required = [{ required: true, message: t('vacancies.required') }];

  /** When the work is: a gig's day and hours, a seasonal trip's departure, else the day the post closes. */
  const whenOf = (v: Vacancy) => {
    const d = v.details as { date?: string; startTime?: string; endTime?: string; departureDate?: string };
    if (v.kind === 'gig' && d.date) return `${d.date}${d.startTime ? ` ${d.startTime}–${d.endTime ?? ''}` : ''}`;
    if (v.kind === 'seasonal' && d.departureDate) return t('vacancies.departs', { date: d.departureDate });
    return t('vacancies.until', { date: beijingDate(v.expiresAt) });
  };
  /** Pay in yuan per unit, as a range where it is one. */
  const payOf = (v: Vacancy) => {
    const amount = v.payMinFen === v.payMaxFen ? yuan(v.payMinFen) : `${yuan(v.payMinFen)}–${yuan(v.payMaxFen)}`;
    return t('vacancies.pay_per', { amount, unit: t(`vacancies.units.${v.payUnit}`) });
  };
  return (
    <div>
      <Typography.Title level={3}>{t('vacancies.title')}</Typography.Title>
      <Card size="small" title={t('vacancies.new_post')} style={{ marginBottom: 16, maxWidth: 760 }}>
        <Form name="post" form={form} layout="vertical" onFinish={submit} initialValues={{ kind: 'gig', startTime: '08:00', endTime: '17:00', headcount: 5, paySchedule: 'monthly' }}>
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
      <Employers employers={employers} onChange={loadEmployers} />
      <Pipeline vacancy={open} onClose={() => setOpen(null)} onChanged={loadList} />
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search aria-label={t('vacancies.search')} placeholder={t('vacancies.search')} allowClear onSearch={(q) => setFilters({ ...filters, q: q.trim() || undefined, page: 1 })} style={{ width: 220 }} />
        <Select aria-label={t('vacancies.kind')} allowClear placeholder={t('vacancies.kind')} style={{ width: 150 }} value={filters.kind} onChange={(k) => setFilters({ ...filters, kind: k, page: 1 })} options={KINDS.map((k) => ({ value: k, label: t(`vacancies.kinds.${k}`) }))} />
        <Select aria-label={t('vacancies.status')} allowClear placeholder={t('vacancies.status')} style={{ width: 130 }} value={filters.status} onChange={(st) => setFilters({ ...filters, status: st, page: 1 })} options={['draft', 'open', 'filled', 'closed', 'expired'].map((k) => ({ value: k, label: t(`vacancies.statuses.${k}`) }))} />
      </Space>
      <Table<Vacancy>
        locale={{ emptyText: t('vacancies.none') }}
        rowKey="id"
        size="middle"
        scroll={{ x: true }}
        loading={!list}
        dataSource={list?.items ?? []}
        pagination={{ current: filters.page, pageSize: 20, total: list?.total ?? 0, onChange: (page) => setFilters({ ...filters, page }), showSizeChanger: false }}
        columns={[
          { title: t('vacancies.gig_title'), dataIndex: 'title', render: (v: string, r) => <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(r)}>{v}</Button> },
          { title: t('vacancies.kind'), dataIndex: 'kind', render: (k: string) => t(`vacancies.kinds.${k}`) },
          { title: t('vacancies.status'), dataIndex: 'status', render: (s: string) => <Tag>{t(`vacancies.statuses.${s}`)}</Tag> },
          { title: t('vacancies.when'), render: (_, v) => whenOf(v) },
          { title: t('vacancies.pay_column'), render: (_, v) => payOf(v) },
          { title: t('vacancies.headcount'), dataIndex: 'headcount' },
        ]}
      />
    </div>
  );
}

const EMPLOYER_KINDS = ['enterprise', 'workshop', 'work_relief_contractor', 'village_committee', 'hr_agency', 'labour_broker', 'labour_cooperative'] as const;

/** The employers of the region: registered here, verified by the station before their posts may open. */
function Employers({ employers, onChange }: { employers: Employer[]; onChange: () => void }) {
  const { me, lang, t } = Session.use();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const create = async (v: { name: string; kind: Body<'EmployerCreate'>['kind']; creditCode?: string; contactName?: string; contactPhone?: string }) => {
    setError(null);
    clearFieldErrors(form);
    try {
      await need(client(lang).POST('/api/v1/employers', { body: { name: v.name, kind: v.kind, regionCode: me!.regionCode, creditCode: v.creditCode || null, contactName: v.contactName || null, contactPhone: v.contactPhone || null } }));
      form.resetFields();
      onChange();
    } catch (e) {
      setError(showFieldErrors(form, e));
    }
  };
  const verify = (id: string) => need(client(lang).POST('/api/v1/employers/{id}/verify', { params: { path: { id } } })).then(onChange).catch((e: Error) => setError(e.message));
  return (
    <Card size="small" title={t('employers.title')} style={{ marginBottom: 16 }}>
      <Form name="employer" form={form} layout="inline" onFinish={create} initialValues={{ kind: 'enterprise' }} style={{ rowGap: 8 }}>
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
          { title: t('employers.verified'), render: (_, e) => (e.verified ? <Tag color="green">{t('employers.yes')}</Tag> : <Button size="small" onClick={() => verify(e.id)}>{t('employers.verify')}</Button>) },
        ]}
      />
    </Card>
  );
}
