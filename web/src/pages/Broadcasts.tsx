import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Select, Space, Statistic, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { beijing, client, need } from '../api';
import { RegionPicker } from '../regions';
import { Session } from '../session';
import { CAPACITIES, CATEGORIES, type Capacity, type Category } from '../vocab';
import { DateTimeField } from '../dates';

const TOPICS = ['gig', 'regular', 'seasonal', 'public_welfare', 'work_relief', 'workshop', 'training', 'policy', 'job_fair'] as const;

interface Gig {
  id: string;
  title: string;
  kind: string;
  status: string;
  lat: number | null;
  lng: number | null;
}
interface BroadcastRow {
  id: string;
  message: Record<string, string>;
  status: string;
  total: number;
  counts: { queued: number; sending: number; sent: number; deferred: number; failed: number; skipped: number; unknown?: number };
  createdAt: string;
}

/** Compose a message with the live count of who it reaches, send it, and watch it go out. */
export function Broadcasts() {
  const { me, lang, t } = Session.use();
  const [form] = Form.useForm();
  const [gigs, setGigs] = useState<Gig[]>([]);
  const [count, setCount] = useState<number | null>(null);
  const [list, setList] = useState<BroadcastRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const near = Form.useWatch('near', form) as string | undefined;
  const radiusKm = Form.useWatch('radiusKm', form) as number | undefined;
  const regionCode = (Form.useWatch('regionCode', form) as string | undefined) ?? me!.regionCode;
  const categories = Form.useWatch('categories', form) as Category[] | undefined;
  const capacities = Form.useWatch('laborCapacities', form) as Capacity[] | undefined;
  const employed = Form.useWatch('employed', form) as 'true' | 'false' | undefined;
  const topic = Form.useWatch('topic', form) as (typeof TOPICS)[number] | undefined;

  useEffect(() => {
    need(client(lang).GET('/api/v1/vacancies', { params: { query: { kind: 'gig', status: 'open', pageSize: 100 } } }))
      .then((r) => setGigs((r as { items: Gig[] }).items.filter((g) => g.lat !== null)))
      .catch(() => undefined);
  }, [lang]);

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

  // The live count: asked again a moment after the audience changes.
  useEffect(() => {
    const timer = setTimeout(() => {
      need(client(lang).POST('/api/v1/broadcasts/preview', { body: { audience: audience(), ...(topic ? { topic } : {}) } }))
        .then((r) => setCount((r as { count: number }).count))
        .catch(() => setCount(null));
    }, 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [near, radiusKm, regionCode, gigs, lang, categories, capacities, employed, topic]);

  // Delivery counts move as the queue works: refreshed every two seconds.
  useEffect(() => {
    let stop = false;
    const tick = async () => {
      const r = await need(client(lang).GET('/api/v1/broadcasts', { params: { query: { pageSize: 20 } } })).catch(() => null);
      if (!stop && r) setList((r as { items: BroadcastRow[] }).items);
    };
    void tick();
    const timer = setInterval(tick, 2000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [lang]);

  const send = async (v: { message: string; sendAt?: string; toGroups?: boolean }) => {
    setError(null);
    try {
      const sendAt = v.sendAt ? beijing(v.sendAt) : undefined;
      await need(client(lang).POST('/api/v1/broadcasts', { body: { audience: audience(), message: { 'zh-CN': v.message }, ...(topic ? { topic } : {}), toGroups: Boolean(v.toGroups), ...(sendAt ? { sendAt } : {}) } }));
      form.setFieldsValue({ message: '', sendAt: '' });
      const r = await need(client(lang).GET('/api/v1/broadcasts', { params: { query: { pageSize: 20 } } }));
      setList((r as { items: BroadcastRow[] }).items);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div>
      <Typography.Title level={3}>{t('broadcasts.title')}</Typography.Title>
      <Card size="small" style={{ maxWidth: 720, marginBottom: 16 }}>
        <Form name="broadcast" form={form} layout="vertical" onFinish={send} initialValues={{ regionCode: me!.regionCode, radiusKm: 5 }}>
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
            <Input.TextArea rows={3} maxLength={600} showCount />
          </Form.Item>
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
            <Button type="primary" htmlType="submit" disabled={!count}>{t('broadcasts.send')}</Button>
          </Space>
        </Form>
        {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
      </Card>
      <Table<BroadcastRow>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        dataSource={list}
        pagination={false}
        columns={[
          { title: t('broadcasts.message'), render: (_, b) => b.message['zh-CN'] },
          { title: t('broadcasts.total'), dataIndex: 'total' },
          { title: t('broadcasts.sent'), render: (_, b) => <span data-testid={`sent-${b.id}`}>{b.counts.sent}</span> },
          { title: t('broadcasts.waiting'), render: (_, b) => b.counts.queued + b.counts.sending + b.counts.deferred + (b.counts.unknown ?? 0) },
          { title: t('broadcasts.failed'), render: (_, b) => b.counts.failed + b.counts.skipped },
          { title: t('broadcasts.status'), dataIndex: 'status', render: (s: string) => t(`broadcasts.statuses.${s}`) },
          {
            title: '',
            render: (_, b) =>
              b.status === 'scheduled' || b.status === 'sending' ? (
                <Button size="small" danger onClick={() => need(client(lang).POST('/api/v1/broadcasts/{id}/cancel', { params: { path: { id: b.id } } })).catch((e: Error) => setError(e.message))}>
                  {t('broadcasts.cancel')}
                </Button>
              ) : null,
          },
        ]}
      />
    </div>
  );
}
