import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openPGlite } from '../../src/server/db/database';
import { huiju, tempDirs } from '../support/cli';

const tempDir = tempDirs('huiju-audit-');

describe('huiju audit', () => {
  it('describes verify and purge in --help and refuses bad arguments', () => {
    const help = huiju(['audit', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('verify');
    expect(help.out).toContain('purge');
    expect(huiju(['audit', 'verify', '--help']).out).toMatch(/first broken row/);
    expect(huiju(['audit', 'purge', '--help']).out).toMatch(/--before <date>/);

    const missing = huiju(['audit', 'purge']);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/required option '--before <date>'/);
    const badDate = huiju(['audit', 'purge', '--before', '2026-02-30']);
    expect(badDate.code).not.toBe(0);
    expect(badDate.err).toMatch(/YYYY-MM-DD/);
  });

  it('verifies a real data directory, names the row changed behind the trigger, and refuses a purge inside six months', async () => {
    const env = { HUIJU_DATA_DIR: tempDir() };
    expect(huiju(['units', 'seed-regions', '--root', '32'], env).code).toBe(0);
    const created = huiju(['users', 'create', '--unit', '3201', '--username', 'nj-admin', '--name', '南京管理员', '--role', 'unit_admin', '--password', 'Nanjing@Kx2026'], env);
    expect(created.code, created.err).toBe(0);

    const ok = huiju(['audit', 'verify'], env);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/Audit chain verified: \d+ rows from the start; head seq \d+, hash [0-9a-f]{64}\./);

    const recent = new Date();
    recent.setUTCMonth(recent.getUTCMonth() - 3);
    const refused = huiju(['audit', 'purge', '--before', recent.toISOString().slice(0, 10)], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/kept at least 6 months/);
    const nothing = huiju(['audit', 'purge', '--before', '2020-01-01'], env);
    expect(nothing.code, nothing.err).toBe(0);
    expect(nothing.out).toMatch(/Nothing to purge/);

    // A superuser edits the first account's creation entry with the guard switched off.
    const database = await openPGlite(env.HUIJU_DATA_DIR);
    let victim: string;
    try {
      const row = await database.db
        .selectFrom('audit_log')
        .select(['id'])
        .where('action', '=', 'user.create')
        .orderBy('chain_seq')
        .executeTakeFirstOrThrow();
      victim = row.id;
      await sql`alter table audit_log disable trigger audit_log_append_only`.execute(database.db);
      await sql`update audit_log set details = details || '{"roles": ["system_admin"]}' where id = ${victim}`.execute(database.db);
      await sql`alter table audit_log enable trigger audit_log_append_only`.execute(database.db);
    } finally {
      await database.close();
    }
    const broken = huiju(['audit', 'verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain(`Audit chain BROKEN at audit_log row id ${victim} (seq `);
    expect(broken.err).toMatch(/changed after it was written/);
  });
});
