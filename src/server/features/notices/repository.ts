import { sql, type Selectable } from 'kysely';
import type { AddresseeRule } from '../../../shared/domain/addressees';
import type { DbOrTx } from '../../db/database';
import type { NoticesTable, RequiredFile, RoutingRule, TaskQuota } from '../../db/schema';
import type { RecommendationQuota } from '../../../shared/domain/evaluation';
import { openRow } from '../../crypto/personal-data';

export type NoticeRow = Selectable<NoticesTable> & {
  issuer_path: string;
  issuer_short_name: string;
  issuer_name: string;
  issuer_level: string;
};

export async function findNotice(db: DbOrTx, id: number): Promise<NoticeRow | undefined> {
  return db
    .selectFrom('notices as n')
    .innerJoin('units as u', 'u.id', 'n.issuer_unit_id')
    .selectAll('n')
    .select(['u.path as issuer_path', 'u.short_name as issuer_short_name', 'u.name as issuer_name', 'u.level as issuer_level'])
    .where('n.id', '=', id)
    .executeTakeFirst();
}

export async function coIssuersOf(db: DbOrTx, noticeId: number) {
  return db
    .selectFrom('notice_co_issuers as c')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .select(['c.unit_id', 'c.decision', 'c.comment', 'c.decided_at', 'u.short_name', 'u.name', 'u.path'])
    .where('c.notice_id', '=', noticeId)
    .orderBy('u.sort_key')
    .execute();
}

export async function replaceCoIssuers(db: DbOrTx, noticeId: number, unitIds: number[]) {
  await db.deleteFrom('notice_co_issuers').where('notice_id', '=', noticeId).execute();
  if (unitIds.length > 0) {
    await db
      .insertInto('notice_co_issuers')
      .values([...new Set(unitIds)].map((unit_id) => ({ notice_id: noticeId, unit_id })))
      .execute();
  }
}

export async function attachmentsOf(db: DbOrTx, noticeId: number) {
  return db
    .selectFrom('notice_attachments as a')
    .innerJoin('stored_files as f', 'f.id', 'a.file_id')
    .select(['a.file_id', 'a.name', 'f.size_bytes', 'f.storage_key', 'f.content_type'])
    .where('a.notice_id', '=', noticeId)
    .orderBy('a.sort_order')
    .execute();
}

export async function replaceAttachments(db: DbOrTx, noticeId: number, attachments: { fileId: string; name: string }[]) {
  await db.deleteFrom('notice_attachments').where('notice_id', '=', noticeId).execute();
  if (attachments.length > 0) {
    await db
      .insertInto('notice_attachments')
      .values(attachments.map((a, i) => ({ notice_id: noticeId, file_id: a.fileId, name: a.name, sort_order: i })))
      .execute();
  }
}

export async function tasksOf(db: DbOrTx, noticeIds: number[]) {
  if (noticeIds.length === 0) return [];
  return db
    .selectFrom('collection_tasks as t')
    .leftJoin('collection_tasks as up', 'up.id', 't.upstream_task_id')
    .selectAll('t')
    .select('up.deadline as upstream_deadline')
    .where('t.notice_id', 'in', noticeIds)
    .orderBy('t.sort_order')
    .orderBy('t.id')
    .execute();
}
export type TaskRow = Awaited<ReturnType<typeof tasksOf>>[number];

