import { CheckOutlined, ReloadOutlined, SaveOutlined, StopOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Empty, Input, InputNumber, Modal, Result, Space, Spin, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { weightedTotal } from '../../../shared/domain/evaluation';
import { ApiError } from '../../api/client';
import { declineReview, fetchMyReviews, saveScores, selectionKeys } from '../../api/selection';
import type { ReviewAssignment } from '../../api/types';
import { useErrorText, useReportError } from '../../lib/errors';

type ReviewState = 'pending' | 'draft' | 'submitted' | 'declined';

function stateOf(r: ReviewAssignment): ReviewState {
  if (r.declined) return 'declined';
  if (r.submitted) return 'submitted';
  return r.scores.length > 0 || r.comment ? 'draft' : 'pending';
}

const stateColors: Record<ReviewState, string> = { pending: 'gold', draft: 'blue', submitted: 'green', declined: 'default' };

/** /reviews — 评审: the candidates assigned to me, scored criterion by criterion, saved or submitted. */
export default function ReviewsPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const reviews = useQuery({ queryKey: selectionKeys.myReviews, queryFn: fetchMyReviews, staleTime: 0 });
  const [selected, setSelected] = useState<number | null>(null);

  if (reviews.isError && !reviews.data) {
    const status = reviews.error instanceof ApiError ? reviews.error.status : 0;
    return <Result status={status === 403 ? '403' : 'error'} title={errorText(reviews.error)} />;
  }
  const list = reviews.data ?? [];
  // The one being scored: the chosen row, else the first still open.
  const current = list.find((r) => r.candidateId === selected) ?? list.find((r) => !r.submitted && !r.declined) ?? null;

  const columns: TableColumnsType<ReviewAssignment> = [
    { key: 'round', title: t('reviews.round'), render: (_: unknown, r) => r.roundTitle },
    { key: 'category', dataIndex: 'categoryName', title: t('reviews.category'), width: 140 },
    { key: 'title', dataIndex: 'title', title: t('reviews.candidate') },
    { key: 'unit', title: t('reviews.unit'), width: 160, render: (_: unknown, r) => r.unitName ?? <Tag>{t('reviews.blind')}</Tag> },
    {
      key: 'state',
      title: t('reviews.state'),
      width: 100,
      render: (_: unknown, r) => {
        const state = stateOf(r);
        return (
          <Tag color={stateColors[state]} data-testid="review-state" data-state={state}>
            {t(`reviews.states.${state}`)}
          </Tag>
        );
      },
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="reviews-page">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('reviews.title')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => void reviews.refetch()}>
          {t('common.refresh')}
        </Button>
      </Space>
      <Table<ReviewAssignment>
        size="middle"
        rowKey="candidateId"
        data-testid="reviews-table"
        loading={reviews.isFetching}
        dataSource={list}
        columns={columns}
        rowClassName={(r) => (r.candidateId === current?.candidateId ? 'ant-table-row-selected' : '')}
        onRow={(r) =>
          ({
            'data-testid': 'review-row',
            'data-candidate-id': r.candidateId,
            style: { cursor: 'pointer' },
            onClick: () => setSelected(r.candidateId),
          }) as HTMLAttributes<HTMLElement>
        }
        pagination={{ pageSize: 20, showTotal: (total) => t('common.total', { count: total }) }}
        locale={{ emptyText: t('reviews.empty') }}
      />
      {reviews.isPending ? <Spin /> : current ? <ScoreCard key={current.candidateId} review={current} /> : list.length > 0 && <Empty description={t('reviews.allDone')} />}
    </Space>
  );
}

