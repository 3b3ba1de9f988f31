import { LogoutOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { useLanguage } from '../app/language';
import { ChangePasswordForm } from '../components/change-password-form';
import { useReportError } from '../lib/errors';
import { roleLabel } from '../lib/labels';
import { endSession, setSessionNotice, useRequiredSession } from '../session/session';
import { TotpCard } from './totp-card';

export default function ProfilePage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const session = useRequiredSession();
  const { modal } = App.useApp();
  const reportError = useReportError();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);

  const signOutEverywhere = () => {
    modal.confirm({
      title: t('profile.signOutEverywhereConfirm'),
      content: t('profile.signOutEverywhereHint'),
      okText: t('profile.signOutEverywhere'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        setBusy(true);
        try {
          await api.delete('/session', { query: { everywhere: true } });
          setSessionNotice('signed_out_everywhere');
          endSession(queryClient);
          void navigate('/signin', { replace: true });
        } catch (error) {
          reportError(error);
        } finally {
          setBusy(false);
        }
      },
    });
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%', maxWidth: 900 }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('profile.title')}
      </Typography.Title>
      <Card title={t('profile.account')}>
        <Descriptions
          column={1}
          data-testid="profile-account"
          items={[
            { key: 'username', label: t('profile.username'), children: session.user.username },
            { key: 'displayName', label: t('profile.displayName'), children: session.user.displayName },
            { key: 'unit', label: t('profile.unit'), children: session.user.unitName },
            {
              key: 'roles',
              label: t('profile.roles'),
              children:
                session.grants.length === 0 ? (
                  t('profile.noRoles')
                ) : (
                  <Space size={[4, 4]} wrap>
                    {session.grants.map((g) => (
                      <Tag key={`${g.role}-${g.unitId}`} color="blue">
                        {t('profile.roleAt', { role: roleLabel(g.role, language), unit: g.unitName })}
                      </Tag>
                    ))}
                  </Space>
                ),
            },
          ]}
        />
      </Card>
      <Card title={t('profile.changePassword')}>
        <ChangePasswordForm username={session.user.username} />
      </Card>
      <TotpCard />
      <Card title={t('profile.security')}>
        <Typography.Paragraph type="secondary">{t('profile.idleTimeout', { minutes: session.idleTimeoutMinutes })}</Typography.Paragraph>
        <Typography.Paragraph type="secondary">{t('profile.signOutEverywhereHint')}</Typography.Paragraph>
        <Button danger icon={<LogoutOutlined />} loading={busy} onClick={signOutEverywhere} data-testid="sign-out-everywhere">
          {t('profile.signOutEverywhere')}
        </Button>
      </Card>
    </Space>
  );
}
