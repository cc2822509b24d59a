import {
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  BookOutlined,
  CalendarOutlined,
  HomeOutlined,
  NotificationOutlined,
  ProfileOutlined,
  ReadOutlined,
  ScheduleOutlined,
  ShopOutlined,
  TeamOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { Breadcrumb } from 'antd';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';
import type { T } from './i18n';
import type { Me } from './session';
import { Session } from './session';

export type NavItem = {
  key: string;
  label: string;
  icon: ReactNode;
};

/** The console's menu, one icon per page as people look for it (the same on the side bar and on a phone's top bar). */
export function navItems(t: T, me: Me): NavItem[] {
  return [
    { key: '/', label: t('nav.dashboard'), icon: <HomeOutlined aria-hidden /> },
    { key: '/follow-ups', label: t('nav.follow_ups'), icon: <ScheduleOutlined aria-hidden /> },
    { key: '/workers', label: t('nav.workers'), icon: <TeamOutlined aria-hidden /> },
    { key: '/households', label: t('nav.households'), icon: <BankOutlined aria-hidden /> },
    { key: '/import', label: t('nav.import'), icon: <UploadOutlined aria-hidden /> },
    { key: '/vacancies', label: t('nav.vacancies'), icon: <ShopOutlined aria-hidden /> },
    { key: '/trainings', label: t('nav.trainings'), icon: <ReadOutlined aria-hidden /> },
    { key: '/broadcasts', label: t('nav.broadcasts'), icon: <NotificationOutlined aria-hidden /> },
    { key: '/fairs', label: t('nav.fairs'), icon: <CalendarOutlined aria-hidden /> },
    { key: '/rain-dew', label: t('nav.rain_dew'), icon: <ProfileOutlined aria-hidden /> },
    { key: '/policies', label: t('nav.policies'), icon: <BookOutlined aria-hidden /> },
    { key: '/monitoring', label: t('nav.monitoring'), icon: <BarChartOutlined aria-hidden /> },
    ...(me.role !== 'station' ? [{ key: '/audit', label: t('nav.audit'), icon: <AuditOutlined aria-hidden /> }] : []),
  ];
}

/** Below a page of the menu: a person's page, a Rain Dew file. */
const DEEPER: Array<{ under: string; crumb: string }> = [
  { under: '/workers/', crumb: 'crumbs.worker' },
  { under: '/rain-dew/', crumb: 'crumbs.rain_dew_file' },
];

/** Where one is: home › the menu's page › the record opened, each step a link back up. */
export function Breadcrumbs({ items }: { items: NavItem[] }) {
  const { t } = Session.use();
  const where = useLocation();
  const path = where.pathname;
  if (path === '/') return null;
  const page = items.filter((i) => i.key !== '/' && path.startsWith(i.key)).pop();
  const deeper = DEEPER.find((d) => path.startsWith(d.under) && path.length > d.under.length);
  const steps: Array<{ title: ReactNode }> = [{ title: <Link to="/">{t('crumbs.home')}</Link> }];
  if (page) steps.push({ title: deeper ? <Link to={page.key}>{page.label}</Link> : page.label });
  else if (path.startsWith('/account')) steps.push({ title: t('crumbs.account') });
  if (deeper) steps.push({ title: t(deeper.crumb) });
  return <Breadcrumb data-testid="breadcrumbs" items={steps} style={{ marginBottom: 8 }} />;
}
