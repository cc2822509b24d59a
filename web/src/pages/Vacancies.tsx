import { Alert, Button, Card, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, client, need } from '../api';
import { Session } from '../session';
import { Pipeline } from './Pipeline';

interface Employer {
  id: string;
  name: string;
  kind: string;
  regionCode: string;
  lat: number | null;
  lng: number | null;
  verified: boolean;
}
interface Vacancy {
  id: string;
  kind: string;
  title: string;
  status: string;
  headcount: number;
  regionCode: string;
  lat: number | null;
  lng: number | null;
}

/** Posts of the region, and a form to post a gig (零工) near where it is done. */
export function Vacancies() {
  const { me, lang, t } = Session.use();
  const [form] = Form.useForm();
  const [employers, setEmployers] = useState<Employer[]>([]);
  const [list, setList] = useState<Vacancy[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [posted, setPosted] = useState<string | null>(null);
  const [open, setOpen] = useState<Vacancy | null>(null);
  const load = useCallback(() => {
    const api = client(lang);
    need(api.GET('/api/v1/vacancies', { params: { query: { pageSize: 50 } } } as never))
      .then((r) => setList((r as { items: Vacancy[] }).items))
      .catch((e: Error) => setError(e.message));
    need(api.GET('/api/v1/employers', { params: { query: { pageSize: 200 } } } as never))
      .then((r) => setEmployers((r as { items: Employer[] }).items))
      .catch(() => undefined);
  }, [lang]);
  useEffect(load, [load]);

  const submit = async (v: { employerId: string; title: string; date: string; startTime: string; endTime: string; payYuan: number; headcount: number; lat?: number; lng?: number }) => {
    setError(null);
    setPosted(null);
    const employer = employers.find((e) => e.id === v.employerId);
    try {
      const made = await need(
        client(lang).POST('/api/v1/vacancies', {
          body: {
            employerId: v.employerId,
            kind: 'gig',
            title: v.title,
            regionCode: employer?.regionCode ?? me!.regionCode,
            lat: v.lat ?? employer?.lat ?? null,
            lng: v.lng ?? employer?.lng ?? null,
            payMinFen: Math.round(v.payYuan * 100),
            payMaxFen: Math.round(v.payYuan * 100),
            payUnit: 'day',
            headcount: v.headcount,
            details: { date: v.date, startTime: v.startTime, endTime: v.endTime },
          },
        } as never),
      );
      setPosted((made as Vacancy).title);
      form.resetFields();
      load();
    } catch (e) {
      const err = e as ApiError;
      // Each field's reason beside the field, as the API words it.
      form.setFields(err.details.filter((d) => d.path?.startsWith('body.')).map((d) => ({ name: d.path!.slice(5).split('.')[0]!, errors: [d.message] })));
      setError(err.message);
    }
  };

  return (
    <div>
      <Typography.Title level={3}>{t('vacancies.title')}</Typography.Title>
      <Card size="small" title={t('vacancies.new_gig')} style={{ marginBottom: 16, maxWidth: 720 }}>
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ startTime: '08:00', endTime: '17:00', headcount: 5 }}>
          <Form.Item name="employerId" label={t('vacancies.employer')} rules={[{ required: true, message: t('vacancies.required') }]}>
            <Select showSearch optionFilterProp="label" options={employers.filter((e) => e.verified).map((e) => ({ value: e.id, label: e.name }))} />
          </Form.Item>
          <Form.Item name="title" label={t('vacancies.gig_title')} rules={[{ required: true, message: t('vacancies.required') }]}>
            <Input maxLength={60} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="date" label={t('vacancies.date')} rules={[{ required: true, message: t('vacancies.required') }]}>
              <Input type="date" />
            </Form.Item>
            <Form.Item name="startTime" label={t('vacancies.start')} rules={[{ required: true }]}>
              <Input type="time" />
            </Form.Item>
            <Form.Item name="endTime" label={t('vacancies.end')} rules={[{ required: true }]}>
              <Input type="time" />
            </Form.Item>
          </Space>
          <Space wrap>
            <Form.Item name="payYuan" label={t('vacancies.pay')} rules={[{ required: true, message: t('vacancies.required') }]}>
              <InputNumber min={1} max={100000} />
            </Form.Item>
            <Form.Item name="headcount" label={t('vacancies.headcount')} rules={[{ required: true }]}>
              <InputNumber min={1} max={10000} />
            </Form.Item>
          </Space>
          <Button type="primary" htmlType="submit">{t('vacancies.post')}</Button>
        </Form>
        {posted && <Alert type="success" title={t('vacancies.posted', { title: posted })} style={{ marginTop: 12 }} />}
        {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
      </Card>
      <Employers employers={employers} onChange={load} />
      <Pipeline vacancy={open} onClose={() => setOpen(null)} />
      <Table<Vacancy>
        rowKey="id"
        size="middle"
        scroll={{ x: true }}
        loading={!list}
        dataSource={list ?? []}
        columns={[
          { title: t('vacancies.gig_title'), dataIndex: 'title', render: (v: string, r) => <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(r)}>{v}</Button> },
          { title: t('vacancies.kind'), dataIndex: 'kind', render: (k: string) => t(`vacancies.kinds.${k}`) },
          { title: t('vacancies.status'), dataIndex: 'status', render: (s: string) => <Tag>{t(`vacancies.statuses.${s}`)}</Tag> },
          { title: t('vacancies.headcount'), dataIndex: 'headcount' },
        ]}
      />
    </div>
  );
}

const EMPLOYER_KINDS = ['enterprise', 'workshop', 'work_relief_contractor', 'village_committee', 'hr_agency', 'labour_broker', 'labour_cooperative'];

/** The employers of the region: registered here, verified by the station before their posts may open. */
function Employers({ employers, onChange }: { employers: Employer[]; onChange: () => void }) {
  const { me, lang, t } = Session.use();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const create = async (v: { name: string; kind: string; creditCode?: string; contactName?: string; contactPhone?: string }) => {
    setError(null);
    try {
      await need(client(lang).POST('/api/v1/employers', { body: { name: v.name, kind: v.kind, regionCode: me!.regionCode, creditCode: v.creditCode || null, contactName: v.contactName || null, contactPhone: v.contactPhone || null } } as never));
      form.resetFields();
      onChange();
    } catch (e) {
      const err = e as ApiError;
      form.setFields(err.details.filter((d) => d.path?.startsWith('body.')).map((d) => ({ name: d.path!.slice(5).split('.')[0]!, errors: [d.message] })));
      setError(err.message);
    }
  };
  const verify = (id: string) => need(client(lang).POST('/api/v1/employers/{id}/verify', { params: { path: { id } } } as never)).then(onChange).catch((e: Error) => setError(e.message));
  return (
    <Card size="small" title={t('employers.title')} style={{ marginBottom: 16 }}>
      <Form form={form} layout="inline" onFinish={create} initialValues={{ kind: 'enterprise' }} style={{ rowGap: 8 }}>
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
