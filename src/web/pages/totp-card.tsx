import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { RecoveryCodesView, TotpStatusView } from '../api/types';
import { useLanguage } from '../app/language';
import { RecoveryCodes, TotpSetup } from '../components/totp-setup';
import { useReportError } from '../lib/errors';
import { formatDateTime } from '../lib/labels';
import { sessionKey } from '../session/session';

const totpKey = ['account', 'totp'] as const;

/** 账户安全: the authenticator's state, enrolment, new recovery codes, turning it off. */
export function TotpCard() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const reportError = useReportError();
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: totpKey, queryFn: () => api.get<TotpStatusView>('/account/totp') });
  const [dialog, setDialog] = useState<'regenerate' | 'disable' | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [form] = Form.useForm<{ password?: string; totpCode: string }>();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: totpKey });
    void queryClient.invalidateQueries({ queryKey: sessionKey });
  };

  const act = useMutation({
    mutationFn: async (values: { password?: string; totpCode: string }) => {
      if (dialog === 'regenerate') return (await api.post<RecoveryCodesView>('/account/totp/recovery-codes', { totpCode: values.totpCode.trim() })).recoveryCodes;
      await api.post('/account/totp/disable', { password: values.password, totpCode: values.totpCode.trim() });
      return null;
    },
    onSuccess: (result) => {
      setDialog(null);
      form.resetFields();
      if (result) setCodes(result);
      else void message.success(t('totp.disabled'));
      refresh();
    },
    onError: (error) => reportError(error, form),
  });

  const data = status.data;
  return (
    <Card title={t('totp.title')} data-testid="totp-card" loading={status.isPending}>
      <Typography.Paragraph type="secondary">{t('totp.intro')}</Typography.Paragraph>
      {data && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Space wrap>
            {data.enabled ? (
              <Tag color="green" data-testid="totp-status">
                {t('totp.statusOn', { time: formatDateTime(data.enabledAt!, language) })}
              </Tag>
            ) : (
              <Tag data-testid="totp-status">{t('totp.statusOff')}</Tag>
            )}
            {data.required && <Tag color="orange">{t('totp.required')}</Tag>}
            {data.enabled && <span>{t('totp.recoveryLeft', { count: data.recoveryCodesLeft })}</span>}
          </Space>
          {codes ? (
            <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />
          ) : data.enabled ? (
            <Space wrap>
              <Button onClick={() => setDialog('regenerate')} data-testid="totp-regenerate">
                {t('totp.regenerate')}
              </Button>
              {!data.required && (
                <Button danger onClick={() => setDialog('disable')} data-testid="totp-disable">
                  {t('totp.disable')}
                </Button>
              )}
            </Space>
          ) : (
            <TotpSetup onEnabled={refresh} />
          )}
        </Space>
      )}
      <Modal
        open={dialog !== null}
        title={dialog === 'disable' ? t('totp.disable') : t('totp.regenerate')}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: dialog === 'disable', loading: act.isPending, 'data-testid': 'totp-dialog-submit' }}
        onOk={() => form.submit()}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        <Typography.Paragraph>{dialog === 'disable' ? t('totp.disableHint') : t('totp.regenerateHint')}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={(values) => act.mutate(values)}>
          {dialog === 'disable' && (
            <Form.Item name="password" label={t('totp.passwordLabel')} rules={[{ required: true, message: t('totp.passwordLabel') }]}>
              <Input.Password autoComplete="current-password" />
            </Form.Item>
          )}
          <Form.Item name="totpCode" label={t('session.totpLabel')} rules={[{ required: true, whitespace: true, message: t('session.totpPlaceholder') }]}>
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={20} data-testid="totp-dialog-code" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
