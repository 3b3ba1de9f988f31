import type { Actor } from '../../../shared/domain/access';
import { lockedUntilAfterFailure } from '../../../shared/domain/lockout';
import { checkPassword } from '../../../shared/domain/password-policy';
import type { Db } from '../../db/database';
import { AppError, invalidFields } from '../../errors';
import { insertAuditEntry } from '../audit/repository';
import * as users from '../users/repository';
import { hashPassword, randomToken, sha256, spendVerificationTime, verifyPassword } from './passwords';
import * as sessions from './repository';
import { hashRecoveryCode, matchTotpStep, openTotpSecret, type TotpKeys } from './totp';
import { requiresSecondFactor } from '../../../shared/domain/roles';

export interface SessionSettings {
  idleMinutes: number;
  absoluteHours: number;
}

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

/** Throws a field error unless `password` meets the policy. */
export function assertPasswordAcceptable(password: string, username: string, field = 'newPassword') {
  const problems = checkPassword(password, username);
  if (problems.length > 0) {
    throw invalidFields(problems.map((p) => ({ field, code: `password_${p}` as const })));
  }
}

/** Failed sign-ins from one address within the window after which it is refused with 429 (issue 9). */
export const SIGN_IN_IP_LIMIT = 30;
export const SIGN_IN_IP_WINDOW_MINUTES = 15;

/**
 * A per-address sign-in limit, counted from the audit log's failed sign-ins (indexed by action and
 * time), so every process sharing the database sees the same count. The refusals are audited too:
 * an address that keeps trying stays refused until it pauses for the window.
 */
async function refuseBusyAddress(db: Db, client: ClientInfo) {
  if (!client.ip) return;
  const since = new Date(Date.now() - SIGN_IN_IP_WINDOW_MINUTES * 60_000);
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('action', '=', 'session.sign_in')
    .where('outcome', '=', 'failure')
    .where('occurred_at', '>=', since)
    .where('ip', '=', client.ip)
    .executeTakeFirstOrThrow();
  if (Number(row.n) < SIGN_IN_IP_LIMIT) return;
  await insertAuditEntry(db, { action: 'session.sign_in', outcome: 'failure', ip: client.ip, details: { reason: 'rate_limited' } });
  throw new AppError('rate_limited', 429, {}, [], { retryAfterSeconds: SIGN_IN_IP_WINDOW_MINUTES * 60 });
}

export interface SignInOptions {
  username: string;
  password: string;
  client: ClientInfo;
  settings: SessionSettings;
}

/** The outcome of the password step: a session, or (for an account with TOTP) a challenge for the code. */
export type SignInOutcome = { kind: 'session'; token: string } | { kind: 'totp_required'; challengeToken: string; expiresAt: Date };

/** How long the second step may follow a correct password. */
export const SIGN_IN_CHALLENGE_MINUTES = 5;

type UserRow = NonNullable<Awaited<ReturnType<typeof users.findUserById>>>;

function signInFailureRecorder(db: Db, username: string, client: ClientInfo) {
  return (reason: string, userId: number | null = null, unitId: number | null = null) =>
    insertAuditEntry(db, {
      actorUserId: userId,
      actorUsername: username,
      actorUnitId: unitId,
      unitId,
      action: 'session.sign_in',
      outcome: 'failure',
      ip: client.ip,
      details: { reason },
    });
}

/**
 * Counts a failed password or code toward the lockout (5 within 15 minutes); when it locks, the
 * account's sessions and pending challenges end. Returns the lock's end, if it locked.
 */
export async function countFailure(db: Db, user: { id: number }, now = new Date()): Promise<Date | null> {
  return db.transaction().execute(async (trx) => {
    const failures = await sessions.recordSignInFailure(trx, user.id);
    const until = lockedUntilAfterFailure(failures, now);
    if (until) {
      await users.updateUserRow(trx, user.id, null, { locked_until: until });
      await sessions.clearSignInFailures(trx, user.id);
      await sessions.deleteSessionsOfUser(trx, user.id);
      await sessions.deleteSignInChallenges(trx, user.id);
    }
    return until;
  });
}

