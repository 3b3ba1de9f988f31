import { sql } from 'kysely';
import { can, type Actor } from '../../../shared/domain/access';
import { quotaFor } from '../../../shared/domain/evaluation';
import type { Db, DbOrTx } from '../../db/database';
import { AppError, forbidden, notFound } from '../../errors';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { insertNotifications } from '../notifications/repository';
import { assertCanCollect, loadTask } from '../submissions/service';

/**
 * 择优推荐: a collecting unit picks from what reached it — accepted submissions to its task,
 * items its subordinates recommended to it, and its own activities — and recommends them into the
 * pool of the task above, within the quota that task sets for its kind of unit.
 */

/** The pool of the unit collecting `taskId`: what it may recommend upward. */
export async function poolOf(db: DbOrTx, task: { id: number; issuer_unit_id: number; upstream_task_id: number | null }) {
  const rows = await sql<{
    activity_id: number;
    title: string;
    unit_id: number;
    unit_name: string;
    modules: string[];
    phase_id: string | null;
    source: 'accepted' | 'recommended' | 'own';
    recommended_by_unit: string | null;
    reason: string | null;
  }>`
    select a.id as activity_id, a.title, a.unit_id, u.short_name as unit_name, a.modules, a.phase_id, 'accepted' as source,
           null as recommended_by_unit, null as reason
    from activities a
    join submissions s on s.id = a.submission_id and s.status = 'accepted'
    join units u on u.id = a.unit_id
    where a.task_id = ${task.id} and not a.withdrawn
    union all
    select a.id, a.title, a.unit_id, u.short_name, a.modules, a.phase_id, 'recommended', fu.short_name, r.reason
    from recommendations r
    join activities a on a.id = r.activity_id and not a.withdrawn
    join units u on u.id = a.unit_id
    join units fu on fu.id = r.from_unit_id
    where r.task_id = ${task.id} and r.withdrawn_at is null
    union all
    select a.id, a.title, a.unit_id, u.short_name, a.modules, a.phase_id, 'own', null, null
    from activities a
    join submissions s on s.id = a.submission_id and s.status in ('submitted', 'returned', 'accepted')
    join units u on u.id = a.unit_id
    where ${task.upstream_task_id}::int is not null and a.task_id = ${task.upstream_task_id} and a.unit_id = ${task.issuer_unit_id} and not a.withdrawn
    order by 1`.execute(db);
  return rows.rows;
}

/** The active recommendations a unit made from `taskId`'s pool into the task above. */
export async function recommendationsFrom(db: DbOrTx, upperTaskId: number, unitId: number) {
  return db
    .selectFrom('recommendations as r')
    .innerJoin('activities as a', 'a.id', 'r.activity_id')
    .leftJoin('users as by', 'by.id', 'r.recommended_by')
    .select(['r.id', 'r.activity_id', 'a.title', 'r.reason', 'r.recommended_at', 'by.display_name as recommended_by'])
    .where('r.task_id', '=', upperTaskId)
    .where('r.from_unit_id', '=', unitId)
    .where('r.withdrawn_at', 'is', null)
    .orderBy('r.recommended_at')
    .execute();
}

async function upperTaskOf(db: DbOrTx, task: { upstream_task_id: number | null }) {
  if (!task.upstream_task_id) throw new AppError('recommendation_no_upper', 409);
  const upper = await loadTask(db, task.upstream_task_id);
  return upper;
}

export async function recommend(db: Db, options: { actor: Actor; taskId: number; activityId: number; reason: string; client: ClientInfo }) {
  const { actor } = options;
  const task = await loadTask(db, options.taskId);
  await assertCanCollect(db, actor, task);
  const upper = await upperTaskOf(db, task);
  if (new Date() > upper.deadline) throw new AppError('recommendation_closed', 409);
  const pool = await poolOf(db, task);
  if (!pool.some((p) => p.activity_id === options.activityId)) throw new AppError('recommendation_not_in_pool', 422, {}, [{ field: 'activityId', code: 'invalid' }]);
  const unit = await db.selectFrom('units').select(['id', 'short_name', 'type']).where('id', '=', task.issuer_unit_id).executeTakeFirstOrThrow();
  const { max } = quotaFor(upper.recommendation_quota, unit.type);
  return db.transaction().execute(async (trx) => {
    // Serialises concurrent recommendations of one unit, so the quota holds under races.
    await sql`select pg_advisory_xact_lock(${upper.id}, ${unit.id})`.execute(trx);
    const current = await recommendationsFrom(trx, upper.id, unit.id);
    if (current.some((r) => r.activity_id === options.activityId)) return current.find((r) => r.activity_id === options.activityId)!.id;
    if (current.length >= max) {
      throw new AppError('recommendation_quota_exceeded', 409, { unit: unit.short_name, max, count: current.length });
    }
    const row = await trx
      .insertInto('recommendations')
      .values({ activity_id: options.activityId, task_id: upper.id, from_unit_id: unit.id, to_unit_id: upper.issuer_unit_id, reason: options.reason, recommended_by: actor.userId || null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: unit.id,
      action: 'recommendation.create',
      targetType: 'activity',
      targetId: options.activityId,
      ip: options.client.ip,
      details: { upperTaskId: upper.id, reason: options.reason },
    });
    await insertNotifications(trx, [{ unitId: upper.issuer_unit_id, kind: 'recommendation', title: `${unit.short_name}推荐了活动`, link: `/collect/${upper.id}` }]);
    return row.id;
  });
}

export async function withdrawRecommendation(db: Db, options: { actor: Actor; id: number; client: ClientInfo }) {
  const { actor } = options;
  const row = await db.selectFrom('recommendations').selectAll().where('id', '=', options.id).executeTakeFirst();
  if (!row || row.withdrawn_at) throw notFound();
  const from = await db.selectFrom('units').select('path').where('id', '=', row.from_unit_id).executeTakeFirstOrThrow();
  if (!can(actor, 'units.view', from.path)) throw notFound();
  if (!can(actor, 'campaigns.manage', from.path)) throw forbidden();
  const upper = await loadTask(db, row.task_id);
  if (new Date() > upper.deadline) throw new AppError('recommendation_closed', 409);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('recommendations').set({ withdrawn_at: new Date(), withdrawn_by: actor.userId || null }).where('id', '=', row.id).execute();
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: row.from_unit_id, action: 'recommendation.withdraw', targetType: 'activity', targetId: row.activity_id, ip: options.client.ip });
  });
}

/** Who recommended an activity at each level, when and why: the chain upward. */
export async function provenanceOf(db: DbOrTx, activityId: number) {
  return db
    .selectFrom('recommendations as r')
    .innerJoin('units as f', 'f.id', 'r.from_unit_id')
    .innerJoin('units as t', 't.id', 'r.to_unit_id')
    .leftJoin('users as by', 'by.id', 'r.recommended_by')
    .select(['r.id', 'r.task_id', 'f.short_name as from_unit', 't.short_name as to_unit', 'r.reason', 'r.recommended_at', 'by.display_name as recommended_by', 'r.withdrawn_at', 'f.depth', 't.path as to_path'])
    .where('r.activity_id', '=', activityId)
    .orderBy('f.depth', 'desc')
    .orderBy('r.recommended_at')
    .execute();
}
