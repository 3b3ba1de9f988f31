import { lockoutPolicy } from '../../../shared/domain/lockout';
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database';

export async function insertSession(
  db: DbOrTx,
  session: { id: string; userId: number; csrfToken: string; expiresAt: Date; ip: string | null; userAgent: string | null },
) {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      csrf_token: session.csrfToken,
      expires_at: session.expiresAt,
      ip: session.ip,
      user_agent: session.userAgent,
    })
    .execute();
}

/** The session and its user, when the session is neither idle too long nor past its absolute end. */
export async function findLiveSession(db: DbOrTx, id: string, idleMinutes: number) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('units as unit', 'unit.id', 'u.unit_id')
    .select([
      's.id',
      's.csrf_token',
      's.last_seen_at',
      'u.id as user_id',
      'u.username',
      'u.display_name',
      'u.status',
      'u.must_change_password',
      'u.unit_id',
      'unit.path as unit_path',
      'unit.short_name as unit_name',
    ])
    .where('s.id', '=', id)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('s.last_seen_at', '>', sql<Date>`now() - make_interval(mins => ${idleMinutes})`)
    .executeTakeFirst();
}

export async function touchSession(db: DbOrTx, id: string) {
  await db.updateTable('sessions').set({ last_seen_at: sql`now()` }).where('id', '=', id).execute();
}

export async function deleteSession(db: DbOrTx, id: string) {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteSessionsOfUser(db: DbOrTx, userId: number, exceptId?: string) {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSessions(db: DbOrTx, idleMinutes: number) {
  await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', sql<Date>`now()`),
        eb('last_seen_at', '<=', sql<Date>`now() - make_interval(mins => ${idleMinutes})`),
      ]),
    )
    .execute();
}

export async function recordSignInFailure(db: DbOrTx, userId: number): Promise<number> {
  await db.insertInto('sign_in_failures').values({ user_id: userId }).execute();
  const row = await db
    .selectFrom('sign_in_failures')
    .select(sql<string>`count(*)`.as('n'))
    .where('user_id', '=', userId)
    .where('failed_at', '>', sql<Date>`now() - make_interval(mins => ${lockoutPolicy.windowMinutes})`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function clearSignInFailures(db: DbOrTx, userId: number) {
  await db.deleteFrom('sign_in_failures').where('user_id', '=', userId).execute();
}
