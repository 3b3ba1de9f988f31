/**
 * The API's request and response types, inferred from the shared zod contracts. Type-only
 * imports: the contracts' runtime code (zod) stays out of the bundle unless a form needs it.
 */
import type { z } from 'zod';
import type { auditEntry, auditList } from '../../shared/contracts/audit';
import type { activationInfo, sessionView } from '../../shared/contracts/session';
import type { importReport, importRowReport, unitDetail, unitSearchHit, unitSummary } from '../../shared/contracts/units';
import type { bulkCreateResult, createdUser, credentialsView, userList, userView } from '../../shared/contracts/users';
import type { campaignActivityView, campaignBody, campaignView } from '../../shared/contracts/campaigns';
import type {
  cascadeNode,
  cascadeView,
  inboxItem,
  inboxList,
  noticeList,
  noticeSummary,
  noticeView,
  recipientsPreview,
  taskView,
} from '../../shared/contracts/notices';
import type { formSummary, formTemplateView, formVersionView, formView } from '../../shared/contracts/forms';
import type {
  collectedList,
  collectedSubmission,
  diffView,
  formContextView,
  myTask,
  myTaskList,
  revisionView,
  submissionView,
  taskDetail,
} from '../../shared/contracts/submissions';

export type { Problem } from '../../shared/contracts/common';
export type SessionView = z.infer<typeof sessionView>;
export type ActivationInfo = z.infer<typeof activationInfo>;
export type UnitSummary = z.infer<typeof unitSummary>;
export type UnitDetail = z.infer<typeof unitDetail>;
export type UnitSearchHit = z.infer<typeof unitSearchHit>;
export type ImportReport = z.infer<typeof importReport>;
export type ImportRowReport = z.infer<typeof importRowReport>;
export type UserView = z.infer<typeof userView>;
export type UserList = z.infer<typeof userList>;
export type CreatedUser = z.infer<typeof createdUser>;
export type CredentialsView = z.infer<typeof credentialsView>;
export type BulkCreateResult = z.infer<typeof bulkCreateResult>;
export type AuditEntry = z.infer<typeof auditEntry>;
export type AuditList = z.infer<typeof auditList>;
export type CampaignView = z.infer<typeof campaignView>;
/** A campaign body as POST /campaigns/template returns it (and POST /campaigns accepts it). */
export type CampaignTemplate = z.infer<typeof campaignBody>;
export type CampaignActivityView = z.infer<typeof campaignActivityView>;
export type ActivityStatus = CampaignActivityView['status'];
export type NoticeView = z.infer<typeof noticeView>;
export type NoticeStatus = NoticeView['status'];
export type NoticeKind = NoticeView['kind'];
export type NoticeTaskView = z.infer<typeof taskView>;
export type NoticeSummary = z.infer<typeof noticeSummary>;
export type NoticeList = z.infer<typeof noticeList>;
export type InboxItem = z.infer<typeof inboxItem>;
export type InboxList = z.infer<typeof inboxList>;
export type RecipientsPreview = z.infer<typeof recipientsPreview>;
export type CascadeView = z.infer<typeof cascadeView>;
export type CascadeNode = z.infer<typeof cascadeNode>;
export type { AddresseeRule } from '../../shared/domain/addressees';
export type FormTemplateView = z.infer<typeof formTemplateView>;
export type FormSummary = z.infer<typeof formSummary>;
export type FormView = z.infer<typeof formView>;
export type FormVersionView = z.infer<typeof formVersionView>;
export type TaskDetail = z.infer<typeof taskDetail>;
export type FormContextView = z.infer<typeof formContextView>;
export type SubmissionView = z.infer<typeof submissionView>;
export type SubmissionStatus = SubmissionView['status'];
export type MyTask = z.infer<typeof myTask>;
export type MyTaskList = z.infer<typeof myTaskList>;
export type MyTaskStatus = MyTask['status'];
export type CollectedSubmission = z.infer<typeof collectedSubmission>;
export type CollectedList = z.infer<typeof collectedList>;
export type RevisionView = z.infer<typeof revisionView>;
export type DiffView = z.infer<typeof diffView>;
export type DiffRow = DiffView[number];

/** An uploaded file (POST /files). */
export interface StoredFileView {
  id: string;
  name: string;
  kind: string;
  size: number;
  sha256: string;
}

/** A notification for the header bell (GET /notifications). */
export interface NotificationView {
  id: string;
  unitId: number;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}
export interface NotificationList {
  items: NotificationView[];
  unread: number;
}

/** Request bodies are what the server accepts before its transforms. */
export type { CreateUnitInput, UpdateUnitInput } from '../../shared/contracts/units';
