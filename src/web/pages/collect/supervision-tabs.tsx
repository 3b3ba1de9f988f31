import { ReloadOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Result, Select, Space, Spin, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { TFunction } from 'i18next';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { submissionKeys } from '../../api/submissions';
import { fetchReminders, fetchTimeline, saveReminderSettings, supervisionKeys } from '../../api/supervision';
import type { ReminderView, TaskDetail } from '../../api/types';
import { useLanguage } from '../../app/language';
import { BurnUpChart } from '../../components/burn-up-chart';
import { formatDay } from '../../lib/dates';
import { useErrorText, useReportError } from '../../lib/errors';
import { formatDateTime } from '../../lib/labels';

function ErrorResult({ error }: { error: unknown }) {
  const errorText = useErrorText();
  const status = error instanceof ApiError ? error.status : 0;
  return <Result status={status === 403 ? '403' : status === 404 ? '404' : 'error'} title={errorText(error)} />;
}

/** 报送进度: the burn-up chart, and the days as a table beneath. */
export function TimelineTab({ taskId }: { taskId: number }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const timeline = useQuery({ queryKey: supervisionKeys.timeline(taskId), queryFn: () => fetchTimeline(taskId), staleTime: 0 });
  if (timeline.isError) return <ErrorResult error={timeline.error} />;
  if (!timeline.data) return <Spin />;
  const view = timeline.data;
  const last = view.days[view.days.length - 1];
  const withSubmissions = view.days.filter((d) => d.onTime + d.late > 0);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        size="small"
        title={t('timeline.title')}
        extra={<Button size="small" icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => void timeline.refetch()} />}
      >
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {t('timeline.summary', { owed: view.owed, submitted: last?.submitted ?? 0, deadline: formatDay(view.deadline, language) })}
        </Typography.Paragraph>
        <div data-testid="timeline-chart" data-owed={view.owed} data-submitted={last?.submitted ?? 0}>
          <BurnUpChart view={view} />
        </div>
      </Card>
      <Table
        size="small"
        rowKey="date"
        data-testid="timeline-table"
        dataSource={withSubmissions}
        pagination={false}
        locale={{ emptyText: t('timeline.empty') }}
        columns={[
          { key: 'date', title: t('timeline.date'), render: (_: unknown, d) => formatDay(d.date, language) },
          { key: 'onTime', dataIndex: 'onTime', title: t('timeline.onTime'), align: 'right' },
          { key: 'late', dataIndex: 'late', title: t('timeline.late'), align: 'right' },
          { key: 'submitted', dataIndex: 'submitted', title: t('timeline.cumulative'), align: 'right' },
        ]}
      />
    </Space>
  );
}

/** 'manual', 'before_3d', 'overdue' … in words. */
export function reminderKindText(kind: string, t: TFunction) {
  const before = /^before_(\d+)d$/.exec(kind);
  if (before) return t('reminders.kinds.before', { days: Number(before[1]) });
  if (kind === 'manual' || kind === 'overdue') return t(`reminders.kinds.${kind}`);
  return kind;
}

/** 催办记录: every reminder sent for the task, by hand or automatically, and when it was read. */
export function RemindersTab({ taskId }: { taskId: number }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const reminders = useQuery({ queryKey: supervisionKeys.reminders(taskId), queryFn: () => fetchReminders(taskId), staleTime: 0 });
  if (reminders.isError) return <ErrorResult error={reminders.error} />;
  const columns: TableColumnsType<ReminderView> = [
    { key: 'unit', dataIndex: 'unitName', title: t('reminders.unit') },
    {
      key: 'kind',
      title: t('reminders.kind'),
      render: (_: unknown, r) => (
        <Space size={4}>
          <span>{reminderKindText(r.kind, t)}</span>
          <Tag color={r.auto ? 'blue' : 'purple'} data-testid="reminder-auto" data-auto={r.auto ? 'true' : 'false'}>
            {r.auto ? t('reminders.auto') : t('reminders.manual')}
          </Tag>
        </Space>
      ),
    },
    { key: 'sentBy', title: t('reminders.sentBy'), render: (_: unknown, r) => r.sentBy ?? (r.auto ? t('reminders.system') : t('common.none')) },
    { key: 'sentAt', title: t('reminders.sentAt'), render: (_: unknown, r) => formatDateTime(r.sentAt, language) },
    {
      key: 'readAt',
      title: t('reminders.readAt'),
      render: (_: unknown, r) => (r.readAt ? formatDateTime(r.readAt, language) : <Tag>{t('reminders.unread')}</Tag>),
    },
  ];
  return (
    <Card size="small" title={t('reminders.title')} extra={<Button size="small" icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => void reminders.refetch()} />}>
      <Table<ReminderView>
        size="small"
        data-testid="reminders-table"
        rowKey={(r) => `${r.unitId}:${r.kind}:${r.sentAt}`}
        loading={reminders.isFetching}
        dataSource={reminders.data ?? []}
        columns={columns}
        onRow={(r) => ({ 'data-testid': 'reminder-row', 'data-unit-id': r.unitId, 'data-kind': r.kind }) as HTMLAttributes<HTMLElement>}
        pagination={{ pageSize: 20, showTotal: (total) => t('common.total', { count: total }) }}
        locale={{ emptyText: t('reminders.empty') }}
      />
    </Card>
  );
}

