import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { LanguageSwitch } from '../components/language-switch';
import { TotpSetup } from '../components/totp-setup';
import { endSession, sessionKey, setSessionNotice, useRequiredSession } from '../session/session';

/** Shown instead of the app while an administrator account has no authenticator yet (issue 9). */
export default function ForcedTotpPage() {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const signOut = async () => {
    await api.delete('/session').catch(() => undefined);
    setSessionNotice('signed_out');
    endSession(queryClient);
    void navigate('/signin', { replace: true });
  };

  return (
    <div className="hj-auth-page">
      <div className="hj-auth-lang">
        <LanguageSwitch />
      </div>
      <div className="hj-auth-brand">
        <h1>{t('app.name')}</h1>
        <p>{t('app.subtitle')}</p>
      </div>
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
    </div>
  );
}
