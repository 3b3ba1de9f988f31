import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db, DbOrTx } from './database';

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant shared by every Huiju process: serialises migrations across processes.
const MIGRATION_LOCK_KEY = 4_842_201;

export interface MigrationFile {
  name: string;
  sha256: string;
  sql: string;
}

export function readMigrationFiles(dir = migrationsDir): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      return { name: file, sha256: createHash('sha256').update(text).digest('hex'), sql: text };
    });
}

export class MigrationError extends Error {}

export async function ensureMigrationsTable(db: DbOrTx): Promise<void> {
  // Looked up first: `create table if not exists` needs CREATE on the schema even when the table
  // exists, which the application's own role (deploy/postgres/application-role.sql) does not have.
  const found = await sql<{ name: string | null }>`select to_regclass('schema_migrations')::text as name`.execute(db);
  if (found.rows[0]?.name) return;
  await sql`create table if not exists schema_migrations (
    name text primary key,
    sha256 text not null,
    applied_at timestamptz not null default now()
  )`.execute(db);
}

/** Runs one migration and records it, inside the caller's transaction (restore uses it to stay all-or-nothing). */
export async function applyMigration(trx: DbOrTx, file: MigrationFile): Promise<void> {
  await sql.raw(file.sql).execute(trx);
  await trx.insertInto('schema_migrations').values({ name: file.name, sha256: file.sha256 }).execute();
}

/**
 * Applies every migration not yet applied, each in its own transaction, in file-name order.
 * A migration that was edited after it was applied stops the process: migrations are reviewed SQL
 * and never change once landed (add a new one instead).
 */
export async function migrate(db: Db, files = readMigrationFiles()): Promise<string[]> {
  await ensureMigrationsTable(db);

  const applied: string[] = [];
  for (const file of files) {
    const done = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
      const existing = await trx
        .selectFrom('schema_migrations')
        .select(['sha256'])
        .where('name', '=', file.name)
        .executeTakeFirst();
      if (existing) {
        if (existing.sha256 !== file.sha256) {
          throw new MigrationError(
            `Migration ${file.name} was changed after it was applied (recorded ${existing.sha256.slice(0, 12)}, file ${file.sha256.slice(0, 12)}). Add a new migration instead.`,
          );
        }
        return false;
      }
      await applyMigration(trx, file);
      return true;
    });
    if (done) applied.push(file.name);
  }
  return applied;
}
