import { sql } from 'kysely';
import type { Role } from '../../../shared/domain/roles';
import type { DbOrTx } from '../../db/database';
import type { UserStatus } from '../../db/schema';
import { openRow, sealField, sealRow } from '../../crypto/personal-data';

export async function findUserByUsername(db: DbOrTx, username: string) {
  return openRow('users', await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst());
}

export async function findUserById(db: DbOrTx, id: number) {
  return openRow('users', await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst());
}

export async function findUserByActivationToken(db: DbOrTx, tokenHash: string) {
  return db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.status', 'users.activation_expires_at', 'units.short_name as unit_name'])
    .where('users.activation_token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function usernamesTaken(db: DbOrTx, usernames: string[]): Promise<Set<string>> {
  if (usernames.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('username').where('username', 'in', usernames).execute();
  return new Set(rows.map((r) => r.username));
}

export interface NewUser {
  unitId: number;
  username: string;
  displayName: string;
  email: string | null;
  mobile: string | null;
  passwordHash: string | null;
  status: UserStatus;
  mustChangePassword: boolean;
  activationTokenHash: string | null;
  activationExpiresAt: Date | null;
}

export async function insertUser(db: DbOrTx, user: NewUser): Promise<number> {
  const row = await db
    .insertInto('users')
    .values({
      unit_id: user.unitId,
      username: user.username,
      display_name: user.displayName,
      // E-mail and mobile are sealed at rest; reads in this file open them.
      email: sealField('users', 'email', user.email),
      mobile: sealField('users', 'mobile', user.mobile),
      password_hash: user.passwordHash,
      status: user.status,
      must_change_password: user.mustChangePassword,
      activation_token_hash: user.activationTokenHash,
      activation_expires_at: user.activationExpiresAt,
      password_changed_at: user.passwordHash ? new Date() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function replaceRoles(db: DbOrTx, userId: number, unitId: number, roles: readonly Role[]) {
  await db.deleteFrom('role_assignments').where('user_id', '=', userId).execute();
  if (roles.length === 0) return;
  // A role named twice is granted once (the pair is the table's key).
  await db
    .insertInto('role_assignments')
    .values([...new Set(roles)].map((role) => ({ user_id: userId, role, unit_id: unitId })))
    .execute();
}

export interface UserListFilter {
  scopePaths: string[];
  /** Restrict to this unit, or to its subtree when includeSubtree. */
  unitPath?: string | undefined;
  unitId?: number | undefined;
  includeSubtree: boolean;
  q?: string | undefined;
  page: number;
  pageSize: number;
}

const userColumns = [
  'users.id',
  'users.username',
  'users.display_name',
  'users.unit_id',
  'units.short_name as unit_name',
  'units.path as unit_path',
  'users.email',
  'users.mobile',
  'users.status',
  'users.locked_until',
  'users.totp_enabled_at',
  'users.version',
  'users.created_at',
] as const;

export async function listUsers(db: DbOrTx, filter: UserListFilter) {
  if (filter.scopePaths.length === 0) return { rows: [], total: 0 };
  let query = db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .where((eb) => eb.or(filter.scopePaths.map((p) => eb('units.path', 'like', `${p}%`))));
  if (filter.unitPath && filter.includeSubtree) query = query.where('units.path', 'like', `${filter.unitPath}%`);
  else if (filter.unitId) query = query.where('users.unit_id', '=', filter.unitId);
  if (filter.q) {
    const like = `%${filter.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb('users.username', 'ilike', like), eb('users.display_name', 'ilike', like), eb('units.short_name', 'ilike', like)]),
    );
  }
  const [rows, count] = await Promise.all([
    query
      .select([...userColumns, rolesOf])
      .orderBy('units.path')
      .orderBy('users.username')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute(),
    query.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => openRow('users', r)), total: Number(count.total) };
}

const rolesOf = sql<Role[]>`coalesce((select array_agg(r.role order by r.role) from role_assignments r where r.user_id = users.id), '{}')`.as(
  'roles',
);

export async function findUserWithUnit(db: DbOrTx, id: number) {
  return db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select([...userColumns, rolesOf])
    .where('users.id', '=', id)
    .executeTakeFirst()
    .then((row) => openRow('users', row));
}

export type UserWithUnit = NonNullable<Awaited<ReturnType<typeof findUserWithUnit>>>;

export async function updateUserRow(
  db: DbOrTx,
  id: number,
  expectedVersion: number | null,
  changes: Partial<{
    display_name: string;
    email: string | null;
    mobile: string | null;
    status: UserStatus;
    password_hash: string | null;
    must_change_password: boolean;
    locked_until: Date | null;
    activation_token_hash: string | null;
    activation_expires_at: Date | null;
    password_changed_at: Date | null;
  }>,
): Promise<boolean> {
  let query = db
    .updateTable('users')
    .set({ ...sealRow('users', changes), updated_at: new Date(), version: sql`version + 1` })
    .where('id', '=', id);
  if (expectedVersion !== null) query = query.where('version', '=', expectedVersion);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Units among `unitIds` that already have an account holding `role`. */
export async function unitsWithRole(db: DbOrTx, unitIds: number[], role: Role): Promise<Set<number>> {
  if (unitIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('role_assignments')
    .select('unit_id')
    .distinct()
    .where('role', '=', role)
    .where('unit_id', 'in', unitIds)
    .execute();
  return new Set(rows.map((r) => r.unit_id));
}
