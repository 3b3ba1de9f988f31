import type { Config } from '../server/config';
import { openConfiguredDatabase } from '../server/bootstrap';
import type { Db } from '../server/db/database';
import { migrate } from '../server/db/migrate';
import { loadFieldKeysFor } from '../server/crypto/field-keys';
import { ensureFieldEncryption } from '../server/crypto/personal-data';

/** A mistake of the person at the command line: printed as one line, exit status 1. */
export class CliError extends Error {}

/** Opens the configured database, brings its schema up to date, runs `work`, closes it. */
export async function withDatabase<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(config);
  try {
    await migrate(database.db);
    await loadFieldKeysFor(config, database.db);
    await ensureFieldEncryption(database.db);
    return await work(database.db);
  } finally {
    await database.close();
  }
}
