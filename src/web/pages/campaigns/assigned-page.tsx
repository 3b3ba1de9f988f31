import { ArrowRightOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { activityStatusOrder, campaignKeys, fetchAssignedActivities } from '../../api/campaigns';
import type { ActivityStatus, CampaignActivityView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { formatDayRange } from '../../lib/dates';
import { useErrorText, useReportError } from '../../lib/errors';
import { ActivityStatusSelect, ActivityStatusTag, useActivityStatusLabel } from './activity-status';

function nextStatus(status: ActivityStatus): ActivityStatus | null {
  const index = activityStatusOrder.indexOf(status);
  return activityStatusOrder[index + 1] ?? null;
}

/** 本部门任务: the plan activities my departments are responsible for, moved along by status. */
export default function AssignedPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const reportError = useReportError();
  const errorText = useErrorText();
  const statusLabel = useActivityStatusLabel();
  const list = useQuery({ queryKey: campaignKeys.assigned, queryFn: fetchAssignedActivities });
  const refresh = () => queryClient.invalidateQueries({ queryKey: campaignKeys.assigned });

  const setStatus = useMutation({
    mutationFn: ({ activity, status }: { activity: CampaignActivityView; status: ActivityStatus }) =>
      api.patch(`/campaign-activities/${activity.id}`, { version: activity.version, status }),
    onSuccess: (_data, { status }) => {
      void message.success(t('assigned.statusSaved', { status: statusLabel(status) }));
      void refresh();
      void queryClient.invalidateQueries({ queryKey: campaignKeys.all, predicate: (q) => q.queryKey[1] === 'activities' });
    },
    onError: (error) => {
      reportError(error);
      void refresh();
    },
  });

  const columns: TableColumnsType<CampaignActivityView> = [
    {
      key: 'title',
      title: t('activities.title'),
      render: (_: unknown, a) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{a.title}</Typography.Text>
          {a.description && (
            <Typography.Text type="secondary" ellipsis={{ tooltip: a.description }} style={{ maxWidth: 360 }}>
              {a.description}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { key: 'campaign', title: t('assigned.campaign'), render: (_: unknown, a) => <Link to={`/campaigns/${a.campaignId}`}>{a.campaignTitle}</Link> },
    { key: 'module', title: t('activities.module'), width: 110, render: (_: unknown, a) => <Tag color="blue">{a.moduleName}</Tag> },
    { key: 'dates', title: t('activities.dates'), width: 200, render: (_: unknown, a) => formatDayRange(a.startDate, a.endDate, language) || t('common.none') },
    { key: 'place', dataIndex: 'place', title: t('activities.place'), render: (v: string | null) => v ?? t('common.none') },
    {
      key: 'departments',
      title: t('activities.departments'),
      render: (_: unknown, a) => (
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
      width: 260,
      render: (_: unknown, a) => {
        const next = nextStatus(a.status);
        const busy = setStatus.isPending && setStatus.variables.activity.id === a.id;
        return (
          <Space>
            <ActivityStatusSelect value={a.status} data-testid="activity-status" loading={busy} onChange={(status) => setStatus.mutate({ activity: a, status })} />
            {next && (
              <Button size="small" icon={<ArrowRightOutlined />} data-testid="activity-advance" disabled={busy} onClick={() => setStatus.mutate({ activity: a, status: next })}>
                {statusLabel(next)}
              </Button>
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('assigned.title')}
      </Typography.Title>
      <Card size="small">
        <Space wrap>
          <Typography.Text type="secondary">{t('assigned.intro')}</Typography.Text>
          <Space size={4}>
            {activityStatusOrder.map((s) => (
              <ActivityStatusTag key={s} status={s} />
            ))}
          </Space>
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} onClick={() => void refresh()} aria-label={t('common.refresh')} />
          </Tooltip>
        </Space>
      </Card>
      {list.isError && <Alert type="error" showIcon title={errorText(list.error)} />}
      <Table<CampaignActivityView>
        data-testid="assigned-table"
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data ?? []}
        scroll={{ x: 1200 }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('assigned.empty') }}
      />
    </Space>
  );
}
