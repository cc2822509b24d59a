import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Drawer, Form, Input, InputNumber, List, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { authFetch, beijing, beijingText, client, downloadFile, need } from '../api';
import { Session } from '../session';
import { RegisterForm } from './Register';
import { SendPreviewModal, type Preview } from '../SendPreview';
import type { Body } from '../vocab';
import { DateTimeField } from '../dates';

type FairRow = Body<'JobFairList'>['items'][number];
type FairView = Body<'JobFair'>;
type Lang = ReturnType<typeof Session.use>['lang'];

const local = beijingText;
/** A fair people are signing up for or at: its counts move, so they are asked again while it runs. */
const running = (f: FairView | undefined) => f?.status === 'announced' || f?.status === 'live';

/** What staff may do to a fair, each a typed call of the API; the page refreshes the fair after any of them. */
function fairActions(lang: Lang, id: string) {
  const path = { params: { path: { id } } };
  return {
    announce: () => need(client(lang).POST('/api/v1/fairs/{id}/announce', path)),
    live: () => need(client(lang).POST('/api/v1/fairs/{id}/live', path)),
    end: () => need(client(lang).POST('/api/v1/fairs/{id}/end', path)),
    report: () => need(client(lang).POST('/api/v1/fairs/{id}/report', path)),
    cancel: () => need(client(lang).POST('/api/v1/fairs/{id}/cancel', path)),
    onScreen: (vacancyId: string) => need(client(lang).POST('/api/v1/fairs/{id}/on-screen', { ...path, body: { vacancyId } })),
    checkIn: (workerId: string) => need(client(lang).POST('/api/v1/fairs/{id}/checkins', { ...path, body: { workerId } })),
  };
}
type Act = (call: (a: ReturnType<typeof fairActions>) => Promise<unknown>) => Promise<void>;

