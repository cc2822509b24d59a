import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Drawer, Form, Input, InputNumber, List, Row, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { client, need } from '../api';
import { clearFieldErrors, dropReasonsOnChange, fen, showFieldErrors } from '../forms';
import { Session } from '../session';
import type { Body } from '../vocab';

type Application = Body<'Application'>;
type Candidate = Body<'Candidate'>;
type VacancyFull = Body<'Vacancy'>;
type Move = Body<'ApplicationMove'>['status'];

/** Where an application may go next: a post through interview to hired, a gig through acceptance to the work done. */
const NEXT: Record<'post' | 'gig', Partial<Record<Application['status'], Move[]>>> = {
  post: { applied: ['interview', 'hired', 'rejected'], interview: ['hired', 'rejected', 'no_show'] },
  gig: { applied: ['accepted', 'rejected'], accepted: ['checked_in', 'no_show'], checked_in: ['completed'] },
};

/** A post's applicants as a pipeline (applied → interview → hired / rejected), and the ranked people to call, with reasons. */
export function Pipeline({ vacancy, onClose, onChanged }: { vacancy: { id: string; title: string; kind: string } | null; onClose: () => void; onChanged?: () => void }) {
  const { lang, t } = Session.use();
  const queries = useQueryClient();
  const id = vacancy?.id ?? '';
  const appsQuery = useQuery({
    queryKey: ['applications', lang, id],
    queryFn: () => need(client(lang).GET('/api/v1/vacancies/{id}/applications', { params: { path: { id }, query: { pageSize: 200 } } })),
    enabled: vacancy !== null,
  });
  const candidatesQuery = useQuery({
    queryKey: ['candidates', lang, id],
    queryFn: () => need(client(lang).GET('/api/v1/vacancies/{id}/candidates', { params: { path: { id }, query: { limit: 20 } } })),
    enabled: vacancy !== null,
  });
  const apps: Application[] = appsQuery.data?.items ?? [];
  const candidates: Candidate[] = candidatesQuery.data?.items ?? [];
  const change = useMutation({
    mutationFn: (call: () => Promise<unknown>) => call(),
    onSuccess: () => Promise.all([queries.invalidateQueries({ queryKey: ['applications'] }), queries.invalidateQueries({ queryKey: ['candidates'] })]),
  });
  // The latest answer's failure: a refused move, or a list that could not be read.
  const error = change.error?.message ?? appsQuery.error?.message ?? candidatesQuery.error?.message ?? null;
  const act = (call: () => Promise<unknown>) => change.mutate(call);
  const move = (a: Application, status: Move) => act(() => need(client(lang).POST('/api/v1/applications/{id}/status', { params: { path: { id: a.id } }, body: { status } })));
  const applyFor = (c: Candidate) => act(() => need(client(lang).POST('/api/v1/vacancies/{id}/applications', { params: { path: { id } }, body: { workerId: c.workerId } })));
  const stages = vacancy?.kind === 'gig' ? ['applied', 'accepted', 'checked_in', 'completed'] : ['applied', 'interview', 'hired', 'rejected'];
  const applied = new Set(apps.map((a) => a.workerId));

  return (
    <Drawer open={Boolean(vacancy)} onClose={onClose} title={vacancy?.title} size="large" width={Math.min(960, window.innerWidth)}>
      {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
      {vacancy && <EditVacancy id={vacancy.id} onChanged={onChanged} />}
      <Typography.Title level={5}>{t('pipeline.applicants')}</Typography.Title>
      <Row gutter={[8, 8]}>
        {stages.map((stage) => (
          <Col xs={24} md={6} key={stage}>
            <Card size="small" title={t(`pipeline.statuses.${stage}`)}>
              {apps
                .filter((a) => a.status === stage)
                .map((a) => (
                  <div key={a.id} style={{ marginBottom: 8 }}>
                    <Typography.Text>{a.workerName}</Typography.Text> <Tag>{t(`pipeline.sources.${a.source}`)}</Tag>
                    <Space wrap size={4}>
                      {(NEXT[vacancy?.kind === 'gig' ? 'gig' : 'post'][a.status] ?? []).map((s) => (
                        <Button key={s} size="small" onClick={() => move(a, s)}>
                          {t(`pipeline.moves.${s}`)}
                        </Button>
                      ))}
                    </Space>
                  </div>
                ))}
            </Card>
          </Col>
        ))}
      </Row>
      <Typography.Title level={5} style={{ marginTop: 16 }}>{t('pipeline.candidates')}</Typography.Title>
      <List
        size="small"
        dataSource={candidates}
        locale={{ emptyText: t('pipeline.no_candidates') }}
        renderItem={(c) => (
          <List.Item actions={[<Button key="apply" size="small" disabled={applied.has(c.workerId)} onClick={() => applyFor(c)}>{t('pipeline.apply_for')}</Button>]}>
            <List.Item.Meta title={c.name} description={c.summary} />
          </List.Item>
        )}
      />
    </Drawer>
  );
}

/** Corrections to a post (its title, pay, headcount, text), and publishing a draft or closing it. */
function EditVacancy({ id, onChanged }: { id: string; onChanged?: () => void }) {
  const { lang, t } = Session.use();
  const [form] = Form.useForm();
  const queries = useQueryClient();
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const vacancy = useQuery({ queryKey: ['vacancy', lang, id], queryFn: () => need(client(lang).GET('/api/v1/vacancies/{id}', { params: { path: { id } } })) });
  const v: VacancyFull | undefined = vacancy.data;
  // Another post opened: the last one's message goes.
  useEffect(() => setMessage(null), [id]);
  useEffect(() => {
    if (v) form.setFieldsValue({ title: v.title, headcount: v.headcount, payMinYuan: v.payMinFen / 100, payMaxYuan: v.payMaxFen / 100, description: v.description, requirements: v.requirements });
  }, [v, form]);
  const save = useMutation({
    mutationFn: (body: Body<'VacancyPatch'>) => need(client(lang).PATCH('/api/v1/vacancies/{id}', { params: { path: { id } }, body })),
    onMutate: () => {
      setMessage(null);
      clearFieldErrors(form);
    },
    onSuccess: (saved) => {
      queries.setQueryData(['vacancy', lang, id], saved);
      setMessage({ type: 'success', text: t('vacancies.saved') });
      onChanged?.();
    },
    onError: (e) => setMessage({ type: 'error', text: showFieldErrors(form, e, { payMinFen: 'payMinYuan', payMaxFen: 'payMaxYuan' }) }),
  });
  const patch = (body: Body<'VacancyPatch'>) => save.mutate(body);
  if (!v) return vacancy.error ? <Alert type="error" title={vacancy.error.message} /> : null;
  const editable = v.status === 'draft' || v.status === 'open' || v.status === 'filled';
  return (
    <Card
      size="small"
      title={<Space wrap>{t('vacancies.edit')}<Tag>{t(`vacancies.statuses.${v.status}`)}</Tag>{t('vacancies.filled', { filled: v.filled, headcount: v.headcount })}</Space>}
      style={{ marginBottom: 16 }}
      extra={
        <Space>
          {v.status === 'draft' && <Button size="small" type="primary" onClick={() => patch({ status: 'open' })}>{t('vacancies.publish')}</Button>}
          {v.status === 'closed' && <Button size="small" onClick={() => patch({ status: 'open' })}>{t('vacancies.reopen')}</Button>}
          {(v.status === 'open' || v.status === 'filled' || v.status === 'draft') && <Button size="small" danger onClick={() => patch({ status: 'closed' })}>{t('vacancies.close')}</Button>}
        </Space>
      }
    >
      <Form
        name="vacancy_edit"
        form={form} onValuesChange={dropReasonsOnChange(form)}
        layout="vertical"
        disabled={!editable}
        onFinish={(f: { title: string; headcount: number; payMinYuan: number; payMaxYuan: number; description?: string; requirements?: string }) =>
          patch({ title: f.title, headcount: f.headcount, payMinFen: fen(f.payMinYuan) ?? undefined, payMaxFen: fen(f.payMaxYuan) ?? undefined, ...(v.kind !== 'gig' ? { description: f.description ?? '', requirements: f.requirements ?? '' } : {}) })
        }
      >
        <Space wrap align="start">
          <Form.Item name="title" label={t('vacancies.gig_title')} rules={[{ required: true, message: t('vacancies.required') }]}>
            <Input maxLength={60} style={{ width: 260 }} />
          </Form.Item>
          <Form.Item name="headcount" label={t('vacancies.headcount')}>
            <InputNumber min={1} max={10000} />
          </Form.Item>
          <Form.Item name="payMinYuan" label={t('vacancies.pay_from', { unit: t(`vacancies.units.${v.payUnit}`) })} rules={[{ required: true, message: t('vacancies.required') }]}>
            <InputNumber min={0} max={1000000} />
          </Form.Item>
          <Form.Item name="payMaxYuan" label={t('vacancies.pay_to', { unit: t(`vacancies.units.${v.payUnit}`) })} rules={[{ required: true, message: t('vacancies.required') }]}>
            <InputNumber min={0} max={1000000} />
          </Form.Item>
        </Space>
        {v.kind !== 'gig' && (
          <>
            <Form.Item name="description" label={t('vacancies.description')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
            <Form.Item name="requirements" label={t('vacancies.requirements')}>
              <Input maxLength={500} />
            </Form.Item>
          </>
        )}
        <Button htmlType="submit">{t('vacancies.save')}</Button>
      </Form>
      {message && <Alert type={message.type} title={message.text} style={{ marginTop: 8 }} />}
    </Card>
  );
}
