import { CheckOutlined, DownloadOutlined, HistoryOutlined, RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Drawer, Form, Input, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { returnBody } from '../../../shared/contracts/submissions';
import { api, ApiError } from '../../api/client';
import { fetchSubmission, submissionKeys, submissionLinks } from '../../api/submissions';
import type { SubmissionView, TaskDetail } from '../../api/types';
import { useLanguage } from '../../app/language';
import { SubmissionForm } from '../../components/submission-form/submission-form';
import { toFillValues, type FillValues } from '../../components/submission-form/values';
import { baseDetail, useErrorText, useReportError } from '../../lib/errors';
import { formatDateTime } from '../../lib/labels';
import { validationText } from '../../lib/validation';
import { RevisionsDrawer } from '../tasks/revisions-drawer';
import { SubmissionStatusTag } from '../tasks/submission-labels';
import { replaceQueryData } from '../../lib/query-data';

type Action = 'return' | 'accept';

/** One submission read-only, as the unit filled it, with 退回 (general and per-item comments) and 通过. */
export function ReviewDrawer({ detail, submissionId, onClose, onChanged }: { detail: TaskDetail; submissionId: number; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const submission = useQuery({ queryKey: submissionKeys.submission(submissionId), queryFn: () => fetchSubmission(submissionId), staleTime: 0 });
  return (
    <Drawer open size={920} onClose={onClose} destroyOnHidden title={submission.data ? t('collect.drawerTitle', { unit: submission.data.unitName }) : t('collect.open')}>
      {submission.isPending && <Spin />}
      {submission.isError && <Alert type="error" showIcon title={errorText(submission.error)} />}
      {submission.data && detail.form && (
        <ReviewContent key={submission.data.version} detail={detail} submission={submission.data} onChanged={onChanged} onReload={() => void submission.refetch()} />
      )}
    </Drawer>
  );
}

function ReviewContent({ detail, submission, onChanged, onReload }: { detail: TaskDetail; submission: SubmissionView; onChanged: () => void; onReload: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const reportError = useReportError();
  const errorText = useErrorText();
  const [form] = Form.useForm<FillValues>();
  const [initial] = useState(() => toFillValues(submission.values, detail.form!));
  // Item comments and the comment box are there while the submission awaits review; 退回 asks to confirm.
  const [returning, setReturning] = useState(false);
  const [comment, setComment] = useState('');
  const [commentError, setCommentError] = useState<string | null>(null);
  const [itemComments, setItemComments] = useState<Record<string, string>>({});
  const [historyOpen, setHistoryOpen] = useState(false);
  const s = submission;

  const review = useMutation({
    mutationFn: (chosen: Action) => {
      if (chosen === 'return') {
        const items = Object.fromEntries(Object.entries(itemComments).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v !== ''));
        return api.post<SubmissionView>(`/submissions/${s.id}/return`, { version: s.version, comment: comment.trim(), itemComments: items });
      }
      return api.post<SubmissionView>(`/submissions/${s.id}/accept`, { version: s.version, ...(comment.trim() ? { comment: comment.trim() } : {}) });
    },
    onSuccess: async (view, chosen) => {
      await replaceQueryData(queryClient, submissionKeys.submission(view.id), view);
      void message.success(chosen === 'return' ? t('collect.returned', { unit: view.unitName }) : t('collect.accepted', { unit: view.unitName }));
      setReturning(false);
      onChanged();
    },
    onError: (error) => {
      if (error instanceof ApiError && (error.code === 'stale_version' || error.code === 'submission_status_conflict')) {
        // The unit changed it, or another collector acted first: show what is there now.
        modal.warning({
          title: error.problem ? baseDetail(error.problem) : errorText(error),
          content: t('collect.staleReload'),
          okText: t('fill.reload'),
          onOk: () => {
            onReload();
            onChanged();
          },
        });
        return;
      }
      if (error instanceof ApiError && error.problem?.errors?.some((e) => e.field === 'comment')) {
        setCommentError(error.problem.errors.find((e) => e.field === 'comment')!.message);
      }
      reportError(error);
    },
  });

  /** 退回 needs a comment; 通过 takes the comment typed, if any. */
  const send = (chosen: Action) => {
    if (chosen === 'return') {
      const parsed = returnBody.shape.comment.safeParse(comment);
      if (!parsed.success) {
        setCommentError(validationText(comment.trim() ? 'too_long' : 'required', 'comment', language, { max: 2000 }));
        return;
      }
    }
    setCommentError(null);
    review.mutate(chosen);
  };

  const existing = s.reviewComments;
  const reviewing = s.status === 'submitted';
  const facts = [
    s.submittedAt ? t('fill.submittedAt', { time: formatDateTime(s.submittedAt, language) }) : null,
    s.routedTo ? t('fill.routedTo', { name: s.routedTo }) : null,
  ].filter(Boolean);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="review-drawer">
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <SubmissionStatusTag status={s.status} data-testid="review-status" />
          {s.lateHours > 0 && <Tag color="red">{t('collect.lateTag', { hours: s.lateHours })}</Tag>}
          <Typography.Text type="secondary">{facts.join('；')}</Typography.Text>
        </Space>
        <Space wrap>
          <Button size="small" icon={<HistoryOutlined />} onClick={() => setHistoryOpen(true)} data-testid="revisions-open">
            {t('fill.history')}
          </Button>
          <Button size="small" icon={<DownloadOutlined />} href={submissionLinks.docx(s.id)} download data-testid="submission-download-docx">
            {t('fill.downloadDocx')}
          </Button>
          <Button size="small" icon={<DownloadOutlined />} href={submissionLinks.pdf(s.id)} download data-testid="submission-download-pdf">
            {t('fill.downloadPdf')}
          </Button>
        </Space>
      </Space>
      {existing?.general && (s.status === 'returned' || s.status === 'accepted') && (
        <Alert type={s.status === 'returned' ? 'warning' : 'success'} showIcon title={t('collect.earlierComment')} description={existing.general} />
      )}

      <SubmissionForm
        form={form}
        definition={detail.form!}
        context={detail.context}
        mode="readonly"
        initialValues={initial}
        itemComments={reviewing ? undefined : s.status === 'returned' ? (existing?.items ?? undefined) : undefined}
        renderItemExtra={
          reviewing
            ? (itemKey, index) => (
                <div className="hj-review-item-comment">
                  <Typography.Text strong>{t('collect.itemCommentLabel', { n: index + 1 })}</Typography.Text>
                  <Input.TextArea
                    disabled={false}
                    autoSize={{ minRows: 1, maxRows: 5 }}
                    maxLength={2000}
                    value={itemComments[itemKey] ?? ''}
                    placeholder={t('collect.itemCommentPlaceholder')}
                    data-testid={`review-item-comment-${itemKey}`}
                    onChange={(e) => setItemComments((c) => ({ ...c, [itemKey]: e.target.value }))}
                  />
                </div>
              )
            : undefined
        }
      />

      {reviewing && (
        <div className="hj-review-panel" data-testid="review-panel">
          <Form layout="vertical" onFinish={() => send('return')}>
            <Form.Item
              label={t('collect.reviewComment')}
              required={returning}
              validateStatus={commentError ? 'error' : undefined}
              help={commentError ?? (returning ? t('collect.returnHint') : t('collect.reviewCommentHint'))}
              style={{ marginBottom: 12 }}
            >
              <Input.TextArea
                autoSize={{ minRows: 2, maxRows: 6 }}
                maxLength={2000}
                value={comment}
                onChange={(e) => {
                  setComment(e.target.value);
                  setCommentError(null);
                }}
                data-testid="review-comment-input"
              />
            </Form.Item>
            <Space wrap>
              {returning ? (
                <>
                  <Button type="primary" danger htmlType="submit" icon={<RollbackOutlined />} loading={review.isPending} data-testid="review-submit">
                    {t('collect.returnSubmit')}
                  </Button>
                  <Button onClick={() => setReturning(false)}>{t('common.cancel')}</Button>
                </>
              ) : (
                <>
                  <Button danger icon={<RollbackOutlined />} onClick={() => setReturning(true)} data-testid="review-return">
                    {t('collect.return')}
                  </Button>
                  <Button
                    type="primary"
                    icon={<CheckOutlined />}
                    loading={review.isPending && review.variables === 'accept'}
                    disabled={review.isPending}
                    onClick={() => send('accept')}
                    data-testid="review-accept"
                  >
                    {t('collect.accept')}
                  </Button>
                </>
              )}
            </Space>
          </Form>
        </div>
      )}
      <RevisionsDrawer submissionId={s.id} open={historyOpen} onClose={() => setHistoryOpen(false)} />
    </Space>
  );
}

