import { can, type Actor } from '../../../shared/domain/access';
import { defaultModules, defaultPhases, defaultTargetGroups } from '../../../shared/domain/campaigns';
import { chinaDateOf, hoursLate } from '../../../shared/domain/deadlines';
import { nextStatus, type SubmissionAction, type SubmissionStatus } from '../../../shared/domain/submission-status';
import { activityFromItem } from '../../../shared/forms/activity';
import {
  effectiveForm,
  formDefinitionSchema,
  itemFields,
  submissionValuesSchema,
  unitFields,
  type FileValue,
  type FormDefinition,
  type SubmissionValues,
} from '../../../shared/forms/definition';
import { plainTaskForm } from '../../../shared/forms/templates';
import { validateSubmission, type FormContext } from '../../../shared/forms/validate';
import type { Db, DbOrTx } from '../../db/database';
import { AppError, forbidden, notFound, staleVersion, type FieldError } from '../../errors';
import { withIdempotency } from '../../idempotency';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { enqueueMail, insertNotifications } from '../notifications/repository';
import { templateFor } from '../notifications/templates';
import { renderMail } from '../../../shared/domain/mail-templates';
import { formatChinaDate } from '../notices/service';
import * as repo from './repository';
import type { TaskWithNotice } from './repository';
import { openRow, sealedSubmissionValues } from '../../crypto/personal-data';

// --- The task as the submitter and the collector see it ----------------------------------------

export async function loadTask(db: DbOrTx, taskId: number): Promise<TaskWithNotice> {
  const task = await repo.findTaskWithNotice(db, taskId);
  if (!task || task.notice_status === 'draft') throw notFound();
  return task;
}

/** The phases, modules and target groups the form is filled against: the notice's campaign, else the defaults. */
export async function formContextOf(db: DbOrTx, task: TaskWithNotice): Promise<FormContext> {
  const campaign = task.campaign_id
    ? await db.selectFrom('campaigns').select(['phases', 'modules', 'target_groups']).where('id', '=', task.campaign_id).executeTakeFirst()
    : undefined;
  if (campaign) return { phases: campaign.phases, modules: campaign.modules, targetGroups: campaign.target_groups };
  const year = Number(chinaDateOf(task.deadline).slice(0, 4));
  return { phases: defaultPhases(year), modules: defaultModules, targetGroups: defaultTargetGroups };
}

/** The designer's form of a task (what is printed); a plain task without a form gets a files-and-note form. */
export async function printedFormOf(db: DbOrTx, task: Pick<TaskWithNotice, 'form_version_id' | 'title'>): Promise<FormDefinition> {
  if (!task.form_version_id) return plainTaskForm(task.title);
  const version = await db.selectFrom('form_versions').select('definition').where('id', '=', task.form_version_id).executeTakeFirstOrThrow();
  return formDefinitionSchema.parse(version.definition);
}

/** The form a unit fills: the printed form plus the task's required files. */
export async function formOf(db: DbOrTx, task: Pick<TaskWithNotice, 'form_version_id' | 'title' | 'required_files'>): Promise<FormDefinition> {
  return effectiveForm(await printedFormOf(db, task), task.required_files);
}

export function canCollect(actor: Actor, task: Pick<TaskWithNotice, 'issuer_path'>): boolean {
  return can(actor, 'campaigns.manage', task.issuer_path);
}

/**
 * The departments of the collecting unit, named by the task's routing rules, that the actor
 * manages: they review the submissions routed to them, and only those.
 */
export async function routedDepartmentsOf(db: DbOrTx, actor: Actor, task: TaskWithNotice): Promise<string[]> {
  const ids = [...new Set(task.routing.map((r) => r.departmentUnitId))];
  if (ids.length === 0) return [];
  const units = await db.selectFrom('units').select('path').where('id', 'in', ids).execute();
  return units.map((u) => u.path).filter((path) => can(actor, 'campaigns.manage', path));
}

