import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Drawer, Form, Input, Radio, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { createUserBody } from '../../../shared/contracts/users';
import type { Role } from '../../../shared/domain/roles';
import { api, ApiError } from '../../api/client';
import type { CreatedUser, UserView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { UnitPicker, type PickedUnit } from '../../components/unit-picker';
import { useReportError } from '../../lib/errors';
import { roleLabel } from '../../lib/labels';
import { contractRules, labelOf, validationText } from '../../lib/validation';
import { adminRoles, grantableRolesOf, hasAnyRole, useRequiredSession } from '../../session/session';

interface UserFormValues {
  unitId: PickedUnit | null;
  username: string;
  displayName: string;
  email: string;
  mobile: string;
  roles: Role[];
  mode: 'initial_password' | 'activation_link';
}

export type UserFormTarget = { mode: 'create'; unit: PickedUnit | null } | { mode: 'edit'; user: UserView };

interface UserFormDrawerProps {
  target: UserFormTarget;
  onClose: () => void;
  onCreated: (created: CreatedUser) => void;
  onUpdated: (user: UserView) => void;
  onStale: () => void;
}

const text = (value: string | undefined) => (value ?? '').trim();

/** Create an account (user name, name, contact, roles, how it gets its first password) or edit one. */
export function UserFormDrawer({ target, onClose, onCreated, onUpdated, onStale }: UserFormDrawerProps) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const session = useRequiredSession();
  const reportError = useReportError();
  const [form] = Form.useForm<UserFormValues>();
  const fields = createUserBody.shape;
  const label = (field: string) => labelOf(field, language);
  const isSelf = target.mode === 'edit' && target.user.id === session.user.id;
  // The security administrator changes roles only (三员分立); details are the system administrator's.
  const detailsLocked = target.mode === 'edit' && !hasAnyRole(session, adminRoles);

  // Roles this user may grant, plus any the account already holds (shown, not changeable).
  const grantable = grantableRolesOf(session);
  const held = target.mode === 'edit' ? target.user.roles : [];
  const roleOptions = [...new Set([...grantable, ...held])].map((role) => ({
    value: role,
    label: roleLabel(role, language),
    disabled: isSelf || !grantable.includes(role),
  }));

  const save = useMutation({
    mutationFn: async (values: UserFormValues) => {
      if (target.mode === 'create') {
        const created = await api.post<CreatedUser>('/users', {
          unitId: values.unitId?.value,
          username: text(values.username).toLowerCase(),
          displayName: text(values.displayName),
          ...(text(values.email) ? { email: text(values.email) } : {}),
          ...(text(values.mobile) ? { mobile: text(values.mobile) } : {}),
          roles: values.roles,
          mode: values.mode,
        });
        return { created };
      }
      const user = target.user;
      const body: Record<string, unknown> = { version: user.version };
      if (text(values.displayName) !== user.displayName) body.displayName = text(values.displayName);
      if (text(values.email) !== (user.email ?? '')) body.email = text(values.email) || null;
      if (text(values.mobile) !== (user.mobile ?? '')) body.mobile = text(values.mobile) || null;
      const roles = [...values.roles].sort();
      if (!isSelf && roles.join() !== [...user.roles].sort().join()) body.roles = roles;
      return { updated: await api.patch<UserView>(`/users/${user.id}`, body) };
    },
    onSuccess: (result) => {
      if (result.created) onCreated(result.created);
      if (result.updated) onUpdated(result.updated);
    },
    onError: (error) => {
      reportError(error, form);
      if (error instanceof ApiError && error.code === 'stale_version') onStale();
    },
  });

  const initialValues: Partial<UserFormValues> =
    target.mode === 'create'
      ? { unitId: target.unit, roles: grantable.includes('contact') ? ['contact'] : [], mode: 'initial_password', username: '', displayName: '', email: '', mobile: '' }
      : {
          displayName: target.user.displayName,
          email: target.user.email ?? '',
          mobile: target.user.mobile ?? '',
          roles: target.user.roles,
        };

  return (
    <Drawer
      open
      size={520}
      title={target.mode === 'create' ? t('users.createTitle') : t('users.editTitle', { name: target.user.displayName })}
      onClose={onClose}
      destroyOnHidden
      footer={
        <Space style={{ display: 'flex', justifyContent: 'flex-end' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="user-form-submit">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form<UserFormValues> form={form} layout="vertical" data-testid="user-form" initialValues={initialValues} onFinish={(values) => save.mutate(values)}>
        {target.mode === 'create' ? (
          <>
            <Form.Item name="unitId" label={label('unitId')} rules={[{ required: true, message: validationText('required', 'unitId', language) }]}>
              <UnitPicker style={{ width: '100%' }} placeholder={t('users.unitFilterPlaceholder')} />
            </Form.Item>
            <Form.Item
              name="username"
              label={label('username')}
              extra={t('users.usernameHint')}
              rules={contractRules(fields.username, 'username', language, { required: true })}
            >
              <Input maxLength={64} autoComplete="off" />
            </Form.Item>
          </>
        ) : (
          <Form.Item label={label('username')}>
            <Input value={target.user.username} disabled />
          </Form.Item>
        )}
        <Form.Item name="displayName" label={label('displayName')} rules={contractRules(fields.displayName, 'displayName', language, { required: true })}>
          <Input maxLength={50} autoComplete="off" disabled={detailsLocked} />
        </Form.Item>
        <Form.Item name="email" label={label('email')} rules={contractRules(fields.email, 'email', language)}>
          <Input maxLength={200} type="email" autoComplete="off" disabled={detailsLocked} />
        </Form.Item>
        <Form.Item name="mobile" label={label('mobile')} rules={contractRules(fields.mobile, 'mobile', language)}>
          <Input maxLength={40} autoComplete="off" disabled={detailsLocked} />
        </Form.Item>
        {isSelf && <Alert type="info" showIcon title={t('users.selfLimited')} style={{ marginBottom: 16 }} />}
        {detailsLocked && <Alert type="info" showIcon title={t('users.securityOnly')} style={{ marginBottom: 16 }} />}
        {grantable.some((role) => role.endsWith('_admin') && role !== 'unit_admin') && (
          <Alert type="info" showIcon title={t('users.separationHint')} style={{ marginBottom: 16 }} />
        )}
        {grantable.length === 0 && <Alert type="warning" showIcon title={t('users.noGrantableRoles')} style={{ marginBottom: 16 }} />}
        <Form.Item
          name="roles"
          label={label('roles')}
          extra={t('users.rolesHint')}
          rules={[{ required: true, type: 'array', min: 1, message: validationText('required', 'roles', language) }]}
        >
          <Checkbox.Group options={roleOptions} />
        </Form.Item>
        {target.mode === 'create' && (
          <Form.Item name="mode" label={t('users.mode')}>
            <Radio.Group>
              <Space orientation="vertical">
                <Radio value="initial_password">{t('users.modeInitialPassword')}</Radio>
                <Radio value="activation_link">{t('users.modeActivationLink')}</Radio>
              </Space>
            </Radio.Group>
          </Form.Item>
        )}
      </Form>
    </Drawer>
  );
}
