import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * A real PostgreSQL streaming hot standby of the test server (TEST_DATABASE_URL), made the way
 * scripts/with-postgres.sh makes the primary: `pg_basebackup -R` into a throwaway directory, started
 * on a second loopback port, as the huiju-pg user when running as root. Only the PostgreSQL tests
 * use it (decision 020).
 */
export interface Standby {
  port: number;
  /** The standby's URL for a database of the primary. */
  urlFor(database: string): string;
  /** Runs SQL on the standby (e.g. pg_wal_replay_pause()). */
  query(sqlText: string): Promise<pg.QueryResult>;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const pgBin = process.env.PGBIN ?? '/usr/lib/postgresql/15/bin';

export async function startStandby(): Promise<Standby> {
  // The PostgreSQL tests run under scripts/with-postgres.sh, which needs the same binaries.
  if (!fs.existsSync(path.join(pgBin, 'pg_basebackup'))) throw new Error(`startStandby: ${pgBin}/pg_basebackup not found (apt-get install -y postgresql-15, or set PGBIN)`);
  const primaryUrl = new URL(process.env.TEST_DATABASE_URL!);
  const asRoot = process.getuid?.() === 0;
  const runAs = (command: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'huiju-pg', '--', command, ...args]) : run(command, args));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-standby-'));
  fs.chmodSync(dir, 0o755);
  if (asRoot) await run('chown', ['huiju-pg', dir]);
  const data = path.join(dir, 'data');
  const port = 20000 + Math.floor(Math.random() * 20000);
  // A replication slot keeps the WAL the standby has not received yet (e.g. while it starts).
  const slot = `huiju_standby_${process.pid}_${port}`;
  const admin = new pg.Client({ connectionString: primaryUrl.toString() });
  await admin.connect();
  try {
    // A hot standby needs at least the primary's max_connections.
    const maxConnections = (await admin.query('show max_connections')).rows[0].max_connections as string;
    await runAs(path.join(pgBin, 'pg_basebackup'), ['-h', primaryUrl.hostname, '-p', primaryUrl.port, '-U', 'postgres', '-D', data, '-R', '-X', 'stream', '-c', 'fast', '-C', '-S', slot]);
    await runAs(path.join(pgBin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c hot_standby=on -c fsync=off -c max_connections=${maxConnections}`,
      'start',
    ]);
  } catch (error) {
    await admin.query('select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1', [slot]).catch(() => {});
    await admin.end();
    const log = fs.existsSync(path.join(dir, 'server.log')) ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8') : '';
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`standby did not start: ${(error as Error).message}\n${log}`);
  }
  const urlFor = (database: string) => {
    const url = new URL(primaryUrl.toString());
    url.port = String(port);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const query = async (sqlText: string) => {
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    await client.connect();
    try {
      return await client.query(sqlText);
    } finally {
      await client.end();
    }
  };
  let stopping: Promise<void> | undefined;
  return {
    port,
    urlFor,
    query,
    caughtUp: async (timeoutMs = 20_000) => {
      // The insert position, not the write position: with synchronous_commit=off (as in with-postgres.sh)
      // a commit may be inserted but not yet written when this is asked.
      const target = (await admin.query('select pg_current_wal_insert_lsn()::text as lsn')).rows[0].lsn as string;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await query(`select pg_last_wal_replay_lsn() >= '${target}'::pg_lsn as done`);
        if (rows[0].done) return;
        if (Date.now() > deadline) throw new Error(`standby did not replay up to ${target} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: () =>
      (stopping ??= (async () => {
        await runAs(path.join(pgBin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']).catch(() => {});
        fs.rmSync(dir, { recursive: true, force: true });
        // The slot would otherwise keep the primary's WAL forever.
        for (let attempt = 0; attempt < 50; attempt++) {
          await admin.query('select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1 and not active', [slot]);
          const left = await admin.query('select 1 from pg_replication_slots where slot_name = $1', [slot]);
          if (left.rowCount === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await admin.end();
      })()),
  };
}
