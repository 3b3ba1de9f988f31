import { ArrowLeftOutlined, DashboardOutlined, DownloadOutlined, FileImageOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Breadcrumb, Button, Card, Col, Result, Row, Space, Spin, Statistic, Table, Tooltip, Typography } from 'antd';
import { useMemo, useRef, useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { campaignKeys, fetchCampaign } from '../../api/campaigns';
import { fetchStatistics, statisticsKeys, statisticsLinks } from '../../api/statistics';
import type { StatisticsBucket, StatisticsView } from '../../api/types';
import { EChart, type EChartHandle } from '../../components/echart';
import { UnitPicker } from '../../components/unit-picker';
import type { EChartsCoreOption } from '../../lib/echarts';
import { useErrorText } from '../../lib/errors';

type ChartName = 'module' | 'phase' | 'region' | 'target-group' | 'unit-type' | 'online' | 'timeliness';

interface ChartSpec {
  name: ChartName;
  kind: 'bar' | 'pie';
  buckets: (view: StatisticsView) => StatisticsBucket[];
}

const charts: ChartSpec[] = [
  { name: 'module', kind: 'bar', buckets: (v) => v.byModule },
  { name: 'phase', kind: 'bar', buckets: (v) => v.byPhase },
  // The 20 largest regions; the table lists them all.
  { name: 'region', kind: 'bar', buckets: (v) => v.byRegion },
  { name: 'target-group', kind: 'bar', buckets: (v) => v.byTargetGroup },
  { name: 'unit-type', kind: 'pie', buckets: (v) => v.byUnitType },
  { name: 'online', kind: 'pie', buckets: (v) => v.onlineOffline },
  { name: 'timeliness', kind: 'pie', buckets: (v) => v.timeliness },
];

const palette = ['#1668dc', '#52c41a', '#fa8c16', '#722ed1', '#13c2c2', '#eb2f96', '#faad14', '#2f54eb', '#a0d911', '#f5222d'];

function barOption(buckets: StatisticsBucket[], horizontal: boolean): EChartsCoreOption {
  const labels = buckets.map((b) => b.label);
  const values = buckets.map((b) => b.count);
  const category = { type: 'category', data: horizontal ? [...labels].reverse() : labels, axisLabel: { interval: 0, width: 90, overflow: 'truncate' } };
  const value = { type: 'value', minInterval: 1 };
  return {
    color: palette,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: horizontal ? 110 : 40, right: 24, top: 16, bottom: horizontal ? 24 : 56 },
    xAxis: horizontal ? value : { ...category, axisLabel: { ...category.axisLabel, rotate: labels.length > 6 ? 30 : 0 } },
    yAxis: horizontal ? category : value,
    series: [{ type: 'bar', data: horizontal ? [...values].reverse() : values, barMaxWidth: 36, label: { show: true, position: horizontal ? 'right' : 'top' } }],
  };
}

function pieOption(buckets: StatisticsBucket[]): EChartsCoreOption {
  return {
    color: palette,
    tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
    legend: { bottom: 0, type: 'scroll' },
    series: [
      {
        type: 'pie',
        radius: ['35%', '65%'],
        center: ['50%', '45%'],
        data: buckets.map((b) => ({ name: b.label, value: b.count })),
        label: { formatter: '{b}\n{c}' },
      },
    ],
  };
}

