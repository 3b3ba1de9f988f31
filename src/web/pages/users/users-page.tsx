import { KeyOutlined, PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Form, Input, Modal, Radio, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, ApiError } from '../../api/client';
import { fetchUnit, unitKeys, unitPath } from '../../api/units';
import type { CreatedUser, CredentialsView, UserList, UserView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { CredentialsModal } from '../../components/credentials-modal';
import { ForbiddenResult } from '../../components/status-pages';
import { UnitPicker, type PickedUnit } from '../../components/unit-picker';
import { useErrorText, useReportError } from '../../lib/errors';
import { formatDateTime, roleLabel } from '../../lib/labels';
import { useDebounced } from '../../lib/use-debounced';
import { accountPageRoles, hasAnyRole, useRequiredSession } from '../../session/session';
import { UserFormDrawer, type UserFormTarget } from './user-form-drawer';

const usersKey = ['users'] as const;

type Shown = { kind: 'credentials'; credentials: CredentialsView; title: string } | { kind: 'reset'; user: UserView } | null;

/** 账户: accounts of a unit (and below), with create, edit, disable/enable and password reset. */
export default function UsersPage() {
  const session = useRequiredSession();
  if (!hasAnyRole(session, accountPageRoles)) return <ForbiddenResult />;
  return <UsersManager />;
}

function UsersManager() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const session = useRequiredSession();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const reportError = useReportError();
  const errorText = useErrorText();
  const [params, setParams] = useSearchParams();
  const [drawer, setDrawer] = useState<UserFormTarget | null>(null);
  const [shown, setShown] = useState<Shown>(null);
  const [searchText, setSearchText] = useState(params.get('q') ?? '');
  const q = useDebounced(searchText.trim(), 300);
  const [pagination, setPagination] = useState({ page: 1, pageSize: 20 });

  const requestedUnit = Number(params.get('unitId'));
  const unitId = Number.isInteger(requestedUnit) && requestedUnit > 0 ? requestedUnit : session.user.unitId;
  const includeSubtree = params.get('subtree') !== '0';
  const unit = useQuery({ queryKey: unitKeys.detail(unitId), queryFn: () => fetchUnit(unitId) });
  const unitValue: PickedUnit = {
    value: unitId,
    label: unit.data ? unitPath(unit.data.ancestors, unit.data.shortName) : unitId === session.user.unitId ? session.user.unitName : String(unitId),
  };

  const listQuery = { unitId, includeSubtree, q, page: pagination.page, pageSize: pagination.pageSize };
  const list = useQuery({
    queryKey: [...usersKey, listQuery],
    queryFn: () =>
      api.get<UserList>('/users', {
        query: { unitId, includeSubtree, q: q || undefined, page: listQuery.page, pageSize: listQuery.pageSize },
      }),
    placeholderData: keepPreviousData,
  });

  const setFilter = (changes: { unitId?: number; subtree?: boolean }) => {
    setPagination((p) => ({ ...p, page: 1 }));
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (changes.unitId !== undefined) next.set('unitId', String(changes.unitId));
        if (changes.subtree !== undefined) {
          if (changes.subtree) next.delete('subtree');
          else next.set('subtree', '0');
        }
        return next;
      },
      { replace: true },
    );
  };

  const refresh = () => queryClient.invalidateQueries({ queryKey: usersKey });
  // 三员分立: account details are the system (and unit) administrators'; unlocking and authenticator
  // resets are the security administrator's.
  const managesAccounts = hasAnyRole(session, ['system_admin', 'unit_admin']);
  const securesAccounts = hasAnyRole(session, ['security_admin']);

  const secure = useMutation({
    mutationFn: ({ user, action }: { user: UserView; action: 'unlock' | 'reset-totp' }) => api.post<UserView>(`/users/${user.id}/${action}`),
    onSuccess: (_user, { action }) => {
      void message.success(action === 'unlock' ? t('users.unlocked') : t('users.totpReset'));
      void refresh();
    },
    onError: (error) => reportError(error),
  });

  const setStatus = useMutation({
    mutationFn: ({ user, status }: { user: UserView; status: 'active' | 'disabled' }) =>
      api.patch<UserView>(`/users/${user.id}`, { version: user.version, status }),
    onSuccess: (user) => {
      void message.success(user.status === 'disabled' ? t('users.disabled') : t('users.enabled'));
      void refresh();
    },
    onError: (error) => {
      reportError(error);
      if (error instanceof ApiError && error.code === 'stale_version') void refresh();
    },
  });

  const statusTag = (user: UserView) => (
    <Space size={4} wrap>
      {user.status === 'active' ? (
        <Tag color="green">{t('users.statusActive')}</Tag>
      ) : user.status === 'pending_activation' ? (
        <Tag color="gold">{t('users.statusPending')}</Tag>
      ) : (
        <Tag color="default">{t('users.statusDisabled')}</Tag>
      )}
      {user.lockedUntil && <Tag color="red">{t('users.lockedUntil', { time: formatDateTime(user.lockedUntil, language) })}</Tag>}
      {user.totpEnabled && <Tag color="cyan">{t('users.totpOn')}</Tag>}
    </Space>
  );

  const columns: TableColumnsType<UserView> = [
    {
      key: 'username',
      dataIndex: 'username',
      title: t('users.username'),
      render: (username: string, user) => (
        <span>
          <Typography.Text strong>{username}</Typography.Text>
          {user.id === session.user.id && <Typography.Text type="secondary">{t('users.self')}</Typography.Text>}
        </span>
      ),
    },
    { key: 'displayName', dataIndex: 'displayName', title: t('users.displayName') },
    { key: 'unitName', dataIndex: 'unitName', title: t('users.unit') },
    {
      key: 'roles',
      dataIndex: 'roles',
      title: t('users.roles'),
      render: (roles: string[]) => (
        <Space size={[4, 4]} wrap>
          {roles.map((role) => (
            <Tag key={role} color="blue">
              {roleLabel(role, language)}
            </Tag>
          ))}
        </Space>
      ),
    },
    { key: 'status', title: t('users.status'), render: (_: unknown, user) => statusTag(user) },
    { key: 'mobile', dataIndex: 'mobile', title: t('users.mobile'), render: (v: string | null) => v ?? '—' },
    { key: 'email', dataIndex: 'email', title: t('users.email'), render: (v: string | null) => v ?? '—' },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      width: 250,
      render: (_: unknown, user) => {
        const self = user.id === session.user.id;
        return (
          <Space size={0}>
            <Button type="link" size="small" onClick={() => setDrawer({ mode: 'edit', user })} data-testid="user-edit">
              {t('common.edit')}
            </Button>
            {managesAccounts && (
              <>
                {!self && user.status === 'active' && (
                  <Button
                    type="link"
                    size="small"
                    danger
                    data-testid="user-disable"
                    onClick={() =>
                      modal.confirm({
                        title: t('users.disableConfirm', { name: user.displayName }),
                        okText: t('users.disable'),
                        okButtonProps: { danger: true },
                        cancelText: t('common.cancel'),
                        onOk: () => setStatus.mutateAsync({ user, status: 'disabled' }).catch(() => undefined),
                      })
                    }
                  >
                    {t('users.disable')}
                  </Button>
                )}
                {!self && user.status === 'disabled' && (
                  <Button type="link" size="small" data-testid="user-enable" onClick={() => setStatus.mutate({ user, status: 'active' })}>
                    {t('users.enable')}
                  </Button>
                )}
                {!self && (
                  <Button type="link" size="small" icon={<KeyOutlined />} data-testid="user-reset-password" onClick={() => setShown({ kind: 'reset', user })}>
                    {t('users.resetPassword')}
                  </Button>
                )}
              </>
            )}
            {securesAccounts && user.lockedUntil && (
              <Button type="link" size="small" data-testid="user-unlock" onClick={() => secure.mutate({ user, action: 'unlock' })}>
                {t('users.unlock')}
              </Button>
            )}
            {securesAccounts && !self && user.totpEnabled && (
              <Button
                type="link"
                size="small"
                danger
                data-testid="user-reset-totp"
                onClick={() =>
                  modal.confirm({
                    title: t('users.resetTotpConfirm', { name: user.displayName }),
                    okText: t('users.resetTotp'),
                    okButtonProps: { danger: true },
                    cancelText: t('common.cancel'),
                    onOk: () => secure.mutateAsync({ user, action: 'reset-totp' }).catch(() => undefined),
                  })
                }
              >
                {t('users.resetTotp')}
              </Button>
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('users.title')}
      </Typography.Title>
      <Card size="small">
        <Space wrap size="middle">
          <span>{t('users.unitFilter')}</span>
          <UnitPicker
            data-testid="users-unit-filter"
            value={unitValue}
            style={{ width: 360 }}
            placeholder={t('users.unitFilterPlaceholder')}
            onChange={(picked) => picked && setFilter({ unitId: picked.value })}
          />
          <Checkbox checked={includeSubtree} onChange={(e) => setFilter({ subtree: e.target.checked })} data-testid="users-include-subtree">
            {t('users.includeSubtree')}
          </Checkbox>
          <Input
            data-testid="users-search"
            allowClear
            prefix={<SearchOutlined />}
            style={{ width: 260 }}
            placeholder={t('users.searchPlaceholder')}
            value={searchText}
            maxLength={50}
            onChange={(e) => {
              setSearchText(e.target.value);
              setPagination((p) => ({ ...p, page: 1 }));
            }}
          />
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} onClick={() => void refresh()} aria-label={t('common.refresh')} />
          </Tooltip>
          <Button type="primary" icon={<PlusOutlined />} data-testid="user-create" onClick={() => setDrawer({ mode: 'create', unit: unitValue })}>
            {t('users.create')}
          </Button>
        </Space>
      </Card>
      {list.isError && <Alert type="error" showIcon title={errorText(list.error)} />}
      <div data-testid="users-table">
        <Table<UserView>
          rowKey="id"
          size="middle"
          loading={list.isFetching}
          columns={columns}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 1200 }}
          pagination={{
            current: pagination.page,
            pageSize: pagination.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100, 200],
            showTotal: (total) => t('common.total', { count: total }),
            onChange: (page, pageSize) => setPagination({ page: pageSize === pagination.pageSize ? page : 1, pageSize }),
          }}
        />
      </div>

      {drawer && (
        <UserFormDrawer
          target={drawer}
          onClose={() => setDrawer(null)}
          onStale={() => {
            setDrawer(null);
            void refresh();
          }}
          onCreated={(created: CreatedUser) => {
            setDrawer(null);
            setShown({ kind: 'credentials', credentials: created.credentials, title: t('credentials.titleFor', { name: created.user.displayName }) });
            void refresh();
          }}
          onUpdated={() => {
            setDrawer(null);
            void message.success(t('users.updated'));
            void refresh();
          }}
        />
      )}
      {shown?.kind === 'reset' && (
        <ResetPasswordModal
          user={shown.user}
          onClose={() => setShown(null)}
          onDone={(credentials) => {
            setShown({ kind: 'credentials', credentials, title: t('credentials.resetTitleFor', { name: shown.user.displayName }) });
            void refresh();
          }}
        />
      )}
      {shown?.kind === 'credentials' && <CredentialsModal credentials={shown.credentials} title={shown.title} onClose={() => setShown(null)} />}
    </Space>
  );
}

function ResetPasswordModal({ user, onClose, onDone }: { user: UserView; onClose: () => void; onDone: (c: CredentialsView) => void }) {
  const { t } = useTranslation();
  const reportError = useReportError();
  const [form] = Form.useForm<{ mode: 'initial_password' | 'activation_link' }>();
  const reset = useMutation({
    mutationFn: (mode: 'initial_password' | 'activation_link') => api.post<CredentialsView>(`/users/${user.id}/reset-password`, { mode }),
    onSuccess: onDone,
    onError: (error) => reportError(error, form),
  });
  return (
    <Modal
      open
      title={t('users.resetTitle', { name: user.displayName })}
      okText={t('users.resetSubmit')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true, loading: reset.isPending, 'data-testid': 'reset-password-submit' }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('users.resetIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ mode: 'initial_password' }} onFinish={(values) => reset.mutate(values.mode)}>
        <Form.Item name="mode" label={t('users.mode')}>
          <Radio.Group>
            <Space orientation="vertical">
              <Radio value="initial_password">{t('users.modeInitialPassword')}</Radio>
              <Radio value="activation_link">{t('users.modeActivationLink')}</Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
      </Form>
    </Modal>
  );
}
