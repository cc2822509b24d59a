import { Alert, Button, Input, List, Modal, Space, Tabs, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { beijingText, client, need } from '../api';
import { yuan } from '../forms';
import { Session } from '../session';
import type { Body } from '../vocab';

type Help = Body<'HelpRequest'>;
type WageCase = Body<'WageCase'>;

/** What waits on the station: people who asked for a person in chat (人工), and unpaid wages (欠薪), oldest first. */
export function FollowUps() {
  const { lang, t } = Session.use();
  const [params, setParams] = useSearchParams();
  const queries = useQueryClient();
  const [closing, setClosing] = useState<{ kind: 'help' | 'wage'; id: string; who: string } | null>(null);
  const [note, setNote] = useState('');
  const helpQuery = useQuery({ queryKey: ['help-requests', lang, 'open'], queryFn: () => need(client(lang).GET('/api/v1/help-requests', { params: { query: { status: 'open' } } })) });
  const wagesQuery = useQuery({ queryKey: ['wage-cases', lang, 'open'], queryFn: () => need(client(lang).GET('/api/v1/wage-cases', { params: { query: { status: 'open' } } })) });
  // Oldest first: who has waited longest is answered first.
  const help: Help[] | null = helpQuery.data ? [...helpQuery.data.items].reverse() : null;
  const helpTotal = helpQuery.data?.total ?? null;
  const wages: WageCase[] | null = wagesQuery.data?.items ?? null;
  const closeOne = useMutation({
    mutationFn: async ({ kind, id, note: text }: { kind: 'help' | 'wage'; id: string; note: string }) => {
      if (kind === 'help') await need(client(lang).POST('/api/v1/help-requests/{id}/close', { params: { path: { id } }, body: { note: text } }));
      else await need(client(lang).POST('/api/v1/wage-cases/{id}/resolve', { params: { path: { id } }, body: { note: text } }));
    },
    onSuccess: (_answer, { kind }) => {
      setClosing(null);
      return queries.invalidateQueries({ queryKey: [kind === 'help' ? 'help-requests' : 'wage-cases'] });
    },
  });
  const error = closeOne.error?.message ?? helpQuery.error?.message ?? wagesQuery.error?.message ?? null;
  const close = () => {
    if (closing) closeOne.mutate({ kind: closing.kind, id: closing.id, note: note.trim() });
  };
  const person = (id: string | null, name: string | null | undefined) => (id ? <Link to={`/workers/${id}`}>{name ?? '—'}</Link> : (name ?? t('follow_ups.unknown')));
  return (
    <div>
      <Typography.Title level={3}>{t('follow_ups.title')}</Typography.Title>
      {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
      <Tabs
        activeKey={params.get('tab') === 'wages' ? 'wages' : 'help'}
        onChange={(k) => setParams({ tab: k })}
        items={[
          {
            key: 'help',
            label: `${t('follow_ups.help')}${t('punct.open')}${helpTotal ?? (helpQuery.error ? 0 : '…')}${t('punct.close')}`,
            children: (
              <List
                loading={helpQuery.isPending && !helpQuery.error}
                dataSource={help ?? []}
                locale={{ emptyText: t('follow_ups.no_help') }}
                renderItem={(h) => (
                  <List.Item actions={[<Button key="close" onClick={() => { setNote(''); setClosing({ kind: 'help', id: h.id, who: h.workerName ?? '' }); }}>{t('follow_ups.close')}</Button>]}>
                    <List.Item.Meta
                      title={<Space wrap>{person(h.workerId, h.workerName)}{h.phone}<Tag>{t(`follow_ups.doors.${h.door}`)}</Tag><Typography.Text type="secondary">{beijingText(h.createdAt)}</Typography.Text></Space>}
                      description={h.context.slice(-3).map((m, i) => <div key={i}>{t('punct.quote_open')}{m.text}{t('punct.quote_close')}</div>)}
                    />
                  </List.Item>
                )}
              />
            ),
          },
          {
            key: 'wages',
            label: `${t('follow_ups.wages')}${t('punct.open')}${wages?.length ?? (wagesQuery.error ? 0 : '…')}${t('punct.close')}`,
            children: (
              <List
                loading={wagesQuery.isPending && !wagesQuery.error}
                dataSource={wages ?? []}
                locale={{ emptyText: t('follow_ups.no_wages') }}
                renderItem={(c) => (
                  <List.Item actions={[<Button key="resolve" onClick={() => { setNote(''); setClosing({ kind: 'wage', id: c.id, who: c.workerName ?? '' }); }}>{t('follow_ups.resolve')}</Button>]}>
                    <List.Item.Meta
                      title={<Space wrap>{person(c.workerId, c.workerName)}{c.employerName && `· ${c.employerName}`}{c.amountFen !== null && <Tag color="red">{`${yuan(c.amountFen)} ${t('follow_ups.yuan')}`}</Tag>}<Typography.Text type="secondary">{t('follow_ups.since', { date: beijingText(c.openedAt) })}</Typography.Text></Space>}
                      description={<>{t(`follow_ups.reasons.${c.reason}`)}{c.description ? `${t('punct.colon')}${t('punct.quote_open')}${c.description}${t('punct.quote_close')}` : ''}</>}
                    />
                  </List.Item>
                )}
              />
            ),
          },
        ]}
      />
      <Modal
        open={!!closing}
        title={closing ? t(closing.kind === 'help' ? 'follow_ups.close_title' : 'follow_ups.resolve_title', { name: closing.who }) : ''}
        okText={t('rain_dew.confirm')}
        cancelText={t('rain_dew.cancel')}
        okButtonProps={{ disabled: note.trim().length < 2, loading: closeOne.isPending }}
        onCancel={() => {
          setClosing(null);
          closeOne.reset();
        }}
        onOk={close}
      >
        <Input.TextArea aria-label={t('follow_ups.note')} placeholder={t('follow_ups.note')} rows={3} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
      </Modal>
    </div>
  );
}
