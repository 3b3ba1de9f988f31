import { ReloadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Radio, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchMyTasks, submissionKeys, type MyTasksState } from '../../api/submissions';
import type { MyTask } from '../../api/types';
import { useLanguage } from '../../app/language';
import { chinaDay, formatDay } from '../../lib/dates';
import { useErrorText } from '../../lib/errors';
import { SubmissionStatusTag } from './submission-labels';

const pendingStatuses = new Set<MyTask['status']>(['not_started', 'draft', 'returned']);

/** 我的填报任务: what my units must submit, with status and deadline (逾期 in red). */
export default function MyTasksPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [state, setState] = useState<MyTasksState>('open');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const list = useQuery({ queryKey: submissionKeys.myTasks(state, page, pageSize), queryFn: () => fetchMyTasks(state, page, pageSize), staleTime: 0 });
  const [now] = useState(() => Date.now());

  const columns: TableColumnsType<MyTask> = [
    {
      key: 'title',
      title: t('tasks.title'),
      render: (_: unknown, task) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/tasks/${task.taskId}`} data-testid="my-task-link">
            {task.title}
          </Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            <Link to={`/notices/${task.noticeId}`} className="hj-muted-link">
              {task.noticeTitle}
            </Link>
          </Typography.Text>
        </Space>
      ),
    },
    { key: 'issuer', dataIndex: 'issuerName', title: t('tasks.issuer'), width: 160 },
    { key: 'unit', dataIndex: 'unitName', title: t('tasks.unit'), width: 150 },
    {
      key: 'deadline',
      title: t('tasks.deadline'),
      width: 190,
      render: (_: unknown, task) => {
        const overdue = pendingStatuses.has(task.status) && now > new Date(task.deadline).getTime();
        return (
          <Space size={4} wrap>
            <span className={overdue ? 'hj-overdue' : undefined} data-testid="my-task-deadline">
              {formatDay(chinaDay(task.deadline), language)}
            </span>
            {overdue && (
              <Tag color="red" data-testid="my-task-overdue">
                {t('tasks.overdue')}
              </Tag>
            )}
          </Space>
        );
      },
    },
    { key: 'status', title: t('tasks.status'), width: 110, render: (_: unknown, task) => <SubmissionStatusTag status={task.status} data-testid="my-task-status" /> },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 110,
      render: (_: unknown, task) => (
        <Link to={`/tasks/${task.taskId}`}>
          <Button size="small" type={pendingStatuses.has(task.status) ? 'primary' : 'default'}>
            {pendingStatuses.has(task.status) ? t('tasks.fill') : t('tasks.view')}
          </Button>
        </Link>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('tasks.pageTitle')}
      </Typography.Title>
      <Card size="small">
        <Space wrap>
          <Radio.Group
            optionType="button"
            value={state}
            data-testid="my-tasks-state"
            onChange={(e) => {
              setState(e.target.value as MyTasksState);
              setPage(1);
            }}
            options={[
              { value: 'open', label: t('tasks.stateOpen') },
              { value: 'all', label: t('tasks.stateAll') },
            ]}
          />
          <Typography.Text type="secondary">{t('tasks.intro')}</Typography.Text>
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => void queryClient.invalidateQueries({ queryKey: submissionKeys.all, predicate: (q) => q.queryKey[1] === 'my-tasks' })} />
          </Tooltip>
        </Space>
      </Card>
      {list.isError && <Alert type="error" showIcon title={errorText(list.error)} />}
      <Table<MyTask>
        data-testid="my-tasks-table"
        rowKey={(task) => `${task.taskId}:${task.unitId}`}
        size="middle"
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 900 }}
        locale={{ emptyText: state === 'open' ? t('tasks.emptyOpen') : t('tasks.empty') }}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { count: total }),
          onChange: (next, size) => {
            setPage(size !== pageSize ? 1 : next);
            setPageSize(size);
          },
        }}
      />
    </Space>
  );
}
