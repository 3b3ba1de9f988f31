import { BellOutlined, DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Progress, Result, Space, Spin, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useCallback, useMemo, useState, type HTMLAttributes, type Key } from 'react';
import { useTranslation } from 'react-i18next';
import { hasSubmitted, type CompletionStatus } from '../../../shared/domain/completion';
import { ApiError } from '../../api/client';
import { fetchCompletion, supervisionKeys, supervisionLinks, type CompletionFilter } from '../../api/supervision';
import type { CompletionNode, CompletionView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { useErrorText } from '../../lib/errors';
import { formatDateTime, unitTypeLabel } from '../../lib/labels';
import { RemindModal } from './remind-modal';

export interface CompletionRow extends CompletionNode {
  key: number;
  rate: number;
  children?: CompletionRow[];
}

const filters: CompletionFilter[] = ['all', 'overdue', 'not_submitted'];

const count = (totals: Record<string, number>, key: string) => totals[key] ?? 0;
const rateOf = (totals: Record<string, number>) => {
  const units = count(totals, 'units');
  return units === 0 ? 0 : Math.round((count(totals, 'submitted') / units) * 1000) / 10;
};

/**
 * The completion tree, built once per response with a Map: each unit under the unit it owes the
 * task to (parentUnitId), those owing the collector directly (or whose parent is not listed) at
 * the top. A national task reaches ~3,400 units.
 */
export function buildCompletionTree(nodes: readonly CompletionNode[]): CompletionRow[] {
  const rows = nodes.map((node): CompletionRow => ({ ...node, key: node.unitId, rate: rateOf(node.totals) }));
  const byUnit = new Map<number, CompletionRow>();
  for (const row of rows) if (!byUnit.has(row.unitId)) byUnit.set(row.unitId, row);
  const roots: CompletionRow[] = [];
  for (const row of rows) {
    const parent = row.parentUnitId === null ? undefined : byUnit.get(row.parentUnitId);
    if (parent && parent !== row) (parent.children ??= []).push(row);
    else roots.push(row);
  }
  return roots;
}

/** Units that have not handed in (the ones a collector reminds). */
export const isLaggard = (status: CompletionStatus) => !hasSubmitted(status);

const statusColors: Record<CompletionStatus, string> = {
  not_read: 'default',
  read: 'blue',
  acknowledged: 'cyan',
  forwarded: 'purple',
  draft: 'gold',
  submitted_on_time: 'green',
  submitted_late: 'orange',
  returned: 'orange',
  accepted: 'green',
  missing: 'red',
};

/** A plain element styled like a tag: the tree shows thousands of them. */
export function CompletionStatusTag({ status }: { status: CompletionStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`hj-tag hj-tag-${statusColors[status]}`} data-status={status}>
      {t(`completionStatus.${status}`)}
    </span>
  );
}

/** Headline numbers over the whole task: 应报 / 已报 / 按时 / 逾期报送 / 逾期未报. */
export function completionSummary(view: CompletionView) {
  const units = count(view.totals, 'units');
  const submitted = count(view.totals, 'submitted');
  // Accepted and returned submissions were handed in too: on time or late as their hours say.
  const late = view.nodes.filter((n) => hasSubmitted(n.status) && n.lateHours > 0).length;
  return { units, submitted, onTime: Math.max(0, submitted - late), late, missing: count(view.totals, 'missing') };
}

/** From this many units on, the tree renders virtually (only the rows in sight). */
const virtualFrom = 600;

