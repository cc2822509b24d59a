import { Alert, Button, Card, Form, Input, Select } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, client, need, saveToken } from '../api';
import { translate, type Lang } from '../i18n';
import type { Me } from '../session';

export function Login({ onSignedIn, lang, setLang }: { onSignedIn: (me: Me) => void; lang: Lang; setLang: (l: Lang) => void }) {
  const t = translate(lang);
  const [needCode, setNeedCode] = useState(false);
  const login = useMutation({
    mutationFn: (v: { username: string; password: string; code?: string }) => need(client(lang).POST('/api/v1/auth/login', { body: { username: v.username, password: v.password, ...(v.code ? { code: v.code } : {}) } })),
    onSuccess: (r) => {
      saveToken(r.token);
      onSignedIn(r.account);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.details.some((d) => d.path === 'body.code')) setNeedCode(true);
    },
  });
  const e = login.error;
  const codeAsked = e instanceof ApiError && e.details.some((d) => d.path === 'body.code');
  // A refused sign-in says what to do; other failures (too many tries, the service down) keep the server's words.
  const error = e ? (e instanceof ApiError && e.status === 401 && !codeAsked ? t('login.wrong') : e.message) : null;
  const busy = login.isPending;
  const submit = (v: { username: string; password: string; code?: string }) => login.mutate(v);
  return (
    <div style={{ display: 'flex', justifyContent: 'center', padding: '10vh 12px' }}>
      <Card title={t('login.title')} style={{ width: 380, maxWidth: '100%' }} extra={<Select aria-label={t('app.language')} size="small" value={lang} onChange={setLang} options={[{ value: 'zh-CN', label: '中文' }, { value: 'en', label: 'English' }]} />}>
        <Form name="login" layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('login.required') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {needCode && (
            <Form.Item name="code" label={t('login.code')}>
              <Input inputMode="numeric" maxLength={6} />
            </Form.Item>
          )}
          {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
