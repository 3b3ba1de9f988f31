import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config';
import { openConfiguredDatabase } from '../bootstrap';
import { databaseServerVersion, type Db } from '../db/database';
import { invalidationChannel } from './invalidation';
import { schedulerLockKey } from './job-leader';
import { processApplicationName } from './process-name';

/** What one Huiju process's configuration sees of the deployment (`huiju cluster-check`). */
export interface ClusterReport {
  process: string;
  database: {
    kind: 'pglite' | 'postgresql';
    /** The server's URL with its password masked, or the embedded database's directory. */
    location: string;
    reachable: boolean;
    serverVersion?: string;
    inRecovery?: boolean;
    error?: string;
  };
  replica: {
    configured: boolean;
    url?: string;
    reachable?: boolean;
    inRecovery?: boolean;
    /** Seconds since the last replayed transaction (0 when the standby has replayed all it received). */
    replayLagSeconds?: number | null;
    error?: string;
  };
  storage: { filesRoot: string; writable: boolean; error?: string };
  jobLeader: { mode: 'sole-process' | 'advisory-lock'; holder: { applicationName: string; backendPid: number } | null };
  listener: { channel: string; mode: 'sole-process' | 'listen-notify'; connected: boolean; roundTripMs?: number; error?: string };
  processes: { applicationName: string; connections: number; self: boolean }[];
  ok: boolean;
}

/** The URL with its password replaced by ****, so a report can be pasted anywhere. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return '(not a valid URL)';
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message || error.constructor.name : String(error));

export async function clusterCheck(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<ClusterReport> {
  const kind = config.databaseUrl ? 'postgresql' : 'pglite';
  const report: ClusterReport = {
    process: processApplicationName(),
    database: { kind, location: config.databaseUrl ? maskUrl(config.databaseUrl) : path.resolve(config.dataDir), reachable: false },
    replica: { configured: false },
    storage: checkStorage(path.resolve(config.dataDir, 'files')),
    jobLeader: { mode: kind === 'pglite' ? 'sole-process' : 'advisory-lock', holder: null },
    listener: { channel: invalidationChannel, mode: kind === 'pglite' ? 'sole-process' : 'listen-notify', connected: kind === 'pglite' },
    processes: [],
    ok: false,
  };

  // The replica key may come from the configuration of another change; read the variable itself.
  const replicaUrl = env.DATABASE_REPLICA_URL?.trim();
  if (replicaUrl) report.replica = { configured: true, url: maskUrl(replicaUrl), ...(await checkReplica(replicaUrl)) };

  try {
    const database = await openConfiguredDatabase(config);
    try {
      report.database.serverVersion = await databaseServerVersion(database.db);
      report.database.inRecovery = (await sql<{ r: boolean }>`select pg_is_in_recovery() as r`.execute(database.db)).rows[0]?.r ?? false;
      report.database.reachable = true;
      if (database.url) {
        report.jobLeader.holder = await leaderOf(database.db);
        report.processes = await huijuProcesses(database.db);
        report.listener = { ...report.listener, ...(await listenRoundTrip(database.url)) };
      }
    } finally {
      await database.close();
    }
  } catch (error) {
    report.database.error = message(error);
    if (kind === 'postgresql') report.listener.error = 'the database is unreachable';
  }
  report.ok = report.database.reachable && report.storage.writable;
  return report;
}

function checkStorage(filesRoot: string): ClusterReport['storage'] {
  const probe = path.join(filesRoot, `.cluster-check-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    fs.mkdirSync(filesRoot, { recursive: true });
    fs.writeFileSync(probe, 'huiju cluster-check\n');
    fs.rmSync(probe);
    return { filesRoot, writable: true };
  } catch (error) {
    return { filesRoot, writable: false, error: message(error) };
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: processApplicationName(), connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkReplica(url: string): Promise<Partial<ClusterReport['replica']>> {
  try {
    return await withClient(url, async (client) => {
      const row = (
        await client.query<{ in_recovery: boolean; lag: string | null }>(`
          select pg_is_in_recovery() as in_recovery,
                 case when not pg_is_in_recovery() then null
                      when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                      else extract(epoch from now() - pg_last_xact_replay_timestamp()) end as lag`)
      ).rows[0]!;
      return { reachable: true, inRecovery: row.in_recovery, replayLagSeconds: row.lag === null ? null : Number(row.lag) };
    });
  } catch (error) {
    return { reachable: false, error: message(error) };
  }
}

async function leaderOf(db: Db): Promise<ClusterReport['jobLeader']['holder']> {
  const result = await sql<{ application_name: string; pid: number }>`
    select a.application_name, a.pid from pg_locks l join pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'advisory' and l.classid = 0 and l.objid = ${schedulerLockKey} and l.objsubid = 1 and l.granted
      and l.database = (select oid from pg_database where datname = current_database())`.execute(db);
  const row = result.rows[0];
  return row ? { applicationName: row.application_name, backendPid: row.pid } : null;
}

async function huijuProcesses(db: Db): Promise<ClusterReport['processes']> {
  const result = await sql<{ application_name: string; connections: string }>`
    select application_name, count(*) as connections from pg_stat_activity
    where application_name like 'huiju:%' and datname = current_database()
    group by application_name order by application_name`.execute(db);
  const self = processApplicationName();
  return result.rows.map((r) => ({ applicationName: r.application_name, connections: Number(r.connections), self: r.application_name === self }));
}

/** LISTENs as a process would, then sends itself a NOTIFY through another connection and times it. */
async function listenRoundTrip(url: string): Promise<Partial<ClusterReport['listener']>> {
  try {
    return await withClient(url, async (listener) => {
      const payload = `cluster-check:${randomBytes(6).toString('hex')}`;
      const heard = new Promise<void>((resolve) => {
        listener.on('notification', (n) => {
          if (n.channel === invalidationChannel && n.payload === payload) resolve();
        });
      });
      await listener.query(`listen ${invalidationChannel}`);
      const started = performance.now();
      // Running processes clear their caches once more: harmless, and the very path a write takes.
      await withClient(url, (sender) => sender.query('select pg_notify($1, $2)', [invalidationChannel, payload]));
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000).unref());
      if ((await Promise.race([heard, timeout])) === 'timeout') return { connected: false, error: 'no NOTIFY came back within 5 s' };
      return { connected: true, roundTripMs: Math.round((performance.now() - started) * 10) / 10 };
    });
  } catch (error) {
    return { connected: false, error: message(error) };
  }
}

