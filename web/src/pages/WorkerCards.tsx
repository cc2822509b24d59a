import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { beijingText, client, need } from '../api';
import { clearFieldErrors, dropReasonsOnChange, fen, showFieldErrors, yuan } from '../forms';
import { Session } from '../session';
import type { Body } from '../vocab';
import { DateField } from '../dates';

const JOB_KINDS = ['regular', 'gig', 'seasonal', 'public_welfare', 'workshop', 'work_relief', 'self_employed'] as const;

type Job = NonNullable<Body<'EmploymentRecord'>>;
/** A failure's words (the API's, through `need`). */
const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * 务工情况: the person's jobs, newest first; a new job (the current one closes the day before) or the end of
 * the current one. What the monthly monitoring counts comes from here.
 */
export function EmploymentCard({ workerId, onChanged }: { workerId: string; onChanged: () => void }) {
  const { lang, t } = Session.use();
  const [form] = Form.useForm();
  const queries = useQueryClient();
  const history = useQuery({ queryKey: ['worker-employment', lang, workerId], queryFn: () => need(client(lang).GET('/api/v1/workers/{id}/employment', { params: { path: { id: workerId } } })) });
  // The schema shares its record with "the current job", which may be none; the history never holds a null.
  const jobs = history.data ? history.data.items.filter((j): j is Job => j !== null) : null;
  const [endDate, setEndDate] = useState('');
  const [exitReason, setExitReason] = useState('');
  const [renewTo, setRenewTo] = useState('');
  const kind = Form.useWatch<string | undefined>('kind', form);
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  /**
   * A job started, ended or renewed changes the person's history, whether they are in work (their page, the
   * register's lists), their household's (零就业家庭) and what they qualify for: all of it is asked again.
   */
  const changed = async (text: string) => {
    setMessage({ type: 'success', text });
    onChanged();
    await Promise.all(
      [['worker-employment', lang, workerId], ['worker', lang, workerId], ['workers'], ['households'], ['monitoring/zero-employment'], ['worker-policies', lang, workerId]].map((queryKey) => queries.invalidateQueries({ queryKey })),
    );
  };
  const failed = (e: Error) => setMessage({ type: 'error', text: reason(e) });
  const start = useMutation({
    mutationFn: (body: Body<'EmploymentStart'>) => need(client(lang).POST('/api/v1/workers/{id}/employment', { params: { path: { id: workerId } }, body })),
    onMutate: () => {
      setMessage(null);
      clearFieldErrors(form);
    },
    onSuccess: () => {
      form.resetFields();
      return changed(t('employment.started'));
    },
    onError: (e) => setMessage({ type: 'error', text: showFieldErrors(form, e, { monthlyIncomeFen: 'incomeYuan' }) }),
  });
  const record = (v: { employerName: string; place?: string; kind?: Body<'EmploymentStart'>['kind']; startDate: string; incomeYuan?: number; termEnd?: string; partTime?: boolean }) =>
    start.mutate({ employerName: v.employerName, place: v.place?.trim() || null, kind: v.kind ?? null, startDate: v.startDate, monthlyIncomeFen: fen(v.incomeYuan), ...(v.kind === 'public_welfare' ? { termEnd: v.termEnd || null, partTime: Boolean(v.partTime) } : {}) });
  const end = useMutation({
    mutationFn: (body: Body<'EmploymentEnd'>) => need(client(lang).POST('/api/v1/workers/{id}/employment/end', { params: { path: { id: workerId } }, body })),
    onMutate: () => setMessage(null),
    onSuccess: () => {
      setEndDate('');
      setExitReason('');
      return changed(t('employment.ended'));
    },
    onError: failed,
  });
  const current = jobs?.find((j) => !j.endDate);
  /** 以岗聘任 again: the next agreement of a public-welfare post (seed 004 §12: a year at most each time). */
  const renew = useMutation({
    mutationFn: ({ recordId, termEnd }: { recordId: string; termEnd: string }) => need(client(lang).POST('/api/v1/workers/{id}/employment/{recordId}/terms', { params: { path: { id: workerId, recordId } }, body: { termEnd } })),
    onMutate: () => setMessage(null),
    onSuccess: (next) => {
      setRenewTo('');
      return changed(t('employment.renewed', { from: next.startsOn, to: next.endsOn }));
    },
    onError: failed,
  });
  return (
    <Card size="small" title={t('employment.title')} style={{ marginTop: 16, maxWidth: 860 }}>
      <Table<Job>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        pagination={false}
        loading={history.isPending}
        dataSource={jobs ?? []}
        locale={{ emptyText: t('employment.none') }}
        columns={[
          { title: t('employment.employer'), render: (_, j) => `${j.employerName ?? '—'}${j.place ? ` · ${j.place}` : ''}` },
          { title: t('employment.kind'), dataIndex: 'kind', render: (k: string | null) => (k ? t(`employment.kinds.${k}`) : '—') },
          { title: t('employment.dates'), render: (_, j) => `${j.startDate} — ${j.endDate ?? t('employment.now')}${j.partTime ? ` · ${t('employment.part_time')}` : ''}${j.exitReason ? ` · ${j.exitReason}` : ''}` },
          { title: t('employment.income'), dataIndex: 'monthlyIncomeFen', render: (v: number | null) => (v === null ? '—' : `${yuan(v)} ${t('employment.yuan')}`) },
          { title: t('employment.source'), dataIndex: 'source', render: (s: string) => <Tag>{t(`employment.sources.${s}`)}</Tag> },
        ]}
      />
      {current && (
        <Space wrap style={{ marginTop: 12 }}>
          <Typography.Text>{t('employment.end_of', { employer: current.employerName ?? '—' })}</Typography.Text>
          <DateField aria-label={t('employment.end_date')} value={endDate} onChange={setEndDate} />
          {current.kind === 'public_welfare' && <Input aria-label={t('employment.exit_reason')} placeholder={t('employment.exit_reason')} maxLength={200} style={{ width: 240 }} value={exitReason} onChange={(e) => setExitReason(e.target.value)} />}
          <Button disabled={!endDate || (current.kind === 'public_welfare' && exitReason.trim().length < 2)} loading={end.isPending} onClick={() => end.mutate({ endDate, ...(exitReason.trim() ? { exitReason: exitReason.trim() } : {}) })}>{t('employment.end')}</Button>
        </Space>
      )}
      {current?.kind === 'public_welfare' && (
        <Space wrap style={{ marginTop: 12 }}>
          <Typography.Text>{t('employment.renew_to')}</Typography.Text>
          <DateField aria-label={t('employment.renew_to')} value={renewTo} onChange={setRenewTo} />
          <Button disabled={!renewTo} loading={renew.isPending} onClick={() => renew.mutate({ recordId: current.id, termEnd: renewTo })}>{t('employment.renew')}</Button>
        </Space>
      )}
      <Form name="employment" form={form} onValuesChange={dropReasonsOnChange(form)} layout="inline" onFinish={record} style={{ marginTop: 12, rowGap: 8 }}>
        <Form.Item name="employerName" label={t('employment.employer')} rules={[{ required: true, whitespace: true, message: t('vacancies.required') }]}>
          <Input maxLength={100} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="place" label={t('employment.place')}>
          <Input maxLength={100} style={{ width: 160 }} placeholder={t('employment.place_hint')} />
        </Form.Item>
        <Form.Item name="kind" label={t('employment.kind')}>
          <Select allowClear style={{ width: 150 }} options={JOB_KINDS.map((k) => ({ value: k, label: t(`employment.kinds.${k}`) }))} />
        </Form.Item>
        <Form.Item name="startDate" label={t('employment.start')} rules={[{ required: true, message: t('vacancies.required') }]}>
          <DateField />
        </Form.Item>
        <Form.Item name="incomeYuan" label={t('employment.income')}>
          <InputNumber min={0} max={1000000} />
        </Form.Item>
        {kind === 'public_welfare' && (
          <>
            <Form.Item name="termEnd" label={t('employment.term_end')} tooltip={t('employment.term_hint')} rules={[{ required: true, message: t('vacancies.required') }]}>
              <DateField />
            </Form.Item>
            <Form.Item name="partTime" valuePropName="checked">
              <Checkbox>{t('employment.part_time')}</Checkbox>
            </Form.Item>
          </>
        )}
        <Button htmlType="submit" loading={start.isPending}>{t('employment.record')}</Button>
      </Form>
      {message && <Alert type={message.type} title={message.text} style={{ marginTop: 12 }} />}
      {history.error && <Alert type="error" title={history.error.message} style={{ marginTop: 12 }} />}
    </Card>
  );
}

