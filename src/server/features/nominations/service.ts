import type { z } from 'zod';
import type { createNominationBody, updateNominationBody } from '../../../shared/contracts/nominations';
import { can, type Actor } from '../../../shared/domain/access';
import { quotaFor } from '../../../shared/domain/evaluation';
import { nominationProblems, nominationQuotaLeft } from '../../../shared/domain/nominations';
import type { Db, DbOrTx } from '../../db/database';
import { AppError, forbidden, invalidFields, notFound, staleVersion } from '../../errors';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { findStoredFile } from '../files/service';
import { canCollect, loadTask, submitterUnitOf } from '../submissions/service';
import type { TaskWithNotice } from '../submissions/repository';
import * as repo from './repository';

/**
 * 推荐人选: a unit the task reached nominates persons (最美科技工作者 and the like) to the issuing
 * unit, within the quota the task sets for its kind of unit; the issuing unit sees the submitted
 * ones and takes them into an evaluation round as person candidates.
 */

type Fields = z.infer<typeof createNominationBody>;

const personOf = (row: Pick<repo.NominationRow, 'person_name' | 'gender' | 'birth_year' | 'work_unit' | 'discipline' | 'job_title' | 'achievements' | 'photo_file_id'>) => ({
  personName: row.person_name,
  gender: row.gender,
  birthYear: row.birth_year,
  workUnit: row.work_unit,
  discipline: row.discipline,
  jobTitle: row.job_title,
  achievements: row.achievements,
  photoFileId: row.photo_file_id,
});

async function audit(trx: DbOrTx, actor: Actor, nomination: { id: number; unit_id: number }, action: string, client: ClientInfo, details: Record<string, unknown> = {}) {
  await insertAuditEntry(trx, { ...actorFields(actor), unitId: nomination.unit_id, action: `nomination.${action}`, targetType: 'nomination', targetId: nomination.id, ip: client.ip, details });
}

/** The nominating unit the actor acts for on this task (its own, or one it manages below it). */
async function nominatingUnit(db: DbOrTx, actor: Actor, task: TaskWithNotice, unitId: number | undefined) {
  if (unitId === undefined) {
    const own = await submitterUnitOf(db, actor, task);
    if (!own) throw canCollect(actor, task) ? invalidFields([{ field: 'unitId', code: 'required' }]) : notFound();
    return own;
  }
  const unit = await db
    .selectFrom('notice_recipients as r')
    .innerJoin('units as u', 'u.id', 'r.unit_id')
    .select(['u.id', 'u.short_name', 'u.name', 'u.type', 'u.path'])
    .where('r.notice_id', '=', task.notice_id)
    .where('r.unit_id', '=', unitId)
    .executeTakeFirst();
  if (!unit || (task.assignee_unit_ids && !task.assignee_unit_ids.includes(unit.id))) throw invalidFields([{ field: 'unitId', code: 'invalid' }]);
  if (!can(actor, 'notices.acknowledge', unit.path)) throw forbidden();
  return unit;
}

/** A nomination the actor may see: its nominating unit's people, or the collector's. */
async function loadVisible(db: DbOrTx, actor: Actor, id: number) {
  const row = await repo.findNomination(db, id);
  if (!row) throw notFound();
  const task = await loadTask(db, row.task_id);
  const collector = canCollect(actor, task);
  if (!collector && !can(actor, 'notices.acknowledge', row.unit_path)) throw notFound();
  // The collector sees submitted nominations only: a draft is the nominating unit's business.
  if (collector && !can(actor, 'notices.acknowledge', row.unit_path) && row.status !== 'submitted') throw notFound();
  return { row, task, collector };
}

/** Only the nominating unit changes a nomination, never a withdrawn one, and only the version it read. */
function assertEditable(actor: Actor, row: repo.NominationRow, version: number) {
  if (!can(actor, 'notices.acknowledge', row.unit_path)) throw forbidden();
  if (row.status === 'withdrawn') throw new AppError('nomination_withdrawn', 409);
  if (row.version !== version) throw staleVersion();
}