/** The report as lines for a person. */
export function formatClusterReport(r: ClusterReport): string {
  const lines = [`Huiju cluster check from ${r.process}`];
  const db = r.database;
  const dbName = db.kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${db.location}` : `PostgreSQL server ${db.location}`;
  lines.push(
    db.reachable
      ? `  database:   ${dbName}, version ${db.serverVersion}, ${db.inRecovery ? 'IN RECOVERY (a standby: writes will fail)' : 'primary (not in recovery)'}`
      : `  database:   ${dbName} — UNREACHABLE: ${db.error ?? 'unknown error'}`,
  );
  const rep = r.replica;
  lines.push(
    !rep.configured
      ? '  replica:    none (DATABASE_REPLICA_URL not set)'
      : rep.reachable
        ? `  replica:    ${rep.url}, ${rep.inRecovery ? `standby in recovery, replay lag ${rep.replayLagSeconds === null || rep.replayLagSeconds === undefined ? 'unknown' : `${rep.replayLagSeconds.toFixed(1)} s`}` : 'NOT in recovery (a primary, not a standby)'}`
        : `  replica:    ${rep.url} — UNREACHABLE: ${rep.error ?? 'unknown error'}`,
  );
  lines.push(r.storage.writable ? `  storage:    ${r.storage.filesRoot} (local directory), writable` : `  storage:    ${r.storage.filesRoot} — NOT WRITABLE: ${r.storage.error}`);
  lines.push(
    r.jobLeader.mode === 'sole-process'
      ? '  job leader: the one process holding the embedded database runs the scheduled jobs'
      : r.jobLeader.holder
        ? `  job leader: ${r.jobLeader.holder.applicationName} (server pid ${r.jobLeader.holder.backendPid}) holds the scheduler lock`
        : '  job leader: none holds the scheduler lock (no Huiju server running, or none has ticked yet)',
  );
  lines.push(
    r.listener.mode === 'sole-process'
      ? `  listener:   not needed on the embedded database (one process)`
      : r.listener.connected
        ? `  listener:   channel ${r.listener.channel} connected (NOTIFY round trip ${r.listener.roundTripMs} ms)`
        : `  listener:   channel ${r.listener.channel} NOT connected: ${r.listener.error ?? 'unknown error'}`,
  );
  if (db.kind === 'postgresql' && db.reachable) {
    const others = r.processes.filter((p) => !p.self);
    lines.push(`  processes:  ${others.length} other Huiju process${others.length === 1 ? '' : 'es'} connected`);
    for (const p of r.processes) lines.push(`    ${p.applicationName}  ${p.connections} connection${p.connections === 1 ? '' : 's'}${p.self ? '  (this check)' : ''}`);
  }
  lines.push(r.ok ? 'OK' : 'PROBLEM: see the lines in capitals above');
  return lines.join('\n');
}
