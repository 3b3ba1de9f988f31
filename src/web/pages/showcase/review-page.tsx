import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Image, Input, List, Modal, Segmented, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublicationView } from '../../../shared/contracts/showcase';
import { api } from '../../api/client';
import { ForbiddenResult } from '../../components/status-pages';
import { useErrorText } from '../../lib/errors';
import { campaignManagerRoles, hasAnyRole, useRequiredSession } from '../../session/session';
import { statusColors, WithdrawButton } from './publishing-page';

/** /publishing/review — 发布审核: requests from units below (or of columns this unit moderates). */
export default function PublishingReviewPage() {
  const session = useRequiredSession();
  if (!hasAnyRole(session, campaignManagerRoles)) return <ForbiddenResult />;
  return <Review />;
}

function Review() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'pending' | 'approved' | 'rejected' | 'withdrawn'>('pending');
  const [page, setPage] = useState(1);
  const queue = useQuery({
    queryKey: ['showcase', 'reviews', status, page],
    queryFn: () => api.get<{ items: PublicationView[]; total: number }>('/showcase/reviews', { query: { status, page, pageSize: 10 } }),
    placeholderData: keepPreviousData,
  });
  return (
    <Card title={t('publishing.reviewTitle')} data-testid="publishing-review-page">
      <Segmented
        value={status}
        onChange={(v) => {
          setStatus(v as typeof status);
          setPage(1);
        }}
        options={(['pending', 'approved', 'rejected', 'withdrawn'] as const).map((s) => ({ value: s, label: t(`publishing.statuses.${s}`) }))}
        style={{ marginBottom: 12 }}
      />
      <List
        loading={queue.isFetching}
        dataSource={queue.data?.items ?? []}
        locale={{ emptyText: t('publishing.queueEmpty') }}
        pagination={{ current: page, pageSize: 10, total: queue.data?.total ?? 0, onChange: setPage }}
        renderItem={(p) => <ReviewItem key={p.id} publication={p} />}
      />
    </Card>
  );
}

function ReviewItem({ publication: p }: { publication: PublicationView }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState(false);
  const [note, setNote] = useState('');
  const decide = useMutation({
    mutationFn: (action: 'approve' | 'reject') => api.post<PublicationView>(`/showcase/publications/${p.id}/${action}`, action === 'approve' ? { version: p.version } : { version: p.version, note: note.trim() }),
    onSuccess: async (_, action) => {
      setRejecting(false);
      void message.success(action === 'approve' ? t('publishing.approved') : t('publishing.rejected'));
      await queryClient.invalidateQueries({ queryKey: ['showcase'] });
    },
  });
  return (
    <List.Item data-testid="review-item" data-activity-id={p.activityId}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <Typography.Text strong>{p.title}</Typography.Text>
          <Tag>{p.unitName}</Tag>
          <Tag color={statusColors[p.status]}>{t(`publishing.statuses.${p.status}`)}</Tag>
        </Space>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{p.description}</Typography.Paragraph>
        {p.finalReport && (
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="review-final-report">
            <Typography.Text strong>{t('publishing.finalReport')}：</Typography.Text>
            {p.finalReport}
          </Typography.Paragraph>
        )}
        {p.photos.length > 0 && (
          <Image.PreviewGroup>
            <Space wrap>
              {p.photos.map((photo) => (
                <Image key={photo.fileId} width={96} height={72} style={{ objectFit: 'cover' }} src={`/api/v1/files/${photo.fileId}`} alt={photo.name} />
              ))}
            </Space>
          </Image.PreviewGroup>
        )}
        {p.mediaLinks.map((l) => (
          <Typography.Link key={l.url} href={l.url} target="_blank" rel="noopener noreferrer">
            {t(`publishing.kinds.${l.kind}`)} · {l.title}
          </Typography.Link>
        ))}
        {p.decisionNote && <Typography.Text type="secondary">{t('publishing.note')}：{p.decisionNote}</Typography.Text>}
        {decide.error && <Alert type="error" showIcon message={errorText(decide.error)} />}
        <Space wrap>
          {p.status === 'pending' && p.mayModerate && (
            <>
              <Button type="primary" loading={decide.isPending} onClick={() => decide.mutate('approve')} data-testid="review-approve">
                {t('publishing.approve')}
              </Button>
              <Button onClick={() => setRejecting(true)} data-testid="review-reject">
                {t('publishing.reject')}
              </Button>
            </>
          )}
          {(p.status === 'approved' || p.status === 'pending') && <WithdrawButton publicationId={p.id} version={p.version} />}
        </Space>
      </Space>
      <Modal open={rejecting} title={t('publishing.reject')} onCancel={() => setRejecting(false)} onOk={() => decide.mutate('reject')} okButtonProps={{ disabled: note.trim().length < 2, loading: decide.isPending }} destroyOnHidden>
        <Input.TextArea rows={3} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('publishing.rejectNote')} />
      </Modal>
    </List.Item>
  );
}