export async function signIn(db: Db, options: SignInOptions): Promise<SignInOutcome> {
  const { username, password, client } = options;
  await refuseBusyAddress(db, client);
  const user = await users.findUserByUsername(db, username);
  const failure = signInFailureRecorder(db, username, client);

  if (!user || !user.password_hash) {
    await spendVerificationTime(password);
    await failure(user ? 'not_activated' : 'unknown_user', user?.id ?? null, user?.unit_id ?? null);
    throw new AppError('invalid_credentials', 401);
  }
  const now = new Date();
  if (user.locked_until && user.locked_until > now) {
    await failure('locked', user.id, user.unit_id);
    throw new AppError('account_locked', 423, { until: formatChinaTime(user.locked_until) });
  }
  if (!(await verifyPassword(user.password_hash, password))) {
    const lockedUntil = await countFailure(db, user, now);
    await failure(lockedUntil ? 'wrong_password_locked' : 'wrong_password', user.id, user.unit_id);
    if (lockedUntil) throw new AppError('account_locked', 423, { until: formatChinaTime(lockedUntil) });
    throw new AppError('invalid_credentials', 401);
  }
  if (user.status === 'disabled') {
    await failure('disabled', user.id, user.unit_id);
    throw new AppError('account_disabled', 403);
  }
  if (user.totp_secret) {
    // Failures are not cleared here: with the password alone, wrong codes still lead to the lockout.
    const challengeToken = randomToken();
    const expiresAt = new Date(now.getTime() + SIGN_IN_CHALLENGE_MINUTES * 60_000);
    await sessions.insertSignInChallenge(db, { id: sha256(challengeToken), userId: user.id, expiresAt });
    return { kind: 'totp_required', challengeToken, expiresAt };
  }
  return { kind: 'session', token: await openSession(db, user, client, options.settings, now) };
}

/** A new session after every factor passed; clears the failures and an expired lock. */
export async function openSession(db: Db, user: UserRow, client: ClientInfo, settings: SessionSettings, now: Date, details?: Record<string, unknown>) {
  // A new session id at every sign-in (no fixation); the token itself is only in the cookie.
  const token = randomToken();
  const csrfToken = randomToken(24);
  await db.transaction().execute(async (trx) => {
    await sessions.clearSignInFailures(trx, user.id);
    await sessions.deleteSignInChallenges(trx, user.id);
    if (user.locked_until) await users.updateUserRow(trx, user.id, null, { locked_until: null });
    await sessions.insertSession(trx, {
      id: sha256(token),
      userId: user.id,
      csrfToken,
      expiresAt: new Date(now.getTime() + settings.absoluteHours * 3_600_000),
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    });
    await insertAuditEntry(trx, {
      actorUserId: user.id,
      actorUsername: user.username,
      actorUnitId: user.unit_id,
      unitId: user.unit_id,
      action: 'session.sign_in',
      ip: client.ip,
      ...(details ? { details } : {}),
    });
  });
  return token;
}

/**
 * Checks a code of a signed-in or signing-in account: a TOTP code of a step newer than the last
 * used (which it then claims), or an unused recovery code (which it then spends).
 */
export async function consumeSecondFactor(db: Db, user: UserRow, code: string, totpKey: TotpKeys | undefined): Promise<'totp' | 'recovery_code' | null> {
  if (!user.totp_secret) return null;
  const trimmed = code.trim();
  if (/^\d{6}$/.test(trimmed)) {
    const step = matchTotpStep(openTotpSecret(user.totp_secret, totpKey), trimmed, user.totp_last_step);
    return step !== null && (await sessions.claimTotpStep(db, user.id, step)) ? 'totp' : null;
  }
  return (await sessions.useRecoveryCode(db, user.id, hashRecoveryCode(trimmed))) ? 'recovery_code' : null;
}

/** The second step of signing in: the challenge from the password step and a code. */
export async function completeTotpSignIn(
  db: Db,
  options: { challengeToken: string; totpCode: string; client: ClientInfo; settings: SessionSettings; totpKey: TotpKeys | undefined },
): Promise<{ token: string }> {
  const { client } = options;
  await refuseBusyAddress(db, client);
  const challenge = await sessions.findLiveSignInChallenge(db, sha256(options.challengeToken));
  const user = challenge ? await users.findUserById(db, challenge.user_id) : undefined;
  if (!challenge || !user || !user.totp_secret) throw new AppError('totp_challenge_invalid', 401);
  const failure = signInFailureRecorder(db, user.username, client);
  const now = new Date();
  if (user.locked_until && user.locked_until > now) {
    await failure('locked', user.id, user.unit_id);
    throw new AppError('account_locked', 423, { until: formatChinaTime(user.locked_until) });
  }
  if (user.status !== 'active') {
    await failure('disabled', user.id, user.unit_id);
    throw new AppError('account_disabled', 403);
  }
  const factor = await consumeSecondFactor(db, user, options.totpCode, options.totpKey);
  if (!factor) {
    const lockedUntil = await countFailure(db, user, now);
    await failure(lockedUntil ? 'wrong_totp_locked' : 'wrong_totp', user.id, user.unit_id);
    if (lockedUntil) throw new AppError('account_locked', 423, { until: formatChinaTime(lockedUntil) });
    throw new AppError('invalid_totp_code', 401, {}, [{ field: 'totpCode', code: 'invalid' }]);
  }
  return { token: await openSession(db, user, client, options.settings, now, { secondFactor: factor }) };
}

