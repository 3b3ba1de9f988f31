import QRCode from 'qrcode';
import type { Actor } from '../../../shared/domain/access';
import { requiresSecondFactor } from '../../../shared/domain/roles';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import { actorFields, insertAuditEntry } from '../audit/repository';
import * as users from '../users/repository';
import { verifyPassword } from './passwords';
import * as sessions from './repository';
import { consumeSecondFactor, countFailure, formatChinaTime, type ClientInfo } from './service';
import { generateRecoveryCodes, generateTotpSecret, hashRecoveryCode, matchTotpStep, openTotpSecret, sealTotpSecret, totpUri, type TotpKeys } from './totp';

/**
 * Enrolling, using and removing the TOTP second factor of the signed-in account (issue 9). The
 * secret being enrolled stays with the session until a code from it is confirmed.
 */

async function loadUser(db: Db, actor: Actor) {
  const user = await users.findUserById(db, actor.userId);
  if (!user) throw new AppError('unauthenticated', 401);
  return user;
}

function audit(db: Db, actor: Actor, client: ClientInfo, action: string, outcome: 'success' | 'failure' = 'success', details?: Record<string, unknown>) {
  return insertAuditEntry(db, {
    ...actorFields(actor),
    unitId: actor.unitId,
    action,
    outcome,
    targetType: 'user',
    targetId: actor.userId,
    ip: client.ip,
    ...(details ? { details } : {}),
  });
}

export async function totpStatus(db: Db, actor: Actor) {
  const user = await loadUser(db, actor);
  return {
    enabled: user.totp_enabled_at !== null,
    enabledAt: user.totp_enabled_at?.toISOString() ?? null,
    required: requiresSecondFactor(actor.grants.map((g) => g.role)),
    recoveryCodesLeft: user.totp_enabled_at ? await sessions.countUnusedRecoveryCodes(db, user.id) : 0,
  };
}

export async function startTotpEnrolment(db: Db, options: { actor: Actor; sessionId: string; client: ClientInfo; totpKey: TotpKeys | undefined }) {
  const user = await loadUser(db, options.actor);
  if (user.totp_secret) throw new AppError('totp_already_enabled', 409);
  const secret = generateTotpSecret();
  const uri = totpUri(secret, user.username);
  await sessions.setPendingTotpSecret(db, options.sessionId, sealTotpSecret(secret, options.totpKey));
  await audit(db, options.actor, options.client, 'account.totp_enrolment_start');
  return { secret, uri, qrCode: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }) };
}

async function issueRecoveryCodes(db: Db, userId: number) {
  const codes = generateRecoveryCodes();
  await sessions.replaceRecoveryCodes(db, userId, codes.map(hashRecoveryCode));
  return codes;
}

/** Turns TOTP on once a code from the pending secret checks; returns the ten recovery codes, shown once. */
export async function confirmTotpEnrolment(
  db: Db,
  options: { actor: Actor; sessionId: string; totpCode: string; client: ClientInfo; totpKey: TotpKeys | undefined },
) {
  const { actor, client } = options;
  const user = await loadUser(db, actor);
  if (user.totp_secret) throw new AppError('totp_already_enabled', 409);
  const pending = await sessions.findPendingTotpSecret(db, options.sessionId);
  if (!pending) throw new AppError('totp_enrolment_not_started', 409);
  const step = matchTotpStep(openTotpSecret(pending, options.totpKey), options.totpCode.trim(), null);
  if (step === null) {
    await audit(db, actor, client, 'account.totp_enable', 'failure', { reason: 'wrong_totp' });
    throw new AppError('invalid_totp_code', 422, {}, [{ field: 'totpCode', code: 'invalid' }]);
  }
  return db.transaction().execute(async (trx) => {
    await sessions.enableTotp(trx, user.id, pending, step);
    await sessions.setPendingTotpSecret(trx, options.sessionId, null);
    const codes = generateRecoveryCodes();
    await sessions.replaceRecoveryCodes(trx, user.id, codes.map(hashRecoveryCode));
    // Other sessions were opened without the second factor: they end.
    await sessions.deleteSessionsOfUser(trx, user.id, options.sessionId);
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: actor.unitId,
      action: 'account.totp_enable',
      targetType: 'user',
      targetId: user.id,
      ip: client.ip,
    });
    return { recoveryCodes: codes };
  });
}

/**
 * A code asked of a signed-in account before a sensitive change; a wrong one counts toward the
 * lockout like a wrong password and is audited.
 */
async function requireCode(db: Db, actor: Actor, user: Awaited<ReturnType<typeof loadUser>>, code: string, client: ClientInfo, action: string, totpKey: TotpKeys | undefined) {
  if (!user.totp_secret) throw new AppError('totp_not_enabled', 409);
  const factor = await consumeSecondFactor(db, user, code, totpKey);
  if (factor) return factor;
  const lockedUntil = await countFailure(db, user);
  await audit(db, actor, client, action, 'failure', { reason: lockedUntil ? 'wrong_totp_locked' : 'wrong_totp' });
  if (lockedUntil) throw new AppError('account_locked', 423, { until: formatChinaTime(lockedUntil) });
  throw new AppError('invalid_totp_code', 422, {}, [{ field: 'totpCode', code: 'invalid' }]);
}

/**
 * A fresh proof of the second factor for an account that has one (re-authentication before a
 * personal-data export); nothing to check for an account without TOTP.
 */
export async function verifyOwnSecondFactor(db: Db, options: { actor: Actor; totpCode: string | undefined; client: ClientInfo; action: string; totpKey: TotpKeys | undefined }) {
  const user = await loadUser(db, options.actor);
  if (!user.totp_secret) return;
  if (!options.totpCode) throw new AppError('invalid_totp_code', 422, {}, [{ field: 'totpCode', code: 'required' }]);
  await requireCode(db, options.actor, user, options.totpCode, options.client, options.action, options.totpKey);
}

/** Ten new recovery codes (the old ones stop working), after a current code. */
export async function regenerateRecoveryCodes(db: Db, options: { actor: Actor; totpCode: string; client: ClientInfo; totpKey: TotpKeys | undefined }) {
  const { actor, client } = options;
  const user = await loadUser(db, actor);
  await requireCode(db, actor, user, options.totpCode, client, 'account.totp_recovery_codes', options.totpKey);
  const recoveryCodes = await issueRecoveryCodes(db, user.id);
  await audit(db, actor, client, 'account.totp_recovery_codes');
  return { recoveryCodes };
}

/** Turns TOTP off with the password and a code; administrators must keep it. */
export async function disableOwnTotp(
  db: Db,
  options: { actor: Actor; password: string; totpCode: string; client: ClientInfo; totpKey: TotpKeys | undefined },
) {
  const { actor, client } = options;
  if (requiresSecondFactor(actor.grants.map((g) => g.role))) throw new AppError('totp_required_for_role', 409);
  const user = await loadUser(db, actor);
  if (!user.totp_secret) throw new AppError('totp_not_enabled', 409);
  if (!user.password_hash || !(await verifyPassword(user.password_hash, options.password))) {
    await audit(db, actor, client, 'account.totp_disable', 'failure', { reason: 'wrong_password' });
    throw new AppError('wrong_current_password', 422, {}, [{ field: 'password', code: 'invalid' }]);
  }
  await requireCode(db, actor, user, options.totpCode, client, 'account.totp_disable', options.totpKey);
  await db.transaction().execute(async (trx) => {
    await sessions.disableTotp(trx, user.id);
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: actor.unitId,
      action: 'account.totp_disable',
      targetType: 'user',
      targetId: user.id,
      ip: client.ip,
    });
  });
}
