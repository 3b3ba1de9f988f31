import { Alert, Button, Descriptions, Modal, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CredentialsView } from '../api/types';
import { useLanguage } from '../app/language';
import { formatDateTime } from '../lib/labels';
import { CopyButton } from './copy-button';

interface CredentialsModalProps {
  credentials: CredentialsView;
  /** Whose account (display name), for the title. */
  title?: string;
  onClose: () => void;
}

/** A new account's user name and first password or activation link, shown this once. */
export function CredentialsModal({ credentials, title, onClose }: CredentialsModalProps) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const secretLabel = credentials.initialPassword ? t('credentials.initialPassword') : t('credentials.activationUrl');
  const secret = credentials.initialPassword ?? credentials.activationUrl ?? '';
  const all = [
    `${t('credentials.username')}: ${credentials.username}`,
    `${secretLabel}: ${secret}`,
    ...(credentials.activationExpiresAt
      ? [`${t('credentials.expiresAt')}: ${formatDateTime(credentials.activationExpiresAt, language)}`]
      : []),
  ].join('\n');

  return (
    <Modal
      open
      title={title ?? t('credentials.title')}
      onCancel={onClose}
      mask={{ closable: false }}
      keyboard={false}
      footer={[
        <CopyButton key="copy" text={all} label={t('credentials.copyAll')} data-testid="credentials-copy" />,
        <Button key="done" type="primary" onClick={onClose} data-testid="credentials-close">
          {t('credentials.done')}
        </Button>,
      ]}
    >
      <div data-testid="credentials-modal">
        <Alert type="warning" showIcon title={t('credentials.warning')} style={{ marginBottom: 16 }} />
        <Descriptions
          bordered
          size="small"
          column={1}
          items={[
            {
              key: 'username',
              label: t('credentials.username'),
              children: (
                <Typography.Text className="hj-secret" data-testid="credentials-username">
                  {credentials.username}
                </Typography.Text>
              ),
            },
            credentials.initialPassword
              ? {
                  key: 'password',
                  label: t('credentials.initialPassword'),
                  children: (
                    <Space wrap>
                      <Typography.Text className="hj-secret" data-testid="credentials-password">
                        {credentials.initialPassword}
                      </Typography.Text>
                      <CopyButton size="small" text={credentials.initialPassword} />
                    </Space>
                  ),
                }
              : {
                  key: 'url',
                  label: t('credentials.activationUrl'),
                  children: (
                    <Space orientation="vertical" style={{ width: '100%' }}>
                      <Typography.Text className="hj-secret" data-testid="credentials-activation-url">
                        {credentials.activationUrl}
                      </Typography.Text>
                      <CopyButton size="small" text={credentials.activationUrl ?? ''} />
                    </Space>
                  ),
                },
            ...(credentials.activationExpiresAt
              ? [
                  {
                    key: 'expires',
                    label: t('credentials.expiresAt'),
                    children: formatDateTime(credentials.activationExpiresAt, language),
                  },
                ]
              : []),
          ]}
        />
      </div>
    </Modal>
  );
}