export interface ResolvedSession {
  sessionId: string;
  csrfToken: string;
  actor: Actor;
  displayName: string;
  unitName: string;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  /** An administrator without TOTP: only enrolment is allowed until it is on. */
  totpEnrolmentRequired: boolean;
  grants: { role: Actor['grants'][number]['role']; unitId: number; unitPath: string; unitName: string }[];
}

/** The actor behind a session cookie, or null when the session is unknown, idle or expired. */
export async function resolveSession(db: Db, token: string, settings: SessionSettings): Promise<ResolvedSession | null> {
  const id = sha256(token);
  const row = await sessions.findLiveSession(db, id, settings.idleMinutes);
  if (!row || row.status !== 'active') return null;
  // Touch at most once a minute: the idle timeout needs no finer grain and it saves a write per request.
  if (Date.now() - row.last_seen_at.getTime() > 60_000) await sessions.touchSession(db, id);
  const grants = row.grants.map((g) => ({ role: g.role, unitId: g.unit_id, unitPath: g.unit_path, unitName: g.unit_name }));
  const totpEnabled = row.totp_enabled_at !== null;
  return {
    sessionId: id,
    csrfToken: row.csrf_token,
    displayName: row.display_name,
    unitName: row.unit_name,
    mustChangePassword: row.must_change_password,
    totpEnabled,
    totpEnrolmentRequired: !totpEnabled && requiresSecondFactor(grants.map((g) => g.role)),
    grants,
    actor: { userId: row.user_id, username: row.username, unitId: row.unit_id, unitPath: row.unit_path, grants },
  };
}

export async function signOut(db: Db, options: { sessionId: string; actor: Actor; client: ClientInfo; everywhere: boolean }) {
  const { actor } = options;
  await db.transaction().execute(async (trx) => {
    if (options.everywhere) await sessions.deleteSessionsOfUser(trx, actor.userId);
    else await sessions.deleteSession(trx, options.sessionId);
    await insertAuditEntry(trx, {
      actorUserId: actor.userId,
      actorUsername: actor.username,
      actorUnitId: actor.unitId,
      unitId: actor.unitId,
      action: options.everywhere ? 'session.sign_out_everywhere' : 'session.sign_out',
      ip: options.client.ip,
    });
  });
}

export async function changePassword(
  db: Db,
  options: { actor: Actor; sessionId: string; currentPassword: string; newPassword: string; client: ClientInfo },
) {
  const { actor } = options;
  const user = await users.findUserById(db, actor.userId);
  if (!user?.password_hash || !(await verifyPassword(user.password_hash, options.currentPassword))) {
    throw new AppError('wrong_current_password', 422, {}, [{ field: 'currentPassword', code: 'invalid' }]);
  }
  assertPasswordAcceptable(options.newPassword, user.username);
  const passwordHash = await hashPassword(options.newPassword);
  await db.transaction().execute(async (trx) => {
    await users.updateUserRow(trx, user.id, null, {
      password_hash: passwordHash,
      must_change_password: false,
      password_changed_at: new Date(),
    });
    // Other sessions end: whoever knew the old password is out.
    await sessions.deleteSessionsOfUser(trx, user.id, options.sessionId);
    await insertAuditEntry(trx, {
      actorUserId: actor.userId,
      actorUsername: actor.username,
      actorUnitId: actor.unitId,
      unitId: actor.unitId,
      action: 'account.change_password',
      targetType: 'user',
      targetId: user.id,
      ip: options.client.ip,
    });
  });
}

export async function describeActivation(db: Db, token: string) {
  const user = await users.findUserByActivationToken(db, sha256(token));
  if (!user || !user.activation_expires_at || user.activation_expires_at < new Date()) {
    throw new AppError('activation_invalid', 404);
  }
  return { username: user.username, displayName: user.display_name, unitName: user.unit_name };
}

export async function activateAccount(db: Db, options: { token: string; password: string; client: ClientInfo }) {
  const found = await users.findUserByActivationToken(db, sha256(options.token));
  if (!found || !found.activation_expires_at || found.activation_expires_at < new Date() || found.status === 'disabled') {
    throw new AppError('activation_invalid', 404);
  }
  assertPasswordAcceptable(options.password, found.username, 'password');
  const passwordHash = await hashPassword(options.password);
  await db.transaction().execute(async (trx) => {
    const user = await users.findUserById(trx, found.id);
    await users.updateUserRow(trx, found.id, null, {
      password_hash: passwordHash,
      status: 'active',
      must_change_password: false,
      activation_token_hash: null,
      activation_expires_at: null,
      password_changed_at: new Date(),
    });
    await insertAuditEntry(trx, {
      actorUserId: found.id,
      actorUsername: found.username,
      actorUnitId: user?.unit_id ?? null,
      unitId: user?.unit_id ?? null,
      action: 'account.activate',
      targetType: 'user',
      targetId: found.id,
      ip: options.client.ip,
    });
  });
  return { username: found.username };
}

export function formatChinaTime(date: Date): string {
  return date.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}
