import { DiffOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Drawer, Empty, List, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchDiff, fetchRevisions, submissionKeys } from '../../api/submissions';
import type { RevisionView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { useErrorText } from '../../lib/errors';
import { formatDateTime } from '../../lib/labels';
import { SubmissionStatusTag } from './submission-labels';

/** 版本历史: every saved version with who, when and what was done; "与上一版比较" shows what changed. */
export function RevisionsDrawer({ submissionId, open, onClose }: { submissionId: number; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const errorText = useErrorText();
  const revisions = useQuery({
    queryKey: submissionKeys.revisions(submissionId),
    queryFn: () => fetchRevisions(submissionId),
    enabled: open,
    staleTime: 0,
  });
  const [compare, setCompare] = useState<{ from: number; to: number } | null>(null);
  const sorted = [...(revisions.data ?? [])].sort((a, b) => b.version - a.version);

  return (
    <Drawer open={open} onClose={onClose} title={t('revisions.title')} size={640} destroyOnHidden>
      {revisions.isPending && <Spin />}
      {revisions.isError && <Alert type="error" showIcon title={errorText(revisions.error)} />}
      {revisions.isSuccess && (
        <List<RevisionView>
          dataSource={sorted}
          locale={{ emptyText: <Empty description={t('revisions.empty')} /> }}
          renderItem={(revision, index) => {
            const previous = sorted[index + 1];
            return (
              <List.Item
                data-testid="revision-row"
                actions={
                  previous
                    ? [
                        <Button
                          key="diff"
                          size="small"
                          icon={<DiffOutlined />}
                          data-testid="revision-compare"
                          type={compare?.to === revision.version ? 'primary' : 'default'}
                          onClick={() => setCompare({ from: previous.version, to: revision.version })}
                        >
                          {t('revisions.compare')}
                        </Button>,
                      ]
                    : []
                }
              >
                <List.Item.Meta
                  title={
                    <Space wrap size={6}>
                      <span>{t('revisions.version', { version: revision.version })}</span>
                      <Tag>{t(`revisions.action.${revision.action as 'save' | 'submit' | 'return' | 'accept'}`, { defaultValue: revision.action })}</Tag>
                      <SubmissionStatusTag status={revision.status as 'draft'} />
                    </Space>
                  }
                  description={
                    <div className="hj-revision-desc">
                      <span>
                        {revision.actorName ?? t('common.none')} · {formatDateTime(revision.createdAt, language)}
                      </span>
                      {revision.comment?.general && <span>{t('revisions.comment', { comment: revision.comment.general })}</span>}
                      {revision.comment && Object.keys(revision.comment.items).length > 0 && (
                        <span>{t('revisions.itemComments', { count: Object.keys(revision.comment.items).length })}</span>
                      )}
                      {compare?.to === revision.version && (
                        <DiffPanel submissionId={submissionId} from={compare.from} to={compare.to} onClose={() => setCompare(null)} />
                      )}
                    </div>
                  }
                />
              </List.Item>
            );
          }}
        />
      )}
    </Drawer>
  );
}

function DiffPanel({ submissionId, from, to, onClose }: { submissionId: number; from: number; to: number; onClose: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const diff = useQuery({ queryKey: submissionKeys.diff(submissionId, from, to), queryFn: () => fetchDiff(submissionId, from, to) });
  return (
    <div className="hj-diff" data-testid="diff-panel">
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Text strong>{t('revisions.diffTitle', { from, to })}</Typography.Text>
        <Button size="small" type="link" onClick={onClose}>
          {t('common.close')}
        </Button>
      </Space>
      {diff.isPending && <Spin />}
      {diff.isError && <Alert type="error" showIcon title={errorText(diff.error)} />}
      {diff.isSuccess && diff.data.length === 0 && <Typography.Paragraph type="secondary">{t('revisions.noChanges')}</Typography.Paragraph>}
      {diff.isSuccess && diff.data.length > 0 && (
        <ul className="hj-diff-list">
          {diff.data.map((row) => (
            <li key={row.path} data-testid="diff-row">
              <div className="hj-diff-label">{row.label}</div>
              <div className="hj-diff-values">
                <span className="hj-diff-before">{row.before || t('revisions.empty_value')}</span>
                <span className="hj-diff-arrow">→</span>
                <span className="hj-diff-after">{row.after || t('revisions.empty_value')}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
