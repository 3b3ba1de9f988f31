import { sql, type Selectable } from 'kysely';
import type { DbOrTx } from '../../db/database';
import type { SubmissionsTable } from '../../db/schema';
import type { ActivityFromItem } from '../../../shared/forms/activity';
import { openSubmissionValues, sealedSubmissionValues } from '../../crypto/personal-data';

export type SubmissionRow = Selectable<SubmissionsTable>;

export async function findTaskWithNotice(db: DbOrTx, taskId: number) {
  return db
    .selectFrom('collection_tasks as t')
    .innerJoin('notices as n', 'n.id', 't.notice_id')
    .innerJoin('units as issuer', 'issuer.id', 'n.issuer_unit_id')
    .selectAll('t')
    .select([
      'n.title as notice_title',
      'n.document_number',
      'n.status as notice_status',
      'n.campaign_id',
      'n.issuer_unit_id',
      'issuer.path as issuer_path',
      'issuer.short_name as issuer_name',
      'issuer.type as issuer_type',
    ])
    .where('t.id', '=', taskId)
    .executeTakeFirst();
}
export type TaskWithNotice = NonNullable<Awaited<ReturnType<typeof findTaskWithNotice>>>;

/** A unit's submission for a task, its values opened (contacts and addresses are sealed at rest). */
export async function findSubmission(db: DbOrTx, taskId: number, unitId: number) {
  const row = await db.selectFrom('submissions').selectAll().where('task_id', '=', taskId).where('unit_id', '=', unitId).executeTakeFirst();
  return row && openSubmissionValues(db, row.form_version_id, row);
}

export async function findSubmissionById(db: DbOrTx, id: number) {
  const row = await db
    .selectFrom('submissions as s')
    .innerJoin('units as u', 'u.id', 's.unit_id')
    .leftJoin('units as r', 'r.id', 's.routed_unit_id')
    .selectAll('s')
    .select(['u.short_name as unit_name', 'u.name as unit_full_name', 'u.path as unit_path', 'u.type as unit_type', 'r.short_name as routed_name', 'r.path as routed_path'])
    .where('s.id', '=', id)
    .executeTakeFirst();
  return row && openSubmissionValues(db, row.form_version_id, row);
}
export type SubmissionWithUnit = NonNullable<Awaited<ReturnType<typeof findSubmissionById>>>;

/** `values` as typed (opened): sealed here with the submission's form version. */
export async function insertRevision(
  db: DbOrTx,
  revision: { submissionId: number; formVersionId: number | null; version: number; status: string; values: unknown; action: string; comment?: unknown; actorUserId: number | null },
) {
  await db
    .insertInto('submission_revisions')
    .values({
      submission_id: revision.submissionId,
      version: revision.version,
      status: revision.status,
      ...(await sealedSubmissionValues(db, revision.formVersionId, revision.values)),
      action: revision.action,
      comment: revision.comment === undefined ? null : JSON.stringify(revision.comment),
      actor_user_id: revision.actorUserId,
    })
    .execute();
}

/**
 * Records a draft save. Autosave saves every few seconds: consecutive saves by the same person
 * within ten minutes are one revision in the history (the latest state), not hundreds.
 */
