import type { DbOrTx } from '../../db/database';

/** Database access for nominations (推荐人选): one place for the aggregate. */

const columns = [
  'n.id',
  'n.task_id',
  'n.unit_id',
  'u.short_name as unit_name',
  'u.path as unit_path',
  'n.person_name',
  'n.gender',
  'n.birth_year',
  'n.work_unit',
  'n.discipline',
  'n.job_title',
  'n.achievements',
  'n.photo_file_id',
  'n.status',
  'n.submitted_at',
  'n.version',
] as const;

export function findNomination(db: DbOrTx, id: number) {
  return db.selectFrom('nominations as n').innerJoin('units as u', 'u.id', 'n.unit_id').select(columns).where('n.id', '=', id).executeTakeFirst();
}
export type NominationRow = NonNullable<Awaited<ReturnType<typeof findNomination>>>;

/** A task's nominations: all of them (unitId undefined) or one nominating unit's. */
export function nominationsOf(db: DbOrTx, taskId: number, options: { unitId?: number; submittedOnly?: boolean } = {}) {
  let query = db.selectFrom('nominations as n').innerJoin('units as u', 'u.id', 'n.unit_id').select(columns).where('n.task_id', '=', taskId);
  if (options.unitId !== undefined) query = query.where('n.unit_id', '=', options.unitId);
  if (options.submittedOnly) query = query.where('n.status', '=', 'submitted');
  else query = query.where('n.status', '!=', 'withdrawn');
  return query.orderBy('u.sort_key').orderBy('n.id').execute();
}

export async function countSubmitted(db: DbOrTx, taskId: number, unitId: number, exceptId?: number) {
  let query = db.selectFrom('nominations').select(db.fn.countAll<number>().as('n')).where('task_id', '=', taskId).where('unit_id', '=', unitId).where('status', '=', 'submitted');
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}
