import { Alert, Button, Card, Form, Input, List, Space, Switch, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { beijingText, client, need } from '../api';
import { clearFieldErrors, dropReasonsOnChange, showFieldErrors } from '../forms';
import { Session } from '../session';
import type { Body } from '../vocab';

type Contact = Body<'Contact'>;
type StaffAccount = Body<'StaffAccount'>;

/**
 * 我的账号: the signed-in member of staff's own push contact. A mobile number for texts (shown masked),
 * their own WeChat bound by a one-time code sent to the bot (tried first), and the inbox only if they
 * opt out; which kinds of notice are pushed. Administrators also see who in their region can be reached.
 */
export function MyAccount() {
  const { me, lang, t } = Session.use();
  const queries = useQueryClient();
  const [form] = Form.useForm<{ phone: string }>();
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const mine = useQuery({ queryKey: ['me', 'contact', lang], queryFn: () => need(client(lang).GET('/api/v1/auth/me')) });
  const contact = mine.data?.contact;
  /** The contact as the answer gives it, kept in the cache of this page; the team's list is read again. */
  const saved = (c: Contact, text: string) => {
    if (mine.data) queries.setQueryData(['me', 'contact', lang], { ...mine.data, contact: c });
    void queries.invalidateQueries({ queryKey: ['accounts', 'contacts'] });
    setMessage({ type: 'success', text });
  };
  const patch = useMutation({
    mutationFn: ({ body }: { body: Body<'ContactPatch'>; text: string }) => need(client(lang).PATCH('/api/v1/auth/me/contact', { body })),
    onMutate: () => {
      setMessage(null);
      clearFieldErrors(form);
    },
    onSuccess: (c, { body, text }) => {
      saved(c, text);
      if (body.phone !== undefined) form.resetFields();
    },
    onError: (e) => setMessage({ type: 'error', text: showFieldErrors(form, e) }),
  });
  const newCode = useMutation({
    mutationFn: () => need(client(lang).POST('/api/v1/auth/me/wechat/code')),
    onMutate: () => setMessage(null),
    onError: (e) => setMessage({ type: 'error', text: e.message }),
  });
  const code = newCode.data ?? null;
  const unbind = useMutation({
    mutationFn: () => need(client(lang).DELETE('/api/v1/auth/me/wechat')),
    onMutate: () => setMessage(null),
    onSuccess: (c) => {
      saved(c, t('my_account.wechat_unbound'));
      newCode.reset();
    },
    onError: (e) => setMessage({ type: 'error', text: e.message }),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%', maxWidth: 760 }}>
      <Typography.Title level={3} style={{ margin: 0 }}>{t('my_account.title')}</Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t('my_account.intro')}</Typography.Paragraph>
      {mine.error && <Alert type="error" title={mine.error.message} />}
      {message && <Alert data-testid="my-account-message" type={message.type} title={message.text} closable onClose={() => setMessage(null)} />}
      <Card size="small" title={t('my_account.phone_title')} loading={!contact && !mine.error}>
        <Typography.Paragraph data-testid="phone-masked">
          {contact?.phoneMasked ? t('my_account.phone_current', { phone: contact.phoneMasked }) : t('my_account.phone_none')}
        </Typography.Paragraph>
        <Form form={form} onValuesChange={dropReasonsOnChange(form)} layout="inline" onFinish={(v) => patch.mutate({ body: { phone: v.phone }, text: t('my_account.phone_saved') })} requiredMark={false}>
          <Form.Item name="phone" label={t('my_account.phone_label')} rules={[{ required: true, message: t('my_account.phone_required') }]}>
            <Input inputMode="tel" autoComplete="tel" placeholder="13912345678" style={{ width: 200 }} />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">{t('my_account.phone_save')}</Button>
              {contact?.phoneMasked && <Button danger onClick={() => patch.mutate({ body: { phone: null }, text: t('my_account.phone_removed') })}>{t('my_account.phone_remove')}</Button>}
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card size="small" title={t('my_account.wechat_title')} loading={!contact && !mine.error}>
        <Typography.Paragraph data-testid="wechat-state">
          {contact?.wechatBound ? t('my_account.wechat_bound', { at: contact.wechatBoundAt ? beijingText(contact.wechatBoundAt) : '' }) : t('my_account.wechat_none')}
        </Typography.Paragraph>
        {code && !contact?.wechatBound && (
          <Alert
            type="info"
            style={{ marginBottom: 12 }}
            title={<span>{t('my_account.wechat_send')} <Typography.Text strong copyable data-testid="wechat-code" style={{ fontSize: 22, letterSpacing: 2 }}>{code.code}</Typography.Text></span>}
            description={t('my_account.wechat_how', { until: beijingText(code.expiresAt) })}
          />
        )}
        <Space wrap>
          <Button onClick={() => newCode.mutate()}>{contact?.wechatBound ? t('my_account.wechat_rebind') : t('my_account.wechat_code')}</Button>
          {contact?.wechatBound && <Button danger onClick={() => unbind.mutate()}>{t('my_account.wechat_unbind')}</Button>}
          {code && !contact?.wechatBound && <Button onClick={() => void mine.refetch()}>{t('my_account.wechat_check')}</Button>}
        </Space>
      </Card>
      <Card size="small" title={t('my_account.push_title')} loading={!contact && !mine.error}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space>
            <Switch
              aria-label={t('my_account.push_switch')}
              checked={contact ? !contact.pushOptOut : false}
              onChange={(on) => patch.mutate({ body: { pushOptOut: !on }, text: on ? t('my_account.push_on') : t('my_account.push_off') })}
            />
            <Typography.Text>{t('my_account.push_switch')}</Typography.Text>
          </Space>
          <Typography.Text data-testid="push-state" type={contact?.pushed ? 'success' : 'warning'}>
            {contact?.pushed ? t('my_account.pushed_yes') : contact?.pushOptOut ? t('my_account.pushed_opted_out') : t('my_account.pushed_no_contact')}
          </Typography.Text>
          <Typography.Text type="secondary">{t('my_account.kinds_intro')}</Typography.Text>
          <List size="small" dataSource={contact?.pushedKinds ?? []} renderItem={(k) => <List.Item>{t(`my_account.kinds.${k}`)}</List.Item>} />
          <Typography.Text type="secondary">{t('my_account.quiet')}</Typography.Text>
        </Space>
      </Card>
      {me && me.role !== 'station' && <Reachable />}
    </Space>
  );
}

/** For administrators: who in their region urgent notices can reach, so they can remind the others. */
function Reachable() {
  const { lang, t } = Session.use();
  const list = useQuery({ queryKey: ['accounts', 'contacts', lang], queryFn: () => need(client(lang).GET('/api/v1/accounts', { params: { query: { pageSize: 100 } } })) });
  const yes = (on: boolean, label: string) => (on ? <Tag color="green">{label}</Tag> : <Tag>{t('my_account.none')}</Tag>);
  return (
    <Card size="small" title={t('my_account.team_title')}>
      <Typography.Paragraph type="secondary">{t('my_account.team_intro')}</Typography.Paragraph>
      {list.error && <Alert type="error" title={list.error.message} />}
      <Table<StaffAccount>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        loading={list.isLoading}
        pagination={false}
        dataSource={(list.data?.items ?? []).filter((a) => !a.disabled && a.role !== 'system')}
        columns={[
          { title: t('my_account.team_name'), dataIndex: 'displayName', render: (v: string, a) => `${v}（${a.username}）` },
          { title: t('my_account.team_role'), dataIndex: 'role', render: (r: string) => t(`my_account.roles.${r}`) },
          { title: t('my_account.team_wechat'), dataIndex: 'wechatBound', render: (v: boolean) => yes(v, t('my_account.wechat_short')) },
          { title: t('my_account.team_phone'), dataIndex: 'hasContact', render: (v: boolean) => yes(v, t('my_account.phone_short')) },
          { title: t('my_account.team_push'), dataIndex: 'pushOptOut', render: (v: boolean, a) => (v ? <Tag color="orange">{t('my_account.opted_out')}</Tag> : a.hasContact || a.wechatBound ? <Tag color="green">{t('my_account.reached')}</Tag> : <Tag color="red">{t('my_account.inbox_only')}</Tag>) },
        ]}
      />
    </Card>
  );
}
