import { can, rolesGrantableAt, scopeOf, type Actor } from '../../../shared/domain/access';
import { conflictingAdministratorRoles, grantableRoles, isAdministratorRole, type Role } from '../../../shared/domain/roles';
import type { z } from 'zod';
import type { bulkCreateUsersBody, createUserBody, updateUserBody } from '../../../shared/contracts/users';
import type { Db, DbOrTx } from '../../db/database';
import { AppError, forbidden, notFound, staleVersion } from '../../errors';
import { clearSignInFailures, deleteSessionsOfUser, disableTotp } from '../accounts/repository';
import { generateInitialPassword, hashPassword, randomToken, sha256 } from '../accounts/passwords';
import { assertPasswordAcceptable, type ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { loadVisibleUnit } from '../units/service';
import * as units from '../units/repository';
import * as repo from './repository';

export const activationLinkDays = 7;

export interface Credentials {
  username: string;
  initialPassword?: string;
  activationUrl?: string;
  activationExpiresAt?: string;
}

/** A first password shown once, or a one-time activation link valid for a week. */
async function issueCredentials(
  mode: 'initial_password' | 'activation_link',
  username: string,
  publicUrl: string,
  presetPassword?: string,
) {
  if (mode === 'initial_password') {
    if (presetPassword !== undefined) assertPasswordAcceptable(presetPassword, username, 'password');
    const initialPassword = presetPassword ?? generateInitialPassword();
    return {
      credentials: { username, initialPassword } as Credentials,
      row: {
        passwordHash: await hashPassword(initialPassword),
        status: 'active' as const,
        mustChangePassword: true,
        activationTokenHash: null,
        activationExpiresAt: null,
      },
    };
  }
  const token = randomToken();
  const expires = new Date(Date.now() + activationLinkDays * 86_400_000);
  return {
    credentials: {
      username,
      activationUrl: `${publicUrl.replace(/\/$/, '')}/activate?token=${token}`,
      activationExpiresAt: expires.toISOString(),
    } as Credentials,
    row: {
      passwordHash: null,
      status: 'pending_activation' as const,
      mustChangePassword: false,
      activationTokenHash: sha256(token),
      activationExpiresAt: expires,
    },
  };
}

function assertMayGrant(actor: Actor, unitPath: string, roles: readonly Role[]) {
  const grantable = rolesGrantableAt(actor, unitPath, grantableRoles);
  // The three administrators hold over the whole system: granted at the national root only.
  const atRoot = unitPath.split('/').filter(Boolean).length === 1;
  const refused = roles.find((r) => !grantable.has(r) || (isAdministratorRole(r) && !atRoot));
  if (refused) throw new AppError('role_not_grantable', 403, { role: refused }, [{ field: 'roles', code: 'invalid_option' }]);
}

/** 三员分立: one account holds at most one of the system, security and audit administrator roles. */
function assertAdministratorRolesExclusive(roles: readonly Role[]) {
  const conflict = conflictingAdministratorRoles(roles);
  if (conflict.length > 0) {
    throw new AppError('administrator_roles_exclusive', 422, { roles: conflict.join(', ') }, [{ field: 'roles', code: 'invalid_option' }]);
  }
}

/**
 * An account the actor may see: within its users.manage scope, or (for the security administrator)
 * its accounts.security scope. Elsewhere it does not exist for the actor (404); where the actor sees
 * units but may do neither, it is refused (403).
 */
async function loadAccount(db: DbOrTx, actor: Actor, id: number, capability: 'users.manage' | 'accounts.security' | 'either') {
  const user = await repo.findUserWithUnit(db, id);
  const manages = user && can(actor, 'users.manage', user.unit_path);
  const secures = user && can(actor, 'accounts.security', user.unit_path);
  if (!user || !(manages || secures || can(actor, 'units.view', user.unit_path))) throw notFound();
  const allowed = capability === 'either' ? manages || secures : capability === 'users.manage' ? manages : secures;
  if (!allowed) throw forbidden();
  return user;
}

async function loadManageableUser(db: DbOrTx, actor: Actor, id: number) {
  return loadAccount(db, actor, id, 'users.manage');
}

export async function listUsers(
  db: Db,
  actor: Actor,
  query: { unitId?: number | undefined; includeSubtree: boolean; q?: string | undefined; page: number; pageSize: number },
) {
  const scopePaths = [...new Set([...scopeOf(actor, 'users.manage'), ...scopeOf(actor, 'accounts.security')])];
  let unitPath: string | undefined;
  if (query.unitId) {
    const unit = await units.findUnit(db, query.unitId);
    const mayList = unit && (can(actor, 'users.manage', unit.path) || can(actor, 'accounts.security', unit.path));
    if (!unit || !(mayList || can(actor, 'units.view', unit.path))) throw notFound();
    if (!mayList) throw forbidden();
    unitPath = unit.path;
  } else if (scopePaths.length === 0) {
    throw forbidden();
  }
  return repo.listUsers(db, { ...query, unitPath, scopePaths });
}

export async function getUser(db: Db, actor: Actor, id: number) {
  return loadAccount(db, actor, id, 'either');
}

function translateUsernameConflict(error: unknown, username: string): never {
  const text = `${(error as { constraint?: string }).constraint ?? ''} ${(error as Error).message ?? ''}`;
  if (text.includes('users_username_idx')) {
    throw new AppError('duplicate_username', 409, { username }, [{ field: 'username', code: 'invalid' }]);
  }
  throw error;
}

export async function createUser(
  db: Db,
  options: {
    actor: Actor;
    input: z.infer<typeof createUserBody>;
    publicUrl: string;
    client: ClientInfo;
    /** Only the command line sets the first password itself. */
    presetPassword?: string | undefined;
  },
) {
  const { actor, input } = options;
  const unit = await loadVisibleUnit(db, actor, input.unitId);
  if (!can(actor, 'users.manage', unit.path)) throw forbidden();
  assertMayGrant(actor, unit.path, input.roles);
  assertAdministratorRolesExclusive(input.roles);
  const { credentials, row } = await issueCredentials(input.mode, input.username, options.publicUrl, options.presetPassword);
  let id: number;
  try {
    id = await db.transaction().execute(async (trx) => {
      const userId = await repo.insertUser(trx, {
        unitId: unit.id,
        username: input.username,
        displayName: input.displayName,
        email: input.email ?? null,
        mobile: input.mobile ?? null,
        ...row,
      });
      await repo.replaceRoles(trx, userId, unit.id, input.roles);
      await insertAuditEntry(trx, {
        ...actorFields(actor),
        unitId: unit.id,
        action: 'user.create',
        targetType: 'user',
        targetId: userId,
        ip: options.client.ip,
        details: { username: input.username, roles: input.roles, mode: input.mode },
      });
      return userId;
    });
  } catch (error) {
    translateUsernameConflict(error, input.username);
  }
  return { user: (await repo.findUserWithUnit(db, id))!, credentials };
}

export async function updateUser(
  db: Db,
  options: { actor: Actor; id: number; input: z.infer<typeof updateUserBody>; client: ClientInfo },
) {
  const { actor, input } = options;
  // The security administrator assigns roles (the administrator roles) but edits nothing else.
  const onlyRoles = Object.keys(input).every((k) => k === 'roles' || k === 'version');
  const user = await loadAccount(db, actor, options.id, onlyRoles && input.roles ? 'either' : 'users.manage');
  if (input.roles) {
    assertAdministratorRolesExclusive(input.roles);
    // Roles being added must be ones the actor could grant, as must those being removed, except that
    // the security administrator (who assigns roles) may revoke any.
    const added = input.roles.filter((r) => !user.roles.includes(r));
    const removed = user.roles.filter((r) => !input.roles!.includes(r));
    const revokesAny = can(actor, 'accounts.security', user.unit_path);
    assertMayGrant(actor, user.unit_path, revokesAny ? added : [...added, ...removed]);
  }
  if (user.id === actor.userId && (input.status === 'disabled' || input.roles)) throw forbidden();
  await db.transaction().execute(async (trx) => {
    const changes = {
      ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.mobile !== undefined ? { mobile: input.mobile } : {}),
      ...(input.status !== undefined && user.status !== 'pending_activation' ? { status: input.status } : {}),
    };
    if (!(await repo.updateUserRow(trx, user.id, input.version, changes))) throw staleVersion();
    if (input.roles) await repo.replaceRoles(trx, user.id, user.unit_id, input.roles);
    // Disabling an account or changing its roles takes effect at once: its sessions end.
    if (input.status === 'disabled' || input.roles) await deleteSessionsOfUser(trx, user.id);
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: user.unit_id,
      action: 'user.update',
      targetType: 'user',
      targetId: user.id,
      ip: options.client.ip,
      details: { fields: Object.keys(input).filter((k) => k !== 'version'), roles: input.roles },
    });
  });
  return (await repo.findUserWithUnit(db, user.id))!;
}

