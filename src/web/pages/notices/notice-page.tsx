import {
  ApartmentOutlined,
  CheckOutlined,
  FormOutlined,
  InboxOutlined,
  DownloadOutlined,
  EditOutlined,
  FileAddOutlined,
  RollbackOutlined,
  SendOutlined,
  ShareAltOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Radio, Result, Space, Spin, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { approvalBody, withdrawBody } from '../../../shared/contracts/notices';
import { api, ApiError } from '../../api/client';
import { fetchNotice, noticeKeys, noticeLinks } from '../../api/notices';
import type { NoticeTaskView, NoticeView, NotificationList } from '../../api/types';
import { useLanguage } from '../../app/language';
import { DateInput } from '../../components/date-input';
import { formatDay } from '../../lib/dates';
import { baseDetail, useErrorText, useReportError } from '../../lib/errors';
import { formatDateTime } from '../../lib/labels';
import { contractRules, labelOf, validationText } from '../../lib/validation';
import { campaignManagerRoles, hasAnyRole, useRequiredSession } from '../../session/session';
import { NoticeDocument } from './notice-document';
import { NoticeKindTag, NoticeStatusTag, quotedTitle } from './notice-labels';

/** One notice: the official document, its state for my unit, and what I may do with it. */
export default function NoticePage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const notice = useQuery({ queryKey: noticeKeys.detail(id), queryFn: () => fetchNotice(id), enabled: valid, staleTime: 0 });
  const loaded = notice.isSuccess;

  // Opening a notice marks it read for my unit: the inbox and its badge change, and the bell's
  // notifications about it are read too.
  useEffect(() => {
    if (!loaded) return;
    void queryClient.invalidateQueries({ queryKey: noticeKeys.inboxAll });
    const about = (queryClient.getQueryData<NotificationList>(noticeKeys.notifications)?.items ?? []).filter((n) => !n.readAt && n.link === `/notices/${id}`);
    if (about.length > 0) {
      void api
        .post('/notifications/read', { ids: about.map((n) => n.id) })
        .then(() => queryClient.invalidateQueries({ queryKey: noticeKeys.notifications }))
        .catch(() => undefined);
    }
  }, [loaded, id, queryClient]);

  if (!valid) return <Result status="404" title={t('app.notFound')} />;
  if (notice.isPending) return <Spin />;
  if (notice.isError) {
    return <Result status={notice.error instanceof ApiError && notice.error.status === 404 ? '404' : 'error'} title={errorText(notice.error)} />;
  }
  return <NoticeDetail notice={notice.data} />;
}

type Dialog = { kind: 'withdraw' } | { kind: 'approval' } | { kind: 'deadline'; task: NoticeTaskView } | null;

