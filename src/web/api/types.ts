/**
 * The API's request and response types, inferred from the shared zod contracts. Type-only
 * imports: the contracts' runtime code (zod) stays out of the bundle unless a form needs it.
 */
import type { z } from 'zod';
import type { auditEntry, auditList } from '../../shared/contracts/audit';
import type { activationInfo, recoveryCodesView, sessionView, totpChallengeView, totpEnrolmentView, totpStatusView } from '../../shared/contracts/session';
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
import type {
  completionNode,
  completionView,
  mailTemplateView,
  reminderPreview,
  reminderSettingsBody,
  reminderView,
  timelineView,
} from '../../shared/contracts/supervision';
import type { overviewView, statisticsView } from '../../shared/contracts/statistics';
import type { poolItem, provenanceView, recommendationPool } from '../../shared/contracts/selection';
import type { objectionView, publicityView, resultsView, reviewAssignment, roundView } from '../../shared/contracts/evaluation';

export type { Problem } from '../../shared/contracts/common';
export type SessionView = z.infer<typeof sessionView>;
export type TotpChallengeView = z.infer<typeof totpChallengeView>;
export type TotpStatusView = z.infer<typeof totpStatusView>;
export type TotpEnrolmentView = z.infer<typeof totpEnrolmentView>;
export type RecoveryCodesView = z.infer<typeof recoveryCodesView>;
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

// --- Supervision, statistics, selection and evaluation (督办、统计、推荐、评选) -------------------
export type CompletionView = z.infer<typeof completionView>;
export type CompletionNode = z.infer<typeof completionNode>;
export type TimelineView = z.infer<typeof timelineView>;
export type ReminderPreview = z.infer<typeof reminderPreview>;
export type ReminderView = z.infer<typeof reminderView>;
export type ReminderSettings = z.infer<typeof reminderSettingsBody>;
export type MailTemplateView = z.infer<typeof mailTemplateView>;
export type MailKind = MailTemplateView['kind'];
export type StatisticsView = z.infer<typeof statisticsView>;
export type StatisticsBucket = StatisticsView['byModule'][number];
export type OverviewView = z.infer<typeof overviewView>;
export type RecommendationPool = z.infer<typeof recommendationPool>;
export type PoolItem = z.infer<typeof poolItem>;
export type ProvenanceView = z.infer<typeof provenanceView>;
export type RoundView = z.infer<typeof roundView>;
export type RoundStage = RoundView['stage'];
export type RoundCandidate = RoundView['candidates'][number];
export type ResultsView = z.infer<typeof resultsView>;
export type ReviewAssignment = z.infer<typeof reviewAssignment>;
export type ObjectionView = z.infer<typeof objectionView>;
export type PublicityView = z.infer<typeof publicityView>;

/** A mail in the outbox (GET /outbox, system administrators). */
export interface OutboxItem {
  id: string;
  toAddress: string;
  subject: string;
  textBody: string;
  status: 'queued' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  nextAttemptAt: string;
}
export interface OutboxList {
  items: OutboxItem[];
  total: number;
  smtpConfigured: boolean;
}
