import { App as AntApp, Button, ConfigProvider, Dropdown, Grid, Layout, Menu, Select, Space, Spin, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { client, need, saveToken, savedToken } from './api';
import { setDayjsLocale } from './dates';
import { DataLayer, queryClient } from './query';
import { translate, type Lang, type T } from './i18n';
import { Audit } from './pages/Audit';
import { Broadcasts } from './pages/Broadcasts';
import { Dashboard } from './pages/Dashboard';
import { Fairs } from './pages/Fairs';
import { Import } from './pages/Import';
import { Login } from './pages/Login';
import { Monitoring } from './pages/Monitoring';
import { MyAccount } from './pages/MyAccount';
import { FollowUps } from './pages/FollowUps';
import { Households } from './pages/Households';
import { Policies } from './pages/Policies';
import { RainDew } from './pages/RainDew';
import { RainDewFile } from './pages/RainDewFile';
import { Trainings } from './pages/Trainings';
import { Notices } from './Notices';
import { Vacancies } from './pages/Vacancies';
import { WorkerPage, Workers } from './pages/Workers';
import { Session, type Me } from './session';
import { Breadcrumbs, navItems } from './shell';

const LANG = 'bangfu.console.lang';

export function App() {
  const [lang, setLang] = useState<Lang>(localStorage.getItem(LANG) === 'en' ? 'en' : 'zh-CN');
  const t = useMemo(() => translate(lang), [lang]);
  // The pickers' month and weekday names follow the console's language.
  setDayjsLocale(lang);
  useEffect(() => {
    localStorage.setItem(LANG, lang);
    document.documentElement.lang = lang;
  }, [lang]);
  const still = useReducedMotion();
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={{ token: { fontSize: 15, motion: !still } }} button={{ autoInsertSpace: false }}>
      <AntApp>
        <DataLayer>
          <Console lang={lang} setLang={setLang} t={t} />
        </DataLayer>
      </AntApp>
    </ConfigProvider>
  );
}

const REDUCE = '(prefers-reduced-motion: reduce)';

/**
 * Whether the system asks for less motion (an accessibility setting many older users have on): drawers, menus and
 * messages then appear at once instead of sliding or fading. Follows the setting when it changes.
 */
function useReducedMotion(): boolean {
  const [still, setStill] = useState(() => matchMedia(REDUCE).matches);
  useEffect(() => {
    const query = matchMedia(REDUCE);
    const follow = () => setStill(query.matches);
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, []);
  return still;
}

/** Who is signed in, asked once per sign-in; a token the service no longer knows is forgotten, back to the sign-in page. */
const ME = ['auth/me'];

function Console({ lang, setLang, t }: { lang: Lang; setLang: (l: Lang) => void; t: T }) {
  const signedIn = useQuery({
    queryKey: ME,
    queryFn: (): Promise<Me | null> =>
      savedToken()
        ? need(client(lang).GET('/api/v1/auth/me')).catch(() => {
            saveToken(null);
            return null;
          })
        : Promise.resolve(null),
    staleTime: Infinity,
  });
  // undefined while asked; null when nobody is signed in.
  const me = signedIn.data;
  const setMe = (who: Me | null) => queryClient.setQueryData(ME, who);
  return (
    <Session.Provider value={{ me: me ?? null, lang, t }}>
      {me === undefined ? (
        <Spin style={{ margin: '20vh auto', display: 'block' }} />
      ) : me === null ? (
        <Login onSignedIn={setMe} lang={lang} setLang={setLang} />
      ) : (
        <BrowserRouter basename="/console">
          <Shell me={me} setLang={setLang} onSignOut={() => setMe(null)} />
        </BrowserRouter>
      )}
    </Session.Provider>
  );
}

function Shell({ me, setLang, onSignOut }: { me: Me; setLang: (l: Lang) => void; onSignOut: () => void }) {
  const { t, lang } = Session.use();
  const navigate = useNavigate();
  const where = useLocation();
  const narrow = !Grid.useBreakpoint().md;
  const items = navItems(t, me);
  const current = items.map((i) => i.key).filter((k) => (k === '/' ? where.pathname === '/' : where.pathname.startsWith(k))).pop() ?? '/';
  const signOut = async () => {
    await client(lang).POST('/api/v1/auth/logout').catch(() => undefined);
    saveToken(null);
    // Nothing the last person saw is shown to the next one.
    queryClient.clear();
    onSignOut();
  };
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, background: '#fff', borderBottom: '1px solid #eee', padding: narrow ? '0 8px' : '0 24px', flexWrap: 'wrap', height: 'auto', lineHeight: '48px' }}>
        <Typography.Text strong style={{ fontSize: 18 }}>{t('app.title')}</Typography.Text>
        <Typography.Text data-testid="region" type="secondary">
          {t('app.region', { region: me.regionName ?? me.regionCode })} · {me.displayName}
        </Typography.Text>
        <Space style={{ marginLeft: 'auto' }}>
          <Notices />
          {me.role === 'system' && (
            <Button size="small" href={`/admin/queues?token=${encodeURIComponent(savedToken() ?? '')}`} target="_blank" rel="noreferrer">
              {t('app.queues')}
            </Button>
          )}
          <Dropdown trigger={['click']} menu={{ items: [{ key: '/account', label: t('app.my_account') }], onClick: (e) => navigate(e.key) }}>
            <Button size="small" aria-label={t('app.user_menu')}>{me.displayName} ▾</Button>
          </Dropdown>
          <Select aria-label={t('app.language')} size="small" value={lang} onChange={setLang} options={[{ value: 'zh-CN', label: '中文' }, { value: 'en', label: 'English' }]} />
          <Button size="small" onClick={signOut}>{t('app.sign_out')}</Button>
        </Space>
      </Layout.Header>
      <Layout>
        {!narrow && (
          <Layout.Sider theme="light" width={180}>
            <Menu mode="inline" selectedKeys={[current]} items={items} onClick={(e) => navigate(e.key)} />
          </Layout.Sider>
        )}
        <Layout.Content style={{ padding: narrow ? 8 : 24 }}>
          {narrow && <Menu mode="horizontal" selectedKeys={[current]} items={items} onClick={(e) => navigate(e.key)} style={{ marginBottom: 8 }} />}
          <Breadcrumbs items={items} />
          <Routes>
            <Route path="/" element={<Dashboard />} />
            <Route path="/workers" element={<Workers />} />
            <Route path="/workers/:id" element={<WorkerPage />} />
            <Route path="/import" element={<Import />} />
            <Route path="/vacancies" element={<Vacancies />} />
            <Route path="/broadcasts" element={<Broadcasts />} />
            <Route path="/fairs" element={<Fairs />} />
            <Route path="/rain-dew" element={<RainDew />} />
            <Route path="/rain-dew/:workerId" element={<RainDewFile />} />
            <Route path="/households" element={<Households />} />
            <Route path="/trainings" element={<Trainings />} />
            <Route path="/policies" element={<Policies />} />
            <Route path="/follow-ups" element={<FollowUps />} />
            <Route path="/monitoring" element={<Monitoring />} />
            <Route path="/audit" element={<Audit />} />
            <Route path="/account" element={<MyAccount />} />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
