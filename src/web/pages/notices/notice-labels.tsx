import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CascadeNode, NoticeKind, NoticeStatus } from '../../api/types';

const statusColors: Record<NoticeStatus, string> = { draft: 'default', pending_approval: 'gold', issued: 'green', withdrawn: 'red' };

export function NoticeStatusTag({ status }: { status: NoticeStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={statusColors[status]} data-testid="notice-status">
      {t(`noticeStatus.${status}`)}
    </Tag>
  );
}

export function NoticeKindTag({ kind }: { kind: NoticeKind }) {
  const { t } = useTranslation();
  if (kind === 'original') return null;
  return <Tag color={kind === 'forward' ? 'cyan' : 'orange'}>{t(`noticeKind.${kind}`)}</Tag>;
}

const receiptColors: Record<CascadeNode['status'], string> = { delivered: 'default', read: 'blue', acknowledged: 'green', forwarded: 'purple' };

/** Where a receiving unit is: delivered (unread), read, signed for, forwarded. */
export function ReceiptStatusTag({ status }: { status: CascadeNode['status'] }) {
  const { t } = useTranslation();
  // A plain element styled like a tag: the cascade shows thousands of them.
  return <span className={`hj-tag hj-tag-${receiptColors[status]}`}>{t(`receiptStatus.${status}`)}</span>;
}

/**
 * A title in book-title marks, as documents cite one another: 《…》, with marks inside the title
 * turned into 〈〉 (关于转发《关于印发〈…〉的通知》的通知).
 */
export function quotedTitle(title: string): string {
  return `《${title.replace(/《/g, '〈').replace(/》/g, '〉')}》`;
}