/** Job fairs: create, announce, the live "on screen now" control, the check-in desk, and the outcome. */
export function Fairs() {
  const { me, lang, t } = Session.use();
  const [form] = Form.useForm();
  const queries = useQueryClient();
  const [openId, setOpenId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = useQuery({ queryKey: ['fairs', lang], queryFn: () => need(client(lang).GET('/api/v1/fairs', { params: { query: { pageSize: 50 } } })) });
  const postsQuery = useQuery({ queryKey: ['vacancies', lang, { status: 'open' }, 100], queryFn: () => need(client(lang).GET('/api/v1/vacancies', { params: { query: { status: 'open', pageSize: 100 } } })) });
  const posts = postsQuery.data?.items ?? [];
  const fair = useQuery({
    queryKey: ['fair', lang, openId],
    queryFn: () => need(client(lang).GET('/api/v1/fairs/{id}', { params: { path: { id: openId! } } })),
    enabled: openId !== null,
    // Sign-ups and check-ins come in while the fair is announced or live: its counts are asked again every five seconds.
    refetchInterval: (q) => (running(q.state.data) ? 5000 : false),
  });
  const refresh = () => queries.invalidateQueries({ queryKey: ['fair'] }).then(() => queries.invalidateQueries({ queryKey: ['fairs'] }));
  const act: Act = async (call) => {
    if (!openId) return;
    setError(null);
    try {
      await call(fairActions(lang, openId));
      await refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const create = useMutation({
    mutationFn: (v: { kind: Body<'JobFairCreate'>['kind']; title: string; startsAt: string; endsAt: string; address?: string; capacity?: number; campaign?: string; vacancyIds?: string[] }) =>
      need(
        client(lang).POST('/api/v1/fairs', {
          body: { kind: v.kind, title: v.title, startsAt: beijing(v.startsAt), endsAt: beijing(v.endsAt), address: v.address || null, capacity: v.capacity ?? null, campaign: v.campaign || null, audience: { regionCode: me!.regionCode }, vacancyIds: v.vacancyIds ?? [] },
        }),
      ),
    onMutate: () => setError(null),
    onSuccess: (made) => {
      form.resetFields();
      queries.setQueryData(['fair', lang, made.id], made);
      void queries.invalidateQueries({ queryKey: ['fairs'] });
      setOpenId(made.id);
    },
    onError: (e) => setError(e.message),
  });
  return (
    <div>
      <Typography.Title level={3}>{t('fairs.title')}</Typography.Title>
      {(error ?? list.error?.message ?? fair.error?.message) && <Alert type="error" title={error ?? list.error?.message ?? fair.error?.message} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      <Card size="small" title={t('fairs.new')} style={{ maxWidth: 720, marginBottom: 16 }}>
        <Form name="fair" form={form} layout="vertical" onFinish={(v) => create.mutate(v)} initialValues={{ kind: 'on_site' }}>
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
          <Button type="primary" htmlType="submit" loading={create.isPending}>{t('fairs.create')}</Button>
        </Form>
      </Card>
      <Table<FairRow>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        loading={list.isPending && !list.error}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('fairs.none') }}
        columns={[
          { title: t('fairs.name'), dataIndex: 'title', render: (v: string, f) => <Button type="link" style={{ padding: 0 }} onClick={() => setOpenId(f.id)}>{v}</Button> },
          { title: t('fairs.kind'), dataIndex: 'kind', render: (k: string) => t(`fairs.kinds.${k}`) },
          { title: t('fairs.starts'), dataIndex: 'startsAt', render: local },
          { title: t('fairs.status'), dataIndex: 'status', render: (s: string) => <Tag>{t(`fairs.statuses.${s}`)}</Tag> },
        ]}
      />
      {openId && fair.data && <FairDrawer fair={fair.data} onClose={() => setOpenId(null)} act={act} refresh={refresh} />}
    </div>
  );
}

function FairDrawer({ fair, onClose, act, refresh }: { fair: FairView; onClose: () => void; act: Act; refresh: () => Promise<void> }) {
  const { lang, t } = Session.use();
  const queries = useQueryClient();
  const [walkIn, setWalkIn] = useState(false);
  const [welcomed, setWelcomed] = useState<string | null>(null);
  const [q, setQ] = useState('');
  // What the desk searched for (on Enter or the button), not every key typed.
  const [searched, setSearched] = useState('');
  // Announcing shows first who hears of it and what they read; only the confirmation announces.
  const [announcing, setAnnouncing] = useState<{ recipientId?: string; busy: boolean } | null>(null);
  const preview = useQuery({
    queryKey: ['fair-announce-preview', lang, fair.id, announcing?.recipientId ?? null],
    queryFn: () => need(client(lang).POST('/api/v1/fairs/{id}/announce/preview', { params: { path: { id: fair.id } }, body: announcing?.recipientId ? { recipientId: announcing.recipientId } : {} })),
    enabled: announcing !== null && fair.status === 'draft',
    staleTime: 0,
    // The last preview stays on screen while one for another recipient is asked for.
    placeholderData: keepPreviousData,
  });
  const shownPreview: Preview | null = preview.data ?? null;
  const announce = async () => {
    setAnnouncing((a) => a && { ...a, busy: true });
    await act((a) => a.announce());
    setAnnouncing(null);
  };
  // The check-in QR code for the poster: it opens the fair's page, which says how to check in.
  const qr = useQuery({
    queryKey: ['fair-qr', fair.id],
    queryFn: async () => {
      const res = await authFetch(`/api/v1/fairs/${fair.id}/qr.svg`, lang);
      return res.ok ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(await res.text())}` : null;
    },
    staleTime: Infinity,
  });
  const people = useQuery({
    queryKey: ['fair-people', lang, fair.id, searched],
    queryFn: () => need(client(lang).GET('/api/v1/fairs/{id}/people', { params: { path: { id: fair.id }, query: { q: searched } } })),
    enabled: searched.length > 0,
  });
  const search = (text: string) => {
    setQ(text);
    setSearched(text.trim());
  };
  const hasOutcome = fair.status === 'ended' || fair.status === 'reported' || fair.status === 'live';
  const outcome = useQuery({
    queryKey: ['fair-outcome', lang, fair.id, fair.status],
    queryFn: () => need(client(lang).GET('/api/v1/fairs/{id}/outcome', { params: { path: { id: fair.id }, query: {} } })),
    enabled: hasOutcome,
    // While live, hires and applications come in: asked again with the fair's own counts.
    refetchInterval: fair.status === 'live' ? 5000 : false,
  });
  const xlsx = () => downloadFile(`/api/v1/fairs/${fair.id}/outcome?format=xlsx`, `${fair.title}.xlsx`, lang);
  const totals = outcome.data?.totals;
  return (
    <Drawer open onClose={onClose} title={fair.title} width={Math.min(960, window.innerWidth)}>
      <SendPreviewModal
        preview={shownPreview}
        open={announcing !== null}
        busy={announcing?.busy ?? false}
        error={preview.error?.message ?? null}
        onRecipient={(id) => setAnnouncing((a) => ({ busy: a?.busy ?? false, recipientId: id }))}
        onCancel={() => setAnnouncing(null)}
        onConfirm={announce}
      />
      <Descriptions size="small" bordered column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('fairs.status')}>{t(`fairs.statuses.${fair.status}`)}</Descriptions.Item>
        <Descriptions.Item label={t('fairs.starts')}>{local(fair.startsAt)}</Descriptions.Item>
        <Descriptions.Item label={t('fairs.checkin_code')}>{fair.checkinCode}</Descriptions.Item>
        <Descriptions.Item label={t('fairs.places')}>{fair.capacity === null ? t('fairs.no_limit') : `${fair.counts.placesLeft} / ${fair.capacity}`}</Descriptions.Item>
      </Descriptions>
      <Space wrap style={{ margin: '12px 0' }} align="center">
        {qr.data && <img src={qr.data} alt={t('fairs.qr')} width={120} height={120} />}
        <Statistic title={t('fairs.signed_up')} value={fair.counts.signedUp} />
        <Statistic title={t('fairs.waiting')} value={fair.counts.waiting} />
        <Statistic title={t('fairs.checked_in')} value={fair.counts.checkedIn} />
      </Space>
      <Space wrap style={{ marginBottom: 12 }}>
        {fair.status === 'draft' && <Button type="primary" onClick={() => setAnnouncing({ busy: false })}>{t('fairs.announce')}</Button>}
        {fair.status === 'announced' && <Button onClick={() => act((a) => a.live())}>{t('fairs.go_live')}</Button>}
        {(fair.status === 'announced' || fair.status === 'live') && <Button onClick={() => act((a) => a.end())}>{t('fairs.end')}</Button>}
        {fair.status === 'ended' && <Button onClick={() => act((a) => a.report())}>{t('fairs.report')}</Button>}
        {(fair.status === 'draft' || fair.status === 'announced') && <Button danger onClick={() => act((a) => a.cancel())}>{t('fairs.cancel')}</Button>}
      </Space>
      <Typography.Title level={5}>{t('fairs.posts')}</Typography.Title>
      <List
        size="small"
        dataSource={fair.vacancies}
        locale={{ emptyText: t('fairs.no_posts') }}
        renderItem={(v) => (
          <List.Item actions={fair.status === 'live' ? [<Button key="screen" size="small" type={v.onScreen ? 'primary' : 'default'} onClick={() => act((a) => a.onScreen(v.vacancyId))}>{v.onScreen ? t('fairs.on_screen_now') : t('fairs.put_on_screen')}</Button>] : []}>
            <List.Item.Meta title={`${v.seq}. ${v.title}`} description={`${v.employer} · ${v.pay}`} />
          </List.Item>
        )}
      />
      {(fair.status === 'announced' || fair.status === 'live') && (
        <Card size="small" title={t('fairs.desk')} style={{ marginTop: 12 }}>
          <Input.Search aria-label={t('fairs.desk_search')} placeholder={t('fairs.desk_search')} value={q} onChange={(e) => setQ(e.target.value)} onSearch={search} />
          <List
            size="small"
            dataSource={searched ? (people.data?.items ?? []) : []}
            renderItem={(p) => (
              <List.Item actions={[<Button key="in" size="small" disabled={p.checkedIn} onClick={async () => { await act((a) => a.checkIn(p.workerId)); await queries.invalidateQueries({ queryKey: ['fair-people'] }); }}>{p.checkedIn ? t('fairs.checked_in') : t('fairs.check_in')}</Button>]}>
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
                submit={async (body) => (await need(client(lang).POST('/api/v1/fairs/{id}/walk-ins', { params: { path: { id: fair.id } }, body }))).worker}
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
      {hasOutcome && totals && (
        <Card size="small" title={t('fairs.outcome')} style={{ marginTop: 12 }} extra={<Button size="small" onClick={xlsx}>XLSX</Button>}>
          <Space wrap>
            {(['checkedIn', 'applications', 'interviews', 'hires'] as const).map((k) => (
              <Statistic key={k} title={t(`fairs.totals.${k}`)} value={totals[k]} />
            ))}
          </Space>
        </Card>
      )}
    </Drawer>
  );
}