/** Collecting is for the issuer's managers: a unit that sees the task otherwise gets 403, others 404. */
export async function assertCanCollect(db: DbOrTx, actor: Actor, task: TaskWithNotice) {
  if (canCollect(actor, task)) return;
  if (can(actor, 'units.view', task.issuer_path) || (await submitterUnitOf(db, actor, task))) throw forbidden();
  throw notFound();
}

/** The caller's unit that must submit for this task: one where it holds a role and which the notice reached. */
export async function submitterUnitOf(db: DbOrTx, actor: Actor, task: TaskWithNotice) {
  const unitIds = [...new Set(actor.grants.filter((g) => can(actor, 'notices.acknowledge', g.unitPath)).map((g) => g.unitId))];
  if (unitIds.length === 0) return undefined;
  const reached = await db
    .selectFrom('notice_recipients as r')
    .innerJoin('units as u', 'u.id', 'r.unit_id')
    .select(['u.id', 'u.short_name', 'u.name', 'u.type', 'u.path'])
    .where('r.notice_id', '=', task.notice_id)
    .where('r.unit_id', 'in', unitIds)
    .orderBy('u.depth')
    .execute();
  return reached.find((u) => !task.assignee_unit_ids || task.assignee_unit_ids.includes(u.id));
}

async function isClosedFor(db: DbOrTx, task: TaskWithNotice, unitId: number, now: Date): Promise<boolean> {
  if (task.late_policy !== 'close' || now <= task.deadline) return false;
  const exception = await repo.findException(db, task.id, unitId);
  return !exception || exception.until < now;
}

export async function taskDetail(db: Db, actor: Actor, taskId: number) {
  const task = await loadTask(db, taskId);
  const submitter = await submitterUnitOf(db, actor, task);
  const collects = canCollect(actor, task) || (await routedDepartmentsOf(db, actor, task)).length > 0;
  if (!submitter && !collects && !can(actor, 'units.view', task.issuer_path)) throw notFound();
  const submission = submitter ? await repo.findSubmission(db, task.id, submitter.id) : undefined;
  return {
    task,
    form: await formOf(db, task),
    context: await formContextOf(db, task),
    submitter,
    submission: submission ? await repo.findSubmissionById(db, submission.id) : undefined,
    closed: submitter ? await isClosedFor(db, task, submitter.id, new Date()) : task.late_policy === 'close' && new Date() > task.deadline,
    canCollect: collects,
  };
}

// --- Filling and submitting -------------------------------------------------------------------

function problemsToFieldErrors(problems: ReturnType<typeof validateSubmission>): FieldError[] {
  return problems.map((p) => ({ field: p.field, code: p.code, params: p.params }));
}

function filesIn(form: FormDefinition, values: SubmissionValues): string[] {
  const keys = [...unitFields(form), ...itemFields(form)].filter((f) => f.kind === 'files').map((f) => f.key);
  const sets = [values.fields, ...values.items.map((i) => i.fields)];
  return sets.flatMap((set) => keys.flatMap((k) => ((set[k] as FileValue[] | undefined) ?? []).map((f) => f.fileId)));
}

/** Files named in the values must be the submitting unit's own uploads. */
async function checkFiles(db: DbOrTx, unitId: number, fileIds: string[]) {
  if (fileIds.length === 0) return;
  const found = await db.selectFrom('stored_files').select('id').where('id', 'in', fileIds).where('unit_id', '=', unitId).execute();
  const ok = new Set(found.map((f) => f.id));
  const bad = fileIds.find((id) => !ok.has(id));
  if (bad) throw new AppError('validation_failed', 422, {}, [{ field: 'values', code: 'invalid' }]);
}

async function requireSubmitter(db: DbOrTx, actor: Actor, task: TaskWithNotice) {
  const unit = await submitterUnitOf(db, actor, task);
  if (!unit) {
    if (canCollect(actor, task) || can(actor, 'units.view', task.issuer_path)) throw new AppError('not_an_assignee', 403);
    throw notFound();
  }
  return unit;
}

