import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, client, downloadFile, need } from '../api';
import { clearFieldErrors, dropReasonsOnChange, showFieldErrors } from '../forms';
import { CAPACITIES, CATEGORIES, type Body, type Capacity } from '../vocab';
import { RegionName, RegionPicker } from '../regions';
import { useColumnSettings, useUrlFilters, type ListColumn } from '../lists';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { RegisterForm } from './Register';
import { ConsentCard, EmploymentCard } from './WorkerCards';

type Worker = Body<'Worker'>;
import { PolicyChecklist } from './Policies';
import { Session } from '../session';

type WorkerRow = Body<'Worker'>;
const FILTERS = ['q', 'employed', 'category', 'reasonMissing', 'householdId', 'region'] as const;

/**
 * The register: search by name, ID or phone, filter by work, category and township or village; the filters live
 * in the address (a reload or a link keeps them), the columns shown are remembered per account, and each row opens
 * the person's page.
 */
export function Workers() {
  const { me, lang, t } = Session.use();
  const navigate = useNavigate();
  const { values: f, page, set } = useUrlFilters(FILTERS);
  const [adding, setAdding] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const employed = f.employed === 'true' ? ('true' as const) : f.employed === 'false' ? ('false' as const) : undefined;
  const category = CATEGORIES.find((c) => c === f.category);
  // The region filter narrows within the account's own area; anything else in the address is left out.
  const region = f.region && f.region !== me!.regionCode && f.region.startsWith(me!.regionCode) ? f.region : undefined;
  const filter = { ...(f.q ? { q: f.q } : {}), ...(employed ? { employed } : {}), ...(category ? { category } : {}), ...(f.reasonMissing === 'true' ? { reasonMissing: 'true' as const } : {}), ...(f.householdId ? { householdId: f.householdId } : {}), ...(region ? { regionCode: region } : {}) };
  const query = { ...filter, page, pageSize: 20 };
  const list = useQuery({ queryKey: ['workers', lang, query], queryFn: () => need(client(lang).GET('/api/v1/workers', { params: { query } })), placeholderData: keepPreviousData });
  const columns: ListColumn<WorkerRow>[] = [
    { key: 'name', title: t('workers.name'), dataIndex: 'name', render: (v: string, r) => <Link to={`/workers/${r.id}`}>{v}</Link> },
    { key: 'idNumber', title: t('workers.id_number'), dataIndex: 'idNumber' },
    { key: 'phone', title: t('workers.phone'), dataIndex: 'phone' },
    { key: 'region', title: t('workers.region'), dataIndex: 'regionCode', render: (code: string) => <RegionName code={code} /> },
    { key: 'category', title: t('workers.category'), dataIndex: 'category', render: (c: string) => t(`workers.categories.${c}`) },
    { key: 'employed', title: t('workers.employed'), dataIndex: 'employed', render: (v: boolean) => (v ? t('workers.yes') : t('workers.no')) },
  ];
  const { shown, control } = useColumnSettings('workers', columns, ['name']);
  // The form as the offices use it, masked (an unmasked export needs a second administrator's approval), for the same filter.
  const exportXlsx = async () => {
    const q = new URLSearchParams({ ...(employed ? { employed } : {}), ...(category ? { category } : {}), ...(region ? { regionCode: region } : {}) }).toString();
    setExportError(await downloadFile(`/api/v1/exports/workers${q ? `?${q}` : ''}`, '农村贫困劳动力就业信息表.xlsx', lang));
  };
  const error = list.error?.message ?? exportError;
  return (
    <div>
      <Typography.Title level={3}>{t('workers.title')}</Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search aria-label={t('workers.search')} placeholder={t('workers.search')} allowClear defaultValue={f.q} onSearch={(v) => set({ q: v.trim() })} style={{ width: 260 }} />
        <RegionPicker id="workers-region" ariaLabel={t('lists.region')} value={region} onChange={(code) => set({ region: code === me!.regionCode ? undefined : code })} />
        <Select aria-label={t('workers.employed')} allowClear placeholder={t('workers.employed')} style={{ width: 140 }} value={employed} onChange={(v) => set({ employed: v })} options={[{ value: 'true', label: t('workers.yes') }, { value: 'false', label: t('workers.no') }]} />
        <Select aria-label={t('workers.category')} allowClear placeholder={t('workers.category')} style={{ width: 170 }} value={category} onChange={(v) => set({ category: v })} options={CATEGORIES.map((c) => ({ value: c, label: t(`workers.categories.${c}`) }))} />
        <Tag.CheckableTag checked={f.reasonMissing === 'true'} onChange={(v) => set({ reasonMissing: v ? 'true' : undefined })}>{t('workers.reason_missing')}</Tag.CheckableTag>
        {f.householdId && <Tag closable onClose={() => set({ householdId: undefined })}>{t('workers.one_household')}</Tag>}
        {control}
        <Button onClick={exportXlsx}>{t('workers.export')}</Button>
        <Button type={adding ? 'default' : 'primary'} onClick={() => setAdding(!adding)}>{adding ? t('workers.close_form') : t('workers.register')}</Button>
      </Space>
      {adding && (
        <Card size="small" title={t('workers.register')} style={{ marginBottom: 12, maxWidth: 860 }}>
          <RegisterForm onDone={(w) => navigate(`/workers/${w.id}`)} />
        </Card>
      )}
      {error && <Alert type="error" title={error} />}
      <Table<WorkerRow>
        rowKey="id"
        size="middle"
        scroll={{ x: true }}
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('workers.none') }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: (p) => set({ page: p }), showSizeChanger: false }}
        columns={shown}
      />
    </div>
  );
}