function NoticeDetail({ notice }: { notice: NoticeView }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const reportError = useReportError();
  const [dialog, setDialog] = useState<Dialog>(null);
  const published = notice.status === 'issued' || notice.status === 'withdrawn';
  const receipt = notice.receipt;

  const updated = (view: NoticeView) => {
    queryClient.setQueryData(noticeKeys.detail(view.id), view);
    void queryClient.invalidateQueries({ queryKey: noticeKeys.inboxAll });
    void queryClient.invalidateQueries({ queryKey: noticeKeys.all, predicate: (q) => q.queryKey[1] === 'list' || q.queryKey[1] === 'cascade' });
  };

  const acknowledge = useMutation({
    mutationFn: () => api.post<NoticeView>(`/notices/${notice.id}/acknowledge`),
    onSuccess: (view) => {
      void message.success(t('noticeView.acknowledged'));
      updated(view);
    },
    onError: (error) => reportError(error),
  });

  const forward = useMutation({
    mutationFn: () => api.post<NoticeView>(`/notices/${notice.id}/forward`, {}),
    onSuccess: (draft) => {
      queryClient.setQueryData(noticeKeys.detail(draft.id), draft);
      void queryClient.invalidateQueries({ queryKey: noticeKeys.detail(notice.id) });
      void queryClient.invalidateQueries({ queryKey: noticeKeys.inboxAll });
      void navigate(`/notices/${draft.id}/edit`);
    },
    onError: (error) => reportError(error),
  });

  // The cascade is for the issuer's side and the levels above (not for recipients or co-issuers).
  const session = useRequiredSession();
  const coIssuer = notice.coIssuers.some((c) => session.grants.some((g) => g.unitId === c.unitId));
  const canSeeCascade = published && (notice.canWithdraw || (receipt === null && !coIssuer));

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="notice-view">
      <Card size="small">
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          <Space wrap>
            <NoticeStatusTag status={notice.status} />
            <NoticeKindTag kind={notice.kind} />
            <Typography.Text type="secondary">
              {notice.issuerName}
              {notice.issuedAt && ` · ${t('noticeView.issuedAt', { time: formatDateTime(notice.issuedAt, language) })}`}
            </Typography.Text>
          </Space>
          <Space wrap>
            {receipt?.canAcknowledge && (
              <Button type="primary" icon={<CheckOutlined />} loading={acknowledge.isPending} onClick={() => acknowledge.mutate()} data-testid="notice-acknowledge">
                {t('noticeView.acknowledge')}
              </Button>
            )}
            {receipt?.canForward && (
              <Button icon={<ShareAltOutlined />} loading={forward.isPending} onClick={() => forward.mutate()} data-testid="notice-forward">
                {t('noticeView.forward')}
              </Button>
            )}
            {notice.canEdit && (
              <Link to={`/notices/${notice.id}/edit`}>
                <Button type="primary" icon={<EditOutlined />} data-testid="notice-edit">
                  {t('common.edit')}
                </Button>
              </Link>
            )}
            {notice.canApprove && (
              <Button type="primary" icon={<SendOutlined />} onClick={() => setDialog({ kind: 'approval' })} data-testid="notice-approve">
                {t('noticeView.approve')}
              </Button>
            )}
            {canSeeCascade && (
              <Link to={`/notices/${notice.id}/cascade`} data-testid="notice-cascade-link">
                <Button icon={<ApartmentOutlined />}>{t('noticeView.cascade')}</Button>
              </Link>
            )}
            <Button icon={<DownloadOutlined />} href={noticeLinks.docx(notice.id)} download data-testid="notice-download-docx">
              {t('noticeView.downloadDocx')}
            </Button>
            <Button icon={<DownloadOutlined />} href={noticeLinks.pdf(notice.id)} download data-testid="notice-download-pdf">
              {t('noticeView.downloadPdf')}
            </Button>
            {notice.canWithdraw && notice.status === 'issued' && (
              <Link to={`/notices/new?supplements=${notice.id}`}>
                <Button icon={<FileAddOutlined />} data-testid="notice-supplement">
                  {t('noticeView.supplement')}
                </Button>
              </Link>
            )}
            {notice.canWithdraw && (
              <Button danger icon={<RollbackOutlined />} onClick={() => setDialog({ kind: 'withdraw' })} data-testid="notice-withdraw">
                {t('noticeView.withdraw')}
              </Button>
            )}
          </Space>
        </Space>
      </Card>

      {notice.status === 'withdrawn' && (
        <Alert
          type="error"
          showIcon
          data-testid="notice-withdrawn"
          title={t('noticeView.withdrawnBanner', { time: formatDateTime(notice.withdrawnAt, language) })}
          description={notice.withdrawnReason ? t('noticeView.withdrawnReason', { reason: notice.withdrawnReason }) : undefined}
        />
      )}
      {notice.status === 'draft' && <Alert type="info" showIcon title={t('noticeView.draftBanner')} />}
      {notice.status === 'pending_approval' && <Alert type="warning" showIcon title={t('noticeView.pendingBanner')} />}
      {notice.upstream.length > 0 && (
        <Alert
          type="info"
          data-testid="notice-upstream"
          title={
            <Space orientation="vertical" size={2}>
              {notice.upstream.map((u, index) => (
                <span key={u.id}>
                  {index === 0 ? t('noticeView.forwardedFrom') : t('noticeView.originallyFrom')}
                  {u.issuerName}
                  <Link to={`/notices/${u.id}`}>{quotedTitle(u.title)}</Link>
                  {u.documentNumber && `（${u.documentNumber}）`}
                  {index === 0 && t('noticeView.forwardedFromEnd')}
                </span>
              ))}
            </Space>
          }
        />
      )}
      {notice.supplements && (
        <Alert
          type="info"
          data-testid="notice-supplements"
          title={
            <span>
              {t('noticeView.supplementsTo')}
              <Link to={`/notices/${notice.supplements.id}`}>{quotedTitle(notice.supplements.title)}</Link>
              {notice.supplements.documentNumber && `（${notice.supplements.documentNumber}）`}
            </span>
          }
        />
      )}
      {notice.supplementedBy.length > 0 && (
        <Alert
          type="warning"
          data-testid="notice-supplemented-by"
          title={
            <Space orientation="vertical" size={2}>
              {notice.supplementedBy.map((s) => (
                <span key={s.id}>
                  {t('noticeView.supplementedBy')}
                  <Link to={`/notices/${s.id}`}>{quotedTitle(s.title)}</Link>
                  {s.documentNumber && `（${s.documentNumber}）`}
                </span>
              ))}
            </Space>
          }
        />
      )}
      {receipt && <ReceiptLine notice={notice} />}

      <div className="hj-gw-desk">
        <NoticeDocument notice={notice} />
      </div>

      {notice.tasks.length > 0 && (
        <TasksCard notice={notice} canCollect={published && receipt === null && !coIssuer && hasAnyRole(session, campaignManagerRoles)} onAdjust={(task) => setDialog({ kind: 'deadline', task })} />
      )}
      {notice.coIssuers.length > 0 && <CoIssuersCard notice={notice} />}

      {dialog?.kind === 'withdraw' && <WithdrawModal notice={notice} onClose={() => setDialog(null)} onDone={updated} />}
      {dialog?.kind === 'approval' && <ApprovalModal notice={notice} onClose={() => setDialog(null)} onDone={updated} />}
      {dialog?.kind === 'deadline' && (
        <DeadlineModal
          task={dialog.task}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            void queryClient.invalidateQueries({ queryKey: noticeKeys.detail(notice.id) });
          }}
        />
      )}
    </Space>
  );
}

