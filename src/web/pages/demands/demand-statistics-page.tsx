import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, InputNumber, Space, Statistic, Table, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { DemandStatisticsView } from '../../../shared/contracts/demands';
import { api } from '../../api/client';
import { EChart } from '../../components/echart';
import { useErrorText } from '../../lib/errors';
import { hasAnyRole, useRequiredSession } from '../../session/session';
import type { DemandCategory } from '../../../shared/domain/demands';

type Row = DemandStatisticsView['totals'] & { key: string; label: string };
const rate = (a: number, b: number) => (b === 0 ? '—' : `${Math.round((a / b) * 1000) / 10}%`);

/** /demand-desk/statistics — received, first reply on time, resolved, satisfaction; by category and region. */
export default function DemandStatisticsPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const isSystemAdmin = hasAnyRole(useRequiredSession(), ['system_admin']);
  const stats = useQuery({ queryKey: ['demand-statistics'], queryFn: () => api.get<DemandStatisticsView>('/demands/statistics') });
  const option = useMemo(() => {
    const rows = stats.data?.byCategory ?? [];
    const series = (['received', 'firstReplyOnTime', 'resolved'] as const).map((key) => ({ name: t(`demands.desk.${key}`), type: 'bar', data: rows.map((r) => r[key]) }));
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 30 },
      xAxis: { type: 'category', data: rows.map((r) => t(`demands.categories.${r.category}`)) },
      yAxis: { type: 'value', minInterval: 1 },
      series,
    };
  }, [stats.data, t]);
  if (stats.error) return <Alert type="error" showIcon message={errorText(stats.error)} />;
  const data = stats.data;
  const columns: TableColumnsType<Row> = [
    { title: '', dataIndex: 'label' },
    { title: t('demands.desk.received'), dataIndex: 'received', width: 90 },
    { title: t('demands.desk.firstReplyOnTime'), dataIndex: 'firstReplyOnTime', width: 120 },
    { title: t('demands.desk.onTimeRate'), width: 110, render: (_, r) => rate(r.firstReplyOnTime, r.received) },
    { title: t('demands.desk.resolved'), dataIndex: 'resolved', width: 90 },
    { title: t('demands.desk.rated'), dataIndex: 'rated', width: 90 },
    { title: t('demands.desk.averageRating'), dataIndex: 'averageRating', width: 120, render: (v: number | null) => v ?? '—' },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle" data-testid="demand-statistics-page">
      <Link to="/demand-desk">‹ {t('demands.desk.back')}</Link>
      <Card title={data ? t('demands.desk.statisticsOf', { unit: data.unitName }) : t('demands.desk.statistics')} loading={!data}>
        {data && (
          <Space size="large" wrap data-testid="demand-statistics-totals">
            <Statistic title={t('demands.desk.received')} value={data.totals.received} />
            <Statistic title={t('demands.desk.firstReplyOnTime')} value={data.totals.firstReplyOnTime} suffix={`/ ${rate(data.totals.firstReplyOnTime, data.totals.received)}`} />
            <Statistic title={t('demands.desk.resolved')} value={data.totals.resolved} />
            <Statistic title={t('demands.desk.averageRating')} value={data.totals.averageRating ?? '—'} />
          </Space>
        )}
      </Card>
      {data && (
        <Card title={t('demands.desk.chartTitle')} size="small">
          <EChart option={option} height={300} data-testid="demand-statistics-chart" />
        </Card>
      )}
      {data && (
        <Card title={t('demands.desk.byCategory')} size="small">
          <Table<Row> rowKey="key" size="small" pagination={false} columns={columns} dataSource={data.byCategory.map((r) => ({ ...r, key: r.category, label: t(`demands.categories.${r.category}`) }))} data-testid="demand-statistics-categories" />
        </Card>
      )}
      {isSystemAdmin && <TimeLimits />}
      {data && (
        <Card title={t('demands.desk.byRegion')} size="small">
          <Table<Row> rowKey="key" size="small" pagination={false} columns={columns} dataSource={data.byRegion.map((r) => ({ ...r, key: r.regionCode, label: r.regionName }))} data-testid="demand-statistics-regions" />
        </Card>
      )}
    </Space>
  );
}

type Limit = { category: DemandCategory; acceptDays: number; replyDays: number; custom: boolean };

/** 办理时限: working days to accept and to reply per category (the system administrator's to set). */
function TimeLimits() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const limits = useQuery({ queryKey: ['demand-time-limits'], queryFn: () => api.get<Limit[]>('/demand-time-limits') });
  const [edits, setEdits] = useState<Record<string, Partial<Limit>>>({});
  const save = useMutation({
    mutationFn: () => api.put<Limit[]>('/demand-time-limits', { limits: (limits.data ?? []).map((l) => ({ category: l.category, acceptDays: edits[l.category]?.acceptDays ?? l.acceptDays, replyDays: edits[l.category]?.replyDays ?? l.replyDays })) }),
    onSuccess: async () => {
      setEdits({});
      message.success(t('demands.desk.limitsSaved'));
      await queryClient.invalidateQueries({ queryKey: ['demand-time-limits'] });
    },
    onError: (error) => message.error(errorText(error)),
  });
  const edit = (category: string, key: 'acceptDays' | 'replyDays', value: number | null) => setEdits((e) => ({ ...e, [category]: { ...e[category], [key]: value ?? undefined } }));
  const columns: TableColumnsType<Limit> = [
    { title: t('demands.desk.category'), dataIndex: 'category', render: (v: DemandCategory) => t(`demands.categories.${v}`) },
    { title: t('demands.desk.acceptDays'), width: 160, render: (_, l) => <InputNumber min={0} max={30} value={edits[l.category]?.acceptDays ?? l.acceptDays} onChange={(v) => edit(l.category, 'acceptDays', v)} /> },
    { title: t('demands.desk.replyDays'), width: 160, render: (_, l) => <InputNumber min={1} max={30} value={edits[l.category]?.replyDays ?? l.replyDays} onChange={(v) => edit(l.category, 'replyDays', v)} /> },
  ];
  return (
    <Card
      title={t('demands.desk.limits')}
      size="small"
      extra={
        <Button type="primary" size="small" onClick={() => save.mutate()} loading={save.isPending} disabled={Object.keys(edits).length === 0}>
          {t('demands.desk.saveLimits')}
        </Button>
      }
      data-testid="demand-time-limits"
    >
      <Table<Limit> rowKey="category" size="small" pagination={false} loading={limits.isLoading} columns={columns} dataSource={limits.data ?? []} />
    </Card>
  );
}
