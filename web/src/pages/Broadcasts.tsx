import { Alert, Button, Card, Checkbox, Drawer, Form, Input, InputNumber, List, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { MissingVariables, SendPreviewModal } from '../SendPreview';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { beijing, client, downloadFile, need } from '../api';
import type { Body } from '../vocab';
import { RegionName, RegionPicker } from '../regions';
import { Session } from '../session';
import { CAPACITIES, CATEGORIES, type Capacity, type Category } from '../vocab';
import { DateTimeField } from '../dates';

const TOPICS = ['gig', 'regular', 'seasonal', 'public_welfare', 'work_relief', 'workshop', 'training', 'policy', 'job_fair'] as const;

type BroadcastRow = Body<'Broadcast'>;
type CallList = Body<'BroadcastNotReached'>;
interface BroadcastForm {
  regionCode?: string;
  topic?: (typeof TOPICS)[number];
  categories?: Category[];
  laborCapacities?: Capacity[];
  employed?: 'true' | 'false';
  near?: string;
  radiusKm?: number;
  message?: string;
  variables?: Record<string, string | undefined>;
  sendAt?: string;
  toGroups?: boolean;
}
/** A broadcast still going out (or waiting for its hour): its delivery counts move as the queue works. */
const going = (b: BroadcastRow) => b.status === 'scheduled' || b.status === 'fanning_out' || b.status === 'sending' || b.counts.queued + b.counts.sending + b.counts.deferred > 0;

/** Compose a message with the live count of who it reaches, send it, and watch it go out. */
export function Broadcasts() {
  const { me, lang, t } = Session.use();
  const [form] = Form.useForm<BroadcastForm>();
  const queries = useQueryClient();
  // Open gigs with a place: the audience may be those living near one.
  const gigsQuery = useQuery({
    queryKey: ['vacancies', lang, { kind: 'gig', status: 'open' }],
    queryFn: () => need(client(lang).GET('/api/v1/vacancies', { params: { query: { kind: 'gig', status: 'open', pageSize: 100 } } })),
  });
  const gigs = (gigsQuery.data?.items ?? []).filter((g) => g.lat !== null && g.lng !== null);
  const [recipientId, setRecipientId] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  // Delivery counts move as the queue works: asked again every two seconds while any broadcast is going out.
  const listQuery = useQuery({
    queryKey: ['broadcasts', lang],
    queryFn: () => need(client(lang).GET('/api/v1/broadcasts', { params: { query: { pageSize: 20 } } })),
    refetchInterval: (q) => ((q.state.data?.items ?? []).some(going) ? 2000 : false),
  });
  const list: BroadcastRow[] = listQuery.data?.items ?? [];
  const [error, setError] = useState<string | null>(null);
  const [explained, setExplained] = useState<string | null>(null);
  const near = Form.useWatch('near', form);
  const radiusKm = Form.useWatch('radiusKm', form);
  const regionCode = Form.useWatch('regionCode', form) ?? me!.regionCode;
  const categories = Form.useWatch('categories', form);
  const capacities = Form.useWatch('laborCapacities', form);
  const employed = Form.useWatch('employed', form);
  const topic = Form.useWatch('topic', form);
  const message = Form.useWatch('message', form) ?? '';
  const toGroups = Boolean(Form.useWatch('toGroups', form));
  const defaults = Form.useWatch('variables', form) ?? {};
  const variables = Object.fromEntries(Object.entries(defaults).filter(([, v]) => v && v.trim()).map(([k, v]) => [k, v!.trim()]));

  const audience = () => {
    const gig = gigs.find((g) => g.id === near);
    return {
      regionCode,
      ...(gig ? { near: { lat: gig.lat!, lng: gig.lng!, radiusKm: radiusKm ?? 5 } } : {}),
      ...(categories?.length ? { categories } : {}),
      ...(capacities?.length ? { laborCapacities: capacities } : {}),
      ...(employed ? { employed: employed === 'true' } : {}),
    };
  };

  // The live preview: who it reaches and what they read, asked again a moment after anything changes.
  const draft = { audience: audience(), ...(topic ? { topic } : {}), toGroups, variables, ...(message.trim() ? { message: { 'zh-CN': message.trim() } } : {}), ...(recipientId ? { recipientId } : {}) };
  const draftKey = JSON.stringify(draft);
  const [asking, setAsking] = useState(draft);
  useEffect(() => {
    const timer = setTimeout(() => setAsking(draft), 300);
    return () => clearTimeout(timer);
    // The draft is a new object each render; what it says is draftKey.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draftKey]);
  const previewQuery = useQuery({
    queryKey: ['broadcast-preview', lang, asking],
    queryFn: () => need(client(lang).POST('/api/v1/broadcasts/preview', { body: asking })),
    // The last figures stay on screen while the next are asked for.
    placeholderData: keepPreviousData,
  });
  const preview = previewQuery.data ?? null;
  const previewError = previewQuery.error?.message ?? null;
  // A chosen person outside the audience: back to the first of it.
  useEffect(() => {
    if (previewError && asking.recipientId) setRecipientId(undefined);
  }, [previewError, asking.recipientId]);
  // Variables a default was asked for keep their field while the message uses them, also once given.
  const [asked, setAsked] = useState<string[]>([]);
  useEffect(() => {
    if (preview) setAsked((a) => [...new Set([...a.filter((n) => preview.variables.used.includes(n)), ...preview.variables.missing.map((m) => m.name)])]);
  }, [preview]);

  // Sending takes two steps: the form opens the preview, and only its confirmation sends.
  const review = () => {
    setConfirmError(null);
    setConfirming(true);
  };
  const send = async () => {
    const v = form.getFieldsValue();
    setError(null);
    setSending(true);
    try {
      const sendAt = v.sendAt ? beijing(v.sendAt) : undefined;
      await need(client(lang).POST('/api/v1/broadcasts', { body: { audience: audience(), message: { 'zh-CN': (v.message ?? '').trim() }, variables, ...(topic ? { topic } : {}), toGroups: Boolean(v.toGroups), ...(sendAt ? { sendAt } : {}) } }));
      setConfirming(false);
      form.setFieldsValue({ message: '', sendAt: '', variables: {} });
      setRecipientId(undefined);
      await queries.invalidateQueries({ queryKey: ['broadcasts'] });
    } catch (e) {
      setConfirmError(e instanceof Error ? e.message : String(e));
    } finally {
      setSending(false);
    }
  };
  const missing = preview?.variables.missing ?? [];
  const count = preview?.count ?? null;

  return (
    <div>
      <Typography.Title level={3}>{t('broadcasts.title')}</Typography.Title>
      <Card size="small" style={{ maxWidth: 720, marginBottom: 16 }}>
        <Form name="broadcast" form={form} layout="vertical" onFinish={review} initialValues={{ regionCode: me!.regionCode, radiusKm: 5 }}>
          <Space wrap align="start">
            <Form.Item name="regionCode" label={t('broadcasts.region')}>
              <RegionPicker />
            </Form.Item>
            <Form.Item name="topic" label={t('broadcasts.topic')}>
              <Select allowClear style={{ width: 200 }} placeholder={t('broadcasts.any_topic')} options={TOPICS.map((k) => ({ value: k, label: t(`broadcasts.topics.${k}`) }))} />
            </Form.Item>
          </Space>
          <Space wrap align="start">
            <Form.Item name="categories" label={t('workers.category')}>
              <Select mode="multiple" allowClear style={{ minWidth: 200 }} placeholder={t('broadcasts.all')} options={CATEGORIES.map((c) => ({ value: c, label: t(`workers.categories.${c}`) }))} />
            </Form.Item>
            <Form.Item name="laborCapacities" label={t('workers.capacity')}>
              <Select mode="multiple" allowClear style={{ minWidth: 200 }} placeholder={t('broadcasts.all')} options={CAPACITIES.map((c) => ({ value: c, label: t(`workers.capacities.${c}`) }))} />
            </Form.Item>
            <Form.Item name="employed" label={t('workers.employed')}>
              <Select allowClear style={{ width: 140 }} placeholder={t('broadcasts.all')} options={[{ value: 'false', label: t('workers.no') }, { value: 'true', label: t('workers.yes') }]} />
            </Form.Item>
          </Space>
          <Space wrap>
            <Form.Item name="near" label={t('broadcasts.near')}>
              <Select allowClear style={{ width: 260 }} placeholder={t('broadcasts.anyone')} options={gigs.map((g) => ({ value: g.id, label: g.title }))} />
            </Form.Item>
            <Form.Item name="radiusKm" label={t('broadcasts.radius')}>
              <InputNumber min={0.5} max={200} step={0.5} />
            </Form.Item>
          </Space>
          <Form.Item name="message" label={t('broadcasts.message')} rules={[{ required: true, message: t('broadcasts.required') }]}>
            <Input.TextArea rows={3} maxLength={600} showCount placeholder={t('broadcasts.message_hint', { name: '{{name}}', village: '{{village}}' })} />
          </Form.Item>
          {preview && <MissingVariables preview={preview} />}
          {asked.length > 0 && (
            <Space wrap align="start" style={{ marginTop: 8 }}>
              {asked.map((name) => (
                <Form.Item key={name} name={['variables', name]} label={t('broadcasts.default_for', { name: `{{${name}}}` })}>
                  <Input maxLength={100} style={{ width: 200 }} />
                </Form.Item>
              ))}
            </Space>
          )}
          <Space wrap align="start">
            <Form.Item name="sendAt" label={t('broadcasts.send_at')}>
              <DateTimeField style={{ width: 240 }} />
            </Form.Item>
            <Form.Item name="toGroups" label={t('broadcasts.groups')} valuePropName="checked">
              <Checkbox>{t('broadcasts.to_groups')}</Checkbox>
            </Form.Item>
          </Space>
          <Space align="center">
            <Statistic data-testid="audience-count" title={t('broadcasts.count')} value={count ?? '—'} />
            <Button type="primary" htmlType="submit" disabled={!count || missing.length > 0}>{t('broadcasts.send')}</Button>
          </Space>
        </Form>
        {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
      </Card>
      {explained && <NotReached broadcast={list.find((b) => b.id === explained) ?? null} id={explained} onClose={() => setExplained(null)} />}
      <SendPreviewModal preview={preview} open={confirming} busy={sending} error={confirmError ?? previewError} onRecipient={setRecipientId} onCancel={() => setConfirming(false)} onConfirm={send} />
      <Table<BroadcastRow>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        dataSource={list}
        locale={{ emptyText: t('broadcasts.none') }}
        pagination={false}
        columns={[
          { title: t('broadcasts.message'), render: (_, b) => b.message['zh-CN'] },
          { title: t('broadcasts.total'), dataIndex: 'total' },
          { title: t('broadcasts.sent'), render: (_, b) => <span data-testid={`sent-${b.id}`}>{b.counts.sent}</span> },
          { title: t('broadcasts.waiting'), render: (_, b) => b.counts.queued + b.counts.sending + b.counts.deferred + (b.counts.unknown ?? 0) },
          {
            title: t('broadcasts.failed'),
            render: (_, b) => {
              const n = b.counts.failed + b.counts.skipped + b.counts.unknown + b.counts.deferred;
              return (
                <Space size={4}>
                  <span data-testid={`not-reached-${b.id}`}>{b.counts.failed + b.counts.skipped}</span>
                  {n > 0 && <Button size="small" type="link" onClick={() => setExplained(b.id)}>{t('broadcasts.why')}</Button>}
                </Space>
              );
            },
          },
          { title: t('broadcasts.status'), dataIndex: 'status', render: (s: string) => t(`broadcasts.statuses.${s}`) },
          {
            title: '',
            render: (_, b) =>
              b.status === 'scheduled' || b.status === 'sending' ? (
                <Button size="small" danger onClick={() => need(client(lang).POST('/api/v1/broadcasts/{id}/cancel', { params: { path: { id: b.id } } })).then(() => queries.invalidateQueries({ queryKey: ['broadcasts'] }), (e: Error) => setError(e.message))}>
                  {t('broadcasts.cancel')}
                </Button>
              ) : null,
          },
        ]}
      />
    </div>
  );
}

/**
 * Why a broadcast's count of people reached is what it is: everyone not (yet) reached grouped by reason,
 * and the call list, each person with their village and masked phone, to export for the station's calls.
 */
function NotReached({ broadcast, id, onClose }: { broadcast: BroadcastRow | null; id: string; onClose: () => void }) {
  const { lang, t } = Session.use();
  const [exportError, setExportError] = useState<string | null>(null);
  const callsQuery = useQuery({
    queryKey: ['broadcast-not-reached', lang, id],
    queryFn: () => need(client(lang).GET('/api/v1/broadcasts/{id}/not-reached', { params: { path: { id }, query: { format: 'json' } } })),
  });
  // Asked for JSON: the spreadsheet (a string) is never the answer here.
  const calls: CallList | null = callsQuery.data && typeof callsQuery.data !== 'string' ? callsQuery.data : null;
  const error = exportError ?? callsQuery.error?.message ?? null;
  const name = `${t('broadcasts.call_list')}-${(broadcast?.createdAt ?? '').slice(0, 10)}`;
  const exportJson = () => {
    const url = URL.createObjectURL(new Blob([JSON.stringify(calls, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${name}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };
  const exportXlsx = async () => setExportError(await downloadFile(`/api/v1/broadcasts/${id}/not-reached?format=xlsx`, `${name}.xlsx`, lang));
  return (
    <Drawer open onClose={onClose} title={t('broadcasts.why_title')} width={Math.min(880, window.innerWidth)}>
      {broadcast && (
        <>
          <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }}>{broadcast.message['zh-CN']}</Typography.Paragraph>
          <Typography.Paragraph>{t('broadcasts.why_counts', { total: broadcast.total, sent: broadcast.counts.sent, other: broadcast.total - broadcast.counts.sent })}</Typography.Paragraph>
          <List
            size="small"
            bordered
            data-testid="reasons"
            locale={{ emptyText: t('broadcasts.all_reached') }}
            dataSource={broadcast.notReached}
            renderItem={(r) => (
              <List.Item extra={<Tag>{t('broadcasts.people', { count: r.count })}</Tag>}>
                <Space wrap size={4}>
                  <Tag color={r.status === 'failed' ? 'red' : r.status === 'skipped' ? 'default' : 'gold'}>{t(`broadcasts.outcomes.${r.status}`)}</Tag>
                  <span>{r.label}</span>
                </Space>
              </List.Item>
            )}
          />
        </>
      )}
      <Space wrap style={{ margin: '16px 0 8px' }}>
        <Typography.Title level={5} style={{ margin: 0 }}>{t('broadcasts.call_list')}</Typography.Title>
        <Button size="small" disabled={!calls?.items.length} onClick={exportXlsx}>{t('broadcasts.export_xlsx')}</Button>
        <Button size="small" disabled={!calls?.items.length} onClick={exportJson}>{t('broadcasts.export_json')}</Button>
      </Space>
      {error && <Alert type="error" title={error} style={{ marginBottom: 8 }} />}
      <Table<CallList['items'][number]>
        rowKey="workerId"
        size="small"
        scroll={{ x: true }}
        loading={!calls && !error}
        dataSource={calls?.items ?? []}
        locale={{ emptyText: t('broadcasts.nobody_to_call') }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        columns={[
          { title: t('workers.name'), dataIndex: 'name' },
          { title: t('workers.phone'), dataIndex: 'phoneMasked', render: (v: string | null) => v ?? '—' },
          { title: t('broadcasts.village'), dataIndex: 'village', render: (v: string | null, r) => v ?? <RegionName code={r.regionCode} /> },
          { title: t('broadcasts.status'), dataIndex: 'status', render: (s: string) => t(`broadcasts.outcomes.${s}`) },
          { title: t('broadcasts.reason'), dataIndex: 'label' },
        ]}
      />
    </Drawer>
  );
}
