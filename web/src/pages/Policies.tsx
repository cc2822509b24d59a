import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Drawer, Input, List, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, client, need } from '../api';
import { yuan } from '../forms';
import { Session } from '../session';
import type { Body } from '../vocab';
import { RegionName } from '../regions';

type Policy = Body<'Policy'>;
type ChecklistItem = Body<'PolicyChecklist'>['eligible'][number];
/** A text in Chinese and, where written, English (a policy's title, its steps, why it ended). */
type Texts = { 'zh-CN'?: string; en?: string; [lang: string]: unknown };

/** The text in the reader's language, Chinese when there is no other. */
export function inLang(texts: Texts | null | undefined, lang: string): string {
  const own = texts?.[lang];
  return (typeof own === 'string' ? own : undefined) ?? texts?.['zh-CN'] ?? '';
}

/** The policies that apply in the region, who qualifies for each, and telling them. */
export function Policies() {
  const { me, lang, t } = Session.use();
  const [audience, setAudience] = useState<'worker' | 'employer' | 'agency' | undefined>();
  // In force today, or the ones that ended, listed apart with what carries them forward or why nothing does.
  const [state, setState] = useState<'current' | 'expired'>('current');
  const [open, setOpen] = useState<Policy | null>(null);
  const [editing, setEditing] = useState<Policy | 'new' | null>(null);
  const queries = useQueryClient();
  const list = useQuery({
    queryKey: ['policies', lang, audience ?? null, state],
    queryFn: () => need(client(lang).GET('/api/v1/policies', { params: { query: { ...(audience ? { audience } : {}), state } } })),
  });
  const error = list.error?.message ?? null;
  const admin = me!.role !== 'station';
  return (
    <div>
      <Typography.Title level={3}>{t('policies.title')}</Typography.Title>
      {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
      <Space wrap style={{ marginBottom: 12 }}>
        <Select aria-label={t('policies.state')} style={{ width: 140 }} value={state} onChange={setState} options={(['current', 'expired'] as const).map((v) => ({ value: v, label: t(`policies.states.${v}`) }))} />
        <Select aria-label={t('policies.audience')} allowClear placeholder={t('policies.audience')} style={{ width: 160 }} value={audience} onChange={setAudience} options={['worker', 'employer', 'agency'].map((a) => ({ value: a, label: t(`policies.audiences.${a}`) }))} />
        {admin && <Button onClick={() => setEditing('new')}>{t('policies.add')}</Button>}
      </Space>
      <Table<Policy>
        rowKey="key"
        size="small"
        scroll={{ x: true }}
        loading={list.isFetching && !error}
        dataSource={list.data?.items ?? []}
        columns={[
          { title: t('policies.name'), render: (_, p) => <Button type="link" style={{ padding: 0, whiteSpace: 'normal', textAlign: 'left', height: 'auto' }} onClick={() => setOpen(p)}>{inLang(p.title, lang)}</Button> },
          { title: t('policies.benefit'), render: (_, p) => inLang(p.benefit, lang) },
          { title: t('policies.audience'), dataIndex: 'audience', render: (a: string) => t(`policies.audiences.${a}`) },
          { title: t('policies.mode'), dataIndex: 'mode', render: (m: string) => <Tag color={m === 'ordinary' ? undefined : 'green'}>{t(`policies.modes.${m}`)}</Tag> },
          { title: t('policies.scope'), dataIndex: 'regionCode', render: (r: string) => (r ? <RegionName code={r} /> : t('policies.national')) },
          { title: t('policies.valid_to'), dataIndex: 'validTo', render: (v: string | null, p) => <Space>{v ?? '—'}{p.endingSoon && <Tag color="orange">{t('policies.ending_soon')}</Tag>}{state === 'expired' && (p.successor ? <Tag color="blue">{t('policies.continued_by', { key: p.successor })}</Tag> : <Tag>{inLang(p.endNote ?? undefined, lang) || t('policies.not_continued')}</Tag>)}</Space> },
        ]}
      />
      {open && <PolicyDrawer policy={open} onClose={() => setOpen(null)} onEdit={admin && open.regionCode !== '' ? () => { setEditing(open); setOpen(null); } : undefined} />}
      {editing && <PolicyEditor policy={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); void queries.invalidateQueries({ queryKey: ['policies'] }); }} />}
    </div>
  );
}

