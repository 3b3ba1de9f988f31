import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/server/db/schema';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * src/server/db/schema.ts (Kysely's view) must match what the migrations create. The type below
 * forces this list to name every column of every table in schema.ts; the test checks the migrated
 * database has exactly those columns.
 */
type ColumnList = { [T in keyof Database]: readonly (keyof Database[T] & string)[] };
type Complete<L extends ColumnList> = {
  [T in keyof Database]: Exclude<keyof Database[T], L[T][number]> extends never ? L[T] : ['missing columns', Exclude<keyof Database[T], L[T][number]>];
};
function columns<L extends ColumnList>(list: L & Complete<L>): L {
  return list;
}

const expected = columns({
  units: ['id', 'parent_id', 'path', 'depth', 'name', 'short_name', 'type', 'level', 'region_code', 'tags', 'contact_name', 'contact_office_phone', 'contact_mobile', 'contact_fax', 'contact_email', 'mailing_address', 'pinyin_initials', 'sort_key', 'active', 'version', 'created_at', 'updated_at'],
  users: ['id', 'unit_id', 'username', 'display_name', 'email', 'mobile', 'password_hash', 'status', 'must_change_password', 'locked_until', 'activation_token_hash', 'activation_expires_at', 'password_changed_at', 'totp_secret', 'totp_enabled_at', 'totp_last_step', 'version', 'created_at', 'updated_at'],
  role_assignments: ['user_id', 'role', 'unit_id', 'granted_at'],
  sign_in_failures: ['id', 'user_id', 'failed_at'],
  sessions: ['id', 'user_id', 'csrf_token', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent', 'totp_pending_secret', 'reauthenticated_at'],
  sign_in_challenges: ['id', 'user_id', 'expires_at', 'created_at'],
  rate_limit_windows: ['key', 'hits', 'expires_at'],
  totp_recovery_codes: ['id', 'user_id', 'code_hash', 'used_at'],
  audit_log: ['id', 'occurred_at', 'actor_user_id', 'actor_username', 'actor_unit_id', 'unit_id', 'action', 'target_type', 'target_id', 'outcome', 'ip', 'details', 'chain_seq', 'prev_hash', 'row_hash'],
  audit_chain: ['id', 'head_seq', 'head_hash', 'anchor_seq', 'anchor_hash', 'anchor_before', 'purged_at'],
  schema_migrations: ['name', 'sha256', 'applied_at'],
  stored_files: ['id', 'storage_key', 'sha256', 'size_bytes', 'content_type', 'kind', 'original_name', 'unit_id', 'uploaded_by', 'created_at'],
  campaigns: ['id', 'unit_id', 'year', 'ordinal', 'theme', 'modules', 'phases', 'target_groups', 'key_dates', 'parent_campaign_id', 'copied_from_id', 'created_by', 'version', 'created_at', 'updated_at', 'moderators_version'],
  campaign_activities: ['id', 'campaign_id', 'title', 'module_id', 'start_date', 'end_date', 'place', 'description', 'status', 'sort_order', 'version', 'created_at', 'updated_at'],
  campaign_activity_departments: ['activity_id', 'unit_id'],
  notices: ['id', 'campaign_id', 'issuer_unit_id', 'kind', 'parent_notice_id', 'root_notice_id', 'doc_prefix', 'doc_year', 'doc_serial', 'document_number', 'title', 'addressee_text', 'addressee_rules', 'body_html', 'contacts', 'signature', 'issue_date', 'status', 'issued_at', 'issued_by', 'withdrawn_at', 'withdrawn_by', 'withdrawn_reason', 'created_by', 'version', 'created_at', 'updated_at'],
  notice_co_issuers: ['notice_id', 'unit_id', 'decision', 'decided_by', 'decided_at', 'comment'],
  notice_attachments: ['notice_id', 'file_id', 'name', 'sort_order'],
  notice_recipients: ['notice_id', 'unit_id', 'root_notice_id', 'delivered_at', 'read_at', 'read_by', 'acknowledged_at', 'acknowledged_by', 'forwarded_notice_id', 'forwarded_at'],
  collection_tasks: ['id', 'notice_id', 'upstream_task_id', 'title', 'description', 'deadline', 'deadline_conflict', 'sort_order', 'version', 'created_at', 'updated_at', 'form_version_id', 'quota', 'late_policy', 'assignee_unit_ids', 'routing', 'required_files', 'reminder_settings', 'recommendation_quota'],
  recommendations: ['id', 'activity_id', 'task_id', 'from_unit_id', 'to_unit_id', 'reason', 'recommended_by', 'recommended_at', 'withdrawn_at', 'withdrawn_by'],
  evaluation_rounds: ['id', 'unit_id', 'campaign_id', 'source_task_id', 'title', 'stage', 'blind', 'aggregation', 'normalise', 'publicity_days', 'publicity_starts_at', 'publicity_ends_at', 'commendation_notice_id', 'created_by', 'version', 'created_at', 'updated_at'],
  evaluation_categories: ['id', 'round_id', 'name', 'kind', 'places', 'sort_order'],
  evaluation_criteria: ['id', 'round_id', 'name', 'weight', 'min_score', 'max_score', 'sort_order'],
  evaluation_candidates: ['id', 'category_id', 'activity_id', 'unit_id', 'record', 'eligible', 'eligibility_note', 'selected', 'final_rank', 'nomination_id', 'version'],
  evaluation_reviewers: ['round_id', 'user_id'],
  evaluation_assignments: ['candidate_id', 'user_id', 'declined_reason', 'submitted_at', 'version'],
  evaluation_scores: ['candidate_id', 'user_id', 'criterion_id', 'score', 'comment', 'updated_at'],
  evaluation_objections: ['id', 'round_id', 'candidate_id', 'content', 'contact', 'received_at', 'resolution', 'upheld', 'resolved_by', 'resolved_at'],
  field_encryption_keys: ['key_id', 'fingerprint', 'created_at'],
  personal_data_export_grants: ['user_id', 'granted_by', 'granted_at'],
  reminders: ['id', 'task_id', 'unit_id', 'kind', 'auto', 'message', 'sent_by', 'sent_at', 'read_at', 'notification_id'],
  mail_templates: ['unit_id', 'kind', 'subject', 'body', 'updated_by', 'updated_at', 'version'],
  forms: ['id', 'unit_id', 'name', 'template_key', 'created_by', 'created_at', 'updated_at'],
  form_versions: ['id', 'form_id', 'version', 'definition', 'created_by', 'created_at'],
  task_exceptions: ['task_id', 'unit_id', 'until', 'reason', 'granted_by', 'granted_at'],
  nominations: ['id', 'task_id', 'unit_id', 'person_name', 'gender', 'birth_year', 'work_unit', 'discipline', 'job_title', 'achievements', 'photo_file_id', 'status', 'submitted_at', 'created_by', 'version', 'created_at', 'updated_at'],
  submissions: ['id', 'task_id', 'unit_id', 'form_version_id', 'status', 'values', 'routed_unit_id', 'first_submitted_at', 'submitted_at', 'late_hours', 'review_comments', 'reviewed_by', 'reviewed_at', 'version', 'created_at', 'updated_at', 'values_sealed_with'],
  submission_revisions: ['id', 'submission_id', 'version', 'status', 'values', 'action', 'comment', 'actor_user_id', 'created_at', 'values_sealed_with'],
  activities: ['id', 'submission_id', 'item_key', 'task_id', 'campaign_id', 'unit_id', 'title', 'host', 'organiser', 'modules', 'phase_id', 'start_date', 'end_date', 'place', 'target_groups', 'target_other', 'scale', 'description', 'status', 'withdrawn', 'created_at', 'updated_at'],
  idempotency_keys: ['key', 'user_id', 'scope', 'request_hash', 'status_code', 'response', 'created_at', 'completed_at'],
  submission_files: ['submission_id', 'file_id'],
  notifications: ['id', 'unit_id', 'kind', 'title', 'body', 'link', 'created_at', 'read_at', 'read_by'],
  showcase_publications: ['id', 'activity_id', 'campaign_id', 'unit_id', 'status', 'description', 'media_links', 'requested_by', 'requested_at', 'decided_by', 'decided_at', 'decision_note', 'first_published_at', 'published_at', 'withdrawn_by', 'withdrawn_at', 'withdraw_reason', 'search_vector', 'version', 'created_at', 'updated_at', 'final_report'],
  showcase_photos: ['publication_id', 'file_id', 'caption', 'sort_order'],
  showcase_moderators: ['campaign_id', 'unit_id', 'added_by', 'added_at'],
  activity_signup_settings: ['activity_id', 'enabled', 'capacity', 'deadline', 'updated_by', 'version', 'created_at', 'updated_at'],
  activity_signups: ['id', 'activity_id', 'name', 'mobile', 'affiliation', 'code', 'status', 'promoted_at', 'cancelled_at', 'checked_in_at', 'checked_in_by', 'ip', 'created_at', 'updated_at', 'mobile_index'],
  demands: ['id', 'code', 'category', 'region_code', 'society_unit_id', 'origin_unit_id', 'unit_id', 'status', 'description', 'contact_name', 'contact_phone', 'contact_email', 'submitted_at', 'arrived_at', 'accept_due_at', 'reply_due_at', 'first_reply_due_at', 'accepted_at', 'answered_at', 'answer', 'answered_unit_id', 'forwards', 'escalations', 'step', 'rating', 'rating_comment', 'rated_at', 'case_title', 'case_summary', 'case_published_at', 'ip', 'version', 'created_at', 'updated_at'],
  demand_events: ['id', 'demand_id', 'step', 'kind', 'from_unit_id', 'to_unit_id', 'note', 'user_id', 'at'],
  demand_time_limits: ['category', 'accept_days', 'reply_days', 'updated_by', 'updated_at'],
  showcase_articles: ['id', 'campaign_id', 'kind', 'title', 'summary', 'body_html', 'video_url', 'status', 'published_at', 'created_by', 'updated_by', 'version', 'created_at', 'updated_at'],
  showcase_article_images: ['article_id', 'file_id', 'caption', 'sort_order'],
  surveys: ['id', 'unit_id', 'title', 'intro', 'questions', 'target_regions', 'opens_at', 'closes_at', 'status', 'token', 'published_at', 'created_by', 'updated_by', 'version', 'created_at', 'updated_at'],
  survey_responses: ['id', 'survey_id', 'response_key', 'device_hash', 'answers', 'contact', 'consented_at', 'created_at'],
  contribution_calls: ['id', 'campaign_id', 'title', 'description', 'accepts_video', 'accepts_photo', 'accepts_letter', 'letter_word_limit', 'video_max_bytes', 'photo_max_bytes', 'opens_at', 'closes_at', 'status', 'created_by', 'updated_by', 'version', 'created_at', 'updated_at'],
  contributions: ['id', 'call_id', 'kind', 'title', 'credit_name', 'work_unit', 'email', 'letter_text', 'file_id', 'consent_text', 'consented_at', 'status', 'decision_reason', 'decided_by', 'decided_at', 'approved_at', 'idempotency_key', 'request_hash', 'ip', 'version', 'created_at', 'updated_at'],
  mail_outbox: ['id', 'dedupe_key', 'to_address', 'subject', 'text_body', 'unit_id', 'status', 'attempts', 'last_error', 'next_attempt_at', 'created_at', 'sent_at'],
});

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('schema', () => {
  it('matches the migrated database, table by table and column by column', async () => {
    const rows = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns where table_schema = 'public'`.execute(t.db);
    const actual: Record<string, string[]> = {};
    for (const row of rows.rows) (actual[row.table_name] ??= []).push(row.column_name);
    for (const [table, cols] of Object.entries(expected)) {
      expect(actual[table]?.sort(), table).toEqual([...cols].sort());
    }
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  });
});