function ScoreCard({ review }: { review: ReviewAssignment }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const reportError = useReportError();
  const [scores, setScores] = useState<Record<number, number | null>>(() => Object.fromEntries(review.scores.map((s) => [s.criterionId, s.score])));
  const [comment, setComment] = useState(review.comment ?? '');
  const [declining, setDeclining] = useState(false);
  // Advanced by each save: saving a draft and then submitting needs no reload in between.
  const [version, setVersion] = useState(review.version);
  const [missing, setMissing] = useState(false);
  const locked = review.submitted || review.declined;
  const complete = review.criteria.every((c) => typeof scores[c.id] === 'number');
  const total = complete ? weightedTotal(review.criteria, new Map(review.criteria.map((c) => [c.id, scores[c.id]!]))) : null;

  const save = useMutation({
    mutationFn: (submit: boolean) =>
      saveScores(review.candidateId, {
        scores: review.criteria.filter((c) => typeof scores[c.id] === 'number').map((c) => ({ criterionId: c.id, score: scores[c.id]! })),
        comment: comment.trim(),
        submit,
        version,
      }),
    onSuccess: (result, submit) => {
      setVersion(result.version);
      void message.success(submit ? t('reviews.submitted') : t('reviews.saved'));
      void queryClient.invalidateQueries({ queryKey: selectionKeys.myReviews });
    },
    onError: (error) => reportError(error),
  });

  return (
    <Card size="small" title={t('reviews.scoreTitle', { title: review.title })} data-testid="review-card" data-candidate-id={review.candidateId}>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 3 }}
          items={[
            { key: 'round', label: t('reviews.round'), children: review.roundTitle },
            { key: 'category', label: t('reviews.category'), children: review.categoryName },
            { key: 'unit', label: t('reviews.unit'), children: review.unitName ?? t('reviews.blindHint') },
          ]}
        />
        {review.description && (
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', background: '#fafafa', padding: 10, borderRadius: 6, margin: 0 }} data-testid="review-description">
            {review.description}
          </Typography.Paragraph>
        )}
        {review.declined && <Alert type="info" showIcon title={t('reviews.declinedHint')} />}
        {review.submitted && <Alert type="success" showIcon title={t('reviews.submittedHint')} />}
        <table className="hj-score-table">
          <thead>
            <tr>
              <th>{t('reviews.criterion')}</th>
              <th>{t('reviews.weight')}</th>
              <th>{t('reviews.range')}</th>
              <th>{t('reviews.score')}</th>
            </tr>
          </thead>
          <tbody>
            {review.criteria.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{c.weight}</td>
                <td>
                  {c.minScore} – {c.maxScore}
                </td>
                <td>
                  <InputNumber
                    min={c.minScore}
                    max={c.maxScore}
                    step={1}
                    disabled={locked}
                    value={scores[c.id] ?? null}
                    status={missing && typeof scores[c.id] !== 'number' ? 'error' : undefined}
                    onChange={(value) => setScores((s) => ({ ...s, [c.id]: value }))}
                    data-testid={`review-score-${c.id}`}
                    style={{ width: 120 }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Typography.Text data-testid="review-total">{total === null ? t('reviews.totalPending') : t('reviews.total', { total })}</Typography.Text>
        <div>
          <Typography.Text strong>{t('reviews.comment')}</Typography.Text>
          <Input.TextArea
            value={comment}
            disabled={locked}
            onChange={(e) => setComment(e.target.value)}
            maxLength={2000}
            showCount
            autoSize={{ minRows: 3, maxRows: 8 }}
            placeholder={t('reviews.commentPlaceholder')}
            data-testid="review-comment"
          />
        </div>
        {missing && !complete && <Typography.Text type="danger">{t('reviews.scoresMissing')}</Typography.Text>}
        <Space wrap>
          <Button icon={<SaveOutlined />} disabled={locked} loading={save.isPending && save.variables === false} onClick={() => save.mutate(false)} data-testid="review-save">
            {t('reviews.saveDraft')}
          </Button>
          <Button
            type="primary"
            icon={<CheckOutlined />}
            disabled={locked}
            loading={save.isPending && save.variables === true}
            data-testid="review-submit-scores"
            onClick={() => {
              setMissing(true);
              if (complete) save.mutate(true);
            }}
          >
            {t('reviews.submit')}
          </Button>
          <Button danger icon={<StopOutlined />} disabled={locked} onClick={() => setDeclining(true)} data-testid="review-decline">
            {t('reviews.decline')}
          </Button>
        </Space>
      </Space>
      {declining && <DeclineModal review={review} onClose={() => setDeclining(false)} />}
    </Card>
  );
}

function DeclineModal({ review, onClose }: { review: ReviewAssignment; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorText = useErrorText();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const decline = useMutation({
    mutationFn: () => declineReview(review.candidateId, reason.trim()),
    onSuccess: () => {
      void message.success(t('reviews.declined'));
      void queryClient.invalidateQueries({ queryKey: selectionKeys.myReviews });
      onClose();
    },
  });
  const tooShort = reason.trim().length < 2;
  return (
    <Modal
      open
      title={t('reviews.declineTitle', { title: review.title })}
      onCancel={onClose}
      footer={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            danger
            type="primary"
            loading={decline.isPending}
            data-testid="review-decline-confirm"
            onClick={() => {
              setTouched(true);
              if (!tooShort) decline.mutate();
            }}
          >
            {t('reviews.declineConfirm')}
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('reviews.declineHint')}</Typography.Text>
        <Input.TextArea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={500}
          showCount
          autoSize={{ minRows: 3 }}
          status={touched && tooShort ? 'error' : undefined}
          placeholder={t('reviews.declinePlaceholder')}
          data-testid="review-decline-reason"
        />
        {touched && tooShort && <Typography.Text type="danger">{t('reviews.declineRequired')}</Typography.Text>}
        {decline.isError && <Alert type="error" showIcon title={errorText(decline.error)} />}
      </Space>
    </Modal>
  );
}
