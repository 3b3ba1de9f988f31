import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Select, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { campaignKeys, fetchCampaigns } from '../../api/campaigns';
import type { CampaignView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { ForbiddenResult } from '../../components/status-pages';
import { formatDayRange } from '../../lib/dates';
import { useErrorText } from '../../lib/errors';
import { campaignManagerRoles, hasAnyRole, useRequiredSession } from '../../session/session';

/** Years a campaign can belong to: from the first festival (2017) to next year. */
export function campaignYears(): number[] {
  const last = new Date().getFullYear() + 1;
  return Array.from({ length: last - 2017 + 1 }, (_, i) => last - i);
}

/** 年度活动: the campaigns of my units and of the levels above, by year. */
export default function CampaignsPage() {
  const session = useRequiredSession();
  if (!hasAnyRole(session, campaignManagerRoles)) return <ForbiddenResult />;
  return <CampaignList />;
}

function CampaignList() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const requestedYear = Number(params.get('year'));
  const year = Number.isInteger(requestedYear) && requestedYear >= 2017 ? requestedYear : null;
  const list = useQuery({ queryKey: campaignKeys.list(null, year), queryFn: () => fetchCampaigns({ year }) });

  const columns: TableColumnsType<CampaignView> = [
    { key: 'year', dataIndex: 'year', title: t('campaigns.year'), width: 90 },
    {
      key: 'theme',
      title: t('campaigns.theme'),
      render: (_: unknown, c) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/campaigns/${c.id}`} data-testid="campaign-link">
            {c.theme}
          </Link>
          {c.ordinal && <Typography.Text type="secondary">{t('campaigns.ordinalText', { n: c.ordinal })}</Typography.Text>}
        </Space>
      ),
    },
    { key: 'unit', dataIndex: 'unitName', title: t('campaigns.unit') },
    {
      key: 'phases',
      title: t('campaigns.phases'),
      render: (_: unknown, c) => formatDayRange(c.phases[0]?.startDate, c.phases.at(-1)?.endDate, language),
    },
    {
      key: 'modules',
      title: t('campaigns.modules'),
      render: (_: unknown, c) => (
        <Space size={[4, 4]} wrap>
          {c.modules.map((m) => (
            <Tag key={m.id}>{m.name}</Tag>
          ))}
        </Space>
      ),
    },
    {
      key: 'parent',
      title: t('campaigns.parent'),
      render: (_: unknown, c) => (c.parentCampaign ? <Link to={`/campaigns/${c.parentCampaign.id}`}>{c.parentCampaign.unitName}</Link> : t('common.none')),
    },
    {
      key: 'manage',
      title: t('common.actions'),
      width: 110,
      render: (_: unknown, c) =>
        c.canManage ? (
          <Link to={`/campaigns/${c.id}`}>{t('common.edit')}</Link>
        ) : (
          <Link to={`/campaigns/${c.id}`}>{t('campaigns.view')}</Link>
        ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('campaigns.title')}
      </Typography.Title>
      <Card size="small">
        <Space wrap size="middle">
          <span>{t('campaigns.year')}</span>
          <Select<number | 'all'>
            data-testid="campaigns-year-filter"
            style={{ width: 140 }}
            value={year ?? 'all'}
            options={[{ value: 'all' as const, label: t('campaigns.allYears') }, ...campaignYears().map((y) => ({ value: y, label: String(y) }))]}
            onChange={(value) =>
              setParams(
                (previous) => {
                  const next = new URLSearchParams(previous);
                  if (value === 'all') next.delete('year');
                  else next.set('year', String(value));
                  return next;
                },
                { replace: true },
              )
            }
          />
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label={t('common.refresh')} />
          </Tooltip>
          <Button type="primary" icon={<PlusOutlined />} data-testid="campaign-create" onClick={() => void navigate(year ? `/campaigns/new?year=${year}` : '/campaigns/new')}>
            {t('campaigns.create')}
          </Button>
        </Space>
      </Card>
      {list.isError && <Alert type="error" showIcon title={errorText(list.error)} />}
      <Table<CampaignView>
        data-testid="campaigns-table"
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data ?? []}
        scroll={{ x: 1000 }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('campaigns.empty') }}
      />
    </Space>
  );
}