function savePng(dataUrl: string, filename: string) {
  const link = document.createElement('a');
  link.href = dataUrl;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

/** /campaigns/:id/statistics — the campaign counted over a unit's subtree, chart by chart. */
export default function StatisticsPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const [params, setParams] = useSearchParams();
  const unitParam = Number(params.get('unitId'));
  const unitId = Number.isInteger(unitParam) && unitParam > 0 ? unitParam : null;
  // The drill path (unit ids), kept in the address so that back and reload work.
  const path = (params.get('path') ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const campaign = useQuery({ queryKey: campaignKeys.detail(id), queryFn: () => fetchCampaign(id), enabled: valid });
  const stats = useQuery({
    queryKey: statisticsKeys.statistics(id, unitId),
    queryFn: () => fetchStatistics(id, unitId),
    enabled: valid,
    placeholderData: keepPreviousData,
  });
  // Names along the drill path, as the responses named them.
  const [names] = useState(() => new Map<number, string>());
  if (stats.data) names.set(stats.data.unitId, stats.data.unitName);

  if (!valid) return <Result status="404" title={t('app.notFound')} />;
  if (stats.isError && !stats.data) {
    const status = stats.error instanceof ApiError ? stats.error.status : 0;
    return <Result status={status === 403 ? '403' : status === 404 ? '404' : 'error'} title={errorText(stats.error)} />;
  }

  const goTo = (next: number | null, nextPath: number[]) =>
    setParams(next === null ? {} : { unitId: String(next), ...(nextPath.length > 0 ? { path: nextPath.join(',') } : {}) });
  const drill = (child: number) => {
    if (!stats.data || child === stats.data.unitId) return;
    goTo(child, [...path, stats.data.unitId]);
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="statistics-page">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('statistics.title')}
          {campaign.data && (
            <Typography.Text type="secondary" style={{ fontSize: 14, marginLeft: 12 }}>
              {t('campaigns.headerInfo', { unit: campaign.data.unitName, year: campaign.data.year })} · {campaign.data.theme}
            </Typography.Text>
          )}
        </Typography.Title>
        <Space wrap>
          <Link to={`/campaigns/${id}`}>
            <Button icon={<ArrowLeftOutlined />}>{t('statistics.backToCampaign')}</Button>
          </Link>
          <Link to={`/campaigns/${id}/overview${unitId ? `?unitId=${unitId}` : ''}`}>
            <Button icon={<DashboardOutlined />}>{t('overview.title')}</Button>
          </Link>
        </Space>
      </Space>
      <Card size="small">
        <Space wrap size="middle" style={{ width: '100%', justifyContent: 'space-between' }}>
          <Space wrap>
            <Typography.Text strong>{t('statistics.scope')}</Typography.Text>
            <Breadcrumb
              data-testid="statistics-scope"
              items={[
                ...path.map((unit, i) => ({
                  key: unit,
                  title: (
                    <a onClick={() => goTo(i === 0 ? null : unit, path.slice(0, i))} data-testid="statistics-scope-up">
                      {names.get(unit) ?? t('statistics.upperUnit')}
                    </a>
                  ),
                })),
                { key: 'current', title: <Typography.Text strong>{stats.data?.unitName ?? '…'}</Typography.Text> },
              ]}
            />
            <UnitPicker
              allowClear
              style={{ width: 260 }}
              placeholder={t('statistics.pickUnit')}
              data-testid="statistics-unit"
              value={null}
              onChange={(picked) => (picked ? goTo(picked.value, stats.data ? [...path, stats.data.unitId] : path) : goTo(null, []))}
            />
          </Space>
          <Space>
            <Tooltip title={t('common.refresh')}>
              <Button icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => void stats.refetch()} />
            </Tooltip>
            <Button type="primary" icon={<DownloadOutlined />} href={statisticsLinks.xlsx(id, unitId)} download data-testid="statistics-export">
              {t('statistics.export')}
            </Button>
          </Space>
        </Space>
      </Card>
      {stats.isError && <Alert type="error" showIcon title={errorText(stats.error)} />}
      {!stats.data ? (
        <Spin />
      ) : (
        <>
          <Card size="small" data-testid="statistics-summary">
            <Row gutter={[16, 16]}>
              <Col xs={12} md={6}>
                <Statistic title={t('statistics.activities')} value={stats.data.activities} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t('statistics.units')} value={stats.data.units} />
              </Col>
              <Col xs={12} md={6} data-testid="chart-scale">
                <Statistic title={t('statistics.expectedScale')} value={stats.data.scale.expected} suffix={t('statistics.people')} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic
                  title={t('statistics.reportedScale')}
                  value={stats.data.scale.reported ?? t('statistics.notReported')}
                  suffix={stats.data.scale.reported !== null ? t('statistics.people') : undefined}
                />
              </Col>
            </Row>
          </Card>
          <Row gutter={[16, 16]}>
            {charts.map((spec) => (
              <Col key={spec.name} xs={24} xl={spec.name === 'region' ? 24 : 12}>
                <ChartCard spec={spec} view={stats.data!} onDrill={spec.name === 'region' ? drill : undefined} />
              </Col>
            ))}
          </Row>
        </>
      )}
    </Space>
  );
}

function ChartCard({ spec, view, onDrill }: { spec: ChartSpec; view: StatisticsView; onDrill?: ((unitId: number) => void) | undefined }) {
  const { t } = useTranslation();
  const chart = useRef<EChartHandle>(null);
  const buckets = spec.buckets(view);
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  const option = useMemo(() => {
    if (spec.kind === 'pie') return pieOption(buckets);
    const shown = spec.name === 'region' ? [...buckets].sort((a, b) => b.count - a.count).slice(0, 20) : buckets;
    return barOption(shown, spec.name === 'region');
  }, [spec, buckets]);
  const title = t(`statistics.charts.${spec.name}`);
  const regionRows = buckets as (StatisticsBucket & { unitId?: number })[];

  return (
    <Card
      size="small"
      title={title}
      data-testid={`chart-${spec.name}`}
      extra={
        <Button
          size="small"
          icon={<FileImageOutlined />}
          data-testid={`chart-png-${spec.name}`}
          disabled={buckets.length === 0}
          onClick={() => {
            const url = chart.current?.pngDataUrl();
            if (url) savePng(url, `${view.unitName}-${title}.png`);
          }}
        >
          {t('statistics.savePng')}
        </Button>
      }
    >
      {buckets.length === 0 ? (
        <Typography.Text type="secondary">{t('statistics.noData')}</Typography.Text>
      ) : (
        <EChart ref={chart} option={option} height={spec.name === 'region' ? Math.max(240, Math.min(20, buckets.length) * 26 + 48) : 300} data-testid={`chart-canvas-${spec.name}`} />
      )}
      <Table<StatisticsBucket & { unitId?: number }>
        size="small"
        rowKey="key"
        style={{ marginTop: 8 }}
        data-testid={`chart-table-${spec.name}`}
        dataSource={regionRows}
        pagination={buckets.length > 10 ? { pageSize: 10, size: 'small' } : false}
        onRow={(b) => ({ 'data-testid': `chart-row-${spec.name}`, 'data-key': b.key }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            key: 'label',
            title: t('statistics.category'),
            render: (_: unknown, b) =>
              onDrill && b.unitId !== undefined && b.unitId !== view.unitId ? (
                <a onClick={() => onDrill(b.unitId!)} data-testid="region-drill">
                  {b.label}
                </a>
              ) : (
                b.label
              ),
          },
          { key: 'count', dataIndex: 'count', title: t('statistics.count'), align: 'right', width: 100, sorter: (a, b) => a.count - b.count },
          { key: 'share', title: t('statistics.share'), align: 'right', width: 90, render: (_: unknown, b) => (total === 0 ? '—' : `${Math.round((b.count / total) * 1000) / 10}%`) },
        ]}
        locale={{ emptyText: t('statistics.noData') }}
      />
    </Card>
  );
}