function PolicyDrawer({ policy, onClose, onEdit }: { policy: Policy; onClose: () => void; onEdit?: () => void }) {
  const { lang, t } = Session.use();
  const queries = useQueryClient();
  const eligibleQuery = useQuery({
    queryKey: ['policy-eligible', lang, policy.key],
    queryFn: () => need(client(lang).GET('/api/v1/policies/{key}/eligible', { params: { path: { key: policy.key }, query: { pageSize: 50 } } })),
    enabled: policy.audience === 'worker',
  });
  const eligible = eligibleQuery.data ?? null;
  const notify = useMutation({
    mutationFn: () => need(client(lang).POST('/api/v1/policies/{key}/notify', { params: { path: { key: policy.key } }, body: {} })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['policy-eligible'] }),
  });
  const told = notify.data?.told ?? null;
  const error = notify.error?.message ?? eligibleQuery.error?.message ?? null;
  return (
    <Drawer open onClose={onClose} title={inLang(policy.title, lang)} width={Math.min(760, window.innerWidth)} extra={onEdit && <Button onClick={onEdit}>{t('policies.edit')}</Button>}>
      <Typography.Paragraph>{inLang(policy.summary, lang)}</Typography.Paragraph>
      <Descriptions bordered size="small" column={1}>
        <Descriptions.Item label={t('policies.benefit')}>{inLang(policy.benefit, lang)}{policy.benefit.amountFen ? `${t('punct.open')}${yuan(policy.benefit.amountFen)} ${t('policies.yuan')}${t('punct.close')}` : ''}</Descriptions.Item>
        <Descriptions.Item label={t('policies.steps')}>
          <ol style={{ margin: 0, paddingInlineStart: 20 }}>{policy.apply.steps.map((s, i) => <li key={i}>{inLang(s, lang)}</li>)}</ol>
        </Descriptions.Item>
        {policy.apply.materials.length > 0 && <Descriptions.Item label={t('policies.materials')}>{policy.apply.materials.map((m) => inLang(m, lang)).join(t('punct.list'))}</Descriptions.Item>}
        <Descriptions.Item label={t('policies.where')}>{inLang(policy.apply.where, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('policies.source')}>{`${policy.source.document} ${policy.source.article}`}</Descriptions.Item>
        <Descriptions.Item label={t('policies.version')}>{`v${policy.version}${policy.validFrom ? ` · ${policy.validFrom}` : ''}${policy.validTo ? ` — ${policy.validTo}` : ''}`}</Descriptions.Item>
      </Descriptions>
      {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
      {policy.audience === 'worker' && eligible && (
        <Card size="small" title={t('policies.eligible')} style={{ marginTop: 12 }}>
          <Space align="center" wrap>
            <Statistic data-testid="eligible-count" title={t('policies.not_told')} value={eligible.total} />
            <Button type="primary" disabled={eligible.total === 0} onClick={() => notify.mutate()} loading={notify.isPending}>{t('policies.notify')}</Button>
            {told !== null && <Typography.Text type="success">{t('policies.told', { n: told })}</Typography.Text>}
          </Space>
          <List size="small" dataSource={eligible.items} renderItem={(p) => <List.Item><Link to={`/workers/${p.workerId}`}>{p.name}</Link></List.Item>} />
        </Card>
      )}
    </Drawer>
  );
}

/**
 * A local policy as the administrators write it: the whole of it as JSON, checked by the API field by field
 * (a rule with a wrong fact says where). Saving an existing one makes a new version; the old is kept.
 */
function PolicyEditor({ policy, onClose, onSaved }: { policy: Policy | null; onClose: () => void; onSaved: () => void }) {
  const { me, lang, t } = Session.use();
  const start: unknown = policy
    ? { key: policy.key, title: policy.title, summary: policy.summary, audience: policy.audience, benefit: policy.benefit, rule: policy.rule, apply: policy.apply, mode: policy.mode, regionCode: policy.regionCode, overrides: policy.overrides, validFrom: policy.validFrom, validTo: policy.validTo, source: policy.source }
    : {
        key: '',
        title: { 'zh-CN': '' },
        summary: { 'zh-CN': '' },
        audience: 'worker',
        benefit: { 'zh-CN': '', amountFen: null, unit: 'once' },
        rule: { all: [{ fact: 'category', op: 'in', value: ['lifted', 'monitored'] }] },
        apply: { steps: [{ 'zh-CN': '' }], materials: [], where: { 'zh-CN': '' } },
        mode: 'ordinary',
        regionCode: me!.regionCode,
        source: { document: '', article: '' },
      };
  const [text, setText] = useState(JSON.stringify(start, null, 2));
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setError(null);
    let body: Body<'PolicyInput'>;
    try {
      // Checked by the API, field by field: what is typed here is only what the person wrote.
      body = JSON.parse(text) as Body<'PolicyInput'>;
    } catch {
      return setError(t('policies.bad_json'));
    }
    try {
      if (policy) await need(client(lang).PUT('/api/v1/policies/{key}', { params: { path: { key: policy.key } }, body }));
      else await need(client(lang).POST('/api/v1/policies', { body }));
      onSaved();
    } catch (e) {
      const details = e instanceof ApiError ? e.details : [];
      setError([e instanceof Error ? e.message : String(e), ...details.map((d) => `${d.path ?? ''}${t('punct.colon')}${d.message}`)].join('\n'));
    }
  };
  return (
    <Drawer open onClose={onClose} title={policy ? t('policies.new_version', { title: inLang(policy.title, lang) }) : t('policies.add')} width={Math.min(760, window.innerWidth)} extra={<Button type="primary" onClick={save}>{t('policies.save')}</Button>}>
      <Typography.Paragraph type="secondary">{t('policies.editor_hint')}</Typography.Paragraph>
      {error && <Alert type="error" title={<span style={{ whiteSpace: 'pre-wrap' }}>{error}</span>} style={{ marginBottom: 12 }} />}
      <Input.TextArea aria-label={t('policies.json')} value={text} onChange={(e) => setText(e.target.value)} autoSize={{ minRows: 16 }} style={{ fontFamily: 'monospace', fontSize: 13 }} spellCheck={false} />
    </Drawer>
  );
}

