import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Col, Form, Input, Modal, Radio, Row, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState, type Key } from 'react';
import { useTranslation } from 'react-i18next';
import { bulkCreateUsersBody } from '../../../shared/contracts/users';
import type { Role } from '../../../shared/domain/roles';
import { api } from '../../api/client';
import { fetchChildUnits, unitKeys } from '../../api/units';
import type { BulkCreateResult, UnitDetail, UnitSummary } from '../../api/types';
import { useLanguage } from '../../app/language';
import { csvBlob } from '../../lib/csv';
import { saveBlob } from '../../lib/download';
import { useErrorText, useReportError } from '../../lib/errors';
import { formatDateTime, roleLabel, unitTypeLabel } from '../../lib/labels';
import { contractRules, labelOf } from '../../lib/validation';
import { grantableRolesOf, useRequiredSession } from '../../session/session';

interface BulkValues {
  role: Role;
  mode: 'initial_password' | 'activation_link';
  usernamePrefix: string;
  skipUnitsWithRole: boolean;
}

type Created = BulkCreateResult['created'][number];

function timestamp(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}`;
}

/** 为下级开通账户: one account per chosen subordinate unit; the credentials once, as a table and CSV. */
export function BulkAccountsModal({ unit, onClose }: { unit: UnitDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const session = useRequiredSession();
  const errorText = useErrorText();
  const reportError = useReportError();
  const [form] = Form.useForm<BulkValues>();
  const [selected, setSelected] = useState<Key[]>([]);
  const [result, setResult] = useState<BulkCreateResult | null>(null);
  const grantable = grantableRolesOf(session);
  const defaultRole: Role | undefined = grantable.includes('contact') ? 'contact' : grantable[0];

  const children = useQuery({
    queryKey: unitKeys.children(unit.id, false),
    queryFn: () => fetchChildUnits(unit.id, false),
  });

  const create = useMutation({
    mutationFn: (values: BulkValues) =>
      api.post<BulkCreateResult>('/users/bulk', {
        unitIds: selected.map(Number),
        role: values.role,
        mode: values.mode,
        usernamePrefix: (values.usernamePrefix ?? '').trim().toLowerCase(),
        skipUnitsWithRole: values.skipUnitsWithRole,
      }),
    onSuccess: setResult,
    onError: (error) => reportError(error, form),
  });

  const downloadCsv = () => {
    if (!result) return;
    const rows = [
      [t('bulk.unit'), t('bulk.username'), t('bulk.initialPassword'), t('bulk.activationUrl'), t('bulk.activationExpiresAt')],
      ...result.created.map((c) => [
        c.unitName,
        c.username,
        c.initialPassword ? { exact: c.initialPassword } : '',
        c.activationUrl ?? '',
        c.activationExpiresAt ? formatDateTime(c.activationExpiresAt, language) : '',
      ]),
    ];
    saveBlob(csvBlob(rows), `${t('bulk.csvFilename')}-${unit.shortName}-${timestamp()}.csv`);
  };

  const unitColumns: TableColumnsType<UnitSummary> = [
    { key: 'shortName', dataIndex: 'shortName', title: t('bulk.shortName') },
    { key: 'type', dataIndex: 'type', title: t('bulk.type'), render: (type: string) => unitTypeLabel(type, language) },
    { key: 'regionCode', dataIndex: 'regionCode', title: labelOf('regionCode', language), render: (code: string | null) => code ?? '—' },
  ];

  const createdColumns: TableColumnsType<Created> = [
    { key: 'unitName', dataIndex: 'unitName', title: t('bulk.unit') },
    { key: 'username', dataIndex: 'username', title: t('bulk.username'), render: (v: string) => <Typography.Text copyable>{v}</Typography.Text> },
    result?.created.some((c) => c.initialPassword)
      ? {
          key: 'initialPassword',
          dataIndex: 'initialPassword',
          title: t('bulk.initialPassword'),
          render: (v: string | undefined) => (v ? <Typography.Text className="hj-secret" copyable>{v}</Typography.Text> : null),
        }
      : {
          key: 'activationUrl',
          dataIndex: 'activationUrl',
          title: t('bulk.activationUrl'),
          render: (v: string | undefined) => (v ? <Typography.Text copyable={{ text: v }} ellipsis={{ tooltip: v }} style={{ maxWidth: 360 }}>{v}</Typography.Text> : null),
        },
  ];

  if (result) {
    return (
      <Modal
        open
        width={900}
        title={t('bulk.resultTitle', { created: result.created.length, skipped: result.skipped.length })}
        onCancel={onClose}
        mask={{ closable: false }}
        footer={[
          <Button key="csv" type="primary" icon={<DownloadOutlined />} onClick={downloadCsv} disabled={result.created.length === 0} data-testid="bulk-download-csv">
            {t('bulk.downloadCsv')}
          </Button>,
          <Button key="close" onClick={onClose}>
            {t('common.close')}
          </Button>,
        ]}
      >
        <div data-testid="bulk-result">
          {result.created.length > 0 && <Alert type="warning" showIcon title={t('bulk.resultWarning')} style={{ marginBottom: 16 }} />}
          <Table<Created>
            size="small"
            rowKey="username"
            columns={createdColumns}
            dataSource={result.created}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            data-testid="bulk-created-table"
          />
          {result.skipped.length > 0 && (
            <>
              <Typography.Title level={5}>{t('bulk.skippedTitle')}</Typography.Title>
              <Table
                size="small"
                rowKey="unitId"
                dataSource={result.skipped}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                columns={[
                  { key: 'unitName', dataIndex: 'unitName', title: t('bulk.unit') },
                  { key: 'reason', dataIndex: 'reason', title: t('bulk.reason') },
                ]}
              />
            </>
          )}
        </div>
      </Modal>
    );
  }

  return (
    <Modal
      open
      width={860}
      title={t('bulk.title', { unit: unit.shortName })}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button
          key="submit"
          type="primary"
          data-testid="bulk-submit"
          disabled={selected.length === 0 || !defaultRole}
          loading={create.isPending}
          onClick={() => form.submit()}
        >
          {t('bulk.submit', { count: selected.length })}
        </Button>,
      ]}
    >
      <Typography.Paragraph type="secondary">{t('bulk.intro')}</Typography.Paragraph>
      {children.isError && <Alert type="error" showIcon title={errorText(children.error)} style={{ marginBottom: 16 }} />}
      <Typography.Text strong>{t('bulk.childUnits')}</Typography.Text>{' '}
      <Tag>{t('bulk.selected', { count: selected.length })}</Tag>
      <div data-testid="bulk-units-table" style={{ margin: '8px 0 16px' }}>
        <Table<UnitSummary>
          size="small"
          rowKey="id"
          loading={children.isPending}
          columns={unitColumns}
          dataSource={children.data ?? []}
          rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys), preserveSelectedRowKeys: true }}
          pagination={false}
          scroll={{ y: 280 }}
          locale={{ emptyText: t('bulk.noChildren') }}
        />
      </div>
      <Form<BulkValues>
        form={form}
        layout="vertical"
        data-testid="bulk-form"
        initialValues={{ role: defaultRole, mode: 'initial_password', usernamePrefix: '', skipUnitsWithRole: true }}
        onFinish={(values) => create.mutate(values)}
      >
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="role" label={t('bulk.role')} rules={[{ required: true }]}>
              <Select options={grantable.map((role) => ({ value: role, label: roleLabel(role, language) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="usernamePrefix"
              label={t('bulk.usernamePrefix')}
              extra={t('bulk.usernamePrefixHint')}
              rules={contractRules(bulkCreateUsersBody.shape.usernamePrefix, 'usernamePrefix', language)}
            >
              <Input maxLength={20} autoComplete="off" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="mode" label={t('bulk.mode')}>
          <Radio.Group
            options={[
              { value: 'initial_password', label: t('users.modeInitialPassword') },
              { value: 'activation_link', label: t('users.modeActivationLink') },
            ]}
          />
        </Form.Item>
        <Form.Item name="skipUnitsWithRole" valuePropName="checked">
          <Checkbox>{t('bulk.skipUnitsWithRole')}</Checkbox>
        </Form.Item>
      </Form>
      {selected.length === 0 && (
        <Space>
          <Typography.Text type="secondary">{t('bulk.noneSelected')}</Typography.Text>
        </Space>
      )}
    </Modal>
  );
}
