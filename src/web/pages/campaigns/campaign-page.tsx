import { BarChartOutlined, DashboardOutlined, FileAddOutlined, PlusOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Result, Space, Spin, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, ApiError } from '../../api/client';
import { campaignKeys, fetchActivities, fetchCampaign } from '../../api/campaigns';
import type { ActivityStatus, CampaignActivityView, CampaignView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { formatDayRange } from '../../lib/dates';
import { baseDetail, useErrorText, useReportError } from '../../lib/errors';
import { ActivityDrawer } from './activity-drawer';
import { ActivityStatusSelect, ActivityStatusTag } from './activity-status';
import { CampaignStructureFields, checkPhaseFields, structureBody, structureOf, type CampaignStructureValues } from './campaign-form';
import { replaceQueryData } from '../../lib/query-data';

/** 年度活动: the plan (theme, modules, phases, target groups, key dates) and its activities. */
export default function CampaignPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = Number(useParams().id);
  const campaign = useQuery({ queryKey: campaignKeys.detail(id), queryFn: () => fetchCampaign(id), enabled: Number.isInteger(id) && id > 0 });
  if (!Number.isInteger(id) || id <= 0) return <Result status="404" title={t('app.notFound')} />;
  if (campaign.isPending) return <Spin />;
  if (campaign.isError) return <Result status={campaign.error instanceof ApiError && campaign.error.status === 404 ? '404' : 'error'} title={errorText(campaign.error)} />;
  return <CampaignDetail key={`${campaign.data.id}:${campaign.data.version}`} campaign={campaign.data} />;
}

function CampaignDetail({ campaign }: { campaign: CampaignView }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const reportError = useReportError();
  const errorText = useErrorText();
  const [form] = Form.useForm<CampaignStructureValues>();
  const parent = useQuery({
    queryKey: campaignKeys.detail(campaign.parentCampaign?.id ?? 0),
    queryFn: () => fetchCampaign(campaign.parentCampaign!.id),
    enabled: !!campaign.parentCampaign,
  });

  const save = useMutation({
    mutationFn: (values: CampaignStructureValues) => api.put<CampaignView>(`/campaigns/${campaign.id}`, { version: campaign.version, ...structureBody(values) }),
    onSuccess: async (updated) => {
      void message.success(t('campaigns.saved'));
      await replaceQueryData(queryClient, campaignKeys.detail(updated.id), updated);
      void queryClient.invalidateQueries({ queryKey: campaignKeys.all, predicate: (q) => q.queryKey[1] === 'list' || q.queryKey[1] === 'activities' });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'stale_version') {
        modal.warning({ title: error.problem ? baseDetail(error.problem) : errorText(error), content: t('campaigns.staleReloaded'), okText: t('common.confirm') });
        void queryClient.invalidateQueries({ queryKey: campaignKeys.detail(campaign.id) });
        return;
      }
      reportError(error, form);
    },
  });

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="campaign-title">
          {campaign.theme}
          <Typography.Text type="secondary" style={{ fontSize: 14, marginLeft: 12 }}>
            {t('campaigns.headerInfo', { unit: campaign.unitName, year: campaign.year })}
            {campaign.ordinal ? ` · ${t('campaigns.ordinalText', { n: campaign.ordinal })}` : ''}
          </Typography.Text>
        </Typography.Title>
        <Space wrap>
          <Link to={`/notices?campaignId=${campaign.id}`}>
            <Button icon={<UnorderedListOutlined />}>{t('campaigns.notices')}</Button>
          </Link>
          <Link to={`/campaigns/${campaign.id}/statistics`}>
            <Button icon={<BarChartOutlined />} data-testid="campaign-statistics">
              {t('campaigns.statistics')}
            </Button>
          </Link>
          <Link to={`/campaigns/${campaign.id}/overview`}>
            <Button icon={<DashboardOutlined />} data-testid="campaign-overview">
              {t('campaigns.overview')}
            </Button>
          </Link>
          {campaign.canManage && (
            <Link to={`/campaigns/${campaign.id}/articles`}>
              <Button data-testid="campaign-articles">{t('articles.manage')}</Button>
            </Link>
          )}
          {campaign.canManage && (
            <Link to={`/campaigns/${campaign.id}/contributions`}>
              <Button data-testid="campaign-contributions">{t('contributions.manage')}</Button>
            </Link>
          )}
          {campaign.canManage && (
            <Link to={`/notices/new?campaignId=${campaign.id}`}>
              <Button icon={<FileAddOutlined />} data-testid="campaign-new-notice">
                {t('campaigns.newNotice')}
              </Button>
            </Link>
          )}
        </Space>
      </Space>
      {campaign.parentCampaign && (
        <Alert
          type="info"
          showIcon
          title={
            <span>
              {t('campaigns.inheritsFrom', { unit: campaign.parentCampaign.unitName })}
              <Link to={`/campaigns/${campaign.parentCampaign.id}`}>{campaign.parentCampaign.theme}</Link>
            </span>
          }
        />
      )}
      <Card size="small" title={t('campaigns.planTitle')}>
        {campaign.canManage ? (
          <Form<CampaignStructureValues>
            form={form}
            layout="vertical"
            data-testid="campaign-form"
            initialValues={structureOf(campaign)}
            onFinish={(values) => {
              if (checkPhaseFields(form, language, parent.data?.phases)) save.mutate(values);
            }}
            style={{ maxWidth: 900 }}
          >
            <CampaignStructureFields />
            <Space>
              <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="campaign-save">
                {t('common.save')}
              </Button>
              <Button onClick={() => form.resetFields()} data-testid="campaign-reset">
                {t('common.reset')}
              </Button>
            </Space>
          </Form>
        ) : (
          <CampaignSummary campaign={campaign} />
        )}
      </Card>
      <ActivitiesCard campaign={campaign} />
    </Space>
  );
}