/** One person, masked; "show" reveals the ID and phone numbers for a stated purpose (allowed accounts only, audited). */
export function WorkerPage() {
  const { id } = useParams();
  const { lang, t } = Session.use();
  const queries = useQueryClient();
  const key = ['worker', lang, id];
  const [purpose, setPurpose] = useState('');
  const person = useQuery({ queryKey: key, queryFn: () => need(client(lang).GET('/api/v1/workers/{id}', { params: { path: { id: id! } } })) });
  const setW = (next: Worker) => queries.setQueryData(key, next);
  /** The ID and phone numbers in full, for a stated purpose (allowed accounts only, audited); shown until the page is left. */
  const reveal = useMutation({
    mutationFn: (why: string) => need(client(lang).GET('/api/v1/workers/{id}', { params: { path: { id: id! }, query: { reveal: 'true', purpose: why } } })),
    onSuccess: setW,
  });
  // A Rain Dew student has a file of their own; the link shows only when there is one.
  const file = useQuery({ queryKey: ['rain-dew-file', lang, id, 'exists'], queryFn: () => need(client(lang).GET('/api/v1/rain-dew/{workerId}', { params: { path: { workerId: id! } } })).then(() => true), retry: false });
  const hasFile = file.data === true;
  const w = person.data;
  const error = (reveal.error ?? person.error)?.message ?? null;
  if (error && !w) return <Alert type="error" title={error} />;
  if (!w) return null;
  const current = w.currentEmployment;
  /** A job or consent recorded: those facts are read again; numbers shown in full and edits being typed stay. */
  const refresh = () =>
    void need(client(lang).GET('/api/v1/workers/{id}', { params: { path: { id: id! } } }))
      .then((r) => queries.setQueryData(key, (old: Worker | undefined) => (old ? { ...old, employed: r.employed, currentEmployment: r.currentEmployment, consent: r.consent, version: r.version } : r)))
      .catch(() => undefined);
  return (
    <div>
      <Typography.Title level={3}>{String(w.name)}</Typography.Title>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('workers.id_number')}>{String(w.idNumber)}</Descriptions.Item>
        <Descriptions.Item label={t('workers.phone')}>{String(w.phone ?? '—')}</Descriptions.Item>
        <Descriptions.Item label={t('workers.employed')}>{w.employed ? t('workers.yes') : t('workers.no')}</Descriptions.Item>
        <Descriptions.Item label={t('workers.region')}><RegionName code={String(w.regionCode)} /></Descriptions.Item>
        <Descriptions.Item label={t('workers.category')}>{t(`workers.categories.${String(w.category)}`)} · {t(`workers.capacities.${String(w.laborCapacity)}`)}</Descriptions.Item>
        <Descriptions.Item label={t('workers.current_job')}>{current ? `${current.employerName}${t('punct.open')}${current.startDate}${t('punct.close')}` : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('workers.age_band')}>{t(`workers.age_bands.${String(w.ageBand)}`)}</Descriptions.Item>
        <Descriptions.Item label={t('workers.not_transferred_reason')}>
          {w.reasonMissing ? <Tag color="orange">{t('workers.reason_missing')}</Tag> : String(w.notTransferredReason ?? '—')}
        </Descriptions.Item>
      </Descriptions>
      <Space wrap style={{ marginTop: 12 }}>
        {typeof w.householdId === 'string' && <Link to={`/workers?householdId=${w.householdId}`}>{t('workers.household')}</Link>}
        {hasFile && <Link to={`/rain-dew/${String(w.id)}`}>{t('workers.rain_dew_file')}</Link>}
      </Space>
      <Space style={{ marginTop: 12 }} wrap>
        <Input aria-label={t('workers.purpose')} placeholder={t('workers.purpose')} value={purpose} onChange={(e) => setPurpose(e.target.value)} style={{ width: 260 }} />
        <Button disabled={purpose.trim().length < 2} onClick={() => reveal.mutate(purpose.trim())}>{t('workers.reveal')}</Button>
      </Space>
      {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
      <EditWorker worker={w} onSaved={setW} />
      <EmploymentCard workerId={String(w.id)} onChanged={refresh} />
      <ConsentCard workerId={String(w.id)} onChanged={refresh} />
      <PolicyChecklist workerId={String(w.id)} />
    </div>
  );
}


