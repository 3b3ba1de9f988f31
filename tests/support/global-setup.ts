import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { sql } from 'kysely';
import { openPostgres, pgliteParsers, wrapPGlite, type Db } from '../../src/server/db/database';
import { prepareDatabase } from '../../src/server/bootstrap';
import { installTestFieldKeys, pgliteTemplatePath, postgresTemplateName, templateKey, testAdmin, testDataDir, testTotpSecret } from './template';

const seedConfig = { seedRoot: undefined, adminUsername: testAdmin.username, adminPassword: testAdmin.password };

/** The seeded database, with the system administrator's authenticator already enrolled (as after a first sign-in). */
async function prepareTemplate(db: Db) {
  await prepareDatabase(db, seedConfig);
  await db
    .updateTable('users')
    .set({ totp_secret: testTotpSecret, totp_enabled_at: sql`now()` })
    .where('username', '=', testAdmin.username)
    .execute();
}

/** Migrates and seeds one template database per run; each test file then starts from a copy of it. */
export default async function setup(project: { config: { env?: Record<string, unknown> } }) {
  const key = templateKey();
  installTestFieldKeys();
  fs.mkdirSync(testDataDir, { recursive: true });
  // Runs in the main process, where only the project's configuration says which database it uses.
  if (project.config.env?.HUIJU_TEST_DB === 'postgres') await preparePostgresTemplate(key);
  else await preparePGliteTemplate(key);
}

async function preparePGliteTemplate(key: string) {
  const file = pgliteTemplatePath(key);
  if (fs.existsSync(file)) return;
  const handle = wrapPGlite(await PGlite.create({ parsers: pgliteParsers }));
  await prepareTemplate(handle.db);
  const raw = await dumpOf(handle);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, raw);
  fs.renameSync(tmp, file);
  await handle.close();
}

async function dumpOf(handle: ReturnType<typeof wrapPGlite>): Promise<Buffer> {
  const blob = await handle.pglite!.dumpDataDir('none');
  return Buffer.from(await blob.arrayBuffer());
}

async function preparePostgresTemplate(key: string) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('HUIJU_TEST_DB=postgres needs TEST_DATABASE_URL');
  const name = postgresTemplateName(key);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) return;
    const building = `${name}_build_${process.pid}`;
    await admin.query(`drop database if exists ${building}`);
    await admin.query(`create database ${building}`);
    const handle = openPostgres(withDatabase(url, building), 4);
    try {
      await prepareTemplate(handle.db);
    } finally {
      await handle.close();
    }
    // Another run may have finished first; either template is equally good.
    try {
      await admin.query(`alter database ${building} rename to ${name}`);
    } catch {
      await admin.query(`drop database if exists ${building}`);
    }
  } finally {
    await admin.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