async function loadEditable(db: DbOrTx, actor: Actor, id: number, version: number) {
  const { row, task } = await loadVisible(db, actor, id);
  assertEditable(actor, row, version);
  return { row, task };
}

/** The photo must be a JPEG or PNG the nominating unit (or its subtree) uploaded. */
async function checkPhoto(db: DbOrTx, photoFileId: string | null, unitPath: string) {
  if (!photoFileId) return;
  const file = await findStoredFile(db, photoFileId);
  const owner = file?.unit_id ? await db.selectFrom('units').select('path').where('id', '=', file.unit_id).executeTakeFirst() : undefined;
  if (!file || !owner || !owner.path.startsWith(unitPath)) throw invalidFields([{ field: 'photoFileId', code: 'invalid' }]);
  if (file.kind !== 'jpg' && file.kind !== 'png') throw invalidFields([{ field: 'photoFileId', code: 'invalid' }]);
}

const columnsOf = (fields: Omit<Fields, 'unitId'>) => ({
  person_name: fields.personName,
  gender: fields.gender,
  birth_year: fields.birthYear,
  work_unit: fields.workUnit,
  discipline: fields.discipline,
  job_title: fields.jobTitle,
  achievements: fields.achievements,
  photo_file_id: fields.photoFileId,
});

export async function listNominations(db: Db, actor: Actor, taskId: number) {
  const task = await loadTask(db, taskId);
  const own = await submitterUnitOf(db, actor, task);
  const collecting = canCollect(actor, task);
  if (!own && !collecting) throw notFound();
  const items = collecting && !own ? await repo.nominationsOf(db, task.id, { submittedOnly: true }) : await repo.nominationsOf(db, task.id, { unitId: own!.id });
  const ownView = own
    ? { unitId: own.id, unitName: own.short_name, max: quotaFor(task.recommendation_quota, own.type).max, submitted: await repo.countSubmitted(db, task.id, own.id) }
    : null;
  return { task, collecting: collecting && !own, own: ownView, items };
}

export async function createNomination(db: Db, options: { actor: Actor; taskId: number; input: Fields; client: ClientInfo }) {
  const task = await loadTask(db, options.taskId);
  const unit = await nominatingUnit(db, options.actor, task, options.input.unitId);
  await checkPhoto(db, options.input.photoFileId, unit.path);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('nominations')
      .values({ task_id: task.id, unit_id: unit.id, ...columnsOf(options.input), created_by: options.actor.userId || null })
      .returning(['id', 'unit_id'])
      .executeTakeFirstOrThrow();
    await audit(trx, options.actor, row, 'create', options.client, { personName: options.input.personName });
    return row.id;
  });
}

export async function updateNomination(db: Db, options: { actor: Actor; id: number; input: z.infer<typeof updateNominationBody>; client: ClientInfo }) {
  const { row } = await loadEditable(db, options.actor, options.id, options.input.version);
  if (row.status !== 'draft') throw new AppError('nomination_submitted', 409);
  await checkPhoto(db, options.input.photoFileId, row.unit_path);
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('nominations')
      .set({ ...columnsOf(options.input), version: row.version + 1, updated_at: new Date() })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw staleVersion();
    await audit(trx, options.actor, row, 'update', options.client);
  });
}