/** A person's checklist: what they can claim now with the reasons and steps, and what one change would open. */
export function PolicyChecklist({ workerId }: { workerId: string }) {
  const { lang, t } = Session.use();
  const checklist = useQuery({ queryKey: ['worker-policies', lang, workerId], queryFn: () => need(client(lang).GET('/api/v1/workers/{id}/policies', { params: { path: { id: workerId } } })) });
  const list = checklist.data;
  if (!list) return null;
  const item = (p: ChecklistItem, near: boolean) => (
    <List.Item>
      <List.Item.Meta
        title={<Space wrap>{p.title}{p.told && <Tag>{t('policies.already_told')}</Tag>}</Space>}
        description={
          <>
            <div>{p.benefit}</div>
            <div>{(near ? p.missing : p.reasons).join(t('punct.semi'))}</div>
            {!near && <div>{t('policies.steps')}{t('punct.colon')}{p.steps.join(' → ')}{p.where ? `${t('punct.open')}${p.where}${t('punct.close')}` : ''}</div>}
          </>
        }
      />
    </List.Item>
  );
  return (
    <Card size="small" title={t('policies.checklist')} style={{ marginTop: 16, maxWidth: 860 }}>
      <List size="small" header={t('policies.can_claim')} locale={{ emptyText: t('policies.none_now') }} dataSource={list.eligible} renderItem={(p) => item(p, false)} />
      {list.near.length > 0 && <List size="small" header={t('policies.one_step')} dataSource={list.near} renderItem={(p) => item(p, true)} />}
    </Card>
  );
}