function CampaignSummary({ campaign }: { campaign: CampaignView }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  return (
    <Descriptions
      column={1}
      size="small"
      data-testid="campaign-summary"
      items={[
        { key: 'theme', label: t('campaigns.theme'), children: campaign.theme },
        { key: 'ordinal', label: t('campaigns.ordinal'), children: campaign.ordinal ? t('campaigns.ordinalText', { n: campaign.ordinal }) : t('common.none') },
        {
          key: 'modules',
          label: t('campaigns.modules'),
          children: (
            <Space size={[4, 4]} wrap>
              {campaign.modules.map((m) => (
                <Tag key={m.id} color="blue">
                  {m.name}
                </Tag>
              ))}
            </Space>
          ),
        },
        {
          key: 'phases',
          label: t('campaigns.phases'),
          children: (
            <Space orientation="vertical" size={2}>
              {campaign.phases.map((p) => (
                <span key={p.id}>
                  {p.name}（{formatDayRange(p.startDate, p.endDate, language)}）
                </span>
              ))}
            </Space>
          ),
        },
        {
          key: 'targetGroups',
          label: t('campaigns.targetGroups'),
          children: (
            <Space size={[4, 4]} wrap>
              {campaign.targetGroups.map((g) => (
                <Tag key={g.id}>{g.name}</Tag>
              ))}
            </Space>
          ),
        },
        {
          key: 'keyDates',
          label: t('campaigns.keyDates'),
          children:
            campaign.keyDates.length === 0
              ? t('common.none')
              : campaign.keyDates.map((k) => `${k.name}（${formatDayRange(k.date, k.date, language)}）`).join('；'),
        },
      ]}
    />
  );
}

