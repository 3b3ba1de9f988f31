import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Form, Input, InputNumber, Modal, Space, Table, Tag, Typography, type ButtonProps, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { CallBody } from '../../../shared/contracts/contributions';
import { contributionKinds, type ContributionKind, type ContributionStatus } from '../../../shared/domain/contributions';
import { api } from '../../api/client';
import { applyProblemToForm, useErrorText } from '../../lib/errors';

export interface Call {
  id: number;
  title: string;
  kinds: ContributionKind[];
  opensAt: string;
  closesAt: string;
  status: 'draft' | 'published' | 'withdrawn';
  open: boolean;
  counts: Record<ContributionStatus, number>;
  manages: boolean;
  version: number;
}
interface Work {
  id: number;
  kind: ContributionKind;
  title: string;
  creditName: string;
  workUnit: string;
  email: string;
  letterText: string | null;
  file: { name: string; contentType: string } | null;
  mediaUrl: string | null;
  status: ContributionStatus;
  decisionReason: string | null;
  version: number;
}

export const callColors: Record<Call['status'], string> = { draft: 'default', published: 'success', withdrawn: 'warning' };
const workColors: Record<ContributionStatus, string> = { pending: 'processing', approved: 'success', rejected: 'error', withdrawn: 'warning' };
const chinaTime = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

