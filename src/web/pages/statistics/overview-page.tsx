import { ArrowLeftOutlined, BarChartOutlined, PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, List, Progress, Result, Row, Space, Spin, Statistic, Tag, Typography, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { fetchOverview, statisticsKeys } from '../../api/statistics';
import { campaignKeys, fetchCampaign } from '../../api/campaigns';
import { useLanguage } from '../../app/language';
import { formatDay } from '../../lib/dates';
import { useErrorText } from '../../lib/errors';

/** /campaigns/:id/overview — 领导驾驶舱: the campaign on one printable page. */
export default function OverviewPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const errorText = useErrorText();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const [params] = useSearchParams();
  const unitParam = Number(params.get('unitId'));
  const unitId = Number.isInteger(unitParam) && unitParam > 0 ? unitParam : null;
  const overview = useQuery({ queryKey: statisticsKeys.overview(id, unitId), queryFn: () => fetchOverview(id, unitId), enabled: valid });
  const campaign = useQuery({ queryKey: campaignKeys.detail(id), queryFn: () => fetchCampaign(id), enabled: valid });

  if (!valid) return <Result status="404" title={t('app.notFound')} />;
  if (overview.isError) {
    const status = overview.error instanceof ApiError ? overview.error.status : 0;
    return <Result status={status === 403 ? '403' : status === 404 ? '404' : 'error'} title={errorText(overview.error)} />;
  }
  if (!overview.data) return <Spin />;
  const view = overview.data;
  const maxRegion = Math.max(1, ...view.topRegions.map((r) => r.count));
  const moduleNames = new Map((campaign.data?.modules ?? []).map((m) => [m.id, m.name]));

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} className="hj-overview" data-testid="overview-page">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('overview.heading', { unit: view.unitName })}
          </Typography.Title>
          <Typography.Text type="secondary">
            {campaign.data ? `${t('campaigns.headerInfo', { unit: campaign.data.unitName, year: campaign.data.year })} · ` : ''}
            {t('overview.theme', { theme: view.theme })}
          </Typography.Text>
        </div>
        <Space wrap className="hj-no-print">
          <Link to={`/campaigns/${id}`}>
            <Button icon={<ArrowLeftOutlined />}>{t('statistics.backToCampaign')}</Button>
          </Link>
          <Link to={`/campaigns/${id}/statistics${unitId ? `?unitId=${unitId}` : ''}`}>
            <Button icon={<BarChartOutlined />}>{t('statistics.title')}</Button>
          </Link>
          <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="overview-print">
            {t('overview.print')}
          </Button>
        </Space>
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12} lg={6}>
          <Card size="small" data-testid="overview-activities">
            <Statistic title={t('overview.activities')} value={view.activities} suffix={t('overview.activitiesUnit')} />
          </Card>
        </Col>
        <Col xs={24} md={12} lg={6}>
          <Card size="small" data-testid="overview-units">
            <Statistic title={t('overview.units')} value={view.units} suffix={t('overview.unitsUnit')} />
          </Card>
        </Col>
        <Col xs={24} md={12} lg={6}>
          <Card size="small" data-testid="overview-participants">
            <Statistic title={t('overview.participants')} value={view.expectedParticipants} suffix={t('statistics.people')} />
          </Card>
        </Col>
        <Col xs={24} md={12} lg={6}>
          <Card size="small" data-testid="overview-rate" data-rate={view.completion.rate}>
            <Space align="center" size="middle">
              <Progress type="dashboard" percent={view.completion.rate} size={96} format={(p) => `${p ?? 0}%`} />
              <div>
                <Typography.Text type="secondary">{t('overview.completion')}</Typography.Text>
                <div>{t('overview.completionText', { submitted: view.completion.submitted, owed: view.completion.owed })}</div>
              </div>
            </Space>
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('overview.topRegions')} data-testid="overview-regions">
            {view.topRegions.length === 0 ? (
              <Empty description={t('statistics.noData')} />
            ) : (
              view.topRegions.map((r, i) => (
                <div key={r.unitId} className="hj-hbar" data-testid="overview-region">
                  <span>
                    <Typography.Text type="secondary">{i + 1}.</Typography.Text> {r.label}
                  </span>
                  <span className="hj-hbar-track">
                    <span style={{ width: `${(r.count / maxRegion) * 100}%` }} />
                  </span>
                  <span style={{ textAlign: 'right' }}>{r.count}</span>
                </div>
              ))
            )}
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('overview.latest')} data-testid="overview-latest">
            <List
              size="small"
              dataSource={view.latest}
              locale={{ emptyText: t('statistics.noData') }}
              renderItem={(a) => (
                <List.Item key={a.id} data-testid="overview-highlight">
                  <List.Item.Meta
                    title={a.title}
                    description={
                      <Space wrap size={4}>
                        <span>{a.unitName}</span>
                        {a.startDate && <span>· {formatDay(a.startDate, language)}</span>}
                        {a.modules.map((m) => (
                          <Tag key={m}>{moduleNames.get(m) ?? m}</Tag>
                        ))}
                      </Space>
                    }
                  />
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
