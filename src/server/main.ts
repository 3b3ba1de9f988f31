import type { FastifyInstance } from 'fastify';
import { openFileStore } from './storage/open-file-store';
import type { Config } from './config';
import { buildApp } from './app';
import { loadFieldKeysFor } from './crypto/field-keys';
import { migrate } from './db/migrate';
import { huijuVersion, openConfiguredDatabase, prepareDatabase } from './bootstrap';
import { openPostgres, type DatabaseHandle } from './db/database';
import { deleteExpiredSessions } from './features/accounts/repository';
import { committedStorageKeys } from './features/files/service';
import { startMailWorker } from './jobs/mail-delivery';
import { startReminderScheduler } from './features/supervision/service';
import { startDemandScheduler } from './features/demands/service';
import { JobLeader, soleProcess } from './cluster/job-leader';
import { purgeRateLimitWindows } from './rate-limit';
import { assertTotpKeysConfigured } from './features/accounts/totp-keys';

/** Starts Huiju: opens and prepares the database, builds the app, listens, prints how to sign in. */
export async function serve(config: Config): Promise<{ app: FastifyInstance; stop: () => Promise<void> }> {
  const database = await openConfiguredDatabase(config);
  // The replica is opened lazily by its pool: an unreachable standby does not stop the start-up,
  // its reads go to the primary until the lag check finds it (decision 020).
  const replica: DatabaseHandle | undefined = config.replicaUrl ? openPostgres(config.replicaUrl, config.databasePoolSize, { connectTimeoutMs: 2000 }) : undefined;
  let app: FastifyInstance | undefined;
  try {
    // Keys before anything reads personal data; the check needs the schema, hence migrate first.
    await migrate(database.db);
    const keys = await loadFieldKeysFor(config, database.db);
    const prepared = await prepareDatabase(database.db, config);
    await assertTotpKeysConfigured(database.db, config.totpKey);
    const files = await openFileStore(config);
    // Uploads cut short by a crash: the embedded database locks the data directory, so nobody else
    // is uploading and every leftover goes at once; on a server other processes may share the store.
    await files.recover((keys) => committedStorageKeys(database.db, keys), database.kind === 'pglite' ? 0 : 60 * 60_000);
    app = await buildApp(
      { db: database.db, databaseKind: database.kind, config, version: huijuVersion, files, databaseUrl: database.url, ...(replica ? { replicaDb: replica.db } : {}) },
      { logger: config.logLevel !== 'silent' },
    );
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    printWelcome(config, database.kind, port, prepared, keys.source, files.location);
  } catch (error) {
    await app?.close();
    await replica?.close();
    await database.close();
    throw error;
  }

  const log = (message: string) => app!.log.warn(message);
  // On a PostgreSQL server other Huiju processes may run the same rounds: one of them leads.
  const jobLeader = database.url ? new JobLeader(database.url, (message) => app!.log.info(message)) : undefined;
  const leader = jobLeader ?? soleProcess;
  const mail = startMailWorker(database.db, config, log, leader);
  const reminders = startReminderScheduler(database.db, config.publicUrl ?? `http://localhost:${config.port}`, log, { leader });
  const escalations = startDemandScheduler(database.db, config.publicUrl ?? `http://localhost:${config.port}`, log, { leader });
  const sweep = setInterval(() => {
    leader
      .isLeader()
      .then(async (leads) => {
        if (!leads) return;
        await deleteExpiredSessions(database.db, config.sessionIdleMinutes);
        await purgeRateLimitWindows(database.db);
      })
      .catch(() => {});
  }, 10 * 60_000);
  sweep.unref();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(sweep);
      await reminders.stop();
      await escalations.stop();
      await mail.stop();
      await jobLeader?.close();
      await app!.close();
      await replica?.close();
      await database.close();
    })());
  return { app, stop };
}

function printWelcome(config: Config, kind: string, port: number, prepared: Awaited<ReturnType<typeof prepareDatabase>>, keySource: string, filesAt: string) {
  const url = config.publicUrl ?? `http://localhost:${port}`;
  const lines = [
    '',
    `  汇聚 Huiju ${huijuVersion} is running at ${url}`,
    `  Database: ${kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : 'PostgreSQL server (DATABASE_URL)'}${config.replicaUrl ? `; public and statistics reads from the replica (DATABASE_REPLICA_URL) while it lags at most ${config.replicaMaxLagSeconds} s` : ''}`,
    `  Files: ${filesAt}`,
    `  API docs: ${url}/api/docs`,
    keySource === 'HUIJU_FIELD_KEYS'
      ? '  Personal data sealed with the keys of HUIJU_FIELD_KEYS.'
      : `  Personal data sealed with the key file ${keySource}: for production, set HUIJU_FIELD_KEYS from outside the data directory.`,
  ];
  if (prepared.unitsSeeded > 0) lines.push(`  Loaded ${prepared.unitsSeeded} units of the 科协 hierarchy (GB/T 2260).`);
  const labels = { system_admin: 'System administrator', security_admin: 'Security administrator (安全保密管理员)', audit_admin: 'Audit administrator (安全审计员)' };
  for (const admin of prepared.administrators) {
    lines.push('', `  ${labels[admin.role]} created. Sign in with:`, `    user name: ${admin.username}`);
    lines.push(
      admin.password
        ? `    password:  ${admin.password}   (shown only this once; you will be asked to change it)`
        : '    password:  the value of HUIJU_ADMIN_PASSWORD',
    );
  }
  if (prepared.administrators.length > 0) {
    lines.push('', '  Administrators sign in with a second factor: at the first sign-in in the browser, scan the QR code', '  with an authenticator app (e.g. Microsoft/Google Authenticator) and confirm a 6-digit code.');
  } else {
    lines.push(`  Sign in as ${config.adminUsername} with the password set on first start (and your authenticator app's code).`);
  }
  console.log(`${lines.join('\n')}\n`);
}
