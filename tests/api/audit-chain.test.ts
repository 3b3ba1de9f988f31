import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, pgliteParsers, wrapPGlite, type DatabaseHandle, type Db } from '../../src/server/db/database';
import { migrate, readMigrationFiles } from '../../src/server/db/migrate';
import { auditRowHash, GENESIS_HASH, purgeAuditLog, verifyAuditChain } from '../../src/server/features/audit/chain';
import { insertAuditEntry } from '../../src/server/features/audit/repository';
import { withDatabase } from '../support/global-setup';
import { testAdmin } from '../support/template';
import { createTestApp, signIn, type TestApp } from '../support/test-app';
import { testDatabaseKind } from '../support/test-database';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** What a superuser could do behind the application's back: rewrite history with the guard off. */
async function withGuardOff(db: Db, work: () => Promise<unknown>) {
  await sql`alter table audit_log disable trigger audit_log_append_only`.execute(db);
  try {
    await work();
  } finally {
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(db);
  }
}

async function chainRows(db: Db) {
  return db.selectFrom('audit_log').select(['id', 'chain_seq', 'prev_hash', 'row_hash', 'action']).orderBy('chain_seq').execute();
}

describe('audit hash chain', () => {
  it('links every row to the one before it, from the seeded rows to the newest sign-in', async () => {
    await signIn(t.app, testAdmin.username, testAdmin.password);
    const rows = await chainRows(t.db);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    rows.forEach((row, i) => {
      expect(row.chain_seq).toBe(String(i + 1));
      expect(row.row_hash).toMatch(/^[0-9a-f]{64}$/);
      if (i > 0) expect(row.prev_hash).toBe(rows[i - 1]!.row_hash);
    });
    const report = await verifyAuditChain(t.db);
    expect(report).toMatchObject({ ok: true, rows: rows.length, firstBroken: null });
    expect(report.head.headHash).toBe(rows.at(-1)!.row_hash);
  });

  it('hashes Chinese text, nulls and nested details the same way in SQL and TypeScript', async () => {
    await insertAuditEntry(t.db, {
      actorUsername: '南京管理员',
      action: 'test.unicode',
      targetId: null,
      details: { 单位: '南京市科协', emoji: '𝌆', nested: { b: [1, 2.5, null, true], a: 'x|y:z' }, quote: '"\\' },
    });
    const report = await verifyAuditChain(t.db);
    expect(report.ok, report.firstBroken?.reason).toBe(true);
    // The stored hash is the TypeScript recomputation of the database's fields.
    const last = await sql<{ id: string; row_hash: string; prev_hash: string; chain_seq: string; occurred_us: string; details: string }>`
      select id::text as id, row_hash, prev_hash, chain_seq::text as chain_seq,
             ((extract(epoch from occurred_at) * 1000000)::bigint)::text as occurred_us, details::text as details
        from audit_log order by chain_seq desc limit 1`.execute(t.db);
    const row = last.rows[0]!;
    expect(
      auditRowHash(row.prev_hash, {
        ...row,
        actor_user_id: null,
        actor_username: '南京管理员',
        actor_unit_id: null,
        unit_id: null,
        action: 'test.unicode',
        target_type: null,
        target_id: null,
        outcome: 'success',
        ip: null,
      }),
    ).toBe(row.row_hash);
  });

  it('keeps one unbroken chain when many transactions write at once', async () => {
    const before = Number((await verifyAuditChain(t.db)).head.headSeq);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.db.transaction().execute(async (trx) => {
          await insertAuditEntry(trx, { actorUsername: `writer-${i}`, action: 'test.concurrent', details: { i } });
          await sql`select pg_sleep(0.01)`.execute(trx);
          await insertAuditEntry(trx, { actorUsername: `writer-${i}`, action: 'test.concurrent', details: { i, second: true } });
        }),
      ),
    );
    const report = await verifyAuditChain(t.db);
    expect(report.ok, report.firstBroken?.reason).toBe(true);
    expect(Number(report.head.headSeq)).toBe(before + 24);
  });

  it('still refuses UPDATE, DELETE and TRUNCATE from the application', async () => {
    const [row] = await chainRows(t.db);
    await expect(sql`update audit_log set action = 'x' where id = ${row!.id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where id = ${row!.id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
    // The purge switch does not open rows younger than six months.
    await expect(
      t.db.transaction().execute(async (trx) => {
        await sql`select set_config('huiju.audit_purge', 'on', true)`.execute(trx);
        await sql`delete from audit_log where id = ${row!.id}`.execute(trx);
      }),
    ).rejects.toThrow(/younger than six months/);
  });

  it('names the row whose content was changed behind the trigger', async () => {
    const rows = await chainRows(t.db);
    const victim = rows[Math.floor(rows.length / 2)]!;
    await withGuardOff(t.db, () => sql`update audit_log set action = 'user.harmless' where id = ${victim.id}`.execute(t.db));
    const report = await verifyAuditChain(t.db);
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ id: victim.id, seq: victim.chain_seq });
    expect(report.firstBroken!.reason).toMatch(/changed after it was written/);
    expect(report.rows).toBe(Number(victim.chain_seq) - 1);

    // Recomputing the row's own hash to cover the change breaks the link of the row after it.
    await withGuardOff(t.db, () =>
      sql`update audit_log set row_hash = audit_log_row_hash(prev_hash, audit_log.*) where id = ${victim.id}`.execute(t.db),
    );
    const next = rows[rows.indexOf(victim) + 1]!;
    expect((await verifyAuditChain(t.db)).firstBroken).toMatchObject({ id: next.id, seq: next.chain_seq });

    await withGuardOff(t.db, () =>
      sql`update audit_log set action = ${victim.action}, row_hash = ${victim.row_hash} where id = ${victim.id}`.execute(t.db),
    );
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('names the row after a deleted one, and notices rows removed from the end', async () => {
    const rows = await chainRows(t.db);
    const victim = rows[3]!;
    const full = await sql<{ j: string }>`select to_jsonb(a)::text as j from audit_log a where id = ${victim.id}`.execute(t.db);
    await withGuardOff(t.db, () => sql`delete from audit_log where id = ${victim.id}`.execute(t.db));
    const gap = await verifyAuditChain(t.db);
    expect(gap.firstBroken).toMatchObject({ id: rows[4]!.id, seq: rows[4]!.chain_seq });
    expect(gap.firstBroken!.reason).toMatch(new RegExp(`seq ${victim.chain_seq} missing`));

    // Put it back exactly (identity and chain columns included): the chain verifies again.
    const original = full.rows[0]!.j;
    await sql`alter table audit_log disable trigger audit_log_chain`.execute(t.db);
    try {
      await sql`insert into audit_log overriding system value
                select * from jsonb_populate_record(null::audit_log, ${original}::jsonb)`.execute(t.db);
    } finally {
      await sql`alter table audit_log enable trigger audit_log_chain`.execute(t.db);
    }
    expect((await verifyAuditChain(t.db)).ok).toBe(true);

    const last = rows.at(-1)!;
    await withGuardOff(t.db, () => sql`delete from audit_log where id = ${last.id}`.execute(t.db));
    const tail = await verifyAuditChain(t.db);
    expect(tail.ok).toBe(false);
    expect(tail.firstBroken).toMatchObject({ id: rows.at(-2)!.id });
    expect(tail.firstBroken!.reason).toMatch(/last 1 row\(s\) were removed/);
  });
});

/** A database with no migrations yet, to write history before the chain existed. */
async function emptyDatabase(): Promise<DatabaseHandle> {
  if (testDatabaseKind() === 'pglite') return wrapPGlite(await PGlite.create({ parsers: pgliteParsers }));
  const url = process.env.TEST_DATABASE_URL!;
  const name = `huiju_chain_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const handle = openPostgres(withDatabase(url, name), 4);
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

describe('chaining existing rows and purging old ones', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await emptyDatabase();
  }, 120_000);
  afterAll(() => database?.close());

  it('chains the rows written before migration 0007, then purges a prefix older than six months and still verifies', async () => {
    const db = database.db;
    const files = readMigrationFiles();
    const chainIndex = files.findIndex((f) => f.name.endsWith('_audit_chain.sql'));
    expect(chainIndex).toBeGreaterThan(0);
    await migrate(db, files.slice(0, chainIndex));
    const old = (monthsAgo: number) => sql`now() - make_interval(months => ${monthsAgo})`;
    for (const months of [14, 13, 12, 9, 7]) {
      await sql`insert into audit_log (occurred_at, actor_username, action, details)
                values (${old(months)}, 'history', 'test.old', ${JSON.stringify({ months, 名称: '旧记录' })})`.execute(db);
    }
    await migrate(db, files);
    const backfilled = await verifyAuditChain(db);
    expect(backfilled).toMatchObject({ ok: true, rows: 5 });
    expect(backfilled.head.headSeq).toBe('5');

    await insertAuditEntry(db, { actorUsername: 'today', action: 'test.new' });
    await sql`insert into audit_log (occurred_at, actor_username, action) values (${old(8)}, 'late', 'test.late')`.execute(db);
    expect((await verifyAuditChain(db)).rows).toBe(7);

    const tooRecent = new Date();
    tooRecent.setUTCMonth(tooRecent.getUTCMonth() - 5);
    await expect(purgeAuditLog(db, { before: tooRecent, actorUsername: 'cli' })).rejects.toThrow(/at least 6 months/);

    // Before 10 months ago: the three oldest rows go; the 9-month row stops the prefix.
    const before = new Date();
    before.setUTCMonth(before.getUTCMonth() - 10);
    const purge = await purgeAuditLog(db, { before, actorUsername: 'cli' });
    expect(purge).toMatchObject({ purged: 3, anchorSeq: '3' });
    const after = await verifyAuditChain(db);
    expect(after).toMatchObject({ ok: true, rows: 5 });
    expect(after.head).toMatchObject({ anchorSeq: '3', anchorHash: purge.anchorHash });
    const purgeEntry = await db.selectFrom('audit_log').select(['details']).where('action', '=', 'audit.purge').executeTakeFirstOrThrow();
    expect(purgeEntry.details).toMatchObject({ purged: 3, anchorSeq: '3' });

    // Before 6½ months: only the 9- and 7-month rows, since today's row comes next in the chain.
    const later = new Date();
    later.setUTCMonth(later.getUTCMonth() - 6);
    later.setUTCDate(later.getUTCDate() - 15);
    expect(await purgeAuditLog(db, { before: later, actorUsername: 'cli' })).toMatchObject({ purged: 2, anchorSeq: '5' });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rows: 4 });
    expect(await purgeAuditLog(db, { before: later, actorUsername: 'cli' })).toMatchObject({ purged: 0 });

    // A row slipped in before the anchor is reported.
    await withGuardOff(db, async () => {
      await sql`update audit_log set chain_seq = 1 where chain_seq = 6`.execute(db);
    });
    expect((await verifyAuditChain(db)).firstBroken?.reason).toMatch(/before the chain's anchor/);
  });
});
