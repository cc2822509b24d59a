import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, List, Popover, Typography } from 'antd';
import { client, need } from './api';
import { Session } from './session';

/** The staff inbox in the header: reports out, warnings, review items, accounts down; unread counted. */
export function Notices() {
  const { lang, t } = Session.use();
  const queries = useQueryClient();
  // The unread count is a live figure: asked again every minute (a failed ask keeps the last figures).
  const notices = useQuery({ queryKey: ['notices', lang], queryFn: () => need(client(lang).GET('/api/v1/notices', { params: { query: { pageSize: 20 } } })), refetchInterval: 60_000 });
  const data = notices.data;
  const readAll = useMutation({
    mutationFn: () => need(client(lang).POST('/api/v1/notices/read-all')),
    onSettled: () => queries.invalidateQueries({ queryKey: ['notices'] }),
  });
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
        <Button size="small" onClick={() => readAll.mutate()} loading={readAll.isPending} style={{ marginTop: 8 }}>
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
