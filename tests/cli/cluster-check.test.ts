import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { huiju, startServer, tempDirs } from '../support/cli';

/** `huiju cluster-check`: what one process's configuration sees (issue 10, decision 019). */
const tempDir = tempDirs('huiju-cluster-');

describe('huiju cluster-check', () => {
  it('reports the embedded database, its writable files root and that one process leads, as lines and as JSON', () => {
    const dataDir = tempDir();
    const lines = huiju(['cluster-check'], { HUIJU_DATA_DIR: dataDir });
    expect(lines.code, lines.err).toBe(0);
    expect(lines.out).toMatch(/database: +embedded PostgreSQL \(PGlite\) in .+, version \d+\.\d+, primary \(not in recovery\)/);
    expect(lines.out).toMatch(/replica: +none \(DATABASE_REPLICA_URL not set\)/);
    expect(lines.out).toContain(`storage:    ${path.join(dataDir, 'files')} (local directory), writable`);
    expect(lines.out).toMatch(/\nOK\n?$/);

    const json = huiju(['cluster-check', '--json'], { HUIJU_DATA_DIR: dataDir });
    expect(json.code, json.err).toBe(0);
    const report = JSON.parse(json.out);
    expect(report).toMatchObject({
      process: expect.stringMatching(new RegExp(`^huiju:${os.hostname()}:\\d+$`)),
      database: { kind: 'pglite', location: dataDir, reachable: true, inRecovery: false },
      replica: { configured: false },
      storage: { filesRoot: path.join(dataDir, 'files'), writable: true },
      jobLeader: { mode: 'sole-process', holder: null },
      listener: { mode: 'sole-process', connected: true },
      ok: true,
    });
    // The probe file is gone.
    expect(fs.readdirSync(path.join(dataDir, 'files'))).toEqual([]);
  });

  it('exits 1 naming a files root it cannot write, and a database it cannot reach (password masked)', () => {
    const dataDir = tempDir();
    // A file where the directory should be: not writable whoever runs the check (root included).
    fs.writeFileSync(path.join(dataDir, 'files'), 'not a directory');
    const blocked = huiju(['cluster-check'], { HUIJU_DATA_DIR: dataDir });
    expect(blocked.code).toBe(1);
    expect(blocked.out).toMatch(/storage: +.+files — NOT WRITABLE: /);
    expect(blocked.out).toContain('PROBLEM');

    const down = huiju(['cluster-check', '--json'], { HUIJU_DATA_DIR: tempDir(), DATABASE_URL: 'postgres://huiju:s3cret-pw@127.0.0.1:1/huiju', DATABASE_REPLICA_URL: 'postgres://reader:other-pw@127.0.0.1:2/huiju' });
    expect(down.code).toBe(1);
    expect(down.out).not.toContain('s3cret-pw');
    expect(down.out).not.toContain('other-pw');
    const report = JSON.parse(down.out);
    expect(report.database).toMatchObject({ kind: 'postgresql', location: 'postgres://huiju:****@127.0.0.1:1/huiju', reachable: false, error: expect.stringMatching(/ECONNREFUSED/) });
    expect(report.replica).toMatchObject({ configured: true, url: 'postgres://reader:****@127.0.0.1:2/huiju', reachable: false });
    expect(report.ok).toBe(false);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('huiju cluster-check on a PostgreSQL server', () => {
  it('names the running server as job leader and lists it among the Huiju processes; the replica URL is checked too', async () => {
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    const name = `huiju_cluster_${process.pid}`;
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    const env = { DATABASE_URL: url.toString(), HUIJU_DATA_DIR: tempDir() };
    try {
      const server = await startServer({ ...env, HUIJU_SEED_ROOT: '32', PORT: '0' });
      try {
        const serverName = `huiju:${os.hostname()}:${server.pid}`;
        // The same server as "replica": reachable but not a standby, which the report says.
        const check = huiju(['cluster-check', '--json'], { ...env, DATABASE_REPLICA_URL: url.toString() });
        expect(check.code, check.err).toBe(0);
        const report = JSON.parse(check.out);
        expect(report.database).toMatchObject({ kind: 'postgresql', reachable: true, inRecovery: false, serverVersion: expect.stringMatching(/^\d+\.\d+/) });
        expect(report.replica).toMatchObject({ configured: true, reachable: true, inRecovery: false, replayLagSeconds: null });
        expect(report.jobLeader).toMatchObject({ mode: 'advisory-lock', holder: { applicationName: serverName } });
        expect(report.listener).toMatchObject({ mode: 'listen-notify', connected: true });
        expect(report.listener.roundTripMs).toBeLessThan(5_000);
        const server_ = report.processes.find((p: { applicationName: string }) => p.applicationName === serverName);
        // The server's pool, its cache listener and its job leader's connection.
        expect(server_.connections).toBeGreaterThanOrEqual(2);
        expect(report.processes.find((p: { self: boolean }) => p.self)).toBeDefined();

        const lines = huiju(['cluster-check'], env);
        expect(lines.code, lines.err).toBe(0);
        expect(lines.out).toContain(`job leader: ${serverName} (server pid`);
        expect(lines.out).toMatch(/listener: +channel huiju_invalidate connected \(NOTIFY round trip [\d.]+ ms\)/);
        expect(lines.out).toMatch(/processes: +1 other Huiju process connected/);
        expect(lines.out).toContain(`postgres://${url.username}${url.password ? ':****' : ''}@`);
      } finally {
        await server.stop();
      }
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
