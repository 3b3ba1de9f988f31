import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Card, Select, Space, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { z } from 'zod';
import type { demandListView } from '../../../shared/contracts/demands';
import { demandStatuses, type DemandStatus } from '../../../shared/domain/demands';
import { api } from '../../api/client';
import { useErrorText } from '../../lib/errors';

type ListView = z.infer<typeof demandListView>;
type Item = ListView['items'][number];
export const demandStatusColors: Record<DemandStatus, string> = { submitted: 'warning', accepted: 'processing', answered: 'success' };
export const chinaTime = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

/** /demand-desk — 诉求办理: the demands of the caller's subtree, those its unit handles first to act on. */
export default function DemandsPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [status, setStatus] = useState<DemandStatus | undefined>();
  const [mine, setMine] = useState(false);
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['demands', status, mine, page],
    queryFn: () => api.get<ListView>('/demands', { query: { status, mine, page, pageSize: 20 } }),
    placeholderData: keepPreviousData,
  });
  const columns: TableColumnsType<Item> = [
    { title: t('demands.desk.category'), dataIndex: 'category', width: 110, render: (v: Item['category']) => t(`demands.categories.${v}`) },
    { title: t('demands.desk.region'), dataIndex: 'regionName', width: 100 },
    { title: t('demands.desk.excerpt'), dataIndex: 'excerpt', render: (v: string, item) => <Link to={`/demand-desk/${item.id}`} data-testid="demand-row-link">{v}</Link> },
    { title: t('demands.desk.unit'), dataIndex: 'unitName', width: 150 },
    {
      title: t('demands.desk.status'),
      width: 170,
      render: (_, item) => (
        <Space size={4} wrap>
          <Tag color={demandStatusColors[item.status]} data-testid="demand-row-status">
            {t(`demands.statuses.${item.status}`)}
          </Tag>
          {item.overdue && <Tag color="error">{t('demands.desk.overdue')}</Tag>}
          {item.escalations > 0 && <Tag color="volcano">{t('demands.desk.escalated', { n: item.escalations })}</Tag>}
        </Space>
      ),
    },
    { title: t('demands.desk.dueAt'), dataIndex: 'dueAt', width: 140, render: (v: string | null) => (v ? chinaTime(v) : t('common.none')) },
    { title: t('demands.desk.submittedAt'), dataIndex: 'submittedAt', width: 140, render: (v: string) => chinaTime(v) },
  ];
  return (
    <Card
      title={t('demands.desk.title')}
      extra={
        <Space>
          <Link to="/demand-desk/statistics" data-testid="demand-statistics-link">
            {t('demands.desk.statistics')}
          </Link>
          <Typography.Link href="/demands" target="_blank" rel="noreferrer">
            {t('demands.desk.publicLink')}
          </Typography.Link>
        </Space>
      }
      data-testid="demands-page"
    >
      <Space style={{ marginBottom: 12 }} wrap>
        <Select
          allowClear
          placeholder={t('demands.desk.allStatuses')}
          style={{ width: 160 }}
          value={status}
          onChange={(v: DemandStatus | undefined) => {
            setStatus(v);
            setPage(1);
          }}
          options={demandStatuses.map((s) => ({ value: s, label: t(`demands.statuses.${s}`) }))}
        />
        <Space>
          <Switch
            checked={mine}
            onChange={(v) => {
              setMine(v);
              setPage(1);
            }}
            data-testid="demands-mine"
          />
          {t('demands.desk.mine')}
        </Space>
      </Space>
      {list.error ? (
        <Alert type="error" showIcon message={errorText(list.error)} />
      ) : (
        <Table<Item>
          rowKey="id"
          size="middle"
          loading={list.isFetching}
          columns={columns}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: t('demands.desk.empty') }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
          scroll={{ x: 900 }}
        />
      )}
    </Card>
  );
}
