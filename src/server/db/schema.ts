import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Role } from '../../shared/domain/roles';
import type { RequiredFile } from '../../shared/forms/definition';
import type { ReminderSettings } from '../../shared/domain/completion';
import type { RecommendationQuota } from '../../shared/domain/evaluation';
import type { UnitLevel, UnitType } from '../../shared/domain/units';
import type { DemandCategory, DemandStatus } from '../../shared/domain/demands';

/**
 * Kysely's view of the tables created by migrations/. The SQL is the source of truth;
 * tests/api/schema.test.ts checks that every column named here exists in the migrated database.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface UnitsTable {
  id: Generated<number>;
  parent_id: number | null;
  path: Generated<string>;
  depth: Generated<number>;
  name: string;
  short_name: string;
  type: UnitType;
  level: UnitLevel;
  region_code: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  contact_name: string | null;
  contact_office_phone: string | null;
  contact_mobile: string | null;
  contact_fax: string | null;
  contact_email: string | null;
  mailing_address: string | null;
  pinyin_initials: Generated<string>;
  sort_key: Generated<string>;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export type UserStatus = 'active' | 'pending_activation' | 'disabled';

export interface UsersTable {
  id: Generated<number>;
  unit_id: number;
  username: string;
  display_name: string;
  email: string | null;
  mobile: string | null;
  password_hash: string | null;
  status: Generated<UserStatus>;
  must_change_password: Generated<boolean>;
  locked_until: NullableTimestamp;
  activation_token_hash: string | null;
  activation_expires_at: NullableTimestamp;
  password_changed_at: NullableTimestamp;
  /** Base32, or sealed (`enc:v1:<keyId>:…` under HUIJU_TOTP_KEYS; `gcm:` from the older HUIJU_TOTP_KEY); set only after confirmation. */
  totp_secret: string | null;
  totp_enabled_at: NullableTimestamp;
  totp_last_step: number | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface RoleAssignmentsTable {
  user_id: number;
  role: Role;
  unit_id: number;
  granted_at: GeneratedTimestamp;
}

export interface SignInFailuresTable {
  id: Generated<number>;
  user_id: number;
  failed_at: GeneratedTimestamp;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: GeneratedTimestamp;
  last_seen_at: GeneratedTimestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  totp_pending_secret: Generated<string | null>;
  /** Last time the password was re-entered in this session (personal-data exports). */
  reauthenticated_at: NullableTimestamp;
}

/** A fixed window of a public form's per-address rate limit (src/server/rate-limit.ts). */
export interface RateLimitWindowsTable {
  key: string;
  hits: number;
  expires_at: Timestamp;
}

export interface SignInChallengesTable {
  id: string;
  user_id: number;
  expires_at: Timestamp;
  created_at: GeneratedTimestamp;
}

export interface TotpRecoveryCodesTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: NullableTimestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  occurred_at: GeneratedTimestamp;
  actor_user_id: number | null;
  actor_username: string | null;
  actor_unit_id: number | null;
  unit_id: number | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: Generated<'success' | 'failure'>;
  ip: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  /** Place in the hash chain and the hashes, set by the insert trigger (migration 0007). */
  chain_seq: ColumnType<string, never, never>;
  prev_hash: ColumnType<string, never, never>;
  row_hash: ColumnType<string, never, never>;
}

/** The head and anchor of the audit hash chain: one row (migration 0007). */
export interface AuditChainTable {
  id: ColumnType<boolean, never, never>;
  head_seq: string;
  head_hash: string;
  anchor_seq: string;
  anchor_hash: string;
  anchor_before: Date | null;
  purged_at: Date | null;
}

export interface SchemaMigrationsTable {
  name: string;
  sha256: string;
  applied_at: GeneratedTimestamp;
}

export interface StoredFilesTable {
  id: Generated<string>;
  storage_key: string;
  sha256: string;
  size_bytes: ColumnType<string, string | number, string | number>;
  content_type: string;
  kind: string;
  original_name: string;
  unit_id: number | null;
  uploaded_by: number | null;
  created_at: GeneratedTimestamp;
}

/** Stored as JSON: the campaign's modules, phases and target groups, each with a stable id. */
export interface CampaignModule {
  id: string;
  name: string;
}
export interface CampaignPhase {
  id: string;
  name: string;
  startDate: string;
  endDate: string;
}
export interface CampaignTargetGroup {
  id: string;
  name: string;
}
export interface CampaignKeyDate {
  name: string;
  date: string;
}

