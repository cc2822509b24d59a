import { Alert, Button, Card, Drawer, Form, Input, InputNumber, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { client, need } from '../api';
import { clearFieldErrors, fen, showFieldErrors, yuan } from '../forms';
import { PersonPicker } from '../PersonPicker';
import { Session } from '../session';
import type { Body } from '../vocab';
import { DateField } from '../dates';

const KINDS = ['order', 'targeted', 'post_specific', 'pre_employment', 'apprenticeship', 'pre_job', 'upskilling'] as const;

type Training = Body<'TrainingSession'>;

/** Training sessions of the region: announce one (those it suits hear of it), and enrol people at the desk. */
export function Trainings() {
  const { me, lang, t } = Session.use();
  const [form] = Form.useForm();
  const [list, setList] = useState<{ items: Training[]; total: number } | null>(null);
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<Training | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [made, setMade] = useState<string | null>(null);
  const load = useCallback(() => {
    need(client(lang).GET('/api/v1/trainings', { params: { query: { page, pageSize: 20 } } }))
      .then((r) => setList(r as { items: Training[]; total: number }))
      .catch((e: Error) => setError(e.message));
  }, [lang, page]);
  useEffect(load, [load]);
  const create = async (v: { kind: Body<'TrainingSessionCreate'>['kind']; title: string; provider: string; place?: string; startDate: string; endDate: string; capacity: number; skills?: string[]; subsidyYuan?: number; allowanceYuan?: number }) => {
    setError(null);
    clearFieldErrors(form);
    setMade(null);
    try {
      const body = {
        kind: v.kind,
        title: v.title,
        provider: v.provider,
        regionCode: me!.regionCode,
        place: v.place?.trim() || null,
        startDate: v.startDate,
        endDate: v.endDate,
        capacity: v.capacity,
        skills: v.skills ?? [],
        trainingSubsidyFen: fen(v.subsidyYuan) ?? 0,
        livingAllowanceFen: fen(v.allowanceYuan) ?? 0,
      };
      const s = await need(client(lang).POST('/api/v1/trainings', { body }));
      setMade(s.title);
      form.resetFields();
      load();
    } catch (e) {
      setError(showFieldErrors(form, e, { trainingSubsidyFen: 'subsidyYuan', livingAllowanceFen: 'allowanceYuan' }));
    }
  };
  const required = [{ required: true, message: t('vacancies.required') }];
  return (
    <div>
      <Typography.Title level={3}>{t('trainings.title')}</Typography.Title>
      <Card size="small" title={t('trainings.new')} style={{ maxWidth: 760, marginBottom: 16 }}>
        <Form name="training" form={form} layout="vertical" onFinish={create} initialValues={{ kind: 'upskilling', capacity: 30 }}>
          <Space wrap align="start">
            <Form.Item name="kind" label={t('trainings.kind')}>
              <Select style={{ width: 170 }} options={KINDS.map((k) => ({ value: k, label: t(`trainings.kinds.${k}`) }))} />
            </Form.Item>
            <Form.Item name="title" label={t('trainings.name')} rules={required}>
              <Input maxLength={60} style={{ width: 260 }} />
            </Form.Item>
            <Form.Item name="provider" label={t('trainings.provider')} rules={required}>
              <Input maxLength={100} style={{ width: 220 }} />
            </Form.Item>
          </Space>
          <Space wrap align="start">
            <Form.Item name="startDate" label={t('trainings.start')} rules={required}>
              <DateField />
            </Form.Item>
            <Form.Item name="endDate" label={t('trainings.end')} rules={required}>
              <DateField />
            </Form.Item>
            <Form.Item name="capacity" label={t('trainings.capacity')} rules={required}>
              <InputNumber min={1} max={10000} />
            </Form.Item>
            <Form.Item name="subsidyYuan" label={t('trainings.subsidy')}>
              <InputNumber min={0} max={1000000} />
            </Form.Item>
            <Form.Item name="allowanceYuan" label={t('trainings.allowance')}>
              <InputNumber min={0} max={1000000} />
            </Form.Item>
          </Space>
          <Form.Item name="place" label={t('trainings.place')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="skills" label={t('trainings.skills')}>
            <Select mode="tags" tokenSeparators={[',', '，', ' ']} />
          </Form.Item>
          <Button type="primary" htmlType="submit">{t('trainings.create')}</Button>
        </Form>
        {made && <Alert type="success" title={t('trainings.made', { title: made })} style={{ marginTop: 12 }} />}
        {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
      </Card>
      <Table<Training>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        loading={!list && !error}
        dataSource={list?.items ?? []}
        locale={{ emptyText: t('trainings.none') }}
        pagination={{ current: page, pageSize: 20, total: list?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('trainings.name'), dataIndex: 'title', render: (v: string, s) => <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(s)}>{v}</Button> },
          { title: t('trainings.kind'), dataIndex: 'kind', render: (k: string) => t(`trainings.kinds.${k}`) },
          { title: t('trainings.dates'), render: (_, s) => `${s.startDate} — ${s.endDate}` },
          { title: t('trainings.places'), render: (_, s) => `${s.enrolled} / ${s.capacity}` },
          { title: t('trainings.status'), dataIndex: 'status', render: (st: string) => <Tag>{t(`trainings.statuses.${st}`)}</Tag> },
        ]}
      />
      {open && <TrainingDrawer training={open} onClose={() => setOpen(null)} onChanged={load} />}
    </div>
  );
}

function TrainingDrawer({ training, onClose, onChanged }: { training: Training; onClose: () => void; onChanged: () => void }) {
  const { lang, t } = Session.use();
  const [s, setS] = useState(training);
  const [who, setWho] = useState<string | undefined>();
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const enrol = async (cancel: boolean) => {
    if (!who) return;
    setMessage(null);
    try {
      const api = client(lang);
      const init = { params: { path: { id: s.id } }, body: { workerId: who } };
      await need(cancel ? api.POST('/api/v1/trainings/{id}/enrolments/cancel', init) : api.POST('/api/v1/trainings/{id}/enrolments', init));
      setS(await need(client(lang).GET('/api/v1/trainings/{id}', { params: { path: { id: s.id } } })));
      setMessage({ type: 'success', text: t(cancel ? 'trainings.cancelled' : 'trainings.enrolled') });
      onChanged();
    } catch (e) {
      setMessage({ type: 'error', text: (e as Error).message });
    }
  };
  return (
    <Drawer open onClose={onClose} title={s.title} width={Math.min(640, window.innerWidth)}>
      <Space wrap size="large" style={{ marginBottom: 12 }}>
        <Statistic title={t('trainings.places')} value={`${s.enrolled} / ${s.capacity}`} />
        <Statistic title={t('trainings.subsidy')} value={yuan(s.trainingSubsidyFen)} />
        <Statistic title={t('trainings.allowance')} value={yuan(s.livingAllowanceFen)} />
      </Space>
      <Typography.Paragraph>{`${s.provider} · ${s.place ?? ''} · ${s.startDate} — ${s.endDate}`}</Typography.Paragraph>
      <Card size="small" title={t('trainings.enrol_someone')}>
        <Space wrap>
          <PersonPicker value={who} onChange={setWho} />
          <Button type="primary" disabled={!who} onClick={() => enrol(false)}>{t('trainings.enrol')}</Button>
          <Button disabled={!who} onClick={() => enrol(true)}>{t('trainings.cancel_enrolment')}</Button>
        </Space>
        {message && <Alert type={message.type} title={message.text} style={{ marginTop: 8 }} />}
      </Card>
    </Drawer>
  );
}