function ActivitiesCard({ campaign }: { campaign: CampaignView }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const reportError = useReportError();
  const errorText = useErrorText();
  const [drawer, setDrawer] = useState<{ activity: CampaignActivityView | null } | null>(null);
  const activities = useQuery({ queryKey: campaignKeys.activities(campaign.id), queryFn: () => fetchActivities(campaign.id) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: campaignKeys.activities(campaign.id) });

  const setStatus = useMutation({
    mutationFn: ({ activity, status }: { activity: CampaignActivityView; status: ActivityStatus }) =>
      api.patch(`/campaign-activities/${activity.id}`, { version: activity.version, status }),
    onSuccess: () => {
      void message.success(t('activities.statusSaved'));
      void refresh();
      void queryClient.invalidateQueries({ queryKey: campaignKeys.assigned });
    },
    onError: (error) => {
      reportError(error);
      void refresh();
    },
  });

  const moduleName = new Map(campaign.modules.map((m) => [m.id, m.name]));
  const columns: TableColumnsType<CampaignActivityView> = [
    { key: 'title', dataIndex: 'title', title: t('activities.title'), render: (title: string) => <Typography.Text strong>{title}</Typography.Text> },
    { key: 'module', title: t('activities.module'), width: 110, render: (_: unknown, a) => <Tag color="blue">{moduleName.get(a.moduleId) ?? a.moduleName}</Tag> },
    { key: 'dates', title: t('activities.dates'), width: 200, render: (_: unknown, a) => formatDayRange(a.startDate, a.endDate, language) || t('common.none') },
    { key: 'place', dataIndex: 'place', title: t('activities.place'), render: (v: string | null) => v ?? t('common.none') },
    {
      key: 'departments',
      title: t('activities.departments'),
      render: (_: unknown, a) =>
        a.departments.length === 0 ? (
          t('common.none')
        ) : (
          <Space size={[4, 4]} wrap>
            {a.departments.map((d) => (
              <Tag key={d.id}>{d.shortName}</Tag>
            ))}
          </Space>
        ),
    },
    {
      key: 'status',
      title: t('activities.status'),
      width: 140,
      render: (_: unknown, a) =>
        a.canEdit ? (
          <ActivityStatusSelect
            value={a.status}
            data-testid="activity-status"
            loading={setStatus.isPending && setStatus.variables.activity.id === a.id}
            onChange={(status) => setStatus.mutate({ activity: a, status })}
          />
        ) : (
          <ActivityStatusTag status={a.status} />
        ),
    },
    ...(campaign.canManage
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            width: 90,
            render: (_: unknown, a: CampaignActivityView) => (
              <Button type="link" size="small" data-testid="activity-edit" onClick={() => setDrawer({ activity: a })}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <Card
      size="small"
      title={t('activities.cardTitle')}
      extra={
        campaign.canManage && (
          <Button type="primary" icon={<PlusOutlined />} data-testid="campaign-activity-add" onClick={() => setDrawer({ activity: null })}>
            {t('activities.add')}
          </Button>
        )
      }
    >
      {activities.isError && <Alert type="error" showIcon title={errorText(activities.error)} style={{ marginBottom: 12 }} />}
      <Table<CampaignActivityView>
        data-testid="campaign-activities"
        rowKey="id"
        size="small"
        loading={activities.isFetching}
        columns={columns}
        dataSource={activities.data ?? []}
        pagination={false}
        scroll={{ x: 1000 }}
        expandable={{
          rowExpandable: (a) => !!a.description,
          expandedRowRender: (a) => <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{a.description}</Typography.Paragraph>,
        }}
        locale={{ emptyText: t('activities.empty') }}
      />
      {drawer && (
        <ActivityDrawer
          campaign={campaign}
          activity={drawer.activity}
          onClose={() => setDrawer(null)}
          onStale={() => {
            setDrawer(null);
            void refresh();
          }}
          onSaved={() => {
            void message.success(drawer.activity ? t('activities.saved') : t('activities.created'));
            setDrawer(null);
            void refresh();
          }}
        />
      )}
    </Card>
  );
}