/** /campaigns/:id/contributions — 作品征集: calls on the column and moderation of the works the public sends. */
export default function ContributionsPage() {
  const { t } = useTranslation();
  const campaignId = Number(useParams().id);
  const errorText = useErrorText();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const calls = useQuery({ queryKey: ['contribution-calls', campaignId], queryFn: () => api.get<Call[]>(`/showcase/campaigns/${campaignId}/contribution-calls`) });
  const act = useMutation({
    mutationFn: ({ call, action }: { call: Call; action: 'publish' | 'withdraw' }) => api.post(`/contribution-calls/${call.id}/${action}`, { version: call.version }),
    onSuccess: async () => {
      void message.success(t('common.saved'));
      await queryClient.invalidateQueries({ queryKey: ['contribution-calls', campaignId] });
    },
    onError: (error) => void message.error(errorText(error)),
  });
  const columns: TableColumnsType<Call> = [
    { title: t('contributions.callTitle'), dataIndex: 'title', render: (v: string, call) => <a href={`/contribute/${call.id}`} target="_blank" rel="noreferrer" data-testid="call-row-title">{v}</a> },
    { title: t('contributions.window'), width: 190, render: (_, call) => `${chinaTime(call.opensAt)} — ${chinaTime(call.closesAt)}` },
    { title: t('contributions.status'), width: 100, render: (_, call) => <Tag color={callColors[call.status]} data-testid="call-status">{t(`contributions.callStatuses.${call.status}`)}</Tag> },
    { title: t('contributions.pending'), width: 90, render: (_, call) => call.counts.pending },
    {
      title: t('common.actions'),
      width: 240,
      render: (_, call) => (
        <Space wrap>
          <Button size="small" type={selected === call.id ? 'primary' : 'default'} onClick={() => setSelected(call.id)} data-testid="call-works">
            {t('contributions.works')}
          </Button>
          {call.status === 'published' ? (
            <Button size="small" danger onClick={() => act.mutate({ call, action: 'withdraw' })} data-testid="call-withdraw">
              {t('contributions.withdrawCall')}
            </Button>
          ) : (
            <Button size="small" onClick={() => act.mutate({ call, action: 'publish' })} data-testid="call-publish">
              {t('contributions.publishCall')}
            </Button>
          )}
        </Space>
      ),
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card
        title={t('contributions.title')}
        extra={
          <Button type="primary" onClick={() => setCreating(true)} data-testid="call-new">
            {t('contributions.newCall')}
          </Button>
        }
        data-testid="contributions-page"
      >
        <Typography.Paragraph type="secondary">
          {t('contributions.intro')} <Link to={`/campaigns/${campaignId}`}>{t('contributions.back')}</Link>
        </Typography.Paragraph>
        {calls.error && <Alert type="error" showIcon message={errorText(calls.error)} />}
        <Table<Call> rowKey="id" size="middle" loading={calls.isFetching} dataSource={calls.data ?? []} columns={columns} pagination={false} scroll={{ x: 700 }} />
      </Card>
      {selected !== null && <WorksCard key={selected} callId={selected} callsKey={['contribution-calls', campaignId]} />}
      {creating && <CallModal campaignId={campaignId} onClose={() => setCreating(false)} />}
    </Space>
  );
}

/** The works sent to one call, with approve / reject / withdraw for those who moderate it. */
export function WorksCard({ callId, callsKey }: { callId: number; callsKey: readonly unknown[] }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [deciding, setDeciding] = useState<{ work: Work; action: 'reject' | 'withdraw' } | null>(null);
  const works = useQuery({ queryKey: ['contributions', callId], queryFn: () => api.get<{ total: number; moderates: boolean; items: Work[] }>(`/contribution-calls/${callId}/contributions?pageSize=100`) });
  const decide = useMutation({
    mutationFn: ({ work, action, reason }: { work: Work; action: 'approve' | 'reject' | 'withdraw'; reason?: string }) =>
      api.post(`/contributions/${work.id}/${action}`, action === 'approve' ? { version: work.version } : { version: work.version, reason }),
    onSuccess: async () => {
      void message.success(t('common.saved'));
      setDeciding(null);
      await queryClient.invalidateQueries({ queryKey: ['contributions', callId] });
      await queryClient.invalidateQueries({ queryKey: callsKey });
    },
    onError: (error) => void message.error(errorText(error)),
  });
  const moderates = works.data?.moderates ?? false;
  const columns: TableColumnsType<Work> = [
    {
      title: t('contributions.work'),
      render: (_, w) => (
        <Space direction="vertical" size={2}>
          <Typography.Text strong data-testid="work-row-title">
            {w.title}
          </Typography.Text>
          <Typography.Text type="secondary">
            {t(`contributions.kinds.${w.kind}`)} · {w.creditName} · {w.workUnit}
          </Typography.Text>
          {w.letterText && <Typography.Paragraph ellipsis={{ rows: 3, expandable: true }} style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{w.letterText}</Typography.Paragraph>}
          {w.kind === 'photo' && w.mediaUrl && <img src={w.mediaUrl} alt={w.title} style={{ maxWidth: 200, maxHeight: 150 }} />}
          {w.kind === 'video' && w.mediaUrl && <video src={w.mediaUrl} controls preload="metadata" style={{ maxWidth: 260 }} />}
          {w.decisionReason && <Typography.Text type="secondary">{t('contributions.reason')}：{w.decisionReason}</Typography.Text>}
        </Space>
      ),
    },
    { title: t('contributions.email'), dataIndex: 'email', width: 200 },
    { title: t('contributions.status'), width: 100, render: (_, w) => <Tag color={workColors[w.status]} data-testid="work-status">{t(`contributions.statuses.${w.status}`)}</Tag> },
    {
      title: t('common.actions'),
      width: 200,
      render: (_, w) =>
        moderates && (
          <Space wrap>
            {(w.status === 'pending' || w.status === 'rejected') && (
              <Button size="small" type="primary" loading={decide.isPending} onClick={() => decide.mutate({ work: w, action: 'approve' })} data-testid="work-approve">
                {t('contributions.approve')}
              </Button>
            )}
            {w.status === 'pending' && (
              <Button size="small" danger onClick={() => setDeciding({ work: w, action: 'reject' })} data-testid="work-reject">
                {t('contributions.reject')}
              </Button>
            )}
            {w.status === 'approved' && (
              <Button size="small" danger onClick={() => setDeciding({ work: w, action: 'withdraw' })} data-testid="work-withdraw">
                {t('contributions.withdraw')}
              </Button>
            )}
          </Space>
        ),
    },
  ];
  return (
    <Card title={t('contributions.worksTitle')} data-testid="contribution-works">
      <Typography.Paragraph type="secondary">{t('contributions.moderationHint')}</Typography.Paragraph>
      {works.error && <Alert type="error" showIcon message={errorText(works.error)} />}
      <Table<Work> rowKey="id" size="middle" loading={works.isFetching} dataSource={works.data?.items ?? []} columns={columns} pagination={false} scroll={{ x: 700 }} />
      {deciding && <ReasonModal action={deciding.action} pending={decide.isPending} onCancel={() => setDeciding(null)} onOk={(reason) => decide.mutate({ ...deciding, reason })} />}
    </Card>
  );
}

function ReasonModal({ action, pending, onCancel, onOk }: { action: 'reject' | 'withdraw'; pending: boolean; onCancel: () => void; onOk: (reason: string) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <Modal open title={t(action === 'reject' ? 'contributions.reject' : 'contributions.withdraw')} onCancel={onCancel} onOk={() => form.submit()} okButtonProps={{ loading: pending, 'data-testid': 'reason-ok' } as ButtonProps} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={(values) => onOk(values.reason)}>
        <Form.Item name="reason" label={t('contributions.reason')} extra={t('contributions.reasonHint')} rules={[{ required: true, min: 2, max: 500 }]}>
          <Input.TextArea rows={3} maxLength={500} data-testid="reason-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface CallForm {
  title: string;
  description: string;
  kinds: ContributionKind[];
  letterWordLimit: number;
  videoMaxMb: number;
  photoMaxMb: number;
  opensAt: string;
  closesAt: string;
}

/** datetime-local in China time → ISO with +08:00. */
const fromLocal = (value: string) => (value ? `${value}:00+08:00` : value);

function CallModal({ campaignId, onClose }: { campaignId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<CallForm>();
  const save = useMutation({
    mutationFn: (values: CallForm) => {
      const body: CallBody = { ...values, description: values.description ?? '', opensAt: fromLocal(values.opensAt), closesAt: fromLocal(values.closesAt) };
      return api.post(`/showcase/campaigns/${campaignId}/contribution-calls`, body);
    },
    onSuccess: async () => {
      void message.success(t('common.saved'));
      await queryClient.invalidateQueries({ queryKey: ['contribution-calls', campaignId] });
      onClose();
    },
    onError: (error) => applyProblemToForm(form, error),
  });
  return (
    <Modal open title={t('contributions.newCall')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: save.isPending, 'data-testid': 'call-save' } as ButtonProps} width={640} destroyOnHidden>
      <Form<CallForm> form={form} layout="vertical" initialValues={{ kinds: ['photo', 'letter'], letterWordLimit: 800, videoMaxMb: 100, photoMaxMb: 5, description: '' }} onFinish={(values) => save.mutate(values)}>
        <Form.Item name="title" label={t('contributions.callTitle')} rules={[{ required: true, min: 2, max: 100 }]}>
          <Input maxLength={100} data-testid="call-title-input" />
        </Form.Item>
        <Form.Item name="description" label={t('contributions.description')}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item name="kinds" label={t('contributions.kindsField')} rules={[{ required: true }]}>
          <Checkbox.Group options={contributionKinds.map((k) => ({ value: k, label: t(`contributions.kinds.${k}`) }))} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="letterWordLimit" label={t('contributions.letterWordLimit')}>
            <InputNumber min={50} max={5000} />
          </Form.Item>
          <Form.Item name="videoMaxMb" label={t('contributions.videoMaxMb')}>
            <InputNumber min={1} max={200} />
          </Form.Item>
          <Form.Item name="photoMaxMb" label={t('contributions.photoMaxMb')}>
            <InputNumber min={1} max={5} />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="opensAt" label={t('contributions.opensAt')} rules={[{ required: true }]}>
            <Input type="datetime-local" data-testid="call-opens" />
          </Form.Item>
          <Form.Item name="closesAt" label={t('contributions.closesAt')} rules={[{ required: true }]}>
            <Input type="datetime-local" data-testid="call-closes" />
          </Form.Item>
        </Space>
      </Form>
      {save.error && <Alert type="error" showIcon message={errorText(save.error)} />}
    </Modal>
  );
}
