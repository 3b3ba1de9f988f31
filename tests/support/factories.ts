import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { requiresSecondFactor, type Role } from '../../src/shared/domain/roles';
import type { UnitType, UnitLevel } from '../../src/shared/domain/units';
import type { Db } from '../../src/server/db/database';
import { hashPassword } from '../../src/server/features/accounts/passwords';
import { pinyinInitialsOf, sortKeyOf } from '../../src/server/features/units/naming';
import { insertUnit } from '../../src/server/features/units/repository';
import { insertUser, replaceRoles } from '../../src/server/features/users/repository';
import { testTotpSecret } from './template';

export const defaultTestPassword = 'Test@Pass2026';
let passwordHashCache: Promise<string> | undefined;

const unique = () => randomBytes(6).toString('hex');

/** A regional association of the seeded tree by its GB/T 2260 code (32 江苏, 3201 南京, 320102 玄武区). */
export async function regionalUnit(db: Db, regionCode: string) {
  return db
    .selectFrom('units')
    .selectAll()
    .where('region_code', '=', regionCode)
    .where('type', '=', 'regional_association')
    .executeTakeFirstOrThrow();
}

export async function rootUnit(db: Db) {
  return db.selectFrom('units').selectAll().where('parent_id', 'is', null).executeTakeFirstOrThrow();
}

export async function createUnit(
  db: Db,
  parentId: number,
  overrides: Partial<{ name: string; shortName: string; type: UnitType; level: UnitLevel; contactMobile: string; contactEmail: string }> = {},
) {
  const shortName = overrides.shortName ?? `测试学会${unique()}`;
  const type = overrides.type ?? 'learned_society';
  return insertUnit(db, {
    parent_id: parentId,
    name: overrides.name ?? `${shortName}全称`,
    short_name: shortName,
    type,
    level: overrides.level ?? 'city',
    region_code: null,
    tags: [],
    contact_mobile: overrides.contactMobile ?? null,
    contact_email: overrides.contactEmail ?? null,
    pinyin_initials: pinyinInitialsOf(shortName, shortName),
    sort_key: sortKeyOf(type, null, shortName),
  });
}

/**
 * An active account holding `roles` at `unitId`, with the shared test password unless given. An
 * administrator (who must use a second factor) has TOTP enrolled with testTotpSecret unless `totp`
 * says otherwise.
 */
export async function createUser(
  db: Db,
  unitId: number,
  roles: Role[],
  overrides: Partial<{ username: string; password: string; totp: boolean }> = {},
) {
  const username = overrides.username ?? `user-${unique()}`;
  const passwordHash = overrides.password
    ? await hashPassword(overrides.password)
    : await (passwordHashCache ??= hashPassword(defaultTestPassword));
  const id = await insertUser(db, {
    unitId,
    username,
    displayName: `测试用户${username}`,
    email: `${username}@example.cn`,
    mobile: '13812345678',
    passwordHash,
    status: 'active',
    mustChangePassword: false,
    activationTokenHash: null,
    activationExpiresAt: null,
  });
  await replaceRoles(db, id, unitId, roles);
  if (overrides.totp ?? requiresSecondFactor(roles)) {
    await db.updateTable('users').set({ totp_secret: testTotpSecret, totp_enabled_at: sql`now()` }).where('id', '=', id).execute();
  }
  return { id, username, password: overrides.password ?? defaultTestPassword };
}
