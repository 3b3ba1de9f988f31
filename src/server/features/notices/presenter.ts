import type { Actor } from '../../../shared/domain/access';
import { can } from '../../../shared/domain/access';
import { chinaDateOf } from '../../../shared/domain/deadlines';
import type { NoticeView } from '../../../shared/contracts/notices';
import type { AddresseeRule } from '../../../shared/domain/addressees';
import type { NoticeContact } from '../../db/schema';
import type { NoticeRow, TaskRow } from './repository';
import { canManageNotice } from './service';

export interface NoticeParts {
  coIssuers: { unit_id: number; short_name: string; decision: 'pending' | 'approved' | 'rejected'; comment: string | null; path: string }[];
  attachments: { file_id: string; name: string; size_bytes: string }[];
  tasks: TaskRow[];
  upstream: { id: number; document_number: string | null; title: string; issuer_name: string }[];
  supplements: { id: number; document_number: string | null; title: string } | null;
  supplementedBy: { id: number; document_number: string | null; title: string }[];
  receipt:
    | { unit_id: number; read_at: Date | null; acknowledged_at: Date | null; acknowledged_by_name: string | null; forwarded_notice_id: number | null; unit_path: string }
    | undefined;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentNotice(notice: NoticeRow, parts: NoticeParts, actor: Actor): NoticeView {
  const manages = canManageNotice(actor, notice);
  const receipt = parts.receipt;
  return {
    id: notice.id,
    kind: notice.kind,
    status: notice.status,
    issuerUnitId: notice.issuer_unit_id,
    issuerName: notice.issuer_short_name,
    issuerFullName: notice.issuer_name,
    coIssuers: parts.coIssuers.map((c) => ({ unitId: c.unit_id, name: c.short_name, decision: c.decision, comment: c.comment })),
    campaignId: notice.campaign_id,
    documentNumber: notice.document_number,
    title: notice.title,
    addresseeText: notice.addressee_text,
    addresseeRules: notice.addressee_rules as AddresseeRule[],
    bodyHtml: notice.body_html,
    contacts: notice.contacts as NoticeContact[],
    signature: notice.signature,
    issueDate: notice.issue_date,
    issuedAt: iso(notice.issued_at),
    withdrawnAt: iso(notice.withdrawn_at),
    withdrawnReason: notice.withdrawn_reason,
    attachments: parts.attachments.map((a) => ({ fileId: a.file_id, name: a.name, size: Number(a.size_bytes) })),
    tasks: parts.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      description: t.description,
      deadline: t.deadline.toISOString(),
      deadlineDate: chinaDateOf(t.deadline),
      upstreamTaskId: t.upstream_task_id,
      upstreamDeadline: t.upstream_deadline ? chinaDateOf(t.upstream_deadline) : null,
      deadlineConflict: t.deadline_conflict,
      formVersionId: t.form_version_id,
      quota: t.quota,
      latePolicy: t.late_policy,
      assigneeUnitIds: t.assignee_unit_ids,
      routing: t.routing,
      requiredFiles: t.required_files,
      recommendationQuota: t.recommendation_quota,
      version: t.version,
    })),
    upstream: parts.upstream.map((u) => ({ id: u.id, documentNumber: u.document_number, title: u.title, issuerName: u.issuer_name })),
    supplements: parts.supplements ? { id: parts.supplements.id, documentNumber: parts.supplements.document_number, title: parts.supplements.title } : null,
    supplementedBy: parts.supplementedBy.map((s) => ({ id: s.id, documentNumber: s.document_number, title: s.title })),
    receipt: receipt
      ? {
          unitId: receipt.unit_id,
          readAt: iso(receipt.read_at),
          acknowledgedAt: iso(receipt.acknowledged_at),
          acknowledgedBy: receipt.acknowledged_by_name,
          forwardedNoticeId: receipt.forwarded_notice_id,
          canAcknowledge: notice.status === 'issued' && !receipt.acknowledged_at && can(actor, 'notices.acknowledge', receipt.unit_path),
          canForward: notice.status === 'issued' && !receipt.forwarded_notice_id && can(actor, 'campaigns.manage', receipt.unit_path),
        }
      : null,
    canEdit: manages && notice.status === 'draft',
    canApprove: notice.status === 'pending_approval' && parts.coIssuers.some((c) => c.decision === 'pending' && can(actor, 'campaigns.manage', c.path)),
    canWithdraw: manages && (notice.status === 'issued' || notice.status === 'pending_approval'),
    version: notice.version,
  };
}