export async function resetUserPassword(
  db: Db,
  options: { actor: Actor; id: number; mode: 'initial_password' | 'activation_link'; publicUrl: string; client: ClientInfo },
) {
  const { actor } = options;
  const user = await loadManageableUser(db, actor, options.id);
  const { credentials, row } = await issueCredentials(options.mode, user.username, options.publicUrl);
  await db.transaction().execute(async (trx) => {
    await repo.updateUserRow(trx, user.id, null, {
      password_hash: row.passwordHash,
      must_change_password: row.mustChangePassword,
      activation_token_hash: row.activationTokenHash,
      activation_expires_at: row.activationExpiresAt,
      locked_until: null,
      ...(user.status === 'disabled' ? {} : { status: row.status }),
    });
    await deleteSessionsOfUser(trx, user.id);
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: user.unit_id,
      action: 'user.reset_password',
      targetType: 'user',
      targetId: user.id,
      ip: options.client.ip,
      details: { mode: options.mode },
    });
  });
  return credentials;
}

/** User names for bulk accounts: the prefix and the region code (kx320100) or the unit id (u1234). */
export function bulkUsername(prefix: string, unit: { id: number; region_code: string | null; type: string }, role: Role): string {
  // User names have at least 3 characters: u01 for unit 1 (the national root), u1234 beyond.
  const base = unit.type === 'regional_association' && unit.region_code ? `kx${unit.region_code}` : `u${String(unit.id).padStart(2, '0')}`;
  const suffix = role === 'contact' ? '' : `-${role === 'unit_admin' ? 'admin' : role === 'campaign_manager' ? 'cm' : role}`;
  return `${prefix}${base}${suffix}`;
}

