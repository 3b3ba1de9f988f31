import { ArrowLeftOutlined, DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Progress, Result, Space, Spin, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useCallback, useMemo, useState, type HTMLAttributes, type Key } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { fetchCascade, fetchNotice, noticeKeys, noticeLinks, type CascadeFilter } from '../../api/notices';
import type { CascadeNode, CascadeView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { useErrorText } from '../../lib/errors';
import { formatDateTime, unitTypeLabel } from '../../lib/labels';
import { ReceiptStatusTag } from './notice-labels';

export interface CascadeRow extends CascadeNode {
  key: string;
  children?: CascadeRow[];
}

const filters: CascadeFilter[] = ['all', 'not_acknowledged', 'not_read'];

/**
 * The cascade as a tree: each unit under the unit it was reached through. Built once per response
 * with a Map (a national notice reaches ~3,400 units). A child is attached to the node that
 * forwarded the notice it received; units reached directly from the issuer are the roots.
 */
export function buildCascadeTree(nodes: readonly CascadeNode[]): CascadeRow[] {
  const rows = nodes.map((node): CascadeRow => ({ ...node, key: `${node.noticeId}:${node.unitId}` }));
  const byForward = new Map<number, CascadeRow>();
  const byUnit = new Map<number, CascadeRow>();
  for (const row of rows) {
    if (row.forwardedNoticeId !== null) byForward.set(row.forwardedNoticeId, row);
    if (!byUnit.has(row.unitId)) byUnit.set(row.unitId, row);
  }
  const roots: CascadeRow[] = [];
  for (const row of rows) {
    const parent = row.parentUnitId === null ? undefined : (byForward.get(row.noticeId) ?? byUnit.get(row.parentUnitId));
    if (parent && parent !== row) (parent.children ??= []).push(row);
    else roots.push(row);
  }
  return roots;
}

/** From this many units on, the table renders virtually (only the rows in sight). */
const virtualFrom = 600;

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 100));

/** 下发情况: who received the notice, down every forward, and who has read, signed, forwarded. */
export default function CascadePage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const [params, setParams] = useSearchParams();
  const filter = filters.find((f) => f === params.get('filter')) ?? 'all';
  const notice = useQuery({ queryKey: noticeKeys.detail(id), queryFn: () => fetchNotice(id), enabled: valid });
  const cascade = useQuery({
    queryKey: noticeKeys.cascade(id, filter),
    queryFn: () => fetchCascade(id, filter),
    enabled: valid,
    placeholderData: keepPreviousData,
  });

  if (!valid) return <Result status="404" title={t('app.notFound')} />;
  if (cascade.isError && !cascade.data) {
    return <Result status={cascade.error instanceof ApiError && cascade.error.status === 403 ? '403' : 'error'} title={errorText(cascade.error)} />;
  }

  const setFilter = (next: CascadeFilter) => setParams(next === 'all' ? {} : { filter: next }, { replace: true });

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('cascade.title')}
          {notice.data && (
            <Typography.Text type="secondary" style={{ fontSize: 14, marginLeft: 12 }}>
              {notice.data.documentNumber ? `${notice.data.documentNumber} ` : ''}
              {notice.data.title}
            </Typography.Text>
          )}
        </Typography.Title>
        <Link to={`/notices/${id}`}>
          <Button icon={<ArrowLeftOutlined />}>{t('cascade.backToNotice')}</Button>
        </Link>
      </Space>
      {cascade.data ? <CascadeTotals view={cascade.data} /> : <Spin />}
      <Card size="small">
        <Space wrap>
          <Space.Compact>
            {filters.map((f) => (
              <Button
                key={f}
                type={filter === f ? 'primary' : 'default'}
                data-testid={`cascade-filter-${f.replace('_', '-')}`}
                onClick={() => setFilter(f)}
              >
                {t(`cascade.filters.${f}`)}
              </Button>
            ))}
          </Space.Compact>
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} onClick={() => void cascade.refetch()} aria-label={t('common.refresh')} />
          </Tooltip>
          <Button icon={<DownloadOutlined />} href={noticeLinks.cascadeXlsx(id, filter)} download data-testid="cascade-export">
            {t('cascade.export')}
          </Button>
        </Space>
      </Card>
      {cascade.isError && <Alert type="error" showIcon title={errorText(cascade.error)} />}
      {cascade.data && <CascadeTable key={filter} view={cascade.data} loading={cascade.isFetching} filtered={filter !== 'all'} />}
    </Space>
  );
}

