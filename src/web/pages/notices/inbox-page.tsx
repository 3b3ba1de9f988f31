import { ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Badge, Button, Card, Segmented, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { fetchInbox, noticeKeys, type InboxState } from '../../api/notices';
import type { InboxItem } from '../../api/types';
import { useLanguage } from '../../app/language';
import { ForbiddenResult } from '../../components/status-pages';
import { chinaDay, formatDay } from '../../lib/dates';
import { useErrorText } from '../../lib/errors';
import { formatDateTime } from '../../lib/labels';
import { acknowledgeRoles, hasAnyRole, useRequiredSession } from '../../session/session';
import { NoticeKindTag } from './notice-labels';

const states: InboxState[] = ['all', 'unread', 'read', 'acknowledged'];

/** 收文: notices my units received, unread first in weight; opening one marks it read. */
export default function InboxPage() {
  const session = useRequiredSession();
  if (!hasAnyRole(session, acknowledgeRoles)) return <ForbiddenResult />;
  return <Inbox />;
}

function Inbox() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const errorText = useErrorText();
  const [params, setParams] = useSearchParams();
  const [pagination, setPagination] = useState({ page: 1, pageSize: 20 });
  const state = states.find((s) => s === params.get('state')) ?? 'all';
  const list = useQuery({
    queryKey: noticeKeys.inbox(state, pagination.page, pagination.pageSize),
    queryFn: () => fetchInbox(state, pagination.page, pagination.pageSize),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const units = new Set((list.data?.items ?? []).map((i) => i.unitId));

  const columns: TableColumnsType<InboxItem> = [
    {
      key: 'title',
      title: t('notices.title'),
      render: (_: unknown, n) => (
        <Space size={4} wrap>
          {!n.readAt && <Badge status="processing" />}
          <NoticeKindTag kind={n.kind} />
          <Link to={`/notices/${n.id}`} data-testid="inbox-link" style={n.readAt ? undefined : { fontWeight: 600 }}>
            {n.title}
          </Link>
          {n.status === 'withdrawn' && <Tag color="red">{t('noticeStatus.withdrawn')}</Tag>}
        </Space>
      ),
    },
    { key: 'documentNumber', dataIndex: 'documentNumber', title: t('notices.documentNumber'), width: 190, render: (v: string | null) => v ?? t('common.none') },
    { key: 'issuer', dataIndex: 'issuerName', title: t('notices.issuer'), width: 140 },
    ...(units.size > 1 ? [{ key: 'unit', dataIndex: 'unitName', title: t('inbox.receivedBy'), width: 140 }] : []),
    { key: 'issuedAt', title: t('inbox.receivedAt'), width: 170, render: (_: unknown, n) => (n.issuedAt ? formatDateTime(n.issuedAt, language) : t('common.none')) },
    { key: 'nextDeadline', title: t('notices.nextDeadline'), width: 130, render: (_: unknown, n) => (n.nextDeadline ? formatDay(chinaDay(n.nextDeadline), language) : t('common.none')) },
    {
      key: 'state',
      title: t('inbox.state'),
      width: 110,
      render: (_: unknown, n) =>
        n.forwardedNoticeId ? (
          <Tag color="purple">{t('receiptStatus.forwarded')}</Tag>
        ) : n.acknowledgedAt ? (
          <Tag color="green">{t('receiptStatus.acknowledged')}</Tag>
        ) : n.readAt ? (
          <Tag color="blue">{t('receiptStatus.read')}</Tag>
        ) : (
          <Tag>{t('receiptStatus.delivered')}</Tag>
        ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('inbox.title')}
        {list.data && list.data.unread > 0 && (
          <Typography.Text type="secondary" style={{ fontSize: 14, marginLeft: 12 }} data-testid="inbox-unread">
            {t('inbox.unreadCount', { count: list.data.unread })}
          </Typography.Text>
        )}
      </Typography.Title>
      <Card size="small">
        <Space wrap>
          <Segmented<InboxState>
            data-testid="inbox-state"
            value={state}
            options={states.map((s) => ({ value: s, label: t(`inbox.states.${s}`) }))}
            onChange={(value) => {
              setPagination((p) => ({ ...p, page: 1 }));
              setParams(value === 'all' ? {} : { state: value }, { replace: true });
            }}
          />
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label={t('common.refresh')} />
          </Tooltip>
        </Space>
      </Card>
      {list.isError && <Alert type="error" showIcon title={errorText(list.error)} />}
      <Table<InboxItem>
        data-testid="inbox-table"
        rowKey={(n) => `${n.id}:${n.unitId}`}
        size="middle"
        loading={list.isFetching && !list.data}
        columns={columns}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1000 }}
        rowClassName={(n) => (n.readAt ? '' : 'hj-row-unread')}
        onRow={() => ({ 'data-testid': 'inbox-row' }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: t('inbox.empty') }}
        pagination={{
          current: pagination.page,
          pageSize: pagination.pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          showTotal: (total) => t('common.total', { count: total }),
          onChange: (page, pageSize) => setPagination({ page: pageSize === pagination.pageSize ? page : 1, pageSize }),
        }}
      />
    </Space>
  );
}
