import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database';

export interface AuditEntryInput {
  actorUserId?: number | null;
  actorUsername?: string | null;
  actorUnitId?: number | null;
  unitId?: number | null;
  action: string;
  targetType?: string | null;
  targetId?: string | number | null;
  outcome?: 'success' | 'failure';
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** Appends one entry; called inside the transaction of the write it records. */
export async function insertAuditEntry(db: DbOrTx, entry: AuditEntryInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_user_id: entry.actorUserId ?? null,
      actor_username: entry.actorUsername ?? null,
      actor_unit_id: entry.actorUnitId ?? null,
      unit_id: entry.unitId ?? null,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId === undefined || entry.targetId === null ? null : String(entry.targetId),
      outcome: entry.outcome ?? 'success',
      ip: entry.ip ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

export interface AuditSearch {
  /** Subtree paths the reader may see; null means everything (system administrators). */
  scopePaths: string[] | null;
  q?: string | undefined;
  action?: string | undefined;
  outcome?: 'success' | 'failure' | undefined;
  from?: string | undefined;
  to?: string | undefined;
  page: number;
  pageSize: number;
}

export async function searchAuditEntries(db: DbOrTx, search: AuditSearch) {
  let query = db
    .selectFrom('audit_log as a')
    .leftJoin('units as u', 'u.id', 'a.unit_id')
    .leftJoin('units as au', 'au.id', 'a.actor_unit_id');
  if (search.scopePaths) {
    const paths = search.scopePaths;
    if (paths.length === 0) return { items: [], total: 0 };
    // An entry is in scope when the unit it concerns, or the actor's unit, lies in the reader's subtree.
    query = query.where((eb) =>
      eb.or(paths.flatMap((p) => [eb('u.path', 'like', `${p}%`), eb('au.path', 'like', `${p}%`)])),
    );
  }
  if (search.q) {
    const like = `%${search.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('a.actor_username', 'ilike', like),
        eb('a.action', 'ilike', like),
        eb('a.target_id', '=', search.q!),
        eb('u.name', 'ilike', like),
        eb('u.short_name', 'ilike', like),
        eb('a.ip', 'ilike', like),
      ]),
    );
  }
  if (search.action) query = query.where('a.action', '=', search.action);
  if (search.outcome) query = query.where('a.outcome', '=', search.outcome);
  if (search.from) query = query.where('a.occurred_at', '>=', new Date(search.from));
  if (search.to) query = query.where('a.occurred_at', '<=', new Date(search.to));

  const [rows, count] = await Promise.all([
    query
      .select([
        'a.id',
        'a.occurred_at',
        'a.actor_username',
        'au.short_name as actor_unit_name',
        'a.unit_id',
        'u.short_name as unit_name',
        'a.action',
        'a.target_type',
        'a.target_id',
        'a.outcome',
        'a.ip',
        'a.details',
      ])
      .orderBy('a.id', 'desc')
      .limit(search.pageSize)
      .offset((search.page - 1) * search.pageSize)
      .execute(),
    query.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows, total: Number(count.total) };
}

/** The actor columns of an entry; user id 0 is the command-line tool acting as the system. */
export function actorFields(actor: { userId: number; username: string; unitId: number }) {
  return {
    actorUserId: actor.userId === 0 ? null : actor.userId,
    actorUsername: actor.username,
    actorUnitId: actor.unitId,
  };
}
