import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openPostgres, type DatabaseHandle } from '../../src/server/db/database';
import { createUser, defaultTestPassword, rootUnit } from '../support/factories';
import { jiangsuScenario } from '../support/jiangsu-scenario';
import { startStandby, type Standby } from '../support/standby';
import { anonymous, createTestApp, signIn, type Client, type TestApp } from '../support/test-app';
import { createTestDatabase, testDatabaseKind } from '../support/test-database';

/**
 * Read replica routing (decision 020). On PostgreSQL against a real streaming hot standby of the
 * test server: public showcase and statistics reads are answered by the standby, a client that
 * just wrote reads the primary, a lagging, unreachable or lost standby gives way to the primary.
 * Replay is paused on the standby to make the two databases visibly different.
 */
const onPostgres = testDatabaseKind() === 'postgres';

const cookieOf = (setCookie: string | string[] | undefined, name: string) =>
  ([] as string[]).concat(setCookie ?? []).find((c) => c.startsWith(`${name}=`));
const health = async (t: TestApp) => (await t.app.inject({ method: 'GET', url: '/api/health' })).json().reads;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(!onPostgres)('without a replica (embedded database)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('answers routed reads from the primary, says so, counts them and sets no read-your-writes cookie', async () => {
    const before = (await health(t)).readsFromPrimary as number;
    const columns = await anonymous(t.app).get('/api/v1/public/showcase/columns');
    expect(columns.statusCode).toBe(200);
    expect(columns.headers['x-huiju-read-source']).toBe('primary');
    const after = await health(t);
    expect(after).toMatchObject({ replica: 'none', readsFromReplica: 0, readsFromPrimary: before + 1 });
    // Without a replica a successful write needs no read-your-writes window.
    const user = await createUser(t.db, (await rootUnit(t.db)).id, ['contact']);
    const session = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: user.username, password: defaultTestPassword } });
    expect(session.statusCode).toBe(200);
    expect(cookieOf(session.headers['set-cookie'], 'huiju_session')).toBeDefined();
    expect(cookieOf(session.headers['set-cookie'], 'huiju_primary_until')).toBeUndefined();
    // A read that is not routed (signed in, not statistics) carries no header.
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: cookieOf(session.headers['set-cookie'], 'huiju_session')!.split(';')[0]! } });
    expect(me.statusCode).toBe(200);
    expect(me.headers['x-huiju-read-source']).toBeUndefined();
  });
});