function assertTransition(status: SubmissionStatus, action: SubmissionAction): SubmissionStatus {
  const next = nextStatus(status, action);
  if (!next) throw new AppError('submission_status_conflict', 409, { status });
  return next;
}

/** Saves a draft (autosave): well-formed values only; a stale version is refused, nothing overwritten. */
export async function saveDraft(db: Db, options: { actor: Actor; taskId: number; values: SubmissionValues; version?: number | undefined; client: ClientInfo }) {
  const { actor } = options;
  const task = await loadTask(db, options.taskId);
  const unit = await requireSubmitter(db, actor, task);
  const form = await formOf(db, task);
  const problems = validateSubmission(form, await formContextOf(db, task), options.values, task.quota, 'draft');
  if (problems.length > 0) throw new AppError('submission_invalid', 422, {}, problemsToFieldErrors(problems));
  await checkFiles(db, unit.id, filesIn(form, options.values));
  return db.transaction().execute(async (trx) => {
    const existing = await repo.findSubmission(trx, task.id, unit.id);
    let id: number;
    let version: number;
    if (existing) {
      if (options.version !== existing.version) throw staleVersion();
      const status = assertTransition(existing.status, 'save');
      version = existing.version + 1;
      const result = await trx
        .updateTable('submissions')
        .set({ ...(await sealedSubmissionValues(trx, existing.form_version_id, options.values)), version, updated_at: new Date() })
        .where('id', '=', existing.id)
        .where('version', '=', existing.version)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw staleVersion();
      id = existing.id;
      await repo.recordSave(trx, { submissionId: id, formVersionId: existing.form_version_id, version, status, values: options.values, actorUserId: actor.userId || null });
    } else {
      if (options.version !== undefined) throw staleVersion();
      version = 1;
      const row = await trx
        .insertInto('submissions')
        .values({ task_id: task.id, unit_id: unit.id, form_version_id: task.form_version_id, ...(await sealedSubmissionValues(trx, task.form_version_id, options.values)) })
        .onConflict((oc) => oc.columns(['task_id', 'unit_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      // Two first saves racing: the loser sees a version conflict rather than a duplicate.
      if (!row) throw staleVersion();
      id = row.id;
      await repo.insertRevision(trx, { submissionId: id, formVersionId: task.form_version_id, version, status: 'draft', values: options.values, action: 'save', actorUserId: actor.userId || null });
    }
    await trx.deleteFrom('submission_files').where('submission_id', '=', id).execute();
    const fileIds = [...new Set(filesIn(form, options.values))];
    if (fileIds.length > 0) await trx.insertInto('submission_files').values(fileIds.map((file_id) => ({ submission_id: id, file_id }))).execute();
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: unit.id, action: 'submission.save', targetType: 'submission', targetId: id, ip: options.client.ip, details: { version } });
    return id;
  });
}

/**
 * Submits the saved draft: full validation with the quota, the late policy, routing to the
 * collecting department, and one Activity record per item. Idempotent by Idempotency-Key.
 */
export async function submit(db: Db, options: { actor: Actor; taskId: number; version: number; idempotencyKey: string | undefined; client: ClientInfo }) {
  const { actor } = options;
  const task = await loadTask(db, options.taskId);
  const unit = await requireSubmitter(db, actor, task);
  const form = await formOf(db, task);
  const ctx = await formContextOf(db, task);
  return withIdempotency(db, { userId: actor.userId, key: options.idempotencyKey, scope: `submit:${task.id}:${unit.id}`, body: { version: options.version } }, async (trx) => {
    const submission = await repo.findSubmission(trx, task.id, unit.id);
    if (!submission) throw new AppError('submission_invalid', 422, {}, [{ field: 'values', code: 'required' }]);
    if (submission.version !== options.version) throw staleVersion();
    const next = assertTransition(submission.status, 'submit');
    const values = submissionValuesSchema.parse(submission.values) as SubmissionValues;
    const problems = validateSubmission(form, ctx, values, task.quota, 'submit');
    if (problems.length > 0) throw new AppError('submission_invalid', 422, {}, problemsToFieldErrors(problems));
    const now = new Date();
    if (await isClosedFor(trx, task, unit.id, now)) throw new AppError('task_closed', 409);
    const late = hoursLate(now, task.deadline);
    const routed = task.routing.find((r) => r.unitTypes.includes(unit.type))?.departmentUnitId ?? null;
    const version = submission.version + 1;
    await trx
      .updateTable('submissions')
      .set({
        status: next,
        submitted_at: now,
        first_submitted_at: submission.first_submitted_at ?? now,
        late_hours: late,
        routed_unit_id: routed,
        // The collector's comments belonged to the version it returned; they stay in the history.
        review_comments: null,
        version,
        updated_at: now,
      })
      .where('id', '=', submission.id)
      .execute();
    await repo.insertRevision(trx, { submissionId: submission.id, formVersionId: submission.form_version_id, version, status: next, values, action: 'submit', actorUserId: actor.userId || null });
    await recordActivities(trx, { submissionId: submission.id, task, unitId: unit.id, form, ctx, values });
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: unit.id,
      action: submission.status === 'returned' ? 'submission.resubmit' : 'submission.submit',
      targetType: 'submission',
      targetId: submission.id,
      ip: options.client.ip,
      details: { taskId: task.id, items: values.items.length, lateHours: late },
    });
    await insertNotifications(trx, [
      { unitId: routed ?? task.issuer_unit_id, kind: 'submission', title: `${unit.short_name}已报送：${task.title}`, link: `/collect/${task.id}` },
    ]);
    return presentSubmission((await repo.findSubmissionById(trx, submission.id))!);
  });
}

