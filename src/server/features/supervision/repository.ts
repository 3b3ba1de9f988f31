import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database';
import { openRow } from '../../crypto/personal-data';

export interface CompletionRow {
  task_id: number;
  unit_id: number;
  parent_unit_id: number;
  short_name: string;
  type: string;
  region_code: string | null;
  deadline: Date;
  read_at: Date | null;
  acknowledged_at: Date | null;
  forwarded_at: Date | null;
  submission_id: number | null;
  submission_status: 'draft' | 'submitted' | 'returned' | 'accepted' | null;
  submitted_at: Date | null;
  first_submitted_at: Date | null;
  late_hours: number;
  last_reminded_at: Date | null;
}

/**
 * Every unit that owes the task or a task passing it on (forwards at every level), with its
 * receipt and submission, hung under the unit it owes the task to.
 */
export async function completionRows(db: DbOrTx, taskId: number): Promise<CompletionRow[]> {
  const result = await sql<CompletionRow>`
    with recursive tree(id) as (
      select ${taskId}::int
      union all
      select t.id from collection_tasks t join tree on t.upstream_task_id = tree.id
    )
    select t.id as task_id, r.unit_id, n.issuer_unit_id as parent_unit_id, u.short_name, u.type, u.region_code,
           t.deadline, r.read_at, r.acknowledged_at, r.forwarded_at,
           s.id as submission_id, s.status as submission_status, s.submitted_at, s.first_submitted_at,
           coalesce(s.late_hours, 0) as late_hours,
           (select max(m.sent_at) from reminders m where m.task_id = t.id and m.unit_id = r.unit_id) as last_reminded_at
    from tree
    join collection_tasks t on t.id = tree.id
    join notices n on n.id = t.notice_id and n.status = 'issued'
    join notice_recipients r on r.notice_id = n.id
    join units u on u.id = r.unit_id
    left join submissions s on s.task_id = t.id and s.unit_id = r.unit_id
    where t.assignee_unit_ids is null or r.unit_id = any(t.assignee_unit_ids)
    order by u.depth, u.sort_key`.execute(db);
  // No personal data here: the completion view shows none, so nothing needs unsealing.
  return result.rows;
}

/** Tasks whose automatic reminders may be due: issued, enabled, deadline within the window. */
export async function tasksForReminders(db: DbOrTx, now: Date) {
  return db
    .selectFrom('collection_tasks as t')
    .innerJoin('notices as n', 'n.id', 't.notice_id')
    .innerJoin('units as issuer', 'issuer.id', 'n.issuer_unit_id')
    .select(['t.id', 't.title', 't.deadline', 't.reminder_settings', 't.notice_id', 't.assignee_unit_ids', 'n.title as notice_title', 'n.issuer_unit_id', 'issuer.short_name as issuer_name'])
    .where('n.status', '=', 'issued')
    .where('t.deadline', '>', new Date(now.getTime() - 3 * 86_400_000))
    .where('t.deadline', '<', new Date(now.getTime() + 60 * 86_400_000))
    .execute();
}

/** Units owing the task directly that have not handed it in (no submission, a draft, or returned). */
export async function unitsNotSubmitted(db: DbOrTx, task: { id: number; notice_id: number; assignee_unit_ids: number[] | null }, onlyUnitIds?: number[]) {
  let query = db
    .selectFrom('notice_recipients as r')
    .innerJoin('units as u', 'u.id', 'r.unit_id')
    .leftJoin('submissions as s', (join) => join.on('s.task_id', '=', task.id).onRef('s.unit_id', '=', 'r.unit_id'))
    .select(['u.id', 'u.short_name', 'u.contact_email'])
    .where('r.notice_id', '=', task.notice_id)
    .where((eb) => eb.or([eb('s.status', 'is', null), eb('s.status', 'in', ['draft', 'returned'])]));
  if (task.assignee_unit_ids) query = query.where('r.unit_id', 'in', task.assignee_unit_ids.length > 0 ? task.assignee_unit_ids : [-1]);
  if (onlyUnitIds) query = query.where('r.unit_id', 'in', onlyUnitIds.length > 0 ? onlyUnitIds : [-1]);
  // In one order: two processes' rounds then take the reminders' index entries in the same order
  // (the later one waits, then skips) instead of deadlocking.
  return (await query.orderBy('u.id').execute()).map((r) => openRow('units', r));
}
