import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openPostgres, pgliteParsers, wrapPGlite, type DatabaseHandle } from '../../src/server/db/database';
import { withDatabase } from './global-setup';
import { installTestFieldKeys, pgliteTemplatePath, postgresTemplateName, templateKey } from './template';

export type TestDatabaseKind = 'pglite' | 'postgres';

export function testDatabaseKind(): TestDatabaseKind {
  return process.env.HUIJU_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

/**
 * A private database for one test file: a copy of the migrated, seeded template (a PGlite data-dir
 * dump, or a PostgreSQL database created from the template database). Closing it drops the copy.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  installTestFieldKeys();
  const key = templateKey();
  if (testDatabaseKind() === 'pglite') {
    const dump = fs.readFileSync(pgliteTemplatePath(key));
    const pglite = await PGlite.create({ loadDataDir: new Blob([dump]), parsers: pgliteParsers });
    return wrapPGlite(pglite);
  }
  const url = process.env.TEST_DATABASE_URL!;
  const name = `huiju_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${postgresTemplateName(key)}`);
        break;
      } catch (error) {
        // 55006: the template is momentarily in use by another copy being made.
        if ((error as { code?: string }).code !== '55006' || attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const handle = openPostgres(withDatabase(url, name), 5);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