/** Corrections to a person's record: each field's reason shown beside it; a record changed meanwhile is read again. */
function EditWorker({ worker, onSaved }: { worker: Worker; onSaved: (w: Worker) => void }) {
  const { lang, t } = Session.use();
  const [form] = Form.useForm();
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  // Filled from the record when another record (or a newer version of it) is shown, not on every change of the page.
  useEffect(() => {
    form.setFieldsValue({ notTransferredReason: worker.notTransferredReason ?? '', education: worker.education ?? '', laborCapacity: worker.laborCapacity, skills: worker.skills ?? [], payFloorYuan: typeof worker.payFloorFen === 'number' ? worker.payFloorFen / 100 : null, phone: '' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [worker.id, worker.version, form]);
  const save = async (v: { notTransferredReason: string; education: string; laborCapacity: Capacity; skills: string[]; payFloorYuan: number | null; phone: string }) => {
    setMessage(null);
    clearFieldErrors(form);
    try {
      const body: Body<'WorkerPatch'> = {
        version: Number(worker.version),
        education: v.education || null,
        notTransferredReason: v.notTransferredReason?.trim() || null,
        laborCapacity: v.laborCapacity,
        skills: v.skills,
        payFloorFen: v.payFloorYuan === null || v.payFloorYuan === undefined ? null : Math.round(v.payFloorYuan * 100),
        ...(v.phone ? { phone: v.phone } : {}),
      };
      const next = await need(client(lang).PATCH('/api/v1/workers/{id}', { params: { path: { id: String(worker.id) } }, body }));
      onSaved(next);
      setMessage({ type: 'success', text: t('workers.saved') });
    } catch (e) {
      const text = showFieldErrors(form, e, { payFloorFen: 'payFloorYuan' });
      const stale = e instanceof ApiError && e.status === 409;
      setMessage({ type: 'error', text: stale ? t('workers.stale') : text });
      if (stale) {
        const fresh = await need(client(lang).GET('/api/v1/workers/{id}', { params: { path: { id: worker.id } } })).catch(() => null);
        if (fresh) onSaved(fresh);
      }
    }
  };
  return (
    <Card size="small" title={t('workers.edit')} style={{ marginTop: 16, maxWidth: 720 }}>
      <Form name="worker_edit" form={form} onValuesChange={dropReasonsOnChange(form)} layout="vertical" onFinish={save}>
        <Space wrap align="start">
          <Form.Item name="phone" label={t('workers.new_phone')}>
            <Input inputMode="tel" maxLength={20} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="education" label={t('workers.education')}>
            <Input maxLength={20} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="notTransferredReason" label={t('workers.not_transferred_reason')} tooltip={t('workers.not_transferred_reason_hint')}>
            <Input maxLength={100} style={{ width: 260 }} />
          </Form.Item>
          <Form.Item name="laborCapacity" label={t('workers.capacity')}>
            <Select style={{ width: 160 }} options={CAPACITIES.map((c) => ({ value: c, label: t(`workers.capacities.${c}`) }))} />
          </Form.Item>
          <Form.Item name="payFloorYuan" label={t('workers.pay_floor')}>
            <InputNumber min={0} max={100000} />
          </Form.Item>
        </Space>
        <Form.Item name="skills" label={t('workers.skills')}>
          <Select mode="tags" tokenSeparators={[',', '，', ' ']} />
        </Form.Item>
        <Button type="primary" htmlType="submit">{t('workers.save')}</Button>
      </Form>
      {message && <Alert type={message.type} title={message.text} style={{ marginTop: 12 }} />}
    </Card>
  );
}