function ReceiptLine({ notice }: { notice: NoticeView }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const receipt = notice.receipt!;
  const parts: string[] = [];
  if (receipt.readAt) parts.push(t('noticeView.readAt', { time: formatDateTime(receipt.readAt, language) }));
  if (receipt.acknowledgedAt) {
    parts.push(
      receipt.acknowledgedBy
        ? t('noticeView.acknowledgedAtBy', { time: formatDateTime(receipt.acknowledgedAt, language), name: receipt.acknowledgedBy })
        : t('noticeView.acknowledgedAt', { time: formatDateTime(receipt.acknowledgedAt, language) }),
    );
  } else if (receipt.canAcknowledge) parts.push(t('noticeView.notAcknowledged'));
  return (
    <Alert
      type={receipt.acknowledgedAt ? 'success' : 'warning'}
      showIcon
      data-testid="notice-receipt"
      title={
        <span>
          {t('noticeView.receipt')}
          {parts.join('；')}
          {receipt.forwardedNoticeId && (
            <>
              {'；'}
              <Link to={`/notices/${receipt.forwardedNoticeId}`} data-testid="notice-forwarded-link">
                {t('noticeView.forwardedNotice')}
              </Link>
            </>
          )}
        </span>
      }
    />
  );
}

function TasksCard({ notice, canCollect, onAdjust }: { notice: NoticeView; canCollect: boolean; onAdjust: (task: NoticeTaskView) => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const manages = notice.canWithdraw && notice.status === 'issued';
  // A unit that received the notice fills its tasks; the issuing side collects them.
  const fills = notice.receipt !== null && notice.status === 'issued';
  const columns: TableColumnsType<NoticeTaskView> = [
    {
      key: 'title',
      title: t('noticeView.taskTitle'),
      render: (_: unknown, task) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{task.title}</Typography.Text>
          {task.description && <Typography.Text type="secondary" style={{ whiteSpace: 'pre-wrap' }}>{task.description}</Typography.Text>}
        </Space>
      ),
    },
    {
      key: 'deadline',
      title: t('noticeView.deadline'),
      width: 320,
      render: (_: unknown, task) => (
        <Space orientation="vertical" size={2}>
          <span data-testid="task-deadline">{formatDay(task.deadlineDate, language)}</span>
          {task.upstreamDeadline && (
            <Typography.Text type="secondary" data-testid="task-upstream-deadline">
              {t('notices.upstreamDeadline', { date: formatDay(task.upstreamDeadline, language) })}
            </Typography.Text>
          )}
          {task.deadlineConflict && (
            <Tooltip title={t('noticeView.conflictHint', { date: formatDay(task.upstreamDeadline, language) })}>
              <Tag color="red" data-testid="task-deadline-conflict">
                {t('noticeView.deadlineConflict')}
              </Tag>
            </Tooltip>
          )}
        </Space>
      ),
    },
    ...(manages || fills || canCollect
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            width: 260,
            render: (_: unknown, task: NoticeTaskView) => (
              <Space wrap size={6}>
                {fills && (
                  <Link to={`/tasks/${task.id}`} data-testid="task-fill-link">
                    <Button size="small" type="primary" icon={<FormOutlined />}>
                      {t('noticeView.fillTask')}
                    </Button>
                  </Link>
                )}
                {canCollect && (
                  <Link to={`/collect/${task.id}`} data-testid="task-collect-link">
                    <Button size="small" icon={<InboxOutlined />}>
                      {t('noticeView.collectTask')}
                    </Button>
                  </Link>
                )}
                {manages && (
                  <Button size="small" onClick={() => onAdjust(task)} data-testid="task-adjust-deadline">
                    {t('noticeView.adjustDeadline')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];
  return (
    <Card size="small" title={t('noticeView.tasksTitle')}>
      <Table<NoticeTaskView> data-testid="notice-tasks" rowKey="id" size="small" columns={columns} dataSource={notice.tasks} pagination={false} scroll={{ x: 640 }} />
    </Card>
  );
}

function CoIssuersCard({ notice }: { notice: NoticeView }) {
  const { t } = useTranslation();
  const colors = { pending: 'gold', approved: 'green', rejected: 'red' } as const;
  return (
    <Card size="small" title={t('noticeView.coIssuersTitle')}>
      <Space orientation="vertical" data-testid="notice-co-issuers">
        {notice.coIssuers.map((c) => (
          <Space key={c.unitId} wrap>
            <Typography.Text strong>{c.name}</Typography.Text>
            <Tag color={colors[c.decision]}>{t(`noticeView.decision.${c.decision}`)}</Tag>
            {c.comment && <Typography.Text type="secondary">{c.comment}</Typography.Text>}
          </Space>
        ))}
      </Space>
    </Card>
  );
}

function WithdrawModal({ notice, onClose, onDone }: { notice: NoticeView; onClose: () => void; onDone: (view: NoticeView) => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const reportError = useReportError();
  const [form] = Form.useForm<{ reason: string }>();
  const withdraw = useMutation({
    mutationFn: (reason: string) => api.post<NoticeView>(`/notices/${notice.id}/withdraw`, { reason }),
    onSuccess: (view) => {
      void message.success(t('noticeView.withdrawn'));
      onDone(view);
      onClose();
    },
    onError: (error) => reportError(error, form),
  });
  return (
    <Modal
      open
      title={t('noticeView.withdrawTitle')}
      okText={t('noticeView.withdraw')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true, loading: withdraw.isPending, 'data-testid': 'withdraw-submit' }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('noticeView.withdrawIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(values) => withdraw.mutate(values.reason.trim())}>
        <Form.Item name="reason" label={labelOf('reason', language)} rules={contractRules(withdrawBody.shape.reason, 'reason', language, { required: true })}>
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="withdraw-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ApprovalModal({ notice, onClose, onDone }: { notice: NoticeView; onClose: () => void; onDone: (view: NoticeView) => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const reportError = useReportError();
  const [form] = Form.useForm<{ decision: 'approved' | 'rejected'; comment: string }>();
  const decide = useMutation({
    mutationFn: (values: { decision: 'approved' | 'rejected'; comment: string }) =>
      api.post<NoticeView>(`/notices/${notice.id}/approval`, { decision: values.decision, comment: (values.comment ?? '').trim() }),
    onSuccess: (view, values) => {
      void message.success(values.decision === 'approved' ? t('noticeView.approvedDone') : t('noticeView.rejectedDone'));
      onDone(view);
      onClose();
    },
    onError: (error) => reportError(error, form),
  });
  return (
    <Modal
      open
      title={t('noticeView.approvalTitle')}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: decide.isPending, 'data-testid': 'approval-submit' }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ decision: 'approved', comment: '' }} onFinish={(values) => decide.mutate(values)}>
        <Form.Item name="decision" label={labelOf('decision', language)}>
          <Radio.Group>
            <Radio value="approved">{t('noticeView.decision.approved')}</Radio>
            <Radio value="rejected">{t('noticeView.decision.rejected')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="comment" label={labelOf('comment', language)} rules={contractRules(approvalBody.shape.comment, 'comment', language)}>
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function DeadlineModal({ task, onClose, onDone }: { task: NoticeTaskView; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message, modal } = App.useApp();
  const reportError = useReportError();
  const errorText = useErrorText();
  const [form] = Form.useForm<{ deadline: string | null }>();
  const change = useMutation({
    mutationFn: (deadline: string) => api.patch<{ flagged: number }>(`/collection-tasks/${task.id}/deadline`, { deadline, version: task.version }),
    onSuccess: (result) => {
      void message.success(result.flagged > 0 ? t('noticeView.deadlineChangedFlagged', { count: result.flagged }) : t('noticeView.deadlineChanged'));
      onDone();
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'stale_version') {
        modal.warning({ title: error.problem ? baseDetail(error.problem) : errorText(error), okText: t('common.confirm') });
        onDone();
        return;
      }
      reportError(error, form);
    },
  });
  return (
    <Modal
      open
      title={t('noticeView.adjustTitle', { title: task.title })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: change.isPending, 'data-testid': 'deadline-submit' }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('noticeView.adjustIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ deadline: task.deadlineDate }} onFinish={(values) => values.deadline && change.mutate(values.deadline)}>
        <Form.Item
          name="deadline"
          label={labelOf('deadline', language)}
          extra={task.upstreamDeadline ? t('notices.upstreamDeadline', { date: formatDay(task.upstreamDeadline, language) }) : undefined}
          rules={[
            { required: true, message: validationText('required', 'deadline', language) },
            {
              validator: async (_rule, value: string | null) => {
                if (value && task.upstreamDeadline && value > task.upstreamDeadline) {
                  throw new Error(validationText('deadline_after_upstream', 'deadline', language, { upstream: formatDay(task.upstreamDeadline, 'zh-CN') }));
                }
              },
            },
          ]}
        >
          <DateInput name="deadline" data-testid="deadline-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
