import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgres, type DatabaseHandle } from '../../src/server/db/database';
import { huiju, tempDirs } from '../support/cli';
import { drive, faultPeople, freePort, HttpClient, sha256, sleep, startServer, stopServer, SubmissionJob, type ServerProcess } from '../support/fault-harness';
import { issueJiangsuNotice, jiangsuItem } from '../support/jiangsu-scenario';
import { startNginx, type RunningNginx } from '../support/nginx';
import { PrivateCluster, privatePostgresWanted } from '../support/pg-cluster';
import { installTestFieldKeys, testFieldKeys } from '../support/template';

installTestFieldKeys();

/**
 * Issue 10's deployment, for real on loopback: a PostgreSQL primary with a streaming hot standby,
 * two `huiju serve` processes sharing one files directory, Debian's nginx in front of them with
 * the production proxy rules (deploy/nginx/huiju-proxy.conf). A burst of submissions and public
 * reads goes through nginx while one process is killed and restarted.
 */
const tempDir = tempDirs('huiju-cluster-');
const year = 2027;
const items = [jiangsuItem(1, year, 'p1'), jiangsuItem(2, year, 'p2'), jiangsuItem(3, year, 'p3')];
const publicRead = '/api/v1/public/showcase/columns';

/** The China-calendar date `days` from now: the task's deadline. */
const chinaDate = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!privatePostgresWanted)('cluster: PostgreSQL primary + standby, two processes behind nginx', () => {
  it('keeps every acknowledged submission once, sends reminders once, reads public pages from the standby and loses no session while a process is killed', { timeout: 300_000 }, async () => {
    const primary = new PrivateCluster(await freePort(), { primary: true });
    let standby: PrivateCluster | undefined;
    let database: DatabaseHandle | undefined;
    let proxy: RunningNginx | undefined;
    const servers: ServerProcess[] = [];
    try {
      standby = new PrivateCluster(await freePort(), { standbyOf: primary });
      const env = {
        HUIJU_DATA_DIR: tempDir(),
        HUIJU_FIELD_KEYS: testFieldKeys,
        DATABASE_URL: primary.url,
        DATABASE_REPLICA_URL: standby.url,
        HUIJU_TRUST_PROXY: 'true',
      };
      const seeded = huiju(['units', 'seed-regions', '--root', '32'], env);
      expect(seeded.code, seeded.err).toBe(0);
      database = await openPostgres(primary.url, 2);
      const db = database.db;
      const people = await faultPeople(db, 6);

      const ports = [await freePort(), await freePort()];
      for (const port of ports) servers.push(await startServer(env, 60_000, port));
      proxy = await startNginx(await freePort(), ports);

      // The notice goes out through nginx; its task is due in two days, so a reminder is due at once.
      const province = await new HttpClient(proxy.url).signIn(people.province.username, people.province.password);
      const { taskId } = await issueJiangsuNotice(province.asClient(), people.jiangsu.id, { year, deadline: chinaDate(2), documentSerial: 91 });
      const idle = people.contacts.slice(-3);
      const jobs: SubmissionJob[] = [];
      for (const contact of people.contacts.slice(0, -3)) {
        jobs.push(new SubmissionJob(await new HttpClient(proxy.url).signIn(contact.username, contact.password), taskId, contact.unitId, items));
      }

      // The public reads the column through nginx all along.
      let reading = true;
      const reads = { replica: 0, primary: 0, failed: [] as string[] };
      const visitor = new HttpClient(proxy.url);
      const reader = (async () => {
        while (reading) {
          const answer = await visitor.get(publicRead).catch((error: Error) => ({ statusCode: 0, body: error.message, headers: new Headers() }));
          if (answer.statusCode !== 200) reads.failed.push(`${answer.statusCode} ${answer.body.slice(0, 200)}`);
          else if (answer.headers.get('x-huiju-read-source') === 'replica') reads.replica++;
          else reads.primary++;
          await sleep(20);
        }
      })();

      // The burst; one process is killed in the middle of it and comes back on the same port.
      const burst = drive(jobs, 6);
      while (jobs.filter((j) => j.done).length < 3) await sleep(5);
      await stopServer(servers[0]!, 'SIGKILL');
      const acknowledgedAtKill = jobs.filter((j) => j.done).length;
      await sleep(500);
      servers[0] = await startServer(env, 60_000, ports[0]);
      await burst;
      for (let pass = 0; pass < 5 && jobs.some((j) => !j.done); pass++) await drive(jobs, 6);
      reading = false;
      await reader;
      console.log(
        `cluster: process A killed after ${acknowledgedAtKill}/${jobs.length} submissions; ${jobs.reduce((n, j) => n + j.attempts, 0)} attempts in all; public reads: ${reads.replica} from the standby, ${reads.primary} from the primary, ${reads.failed.length} failed`,
      );
      expect(jobs.filter((j) => !j.done).map((j) => j.unitId)).toEqual([]);

      // Every acknowledged submission is there once, with its file, whichever process took it.
      const rows = await db.selectFrom('submissions').select(['id', 'unit_id', 'status']).where('task_id', '=', taskId).execute();
      expect(rows.map((r) => r.unit_id).sort()).toEqual(jobs.map((j) => j.unitId).sort());
      expect(rows.every((r) => r.status === 'submitted')).toBe(true);
      for (const job of jobs) {
        expect(rows.find((r) => r.unit_id === job.unitId)!.id).toBe(job.receipt!.id);
        const replay = await job.submit(job.submitBody);
        expect(replay.statusCode).toBe(200);
        expect(replay.json()).toEqual(job.receipt);
        // Both processes serve the file from the shared directory.
        for (const port of ports) {
          const file = await fetch(`http://127.0.0.1:${port}/api/v1/files/${job.fileId}`, { headers: { cookie: job.client.cookie } });
          expect(file.status).toBe(200);
          expect(sha256(Buffer.from(await file.arrayBuffer()))).toBe(sha256(job.pdf));
        }
      }

      // No session lost: every session signed in through nginx is known to both processes.
      for (const client of [province, ...jobs.map((j) => j.client)]) {
        for (const port of ports) {
          const session = await fetch(`http://127.0.0.1:${port}/api/v1/session`, { headers: { cookie: client.cookie } });
          expect(session.status).toBe(200);
        }
      }
      // Both processes answered through nginx.
      const upstreams = new Set(proxy.accessLog().flatMap((line) => line.split(' ')[3]?.split(', ') ?? []));
      for (const port of ports) expect(upstreams).toContain(`127.0.0.1:${port}`);

      // Public reads never failed, even while a process was killed, and came from the standby.
      expect(reads.failed).toEqual([]);
      expect(reads.replica).toBeGreaterThan(0);
      const standbyClient = new pg.Client({ connectionString: standby.url });
      await standbyClient.connect();
      try {
        await expect
          .poll(async () => Number((await standbyClient.query<{ n: string }>(`select count(*) as n from submissions where task_id = $1 and status = 'submitted'`, [taskId])).rows[0]!.n), { timeout: 15_000 })
          .toBe(jobs.length);
        expect((await standbyClient.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0]!.r).toBe(true);
      } finally {
        await standbyClient.end();
      }
      const read = await visitor.get(publicRead);
      expect(read.statusCode).toBe(200);
      expect(read.headers.get('x-huiju-read-source')).toBe('replica');

      // What an operator sees: the standby in recovery, both processes, one of them leading the jobs.
      const check = huiju(['cluster-check', '--json'], env);
      expect(check.code, check.out + check.err).toBe(0);
      const report = JSON.parse(check.out) as { replica: { inRecovery?: boolean }; processes: { applicationName: string; self: boolean }[]; jobLeader: { holder: { applicationName: string } | null } };
      expect(report.replica.inRecovery).toBe(true);
      const serving = report.processes.filter((p) => !p.self).map((p) => p.applicationName);
      console.log(`cluster-check: ${JSON.stringify(report.processes)} leader ${JSON.stringify(report.jobLeader)}; servers ${servers.map((s) => s.proc.pid).join(', ')}`);
      expect(serving).toEqual(expect.arrayContaining(servers.map((server) => expect.stringMatching(new RegExp(`:${server.proc.pid}$`)))));
      expect(servers.map((s) => `:${s.proc.pid}`).some((pid) => report.jobLeader.holder?.applicationName.endsWith(pid))).toBe(true);

      // Reminders: both processes restart at once (a deploy) and run their reminder round together;
      // each unit that has not submitted gets the due reminder exactly once.
      await Promise.all(servers.map((s) => stopServer(s)));
      servers.splice(0, servers.length, ...(await Promise.all(ports.map((port) => startServer(env, 60_000, port)))));
      const reminders = () => db.selectFrom('reminders').select(['unit_id', 'kind']).where('task_id', '=', taskId).where('auto', '=', true).execute();
      await expect.poll(async () => new Set((await reminders()).map((r) => r.unit_id)).size, { timeout: 20_000 }).toBeGreaterThanOrEqual(idle.length);
      await sleep(2000);
      const sent = await reminders();
      for (const contact of idle) expect(sent.filter((r) => r.unit_id === contact.unitId)).toHaveLength(1);
      const perUnitAndKind = new Set(sent.map((r) => `${r.unit_id}:${r.kind}`));
      expect(perUnitAndKind.size).toBe(sent.length);
      const notices = await db.selectFrom('notifications').select(['unit_id']).where('kind', '=', 'reminder').where('link', '=', `/tasks/${taskId}`).execute();
      expect(notices.length).toBe(sent.length);
    } finally {
      for (const server of servers) await stopServer(server).catch(() => undefined);
      await proxy?.stop();
      await database?.close();
      standby?.remove();
      primary.remove();
    }
  });
});
