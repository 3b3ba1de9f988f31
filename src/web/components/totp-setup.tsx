import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { RecoveryCodesView, TotpEnrolmentView } from '../api/types';
import { useReportError } from '../lib/errors';

/** The ten recovery codes, shown once after enrolment or regeneration. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Alert type="warning" showIcon title={t('totp.recoveryTitle')} description={t('totp.recoveryHint')} />
      <pre data-testid="totp-recovery-codes" style={{ fontSize: 16, lineHeight: 1.8, columns: 2, margin: 0 }}>
        {codes.join('\n')}
      </pre>
      <Button type="primary" onClick={onDone} data-testid="totp-recovery-done">
        {t('totp.recoveryDone')}
      </Button>
    </Space>
  );
}

/**
 * Enrolling an authenticator: the server makes a secret (kept with this session until confirmed),
 * the user scans its QR code or types the key, then confirms with a code; the recovery codes follow.
 */
export function TotpSetup({ onEnabled }: { onEnabled: () => void }) {
  const { t } = useTranslation();
  const reportError = useReportError();
  const [form] = Form.useForm<{ totpCode: string }>();
  const [enrolment, setEnrolment] = useState<TotpEnrolmentView | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  const start = useMutation({
    mutationFn: () => api.post<TotpEnrolmentView>('/account/totp/enrolment'),
    onSuccess: setEnrolment,
    onError: (error) => reportError(error),
  });
  const confirm = useMutation({
    mutationFn: (totpCode: string) => api.post<RecoveryCodesView>('/account/totp/confirm', { totpCode }),
    onSuccess: (result) => setCodes(result.recoveryCodes),
    onError: (error) => reportError(error, form),
  });

  if (codes) return <RecoveryCodes codes={codes} onDone={onEnabled} />;
  if (!enrolment) {
    return (
      <Button type="primary" loading={start.isPending} onClick={() => start.mutate()} data-testid="totp-start">
        {t('totp.start')}
      </Button>
    );
  }
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph>{t('totp.scanHint')}</Typography.Paragraph>
      <img src={enrolment.qrCode} alt="otpauth QR" width={200} height={200} data-testid="totp-qr" />
      <Typography.Paragraph>
        {t('totp.manualKey')}：
        <Typography.Text code copyable data-testid="totp-secret">
          {enrolment.secret}
        </Typography.Text>
      </Typography.Paragraph>
      <Form form={form} layout="inline" onFinish={(values) => confirm.mutate(values.totpCode.trim())}>
        <Form.Item name="totpCode" label={t('totp.codeLabel')} rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('totp.codeLabel') }]}>
          <Input data-testid="totp-code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} style={{ width: 120 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={confirm.isPending} data-testid="totp-confirm">
          {t('totp.confirm')}
        </Button>
      </Form>
    </Space>
  );
}
