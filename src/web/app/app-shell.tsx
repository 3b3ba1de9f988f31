import {
  ApartmentOutlined,
  AuditOutlined,
  BarChartOutlined,
  CalendarOutlined,
  CarryOutOutlined,
  CommentOutlined,
  FileDoneOutlined,
  FileTextOutlined,
  FormOutlined,
  InboxOutlined,
  LogoutOutlined,
  MailOutlined,
  SendOutlined,
  SettingOutlined,
  StarOutlined,
  TeamOutlined,
  TrophyOutlined,
  UserOutlined,
  GlobalOutlined,
  SafetyCertificateOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Layout, Menu, type MenuProps } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { fetchInbox, noticeKeys } from '../api/notices';
import { LanguageSwitch } from '../components/language-switch';
import { NotificationBell } from '../components/notification-bell';
import { PageSpin } from '../components/page-spin';
import {
  acknowledgeRoles,
  accountPageRoles,
  auditRoles,
  unitViewerRoles,
  campaignManagerRoles,
  hasAnyRole,
  submitterRoles,
  useRequiredSession,
} from '../session/session';
import { useSignOut } from '../session/use-sign-out';

/** The signed-in frame: header (product, user, language, sign out), menu on the left, the page. */
export default function AppShell() {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const location = useLocation();
  const { signOut, signingOut } = useSignOut();
  const managesAccounts = hasAnyRole(session, accountPageRoles);
  const readsAudit = hasAnyRole(session, auditRoles);
  const seesUnits = hasAnyRole(session, unitViewerRoles);
  const isSystemAdmin = hasAnyRole(session, ['system_admin']);
  const reviews = hasAnyRole(session, ['reviewer']);
  const managesCampaigns = hasAnyRole(session, campaignManagerRoles);
  const receivesNotices = hasAnyRole(session, acknowledgeRoles);
  const submitsTasks = hasAnyRole(session, submitterRoles);
  // The inbox's unread count for the menu badge, refreshed with the notifications.
  const unread = useQuery({
    queryKey: noticeKeys.inboxUnread,
    queryFn: () => fetchInbox('unread', 1, 1),
    enabled: receivesNotices,
    refetchInterval: 60_000,
    select: (list) => list.unread,
  });

  const items: MenuProps['items'] = [
    ...(receivesNotices
      ? [
          {
            key: '/inbox',
            icon: <InboxOutlined />,
            label: (
              <Link to="/inbox" data-testid="nav-inbox">
                {t('nav.inbox')}
                <Badge count={unread.data ?? 0} size="small" offset={[6, -2]} data-testid="inbox-unread-badge" />
              </Link>
            ),
          },
        ]
      : []),
    ...(submitsTasks ? [{ key: '/tasks', icon: <FileDoneOutlined />, label: <Link to="/tasks" data-testid="nav-tasks">{t('nav.tasks')}</Link> }] : []),
    ...(managesCampaigns
      ? [
          { key: '/notices', icon: <FileTextOutlined />, label: <Link to="/notices">{t('nav.notices')}</Link> },
          { key: '/campaigns', icon: <CalendarOutlined />, label: <Link to="/campaigns">{t('nav.campaigns')}</Link> },
          { key: '/surveys', icon: <BarChartOutlined />, label: <Link to="/surveys" data-testid="nav-surveys">{t('surveys.nav')}</Link> },
          { key: '/forms', icon: <FormOutlined />, label: <Link to="/forms" data-testid="nav-forms">{t('nav.forms')}</Link> },
          { key: '/evaluations', icon: <TrophyOutlined />, label: <Link to="/evaluations" data-testid="nav-evaluations">{t('nav.evaluations')}</Link> },
          { key: '/mail-templates', icon: <MailOutlined />, label: <Link to="/mail-templates" data-testid="nav-mail-templates">{t('nav.mailTemplates')}</Link> },
        ]
      : []),
    ...(submitsTasks ? [{ key: '/publishing', icon: <GlobalOutlined />, label: <Link to="/publishing" data-testid="nav-publishing">{t('nav.publishing')}</Link> }] : []),
    ...(managesCampaigns
      ? [{ key: '/publishing/review', icon: <SafetyCertificateOutlined />, label: <Link to="/publishing/review" data-testid="nav-publishing-review">{t('nav.publishingReview')}</Link> }]
      : []),
    ...(managesCampaigns
      ? [{ key: '/contributions', icon: <SafetyCertificateOutlined />, label: <Link to="/contributions" data-testid="nav-contributions">{t('contributions.reviewTitle')}</Link> }]
      : []),
    ...(reviews ? [{ key: '/reviews', icon: <StarOutlined />, label: <Link to="/reviews" data-testid="nav-reviews">{t('nav.reviews')}</Link> }] : []),
    ...(receivesNotices ? [{ key: '/assigned', icon: <CarryOutOutlined />, label: <Link to="/assigned">{t('nav.assigned')}</Link> }] : []),
    ...(seesUnits ? [{ key: '/demand-desk', icon: <CommentOutlined />, label: <Link to="/demand-desk" data-testid="nav-demands">{t('demands.desk.nav')}</Link> }] : []),
    ...(seesUnits ? [{ key: '/units', icon: <ApartmentOutlined />, label: <Link to="/units">{t('nav.units')}</Link> }] : []),
    ...(managesAccounts ? [{ key: '/users', icon: <TeamOutlined />, label: <Link to="/users" data-testid="nav-users">{t('nav.users')}</Link> }] : []),
    ...(readsAudit ? [{ key: '/audit', icon: <AuditOutlined />, label: <Link to="/audit" data-testid="nav-audit">{t('nav.audit')}</Link> }] : []),
    ...(isSystemAdmin ? [{ key: '/outbox', icon: <SendOutlined />, label: <Link to="/outbox" data-testid="nav-outbox">{t('nav.outbox')}</Link> }] : []),
    { key: '/profile', icon: <SettingOutlined />, label: <Link to="/profile">{t('nav.profile')}</Link> },
  ];
  const selected = `/${location.pathname.split('/')[1] ?? ''}`;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="hj-header">
        <Link to="/" className="hj-header-title">
          {t('app.title')}
        </Link>
        <span className="hj-header-user" data-testid="current-user" title={session.user.username}>
          <UserOutlined style={{ marginRight: 6 }} />
          {t('session.currentUser', { name: session.user.displayName, unit: session.user.unitName })}
        </span>
        <NotificationBell />
        <LanguageSwitch dark />
        <Button
          data-testid="sign-out"
          type="text"
          style={{ color: 'rgba(255,255,255,0.85)' }}
          icon={<LogoutOutlined />}
          loading={signingOut}
          onClick={() => void signOut()}
        >
          {t('nav.signOut')}
        </Button>
      </Layout.Header>
      <Layout>
        <Layout.Sider theme="light" width={188} breakpoint="md" collapsedWidth={56}>
          <Menu mode="inline" items={items} selectedKeys={[selected]} style={{ height: '100%', borderInlineEnd: 0 }} />
        </Layout.Sider>
        <Layout.Content className="hj-content">
          <Suspense fallback={<PageSpin />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
