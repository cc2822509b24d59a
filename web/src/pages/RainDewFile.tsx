import { Alert, Button, Card, Col, Descriptions, Form, Input, InputNumber, List, Modal, Row, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { beijingText, client, need } from '../api';
import { fen, yuan } from '../forms';
import { Session } from '../session';
import type { Body } from '../vocab';
import { DateField } from '../dates';

export const RAIN_DEW_STATUSES = ['studying', 'graduated', 'employed', 'seeking', 'further_study', 'enlisted', 'other'] as const;
export type FileStatus = (typeof RAIN_DEW_STATUSES)[number];
const CHANNELS = ['phone', 'visit', 'chat', 'sms', 'other'] as const;
const ACTION_KINDS = ['guidance', 'referral', 'training', 'public_welfare', 'other'] as const;

type FileView = Body<'RainDewFile'>;
type Action = FileView['plan']['actions'][number];

/** 一人一档, 一生一策: one graduate's whole file, the plan with who does what by when, and what might fit them next. */
export function RainDewFile() {
  const { workerId } = useParams();
  const { me, lang, t } = Session.use();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const id = workerId!;
  const queries = useQueryClient();
  const fileQuery = useQuery({ queryKey: ['rain-dew-file', lang, id], queryFn: () => need(client(lang).GET('/api/v1/rain-dew/{workerId}', { params: { path: { workerId: id } } })) });
  // What might fit them next; without an answer the card stays empty (the file is still shown).
  const ideasQuery = useQuery({ queryKey: ['rain-dew-suggestions', lang, id], queryFn: () => need(client(lang).GET('/api/v1/rain-dew/{workerId}/suggestions', { params: { path: { workerId: id } } })) });
  const file = fileQuery.data;
  const ideas = ideasQuery.data ?? null;
  /** Every change answers with the whole file, which replaces the page's copy. */
  const changing = useMutation({
    mutationFn: ({ call }: { call: () => Promise<FileView>; said?: string }) => call(),
    onMutate: () => {
      setError(null);
      setDone(null);
    },
    onSuccess: (f, { said }) => {
      queries.setQueryData(['rain-dew-file', lang, id], f);
      void queries.invalidateQueries({ queryKey: ['rain-dew-suggestions'] });
      if (said) setDone(said);
    },
    onError: (e) => setError(e.message),
  });
  const change = (call: () => Promise<FileView>, said?: string) =>
    changing.mutateAsync({ call, said }).then(
      () => true,
      () => false,
    );
  const offer = useMutation({
    mutationFn: async (s: { what: 'vacancy' | 'training'; id: string; title: string }) => {
      if (s.what === 'vacancy') await need(client(lang).POST('/api/v1/vacancies/{id}/applications', { params: { path: { id: s.id } }, body: { workerId: id } }));
      else await need(client(lang).POST('/api/v1/trainings/{id}/enrolments', { params: { path: { id: s.id } }, body: { workerId: id } }));
    },
    onMutate: () => {
      setError(null);
      setDone(null);
    },
    onSuccess: (_answer, s) => {
      setDone(t(s.what === 'vacancy' ? 'rain_dew.applied' : 'rain_dew.enrolled', { title: s.title }));
      void queries.invalidateQueries({ queryKey: ['rain-dew-file'] });
      void queries.invalidateQueries({ queryKey: ['rain-dew-suggestions'] });
    },
    onError: (e) => setError(e.message),
  });
  if (!file) return fileQuery.error ? <Alert type="error" title={fileQuery.error.message} /> : null;
  const f = file.file;
  const who = (accountId: string | null) => (accountId ? (file.staff[accountId] ?? '—') : '—');
  const api = client(lang);
  return (
    <div>
      <Typography.Title level={3}>{t('rain_dew.file_title', { name: file.person.name })}</Typography.Title>
      {error && <Alert type="error" title={error} closable onClose={() => setError(null)} style={{ marginBottom: 12 }} />}
      {done && <Alert type="success" title={done} closable onClose={() => setDone(null)} style={{ marginBottom: 12 }} />}
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('rain_dew.name')}><Link to={`/workers/${file.person.id}`}>{file.person.name}</Link> · {file.person.idNumber}</Descriptions.Item>
        <Descriptions.Item label={t('rain_dew.status')}><StatusTag status={f.status} /></Descriptions.Item>
        <Descriptions.Item label={t('rain_dew.school')}>{`${f.school} · ${f.major} · ${t(`rain_dew.levels.${f.level}`)}`}</Descriptions.Item>
        <Descriptions.Item label={t('rain_dew.graduation')}>{f.graduatedOn ? t('rain_dew.graduated_on', { date: f.graduatedOn }) : f.expectedGraduation}</Descriptions.Item>
        <Descriptions.Item label={t('rain_dew.case_worker')}>
          {who(f.caseWorkerId)}{' '}
          {f.caseWorkerId !== me!.id && (
            <Button size="small" onClick={() => change(() => need(api.PATCH('/api/v1/rain-dew/{workerId}', { params: { path: { workerId: id } }, body: { caseWorkerId: me!.id } })), t('rain_dew.saved'))}>
              {t('rain_dew.take_on')}
            </Button>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('rain_dew.contact')}>{f.lastContactAt ? beijingText(f.lastContactAt) : t('rain_dew.never')}</Descriptions.Item>
      </Descriptions>

      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={12}>
          <ContactCard onSave={(body) => change(() => need(api.POST('/api/v1/rain-dew/{workerId}/contacts', { params: { path: { workerId: id } }, body })), t('rain_dew.contact_saved'))} />
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('rain_dew.suggestions')}>
            {!ideas ? null : !ideas.consent ? (
              <Alert type="info" title={t('rain_dew.no_consent')} />
            ) : (
              <>
                {ideas.publicWelfare && <Alert type="warning" title={ideas.publicWelfare.reason} style={{ marginBottom: 8 }} />}
                <List
                  size="small"
                  locale={{ emptyText: t('rain_dew.no_suggestions') }}
                  dataSource={[...ideas.vacancies.map((v) => ({ ...v, what: 'vacancy' as const })), ...ideas.trainings.map((s) => ({ ...s, what: 'training' as const }))]}
                  renderItem={(s) => (
                    <List.Item
                      actions={[
                        <Button
                          key="act"
                          size="small"
                          onClick={() => offer.mutate(s)}
                        >
                          {t(s.what === 'vacancy' ? 'rain_dew.apply' : 'rain_dew.enrol')}
                        </Button>,
                      ]}
                    >
                      <List.Item.Meta title={`${t(`rain_dew.what.${s.what}`)}${t('punct.colon')}${s.title}`} description={s.reasons.join(t('punct.semi'))} />
                    </List.Item>
                  )}
                />
              </>
            )}
          </Card>
        </Col>
      </Row>

      <PlanCard
        file={file}
        who={who}
        setGoal={(goal) => change(() => need(api.PUT('/api/v1/rain-dew/{workerId}/plan', { params: { path: { workerId: id } }, body: { goal } })), t('rain_dew.saved'))}
        addAction={(body) => change(() => need(api.POST('/api/v1/rain-dew/{workerId}/actions', { params: { path: { workerId: id } }, body })), t('rain_dew.saved'))}
        closeAction={(actionId, body) => change(() => need(api.POST('/api/v1/rain-dew/actions/{id}/close', { params: { path: { id: actionId } }, body })), t('rain_dew.saved'))}
      />

      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('rain_dew.timeline')}>
            <Timeline
              items={[...file.timeline].reverse().map((e) => ({
                content: (
                  <>
                    <Typography.Text type="secondary">{beijingText(e.at)} · {who(e.by)}</Typography.Text>
                    <div>
                      {timelineText(e, t)}
                    </div>
                  </>
                ),
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <SubsidyCard file={file} add={(body) => change(() => need(api.POST('/api/v1/rain-dew/{workerId}/subsidies', { params: { path: { workerId: id } }, body })), t('rain_dew.saved'))} />
          <Card size="small" title={t('rain_dew.history')} style={{ marginTop: 16 }}>
            <List
              size="small"
              locale={{ emptyText: '—' }}
              dataSource={[
                ...file.employment.map((j) => `${t('rain_dew.job')}${t('punct.colon')}${j.employerName}${t('punct.comma')}${j.startDate}${j.endDate ? ` — ${j.endDate}` : ` ${t('rain_dew.until_now')}`}${j.monthlyIncomeFen ? `${t('punct.comma')}${yuan(j.monthlyIncomeFen)}${t('rain_dew.per_month')}` : ''}`),
                ...file.applications.map((a) => `${t('rain_dew.application')}${t('punct.colon')}${a.title}${t('punct.open')}${t(`pipeline.statuses.${a.status}`)}${t('punct.close')}`),
                ...file.trainings.map((s) => `${t('rain_dew.training')}${t('punct.colon')}${s.title}${t('punct.comma')}${s.startDate}${t('punct.open')}${t(`rain_dew.training_statuses.${s.status}`)}${t('punct.close')}`),
              ]}
              renderItem={(line) => <List.Item>{line}</List.Item>}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}

const CAUSES = ['import', 'employment', 'employment_ended', 'expected_graduation'];

/** One line of the timeline: a contact and what was said, a change of status and why, or an update from an imported file. */
function timelineText(e: FileView['timeline'][number], t: (key: string, params?: Record<string, string | number>) => string): string {
  if (e.kind === 'contact') return `${t(`rain_dew.channels.${e.channel ?? 'other'}`)}${t('punct.colon')}${e.outcome ?? ''}`;
  if (e.kind !== 'status') return t('rain_dew.imported');
  const change = t('rain_dew.status_changed', { from: e.fromStatus ? t(`rain_dew.statuses.${e.fromStatus}`) : '—', to: e.toStatus ? t(`rain_dew.statuses.${e.toStatus}`) : '—' });
  return e.outcome && CAUSES.includes(e.outcome) ? `${change}${t('punct.open')}${t(`rain_dew.causes.${e.outcome}`)}${t('punct.close')}` : change;
}

export function StatusTag({ status }: { status: string }) {
  const { t } = Session.use();
  return <Tag color={status === 'employed' ? 'green' : status === 'seeking' || status === 'graduated' ? 'orange' : undefined}>{t(`rain_dew.statuses.${status}`)}</Tag>;
}

/** A contact with the person (who, how, what came of it) and the status it found. */
function ContactCard({ onSave }: { onSave: (body: Body<'RainDewContact'>) => Promise<boolean> }) {
  const { t } = Session.use();
  const [form] = Form.useForm();
  return (
    <Card size="small" title={t('rain_dew.record_contact')}>
      <Form
        name="contact"
        form={form}
        layout="vertical"
        initialValues={{ channel: 'phone' }}
        onFinish={async (v: Body<'RainDewContact'>) => {
          if (await onSave({ channel: v.channel, outcome: v.outcome, ...(v.status ? { status: v.status } : {}) })) form.resetFields();
        }}
      >
        <Space wrap>
          <Form.Item name="channel" label={t('rain_dew.channel')}>
            <Select style={{ width: 140 }} options={CHANNELS.map((c) => ({ value: c, label: t(`rain_dew.channels.${c}`) }))} />
          </Form.Item>
          <Form.Item name="status" label={t('rain_dew.found_status')}>
            <Select allowClear style={{ width: 160 }} placeholder={t('rain_dew.unchanged')} options={RAIN_DEW_STATUSES.map((s) => ({ value: s, label: t(`rain_dew.statuses.${s}`) }))} />
          </Form.Item>
        </Space>
        <Form.Item name="outcome" label={t('rain_dew.outcome')} rules={[{ required: true, whitespace: true, message: t('rain_dew.required') }]}>
          <Input.TextArea rows={2} maxLength={500} showCount />
        </Form.Item>
        <Button type="primary" htmlType="submit">{t('rain_dew.save_contact')}</Button>
      </Form>
    </Card>
  );
}

/** 一生一策: the goal, and the actions, each with an owner and a due date; an overdue one stands out. */
function PlanCard({
  file,
  who,
  setGoal,
  addAction,
  closeAction,
}: {
  file: FileView;
  who: (id: string | null) => string;
  setGoal: (goal: string) => Promise<boolean>;
  addAction: (body: Body<'RainDewAction'>) => Promise<boolean>;
  closeAction: (id: string, body: { status: 'done' | 'dropped'; outcome: string }) => Promise<boolean>;
}) {
  const { t } = Session.use();
  const [goal, setGoalText] = useState(file.plan.goal ?? '');
  const [form] = Form.useForm();
  const [closing, setClosing] = useState<{ action: Action; status: 'done' | 'dropped' } | null>(null);
  const [outcome, setOutcome] = useState('');
  useEffect(() => setGoalText(file.plan.goal ?? ''), [file.plan.goal]);
  return (
    <Card size="small" title={t('rain_dew.plan')} style={{ marginTop: 16 }}>
      <Space.Compact style={{ width: '100%', maxWidth: 720, marginBottom: 12 }}>
        <Input aria-label={t('rain_dew.goal')} placeholder={t('rain_dew.goal')} value={goal} maxLength={300} onChange={(e) => setGoalText(e.target.value)} />
        <Button disabled={goal.trim().length < 2 || goal.trim() === (file.plan.goal ?? '')} onClick={() => setGoal(goal.trim())}>{t('rain_dew.save_goal')}</Button>
      </Space.Compact>
      <Table<Action>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        pagination={false}
        dataSource={file.plan.actions}
        locale={{ emptyText: t('rain_dew.no_actions') }}
        columns={[
          { title: t('rain_dew.action_kind'), dataIndex: 'kind', render: (k: string) => t(`rain_dew.action_kinds.${k}`) },
          { title: t('rain_dew.description'), dataIndex: 'description' },
          { title: t('rain_dew.owner'), dataIndex: 'ownerId', render: (v: string | null) => who(v) },
          { title: t('rain_dew.due'), dataIndex: 'dueOn', render: (d: string, a) => (a.overdue ? <Tag color="red">{t('rain_dew.overdue_on', { date: d })}</Tag> : d) },
          { title: t('rain_dew.status'), render: (_, a) => (a.status === 'open' ? t('rain_dew.open') : `${t(`rain_dew.action_statuses.${a.status}`)}${t('punct.colon')}${a.outcome ?? ''}`) },
          {
            title: '',
            render: (_, a) =>
              a.status === 'open' ? (
                <Space>
                  <Button size="small" onClick={() => { setOutcome(''); setClosing({ action: a, status: 'done' }); }}>{t('rain_dew.done')}</Button>
                  <Button size="small" onClick={() => { setOutcome(''); setClosing({ action: a, status: 'dropped' }); }}>{t('rain_dew.drop')}</Button>
                </Space>
              ) : null,
          },
        ]}
      />
      <Form
        name="plan_action"
        form={form}
        layout="inline"
        style={{ marginTop: 12, rowGap: 8 }}
        initialValues={{ kind: 'guidance' }}
        onFinish={async (v: Body<'RainDewAction'>) => {
          if (await addAction(v)) form.resetFields();
        }}
      >
        <Form.Item name="kind" label={t('rain_dew.action_kind')}>
          <Select style={{ width: 150 }} options={ACTION_KINDS.map((k) => ({ value: k, label: t(`rain_dew.action_kinds.${k}`) }))} />
        </Form.Item>
        <Form.Item name="description" label={t('rain_dew.description')} rules={[{ required: true, whitespace: true, message: t('rain_dew.required') }]}>
          <Input maxLength={300} style={{ width: 260 }} />
        </Form.Item>
        <Form.Item name="dueOn" label={t('rain_dew.due')} rules={[{ required: true, message: t('rain_dew.required') }]}>
          <DateField />
        </Form.Item>
        <Button htmlType="submit">{t('rain_dew.add_action')}</Button>
      </Form>
      <Modal
        open={!!closing}
        title={closing ? `${t(`rain_dew.action_statuses.${closing.status}`)}${t('punct.colon')}${closing.action.description}` : ''}
        okText={t('rain_dew.confirm')}
        cancelText={t('rain_dew.cancel')}
        okButtonProps={{ disabled: outcome.trim().length < 2 }}
        onCancel={() => setClosing(null)}
        onOk={async () => {
          if (closing && (await closeAction(closing.action.id, { status: closing.status, outcome: outcome.trim() }))) setClosing(null);
        }}
      >
        <Input.TextArea aria-label={t('rain_dew.what_came')} placeholder={t('rain_dew.what_came')} rows={3} maxLength={500} value={outcome} onChange={(e) => setOutcome(e.target.value)} />
      </Modal>
    </Card>
  );
}

/** 雨露计划补助 paid term by term. */
function SubsidyCard({ file, add }: { file: FileView; add: (body: { term: string; amountFen: number; paidOn: string }) => Promise<boolean> }) {
  const { t } = Session.use();
  const [form] = Form.useForm();
  return (
    <Card size="small" title={t('rain_dew.subsidies')}>
      <List size="small" locale={{ emptyText: t('rain_dew.no_subsidies') }} dataSource={file.subsidies} renderItem={(s) => <List.Item>{`${s.term}${t('punct.colon')}${yuan(s.amountFen)} ${t('rain_dew.yuan')}${t('punct.open')}${s.paidOn}${t('punct.close')}`}</List.Item>} />
      <Form
        name="subsidy"
        form={form}
        layout="inline"
        style={{ marginTop: 8, rowGap: 8 }}
        onFinish={async (v: { term: string; amountYuan: number; paidOn: string }) => {
          if (await add({ term: v.term, amountFen: fen(v.amountYuan)!, paidOn: v.paidOn })) form.resetFields();
        }}
      >
        <Form.Item name="term" label={t('rain_dew.term')} rules={[{ required: true, whitespace: true, message: t('rain_dew.required') }]}>
          <Input maxLength={40} placeholder={t('rain_dew.term_hint')} style={{ width: 170 }} />
        </Form.Item>
        <Form.Item name="amountYuan" label={t('rain_dew.amount')} rules={[{ required: true, message: t('rain_dew.required') }]}>
          <InputNumber min={1} max={100000} />
        </Form.Item>
        <Form.Item name="paidOn" label={t('rain_dew.paid_on')} rules={[{ required: true, message: t('rain_dew.required') }]}>
          <DateField />
        </Form.Item>
        <Button htmlType="submit">{t('rain_dew.add_subsidy')}</Button>
      </Form>
    </Card>
  );
}
