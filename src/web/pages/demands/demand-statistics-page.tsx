import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Space, Statistic, Table, type TableColumnsType } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { DemandStatisticsView } from '../../../shared/contracts/demands';
import { api } from '../../api/client';
import { EChart } from '../../components/echart';
import { useErrorText } from '../../lib/errors';

type Row = DemandStatisticsView['totals'] & { key: string; label: string };
const rate = (a: number, b: number) => (b === 0 ? '—' : `${Math.round((a / b) * 1000) / 10}%`);

/** /demand-desk/statistics — received, first reply on time, resolved, satisfaction; by category and region. */
export default function DemandStatisticsPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
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
      {data && (
        <Card title={t('demands.desk.byRegion')} size="small">
          <Table<Row> rowKey="key" size="small" pagination={false} columns={columns} dataSource={data.byRegion.map((r) => ({ ...r, key: r.regionCode, label: r.regionName }))} data-testid="demand-statistics-regions" />
        </Card>
      )}
    </Space>
  );
}
