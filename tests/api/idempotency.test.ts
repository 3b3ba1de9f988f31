import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/server/db/database';
import { insertAuditEntry } from '../../src/server/features/audit/repository';
import { withIdempotency } from '../../src/server/idempotency';
import { createUser, rootUnit } from '../support/factories';
import { createTestDatabase, testDatabaseKind } from '../support/test-database';

let database: DatabaseHandle;
let userId: number;
let unitId: number;
beforeAll(async () => {
  database = await createTestDatabase();
  unitId = (await rootUnit(database.db)).id;
  userId = (await createUser(database.db, unitId, ['contact'])).id;
});
afterAll(() => database.close());

/** The work of a request: one audited row, counted. */
async function doneCount(marker: string) {
  const rows = await sql<{ n: string }>`select count(*)::text as n from audit_log where action = ${marker}`.execute(database.db);
  return Number(rows.rows[0]!.n);
}
const work = (marker: string, answer: unknown) => async (trx: Parameters<Parameters<typeof withIdempotency>[2]>[0]) => {
  await insertAuditEntry(trx, { actorUsername: 'test', action: marker, unitId });
  return answer;
};

describe('Idempotency-Key', () => {
  it('does the work once: the same key and body get the first answer, another body a 422', async () => {
    const options = { userId, key: 'key-once-0001', scope: 'test', body: { version: 1 } };
    expect(await withIdempotency(database.db, options, work('test.once', { receipt: 1 }))).toEqual({ receipt: 1 });
    expect(await withIdempotency(database.db, options, work('test.once', { receipt: 2 }))).toEqual({ receipt: 1 });
    await expect(withIdempotency(database.db, { ...options, body: { version: 2 } }, work('test.once', {}))).rejects.toMatchObject({ code: 'idempotency_key_reused', status: 422 });
    expect(await doneCount('test.once')).toBe(1);
  });

  it('leaves nothing behind when the work fails, so the retry does it', async () => {
    const options = { userId, key: 'key-fails-0001', scope: 'test', body: {} };
    await expect(withIdempotency(database.db, options, async (trx) => {
      await work('test.fails', null)(trx);
      throw new Error('refused');
    })).rejects.toThrow('refused');
    expect(await doneCount('test.fails')).toBe(0);
    expect(await withIdempotency(database.db, options, work('test.fails', 'ok'))).toBe('ok');
    expect(await doneCount('test.fails')).toBe(1);
  });

  // Found by the fault harness: a server killed between claiming a key and finishing the work left a
  // claim that answered every retry with 409 for two minutes after the restart.
  it('is not blocked by a claim a killed process left unfinished', async () => {
    await database.db.insertInto('idempotency_keys').values({ key: 'key-killed-0001', user_id: userId, scope: 'test', request_hash: 'x' }).execute();
    const options = { userId, key: 'key-killed-0001', scope: 'test', body: { version: 3 } };
    expect(await withIdempotency(database.db, options, work('test.killed', { receipt: 'after restart' }))).toEqual({ receipt: 'after restart' });
    expect(await withIdempotency(database.db, options, work('test.killed', {}))).toEqual({ receipt: 'after restart' });
    expect(await doneCount('test.killed')).toBe(1);
  });

  it('answers concurrent retries with the first answer or 409 while it runs, never doing the work twice', async () => {
    const options = { userId, key: 'key-concurrent-01', scope: 'test', body: {} };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = withIdempotency(database.db, options, async (trx) => {
      await gate;
      return work('test.concurrent', { receipt: 'first' })(trx);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = withIdempotency(database.db, options, work('test.concurrent', { receipt: 'second' }));
    if (testDatabaseKind() === 'postgres') {
      // Another connection: the key is held while the first request runs.
      await expect(second).rejects.toMatchObject({ code: 'idempotency_in_flight', status: 409 });
      release();
    } else {
      // PGlite has one connection: the retry waits for the first and gets its answer.
      release();
      expect(await second).toEqual({ receipt: 'first' });
    }
    expect(await first).toEqual({ receipt: 'first' });
    expect(await doneCount('test.concurrent')).toBe(1);
  });
});
