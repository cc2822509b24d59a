import { Alert, Button, Card, Checkbox, Form, Input, Select, Space, Statistic, Table, Typography } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { beijingDate, client, need } from '../api';
import { clearFieldErrors, dropReasonsOnChange, showFieldErrors } from '../forms';
import { Session } from '../session';
import { RAIN_DEW_STATUSES, StatusTag } from './RainDewFile';
import type { Body } from '../vocab';
import { PersonPicker } from '../PersonPicker';
import { DateField } from '../dates';

type FileRow = Body<'RainDewWorklist'>['items'][number];

/** The case worker's worklist (一人一档): riskiest first, with the region's totals; each row opens the file. */
export function RainDew() {
  const { lang, t } = Session.use();
  const [params, setParams] = useSearchParams();
  const status = RAIN_DEW_STATUSES.find((s) => s === params.get('status'));
  const overdue = params.get('overdue') === 'true';
  const [page, setPage] = useState(1);
  const worklist = useQuery({
    queryKey: ['rain-dew', lang, status ?? null, overdue, page],
    queryFn: () => need(client(lang).GET('/api/v1/rain-dew', { params: { query: { page, pageSize: 50, ...(status ? { status } : {}), ...(overdue ? { overdue: 'true' } : {}) } } })),
    placeholderData: keepPreviousData,
  });
  const data = worklist.data;
  const error = worklist.error?.message ?? null;
  const filter = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setPage(1);
    setParams(next);
  };
  return (
    <div>
      <Typography.Title level={3}>{t('rain_dew.title')}</Typography.Title>
      {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
      {data && (
        <Card size="small" style={{ marginBottom: 12 }}>
          <Space wrap size="large">
            {(['files', 'graduated', 'employed', 'overdue'] as const).map((k) => (
              <Statistic key={k} title={t(`rain_dew.totals.${k}`)} value={data.totals[k]} />
            ))}
          </Space>
        </Card>
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <Select aria-label={t('rain_dew.status')} allowClear placeholder={t('rain_dew.status')} style={{ width: 160 }} value={status} onChange={(v) => filter('status', v)} options={RAIN_DEW_STATUSES.map((s) => ({ value: s, label: t(`rain_dew.statuses.${s}`) }))} />
        <Checkbox checked={overdue} onChange={(e) => filter('overdue', e.target.checked ? 'true' : undefined)}>{t('rain_dew.only_overdue')}</Checkbox>
      </Space>
      <Table<FileRow>
        rowKey="workerId"
        size="small"
        scroll={{ x: true }}
        loading={worklist.isFetching && !error}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('rain_dew.none') }}
        pagination={{ current: page, pageSize: 50, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('rain_dew.name'), dataIndex: 'name', render: (v: string, f) => <Link to={`/rain-dew/${f.workerId}`}>{v}</Link> },
          { title: t('rain_dew.school'), render: (_, f) => `${f.school} · ${f.major}` },
          { title: t('rain_dew.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          { title: t('rain_dew.graduation'), dataIndex: 'expectedGraduation' },
          { title: t('rain_dew.days'), dataIndex: 'daysWithoutWork', render: (v: number | null) => v ?? '—' },
          { title: t('rain_dew.contact'), dataIndex: 'lastContactAt', render: (v: string | null) => (v ? beijingDate(v) : t('rain_dew.never')) },
          { title: t('rain_dew.overdue'), dataIndex: 'overdueActions' },
        ]}
      />
      <OpenFile />
    </div>
  );
}

const LEVELS = ['secondary_vocational', 'higher_vocational', 'technician', 'other'];

/** Opens the file of a student already in the register; the case worker is the one who opens it. */
function OpenFile() {
  const { me, lang, t } = Session.use();
  const navigate = useNavigate();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const submit = useCallback(
    async (v: { workerId: string; school: string; major: string; level: Body<'RainDewFileCreate'>['level']; expectedGraduation: string }) => {
      setError(null);
      clearFieldErrors(form);
      try {
        await need(client(lang).POST('/api/v1/rain-dew', { body: { ...v, caseWorkerId: me!.id } }));
        navigate(`/rain-dew/${v.workerId}`);
      } catch (e) {
        setError(showFieldErrors(form, e));
      }
    },
    [form, lang, me, navigate],
  );
  return (
    <Card size="small" title={t('rain_dew.open_file')} style={{ marginTop: 16, maxWidth: 720 }}>
      <Form name="rain_dew_file" form={form} onValuesChange={dropReasonsOnChange(form)} layout="vertical" onFinish={submit} initialValues={{ level: 'secondary_vocational' }}>
        <Form.Item name="workerId" label={t('rain_dew.student')} rules={[{ required: true, message: t('rain_dew.required') }]}>
          <PersonPicker />
        </Form.Item>
        <Space wrap>
          <Form.Item name="school" label={t('rain_dew.school_name')} rules={[{ required: true, whitespace: true, message: t('rain_dew.required') }]}>
            <Input maxLength={100} style={{ width: 240 }} />
          </Form.Item>
          <Form.Item name="major" label={t('rain_dew.major')} rules={[{ required: true, whitespace: true, message: t('rain_dew.required') }]}>
            <Input maxLength={60} style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="level" label={t('rain_dew.level')}>
            <Select style={{ width: 140 }} options={LEVELS.map((l) => ({ value: l, label: t(`rain_dew.levels.${l}`) }))} />
          </Form.Item>
          <Form.Item name="expectedGraduation" label={t('rain_dew.graduation')} rules={[{ required: true, message: t('rain_dew.required') }]}>
            <DateField />
          </Form.Item>
        </Space>
        <Button type="primary" htmlType="submit">{t('rain_dew.open_file')}</Button>
      </Form>
      {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
    </Card>
  );
}
