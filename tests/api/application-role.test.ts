import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import type { AppContext } from '../../src/server/app-context';
import { huijuVersion, prepareDatabase } from '../../src/server/bootstrap';
import { loadConfig } from '../../src/server/config';
import { openPostgres, type DatabaseHandle, type Db } from '../../src/server/db/database';
import { verifyAuditChain } from '../../src/server/features/audit/chain';
import { LocalFileStore } from '../../src/server/storage/file-store';
import { withDatabase } from '../support/global-setup';
import { testFieldKeys } from '../support/template';
import { createUser } from '../support/factories';
import { signIn } from '../support/test-app';
import { createTestDatabase, testDatabaseKind } from '../support/test-database';

const script = path.resolve('deploy/postgres/application-role.sql');

function psqlBinary(): string {
  const debian = path.join(process.env.PGBIN ?? '/usr/lib/postgresql/15/bin', 'psql');
  return fs.existsSync(debian) ? debian : 'psql';
}

// The deployment script, run for real by psql as the database owner (the test server's superuser,
// who ran the migrations on the template).
function runScript(ownerUrl: string, role: string, password: string): string {
  return execFileSync(psqlBinary(), [ownerUrl, '-X', '-q', '-v', `app_role=${role}`, '-v', `app_password=${password}`, '-f', script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function sqlState(db: Db, statement: string): Promise<string | undefined> {
  try {
    await sql.raw(statement).execute(db);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe.skipIf(testDatabaseKind() !== 'postgres')('the application database role (deploy/postgres/application-role.sql)', () => {
  const role = `huiju_app_${randomBytes(4).toString('hex')}`;
  // A quote and a backslash: the script must quote the password, not paste it.
  const password = `pw'\\${randomBytes(6).toString('hex')}`;
  let owner: DatabaseHandle;
  let asRole: DatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    owner = await createTestDatabase();
    const name = (await sql<{ name: string }>`select current_database() as name`.execute(owner.db)).rows[0]!.name;
    const ownerUrl = withDatabase(process.env.TEST_DATABASE_URL!, name);
    runScript(ownerUrl, role, password);
    // Idempotent: a second run (after a later migration) succeeds and changes nothing it should not.
    runScript(ownerUrl, role, password);

    const roleUrl = new URL(ownerUrl);
    roleUrl.username = role;
    roleUrl.password = password;
    asRole = openPostgres(roleUrl.toString(), 3);
    const config = loadConfig({ HUIJU_DATA_DIR: '.test-data/files', LOG_LEVEL: 'silent', HUIJU_FIELD_KEYS: testFieldKeys });
    const ctx: AppContext = {
      db: asRole.db,
      databaseKind: asRole.kind,
      config,
      version: huijuVersion,
      files: new LocalFileStore(path.resolve('.test-data/files')),
    };
    app = await buildApp(ctx, { serveWeb: false });
  });

  afterAll(async () => {
    await app?.close();
    await asRole?.close();
    if (owner) {
      await sql.raw(`reassign owned by ${role} to current_user`).execute(owner.db);
      await sql.raw(`drop owned by ${role}`).execute(owner.db);
      await sql.raw(`drop role ${role}`).execute(owner.db);
      await owner.close();
    }
  });

  it('connects as a role that is neither superuser nor owner of the tables', async () => {
    const who = await sql<{ user: string; superuser: boolean; owner: string }>`
      select current_user as user, (select rolsuper from pg_roles where rolname = current_user) as superuser,
             (select tableowner from pg_tables where tablename = 'audit_log') as owner`.execute(asRole.db);
    expect(who.rows[0]).toMatchObject({ user: role, superuser: false });
    expect(who.rows[0]!.owner).not.toBe(role);
  });

  it('starts the server under the role: the start-up migration check finds nothing to apply and creates nothing', async () => {
    const prepared = await prepareDatabase(asRole.db, { seedRoot: undefined, adminUsername: 'admin', adminPassword: undefined });
    expect(prepared.migrationsApplied).toEqual([]);
    expect(prepared.administrators).toEqual([]);
  });

  it('signs in and out under the role; each audited write is chained with its hash by the trigger', async () => {
    // A campaign manager: one password step (administrators add an authenticator code).
    const root = await owner.db.selectFrom('units').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
    const manager = await createUser(owner.db, root.id, ['campaign_manager']);
    const before = await verifyAuditChain(asRole.db);
    const client = await signIn(app, manager.username, manager.password);
    expect((await client.get('/api/v1/session')).statusCode).toBe(200);
    expect((await client.delete('/api/v1/session')).statusCode).toBe(200);

    const rows = await asRole.db
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'chain_seq', 'prev_hash', 'row_hash'])
      .where('chain_seq', '>', before.head.headSeq)
      .orderBy('chain_seq')
      .execute();
    expect(rows.map((row) => [row.action, row.outcome])).toEqual([
      ['session.sign_in', 'success'],
      ['session.sign_out', 'success'],
    ]);
    expect(rows[0]!.prev_hash).toBe(before.head.headHash);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.row_hash);
    for (const row of rows) expect(row.row_hash).toMatch(/^[0-9a-f]{64}$/);
    const after = await verifyAuditChain(asRole.db);
    expect(after).toMatchObject({ ok: true, firstBroken: null });
    expect(after.head.headHash).toBe(rows[1]!.row_hash);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the audit log with insufficient privilege (42501), before the trigger', async () => {
    expect(await sqlState(asRole.db, `update audit_log set action = 'forged' where chain_seq = 1`)).toBe('42501');
    expect(await sqlState(asRole.db, `delete from audit_log where chain_seq = 1`)).toBe('42501');
    expect(await sqlState(asRole.db, `truncate audit_log`)).toBe('42501');
    // The owner meets the append-only trigger instead (raise exception: P0001); only the role is refused by privilege.
    expect(await sqlState(owner.db, `update audit_log set action = 'forged' where chain_seq = 1`)).toBe('P0001');
    const first = await owner.db.selectFrom('audit_log').select('action').where('chain_seq', '=', '1').executeTakeFirstOrThrow();
    expect(first.action).not.toBe('forged');
  });

  it('keeps the chain head to the trigger: no insert, delete or truncate of audit_chain, no writes to schema_migrations', async () => {
    expect(await sqlState(asRole.db, `delete from audit_chain`)).toBe('42501');
    expect(await sqlState(asRole.db, `insert into audit_chain (id, head_seq, head_hash, anchor_seq, anchor_hash) values (true, 0, '', 0, '')`)).toBe('42501');
    expect(await sqlState(asRole.db, `truncate audit_chain`)).toBe('42501');
    expect(await sqlState(asRole.db, `delete from schema_migrations`)).toBe('42501');
    expect(await sqlState(asRole.db, `create table role_probe (id int)`)).toBe('42501');
  });

  it('gives tables created later by the owner (a new migration) the same grants', async () => {
    await sql`create table role_probe_later (id integer generated always as identity primary key, note text)`.execute(owner.db);
    expect(await sqlState(asRole.db, `insert into role_probe_later (note) values ('x')`)).toBeUndefined();
    expect(await sqlState(asRole.db, `update role_probe_later set note = 'y'`)).toBeUndefined();
    expect(await sqlState(asRole.db, `delete from role_probe_later`)).toBeUndefined();
    await sql`drop table role_probe_later`.execute(owner.db);
  });
});
