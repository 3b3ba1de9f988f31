import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../api/client';
import type { SessionView, TotpChallengeView } from '../api/types';
import { AuthPageFrame } from '../components/auth-page-frame';
import { useErrorText } from '../lib/errors';
import { safeNextPath } from '../lib/navigation';
import { startSession, useSession, useSessionNotice, type SessionNotice } from '../session/session';

interface SignInValues {
  username: string;
  password: string;
}

const noticeKeys = {
  expired: ['warning', 'session.expired'],
  signed_out: ['info', 'session.signedOut'],
  signed_out_everywhere: ['info', 'session.signedOutEverywhere'],
  activated: ['success', 'session.activated'],
} as const satisfies Record<Exclude<SessionNotice, null>, readonly [string, string]>;

/** The sign-in page: kept light (it is the first thing every user loads). */
export function SignInPage() {
  const { t } = useTranslation();
  const session = useSession();
  const notice = useSessionNotice();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const errorText = useErrorText();
  const [failure, setFailure] = useState<string | null>(null);
  const next = safeNextPath(params.get('next'));

  // After a correct password, an account with TOTP is asked for its code (a second step).
  const [challenge, setChallenge] = useState<TotpChallengeView | null>(null);
  const signIn = useMutation({
    mutationFn: (values: SignInValues) => api.post<SessionView | TotpChallengeView>('/session', values, { anonymous: true }),
    onMutate: () => setFailure(null),
    onSuccess: (view) => {
      if ('status' in view) setChallenge(view);
      else startSession(queryClient, view);
    },
    onError: (error) => setFailure(errorText(error)),
  });
  const secondStep = useMutation({
    mutationFn: (totpCode: string) => api.post<SessionView>('/session/totp', { challengeToken: challenge?.challengeToken, totpCode }, { anonymous: true }),
    onMutate: () => setFailure(null),
    onSuccess: (view) => startSession(queryClient, view),
    onError: (error) => {
      setFailure(errorText(error));
      // An expired challenge or a lock sends the user back to the password.
      if (error instanceof ApiError && error.code !== 'invalid_totp_code') setChallenge(null);
    },
  });

  if (session.data) return <Navigate to={next} replace />;

  const noticeSpec = notice ? noticeKeys[notice] : null;
  return (
    <AuthPageFrame>
      {/* A plain panel rather than antd Card, which would bring Tabs into the first page load. */}
      <main className="hj-auth-card hj-panel">
        <h2 className="hj-panel-title">{challenge ? t('session.totpTitle') : t('session.signInTitle')}</h2>
        {noticeSpec && !failure && (
          <Alert style={{ marginBottom: 16 }} type={noticeSpec[0]} showIcon title={t(noticeSpec[1])} data-testid="signin-notice" />
        )}
        {failure && <Alert style={{ marginBottom: 16 }} type="error" showIcon title={failure} data-testid="signin-error" />}
        {challenge ? (
          <Form<{ totpCode: string }>
            data-testid="signin-totp-form"
            layout="vertical"
            requiredMark={false}
            onFinish={(values) => secondStep.mutate(values.totpCode.trim())}
          >
            <p>{t('session.totpPrompt')}</p>
            <Form.Item name="totpCode" label={t('session.totpLabel')} rules={[{ required: true, whitespace: true, message: t('session.totpPlaceholder') }]}>
              <Input
                data-testid="signin-totp"
                prefix={<SafetyOutlined />}
                autoComplete="one-time-code"
                inputMode="numeric"
                autoFocus
                placeholder={t('session.totpPlaceholder')}
                maxLength={20}
              />
            </Form.Item>
            <Button data-testid="signin-totp-submit" type="primary" htmlType="submit" block loading={secondStep.isPending}>
              {t('session.totpSubmit')}
            </Button>
            <Button type="link" block onClick={() => setChallenge(null)} style={{ marginTop: 8 }}>
              {t('session.totpBack')}
            </Button>
          </Form>
        ) : (
          <Form<SignInValues>
            data-testid="signin-form"
            layout="vertical"
            requiredMark={false}
            initialValues={{ username: params.get('username') ?? '' }}
            onFinish={(values) => signIn.mutate({ username: values.username.trim(), password: values.password })}
          >
            <Form.Item
              name="username"
              label={t('session.username')}
              rules={[{ required: true, whitespace: true, message: t('session.usernamePlaceholder') }]}
            >
              <Input
                data-testid="signin-username"
                prefix={<UserOutlined />}
                autoComplete="username"
                autoFocus
                placeholder={t('session.usernamePlaceholder')}
                maxLength={64}
              />
            </Form.Item>
            <Form.Item name="password" label={t('session.password')} rules={[{ required: true, message: t('session.passwordPlaceholder') }]}>
              <Input.Password
                data-testid="signin-password"
                prefix={<LockOutlined />}
                autoComplete="current-password"
                placeholder={t('session.passwordPlaceholder')}
                maxLength={256}
              />
            </Form.Item>
            <Button data-testid="signin-submit" type="primary" htmlType="submit" block loading={signIn.isPending}>
              {t('session.submit')}
            </Button>
          </Form>
        )}
      </main>
    </AuthPageFrame>
  );
}
