import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { ChangePasswordForm } from '../components/change-password-form';
import { AuthPageFrame } from '../components/auth-page-frame';
import { sessionKey, useRequiredSession } from '../session/session';
import { useSignOut } from '../session/use-sign-out';

/** Shown instead of the app while the account still has its initial (administrator-set) password. */
export default function ForcedPasswordPage() {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const queryClient = useQueryClient();
  const { signOut } = useSignOut();

  return (
    <AuthPageFrame>
      <Card
        className="hj-auth-card"
        style={{ maxWidth: 480 }}
        title={t('password.forcedTitle')}
        extra={
          <Button type="link" onClick={() => void signOut()}>
            {t('nav.signOut')}
          </Button>
        }
      >
        <Alert type="warning" showIcon title={t('password.forcedIntro')} style={{ marginBottom: 16 }} />
        <p data-testid="current-user">
          {t('session.currentUser', { name: `${session.user.displayName} (${session.user.username})`, unit: session.user.unitName })}
        </p>
        <ChangePasswordForm
          username={session.user.username}
          onChanged={() => void queryClient.invalidateQueries({ queryKey: sessionKey })}
        />
      </Card>
    </AuthPageFrame>
  );
}
