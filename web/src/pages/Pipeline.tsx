import { Alert, Button, Card, Col, Drawer, List, Row, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { client, need } from '../api';
import { Session } from '../session';

interface Application {
  id: string;
  workerId: string;
  workerName: string;
  status: string;
  source: string;
}
interface Candidate {
  workerId: string;
  name: string;
  distanceKm: number | null;
  summary: string;
}

/** Where an application may go next: a post through interview to hired, a gig through acceptance to the work done. */
const NEXT: Record<'post' | 'gig', Record<string, string[]>> = {
  post: { applied: ['interview', 'hired', 'rejected'], interview: ['hired', 'rejected', 'no_show'] },
  gig: { applied: ['accepted', 'rejected'], accepted: ['checked_in', 'no_show'], checked_in: ['completed'] },
};

/** A post's applicants as a pipeline (applied → interview → hired / rejected), and the ranked people to call, with reasons. */
export function Pipeline({ vacancy, onClose }: { vacancy: { id: string; title: string; kind: string } | null; onClose: () => void }) {
  const { lang, t } = Session.use();
  const [apps, setApps] = useState<Application[]>([]);
  const [candidates, setCandidates] = useState<Candidate[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    if (!vacancy) return;
    const api = client(lang);
    need(api.GET('/api/v1/vacancies/{id}/applications', { params: { path: { id: vacancy.id }, query: { pageSize: 200 } } } as never)).then((r) => setApps((r as { items: Application[] }).items)).catch((e: Error) => setError(e.message));
    need(api.GET('/api/v1/vacancies/{id}/candidates', { params: { path: { id: vacancy.id }, query: { limit: 20 } } } as never)).then((r) => setCandidates((r as { items: Candidate[] }).items)).catch((e: Error) => setError(e.message));
  }, [vacancy, lang]);
  useEffect(load, [load]);

  const act = async (call: Promise<unknown>) => {
    setError(null);
    try {
      await call;
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const move = (a: Application, status: string) => act(need(client(lang).POST('/api/v1/applications/{id}/status', { params: { path: { id: a.id } }, body: { status } } as never)));
  const applyFor = (c: Candidate) => act(need(client(lang).POST('/api/v1/vacancies/{id}/applications', { params: { path: { id: vacancy!.id } }, body: { workerId: c.workerId } } as never)));
  const stages = vacancy?.kind === 'gig' ? ['applied', 'accepted', 'checked_in', 'completed'] : ['applied', 'interview', 'hired', 'rejected'];
  const applied = new Set(apps.map((a) => a.workerId));

  return (
    <Drawer open={Boolean(vacancy)} onClose={onClose} title={vacancy?.title} size="large" width={Math.min(960, window.innerWidth)}>
      {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
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