interface SettingsValues {
  enabled: boolean;
  daysBefore: number[];
  time: string;
  overdue: boolean;
}

const dayChoices = [1, 2, 3, 5, 7, 10, 14];

/**
 * 自动提醒: the days before the deadline and the hour at which units that have not submitted are
 * reminded, and once more after the deadline. Saved with the task's version: a change made
 * meanwhile by someone else is refused rather than overwritten.
 */
export function ReminderSettingsTab({ detail }: { detail: TaskDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const reportError = useReportError();
  const [form] = Form.useForm<SettingsValues>();
  const taskId = detail.task.id;
  // The version of what this form shows: advanced by each save, so saving twice needs no reload.
  const [version, setVersion] = useState(detail.task.version);
  const initial: SettingsValues | null = detail.task.reminderSettings;
  const enabled = Form.useWatch('enabled', form) ?? initial?.enabled;

  const save = useMutation({
    mutationFn: (values: SettingsValues) =>
      saveReminderSettings(taskId, {
        enabled: values.enabled,
        daysBefore: [...new Set(values.daysBefore)].sort((a, b) => b - a),
        time: values.time.trim(),
        overdue: values.overdue,
        version,
      }),
    onSuccess: ({ version: next, ...settings }) => {
      setVersion(next);
      form.setFieldsValue(settings);
      void queryClient.invalidateQueries({ queryKey: submissionKeys.task(taskId) });
      void message.success(t('reminderSettings.saved'));
    },
    onError: (error) => reportError(error, form),
  });

  return (
    <Card size="small" title={t('reminderSettings.title')}>
      <Typography.Paragraph type="secondary">{t('reminderSettings.intro')}</Typography.Paragraph>
      <Form<SettingsValues> form={form} layout="vertical" initialValues={initial ?? undefined} onFinish={(values) => save.mutate(values)} data-testid="reminder-settings-form" style={{ maxWidth: 560 }}>
        <Form.Item name="enabled" label={t('reminderSettings.enabled')} valuePropName="checked">
          <Switch data-testid="reminder-settings-enabled" />
        </Form.Item>
        <Form.Item
          name="daysBefore"
          label={t('reminderSettings.daysBefore')}
          extra={t('reminderSettings.daysBeforeHint')}
          rules={[{ type: 'array', max: 5, message: t('reminderSettings.daysBeforeMax') }]}
        >
          <Select
            mode="multiple"
            disabled={!enabled}
            data-testid="reminder-settings-days"
            options={dayChoices.map((d) => ({ value: d, label: t('reminderSettings.dayOption', { count: d }) }))}
          />
        </Form.Item>
        <Form.Item
          name="time"
          label={t('reminderSettings.time')}
          extra={t('reminderSettings.timeHint')}
          rules={[{ required: true, pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: t('reminderSettings.timeFormat') }]}
        >
          <Input style={{ width: 120 }} maxLength={5} disabled={!enabled} placeholder="10:00" data-testid="reminder-settings-time" />
        </Form.Item>
        <Form.Item name="overdue" label={t('reminderSettings.overdue')} valuePropName="checked" extra={t('reminderSettings.overdueHint')}>
          <Switch disabled={!enabled} data-testid="reminder-settings-overdue" />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={save.isPending} data-testid="reminder-settings-save">
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
