import { Alert, Button, Card, Descriptions, Drawer, Form, Input, InputNumber, List, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { authFetch, beijing, beijingText, client, downloadFile, need } from '../api';
import { Session } from '../session';
import { RegisterForm } from './Register';
import { SendPreviewModal, type Preview } from '../SendPreview';
import type { Body } from '../vocab';
import { DateTimeField } from '../dates';

interface FairRow {
  id: string;
  kind: string;
  title: string;
  status: string;
  startsAt: string;
  endsAt: string;
  campaign: string | null;
}
interface FairView extends FairRow {
  address: string | null;
  capacity: number | null;
  checkinCode: string;
  checkinUrl: string;
  vacancies: Array<{ seq: number; vacancyId: string; title: string; employer: string; pay: string; onScreen: boolean }>;
  counts: { signedUp: number; waiting: number; checkedIn: number; placesLeft: number | null };
}
interface Person {
  workerId: string;
  name: string;
  idNumber: string;
  signup: string | null;
  checkedIn: boolean;
}

const local = beijingText;

/** Job fairs: create, announce, the live "on screen now" control, the check-in desk, and the outcome. */
export function Fairs() {
  const { me, lang, t } = Session.use();
  const [form] = Form.useForm();
  const [list, setList] = useState<FairRow[] | null>(null);
  const [open, setOpen] = useState<FairView | null>(null);
  const [posts, setPosts] = useState<Array<{ id: string; title: string }>>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    need(client(lang).GET('/api/v1/fairs', { params: { query: { pageSize: 50 } } })).then((r) => setList((r as { items: FairRow[] }).items)).catch((e: Error) => setError(e.message));
    need(client(lang).GET('/api/v1/vacancies', { params: { query: { status: 'open', pageSize: 100 } } })).then((r) => setPosts((r as { items: Array<{ id: string; title: string }> }).items)).catch(() => undefined);
  }, [lang]);
  useEffect(load, [load]);
  const show = async (id: string) => setOpen((await need(client(lang).GET('/api/v1/fairs/{id}', { params: { path: { id } } }))) as unknown as FairView);
  const act = async (path: string, body?: object) => {
    setError(null);
    try {
      // The fair's actions share one shape (its id, sometimes a body), so the path is chosen at run time.
      await need(client(lang).POST(path as never, { params: { path: { id: open!.id } }, ...(body ? { body } : {}) } as never));
      await show(open!.id);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const create = async (v: { kind: Body<'JobFairCreate'>['kind']; title: string; startsAt: string; endsAt: string; address?: string; capacity?: number; campaign?: string; vacancyIds?: string[] }) => {
    setError(null);
    try {
      const made = (await need(
        client(lang).POST('/api/v1/fairs', {
          body: { kind: v.kind, title: v.title, startsAt: beijing(v.startsAt), endsAt: beijing(v.endsAt), address: v.address || null, capacity: v.capacity ?? null, campaign: v.campaign || null, audience: { regionCode: me!.regionCode }, vacancyIds: v.vacancyIds ?? [] },
        }),
      )) as unknown as FairView;
      form.resetFields();
      load();
      setOpen(made);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div>
      <Typography.Title level={3}>{t('fairs.title')}</Typography.Title>
      {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      <Card size="small" title={t('fairs.new')} style={{ maxWidth: 720, marginBottom: 16 }}>
        <Form name="fair" form={form} layout="vertical" onFinish={create} initialValues={{ kind: 'on_site' }}>
          <Space wrap>
            <Form.Item name="kind" label={t('fairs.kind')}>
              <Select style={{ width: 160 }} options={['on_site', 'live_stream', 'video'].map((k) => ({ value: k, label: t(`fairs.kinds.${k}`) }))} />
            </Form.Item>
            <Form.Item name="title" label={t('fairs.name')} rules={[{ required: true, message: t('fairs.required') }]}>
              <Input style={{ width: 320 }} maxLength={80} />
            </Form.Item>
          </Space>
          <Space wrap>
            <Form.Item name="startsAt" label={t('fairs.starts')} rules={[{ required: true, message: t('fairs.required') }]}>
              <DateTimeField />
            </Form.Item>
            <Form.Item name="endsAt" label={t('fairs.ends')} rules={[{ required: true, message: t('fairs.required') }]}>
              <DateTimeField />
            </Form.Item>
            <Form.Item name="capacity" label={t('fairs.capacity')}>
              <InputNumber min={1} max={100000} />
            </Form.Item>
          </Space>
          <Form.Item name="address" label={t('fairs.address')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="campaign" label={t('fairs.campaign')}>
            <Input maxLength={40} placeholder={t('fairs.campaign_hint')} />
          </Form.Item>
          <Form.Item name="vacancyIds" label={t('fairs.posts')}>
            <Select mode="multiple" optionFilterProp="label" options={posts.map((p) => ({ value: p.id, label: p.title }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit">{t('fairs.create')}</Button>
        </Form>
      </Card>
      <Table<FairRow>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        loading={!list}
        dataSource={list ?? []}
        locale={{ emptyText: t('fairs.none') }}
        columns={[
          { title: t('fairs.name'), dataIndex: 'title', render: (v: string, f) => <Button type="link" style={{ padding: 0 }} onClick={() => show(f.id)}>{v}</Button> },
          { title: t('fairs.kind'), dataIndex: 'kind', render: (k: string) => t(`fairs.kinds.${k}`) },
          { title: t('fairs.starts'), dataIndex: 'startsAt', render: local },
          { title: t('fairs.status'), dataIndex: 'status', render: (s: string) => <Tag>{t(`fairs.statuses.${s}`)}</Tag> },
        ]}
      />
      {open && <FairDrawer fair={open} onClose={() => setOpen(null)} act={act} refresh={() => show(open.id)} />}
    </div>
  );
}

function FairDrawer({ fair, onClose, act, refresh }: { fair: FairView; onClose: () => void; act: (path: string, body?: object) => Promise<void>; refresh: () => Promise<void> }) {
  const { lang, t } = Session.use();
  const [walkIn, setWalkIn] = useState(false);
  const [welcomed, setWelcomed] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [people, setPeople] = useState<Person[]>([]);
  const [outcome, setOutcome] = useState<{ totals: Record<string, number>; employers: Array<Record<string, string | number>> } | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  // Announcing shows first who hears of it and what they read; only the confirmation announces.
  const [announcing, setAnnouncing] = useState<{ preview: Preview | null; error: string | null; busy: boolean } | null>(null);
  const previewAnnouncement = async (recipientId?: string) => {
    setAnnouncing((a) => ({ preview: a?.preview ?? null, error: null, busy: false }));
    try {
      const preview = await need(client(lang).POST('/api/v1/fairs/{id}/announce/preview', { params: { path: { id: fair.id } }, body: recipientId ? { recipientId } : {} }));
      setAnnouncing({ preview, error: null, busy: false });
    } catch (e) {
      setAnnouncing((a) => ({ preview: a?.preview ?? null, error: (e as Error).message, busy: false }));
    }
  };
  const announce = async () => {
    setAnnouncing((a) => a && { ...a, busy: true });
    await act(`${base}/announce`);
    setAnnouncing(null);
  };
  // The check-in QR code for the poster: it opens the fair's page, which says how to check in.
  useEffect(() => {
    authFetch(`/api/v1/fairs/${fair.id}/qr.svg`, lang)
      .then(async (res) => (res.ok ? setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(await res.text())}`) : undefined))
      .catch(() => undefined);
  }, [fair.id, lang]);
  const search = async (text: string) => {
    setQ(text);
    if (text.trim().length < 1) return setPeople([]);
    const r = await need(client(lang).GET('/api/v1/fairs/{id}/people', { params: { path: { id: fair.id }, query: { q: text.trim() } } })).catch(() => ({ items: [] }));
    setPeople((r as { items: Person[] }).items);
  };
  useEffect(() => {
    if (fair.status === 'ended' || fair.status === 'reported' || fair.status === 'live') {
      need(client(lang).GET('/api/v1/fairs/{id}/outcome', { params: { path: { id: fair.id }, query: {} } })).then((o) => setOutcome(o as never)).catch(() => undefined);
    }
  }, [fair, lang]);
  const xlsx = () => downloadFile(`/api/v1/fairs/${fair.id}/outcome?format=xlsx`, `${fair.title}.xlsx`, lang);
  const base = `/api/v1/fairs/{id}`;
  return (
    <Drawer open onClose={onClose} title={fair.title} width={Math.min(960, window.innerWidth)}>
      <SendPreviewModal preview={announcing?.preview ?? null} open={announcing !== null} busy={announcing?.busy ?? false} error={announcing?.error ?? null} onRecipient={(id) => previewAnnouncement(id)} onCancel={() => setAnnouncing(null)} onConfirm={announce} />
      <Descriptions size="small" bordered column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('fairs.status')}>{t(`fairs.statuses.${fair.status}`)}</Descriptions.Item>
        <Descriptions.Item label={t('fairs.starts')}>{local(fair.startsAt)}</Descriptions.Item>
        <Descriptions.Item label={t('fairs.checkin_code')}>{fair.checkinCode}</Descriptions.Item>
        <Descriptions.Item label={t('fairs.places')}>{fair.capacity === null ? t('fairs.no_limit') : `${fair.counts.placesLeft} / ${fair.capacity}`}</Descriptions.Item>
      </Descriptions>
      <Space wrap style={{ margin: '12px 0' }} align="center">
        {qr && <img src={qr} alt={t('fairs.qr')} width={120} height={120} />}
        <Statistic title={t('fairs.signed_up')} value={fair.counts.signedUp} />
        <Statistic title={t('fairs.waiting')} value={fair.counts.waiting} />
        <Statistic title={t('fairs.checked_in')} value={fair.counts.checkedIn} />
      </Space>
      <Space wrap style={{ marginBottom: 12 }}>
        {fair.status === 'draft' && <Button type="primary" onClick={() => previewAnnouncement()}>{t('fairs.announce')}</Button>}
        {fair.status === 'announced' && <Button onClick={() => act(`${base}/live`)}>{t('fairs.go_live')}</Button>}
        {(fair.status === 'announced' || fair.status === 'live') && <Button onClick={() => act(`${base}/end`)}>{t('fairs.end')}</Button>}
        {fair.status === 'ended' && <Button onClick={() => act(`${base}/report`)}>{t('fairs.report')}</Button>}
        {(fair.status === 'draft' || fair.status === 'announced') && <Button danger onClick={() => act(`${base}/cancel`)}>{t('fairs.cancel')}</Button>}
      </Space>
      <Typography.Title level={5}>{t('fairs.posts')}</Typography.Title>
      <List
        size="small"
        dataSource={fair.vacancies}
        locale={{ emptyText: t('fairs.no_posts') }}
        renderItem={(v) => (
          <List.Item actions={fair.status === 'live' ? [<Button key="screen" size="small" type={v.onScreen ? 'primary' : 'default'} onClick={() => act(`${base}/on-screen`, { vacancyId: v.vacancyId })}>{v.onScreen ? t('fairs.on_screen_now') : t('fairs.put_on_screen')}</Button>] : []}>
            <List.Item.Meta title={`${v.seq}. ${v.title}`} description={`${v.employer} · ${v.pay}`} />
          </List.Item>
        )}
      />
      {(fair.status === 'announced' || fair.status === 'live') && (
        <Card size="small" title={t('fairs.desk')} style={{ marginTop: 12 }}>
          <Input.Search aria-label={t('fairs.desk_search')} placeholder={t('fairs.desk_search')} value={q} onChange={(e) => setQ(e.target.value)} onSearch={search} />
          <List
            size="small"
            dataSource={people}
            renderItem={(p) => (
              <List.Item actions={[<Button key="in" size="small" disabled={p.checkedIn} onClick={async () => { await act(`${base}/checkins`, { workerId: p.workerId }); await search(q); }}>{p.checkedIn ? t('fairs.checked_in') : t('fairs.check_in')}</Button>]}>
                <List.Item.Meta title={p.name} description={p.idNumber} />
              </List.Item>
            )}
          />
          {/* Someone not yet in the register: registered with its rules and checked in at once. */}
          <Button style={{ marginTop: 8 }} onClick={() => { setWalkIn(!walkIn); setWelcomed(null); }}>{walkIn ? t('workers.close_form') : t('fairs.walk_in')}</Button>
          {welcomed && <Alert type="success" title={t('fairs.welcomed', { name: welcomed })} style={{ marginTop: 8 }} />}
          {walkIn && (
            <div style={{ marginTop: 12 }}>
              <RegisterForm
                submitText={t('fairs.register_check_in')}
                submit={(body) => need(client(lang).POST('/api/v1/fairs/{id}/walk-ins', { params: { path: { id: fair.id } }, body }))}
                onDone={async (w) => {
                  setWalkIn(false);
                  setWelcomed(w.name);
                  await refresh();
                }}
              />
            </div>
          )}
        </Card>
      )}
      {outcome && (
        <Card size="small" title={t('fairs.outcome')} style={{ marginTop: 12 }} extra={<Button size="small" onClick={xlsx}>XLSX</Button>}>
          <Space wrap>
            {['checkedIn', 'applications', 'interviews', 'hires'].map((k) => (
              <Statistic key={k} title={t(`fairs.totals.${k}`)} value={outcome.totals[k] ?? 0} />
            ))}
          </Space>
        </Card>
      )}
    </Drawer>
  );
}