function CascadeTotals({ view }: { view: CascadeView }) {
  const { t } = useTranslation();
  const { units, read, acknowledged, forwarded } = view.totals;
  return (
    <Card size="small">
      <Space wrap size="large" align="center">
        <Typography.Text strong data-testid="cascade-totals" style={{ fontSize: 16 }}>
          {t('cascade.totals', { units, read, acknowledged, forwarded })}
        </Typography.Text>
        <Space size={4}>
          <span>{t('cascade.readRate')}</span>
          <Progress percent={percent(read, units)} size="small" style={{ width: 140, margin: 0 }} />
        </Space>
        <Space size={4}>
          <span>{t('cascade.ackRate')}</span>
          <Progress percent={percent(acknowledged, units)} size="small" status="normal" strokeColor="#52c41a" style={{ width: 140, margin: 0 }} />
        </Space>
      </Space>
    </Card>
  );
}

function CascadeTable({ view, loading, filtered }: { view: CascadeView; loading: boolean; filtered: boolean }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const tree = useMemo(() => buildCascadeTree(view.nodes), [view.nodes]);
  // A national notice reaches thousands of units: then only the rows in sight are rendered.
  const large = view.nodes.length > virtualFrom;
  // The first level open (who the issuer sent to, and whom they forwarded to); deeper on demand.
  const [expanded, setExpanded] = useState<readonly Key[]>(() => tree.filter((r) => r.children).map((r) => r.key));
  const [pageSize, setPageSize] = useState(20);

  const columns = useMemo((): TableColumnsType<CascadeRow> => {
    const time = (iso: string | null) => (iso ? formatDateTime(iso, language) : '—');
    // Plain elements in the cells: thousands of rows, so no component weight per cell.
    return [
      {
        key: 'unit',
        title: t('cascade.unit'),
        width: 300,
        fixed: 'left',
        render: (_: unknown, row) => (
          <span>
            <span className={row.parentUnitId === null ? 'hj-strong' : undefined}>{row.shortName}</span>
            <span className="hj-muted-small">{unitTypeLabel(row.type, language)}</span>
          </span>
        ),
      },
      { key: 'status', title: t('cascade.status'), width: 110, render: (_: unknown, row) => <ReceiptStatusTag status={row.status} /> },
      {
        key: 'subtree',
        title: t('cascade.subtree'),
        width: 330,
        render: (_: unknown, row) =>
          row.totals.units > 1 ? (
            <span data-testid="cascade-subtree">
              {t('cascade.subtreeUnits', { count: row.totals.units })}
              <span className="hj-muted-small">
                {t('cascade.subtreeRates', {
                  read: percent(row.totals.read, row.totals.units),
                  acknowledged: percent(row.totals.acknowledged, row.totals.units),
                  forwarded: row.totals.forwarded,
                })}
              </span>
            </span>
          ) : (
            <span className="hj-muted">—</span>
          ),
      },
      { key: 'deliveredAt', title: t('cascade.deliveredAt'), width: 160, render: (_: unknown, row) => time(row.deliveredAt) },
      { key: 'readAt', title: t('cascade.readAt'), width: 160, render: (_: unknown, row) => time(row.readAt) },
      { key: 'acknowledgedAt', title: t('cascade.acknowledgedAt'), width: 160, render: (_: unknown, row) => time(row.acknowledgedAt) },
      {
        key: 'forwardedAt',
        title: t('cascade.forwardedAt'),
        width: 160,
        render: (_: unknown, row) =>
          row.forwardedNoticeId ? <Link to={`/notices/${row.forwardedNoticeId}`}>{time(row.forwardedAt)}</Link> : time(row.forwardedAt),
      },
    ];
  }, [t, language]);
  const onRow = useCallback((row: CascadeRow) => ({ 'data-testid': 'cascade-row', 'data-unit-id': row.unitId }) as HTMLAttributes<HTMLElement>, []);

  return (
    <div data-testid="cascade-table">
      <Space style={{ marginBottom: 8 }}>
        <Button size="small" onClick={() => setExpanded(tree.filter((r) => r.children).map((r) => r.key))}>
          {t('cascade.expandFirst')}
        </Button>
        <Button size="small" onClick={() => setExpanded([])}>
          {t('cascade.collapseAll')}
        </Button>
        {filtered && <Typography.Text type="secondary">{t('cascade.filteredHint')}</Typography.Text>}
      </Space>
      <Table<CascadeRow>
        rowKey="key"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={tree}
        scroll={large ? { x: 1400, y: 'calc(100vh - 330px)' } : { x: 1400 }}
        virtual={large}
        onRow={onRow}
        expandable={{ expandedRowKeys: expanded, onExpandedRowsChange: setExpanded, indentSize: 20 }}
        pagination={{
          pageSize,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          onShowSizeChange: (_page, size) => setPageSize(size),
          showTotal: (total) => t('cascade.topLevelTotal', { count: total }),
        }}
        locale={{ emptyText: t('cascade.empty') }}
      />
    </div>
  );
}