/** Submits within the quota and the deadline; a retried submit of a submitted nomination is a no-op. */
export async function submitNomination(db: Db, options: { actor: Actor; id: number; version: number; client: ClientInfo; now?: Date }) {
  const { row: current, task } = await loadVisible(db, options.actor, options.id);
  if (!can(options.actor, 'notices.acknowledge', current.unit_path)) throw forbidden();
  // A retried submit of a submitted nomination changes nothing, whatever version it carries.
  if (current.status === 'submitted') return;
  assertEditable(options.actor, current, options.version);
  const now = options.now ?? new Date();
  if (task.late_policy === 'close' && now > task.deadline) throw new AppError('task_closed', 409);
  const problems = nominationProblems(personOf(current), Number(now.toISOString().slice(0, 4)));
  if (problems.length > 0) throw invalidFields(problems);
  const unit = await db.selectFrom('units').select(['type', 'short_name']).where('id', '=', current.unit_id).executeTakeFirstOrThrow();
  const { max } = quotaFor(task.recommendation_quota, unit.type);
  await db.transaction().execute(async (trx) => {
    // One nominating unit at a time: the count and the update must not interleave with another submit.
    await trx.selectFrom('units').select('id').where('id', '=', current.unit_id).forUpdate().executeTakeFirst();
    const submitted = await repo.countSubmitted(trx, task.id, current.unit_id, current.id);
    if (nominationQuotaLeft(max, submitted) === 0) throw new AppError('nomination_quota_exceeded', 409, { unit: unit.short_name, max, count: submitted });
    const updated = await trx
      .updateTable('nominations')
      .set({ status: 'submitted', submitted_at: now, version: current.version + 1, updated_at: now })
      .where('id', '=', current.id)
      .where('version', '=', current.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw staleVersion();
    await audit(trx, options.actor, current, 'submit', options.client, { personName: current.person_name });
  });
}

/** Withdraws a nomination (draft or submitted) until it is taken into an evaluation round. */
export async function withdrawNomination(db: Db, options: { actor: Actor; id: number; version: number; client: ClientInfo }) {
  const { row } = await loadEditable(db, options.actor, options.id, options.version);
  const candidate = await db.selectFrom('evaluation_candidates').select('id').where('nomination_id', '=', row.id).executeTakeFirst();
  if (candidate) throw new AppError('nomination_in_evaluation', 409);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('nominations').set({ status: 'withdrawn', version: row.version + 1, updated_at: new Date() }).where('id', '=', row.id).execute();
    await audit(trx, options.actor, row, 'withdraw', options.client);
  });
}

export async function nominationDetail(db: Db, actor: Actor, id: number) {
  return (await loadVisible(db, actor, id)).row;
}

/** The persons selected in an announced round's person categories, as the public gallery shows them. */
export async function gallery(db: DbOrTx, roundId: number) {
  const round = await db
    .selectFrom('evaluation_rounds as r')
    .innerJoin('units as u', 'u.id', 'r.unit_id')
    .select(['r.id', 'r.title', 'r.stage', 'u.name as organiser'])
    .where('r.id', '=', roundId)
    .executeTakeFirst();
  if (!round || round.stage !== 'announced') throw notFound();
  const persons = await db
    .selectFrom('evaluation_candidates as c')
    .innerJoin('evaluation_categories as cat', 'cat.id', 'c.category_id')
    .innerJoin('nominations as n', 'n.id', 'c.nomination_id')
    .select(['c.id', 'cat.name as category', 'n.person_name', 'n.work_unit', 'n.discipline', 'n.job_title', 'n.achievements', 'n.photo_file_id'])
    .where('cat.round_id', '=', round.id)
    .where('c.selected', '=', true)
    .orderBy('cat.sort_order')
    .orderBy('c.final_rank')
    .orderBy('c.id')
    .execute();
  return {
    roundId: round.id,
    title: round.title,
    organiser: round.organiser,
    persons: persons.map((p) => ({
      candidateId: p.id,
      category: p.category,
      personName: p.person_name,
      workUnit: p.work_unit,
      discipline: p.discipline,
      jobTitle: p.job_title,
      achievements: p.achievements,
      hasPhoto: p.photo_file_id !== null,
    })),
  };
}

/** The photo of a person in the gallery: only selected persons of announced rounds. */
export async function galleryPhoto(db: DbOrTx, roundId: number, candidateId: number) {
  const row = await db
    .selectFrom('evaluation_candidates as c')
    .innerJoin('evaluation_categories as cat', 'cat.id', 'c.category_id')
    .innerJoin('evaluation_rounds as r', 'r.id', 'cat.round_id')
    .innerJoin('nominations as n', 'n.id', 'c.nomination_id')
    .select('n.photo_file_id')
    .where('c.id', '=', candidateId)
    .where('r.id', '=', roundId)
    .where('r.stage', '=', 'announced')
    .where('c.selected', '=', true)
    .executeTakeFirst();
  return row?.photo_file_id ?? null;
}
