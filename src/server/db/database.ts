import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { processApplicationName } from '../cluster/process-name';
import { PGliteDialect } from './pglite-dialect';
import type { Database } from './schema';

export type DatabaseKind = 'pglite' | 'postgresql';
export type Db = Kysely<Database>;
/** Repository functions take either the database or an open transaction. */
export type DbOrTx = Kysely<Database> | Transaction<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: DatabaseKind;
  /** The embedded instance, for dumps and backups; absent on a PostgreSQL server. */
  pglite?: PGlite;
  /** The server's URL, for the dedicated connections of cluster/ (LISTEN, the job leader's lock). */
  url?: string;
  close(): Promise<void>;
}

// Both drivers return the same JavaScript values: int8 and numeric as strings (no precision loss),
// dates as 'YYYY-MM-DD' strings (no time-zone shift), timestamps as Date.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const keepText = (value: string) => value;

let pgParsersSet = false;
function setPgParsers() {
  if (pgParsersSet) return;
  pg.types.setTypeParser(DATE, keepText);
  pgParsersSet = true;
}

export function openPostgres(url: string, poolSize = 10, options: { connectTimeoutMs?: number } = {}): DatabaseHandle {
  setPgParsers();
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: processApplicationName(), ...(options.connectTimeoutMs ? { connectionTimeoutMillis: options.connectTimeoutMs } : {}) });
  // A client losing its server must not crash the process, idle (the pool's 'error') or checked out
  // (the client's own 'error', found by the fault harness stopping PostgreSQL under load): its query
  // fails, the pool drops it, and the next query reconnects.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgresql', url, close: () => db.destroy() };
}

export const pgliteParsers = { [INT8]: keepText, [NUMERIC]: keepText, [DATE]: keepText };

export function wrapPGlite(pglite: PGlite): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    pglite,
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

/** Opens (creating when absent) the embedded database stored under the data directory. */
export async function openPGlite(dataDir: string | undefined): Promise<DatabaseHandle> {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir: path.join(dataDir, 'pgdata') } : {}),
    parsers: pgliteParsers,
  });
  return wrapPGlite(pglite);
}

export async function databaseServerVersion(db: Db): Promise<string> {
  const result = await sql<{ server_version: string }>`show server_version`.execute(db);
  return result.rows[0]?.server_version ?? 'unknown';
}
