import { Button, Result } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { PageSpin } from '../components/page-spin';
import { useErrorText } from '../lib/errors';
import { useSession } from '../session/session';

const AppShell = lazy(() => import('./app-shell'));
const ForcedPasswordPage = lazy(() => import('../pages/forced-password-page'));
const ForcedTotpPage = lazy(() => import('../pages/forced-totp-page'));

/**
 * The gate of the signed-in area: no session → the sign-in page (remembering where the user
 * was); a password that must be changed → that screen before anything else; an administrator
 * without an authenticator → its set-up; else the app.
 */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  const errorText = useErrorText();

  if (session.isPending) return <PageSpin />;
  if (session.isError) {
    return (
      <Result
        status="error"
        title={errorText(session.error)}
        extra={
          <Button type="primary" onClick={() => void session.refetch()}>
            {t('common.refresh')}
          </Button>
        }
      />
    );
  }
  if (!session.data) {
    const here = `${location.pathname}${location.search}`;
    const to = here === '/' ? '/signin' : `/signin?next=${encodeURIComponent(here)}`;
    return <Navigate to={to} replace />;
  }
  return (
    <Suspense fallback={<PageSpin />}>
      {session.data.user.mustChangePassword ? <ForcedPasswordPage /> : session.data.user.totpEnrolmentRequired ? <ForcedTotpPage /> : <AppShell />}
    </Suspense>
  );
}