/**
 * Accounts for many subordinate units at once (typically every unit of a roster), each with an
 * initial password or an activation link, returned once for distribution.
 */
export async function bulkCreateUsers(
  db: Db,
  options: { actor: Actor; input: z.infer<typeof bulkCreateUsersBody>; publicUrl: string; client: ClientInfo },
) {
  const { actor, input } = options;
  const targetUnits = await units.findUnitsByIds(db, [...new Set(input.unitIds)]);
  if (targetUnits.length !== new Set(input.unitIds).size) throw notFound();
  for (const unit of targetUnits) {
    if (!can(actor, 'units.view', unit.path)) throw notFound();
    if (!can(actor, 'users.manage', unit.path)) throw forbidden();
    assertMayGrant(actor, unit.path, [input.role]);
  }
  const skipped: { unitId: number; unitName: string; reason: string }[] = [];
  const withRole = input.skipUnitsWithRole ? await repo.unitsWithRole(db, targetUnits.map((u) => u.id), input.role) : new Set<number>();
  const candidates = targetUnits.filter((u) => {
    if (!u.active) skipped.push({ unitId: u.id, unitName: u.short_name, reason: '单位已停用' });
    else if (withRole.has(u.id)) skipped.push({ unitId: u.id, unitName: u.short_name, reason: '已有该角色的账户' });
    else return true;
    return false;
  });
  const wanted = candidates.map((u) => bulkUsername(input.usernamePrefix, u, input.role));
  const taken = await repo.usernamesTaken(db, wanted);
  const plans = candidates.map((unit, i) => {
    let username = wanted[i]!;
    for (let n = 2; taken.has(username); n++) username = `${wanted[i]}-${n}`;
    taken.add(username);
    return { unit, username };
  });

  const issued = await Promise.all(plans.map((p) => issueCredentials(input.mode, p.username, options.publicUrl)));
  const created = await db.transaction().execute(async (trx) => {
    const result = [];
    for (const [i, plan] of plans.entries()) {
      const { credentials, row } = issued[i]!;
      const userId = await repo.insertUser(trx, {
        unitId: plan.unit.id,
        username: plan.username,
        displayName: `${plan.unit.short_name}${input.role === 'contact' ? '填报员' : '管理员'}`,
        email: null,
        mobile: null,
        ...row,
      });
      await repo.replaceRoles(trx, userId, plan.unit.id, [input.role]);
      result.push({ ...credentials, unitId: plan.unit.id, unitName: plan.unit.short_name, userId });
    }
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: actor.unitId,
      action: 'user.bulk_create',
      targetType: 'user',
      ip: options.client.ip,
      details: { role: input.role, mode: input.mode, created: result.map((r) => r.userId), skipped: skipped.length },
    });
    return result;
  });
  return { created: created.map(({ userId: _userId, ...rest }) => rest), skipped };
}

/** The security administrator lifts a lockout (the failures counted so far are forgotten too). */
export async function unlockUser(db: Db, options: { actor: Actor; id: number; client: ClientInfo }) {
  const { actor } = options;
  const user = await loadAccount(db, actor, options.id, 'accounts.security');
  await db.transaction().execute(async (trx) => {
    await repo.updateUserRow(trx, user.id, null, { locked_until: null });
    await clearSignInFailures(trx, user.id);
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: user.unit_id,
      action: 'user.unlock',
      targetType: 'user',
      targetId: user.id,
      ip: options.client.ip,
    });
  });
  return (await repo.findUserWithUnit(db, user.id))!;
}

/**
 * The security administrator removes an account's authenticator (a lost phone): its sessions end,
 * and an administrator must enrol again at its next sign-in. Not for one's own account.
 */
export async function resetUserTotp(db: Db, options: { actor: Actor; id: number; client: ClientInfo }) {
  const { actor } = options;
  const user = await loadAccount(db, actor, options.id, 'accounts.security');
  if (user.id === actor.userId) throw forbidden();
  await db.transaction().execute(async (trx) => {
    await disableTotp(trx, user.id);
    await deleteSessionsOfUser(trx, user.id);
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: user.unit_id,
      action: 'user.reset_totp',
      targetType: 'user',
      targetId: user.id,
      ip: options.client.ip,
    });
  });
  return (await repo.findUserWithUnit(db, user.id))!;
}