/** One Activity per submitted item; items removed since the last submission are withdrawn. */
async function recordActivities(
  trx: DbOrTx,
  options: { submissionId: number; task: TaskWithNotice; unitId: number; form: FormDefinition; ctx: FormContext; values: SubmissionValues },
) {
  const { form, ctx, values } = options;
  if (!form.itemGroup) return;
  const now = new Date();
  for (const [index, item] of values.items.entries()) {
    const a = activityFromItem(form, ctx, item.fields, `${form.itemGroup.label}${index + 1}`);
    const row = {
      ...repo.activityColumns(a),
      withdrawn: false,
      updated_at: now,
    };
    await trx
      .insertInto('activities')
      .values({ ...row, submission_id: options.submissionId, item_key: item.key, task_id: options.task.id, campaign_id: options.task.campaign_id, unit_id: options.unitId })
      .onConflict((oc) => oc.columns(['submission_id', 'item_key']).doUpdateSet(row))
      .execute();
  }
  const keys = values.items.map((i) => i.key);
  let stale = trx.updateTable('activities').set({ withdrawn: true, updated_at: now }).where('submission_id', '=', options.submissionId);
  if (keys.length > 0) stale = stale.where('item_key', 'not in', keys);
  await stale.execute();
}

// --- Reviewing --------------------------------------------------------------------------------

export async function loadSubmissionFor(db: DbOrTx, actor: Actor, id: number) {
  const submission = await repo.findSubmissionById(db, id);
  if (!submission) throw notFound();
  const task = await loadTask(db, submission.task_id);
  const collects = canCollect(actor, task) || (submission.routed_path !== null && can(actor, 'campaigns.manage', submission.routed_path));
  const own = actor.grants.some((g) => g.unitId === submission.unit_id);
  if (!collects && !own) throw notFound();
  if (!own && submission.first_submitted_at === null) throw notFound();
  return { submission, task, collects, own };
}

