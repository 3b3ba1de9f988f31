import { useMutation } from '@tanstack/react-query';
import { App, Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { useLanguage } from '../app/language';
import { useReportError } from '../lib/errors';
import { passwordPolicyRule, validationText } from '../lib/validation';
import { PasswordPolicy } from './password-policy';

interface ChangePasswordValues {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

export function ChangePasswordForm({ username, onChanged }: { username: string; onChanged?: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const reportError = useReportError();
  const [form] = Form.useForm<ChangePasswordValues>();
  const newPassword = Form.useWatch('newPassword', form) ?? '';

  const change = useMutation({
    mutationFn: (values: ChangePasswordValues) =>
      api.post('/account/password', { currentPassword: values.currentPassword, newPassword: values.newPassword }),
    onSuccess: () => {
      void message.success(t('session.passwordChanged'));
      form.resetFields();
      onChanged?.();
    },
    onError: (error) => reportError(error, form),
  });

  return (
    <Form<ChangePasswordValues>
      form={form}
      data-testid="change-password-form"
      layout="vertical"
      style={{ maxWidth: 420 }}
      onFinish={(values) => change.mutate(values)}
    >
      <Form.Item
        name="currentPassword"
        label={t('password.currentPassword')}
        rules={[{ required: true, message: validationText('required', 'currentPassword', language) }]}
      >
        <Input.Password autoComplete="current-password" maxLength={256} />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('password.newPassword')}
        rules={[{ required: true, message: validationText('required', 'newPassword', language) }, passwordPolicyRule(username, 'newPassword', language)]}
      >
        <Input.Password autoComplete="new-password" maxLength={256} />
      </Form.Item>
      <PasswordPolicy password={newPassword} username={username} />
      <Form.Item
        name="confirmPassword"
        label={t('password.confirmPassword')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('password.confirmMismatch') },
          ({ getFieldValue }) => ({
            validator: async (_rule, value: unknown) => {
              if (value && value !== getFieldValue('newPassword')) throw new Error(t('password.confirmMismatch'));
            },
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" maxLength={256} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={change.isPending} data-testid="change-password-submit">
        {t('password.submit')}
      </Button>
    </Form>
  );
}
