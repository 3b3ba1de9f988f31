import { ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Result, Segmented, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { fetchOutbox, supervisionKeys, type OutboxStatus } from '../../api/supervision';
import type { OutboxItem } from '../../api/types';
import { useLanguage } from '../../app/language';
import { useErrorText } from '../../lib/errors';
import { formatDateTime } from '../../lib/labels';

const statusColors: Record<OutboxStatus, string> = { queued: 'gold', sent: 'green', failed: 'red' };

/** /outbox — system administrators: the mail the platform sent, is waiting to send, or failed to. */
export default function OutboxPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const errorText = useErrorText();
  const [status, setStatus] = useState<OutboxStatus | 'all'>('all');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const list = useQuery({
    queryKey: supervisionKeys.outbox(status === 'all' ? null : status, page, pageSize),
    queryFn: () => fetchOutbox(status === 'all' ? null : status, page, pageSize),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });

  if (list.isError && !list.data) {
    const code = list.error instanceof ApiError ? list.error.status : 0;
    return <Result status={code === 403 ? '403' : 'error'} title={errorText(list.error)} />;
  }

  const columns: TableColumnsType<OutboxItem> = [
    { key: 'to', dataIndex: 'toAddress', title: t('outbox.to'), width: 220 },
    { key: 'subject', dataIndex: 'subject', title: t('outbox.subject') },
    {
      key: 'status',
      title: t('outbox.status'),
      width: 110,
      render: (_: unknown, m) => (
        <Tag color={statusColors[m.status]} data-status={m.status}>
          {t(`outbox.statuses.${m.status}`)}
        </Tag>
      ),
    },
    { key: 'attempts', dataIndex: 'attempts', title: t('outbox.attempts'), width: 80, align: 'right' },
    { key: 'createdAt', title: t('outbox.createdAt'), width: 170, render: (_: unknown, m) => formatDateTime(m.createdAt, language) },
    {
      key: 'sentAt',
      title: t('outbox.sentAt'),
      width: 170,
      render: (_: unknown, m) =>
        m.sentAt ? formatDateTime(m.sentAt, language) : m.status === 'sent' ? '—' : <Typography.Text type="secondary">{t('outbox.nextAttempt', { time: formatDateTime(m.nextAttemptAt, language) })}</Typography.Text>,
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="outbox-page">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('outbox.title')}
      </Typography.Title>
      {list.data && (
        <Alert
          type={list.data.smtpConfigured ? 'success' : 'warning'}
          showIcon
          data-testid="outbox-smtp"
          data-configured={list.data.smtpConfigured ? 'true' : 'false'}
          title={list.data.smtpConfigured ? t('outbox.smtpConfigured') : t('outbox.smtpMissing')}
        />
      )}
      <Card size="small">
        <Space wrap>
          <Segmented<OutboxStatus | 'all'>
            value={status}
            data-testid="outbox-status"
            onChange={(value) => {
              setStatus(value);
              setPage(1);
            }}
            options={(['all', 'queued', 'sent', 'failed'] as const).map((s) => ({ value: s, label: t(`outbox.statuses.${s}`) }))}
          />
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => void list.refetch()} />
          </Tooltip>
        </Space>
      </Card>
      <Table<OutboxItem>
        data-testid="outbox-table"
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data?.items ?? []}
        onRow={(m) => ({ 'data-testid': 'outbox-row', 'data-status': m.status }) as HTMLAttributes<HTMLElement>}
        expandable={{
          expandedRowRender: (m) => (
            <Space orientation="vertical" style={{ width: '100%' }}>
              {m.lastError && <Alert type="error" showIcon title={t('outbox.lastError', { error: m.lastError })} />}
              <pre className="hj-mail-sample" data-testid="outbox-body">
                {m.textBody}
              </pre>
            </Space>
          ),
        }}
        scroll={{ x: 1000 }}
        locale={{ emptyText: t('outbox.empty') }}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { count: total }),
          onChange: (next, size) => {
            setPage(size !== pageSize ? 1 : next);
            setPageSize(size);
          },
        }}
      />
    </Space>
  );
}