export async function review(
  db: Db,
  options: {
    actor: Actor;
    id: number;
    version: number;
    action: 'return' | 'accept';
    comment: string | null;
    itemComments?: Record<string, string>;
    publicUrl: string;
    client: ClientInfo;
  },
) {
  const { actor } = options;
  const { submission, task, collects } = await loadSubmissionFor(db, actor, options.id);
  if (!collects) throw forbidden();
  if (submission.version !== options.version) throw staleVersion();
  const next = assertTransition(submission.status, options.action);
  const comments = { general: options.comment, items: options.itemComments ?? {} };
  const unitContact = openRow('units', await db.selectFrom('units').select(['contact_email', 'short_name']).where('id', '=', submission.unit_id).executeTakeFirstOrThrow());
  const mail = renderMail(await templateFor(db, task.issuer_unit_id, options.action), {
    unit: unitContact.short_name,
    task: task.title,
    notice: task.notice_title,
    issuer: task.issuer_name,
    deadline: formatChinaDate(task.deadline),
    comment: options.comment ?? '',
    link: `${options.publicUrl}/tasks/${task.id}`,
  });
  await db.transaction().execute(async (trx) => {
    const version = submission.version + 1;
    const result = await trx
      .updateTable('submissions')
      .set({ status: next, review_comments: JSON.stringify(comments), reviewed_by: actor.userId || null, reviewed_at: new Date(), version, updated_at: new Date() })
      .where('id', '=', submission.id)
      .where('version', '=', submission.version)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw staleVersion();
    await repo.insertRevision(trx, {
      submissionId: submission.id,
      formVersionId: submission.form_version_id,
      version,
      status: next,
      values: submission.values,
      action: options.action,
      comment: comments,
      actorUserId: actor.userId || null,
    });
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: submission.unit_id,
      action: `submission.${options.action}`,
      targetType: 'submission',
      targetId: submission.id,
      ip: options.client.ip,
      details: { comment: options.comment, items: Object.keys(comments.items) },
    });
    const verb = options.action === 'return' ? '已退回，请修改后重新报送' : '已通过审核';
    await insertNotifications(trx, [{ unitId: submission.unit_id, kind: `submission_${options.action}`, title: `《${task.title}》${verb}`, body: options.comment ?? '', link: `/tasks/${task.id}` }]);
    if (unitContact.contact_email) {
      await enqueueMail(trx, [
        { dedupeKey: `submission:${submission.id}:${options.action}:${version}`, to: unitContact.contact_email, subject: mail.subject, text: mail.body, unitId: submission.unit_id },
      ]);
    }
  });
  return (await repo.findSubmissionById(db, submission.id))!;
}

export async function grantException(db: Db, options: { actor: Actor; taskId: number; unitId: number; until: Date; reason: string; client: ClientInfo }) {
  const { actor } = options;
  const task = await loadTask(db, options.taskId);
  await assertCanCollect(db, actor, task);
  const reached = await db.selectFrom('notice_recipients').select('unit_id').where('notice_id', '=', task.notice_id).where('unit_id', '=', options.unitId).executeTakeFirst();
  if (!reached) throw new AppError('validation_failed', 422, {}, [{ field: 'unitId', code: 'invalid' }]);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('task_exceptions')
      .values({ task_id: task.id, unit_id: options.unitId, until: options.until, reason: options.reason, granted_by: actor.userId || null })
      .onConflict((oc) => oc.columns(['task_id', 'unit_id']).doUpdateSet({ until: options.until, reason: options.reason, granted_by: actor.userId || null, granted_at: new Date() }))
      .execute();
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: options.unitId,
      action: 'task.grant_exception',
      targetType: 'collection_task',
      targetId: task.id,
      ip: options.client.ip,
      details: { until: options.until.toISOString(), reason: options.reason },
    });
  });
}

export function presentSubmission(s: repo.SubmissionWithUnit) {
  return {
    id: s.id,
    taskId: s.task_id,
    unitId: s.unit_id,
    unitName: s.unit_name,
    status: s.status,
    values: submissionValuesSchema.parse(s.values),
    formVersionId: s.form_version_id,
    firstSubmittedAt: s.first_submitted_at?.toISOString() ?? null,
    submittedAt: s.submitted_at?.toISOString() ?? null,
    lateHours: s.late_hours,
    reviewComments: (s.review_comments as { general: string | null; items: Record<string, string> } | null) ?? null,
    routedTo: s.routed_name,
    version: s.version,
    updatedAt: s.updated_at.toISOString(),
  };
}