/** Consent to matching and messages as the person last gave it, and every answer before; withdrawing stops every message. */
export function ConsentCard({ workerId, onChanged }: { workerId: string; onChanged: () => void }) {
  const { lang, t } = Session.use();
  const queries = useQueryClient();
  const key = ['worker-consent', lang, workerId];
  const read = useQuery({ queryKey: key, queryFn: () => need(client(lang).GET('/api/v1/workers/{id}/consent', { params: { path: { id: workerId } } })) });
  const consent = read.data ?? null;
  const [failed, setError] = useState<string | null>(null);
  /** Consent given or withdrawn: the answer is the card's; whom a broadcast or a match reaches changes with it. */
  const record = useMutation({
    mutationFn: (granted: boolean) => need(client(lang).POST('/api/v1/workers/{id}/consent', { params: { path: { id: workerId } }, body: { granted, channel: 'station_form' } })),
    onMutate: () => setError(null),
    onSuccess: (c) => {
      queries.setQueryData(key, c);
      onChanged();
      return Promise.all([queries.invalidateQueries({ queryKey: key }), queries.invalidateQueries({ queryKey: ['worker', lang, workerId] }), queries.invalidateQueries({ queryKey: ['workers'] })]);
    },
    onError: (e) => setError(reason(e)),
  });
  /** A code the person types in the mini-program to bind it to this record; nothing listed changes. */
  const bindingCode = useMutation({
    mutationFn: () => need(client(lang).POST('/api/v1/workers/{id}/binding-code', { params: { path: { id: workerId } } })),
    onMutate: () => setError(null),
    onError: (e) => setError(reason(e)),
  });
  const code = bindingCode.data ?? null;
  const error = failed ?? read.error?.message ?? null;
  return (
    <Card size="small" title={t('consent.title')} style={{ marginTop: 16, maxWidth: 860 }}>
      {consent && (
        <Space wrap>
          <Tag color={consent.granted ? 'green' : 'red'}>{consent.granted ? t('consent.granted') : t('consent.not_granted')}</Tag>
          {consent.granted ? (
            <Popconfirm title={t('consent.withdraw_confirm')} okText={t('rain_dew.confirm')} cancelText={t('rain_dew.cancel')} onConfirm={() => record.mutate(false)}>
              <Button danger size="small">{t('consent.withdraw')}</Button>
            </Popconfirm>
          ) : (
            <Button size="small" loading={record.isPending} onClick={() => record.mutate(true)}>{t('consent.grant')}</Button>
          )}
          {consent.history[0] && (
            <Typography.Text type="secondary">{t('consent.last', { at: beijingText(consent.history[0].at), channel: t(`consent.channels.${consent.history[0].channel}`) })}</Typography.Text>
          )}
        </Space>
      )}
      <div style={{ marginTop: 12 }}>
        <Button loading={bindingCode.isPending} onClick={() => bindingCode.mutate()}>{t('consent.binding_code')}</Button>
        {code && (
          <Typography.Paragraph style={{ marginTop: 8 }}>
            {t('consent.code_text', { until: beijingText(code.expiresAt) })} <Typography.Text strong data-testid="binding-code" style={{ fontSize: 22, letterSpacing: 4 }}>{code.code}</Typography.Text>
          </Typography.Paragraph>
        )}
      </div>
      {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
    </Card>
  );
}
