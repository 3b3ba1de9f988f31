import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { ActivationInfo } from '../api/types';
import { useLanguage } from '../app/language';
import { AuthPageFrame } from '../components/auth-page-frame';
import { PasswordPolicy } from '../components/password-policy';
import { useErrorText, useReportError } from '../lib/errors';
import { passwordPolicyRule, validationText } from '../lib/validation';
import { setSessionNotice } from '../session/session';

interface ActivationValues {
  password: string;
  confirmPassword: string;
}

/** The public page behind an activation link: /activate?token=… → set a password → sign in. */
export default function ActivatePage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const reportError = useReportError();
  const [form] = Form.useForm<ActivationValues>();
  const password = Form.useWatch('password', form) ?? '';
  const token = params.get('token') ?? '';

  const info = useQuery({
    queryKey: ['activation', token],
    queryFn: () => api.get<ActivationInfo>('/account/activation', { query: { token }, anonymous: true }),
    enabled: token.length >= 20,
    retry: false,
  });

  const activate = useMutation({
    mutationFn: (values: ActivationValues) =>
      api.post<{ username: string }>('/account/activation', { token, password: values.password }, { anonymous: true }),
    onSuccess: (result) => {
      setSessionNotice('activated');
      void navigate(`/signin?username=${encodeURIComponent(result.username)}`, { replace: true });
    },
    onError: (error) => reportError(error, form),
  });

  let body;
  if (token.length < 20) {
    body = <Result status="warning" title={t('activation.missingToken')} />;
  } else if (info.isPending) {
    body = (
      <div style={{ textAlign: 'center', padding: 24 }}>
        <Spin />
      </div>
    );
  } else if (info.isError) {
    body = (
      <Result
        status="error"
        title={t('activation.invalid')}
        subTitle={errorText(info.error)}
        extra={
          <Link to="/signin">
            <Button>{t('activation.goSignIn')}</Button>
          </Link>
        }
      />
    );
  } else {
    const username = info.data.username;
    body = (
      <>
        <Alert type="info" showIcon title={t('activation.intro')} style={{ marginBottom: 16 }} />
        <Descriptions
          size="small"
          column={1}
          style={{ marginBottom: 16 }}
          items={[
            { key: 'username', label: t('activation.account'), children: `${info.data.displayName} (${username})` },
            { key: 'unit', label: t('activation.unit'), children: info.data.unitName },
          ]}
        />
        <Form<ActivationValues> form={form} layout="vertical" data-testid="activation-form" onFinish={(values) => activate.mutate(values)}>
          <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
          <Form.Item
            name="password"
            label={t('password.newPassword')}
            rules={[{ required: true, message: validationText('required', 'password', language) }, passwordPolicyRule(username, 'password', language)]}
          >
            <Input.Password autoComplete="new-password" maxLength={256} />
          </Form.Item>
          <PasswordPolicy password={password} username={username} />
          <Form.Item
            name="confirmPassword"
            label={t('password.confirmPassword')}
            dependencies={['password']}
            rules={[
              { required: true, message: t('password.confirmMismatch') },
              ({ getFieldValue }) => ({
                validator: async (_rule, value: unknown) => {
                  if (value && value !== getFieldValue('password')) throw new Error(t('password.confirmMismatch'));
                },
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" maxLength={256} />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={activate.isPending}>
            {t('activation.submit')}
          </Button>
        </Form>
      </>
    );
  }

  return (
    <AuthPageFrame>
      <Card className="hj-auth-card" style={{ maxWidth: 480 }} title={t('activation.title')}>
        {body}
      </Card>
    </AuthPageFrame>
  );
}