/** 完成情况: who has read, forwarded, filled, handed in, down the cascade; remind the laggards. */
export function CompletionTab({ taskId }: { taskId: number }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const errorText = useErrorText();
  const [filter, setFilter] = useState<CompletionFilter>('all');
  const [remind, setRemind] = useState<{ unitIds: number[] | undefined } | null>(null);
  const [selected, setSelected] = useState<Key[]>([]);
  // The whole tree always (its totals and late counts); a filtered one beside it when asked.
  const all = useQuery({ queryKey: supervisionKeys.completion(taskId, 'all'), queryFn: () => fetchCompletion(taskId, 'all'), staleTime: 0 });
  const filtered = useQuery({
    queryKey: supervisionKeys.completion(taskId, filter),
    queryFn: () => fetchCompletion(taskId, filter),
    enabled: filter !== 'all',
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const shown = filter === 'all' ? all : filtered;

  if (all.isError && !all.data) {
    const status = all.error instanceof ApiError ? all.error.status : 0;
    return <Result status={status === 403 ? '403' : status === 404 ? '404' : 'error'} title={errorText(all.error)} />;
  }
  if (!all.data) return <Spin />;
  const summary = completionSummary(all.data);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap size="large" align="center">
          <Typography.Text strong data-testid="completion-totals" style={{ fontSize: 16 }}>
            {t('completion.totals', summary)}
          </Typography.Text>
          <Space size={4}>
            <span>{t('completion.rate')}</span>
            <Progress percent={rateOf(all.data.totals)} size="small" style={{ width: 160, margin: 0 }} />
          </Space>
          <Typography.Text type="secondary">{t('completion.deadline', { time: formatDateTime(all.data.deadline, language) })}</Typography.Text>
        </Space>
      </Card>
      <Card size="small">
        <Space wrap>
          <Space.Compact>
            {filters.map((f) => (
              <Button key={f} type={filter === f ? 'primary' : 'default'} data-testid={`completion-filter-${f.replace('_', '-')}`} onClick={() => setFilter(f)}>
                {t(`completion.filters.${f}`)}
              </Button>
            ))}
          </Space.Compact>
          <Tooltip title={t('common.refresh')}>
            <Button
              icon={<ReloadOutlined />}
              aria-label={t('common.refresh')}
              onClick={() => {
                void all.refetch();
                if (filter !== 'all') void filtered.refetch();
              }}
            />
          </Tooltip>
          <Button icon={<DownloadOutlined />} href={supervisionLinks.completionXlsx(taskId, filter)} download data-testid="completion-export">
            {t('completion.export')}
          </Button>
          <Button icon={<BellOutlined />} disabled={selected.length === 0} onClick={() => setRemind({ unitIds: selected.map(Number) })} data-testid="remind-selected">
            {t('completion.remindSelected', { count: selected.length })}
          </Button>
          <Button
            type="primary"
            icon={<BellOutlined />}
            disabled={summary.units === summary.submitted}
            onClick={() => setRemind({ unitIds: undefined })}
            data-testid="remind-all-missing"
          >
            {t('completion.remindAllMissing', { count: summary.units - summary.submitted })}
          </Button>
        </Space>
      </Card>
      {shown.isError && <Alert type="error" showIcon title={errorText(shown.error)} />}
      {shown.data ? (
        <CompletionTable
          key={filter}
          view={shown.data}
          loading={shown.isFetching}
          filtered={filter !== 'all'}
          selected={selected}
          onSelect={setSelected}
        />
      ) : (
        <Spin />
      )}
      {remind && (
        <RemindModal
          taskId={taskId}
          unitIds={remind.unitIds}
          onClose={() => setRemind(null)}
          onSent={() => {
            setSelected([]);
            setRemind(null);
          }}
        />
      )}
    </Space>
  );
}

function CompletionTable({
  view,
  loading,
  filtered,
  selected,
  onSelect,
}: {
  view: CompletionView;
  loading: boolean;
  filtered: boolean;
  selected: Key[];
  onSelect: (keys: Key[]) => void;
}) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const tree = useMemo(() => buildCompletionTree(view.nodes), [view.nodes]);
  const large = view.nodes.length > virtualFrom;
  // The first level open (the units that owe the collector); deeper on demand.
  const firstLevel = useMemo(() => tree.filter((r) => r.children).map((r) => r.key), [tree]);
  const [expanded, setExpanded] = useState<readonly Key[]>(firstLevel);
  const [pageSize, setPageSize] = useState(20);

  const columns = useMemo((): TableColumnsType<CompletionRow> => {
    const time = (iso: string | null) => (iso ? formatDateTime(iso, language) : '—');
    // Plain elements in the cells: thousands of rows, so no component weight per cell.
    return [
      {
        key: 'unit',
        title: t('completion.unit'),
        width: 280,
        fixed: 'left',
        render: (_: unknown, row) => (
          <span>
            <span className={row.parentUnitId === null ? 'hj-strong' : undefined}>{row.shortName}</span>
            <span className="hj-muted-small">{unitTypeLabel(row.type, language)}</span>
          </span>
        ),
      },
      { key: 'status', title: t('completion.status'), width: 110, render: (_: unknown, row) => <CompletionStatusTag status={row.status} /> },
      {
        key: 'submittedAt',
        title: t('completion.submittedAt'),
        width: 200,
        render: (_: unknown, row) => (
          <span>
            {time(row.submittedAt)}
            {row.lateHours > 0 && <span className="hj-tag hj-tag-red" style={{ marginLeft: 6 }}>{t('collect.lateTag', { hours: row.lateHours })}</span>}
          </span>
        ),
      },
      { key: 'owed', title: t('completion.owed'), width: 80, align: 'right', render: (_: unknown, row) => count(row.totals, 'units') },
      { key: 'done', title: t('completion.submitted'), width: 80, align: 'right', render: (_: unknown, row) => count(row.totals, 'submitted') },
      {
        key: 'rate',
        title: t('completion.rate'),
        width: 140,
        sorter: (a, b) => a.rate - b.rate,
        render: (_: unknown, row) => (
          <span className="hj-rate" data-testid="completion-rate">
            <span className="hj-rate-bar">
              <span style={{ width: `${row.rate}%` }} />
            </span>
            {row.rate}%
          </span>
        ),
      },
      {
        key: 'missing',
        title: t('completion.missing'),
        width: 90,
        align: 'right',
        sorter: (a, b) => count(a.totals, 'missing') - count(b.totals, 'missing'),
        render: (_: unknown, row) => {
          const missing = count(row.totals, 'missing');
          return missing > 0 ? <span style={{ color: '#cf1322' }}>{missing}</span> : <span className="hj-muted">0</span>;
        },
      },
      { key: 'lastRemindedAt', title: t('completion.lastRemindedAt'), width: 160, render: (_: unknown, row) => time(row.lastRemindedAt) },
    ];
  }, [t, language]);
  const onRow = useCallback(
    (row: CompletionRow) => ({ 'data-testid': 'completion-row', 'data-unit-id': row.unitId, 'data-status': row.status }) as HTMLAttributes<HTMLElement>,
    [],
  );

  return (
    <div data-testid="completion-table">
      <Space style={{ marginBottom: 8 }} wrap>
        <Button size="small" onClick={() => setExpanded(firstLevel)}>
          {t('cascade.expandFirst')}
        </Button>
        <Button size="small" onClick={() => setExpanded([])}>
          {t('cascade.collapseAll')}
        </Button>
        {filtered && <Typography.Text type="secondary">{t('completion.filteredHint')}</Typography.Text>}
        {selected.length > 0 && (
          <Typography.Text type="secondary">
            {t('completion.selectedCount', { count: selected.length })}
            <Button type="link" size="small" onClick={() => onSelect([])}>
              {t('completion.clearSelection')}
            </Button>
          </Typography.Text>
        )}
      </Space>
      <Table<CompletionRow>
        rowKey="key"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={tree}
        scroll={large ? { x: 1300, y: 'calc(100vh - 360px)' } : { x: 1300 }}
        virtual={large}
        onRow={onRow}
        rowSelection={{
          checkStrictly: true,
          selectedRowKeys: selected,
          onChange: (keys) => onSelect(keys),
          getCheckboxProps: (row) => ({ disabled: !isLaggard(row.status) }),
        }}
        expandable={{ expandedRowKeys: expanded, onExpandedRowsChange: setExpanded, indentSize: 20 }}
        pagination={{
          pageSize,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          onShowSizeChange: (_page, size) => setPageSize(size),
          showTotal: (total) => t('completion.topLevelTotal', { count: total }),
        }}
        locale={{ emptyText: t('completion.empty') }}
      />
    </div>
  );
}