type Json<T> = ColumnType<T, string, string>;

export interface CampaignsTable {
  id: Generated<number>;
  unit_id: number;
  year: number;
  ordinal: number | null;
  theme: string;
  modules: Json<CampaignModule[]>;
  phases: Json<CampaignPhase[]>;
  target_groups: Json<CampaignTargetGroup[]>;
  key_dates: Json<CampaignKeyDate[]>;
  parent_campaign_id: number | null;
  copied_from_id: number | null;
  created_by: number | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  moderators_version: Generated<number>;
}

export type CampaignActivityStatus = 'planned' | 'preparing' | 'held' | 'reported';

export interface CampaignActivitiesTable {
  id: Generated<number>;
  campaign_id: number;
  title: string;
  module_id: string;
  start_date: string | null;
  end_date: string | null;
  place: string | null;
  description: string | null;
  status: Generated<CampaignActivityStatus>;
  sort_order: Generated<number>;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface CampaignActivityDepartmentsTable {
  activity_id: number;
  unit_id: number;
}

export type NoticeStatus = 'draft' | 'pending_approval' | 'issued' | 'withdrawn';
export type NoticeKind = 'original' | 'forward' | 'supplementary';

export interface NoticeContact {
  name: string;
  phone: string | null;
  email: string | null;
}

export interface NoticesTable {
  id: Generated<number>;
  campaign_id: number | null;
  issuer_unit_id: number;
  kind: Generated<NoticeKind>;
  parent_notice_id: number | null;
  root_notice_id: number | null;
  doc_prefix: string | null;
  doc_year: number | null;
  doc_serial: number | null;
  document_number: string | null;
  title: string;
  addressee_text: Generated<string>;
  addressee_rules: ColumnType<unknown[], string | undefined, string>;
  body_html: Generated<string>;
  contacts: ColumnType<NoticeContact[], string | undefined, string>;
  signature: ColumnType<string[], string[] | undefined, string[]>;
  issue_date: string | null;
  status: Generated<NoticeStatus>;
  issued_at: NullableTimestamp;
  issued_by: number | null;
  withdrawn_at: NullableTimestamp;
  withdrawn_by: number | null;
  withdrawn_reason: string | null;
  created_by: number | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface NoticeCoIssuersTable {
  notice_id: number;
  unit_id: number;
  decision: Generated<'pending' | 'approved' | 'rejected'>;
  decided_by: number | null;
  decided_at: NullableTimestamp;
  comment: string | null;
}

export interface NoticeAttachmentsTable {
  notice_id: number;
  file_id: string;
  name: string;
  sort_order: Generated<number>;
}

export interface NoticeRecipientsTable {
  notice_id: number;
  unit_id: number;
  root_notice_id: number;
  delivered_at: GeneratedTimestamp;
  read_at: NullableTimestamp;
  read_by: number | null;
  acknowledged_at: NullableTimestamp;
  acknowledged_by: number | null;
  forwarded_notice_id: number | null;
  forwarded_at: NullableTimestamp;
}

export type { RequiredFile };

export interface TaskQuota {
  minItems: number;
  maxItems: number | null;
  onePerPhase: boolean;
}
export interface RoutingRule {
  unitTypes: UnitType[];
  departmentUnitId: number;
}

export interface CollectionTasksTable {
  id: Generated<number>;
  notice_id: number;
  upstream_task_id: number | null;
  title: string;
  description: Generated<string>;
  deadline: Timestamp;
  deadline_conflict: Generated<boolean>;
  sort_order: Generated<number>;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  form_version_id: number | null;
  quota: ColumnType<TaskQuota, string | undefined, string>;
  late_policy: Generated<'accept_flag' | 'close'>;
  assignee_unit_ids: number[] | null;
  routing: ColumnType<RoutingRule[], string | undefined, string>;
  required_files: ColumnType<RequiredFile[], string | undefined, string>;
  reminder_settings: ColumnType<ReminderSettings, string | undefined, string>;
  recommendation_quota: ColumnType<RecommendationQuota, string | undefined, string>;
}

export interface RecommendationsTable {
  id: Generated<number>;
  activity_id: number;
  task_id: number;
  from_unit_id: number;
  to_unit_id: number;
  reason: string;
  recommended_by: number | null;
  recommended_at: GeneratedTimestamp;
  withdrawn_at: NullableTimestamp;
  withdrawn_by: number | null;
}

export interface EvaluationRoundsTable {
  id: Generated<number>;
  unit_id: number;
  campaign_id: number | null;
  source_task_id: number | null;
  title: string;
  stage: Generated<'eligibility' | 'review' | 'decision' | 'publicity' | 'announced'>;
  blind: Generated<boolean>;
  aggregation: Generated<'mean' | 'trimmed_mean'>;
  normalise: Generated<boolean>;
  publicity_days: Generated<number>;
  publicity_starts_at: NullableTimestamp;
  publicity_ends_at: NullableTimestamp;
  commendation_notice_id: number | null;
  created_by: number | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface EvaluationCategoriesTable {
  id: Generated<number>;
  round_id: number;
  name: string;
  kind: 'activity' | 'unit' | 'person';
  places: number;
  sort_order: Generated<number>;
}

export interface EvaluationCriteriaTable {
  id: Generated<number>;
  round_id: number;
  name: string;
  weight: ColumnType<string, string | number, string | number>;
  min_score: ColumnType<string, string | number | undefined, string | number>;
  max_score: ColumnType<string, string | number | undefined, string | number>;
  sort_order: Generated<number>;
}

export interface EvaluationCandidatesTable {
  id: Generated<number>;
  category_id: number;
  activity_id: number | null;
  unit_id: number;
  record: ColumnType<Record<string, number>, string | undefined, string>;
  eligible: boolean | null;
  eligibility_note: string | null;
  selected: Generated<boolean>;
  final_rank: number | null;
  nomination_id: number | null;
  version: Generated<number>;
}

export interface EvaluationReviewersTable {
  round_id: number;
  user_id: number;
}

export interface EvaluationAssignmentsTable {
  candidate_id: number;
  user_id: number;
  declined_reason: string | null;
  submitted_at: NullableTimestamp;
  version: Generated<number>;
}

export interface EvaluationScoresTable {
  candidate_id: number;
  user_id: number;
  criterion_id: number;
  score: ColumnType<string, string | number, string | number>;
  comment: string | null;
  updated_at: GeneratedTimestamp;
}

export interface EvaluationObjectionsTable {
  id: Generated<number>;
  round_id: number;
  candidate_id: number;
  content: string;
  contact: string | null;
  received_at: GeneratedTimestamp;
  resolution: string | null;
  upheld: boolean | null;
  resolved_by: number | null;
  resolved_at: NullableTimestamp;
}

export interface RemindersTable {
  id: Generated<string>;
  task_id: number;
  unit_id: number;
  kind: string;
  auto: Generated<boolean>;
  message: Generated<string>;
  sent_by: number | null;
  sent_at: GeneratedTimestamp;
  read_at: NullableTimestamp;
  notification_id: string | null;
}

export type MailTemplateKind = 'reminder' | 'overdue' | 'return' | 'accept' | 'decision';

export interface MailTemplatesTable {
  unit_id: number;
  kind: MailTemplateKind;
  subject: string;
  body: string;
  updated_by: number | null;
  updated_at: GeneratedTimestamp;
  version: Generated<number>;
}


export interface FormsTable {
  id: Generated<number>;
  unit_id: number;
  name: string;
  template_key: string | null;
  created_by: number | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface FormVersionsTable {
  id: Generated<number>;
  form_id: number;
  version: number;
  definition: ColumnType<unknown, string, string>;
  created_by: number | null;
  created_at: GeneratedTimestamp;
}

export interface TaskExceptionsTable {
  task_id: number;
  unit_id: number;
  until: Timestamp;
  reason: string;
  granted_by: number | null;
  granted_at: GeneratedTimestamp;
}

export type SubmissionStatus = 'draft' | 'submitted' | 'returned' | 'accepted';

export interface SubmissionsTable {
  id: Generated<number>;
  task_id: number;
  unit_id: number;
  form_version_id: number | null;
  status: Generated<SubmissionStatus>;
  values: ColumnType<unknown, string | undefined, string>;
  /** The field key the values' contacts and addresses were sealed under; null: clear text not yet sealed (migration 0022). */
  values_sealed_with: string | null;
  routed_unit_id: number | null;
  first_submitted_at: NullableTimestamp;
  submitted_at: NullableTimestamp;
  late_hours: Generated<number>;
  review_comments: ColumnType<unknown, string | null | undefined, string | null>;
  reviewed_by: number | null;
  reviewed_at: NullableTimestamp;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export type NominationStatus = 'draft' | 'submitted' | 'withdrawn';

export interface NominationsTable {
  id: Generated<number>;
  task_id: number;
  unit_id: number;
  person_name: string;
  gender: 'male' | 'female';
  birth_year: number;
  work_unit: string;
  discipline: string;
  job_title: string;
  achievements: string;
  photo_file_id: string | null;
  status: Generated<NominationStatus>;
  submitted_at: NullableTimestamp;
  created_by: number | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface SubmissionRevisionsTable {
  id: Generated<string>;
  submission_id: number;
  version: number;
  status: string;
  values: ColumnType<unknown, string, string>;
  /** As `submissions.values_sealed_with`. */
  values_sealed_with: string | null;
  action: string;
  comment: ColumnType<unknown, string | null | undefined, never>;
  actor_user_id: number | null;
  created_at: GeneratedTimestamp;
}

export interface ActivitiesTable {
  id: Generated<number>;
  submission_id: number;
  item_key: string;
  task_id: number;
  campaign_id: number | null;
  unit_id: number;
  title: string;
  host: string | null;
  organiser: string | null;
  modules: ColumnType<string[], string[] | undefined, string[]>;
  phase_id: string | null;
  start_date: string | null;
  end_date: string | null;
  place: string | null;
  target_groups: ColumnType<string[], string[] | undefined, string[]>;
  target_other: string | null;
  scale: number | null;
  description: string | null;
  status: Generated<'planned' | 'ongoing' | 'done'>;
  withdrawn: Generated<boolean>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface IdempotencyKeysTable {
  key: string;
  user_id: number;
  scope: string;
  request_hash: string;
  status_code: number | null;
  response: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: GeneratedTimestamp;
  completed_at: NullableTimestamp;
}

export interface SubmissionFilesTable {
  submission_id: number;
  file_id: string;
}

export interface NotificationsTable {
  id: Generated<string>;
  unit_id: number;
  kind: string;
  title: string;
  body: Generated<string>;
  link: string | null;
  created_at: GeneratedTimestamp;
  read_at: NullableTimestamp;
  read_by: number | null;
}

export interface MailOutboxTable {
  id: Generated<string>;
  dedupe_key: string;
  to_address: string;
  subject: string;
  text_body: string;
  unit_id: number | null;
  status: Generated<'queued' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: GeneratedTimestamp;
  created_at: GeneratedTimestamp;
  sent_at: NullableTimestamp;
}

export interface ShowcasePublicationsTable {
  id: Generated<number>;
  activity_id: number;
  campaign_id: number;
  unit_id: number;
  status: ColumnType<'pending' | 'approved' | 'rejected' | 'withdrawn', 'pending' | 'approved' | 'rejected' | 'withdrawn' | undefined>;
  description: string;
  media_links: Json<{ kind: 'video' | 'livestream' | 'coverage'; title: string; url: string }[]>;
  requested_by: number | null;
  requested_at: GeneratedTimestamp;
  decided_by: number | null;
  decided_at: NullableTimestamp;
  decision_note: string | null;
  first_published_at: NullableTimestamp;
  published_at: NullableTimestamp;
  withdrawn_by: number | null;
  withdrawn_at: NullableTimestamp;
  withdraw_reason: string | null;
  /** 活动总结, added after the activity; ≤ 1,000 字. */
  final_report: string | null;
  /** A tsvector, written from src/shared/domain/bigram-search.ts with ::tsvector. */
  search_vector: ColumnType<string, string | undefined, string>;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface ShowcasePhotosTable {
  publication_id: number;
  file_id: string;
  caption: string | null;
  sort_order: Generated<number>;
}

export interface ShowcaseModeratorsTable {
  campaign_id: number;
  unit_id: number;
  added_by: number | null;
  added_at: GeneratedTimestamp;
}

export interface ActivitySignupSettingsTable {
  activity_id: number;
  enabled: Generated<boolean>;
  capacity: number;
  deadline: ColumnType<Date, Date | string, Date | string>;
  updated_by: number | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export type SignupStatus = 'confirmed' | 'waitlisted' | 'cancelled';

export interface ActivitySignupsTable {
  id: Generated<number>;
  activity_id: number;
  name: string;
  mobile: string;
  /** Keyed HMAC of the normalised number (see crypto/personal-data.ts). */
  mobile_index: string | null;
  affiliation: string | null;
  code: string;
  status: SignupStatus;
  promoted_at: NullableTimestamp;
  cancelled_at: NullableTimestamp;
  checked_in_at: NullableTimestamp;
  checked_in_by: number | null;
  ip: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export type ArticleKind = 'news' | 'initiative' | 'letter' | 'poster' | 'video';
export type ArticleStatus = 'draft' | 'published' | 'withdrawn';

export interface ShowcaseArticlesTable {
  id: Generated<number>;
  campaign_id: number;
  kind: ArticleKind;
  title: string;
  summary: Generated<string>;
  body_html: Generated<string>;
  video_url: string | null;
  status: Generated<ArticleStatus>;
  published_at: NullableTimestamp;
  created_by: number | null;
  updated_by: number | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface ShowcaseArticleImagesTable {
  article_id: number;
  file_id: string;
  caption: string | null;
  sort_order: Generated<number>;
}

export type SurveyStatus = 'draft' | 'published' | 'closed';

export interface SurveysTable {
  id: Generated<number>;
  unit_id: number;
  title: string;
  intro: Generated<string>;
  questions: ColumnType<unknown, string, string>;
  target_regions: ColumnType<string[], string, string>;
  opens_at: ColumnType<Date, Date | string, Date | string>;
  closes_at: ColumnType<Date, Date | string, Date | string>;
  status: Generated<SurveyStatus>;
  token: string;
  published_at: NullableTimestamp;
  created_by: number | null;
  updated_by: number | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface SurveyResponsesTable {
  id: Generated<number>;
  survey_id: number;
  response_key: string;
  device_hash: string;
  answers: ColumnType<unknown, string, string>;
  contact: string | null;
  consented_at: NullableTimestamp;
  created_at: GeneratedTimestamp;
}

export interface PersonalDataExportGrantsTable {
  user_id: number;
  granted_by: number | null;
  granted_at: Generated<Date>;
}

export interface FieldEncryptionKeysTable {
  key_id: string;
  fingerprint: string;
  created_at: Generated<Date>;
}

export type ContributionKind = 'video' | 'photo' | 'letter';
export type ContributionStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';
export type ContributionCallStatus = 'draft' | 'published' | 'withdrawn';

export interface ContributionCallsTable {
  id: Generated<number>;
  campaign_id: number;
  title: string;
  description: Generated<string>;
  accepts_video: Generated<boolean>;
  accepts_photo: Generated<boolean>;
  accepts_letter: Generated<boolean>;
  letter_word_limit: Generated<number>;
  video_max_bytes: ColumnType<string, string | number | undefined, string | number>;
  photo_max_bytes: ColumnType<string, string | number | undefined, string | number>;
  opens_at: ColumnType<Date, Date | string, Date | string>;
  closes_at: ColumnType<Date, Date | string, Date | string>;
  status: Generated<ContributionCallStatus>;
  created_by: number | null;
  updated_by: number | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface ContributionsTable {
  id: Generated<number>;
  call_id: number;
  kind: ContributionKind;
  title: string;
  credit_name: string;
  work_unit: string;
  email: string;
  letter_text: string | null;
  file_id: string | null;
  consent_text: string;
  consented_at: ColumnType<Date, Date | string, Date | string>;
  status: Generated<ContributionStatus>;
  decision_reason: string | null;
  decided_by: number | null;
  decided_at: NullableTimestamp;
  approved_at: NullableTimestamp;
  idempotency_key: string | null;
  request_hash: string;
  ip: string | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface DemandsTable {
  id: Generated<number>;
  code: string;
  category: DemandCategory;
  region_code: string;
  society_unit_id: number | null;
  origin_unit_id: number;
  unit_id: number;
  status: ColumnType<DemandStatus, DemandStatus | undefined, DemandStatus>;
  description: string;
  /** Sealed at rest (see crypto/personal-data.ts). */
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  submitted_at: Timestamp;
  arrived_at: Timestamp;
  accept_due_at: Timestamp;
  reply_due_at: Timestamp;
  first_reply_due_at: Timestamp;
  accepted_at: NullableTimestamp;
  answered_at: NullableTimestamp;
  answer: string | null;
  answered_unit_id: number | null;
  forwards: Generated<number>;
  escalations: Generated<number>;
  step: Generated<number>;
  rating: number | null;
  rating_comment: string | null;
  rated_at: NullableTimestamp;
  case_title: string | null;
  case_summary: string | null;
  case_published_at: NullableTimestamp;
  ip: string | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export type DemandEventKind = 'submitted' | 'accepted' | 'forwarded' | 'escalated' | 'answered' | 'rated' | 'case_published' | 'case_withdrawn';

export interface DemandEventsTable {
  id: Generated<number>;
  demand_id: number;
  step: number;
  kind: DemandEventKind;
  from_unit_id: number | null;
  to_unit_id: number | null;
  note: string | null;
  user_id: number | null;
  at: Timestamp;
}

export interface DemandTimeLimitsTable {
  category: DemandCategory;
  accept_days: number;
  reply_days: number;
  updated_by: number | null;
  updated_at: GeneratedTimestamp;
}

export interface Database {
  demands: DemandsTable;
  demand_events: DemandEventsTable;
  demand_time_limits: DemandTimeLimitsTable;
  showcase_publications: ShowcasePublicationsTable;
  showcase_photos: ShowcasePhotosTable;
  showcase_moderators: ShowcaseModeratorsTable;
  activity_signup_settings: ActivitySignupSettingsTable;
  activity_signups: ActivitySignupsTable;
  showcase_articles: ShowcaseArticlesTable;
  surveys: SurveysTable;
  survey_responses: SurveyResponsesTable;
  showcase_article_images: ShowcaseArticleImagesTable;
  contribution_calls: ContributionCallsTable;
  contributions: ContributionsTable;
  recommendations: RecommendationsTable;
  evaluation_rounds: EvaluationRoundsTable;
  evaluation_categories: EvaluationCategoriesTable;
  evaluation_criteria: EvaluationCriteriaTable;
  evaluation_candidates: EvaluationCandidatesTable;
  evaluation_reviewers: EvaluationReviewersTable;
  evaluation_assignments: EvaluationAssignmentsTable;
  evaluation_scores: EvaluationScoresTable;
  evaluation_objections: EvaluationObjectionsTable;
  field_encryption_keys: FieldEncryptionKeysTable;
  personal_data_export_grants: PersonalDataExportGrantsTable;
  reminders: RemindersTable;
  mail_templates: MailTemplatesTable;
  forms: FormsTable;
  form_versions: FormVersionsTable;
  task_exceptions: TaskExceptionsTable;
  submissions: SubmissionsTable;
  nominations: NominationsTable;
  submission_revisions: SubmissionRevisionsTable;
  activities: ActivitiesTable;
  idempotency_keys: IdempotencyKeysTable;
  submission_files: SubmissionFilesTable;
  stored_files: StoredFilesTable;
  campaigns: CampaignsTable;
  campaign_activities: CampaignActivitiesTable;
  campaign_activity_departments: CampaignActivityDepartmentsTable;
  notices: NoticesTable;
  notice_co_issuers: NoticeCoIssuersTable;
  notice_attachments: NoticeAttachmentsTable;
  notice_recipients: NoticeRecipientsTable;
  collection_tasks: CollectionTasksTable;
  notifications: NotificationsTable;
  mail_outbox: MailOutboxTable;
  units: UnitsTable;
  users: UsersTable;
  role_assignments: RoleAssignmentsTable;
  sign_in_failures: SignInFailuresTable;
  sessions: SessionsTable;
  sign_in_challenges: SignInChallengesTable;
  rate_limit_windows: RateLimitWindowsTable;
  totp_recovery_codes: TotpRecoveryCodesTable;
  audit_log: AuditLogTable;
  audit_chain: AuditChainTable;
  schema_migrations: SchemaMigrationsTable;
}

export type UnitRow = Selectable<UnitsTable>;
export type NewUnitRow = Insertable<UnitsTable>;
export type UnitUpdate = Updateable<UnitsTable>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type AuditRow = Selectable<AuditLogTable>;
