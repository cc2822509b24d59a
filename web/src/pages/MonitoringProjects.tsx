import { Alert, Button, Card, Checkbox, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { client, need } from '../api';
import { DateField } from '../dates';
import { PersonPicker } from '../PersonPicker';
import { Session } from '../session';
import type { Body } from '../vocab';

type History = Body<'RelocationShareHistory'>;
type Point = Body<'RelocationSharePoint'>;
type Project = Body<'AssistanceProject'>;
type Link = Body<'ProjectWorker'>;
type ProjectFigures = Body<'ProjectFigures'>;

/** Today in Beijing (YYYY-MM-DD), whatever the browser's zone. */
const beijingDay = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const pct = (v: number | null) => (v === null ? '—' : `${v}%`);

/**
 * 项目用工: a county's government-invested projects (以工代赈, 政府投资建设项目, 基层社会管理和公共服务项目), the people on
 * each (added and ended here, with the labour agreement), a typed 附件2 head-count beside the register's, and rule 7 —
 * the share of their jobs held by people from relocation sites against the county's (seed 004 §15), month by month.
 */
export function MonitoringProjects() {
  const { me, lang, t } = Session.use();
  const [params, setParams] = useSearchParams();
  const counties = useQuery({ queryKey: ['relocation-shares', lang, me!.regionCode], queryFn: () => need(client(lang).GET('/api/v1/monitoring/relocation-shares', { params: { query: {} } })) });
  const county = params.get('county') ?? (me!.regionCode.length >= 6 ? me!.regionCode.slice(0, 6) : counties.data?.items[0]?.regionCode);
  const open = params.get('project');
  // A township's staff read their own township's projects (and their county's share); others, the county chosen.
  const scope = me!.regionCode.length > 6 ? me!.regionCode : county;
  const go = (change: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    next.set('tab', 'projects');
    for (const [k, v] of Object.entries(change)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next);
  };
  const projects = useQuery({
    queryKey: ['projects', lang, scope],
    enabled: Boolean(county),
    queryFn: async () => (await need(client(lang).GET('/api/v1/projects', { params: { query: { regionCode: scope!, pageSize: 200 } } }))).items.filter((p) => p.governmentInvested),
  });
  return (
    <div data-testid="projects">
      {counties.data && counties.data.items.length > 1 && (
        <Select aria-label={t('monitoring.projects.county')} value={county} onChange={(v) => go({ county: v, project: null })} options={counties.data.items.map((c) => ({ value: c.regionCode, label: c.name }))} style={{ width: 200, marginBottom: 12 }} />
      )}
      {projects.error && <Alert type="error" title={projects.error.message} style={{ marginBottom: 12 }} />}
      <Table<Project>
        rowKey="id"
        size="small"
        scroll={{ x: 'max-content' }}
        pagination={false}
        loading={projects.isPending && Boolean(county)}
        dataSource={projects.data ?? []}
        locale={{ emptyText: t('monitoring.projects.none') }}
        rowClassName={(p) => (p.id === open ? 'ant-table-row-selected' : '')}
        columns={[
          {
            title: t('monitoring.projects.name'),
            render: (_, p) => (
              <Button type="link" style={{ padding: 0, whiteSpace: 'normal', textAlign: 'left' }} aria-expanded={p.id === open} onClick={() => go({ project: p.id === open ? null : p.id })}>
                {p.name}
              </Button>
            ),
          },
          { title: t('monitoring.projects.kind'), dataIndex: 'kind', render: (k: string) => t(`monitoring.projects.kinds.${k}`) },
          { title: t('monitoring.projects.dates'), render: (_, p) => `${p.startedOn} ~ ${p.endedOn ?? ''}` },
        ]}
      />
      {open && county && <ProjectPanel id={open} key={open} />}
      {county && scope && <ShareHistory county={county} scope={scope} />}
    </div>
  );
}

/** One project: its head-counts (the register's, and a typed override with its reason), its people, and adding or ending one. */
function ProjectPanel({ id }: { id: string }) {
  const { lang, t } = Session.use();
  const queries = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [who, setWho] = useState<string | undefined>();
  const [startsOn, setStartsOn] = useState(beijingDay());
  const [signed, setSigned] = useState(false);
  const [ending, setEnding] = useState<{ id: string; on: string } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [id]);
  const project = useQuery({ queryKey: ['project', lang, id], queryFn: () => need(client(lang).GET('/api/v1/projects/{id}', { params: { path: { id } } })) });
  const figures = useQuery({ queryKey: ['project', lang, id, 'figures'], queryFn: () => need(client(lang).GET('/api/v1/projects/{id}/figures', { params: { path: { id } } })) });
  const links = useQuery({ queryKey: ['project', lang, id, 'workers'], queryFn: async () => (await need(client(lang).GET('/api/v1/projects/{id}/workers', { params: { path: { id } } }))).items });
  const refresh = () => Promise.all([queries.invalidateQueries({ queryKey: ['project', lang, id] }), queries.invalidateQueries({ queryKey: ['relocation-share-history'] })]);
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      await refresh();
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
  };
  const add = () =>
    who &&
    act(() => need(client(lang).POST('/api/v1/projects/{id}/workers', { params: { path: { id } }, body: { workerId: who, startsOn, agreementSigned: signed } }))).then((ok) => {
      if (ok) {
        setWho(undefined);
        setSigned(false);
      }
    });
  const patch = (linkId: string, body: { endsOn?: string; agreementSigned?: boolean }) => act(() => need(client(lang).PATCH('/api/v1/projects/{id}/workers/{linkId}', { params: { path: { id, linkId } }, body })));
  const p = project.data;
  const f = figures.data;
  return (
    <Card size="small" style={{ marginTop: 16 }} data-testid="project-panel">
      <Typography.Title level={4} style={{ marginTop: 0 }} tabIndex={-1} ref={heading}>
        {p?.name ?? ''}
      </Typography.Title>
      {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      {f && p && <Counts project={p} figures={f} onSaved={refresh} />}
      <Typography.Title level={5}>{t('monitoring.projects.people')}</Typography.Title>
      <Table<Link>
        rowKey="id"
        size="small"
        scroll={{ x: 'max-content' }}
        pagination={false}
        loading={links.isPending}
        dataSource={links.data ?? []}
        locale={{ emptyText: t('monitoring.projects.nobody') }}
        columns={[
          { title: t('monitoring.projects.person'), dataIndex: 'name' },
          {
            title: t('monitoring.projects.who'),
            render: (_, l) => (
              <Space size={4} wrap>
                <Tag>{t(`workers.categories.${l.category}`)}</Tag>
                {l.fromRelocationSite && <Tag color="blue">{t('monitoring.projects.from_site')}</Tag>}
              </Space>
            ),
          },
          { title: t('monitoring.projects.spell'), render: (_, l) => `${l.startsOn} ~ ${l.endsOn ?? t('monitoring.projects.ongoing')}` },
          {
            title: t('monitoring.projects.agreement'),
            render: (_, l) => (l.agreementSigned ? <Tag color="green">{t('monitoring.projects.signed')}</Tag> : <Button size="small" onClick={() => patch(l.id, { agreementSigned: true })}>{t('monitoring.projects.mark_signed')}</Button>),
          },
          {
            title: '',
            render: (_, l) =>
              l.endsOn ? null : ending?.id === l.id ? (
                <Space size={4} wrap>
                  <DateField aria-label={t('monitoring.projects.ends_on', { name: l.name })} value={ending.on} onChange={(on) => setEnding({ id: l.id, on })} />
                  <Button size="small" type="primary" onClick={() => patch(l.id, { endsOn: ending.on }).then((ok) => ok && setEnding(null))}>
                    {t('monitoring.projects.confirm_end')}
                  </Button>
                  <Button size="small" onClick={() => setEnding(null)}>
                    {t('monitoring.cancel')}
                  </Button>
                </Space>
              ) : (
                <Button size="small" aria-label={t('monitoring.projects.end_of', { name: l.name })} onClick={() => setEnding({ id: l.id, on: beijingDay() })}>
                  {t('monitoring.projects.end')}
                </Button>
              ),
          },
        ]}
      />
      <Space wrap style={{ marginTop: 12 }} align="end">
        <label>
          <div>{t('monitoring.projects.person')}</div>
          <PersonPicker id="project-person" value={who} onChange={setWho} />
        </label>
        <label>
          <div>{t('monitoring.projects.starts_on')}</div>
          <DateField aria-label={t('monitoring.projects.starts_on')} value={startsOn} onChange={setStartsOn} />
        </label>
        <Checkbox checked={signed} onChange={(e) => setSigned(e.target.checked)}>
          {t('monitoring.projects.agreement_signed')}
        </Checkbox>
        <Button type="primary" disabled={!who || !startsOn} onClick={add}>
          {t('monitoring.projects.add')}
        </Button>
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('monitoring.projects.add_hint')}
      </Typography.Paragraph>
    </Card>
  );
}

