import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { AuthPageFrame } from '../components/auth-page-frame';
import { TotpSetup } from '../components/totp-setup';
import { sessionKey, useRequiredSession } from '../session/session';
import { useSignOut } from '../session/use-sign-out';

/** Shown instead of the app while an administrator account has no authenticator yet (issue 9). */
export default function ForcedTotpPage() {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const queryClient = useQueryClient();
  const { signOut } = useSignOut();

  return (
    <AuthPageFrame>
      <Card
        className="hj-auth-card"
        style={{ maxWidth: 520 }}
        title={t('totp.forcedTitle')}
        data-testid="totp-enrolment-required"
        extra={
          <Button type="link" onClick={() => void signOut()}>
            {t('nav.signOut')}
          </Button>
        }
      >
        <Alert type="warning" showIcon title={t('totp.forcedIntro')} style={{ marginBottom: 16 }} />
        <p data-testid="current-user">
          {t('session.currentUser', { name: `${session.user.displayName} (${session.user.username})`, unit: session.user.unitName })}
        </p>
        <TotpSetup onEnabled={() => void queryClient.invalidateQueries({ queryKey: sessionKey })} />
      </Card>
    </AuthPageFrame>
  );
}
