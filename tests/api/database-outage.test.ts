import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyError } from 'fastify';
import type { DatabaseHandle } from '../../src/server/db/database';
import { databaseDown } from '../../src/server/plugins/errors';
import { createTestDatabase, testDatabaseKind } from '../support/test-database';

describe('a lost database connection is "try again later"', () => {
  it('classifies node-postgres connection losses, with or without a code, as the database being down', () => {
    const error = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {}) as FastifyError;
    expect(databaseDown(error('Connection terminated unexpectedly'))).toBe(true);
    expect(databaseDown(error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(databaseDown(error('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(databaseDown(error('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(databaseDown(error('duplicate key value', '23505'))).toBe(false);
    expect(databaseDown(error('Connection terminated by the user', 'FST_X'))).toBe(false);
  });
});

// Found by the fault harness: PostgreSQL stopped under load killed the server process with an
// unhandled 'error' event from a checked-out connection.
describe.skipIf(testDatabaseKind() !== 'postgres')('a PostgreSQL connection cut mid-query', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('fails the request whose connection was cut, keeps the process alive and reconnects for the next one', async () => {
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    // A connection checked out between two statements of a transaction when its server goes away.
    const outcome = await database.db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
        // The 'error' event of the cut connection arrives now; unhandled, it ends the process.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`select 1`.execute(trx);
        return null;
      })
      .catch((error: FastifyError) => error);
    await admin.end();
    expect(outcome).not.toBeNull();
    expect(databaseDown(outcome!)).toBe(true);
    const after = await sql<{ one: number }>`select 1 as one`.execute(database.db);
    expect(after.rows[0]!.one).toBe(1);
  });
});
