import { createRequire } from 'node:module';
import { sql } from 'kysely';
import type { Config } from './config';
import { lockDataDir } from './db/data-dir-lock';
import { openPGlite, openPostgres, type DatabaseHandle, type Db } from './db/database';
import { migrate } from './db/migrate';
import { ensureFieldEncryption } from './crypto/personal-data';
import { generateInitialPassword, hashPassword } from './features/accounts/passwords';
import { assertPasswordAcceptable } from './features/accounts/service';
import { insertAuditEntry } from './features/audit/repository';
import { countUnits } from './features/units/repository';
import { ensureNationalRoot, seedRegions } from './features/units/region-seed';
import { findUserByUsername, insertUser, replaceRoles } from './features/users/repository';
import { administratorRoles, type AdministratorRole } from '../shared/domain/roles';

const require = createRequire(import.meta.url);
export const huijuVersion: string = (require('../../package.json') as { version: string }).version;

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else the locked embedded one. */
export async function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, config.databasePoolSize);
  const unlock = await lockDataDir(config.dataDir);
  try {
    const handle = await openPGlite(config.dataDir);
    return {
      ...handle,
      close: async () => {
        await handle.close();
        await unlock();
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}

export interface CreatedAdministrator {
  role: AdministratorRole;
  username: string;
  /** A generated first password, shown once; absent when HUIJU_ADMIN_PASSWORD set it. */
  password?: string;
}

export interface PreparedDatabase {
  migrationsApplied: string[];
  unitsSeeded: number;
  /** Administrators created by this start (the system administrator first). */
  administrators: CreatedAdministrator[];
}

/** User names of the security and audit administrators created on first start (三员分立). */
export const bootstrapUsernames = { security_admin: 'secadmin', audit_admin: 'auditadmin' } as const;

/**
 * Brings a database to a usable state: migrations, then on an empty database the real unit hierarchy,
 * and the three administrators (system, security, audit) whenever one of the roles has no account.
 * A database that already has units keeps them.
 */
export async function prepareDatabase(db: Db, config: Pick<Config, 'seedRoot' | 'adminUsername' | 'adminPassword'>): Promise<PreparedDatabase> {
  const migrationsApplied = await migrate(db);
  // Before anything reads personal data: wrong keys refused, clear-text values sealed.
  await ensureFieldEncryption(db);
  let unitsSeeded = 0;
  if ((await countUnits(db)) === 0) {
    unitsSeeded = (await db.transaction().execute((trx) => seedRegions(trx, config.seedRoot))).created;
  }
  const administrators: CreatedAdministrator[] = [];
  for (const role of administratorRoles) {
    const created = await ensureAdministrator(db, config, role);
    if (created) administrators.push(created);
  }
  return { migrationsApplied, unitsSeeded, administrators };
}

const administratorNames: Record<AdministratorRole, string> = {
  system_admin: '系统管理员',
  security_admin: '安全保密管理员',
  audit_admin: '安全审计员',
};

async function ensureAdministrator(
  db: Db,
  config: Pick<Config, 'adminUsername' | 'adminPassword'>,
  role: AdministratorRole,
): Promise<CreatedAdministrator | undefined> {
  const existing = await db.selectFrom('role_assignments').select(sql<number>`1`.as('one')).where('role', '=', role).executeTakeFirst();
  if (existing) return undefined;
  const isSystem = role === 'system_admin';
  const username = isSystem ? config.adminUsername : bootstrapUsernames[role];
  if (!isSystem && (await findUserByUsername(db, username))) return undefined;
  const preset = isSystem ? config.adminPassword : undefined;
  const password = preset ?? generateInitialPassword();
  if (preset) assertPasswordAcceptable(preset, username, 'HUIJU_ADMIN_PASSWORD');
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const root = await ensureNationalRoot(trx);
    const userId = await insertUser(trx, {
      unitId: root.id,
      username,
      displayName: administratorNames[role],
      email: null,
      mobile: null,
      passwordHash,
      status: 'active',
      // A generated password was shown on a console: it must be replaced at first sign-in.
      mustChangePassword: !preset,
      activationTokenHash: null,
      activationExpiresAt: null,
    });
    await replaceRoles(trx, userId, root.id, [role]);
    await insertAuditEntry(trx, {
      actorUsername: 'system',
      unitId: root.id,
      action: 'user.create',
      targetType: 'user',
      targetId: userId,
      details: { username, roles: [role], bootstrap: true },
    });
  });
  return { role, username, ...(preset ? {} : { password }) };
}
