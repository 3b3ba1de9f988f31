import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Space, Statistic, Switch, Table, Tag, Typography, type InputRef, type TableColumnsType } from 'antd';
import { CameraOutlined } from '@ant-design/icons';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { ActivitySignupsView, CheckInView, SignupSettingsBody } from '../../../shared/contracts/signups';
import { api } from '../../api/client';
import { DateInput } from '../../components/date-input';
import { ForbiddenResult } from '../../components/status-pages';
import { CameraScanner } from './camera-scanner';
import { applyProblemToForm, useErrorText } from '../../lib/errors';
import { hasAnyRole, submitterRoles, useRequiredSession } from '../../session/session';

type Item = ActivitySignupsView['items'][number];
const statusColors: Record<string, string> = { confirmed: 'success', waitlisted: 'warning', cancelled: 'default' };

/** The China day of an instant ('YYYY-MM-DD'). */
const chinaDay = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const chinaTime = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

/** /publishing/activities/:id/signups — 报名管理: settings, check-in at the door, the attendee list. */
export default function SignupsPage() {
  const session = useRequiredSession();
  if (!hasAnyRole(session, submitterRoles)) return <ForbiddenResult />;
  return <Signups />;
}

function Signups() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const errorText = useErrorText();
  const [status, setStatus] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const view = useQuery({
    queryKey: ['signups', id, status, page],
    queryFn: () => api.get<ActivitySignupsView>(`/showcase/activities/${id}/signups`, { query: { status, page, pageSize: 50 } }),
    placeholderData: keepPreviousData,
  });
  if (view.error) return <Alert type="error" showIcon message={errorText(view.error)} />;
  const data = view.data;
  const columns: TableColumnsType<Item> = [
    { title: t('signups.name'), dataIndex: 'attendeeName', render: (v: string) => <span data-testid="signup-name">{v}</span> },
    { title: t('signups.mobile'), dataIndex: 'mobile', width: 140 },
    { title: t('signups.affiliation'), dataIndex: 'affiliation', render: (v: string | null) => v ?? t('common.none') },
    {
      title: t('signups.status'),
      width: 150,
      render: (_, item) => (
        <Space size={4}>
          <Tag color={statusColors[item.status]} data-testid="signup-status">
            {t(`signups.statuses.${item.status}`)}
          </Tag>
          {item.position !== null && <Typography.Text type="secondary">{t('signups.position', { n: item.position })}</Typography.Text>}
        </Space>
      ),
    },
    { title: t('signups.signedUpAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => chinaTime(v) },
    { title: t('signups.checkedInAt'), dataIndex: 'checkedInAt', width: 150, render: (v: string | null) => (v ? chinaTime(v) : t('common.none')) },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle" data-testid="signups-page">
      <Link to="/publishing">‹ {t('signups.back')}</Link>
      <Card title={data ? t('signups.title', { title: data.title }) : t('signups.manage')} loading={!data}>
        {data && (
          <Space direction="vertical" style={{ width: '100%' }}>
            {!data.published && <Alert type="info" showIcon message={t('signups.notPublished')} />}
            {!data.organiser && <Alert type="warning" showIcon message={t('signups.masked')} />}
            <Space size="large" wrap data-testid="signup-counts">
              <Statistic title={t('signups.capacity')} value={data.settings?.capacity ?? 0} />
              <Statistic title={t('signups.confirmed')} value={data.counts.confirmed} />
              <Statistic title={t('signups.waitlisted')} value={data.counts.waitlisted} />
              <Statistic title={t('signups.checkedIn')} value={data.counts.checkedIn} />
              <Tag color={data.settings?.open ? 'success' : 'default'}>{data.settings ? (data.settings.open ? t('signups.open') : t('signups.closed')) : t('signups.noSettings')}</Tag>
            </Space>
          </Space>
        )}
      </Card>
      {data?.organiser && <CheckIn activityId={id} />}
      {data?.organiser && <Settings activityId={id} settings={data.settings} />}
      <Card title={t('signups.list')}>
        <Select
          allowClear
          style={{ width: 200, marginBottom: 12 }}
          placeholder={t('signups.allStatuses')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={(['confirmed', 'waitlisted', 'cancelled'] as const).map((s) => ({ value: s, label: t(`signups.statuses.${s}`) }))}
        />
        <Table<Item>
          rowKey="id"
          size="middle"
          loading={view.isFetching}
          dataSource={data?.items ?? []}
          columns={columns}
          scroll={{ x: 800 }}
          pagination={{ current: page, pageSize: 50, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        />
      </Card>
    </Space>
  );
}

function CheckIn({ activityId }: { activityId: number }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const input = useRef<InputRef>(null);
  const checkIn = useMutation({
    mutationFn: (signupCode: string) => api.post<CheckInView>(`/showcase/activities/${activityId}/check-ins`, { signupCode }),
    onSettled: async () => {
      setCode('');
      input.current?.focus();
      await queryClient.invalidateQueries({ queryKey: ['signups', activityId] });
    },
  });
  const submit = () => {
    if (code.trim()) checkIn.mutate(code.trim());
  };
  const [camera, setCamera] = useState(false);
  // The attendee keeps the phone in front of the camera for a moment: one check-in per code and pause.
  const lastScan = useRef({ code: '', at: 0 });
  const scanned = (text: string) => {
    const now = Date.now();
    if (text === lastScan.current.code && now - lastScan.current.at < 5000) return;
    lastScan.current = { code: text, at: now };
    checkIn.mutate(text.trim());
  };
  const result = checkIn.data;
  return (
    <Card title={t('signups.checkIn')}>
      <Typography.Paragraph type="secondary">{t('signups.checkInHint')}</Typography.Paragraph>
      <Space.Compact style={{ maxWidth: 420, width: '100%' }}>
        <Input ref={input} autoFocus value={code} onChange={(e) => setCode(e.target.value)} onPressEnter={submit} placeholder={t('signups.codePlaceholder')} maxLength={40} data-testid="checkin-code" />
        <Button type="primary" onClick={submit} loading={checkIn.isPending} data-testid="checkin-submit">
          {t('signups.checkInButton')}
        </Button>
      </Space.Compact>
      <div style={{ marginTop: 12 }}>
        {camera ? (
          <CameraScanner onCode={scanned} onClose={() => setCamera(false)} />
        ) : (
          <Button icon={<CameraOutlined />} onClick={() => setCamera(true)} data-testid="camera-open">
            {t('signups.cameraOpen')}
          </Button>
        )}
      </div>
      <div style={{ marginTop: 12 }} data-testid="checkin-result">
        {checkIn.error && <Alert type="error" showIcon message={errorText(checkIn.error)} />}
        {result && !checkIn.error && (
          <Alert
            type={result.already ? 'warning' : 'success'}
            showIcon
            message={result.already ? t('signups.alreadyCheckedIn', { name: result.attendeeName, time: chinaTime(result.checkedInAt) }) : t('signups.checkedInOk', { name: result.attendeeName })}
            description={result.affiliation ?? undefined}
          />
        )}
      </div>
    </Card>
  );
}

interface SettingsForm {
  enabled: boolean;
  capacity: number;
  /** The last day ('YYYY-MM-DD'); sign-up closes at its end, China time. */
  deadline: string;
}

function Settings({ activityId, settings }: { activityId: number; settings: ActivitySignupsView['settings'] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<SettingsForm>();
  const save = useMutation({
    mutationFn: (values: SettingsForm) => {
      const body: SignupSettingsBody = {
        enabled: values.enabled,
        capacity: values.capacity,
        deadline: `${values.deadline}T23:59:59+08:00`,
        ...(settings ? { version: settings.version } : {}),
      };
      return api.put(`/showcase/activities/${activityId}/signup-settings`, body);
    },
    onSuccess: async () => {
      void message.success(t('signups.settingsSaved'));
      await queryClient.invalidateQueries({ queryKey: ['signups', activityId] });
    },
    onError: (error) => {
      applyProblemToForm(form, error);
    },
  });
  return (
    <Card title={t('signups.settings')}>
      <Form<SettingsForm>
        key={settings?.version ?? 0}
        form={form}
        layout="inline"
        initialValues={{ enabled: settings?.enabled ?? true, capacity: settings?.capacity ?? 100, deadline: settings ? chinaDay(settings.deadline) : undefined }}
        onFinish={(values) => save.mutate(values)}
      >
        <Form.Item name="enabled" label={t('signups.enabled')} valuePropName="checked">
          <Switch data-testid="signup-enabled" />
        </Form.Item>
        <Form.Item name="capacity" label={t('signups.capacity')} rules={[{ required: true }]}>
          <InputNumber min={1} max={100000} precision={0} data-testid="signup-capacity" />
        </Form.Item>
        <Form.Item name="deadline" label={t('signups.deadline')} rules={[{ required: true }]} extra={t('signups.deadlineHint')}>
          <DateInput data-testid="signup-deadline" />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="signup-save">
            {t('signups.saveSettings')}
          </Button>
        </Form.Item>
      </Form>
      {save.error && <Alert style={{ marginTop: 8 }} type="error" showIcon message={errorText(save.error)} />}
    </Card>
  );
}
