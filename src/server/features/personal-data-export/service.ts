import type { Actor } from '../../../shared/domain/access';
import type { Db } from '../../db/database';
import { sql } from 'kysely';
import { isInSubtree } from '../../../shared/domain/units';
import { AppError, staleVersion } from '../../errors';
import { verifyPassword } from '../accounts/passwords';
import { verifyOwnSecondFactor } from '../accounts/second-factor';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { findUserById } from '../users/repository';
import type { TotpKeys } from '../accounts/totp';

/** How long a re-entered password opens personal-data exports. */
export const REAUTHENTICATION_MINUTES = 5;

/**
 * Confirms the holder of a session by the password and, for an account with an authenticator, a
 * current code, and marks the session as re-authenticated for five minutes. A wrong password is
 * audited; wrong codes also count toward the account's lockout.
 */
export async function reauthenticate(db: Db, options: { actor: Actor; sessionId: string; password: string; totpCode?: string | undefined; client: ClientInfo; totpKey: TotpKeys | undefined; now?: Date }) {
  const now = options.now ?? new Date();
  const user = await findUserById(db, options.actor.userId);
  const ok = Boolean(user?.password_hash) && (await verifyPassword(user!.password_hash!, options.password));
  const audit = (outcome: 'success' | 'failure') =>
    insertAuditEntry(db, {
      ...actorFields(options.actor),
      unitId: options.actor.unitId,
      action: 'session.reauthenticate',
      outcome,
      targetType: 'user',
      targetId: options.actor.userId,
      ip: options.client.ip,
    });
  if (!ok) {
    await audit('failure');
    throw new AppError('reauthentication_failed', 403, {}, [{ field: 'password', code: 'invalid' }]);
  }
  // An account with an authenticator proves it again too (wrong codes are audited and count toward the lockout).
  await verifyOwnSecondFactor(db, { actor: options.actor, totpCode: options.totpCode, client: options.client, action: 'session.reauthenticate', totpKey: options.totpKey });
  await audit('success');
  await db.updateTable('sessions').set({ reauthenticated_at: now }).where('id', '=', options.sessionId).execute();
  return { reauthenticatedUntil: new Date(now.getTime() + REAUTHENTICATION_MINUTES * 60_000) };
}

/**
 * What a bulk export of personal data requires besides reach over the records: the separate
 * permission and a password re-entered in this session within five minutes. Refusals are audited.
 */
export async function requirePersonalDataExport(db: Db, options: { actor: Actor; sessionId: string; what: string; client: ClientInfo; now?: Date }) {
  const now = options.now ?? new Date();
  const [grant, session] = await Promise.all([
    db.selectFrom('personal_data_export_grants').select('user_id').where('user_id', '=', options.actor.userId).executeTakeFirst(),
    db.selectFrom('sessions').select('reauthenticated_at').where('id', '=', options.sessionId).executeTakeFirst(),
  ]);
  const refusal = !grant
    ? 'personal_data_export_forbidden'
    : !session?.reauthenticated_at || now.getTime() - session.reauthenticated_at.getTime() > REAUTHENTICATION_MINUTES * 60_000
      ? 'reauthentication_required'
      : null;
  if (!refusal) return;
  await insertAuditEntry(db, {
    ...actorFields(options.actor),
    unitId: options.actor.unitId,
    action: 'personal_data.export',
    outcome: 'failure',
    ip: options.client.ip,
    details: { what: options.what, reason: refusal },
  });
  throw new AppError(refusal, 403);
}

/**
 * Grants or withdraws the permission; system administrators only. It is part of the account: the
 * account's version is checked and advanced, so a decision made on a stale view overwrites nothing.
 */
export async function setExportGrant(db: Db, options: { actor: Actor; userId: number; granted: boolean; version: number; client: ClientInfo }) {
  if (!options.actor.grants.some((g) => g.role === 'system_admin')) throw new AppError('forbidden', 403);
  const user = await findUserById(db, options.userId);
  // Within the administrator's own subtree only: an account elsewhere is not shown to exist.
  const unit = user ? await db.selectFrom('units').select('path').where('id', '=', user.unit_id).executeTakeFirst() : undefined;
  if (!user || !unit || !options.actor.grants.some((g) => g.role === 'system_admin' && isInSubtree(unit.path, g.unitPath))) throw new AppError('not_found', 404);
  const version = await db.transaction().execute(async (trx) => {
    const bumped = await trx
      .updateTable('users')
      .set({ version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', user.id)
      .where('version', '=', options.version)
      .returning('version')
      .executeTakeFirst();
    if (!bumped) throw staleVersion();
    if (options.granted) {
      await trx
        .insertInto('personal_data_export_grants')
        .values({ user_id: user.id, granted_by: options.actor.userId || null })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
    } else {
      await trx.deleteFrom('personal_data_export_grants').where('user_id', '=', user.id).execute();
    }
    await insertAuditEntry(trx, {
      ...actorFields(options.actor),
      unitId: user.unit_id,
      action: options.granted ? 'user.personal_data_export_grant' : 'user.personal_data_export_revoke',
      targetType: 'user',
      targetId: user.id,
      ip: options.client.ip,
      details: { username: user.username },
    });
    return bumped.version;
  });
  return { userId: user.id, granted: options.granted, version };
}