/** 附件2's head-counts: the register's people, and a typed number beside them only with its reason, the difference flagged. */
function Counts({ project, figures, onSaved }: { project: Project; figures: ProjectFigures; onSaved: () => Promise<unknown> }) {
  const { lang, t } = Session.use();
  const [total, setTotal] = useState<number | null>(project.jobsOverrideReason ? project.jobsTotal : null);
  const [lifted, setLifted] = useState<number | null>(project.jobsOverrideReason ? project.jobsLifted : null);
  const [reason, setReason] = useState(project.jobsOverrideReason ?? '');
  const [error, setError] = useState<string | null>(null);
  const r = figures.register;
  const save = async (body: Body<'ProjectPatch'>) => {
    setError(null);
    try {
      await need(client(lang).PATCH('/api/v1/projects/{id}', { params: { path: { id: project.id } }, body }));
      await onSaved();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const typed = project.jobsOverrideReason !== null;
  const differs = typed && (project.jobsTotal !== r.total || project.jobsLifted !== r.lifted);
  const rel = figures.relocation;
  return (
    <div style={{ marginBottom: 12 }}>
      <Space wrap size="large">
        <span data-testid="register-count">{t('monitoring.projects.register_count', { total: r.total, lifted: r.lifted, signed: r.agreementsSigned })}</span>
        {typed && <span>{t('monitoring.projects.typed_count', { total: project.jobsTotal, lifted: project.jobsLifted, reason: project.jobsOverrideReason! })}</span>}
        {differs && <Tag color="orange">{t('monitoring.projects.differs', { n: project.jobsTotal - r.total })}</Tag>}
        {rel && (
          <span data-testid="project-share">
            {t('monitoring.projects.share_line', { jobs: rel.jobs, of: rel.of, pct: pct(rel.sharePct), target: pct(rel.countySharePct) })} {rel.short && <Tag color="red">{t('monitoring.projects.short')}</Tag>}
          </span>
        )}
      </Space>
      <Space wrap style={{ marginTop: 8 }} align="end">
        <InputNumber aria-label={t('monitoring.projects.typed_total')} placeholder={t('monitoring.projects.typed_total')} min={0} value={total} onChange={(v) => setTotal(v)} style={{ width: 150 }} />
        <InputNumber aria-label={t('monitoring.projects.typed_lifted')} placeholder={t('monitoring.projects.typed_lifted')} min={0} value={lifted} onChange={(v) => setLifted(v)} style={{ width: 170 }} />
        <Input aria-label={t('monitoring.projects.reason')} placeholder={t('monitoring.projects.reason')} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} style={{ width: 240 }} />
        <Button onClick={() => save({ jobsTotal: total ?? 0, jobsLifted: lifted ?? 0, jobsOverrideReason: reason.trim() || null })}>{t('monitoring.projects.save_override')}</Button>
        {typed && <Button onClick={() => save({ jobsOverrideReason: null })}>{t('monitoring.projects.drop_override')}</Button>}
      </Space>
      {error && <Alert type="error" title={error} style={{ marginTop: 8 }} />}
    </div>
  );
}

/** The county's share (rule 7), set by its administrators or those above: the projects are judged again at once. */
function ShareTarget({ county, current }: { county: string; current: number | null }) {
  const { lang, t } = Session.use();
  const queries = useQueryClient();
  const [value, setValue] = useState<number | null>(current);
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  useEffect(() => setValue(current), [current]);
  const save = async (sharePct: number | null) => {
    setError(undefined);
    setSaved(false);
    const res = await client(lang).PUT('/api/v1/monitoring/relocation-shares', { body: { regionCode: county, sharePct } });
    if (res.error) {
      setError(res.error.error.details?.[0]?.message ?? res.error.error.message);
      return;
    }
    setSaved(true);
    // The projects' share lines, the counties and the history all read it.
    await queries.invalidateQueries();
  };
  return (
    <Space wrap align="center" style={{ marginBottom: 12 }}>
      <InputNumber aria-label={t('monitoring.projects.set_target')} addonAfter="%" min={0} max={100} precision={0} value={value} onChange={(v) => setValue(v)} style={{ width: 160 }} />
      <Button onClick={() => save(value)} disabled={value === null}>
        {t('monitoring.projects.save_target')}
      </Button>
      {current !== null && <Button onClick={() => save(null)}>{t('monitoring.projects.drop_target')}</Button>}
      {saved && <Typography.Text type="success">{t('monitoring.projects.target_saved')}</Typography.Text>}
      {error && <Alert type="error" title={error} />}
    </Space>
  );
}

/** Rule 7 month by month: the county's share and each project's, beside the county's target; months short of it stand out. */
function ShareHistory({ county, scope }: { county: string; scope: string }) {
  const { me, lang, t } = Session.use();
  const history = useQuery({ queryKey: ['relocation-share-history', lang, scope], queryFn: () => need(client(lang).GET('/api/v1/monitoring/relocation-shares/history', { params: { query: { regionCode: scope } } })) });
  const h: History | undefined = history.data;
  const row = h?.counties.find((c) => c.regionCode === county);
  // Newest month first: this month, and the months someone worked on a project or that closed with a share set.
  const points = (row?.points ?? []).filter((p) => p.total > 0 || (p.closed && p.countySharePct !== null) || p.month === h?.to).reverse();
  const cell = (p: Point | undefined) => (p && p.total > 0 ? <span style={p.short ? { color: '#cf1322', fontWeight: 600 } : undefined}>{`${pct(p.sharePct)} (${p.relocation}/${p.total})`}</span> : '—');
  return (
    <Card size="small" style={{ marginTop: 16 }} data-testid="share-history">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('monitoring.projects.share_title', { county: row?.name ?? county })}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('monitoring.projects.share_hint')}</Typography.Paragraph>
      {me!.role !== 'station' && <ShareTarget county={county} current={row?.points.at(-1)?.countySharePct ?? null} />}
      {history.error && <Alert type="error" title={history.error.message} />}
      <Table<Point>
        rowKey="month"
        size="small"
        scroll={{ x: 'max-content' }}
        pagination={false}
        loading={history.isPending}
        dataSource={points}
        locale={{ emptyText: t('monitoring.projects.share_none') }}
        columns={[
          { title: t('monitoring.regions.month'), dataIndex: 'month', render: (m: string, p) => (p.closed ? m : `${m} ${t(m === h?.to ? 'monitoring.projects.open_month' : 'monitoring.projects.unclosed_month')}`) },
          { title: t('monitoring.projects.county_share'), render: (_, p) => cell(p) },
          { title: t('monitoring.projects.target'), dataIndex: 'countySharePct', render: (v: number | null) => pct(v) },
          { title: '', render: (_, p) => (p.short ? <Tag color="red">{t('monitoring.projects.short')}</Tag> : null) },
          ...(h?.projects ?? []).map((pr) => ({ title: pr.name, key: pr.id, render: (_: unknown, p: Point) => cell(pr.points.find((x) => x.month === p.month)) })),
        ]}
      />
    </Card>
  );
}
