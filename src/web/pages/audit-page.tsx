import { SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import type { AuditEntry, AuditList } from '../api/types';
import { useLanguage } from '../app/language';
import { ForbiddenResult } from '../components/status-pages';
import { useErrorText } from '../lib/errors';
import { formatDateTime } from '../lib/labels';
import { auditRoles, hasAnyRole, useRequiredSession } from '../session/session';

/** Audit action codes with labels in the UI resources; others are shown as their code. */
const knownActions = [
  'session.sign_in',
  'session.sign_out',
  'session.sign_out_everywhere',
  'account.change_password',
  'account.activate',
  'unit.create',
  'unit.update',
  'unit.rename',
  'unit.move',
  'unit.deactivate',
  'unit.reactivate',
  'unit.import',
  'user.create',
  'user.update',
  'user.reset_password',
  'user.bulk_create',
  'user.unlock',
  'user.reset_totp',
  'account.totp_enrolment_start',
  'account.totp_enable',
  'account.totp_disable',
  'account.totp_recovery_codes',
] as const;

interface AuditFilters {
  q?: string;
  action?: string;
  outcome?: 'success' | 'failure';
  range?: [Dayjs | null, Dayjs | null] | null;
}

interface AppliedFilters {
  q?: string | undefined;
  action?: string | undefined;
  outcome?: 'success' | 'failure' | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export default function AuditPage() {
  const session = useRequiredSession();
  if (!hasAnyRole(session, auditRoles)) return <ForbiddenResult />;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {hasAnyRole(session, ['audit_admin']) && <ChainVerification />}
      <AuditLog />
    </Space>
  );
}

interface ChainReport {
  ok: boolean;
  rows: number;
  firstBroken: { id: string | null; reason: string } | null;
}

/** 安全审计员: recompute the audit log's hash chain on demand. */
function ChainVerification() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const verify = useMutation({ mutationFn: () => api.get<ChainReport>('/audit/verify') });
  return (
    <Card size="small">
      <Space wrap>
        <Button onClick={() => verify.mutate()} loading={verify.isPending} data-testid="audit-verify">
          {t('audit.verify')}
        </Button>
        {verify.data && (
          <Tag color={verify.data.ok ? 'green' : 'red'} data-testid="audit-verify-result">
            {verify.data.ok
              ? t('audit.verifyOk', { rows: verify.data.rows })
              : t('audit.verifyBroken', { id: verify.data.firstBroken?.id ?? '—', reason: verify.data.firstBroken?.reason ?? '' })}
          </Tag>
        )}
        {verify.error && <Typography.Text type="danger">{errorText(verify.error)}</Typography.Text>}
      </Space>
    </Card>
  );
}

function AuditLog() {
  const { t, i18n } = useTranslation();
  const { language } = useLanguage();
  const errorText = useErrorText();
  const [form] = Form.useForm<AuditFilters>();
  const [filters, setFilters] = useState<AppliedFilters>({});
  const [pagination, setPagination] = useState({ page: 1, pageSize: 50 });

  const actionLabel = (code: string) => {
    const key = `audit.actions.${code}`;
    return i18n.exists(key) ? (t(key as 'audit.title') as string) : code;
  };

  const targetLabel = (type: string) => {
    const key = `audit.targetTypes.${type}`;
    return i18n.exists(key) ? (t(key as 'audit.title') as string) : type;
  };

  const list = useQuery({
    queryKey: ['audit', filters, pagination],
    queryFn: () => api.get<AuditList>('/audit', { query: { ...filters, page: pagination.page, pageSize: pagination.pageSize } }),
    placeholderData: keepPreviousData,
  });

  if (list.error instanceof ApiError && list.error.status === 403) return <ForbiddenResult title={t('audit.forbidden')} />;

  const apply = (values: AuditFilters) => {
    const [start, end] = values.range ?? [null, null];
    setFilters({
      q: values.q?.trim() || undefined,
      action: values.action || undefined,
      outcome: values.outcome,
      // ISO 8601 with the browser's offset, as the API wants (e.g. 2026-05-30T00:00:00+08:00).
      from: start ? start.startOf('day').format() : undefined,
      to: end ? end.endOf('day').format() : undefined,
    });
    setPagination((p) => ({ ...p, page: 1 }));
  };

  const columns: TableColumnsType<AuditEntry> = [
    { key: 'occurredAt', dataIndex: 'occurredAt', title: t('audit.time'), width: 180, render: (v: string) => formatDateTime(v, language) },
    {
      key: 'actor',
      title: t('audit.actor'),
      render: (_: unknown, e) => (
        <span>
          {e.actorUsername ?? '—'}
          {e.actorUnitName && (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {e.actorUnitName}
            </Typography.Text>
          )}
        </span>
      ),
    },
    {
      key: 'action',
      dataIndex: 'action',
      title: t('audit.action'),
      render: (code: string) => (
        <span title={code} data-action={code}>
          {actionLabel(code)}
        </span>
      ),
    },
    { key: 'unit', dataIndex: 'unitName', title: t('audit.unit'), render: (v: string | null) => v ?? '—' },
    {
      key: 'target',
      title: t('audit.target'),
      render: (_: unknown, e) => (e.targetType ? `${targetLabel(e.targetType)}${e.targetId ? ` #${e.targetId}` : ''}` : '—'),
    },
    {
      key: 'outcome',
      dataIndex: 'outcome',
      title: t('audit.outcome'),
      width: 90,
      render: (v: AuditEntry['outcome']) => (v === 'success' ? <Tag color="green">{t('audit.success')}</Tag> : <Tag color="red">{t('audit.failure')}</Tag>),
    },
    { key: 'ip', dataIndex: 'ip', title: t('audit.ip'), width: 140, render: (v: string | null) => v ?? '—' },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('audit.title')}
      </Typography.Title>
      <Card size="small">
        <Form<AuditFilters> form={form} layout="inline" onFinish={apply} data-testid="audit-filters" style={{ rowGap: 8 }}>
          <Form.Item name="q">
            <Input allowClear placeholder={t('audit.searchPlaceholder')} style={{ width: 220 }} maxLength={100} />
          </Form.Item>
          <Form.Item name="action">
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('audit.actionPlaceholder')}
              style={{ width: 200 }}
              options={knownActions.map((code) => ({ value: code, label: actionLabel(code) }))}
            />
          </Form.Item>
          <Form.Item name="outcome">
            <Select
              allowClear
              placeholder={t('audit.outcomePlaceholder')}
              style={{ width: 130 }}
              options={[
                { value: 'success', label: t('audit.success') },
                { value: 'failure', label: t('audit.failure') },
              ]}
            />
          </Form.Item>
          <Form.Item name="range">
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
                {t('common.search')}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  apply({});
                }}
              >
                {t('common.reset')}
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      {list.isError && <Typography.Text type="danger">{errorText(list.error)}</Typography.Text>}
      <div data-testid="audit-table">
        <Table<AuditEntry>
          rowKey="id"
          size="small"
          loading={list.isFetching}
          columns={columns}
          dataSource={list.data?.items ?? []}
          expandable={{
            expandedRowRender: (e) =>
              Object.keys(e.details).length === 0 ? (
                <Typography.Text type="secondary">{t('audit.noDetails')}</Typography.Text>
              ) : (
                <pre className="hj-json" data-testid="audit-details">
                  {JSON.stringify(e.details, null, 2)}
                </pre>
              ),
          }}
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
    </Space>
  );
}