export async function findTask(db: DbOrTx, id: number) {
  return db.selectFrom('collection_tasks').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface TaskRecord {
  title: string;
  description: string;
  deadline: Date;
  upstreamTaskId: number | null;
  formVersionId: number | null;
  quota: TaskQuota;
  latePolicy: 'accept_flag' | 'close';
  assigneeUnitIds: number[] | null;
  routing: RoutingRule[];
  requiredFiles: RequiredFile[];
  recommendationQuota: RecommendationQuota;
}

export async function replaceTasks(db: DbOrTx, noticeId: number, tasks: TaskRecord[]) {
  await db.deleteFrom('collection_tasks').where('notice_id', '=', noticeId).execute();
  if (tasks.length > 0) {
    await db
      .insertInto('collection_tasks')
      .values(
        tasks.map((t, i) => ({
          notice_id: noticeId,
          title: t.title,
          description: t.description,
          deadline: t.deadline,
          upstream_task_id: t.upstreamTaskId,
          form_version_id: t.formVersionId,
          quota: JSON.stringify(t.quota),
          late_policy: t.latePolicy,
          assignee_unit_ids: t.assigneeUnitIds,
          routing: JSON.stringify(t.routing),
          required_files: JSON.stringify(t.requiredFiles),
          recommendation_quota: JSON.stringify(t.recommendationQuota),
          sort_order: i,
        })),
      )
      .execute();
  }
}

/** Active units below the issuer that the rules name (never the issuer itself). */
export async function resolveAddressees(db: DbOrTx, issuer: { id: number; path: string }, rules: AddresseeRule[]) {
  if (rules.length === 0) return [];
  return db
    .selectFrom('units')
    .select(['id', 'short_name', 'name', 'type', 'path', 'contact_email'])
    .where('active', '=', true)
    .where('id', '!=', issuer.id)
    .where('path', 'like', `${issuer.path}%`)
    .where((eb) =>
      eb.or(
        rules.map((rule) => {
          switch (rule.kind) {
            case 'units':
              return eb('id', 'in', rule.unitIds);
            case 'tag':
              return eb(sql<string>`${rule.tag}`, '=', eb.fn.any('tags'));
            case 'units_of_type':
              return eb.and([
                eb('type', '=', rule.unitType),
                ...(rule.level ? [eb('level', '=', rule.level)] : []),
                ...(rule.scope === 'children' ? [eb('parent_id', '=', issuer.id)] : []),
              ]);
          }
        }),
      ),
    )
    .orderBy('depth')
    .orderBy('sort_key')
    .execute()
    .then((rows) => rows.map((r) => openRow('units', r)));
}

export async function insertRecipients(db: DbOrTx, noticeId: number, rootNoticeId: number, unitIds: number[]) {
  for (let i = 0; i < unitIds.length; i += 2000) {
    await db
      .insertInto('notice_recipients')
      .values(unitIds.slice(i, i + 2000).map((unit_id) => ({ notice_id: noticeId, unit_id, root_notice_id: rootNoticeId })))
      .onConflict((oc) => oc.columns(['notice_id', 'unit_id']).doNothing())
      .execute();
  }
}

export async function findRecipient(db: DbOrTx, noticeId: number, unitId: number) {
  return db
    .selectFrom('notice_recipients as r')
    .leftJoin('users as a', 'a.id', 'r.acknowledged_by')
    .selectAll('r')
    .select('a.display_name as acknowledged_by_name')
    .where('r.notice_id', '=', noticeId)
    .where('r.unit_id', '=', unitId)
    .executeTakeFirst();
}

/** Recipient rows of the notice for units in the given subtrees. */
export async function recipientsWithin(db: DbOrTx, noticeId: number, scopePaths: string[]) {
  if (scopePaths.length === 0) return [];
  return db
    .selectFrom('notice_recipients as r')
    .innerJoin('units as u', 'u.id', 'r.unit_id')
    .select(['r.unit_id', 'u.path', 'u.depth'])
    .where('r.notice_id', '=', noticeId)
    .where((eb) => eb.or(scopePaths.map((p) => eb('u.path', 'like', `${p}%`))))
    .orderBy('u.depth')
    .execute();
}

export async function markRead(db: DbOrTx, noticeId: number, unitId: number, userId: number) {
  await db
    .updateTable('notice_recipients')
    .set({ read_at: new Date(), read_by: userId || null })
    .where('notice_id', '=', noticeId)
    .where('unit_id', '=', unitId)
    .where('read_at', 'is', null)
    .execute();
}

export async function acknowledge(db: DbOrTx, noticeId: number, unitId: number, userId: number): Promise<boolean> {
  const now = new Date();
  const result = await db
    .updateTable('notice_recipients')
    .set({
      acknowledged_at: now,
      acknowledged_by: userId || null,
      read_at: sql`coalesce(read_at, ${now})`,
      read_by: sql`coalesce(read_by, ${userId || null})`,
    })
    .where('notice_id', '=', noticeId)
    .where('unit_id', '=', unitId)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function markForwarded(db: DbOrTx, noticeId: number, unitId: number, forwardNoticeId: number) {
  const now = new Date();
  await db
    .updateTable('notice_recipients')
    .set({
      forwarded_notice_id: forwardNoticeId,
      forwarded_at: now,
      acknowledged_at: sql`coalesce(acknowledged_at, ${now})`,
      read_at: sql`coalesce(read_at, ${now})`,
    })
    .where('notice_id', '=', noticeId)
    .where('unit_id', '=', unitId)
    .execute();
}

/** A forward of `noticeId` by `unitId`, whatever its state. */
export async function findForwardBy(db: DbOrTx, noticeId: number, unitId: number) {
  return db
    .selectFrom('notices')
    .select(['id', 'status'])
    .where('parent_notice_id', '=', noticeId)
    .where('kind', '=', 'forward')
    .where('issuer_unit_id', '=', unitId)
    .where('status', '!=', 'withdrawn')
    .executeTakeFirst();
}

export async function inbox(db: DbOrTx, options: { unitIds: number[]; state: string; page: number; pageSize: number }) {
  if (options.unitIds.length === 0) return { rows: [], total: 0, unread: 0 };
  let query = db
    .selectFrom('notice_recipients as r')
    .innerJoin('notices as n', 'n.id', 'r.notice_id')
    .innerJoin('units as issuer', 'issuer.id', 'n.issuer_unit_id')
    .innerJoin('units as me', 'me.id', 'r.unit_id')
    .where('r.unit_id', 'in', options.unitIds);
  if (options.state === 'unread') query = query.where('r.read_at', 'is', null);
  if (options.state === 'read') query = query.where('r.read_at', 'is not', null).where('r.acknowledged_at', 'is', null);
  if (options.state === 'acknowledged') query = query.where('r.acknowledged_at', 'is not', null);
  const nextDeadline = sql<Date | null>`(select min(t.deadline) from collection_tasks t where t.notice_id = n.id and t.deadline > now())`;
  const [rows, count, unread] = await Promise.all([
    query
      .select([
        'n.id',
        'n.kind',
        'n.status',
        'n.document_number',
        'n.title',
        'n.issued_at',
        'n.updated_at',
        'issuer.short_name as issuer_name',
        'r.unit_id',
        'me.short_name as unit_name',
        'r.read_at',
        'r.acknowledged_at',
        'r.forwarded_notice_id',
        nextDeadline.as('next_deadline'),
      ])
      .orderBy('r.delivered_at', 'desc')
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize)
      .execute(),
    query.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    db
      .selectFrom('notice_recipients')
      .select(sql<string>`count(*)`.as('n'))
      .where('unit_id', 'in', options.unitIds)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n), unread: Number(unread.n) };
}

export async function listIssued(
  db: DbOrTx,
  options: { scopePaths: string[]; issuerUnitId?: number | undefined; status?: string | undefined; campaignId?: number | undefined; page: number; pageSize: number },
) {
  if (options.scopePaths.length === 0) return { rows: [], total: 0 };
  let query = db
    .selectFrom('notices as n')
    .innerJoin('units as issuer', 'issuer.id', 'n.issuer_unit_id')
    .where((eb) => eb.or(options.scopePaths.map((p) => eb('issuer.path', 'like', `${p}%`))));
  if (options.issuerUnitId) query = query.where('n.issuer_unit_id', '=', options.issuerUnitId);
  if (options.status) query = query.where('n.status', '=', options.status as NoticesTable['status']['__select__']);
  if (options.campaignId) query = query.where('n.campaign_id', '=', options.campaignId);
  const nextDeadline = sql<Date | null>`(select min(t.deadline) from collection_tasks t where t.notice_id = n.id and t.deadline > now())`;
  const [rows, count] = await Promise.all([
    query
      .select(['n.id', 'n.kind', 'n.status', 'n.document_number', 'n.title', 'n.issued_at', 'n.updated_at', 'issuer.short_name as issuer_name', nextDeadline.as('next_deadline')])
      .orderBy('n.updated_at', 'desc')
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize)
      .execute(),
    query.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function usedSerials(db: DbOrTx, issuerUnitId: number, prefix: string, year: number): Promise<number[]> {
  const rows = await db
    .selectFrom('notices')
    .select('doc_serial')
    .where('issuer_unit_id', '=', issuerUnitId)
    .where('doc_prefix', '=', prefix)
    .where('doc_year', '=', year)
    .where('doc_serial', 'is not', null)
    .where('status', '!=', 'draft')
    .execute();
  return rows.map((r) => r.doc_serial!);
}

/** The notices above this one, nearest first (a forward's upstream chain). */
export async function upstreamChain(db: DbOrTx, noticeId: number) {
  const result = await sql<{ id: number; document_number: string | null; title: string; issuer_name: string; depth: number }>`
    with recursive chain(id, parent_id, depth) as (
      select id, parent_notice_id, 0 from notices where id = ${noticeId}
      union all
      select n.id, n.parent_notice_id, chain.depth + 1 from notices n join chain on n.id = chain.parent_id
    )
    select n.id, n.document_number, n.title, u.short_name as issuer_name, chain.depth
    from chain join notices n on n.id = chain.id join units u on u.id = n.issuer_unit_id
    where chain.depth > 0 order by chain.depth`.execute(db);
  return result.rows;
}

/**
 * Every unit the notice reached, directly or through forwards below it, with the unit it was
 * reached through (the issuer of the notice that delivered it).
 */
export async function cascadeOf(db: DbOrTx, noticeId: number) {
  const result = await sql<{
    unit_id: number;
    parent_unit_id: number;
    short_name: string;
    type: string;
    notice_id: number;
    delivered_at: Date;
    read_at: Date | null;
    acknowledged_at: Date | null;
    forwarded_at: Date | null;
    forwarded_notice_id: number | null;
    contact_name: string | null;
    path: string;
  }>`
    with recursive tree(id) as (
      select id from notices where id = ${noticeId}
      union all
      select n.id from notices n join tree on n.parent_notice_id = tree.id
      where n.kind = 'forward' and n.status in ('issued', 'withdrawn')
    )
    select r.unit_id, n.issuer_unit_id as parent_unit_id, u.short_name, u.type, r.notice_id, r.delivered_at,
           r.read_at, r.acknowledged_at, r.forwarded_at, r.forwarded_notice_id, u.contact_name, u.path
    from tree join notices n on n.id = tree.id
    join notice_recipients r on r.notice_id = n.id
    join units u on u.id = r.unit_id
    order by u.depth, u.sort_key`.execute(db);
  return result.rows;
}

/** Tasks passing on `taskId`, at every level below, with the deadline of their direct upstream. */
export async function downstreamTasks(db: DbOrTx, taskId: number) {
  const result = await sql<{ id: number; notice_id: number; deadline: Date; upstream_deadline: Date; deadline_conflict: boolean }>`
    with recursive down(id) as (
      select id from collection_tasks where upstream_task_id = ${taskId}
      union all
      select t.id from collection_tasks t join down on t.upstream_task_id = down.id
    )
    select t.id, t.notice_id, t.deadline, up.deadline as upstream_deadline, t.deadline_conflict
    from down join collection_tasks t on t.id = down.id join collection_tasks up on up.id = t.upstream_task_id`.execute(db);
  return result.rows;
}
