import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Select, Space, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { noticeStatuses } from '../../../shared/contracts/notices';
import { campaignKeys, fetchCampaign } from '../../api/campaigns';
import { fetchNotices, noticeKeys } from '../../api/notices';
import type { NoticeStatus, NoticeSummary } from '../../api/types';
import { useLanguage } from '../../app/language';
import { ForbiddenResult } from '../../components/status-pages';
import { chinaDay, formatDay } from '../../lib/dates';
import { useErrorText } from '../../lib/errors';
import { formatDateTime } from '../../lib/labels';
import { campaignManagerRoles, hasAnyRole, unitsWithRole, useRequiredSession } from '../../session/session';
import { NoticeKindTag, NoticeStatusTag } from './notice-labels';

const positive = (text: string | null) => {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** 发文: the notices my units issued (drafts included), with the way to draft a new one. */
export default function NoticesPage() {
  const session = useRequiredSession();
  if (!hasAnyRole(session, campaignManagerRoles)) return <ForbiddenResult />;
  return <NoticeList />;
}

function NoticeList() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const session = useRequiredSession();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const [params, setParams] = useSearchParams();
  const [pagination, setPagination] = useState({ page: 1, pageSize: 20 });
  const units = unitsWithRole(session, campaignManagerRoles);
  const status = noticeStatuses.find((s) => s === params.get('status'));
  const issuerUnitId = positive(params.get('issuerUnitId'));
  const campaignId = positive(params.get('campaignId'));
  const campaign = useQuery({ queryKey: campaignKeys.detail(campaignId ?? 0), queryFn: () => fetchCampaign(campaignId!), enabled: !!campaignId });
  const query = { status, issuerUnitId, campaignId, page: pagination.page, pageSize: pagination.pageSize };
  const list = useQuery({ queryKey: noticeKeys.list(query), queryFn: () => fetchNotices(query), placeholderData: keepPreviousData });

  const setFilter = (key: string, value: string | number | undefined) => {
    setPagination((p) => ({ ...p, page: 1 }));
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (value === undefined) next.delete(key);
        else next.set(key, String(value));
        return next;
      },
      { replace: true },
    );
  };

  const columns: TableColumnsType<NoticeSummary> = [
    { key: 'documentNumber', dataIndex: 'documentNumber', title: t('notices.documentNumber'), width: 200, render: (v: string | null) => v ?? t('common.none') },
    {
      key: 'title',
      title: t('notices.title'),
      render: (_: unknown, n) => (
        <Space size={4} wrap>
          <NoticeKindTag kind={n.kind} />
          <Link to={n.status === 'draft' ? `/notices/${n.id}/edit` : `/notices/${n.id}`} data-testid="notice-link">
            {n.title}
          </Link>
        </Space>
      ),
    },
    { key: 'issuer', dataIndex: 'issuerName', title: t('notices.issuer'), width: 150 },
    { key: 'status', title: t('notices.status'), width: 100, render: (_: unknown, n) => <NoticeStatusTag status={n.status} /> },
    { key: 'issuedAt', title: t('notices.issuedAt'), width: 180, render: (_: unknown, n) => (n.issuedAt ? formatDateTime(n.issuedAt, language) : t('common.none')) },
    { key: 'nextDeadline', title: t('notices.nextDeadline'), width: 140, render: (_: unknown, n) => (n.nextDeadline ? formatDay(chinaDay(n.nextDeadline), language) : t('common.none')) },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 140,
      render: (_: unknown, n) => (
        <Space size={0}>
          {n.status === 'draft' ? (
            <Link to={`/notices/${n.id}/edit`}>
              <Button type="link" size="small">
                {t('common.edit')}
              </Button>
            </Link>
          ) : (
            <Link to={`/notices/${n.id}/cascade`}>
              <Button type="link" size="small">
                {t('notices.cascade')}
              </Button>
            </Link>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('notices.listTitle')}
      </Typography.Title>
      <Card size="small">
        <Space wrap size="middle">
          <Select<NoticeStatus | 'all'>
            data-testid="notices-status-filter"
            style={{ width: 140 }}
            value={status ?? 'all'}
            options={[{ value: 'all' as const, label: t('notices.allStatuses') }, ...noticeStatuses.map((s) => ({ value: s, label: t(`noticeStatus.${s}`) }))]}
            onChange={(value) => setFilter('status', value === 'all' ? undefined : value)}
          />
          {units.length > 1 && (
            <Select<number | 'all'>
              style={{ width: 220 }}
              value={issuerUnitId ?? 'all'}
              options={[{ value: 'all' as const, label: t('notices.allIssuers') }, ...units.map((u) => ({ value: u.id, label: u.name }))]}
              onChange={(value) => setFilter('issuerUnitId', value === 'all' ? undefined : value)}
            />
          )}
          {campaignId && (
            <Button onClick={() => setFilter('campaignId', undefined)}>
              {t('notices.campaignFilter', { theme: campaign.data?.theme ?? campaignId })} ✕
            </Button>
          )}
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label={t('common.refresh')} />
          </Tooltip>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            data-testid="notice-create"
            onClick={() => void navigate(campaignId ? `/notices/new?campaignId=${campaignId}` : '/notices/new')}
          >
            {t('notices.create')}
          </Button>
        </Space>
      </Card>
      {list.isError && <Alert type="error" showIcon title={errorText(list.error)} />}
      <Table<NoticeSummary>
        data-testid="notices-table"
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1100 }}
        onRow={() => ({ 'data-testid': 'notice-row' }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: t('notices.empty') }}
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
