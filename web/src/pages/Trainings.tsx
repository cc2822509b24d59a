import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Drawer, Form, Input, InputNumber, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { client, need } from '../api';
import { useColumnSettings, useCsvExport, useUrlFilters, type ListColumn } from '../lists';
import { clearFieldErrors, dropReasonsOnChange, fen, showFieldErrors, yuan } from '../forms';
import { PersonPicker } from '../PersonPicker';
import { Session } from '../session';
import type { Body } from '../vocab';
import { DateField } from '../dates';

const KINDS = ['order', 'targeted', 'post_specific', 'pre_employment', 'apprenticeship', 'pre_job', 'upskilling'] as const;

type Training = Body<'TrainingSession'>;
const FILTERS = ['q', 'kind'] as const;

/** Training sessions of the region: announce one (those it suits hear of it), and enrol people at the desk. */
export function Trainings() {
  const { me, lang, t } = Session.use();
  const [form] = Form.useForm();
  const queries = useQueryClient();
  const { values: f, page, set } = useUrlFilters(FILTERS);
  const [open, setOpen] = useState<Training | null>(null);
  const kind = KINDS.find((k) => k === f.kind);
  const filter = { ...(f.q ? { q: f.q } : {}), ...(kind ? { kind } : {}) };
  const list = useQuery({
    queryKey: ['trainings', lang, filter, page],
    queryFn: () => need(client(lang).GET('/api/v1/trainings', { params: { query: { ...filter, page, pageSize: 20 } } })),
    placeholderData: keepPreviousData,
  });
  const load = () => void queries.invalidateQueries({ queryKey: ['trainings'] });
  const columns: ListColumn<Training>[] = [
    { key: 'title', title: t('trainings.name'), dataIndex: 'title', render: (v: string, s) => <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(s)}>{v}</Button> },
    { key: 'kind', title: t('trainings.kind'), dataIndex: 'kind', render: (k: string) => t(`trainings.kinds.${k}`) },
    { key: 'dates', title: t('trainings.dates'), render: (_, s) => `${s.startDate} — ${s.endDate}` },
    { key: 'place', title: t('trainings.place'), dataIndex: 'place', render: (p: string | null) => p ?? '' },
    { key: 'places', title: t('trainings.places'), render: (_, s) => `${s.enrolled} / ${s.capacity}` },
    { key: 'status', title: t('trainings.status'), dataIndex: 'status', render: (st: string) => <Tag>{t(`trainings.statuses.${st}`)}</Tag> },
  ];
  const { shown, control } = useColumnSettings('trainings', columns, ['title']);
  const csv = useCsvExport();
  /** The sessions of the current filter, every page, as CSV (the API has no export of trainings). */
  const exportCsv = () =>
    csv(`${t('trainings.title')}.csv`, [t('trainings.name'), t('trainings.kind'), t('trainings.provider'), t('trainings.start'), t('trainings.end'), t('trainings.place'), t('trainings.capacity'), t('trainings.places'), t('trainings.status')], (p, size) => need(client(lang).GET('/api/v1/trainings', { params: { query: { ...filter, page: p, pageSize: size } } })), (s: Training) => [s.title, t(`trainings.kinds.${s.kind}`), s.provider, s.startDate, s.endDate, s.place, s.capacity, s.enrolled, t(`trainings.statuses.${s.status}`)]);
  const create = useMutation({
    mutationFn: (v: { kind: Body<'TrainingSessionCreate'>['kind']; title: string; provider: string; place?: string; startDate: string; endDate: string; capacity: number; skills?: string[]; subsidyYuan?: number; allowanceYuan?: number }) =>
      need(
        client(lang).POST('/api/v1/trainings', {
          body: {
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
          },
        }),
      ),
    onMutate: () => clearFieldErrors(form),
    onSuccess: () => {
      form.resetFields();
      load();
    },
    // Each field's reason from this answer (yuan in the form where the API takes fen).
    onError: (e) => showFieldErrors(form, e, { trainingSubsidyFen: 'subsidyYuan', livingAllowanceFen: 'allowanceYuan' }),
  });
  const made = create.data?.title ?? null;
  const error = create.error?.message ?? null;
  const required = [{ required: true, message: t('vacancies.required') }];
  return (
    <div>
      <Typography.Title level={3}>{t('trainings.title')}</Typography.Title>
      <Card size="small" title={t('trainings.new')} style={{ maxWidth: 760, marginBottom: 16 }}>
        <Form name="training" form={form} onValuesChange={dropReasonsOnChange(form)} layout="vertical" onFinish={(v) => create.mutate(v)} initialValues={{ kind: 'upskilling', capacity: 30 }}>
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
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search aria-label={t('trainings.search')} placeholder={t('trainings.search')} allowClear defaultValue={f.q} onSearch={(q) => set({ q: q.trim() })} style={{ width: 220 }} />
        <Select aria-label={t('trainings.kind')} allowClear placeholder={t('trainings.kind')} style={{ width: 170 }} value={kind} onChange={(k) => set({ kind: k })} options={KINDS.map((k) => ({ value: k, label: t(`trainings.kinds.${k}`) }))} />
        {control}
        <Button onClick={() => void exportCsv()}>{t('lists.export_csv')}</Button>
      </Space>
      {list.error && <Alert type="error" title={list.error.message} style={{ marginBottom: 8 }} />}
      <Table<Training>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('trainings.none') }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: (p) => set({ page: p }), showSizeChanger: false }}
        columns={shown}
      />
      {open && <TrainingDrawer training={open} onClose={() => setOpen(null)} onChanged={load} />}
    </div>
  );
}

function TrainingDrawer({ training, onClose, onChanged }: { training: Training; onClose: () => void; onChanged: () => void }) {
  const { lang, t } = Session.use();
  const queries = useQueryClient();
  // The session as last read: the list's row at first, then its own answer after each enrolment.
  const one = useQuery({
    queryKey: ['training', lang, training.id],
    queryFn: () => need(client(lang).GET('/api/v1/trainings/{id}', { params: { path: { id: training.id } } })),
    initialData: training,
  });
  const s = one.data;
  const [who, setWho] = useState<string | undefined>();
  const enrol = useMutation({
    mutationFn: ({ workerId, cancel }: { workerId: string; cancel: boolean }) => {
      const api = client(lang);
      const init = { params: { path: { id: s.id } }, body: { workerId } };
      return need(cancel ? api.POST('/api/v1/trainings/{id}/enrolments/cancel', init) : api.POST('/api/v1/trainings/{id}/enrolments', init));
    },
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['training', lang, training.id] });
      onChanged();
    },
  });
  const message = enrol.error ? { type: 'error' as const, text: enrol.error.message } : enrol.isSuccess ? { type: 'success' as const, text: t(enrol.variables.cancel ? 'trainings.cancelled' : 'trainings.enrolled') } : null;
  const go = (cancel: boolean) => {
    if (who) enrol.mutate({ workerId: who, cancel });
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
          <Button type="primary" disabled={!who} onClick={() => go(false)}>{t('trainings.enrol')}</Button>
          <Button disabled={!who} onClick={() => go(true)}>{t('trainings.cancel_enrolment')}</Button>
        </Space>
        {message && <Alert type={message.type} title={message.text} style={{ marginTop: 8 }} />}
      </Card>
    </Drawer>
  );
}