export async function recordSave(db: DbOrTx, save: { submissionId: number; formVersionId: number | null; version: number; status: string; values: unknown; actorUserId: number | null }) {
  const last = await db
    .selectFrom('submission_revisions')
    .select(['id', 'action', 'actor_user_id', 'created_at'])
    .where('submission_id', '=', save.submissionId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (last && last.action === 'save' && last.actor_user_id === save.actorUserId && Date.now() - last.created_at.getTime() < 10 * 60_000) {
    await db
      .updateTable('submission_revisions')
      .set({ version: save.version, status: save.status, ...(await sealedSubmissionValues(db, save.formVersionId, save.values)) })
      .where('id', '=', last.id)
      .execute();
    return;
  }
  await insertRevision(db, { ...save, action: 'save' });
}

export async function revisionsOf(db: DbOrTx, submissionId: number) {
  const rows = await db
    .selectFrom('submission_revisions as r')
    .innerJoin('submissions as s', 's.id', 'r.submission_id')
    .leftJoin('users as u', 'u.id', 'r.actor_user_id')
    .select(['r.version', 'r.status', 'r.action', 'r.comment', 'r.values', 'r.values_sealed_with', 's.form_version_id', 'r.created_at', 'u.display_name as actor_name'])
    .where('r.submission_id', '=', submissionId)
    .orderBy('r.version')
    .execute();
  const cache = new Map();
  return Promise.all(rows.map((row) => openSubmissionValues(db, row.form_version_id, row, cache)));
}

/** The task and every task passing it on below (forwards at every level). */
export async function taskTreeIds(db: DbOrTx, taskId: number): Promise<number[]> {
  const result = await sql<{ id: number }>`
    with recursive down(id) as (
      select ${taskId}::int
      union all
      select t.id from collection_tasks t join down on t.upstream_task_id = down.id
    )
    select id from down`.execute(db);
  return result.rows.map((r) => r.id);
}

export async function collected(
  db: DbOrTx,
  options: {
    taskIds: number[];
    status?: string | undefined;
    unitId?: number | undefined;
    moduleId?: string | undefined;
    phaseId?: string | undefined;
    late?: boolean | undefined;
    routedPaths?: string[] | undefined;
    page: number;
    pageSize: number;
  },
) {
  let query = db
    .selectFrom('submissions as s')
    .innerJoin('units as u', 'u.id', 's.unit_id')
    .innerJoin('collection_tasks as t', 't.id', 's.task_id')
    .innerJoin('notices as n', 'n.id', 't.notice_id')
    .innerJoin('units as c', 'c.id', 'n.issuer_unit_id')
    .leftJoin('units as r', 'r.id', 's.routed_unit_id')
    .where('s.task_id', 'in', options.taskIds)
    // Drafts are the unit's own business until submitted.
    .where('s.first_submitted_at', 'is not', null);
  if (options.status) query = query.where('s.status', '=', options.status as SubmissionRow['status']);
  if (options.unitId) query = query.where('s.unit_id', '=', options.unitId);
  if (options.late === true) query = query.where('s.late_hours', '>', 0);
  if (options.late === false) query = query.where('s.late_hours', '=', 0);
  if (options.moduleId || options.phaseId) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('activities as a')
          .select('a.id')
          .whereRef('a.submission_id', '=', 's.id')
          .where('a.withdrawn', '=', false)
          .$if(Boolean(options.moduleId), (q) => q.where(sql<boolean>`${options.moduleId} = any(a.modules)`))
          .$if(Boolean(options.phaseId), (q) => q.where('a.phase_id', '=', options.phaseId!)),
      ),
    );
  }
  if (options.routedPaths) {
    const paths = options.routedPaths;
    query = query.where((eb) => eb.or(paths.map((p) => eb('r.path', 'like', `${p}%`))));
  }
  const [rows, count] = await Promise.all([
    query
      .select([
        's.id',
        's.task_id',
        's.unit_id',
        'u.short_name as unit_name',
        'c.short_name as collected_by',
        's.status',
        's.submitted_at',
        's.late_hours',
        'r.short_name as routed_name',
        sql<string[]>`coalesce((select array_agg(a.title order by a.id) from activities a where a.submission_id = s.id and not a.withdrawn), '{}')`.as('item_titles'),
      ])
      .orderBy('u.path')
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize)
      .execute(),
    query.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function findException(db: DbOrTx, taskId: number, unitId: number) {
  return db.selectFrom('task_exceptions').selectAll().where('task_id', '=', taskId).where('unit_id', '=', unitId).executeTakeFirst();
}

/** Tasks the given units must submit for, with the state of their submission. */
export async function tasksFor(db: DbOrTx, options: { unitIds: number[]; openOnly: boolean; page: number; pageSize: number }) {
  if (options.unitIds.length === 0) return { rows: [], total: 0 };
  let query = db
    .selectFrom('collection_tasks as t')
    .innerJoin('notices as n', 'n.id', 't.notice_id')
    .innerJoin('units as issuer', 'issuer.id', 'n.issuer_unit_id')
    .innerJoin('notice_recipients as r', 'r.notice_id', 'n.id')
    .innerJoin('units as me', 'me.id', 'r.unit_id')
    .leftJoin('submissions as s', (join) => join.onRef('s.task_id', '=', 't.id').onRef('s.unit_id', '=', 'r.unit_id'))
    .where('n.status', '=', 'issued')
    .where('r.unit_id', 'in', options.unitIds)
    .where((eb) => eb.or([eb('t.assignee_unit_ids', 'is', null), eb(sql<boolean>`r.unit_id = any(t.assignee_unit_ids)`, '=', true)]));
  if (options.openOnly) query = query.where((eb) => eb.or([eb('s.status', 'is', null), eb('s.status', 'in', ['draft', 'returned'])]));
  const [rows, count] = await Promise.all([
    query
      .select([
        't.id as task_id',
        't.title',
        't.deadline',
        't.form_version_id',
        'n.id as notice_id',
        'n.title as notice_title',
        'issuer.short_name as issuer_name',
        'r.unit_id',
        'me.short_name as unit_name',
        's.status',
      ])
      .orderBy('t.deadline')
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize)
      .execute(),
    query.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Everything the exports need, one submission at a time, in unit order. */
export async function* submissionsForExport(db: DbOrTx, taskIds: number[], statuses: string[]) {
  const batch = 200;
  const cache = new Map();
  let lastPath = '';
  for (;;) {
    const rows = await db
      .selectFrom('submissions as s')
      .innerJoin('units as u', 'u.id', 's.unit_id')
      .select(['s.id', 's.unit_id', 's.status', 's.values', 's.values_sealed_with', 's.submitted_at', 's.late_hours', 's.form_version_id', 'u.short_name as unit_name', 'u.name as unit_full_name', 'u.path'])
      .where('s.task_id', 'in', taskIds)
      .where('s.status', 'in', statuses as SubmissionRow['status'][])
      .where('u.path', '>', lastPath)
      .orderBy('u.path')
      .limit(batch)
      .execute();
    for (const row of rows) yield await openSubmissionValues(db, row.form_version_id, row, cache);
    if (rows.length < batch) return;
    lastPath = rows.at(-1)!.path;
  }
}

/** The `activities` columns of an item's activity record (shared by submissions and the benchmark generator). */
export function activityColumns(a: ActivityFromItem) {
  return {
    title: a.title,
    host: a.host,
    organiser: a.organiser,
    modules: a.modules,
    phase_id: a.phaseId,
    start_date: a.startDate,
    end_date: a.endDate,
    place: a.place,
    target_groups: a.targetGroups,
    target_other: a.targetOther,
    scale: a.scale,
    description: a.description,
  };
}