describe.runIf(onPostgres)('with a streaming hot standby', () => {
  let primary: DatabaseHandle;
  let standby: Standby;
  let replica: DatabaseHandle;
  let t: TestApp;
  let province: Client;
  let jiangsuId = 0;
  let campaign: Record<string, unknown> & { id: number; version: number };
  const extraHandles: DatabaseHandle[] = [];
  const extraApps: TestApp[] = [];
  const column = () => `/api/v1/public/showcase/${jiangsuId}/2021`;
  const themeOf = async (client: Client, headers: Record<string, string> = {}) => {
    const response = await client.request({ method: 'GET', url: column(), headers });
    expect(response.statusCode).toBe(200);
    return { theme: response.json().theme as string, source: response.headers['x-huiju-read-source'] };
  };

  beforeAll(async () => {
    primary = await createTestDatabase();
    const name = (await sql<{ name: string }>`select current_database() as name`.execute(primary.db)).rows[0]!.name;
    const started = Date.now();
    standby = await startStandby();
    console.log(`read-replica: standby made by pg_basebackup and started in ${Date.now() - started} ms`);
    replica = openPostgres(standby.urlFor(name), 3, { connectTimeoutMs: 2000 });
    // Public answers are not kept in memory here: each request shows where it was read.
    t = await createTestApp({ database: primary, replicaDb: replica.db, replicaCheckIntervalMs: 0, env: { HUIJU_PUBLIC_CACHE_SECONDS: '0', HUIJU_REPLICA_MAX_LAG_SECONDS: '3600' } });
    const s = await jiangsuScenario(primary.db);
    jiangsuId = s.jiangsu.id;
    province = await signIn(t.app, s.people.province.username, s.people.province.password);
    const template = (await province.post('/api/v1/campaigns/template', { unitId: jiangsuId, year: 2021 })).json() as Record<string, unknown>;
    const created = await province.post('/api/v1/campaigns', { ...template, theme: '众心向党，自立自强' });
    expect(created.statusCode).toBe(201);
    campaign = created.json();
    await standby.caughtUp();
    await t.app.reads.checkNow();
  }, 120_000);

  afterAll(async () => {
    for (const app of extraApps) await app.app.close();
    for (const handle of extraHandles) await handle.close();
    await t?.close();
    await replica?.close();
    await standby?.stop();
  });

  it('treats an idle, caught-up standby as not lagging although its last replayed transaction ages', async () => {
    await sleep(1200);
    // Other test files writing to the same server may keep WAL flowing: a few checks find a moment
    // with everything received replayed.
    let reads = await health(t);
    for (let i = 0; i < 40 && reads.lagSeconds !== 0; i++) {
      await sleep(50);
      await t.app.reads.checkNow();
      reads = await health(t);
    }
    // Exactly 0 comes only from the received = replayed rule: now() - the last replay time is never 0.
    expect(reads).toMatchObject({ replica: 'healthy', lagSeconds: 0 });
  });

  it('answers public reads from the standby: a row changed on the primary alone is not seen', async () => {
    await standby.query('select pg_wal_replay_pause()');
    await primary.db.updateTable('campaigns').set({ theme: '只在主库' }).where('id', '=', campaign.id).execute();
    const before = await health(t);
    const visitor = await themeOf(anonymous(t.app));
    expect(visitor).toEqual({ theme: '众心向党，自立自强', source: 'replica' });
    const after = await health(t);
    expect(after.readsFromReplica).toBe(before.readsFromReplica + 1);
    expect(after.readsFromPrimary).toBe(before.readsFromPrimary);
    await primary.db.updateTable('campaigns').set({ theme: '众心向党，自立自强' }).where('id', '=', campaign.id).execute();
  });

  it('lets a client read its own write from the primary while the standby has not replayed it', async () => {
    const { id, version, ordinal, modules, phases, targetGroups, keyDates } = campaign;
    const updated = await province.put(`/api/v1/campaigns/${id}`, { ordinal, theme: '创新争先，自立自强', modules, phases, targetGroups, keyDates, version });
    expect(updated.statusCode).toBe(200);
    const cookie = cookieOf(updated.headers['set-cookie'], 'huiju_primary_until');
    expect(cookie).toMatch(/^huiju_primary_until=\d+; Max-Age=3602; Path=\/; HttpOnly; SameSite=Lax$/);
    const until = Number(cookie!.split(';')[0]!.split('=')[1]);
    expect(until).toBeGreaterThan(Date.now() + 3_590_000);

    // The writer (its cookie sent back) sees its write; a visitor still reads the standby's older row.
    expect(await themeOf(anonymous(t.app), { cookie: cookie!.split(';')[0]! })).toEqual({ theme: '创新争先，自立自强', source: 'primary' });
    expect(await themeOf(anonymous(t.app))).toEqual({ theme: '众心向党，自立自强', source: 'replica' });
    // An expired window reads the standby again.
    expect((await themeOf(anonymous(t.app), { cookie: `huiju_primary_until=${Date.now() - 1}` })).source).toBe('replica');

    await standby.query('select pg_wal_replay_resume()');
    await standby.caughtUp();
    expect(await themeOf(anonymous(t.app))).toEqual({ theme: '创新争先，自立自强', source: 'replica' });
  });

  it('answers staff statistics from the standby, and from the primary right after their write', async () => {
    const stats = await province.get(`/api/v1/campaigns/${campaign.id}/statistics`);
    expect(stats.statusCode).toBe(200);
    expect(stats.headers['x-huiju-read-source']).toBe('replica');
    const write = await province.post('/api/v1/campaigns/template', { unitId: jiangsuId, year: 2022 });
    const cookie = cookieOf(write.headers['set-cookie'], 'huiju_primary_until')!.split(';')[0]!;
    const after = await province.request({ method: 'GET', url: `/api/v1/campaigns/${campaign.id}/overview`, headers: { cookie: `${province.cookie}; ${cookie}` } });
    expect(after.statusCode).toBe(200);
    expect(after.headers['x-huiju-read-source']).toBe('primary');
    // Signed-in work other than statistics stays on the primary and is not labelled.
    const own = await province.get(`/api/v1/campaigns/${campaign.id}`);
    expect(own.statusCode).toBe(200);
    expect(own.headers['x-huiju-read-source']).toBeUndefined();
  });

  it('passes over a standby lagging more than the maximum, and takes it back once caught up', async () => {
    const lagged = await createTestApp({
      database: { ...primary, close: async () => {} },
      replicaDb: replica.db,
      replicaCheckIntervalMs: 0,
      env: { HUIJU_PUBLIC_CACHE_SECONDS: '0', HUIJU_REPLICA_MAX_LAG_SECONDS: '1' },
    });
    extraApps.push(lagged);
    await lagged.app.reads.checkNow();
    expect((await health(lagged)).replica).toBe('healthy');

    await standby.query('select pg_wal_replay_pause()');
    await sleep(1500);
    await primary.db.updateTable('campaigns').set({ theme: '滞后期间写入' }).where('id', '=', campaign.id).execute();
    // The standby has received the change but not replayed it.
    for (let i = 0; ; i++) {
      const { rows } = await standby.query('select pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn() as behind');
      if (rows[0].behind) break;
      if (i > 200) throw new Error('the standby did not receive the change');
      await sleep(25);
    }
    await lagged.app.reads.checkNow();
    const reads = await health(lagged);
    expect(reads.replica).toBe('lagging');
    expect(reads.lagSeconds).toBeGreaterThan(1);
    expect(await themeOf(anonymous(lagged.app))).toEqual({ theme: '滞后期间写入', source: 'primary' });

    await standby.query('select pg_wal_replay_resume()');
    await standby.caughtUp();
    await lagged.app.reads.checkNow();
    expect((await health(lagged)).replica).toBe('healthy');
    expect(await themeOf(anonymous(lagged.app))).toEqual({ theme: '滞后期间写入', source: 'replica' });
  });

  it('runs on the primary a routed read the standby refuses, leaving the standby in use', async () => {
    await t.app.reads.checkNow();
    const before = await health(t);
    // nextval() writes: a hot standby refuses it (25006, read-only), the primary answers.
    const { value, source } = await t.app.reads.run('replica', async (db) => (await sql<{ n: string }>`select nextval(pg_get_serial_sequence('campaigns', 'id'))::text as n`.execute(db)).rows[0]!.n);
    expect(source).toBe('primary');
    expect(Number(value)).toBeGreaterThan(0);
    expect(await health(t)).toMatchObject({ replica: 'healthy', replicaFallbacks: before.replicaFallbacks + 1 });
  });

  it('serves reads from the primary when the replica is unreachable, without a 5xx', async () => {
    const unreachable = openPostgres('postgres://postgres@127.0.0.1:1/huiju', 2, { connectTimeoutMs: 2000 });
    extraHandles.push(unreachable);
    const logs = new PassThrough();
    const lines: string[] = [];
    logs.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const app = await createTestApp({ database: { ...primary, close: async () => {} }, replicaDb: unreachable.db, replicaCheckIntervalMs: 0, logStream: logs, env: { HUIJU_PUBLIC_CACHE_SECONDS: '0' } });
    extraApps.push(app);
    await app.app.reads.checkNow();
    expect((await health(app)).replica).toBe('down');
    const read = await themeOf(anonymous(app.app));
    expect(read.source).toBe('primary');
    // The loss is logged once, not per check or per request.
    await app.app.reads.checkNow();
    await themeOf(anonymous(app.app));
    const warnings = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40 && l.msg.startsWith('read replica'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/^read replica down: public and statistics reads go to the primary \(.*ECONNREFUSED/);
    // Statistics too, for a session opened through the other app (sessions live in the database).
    const stats = await app.app.inject({ method: 'GET', url: `/api/v1/campaigns/${campaign.id}/statistics`, headers: { cookie: province.cookie } });
    expect(stats.statusCode).toBe(200);
    expect(stats.headers['x-huiju-read-source']).toBe('primary');
  });

  it('names the read-your-writes cookie __Host- and marks it Secure under the session cookie\'s rule', async () => {
    const app = await createTestApp({ database: { ...primary, close: async () => {} }, replicaDb: replica.db, replicaCheckIntervalMs: 0, env: { HUIJU_SECURE_COOKIES: 'true' } });
    extraApps.push(app);
    const user = await createUser(primary.db, jiangsuId, ['contact']);
    const session = await app.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: user.username, password: defaultTestPassword } });
    expect(session.statusCode).toBe(200);
    expect(cookieOf(session.headers['set-cookie'], '__Host-huiju_primary_until')).toMatch(/^__Host-huiju_primary_until=\d+; Max-Age=7; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(cookieOf(session.headers['set-cookie'], 'huiju_primary_until')).toBeUndefined();
  });

  it('retries on the primary a read that loses the standby between two checks', async () => {
    await t.app.reads.checkNow();
    expect((await health(t)).replica).toBe('healthy');
    await standby.stop();
    const before = await health(t);
    const read = await themeOf(anonymous(t.app));
    expect(read.source).toBe('primary');
    const after = await health(t);
    expect(after).toMatchObject({ replica: 'down', replicaFallbacks: before.replicaFallbacks + 1, readsFromPrimary: before.readsFromPrimary + 1 });
    // The next reads go straight to the primary until a check finds the standby again.
    expect((await themeOf(anonymous(t.app))).source).toBe('primary');
    expect((await health(t)).replicaFallbacks).toBe(after.replicaFallbacks);
  });
});
