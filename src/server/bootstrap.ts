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
import { insertUser, replaceRoles } from './features/users/repository';

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

export interface PreparedDatabase {
  migrationsApplied: string[];
  unitsSeeded: number;
  admin?: { username: string; password?: string };
}

/**
 * Brings a database to a usable state: migrations, then on an empty database the real unit hierarchy
 * and a system administrator. A database that already has units is left untouched.
 */
export async function prepareDatabase(db: Db, config: Pick<Config, 'seedRoot' | 'adminUsername' | 'adminPassword'>): Promise<PreparedDatabase> {
  const migrationsApplied = await migrate(db);
  // Before anything reads personal data: wrong keys refused, clear-text values sealed.
  await ensureFieldEncryption(db);
  let unitsSeeded = 0;
  if ((await countUnits(db)) === 0) {
    unitsSeeded = (await db.transaction().execute((trx) => seedRegions(trx, config.seedRoot))).created;
  }
  const admin = await ensureSystemAdmin(db, config);
  return { migrationsApplied, unitsSeeded, ...(admin ? { admin } : {}) };
}

async function ensureSystemAdmin(db: Db, config: Pick<Config, 'adminUsername' | 'adminPassword'>) {
  const existing = await db
    .selectFrom('role_assignments')
    .select(sql<number>`1`.as('one'))
    .where('role', '=', 'system_admin')
    .executeTakeFirst();
  if (existing) return undefined;
  const password = config.adminPassword ?? generateInitialPassword();
  if (config.adminPassword) assertPasswordAcceptable(config.adminPassword, config.adminUsername, 'HUIJU_ADMIN_PASSWORD');
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const root = await ensureNationalRoot(trx);
    const userId = await insertUser(trx, {
      unitId: root.id,
      username: config.adminUsername,
      displayName: '系统管理员',
      email: null,
      mobile: null,
      passwordHash,
      status: 'active',
      // A generated password was shown on a console: it must be replaced at first sign-in.
      mustChangePassword: !config.adminPassword,
      activationTokenHash: null,
      activationExpiresAt: null,
    });
    await replaceRoles(trx, userId, root.id, ['system_admin']);
    await insertAuditEntry(trx, {
      actorUsername: 'system',
      unitId: root.id,
      action: 'user.create',
      targetType: 'user',
      targetId: userId,
      details: { username: config.adminUsername, roles: ['system_admin'], bootstrap: true },
    });
  });
  return { username: config.adminUsername, ...(config.adminPassword ? {} : { password }) };
}
