import { lockoutPolicy } from '../../../shared/domain/lockout';
import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
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

/**
 * The session, its user and the user's roles in active units, when the session is neither idle too
 * long nor past its absolute end. One round trip: every authenticated request starts here.
 */
export async function findLiveSession(db: DbOrTx, id: string, idleMinutes: number) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('units as unit', 'unit.id', 'u.unit_id')
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('role_assignments as r')
          .innerJoin('units as g', 'g.id', 'r.unit_id')
          .select(['r.role', 'r.unit_id', 'g.path as unit_path', 'g.short_name as unit_name'])
          .whereRef('r.user_id', '=', 'u.id')
          .where('g.active', '=', true)
          .orderBy('g.depth')
          .orderBy('r.role'),
      ).as('grants'),
    ])
    .select([
      's.id',
      's.csrf_token',
      's.last_seen_at',
      'u.id as user_id',
      'u.username',
      'u.display_name',
      'u.status',
      'u.must_change_password',
      'u.totp_enabled_at',
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

// --- Second factor (TOTP) ---

export async function insertSignInChallenge(db: DbOrTx, challenge: { id: string; userId: number; expiresAt: Date }) {
  // One pending challenge per account: a new password step replaces the previous one.
  await db.deleteFrom('sign_in_challenges').where('user_id', '=', challenge.userId).execute();
  await db.insertInto('sign_in_challenges').values({ id: challenge.id, user_id: challenge.userId, expires_at: challenge.expiresAt }).execute();
}

export async function findLiveSignInChallenge(db: DbOrTx, id: string) {
  return db
    .selectFrom('sign_in_challenges')
    .select(['id', 'user_id'])
    .where('id', '=', id)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

export async function deleteSignInChallenges(db: DbOrTx, userId: number) {
  await db.deleteFrom('sign_in_challenges').where('user_id', '=', userId).execute();
}

export async function setPendingTotpSecret(db: DbOrTx, sessionId: string, sealed: string | null) {
  await db.updateTable('sessions').set({ totp_pending_secret: sealed }).where('id', '=', sessionId).execute();
}

export async function findPendingTotpSecret(db: DbOrTx, sessionId: string): Promise<string | null> {
  const row = await db.selectFrom('sessions').select('totp_pending_secret').where('id', '=', sessionId).executeTakeFirst();
  return row?.totp_pending_secret ?? null;
}

/**
 * Records `step` as the last one used, only when it is newer than the stored one: two requests
 * racing with the same code cannot both succeed.
 */
export async function claimTotpStep(db: DbOrTx, userId: number, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function enableTotp(db: DbOrTx, userId: number, sealedSecret: string, step: number) {
  await db
    .updateTable('users')
    .set({ totp_secret: sealedSecret, totp_enabled_at: sql`now()`, totp_last_step: step, updated_at: new Date(), version: sql`version + 1` })
    .where('id', '=', userId)
    .execute();
}

export async function disableTotp(db: DbOrTx, userId: number) {
  await db
    .updateTable('users')
    .set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null, updated_at: new Date(), version: sql`version + 1` })
    .where('id', '=', userId)
    .execute();
  await db.deleteFrom('totp_recovery_codes').where('user_id', '=', userId).execute();
  await db.deleteFrom('sign_in_challenges').where('user_id', '=', userId).execute();
}

export async function replaceRecoveryCodes(db: DbOrTx, userId: number, codeHashes: string[]) {
  await db.deleteFrom('totp_recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('totp_recovery_codes')
    .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash })))
    .execute();
}

/** Marks an unused recovery code used; false when there is none with that hash. */
export async function useRecoveryCode(db: DbOrTx, userId: number, codeHash: string): Promise<boolean> {
  const result = await db
    .updateTable('totp_recovery_codes')
    .set({ used_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function countUnusedRecoveryCodes(db: DbOrTx, userId: number): Promise<number> {
  const row = await db
    .selectFrom('totp_recovery_codes')
    .select(sql<string>`count(*)`.as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
