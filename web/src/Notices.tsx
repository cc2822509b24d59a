import { Badge, Button, List, Popover, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { client, need } from './api';
import { Session } from './session';

interface Notice {
  id: string;
  text: string;
  createdAt: string;
  readAt: string | null;
}

/** The staff inbox in the header: reports out, warnings, review items, accounts down; unread counted. */
export function Notices() {
  const { lang, t } = Session.use();
  const [data, setData] = useState<{ items: Notice[]; unread: number } | null>(null);
  const load = () =>
    need(client(lang).GET('/api/v1/notices', { params: { query: { pageSize: 20 } } }))
      .then((r) => setData(r as { items: Notice[]; unread: number }))
      .catch(() => undefined);
  useEffect(() => {
    void load();
    const timer = setInterval(load, 60_000);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lang]);
  const readAll = async () => {
    await need(client(lang).POST('/api/v1/notices/read-all')).catch(() => undefined);
    await load();
  };
  const content = (
    <div style={{ width: 340, maxWidth: '80vw' }}>
      <List
        size="small"
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('notices.none') }}
        renderItem={(n) => (
          <List.Item>
            <Typography.Text strong={!n.readAt}>{n.text}</Typography.Text>
          </List.Item>
        )}
      />
      {Boolean(data?.unread) && (
        <Button size="small" onClick={readAll} style={{ marginTop: 8 }}>
          {t('notices.read_all')}
        </Button>
      )}
    </div>
  );
  return (
    <Popover content={content} title={t('notices.title')} trigger="click" placement="bottomRight">
      <Badge count={data?.unread ?? 0} size="small">
        <Button size="small">{t('notices.title')}</Button>
      </Badge>
    </Popover>
  );
}
