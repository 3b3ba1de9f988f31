import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { CacheInvalidation } from '../../src/server/cluster/invalidation';
import { JobLeader, schedulerLockKey } from '../../src/server/cluster/job-leader';
import { processApplicationName } from '../../src/server/cluster/process-name';
import { openPostgres, type DatabaseHandle, type Db } from '../../src/server/db/database';
import { PublicAnswerCache } from '../../src/server/features/showcase/public-cache';
import { runAutomaticReminders, startReminderScheduler } from '../../src/server/features/supervision/service';
import { demandLimits } from '../../src/server/features/demands/routes';
import { purgeRateLimitWindows } from '../../src/server/rate-limit';
import { sealRow } from '../../src/server/crypto/personal-data';
import { createUser, regionalUnit } from '../support/factories';
import { showcaseScenario } from '../support/showcase-scenario';
import { anonymous, createTestApp, signIn, type TestApp } from '../support/test-app';

/**
 * Several Huiju processes on one database (issue 10, decision 019), played by two app instances
 * in this test process, each with its own connection pool (on PGlite both share the one embedded
 * instance, which a single process holds in production).
 */
const onPostgres = process.env.HUIJU_TEST_DB === 'postgres';

let a: TestApp;
let b: FastifyInstance;
let second: DatabaseHandle | undefined;
let dbB: Db;

beforeAll(async () => {
  // A public answer may be kept a whole minute: only the cross-process clear can explain a fresh one.
  a = await createTestApp({ env: { HUIJU_PUBLIC_CACHE_SECONDS: '60', HUIJU_COMPLETION_CACHE_SECONDS: '60' } });
  second = a.ctx.databaseUrl ? openPostgres(a.ctx.databaseUrl, 5) : undefined;
  dbB = second?.db ?? a.db;
  b = await buildApp({ ...a.ctx, db: dbB }, { serveWeb: false });
});
afterAll(async () => {
  await b?.close();
  await second?.close();
  await a?.close();
});

describe('rate limits shared by every process', () => {
  it('counts one address across both processes, then restarts the window and purges ended ones', async () => {
    const ip = '203.0.113.77';
    const lookup = (app: FastifyInstance, remoteAddress = ip) => app.inject({ method: 'GET', url: '/api/v1/public/demands/ABCDEFGHJKMNPQRS', remoteAddress });
    for (let i = 0; i < demandLimits.lookup; i++) expect((await lookup(i % 2 === 0 ? a.app : b)).statusCode).toBe(404);
    // The limit was reached across the two: either one now refuses, whichever answers.
    for (const app of [a.app, b]) {
      const refused = await lookup(app);
      expect(refused.statusCode).toBe(429);
      expect(refused.json().code).toBe('rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(demandLimits.windowMs / 1000 - 60);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(demandLimits.windowMs / 1000);
    }
    // Another address, or another form from this one, counts on its own.
    expect((await lookup(b, '203.0.113.78')).statusCode).toBe(404);
    const row = await a.db.selectFrom('rate_limit_windows').select(['hits']).where('key', '=', `demand.lookup:${ip}`).executeTakeFirstOrThrow();
    expect(row.hits).toBe(demandLimits.lookup + 2);

    // The window ends (moved into the past): the next hit starts a new one at 1.
    await a.db.updateTable('rate_limit_windows').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('key', '=', `demand.lookup:${ip}`).execute();
    expect((await lookup(b)).statusCode).toBe(404);
    expect((await a.db.selectFrom('rate_limit_windows').select('hits').where('key', '=', `demand.lookup:${ip}`).executeTakeFirstOrThrow()).hits).toBe(1);

    // Ended windows go; running ones stay.
    await a.db.updateTable('rate_limit_windows').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('key', '=', 'demand.lookup:203.0.113.78').execute();
    expect(await purgeRateLimitWindows(a.db)).toBe(1);
    expect((await a.db.selectFrom('rate_limit_windows').select('key').execute()).map((r) => r.key)).toEqual([`demand.lookup:${ip}`]);
  });

  it('shares the sign-in limits too: failures through one process lock the account for the other', async () => {
    const jiangsu = await regionalUnit(a.db, '32');
    const user = await createUser(a.db, jiangsu.id, ['contact']);
    for (let i = 0; i < 5; i++) {
      const app = i % 2 === 0 ? a.app : b;
      const wrong = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: user.username, password: 'Wrong@Pass2026' }, remoteAddress: '198.51.100.9' });
      // The fifth failure, counted across the two processes, locks the account.
      expect(wrong.statusCode).toBe(i < 4 ? 401 : 423);
    }
    // Whichever process is asked next, the right password meets the lock.
    const locked = await b.inject({ method: 'POST', url: '/api/v1/session', payload: { username: user.username, password: user.password }, remoteAddress: '198.51.100.9' });
    expect(locked.statusCode).not.toBe(200);
    expect(locked.json().code).toBe('account_locked');
  });
});

describe.runIf(onPostgres)('cache invalidation across processes (PostgreSQL LISTEN/NOTIFY)', () => {
  it('shows an approval made through one process at the next public read of the other, long before the cache would expire', async () => {
    const sc = await showcaseScenario(a.app, a.db);
    const column = `/api/v1/public/showcase/${sc.s.jiangsu.id}/${sc.year}/activities`;
    const activityId = sc.activities.nanjing[0]!;
    const asked = await sc.clients.nanjing.put(`/api/v1/showcase/activities/${activityId}/publication`, {
      description: '南京科技馆举办“百年回望”科普宣传周，院士专家与市民面对面，展出百年科技成就图片两百余幅。',
    });
    expect(asked.statusCode, asked.body).toBe(200);
    const pubB = anonymous(b);
    // B keeps its answer for 60 s (a read overlapping the clear of A's last write is not kept: read again).
    await expect
      .poll(async () => {
        expect((await pubB.get(column)).json().total).toBe(0);
        return b.publicCache.size;
      })
      .toBeGreaterThan(0);
    const received = b.cacheInvalidation.received;

    // An approval through A shows there at once.
    const approved = await sc.clients.province.post(`/api/v1/showcase/publications/${asked.json().id}/approve`, { version: asked.json().version });
    expect(approved.statusCode, approved.body).toBe(200);
    const started = Date.now();
    await expect.poll(async () => (await pubB.get(column)).json().total, { timeout: 5_000, interval: 20 }).toBe(1);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(5_000);
    expect(b.cacheInvalidation.received).toBeGreaterThan(received);
    // A ignores its own notification (it cleared before answering).
    expect(a.app.cacheInvalidation.received).toBe(0);
    console.log(`cross-process invalidation: B's public read showed A's approval ${elapsed} ms after A answered`);
  });

  it('serves nothing from memory while the listener is down, and starts empty once it is back', async () => {
    const cache = new PublicAnswerCache(60_000);
    const invalidation = new CacheInvalidation({ db: dbB, url: a.ctx.databaseUrl, caches: [cache], minBackoffMs: 1_500, maxBackoffMs: 1_500 });
    // Until LISTEN is in place, nothing is kept.
    cache.set('k', { payload: 'old', etag: '"1"', contentType: 'text/plain' });
    expect(cache.get('k')).toBeUndefined();
    await invalidation.start();
    try {
      expect(invalidation.connected).toBe(true);
      cache.set('k', { payload: 'old', etag: '"1"', contentType: 'text/plain' });
      expect(cache.get('k')?.payload).toBe('old');
      const pid = invalidation.listenerPid!;
      const row = await sql<{ application_name: string }>`select application_name from pg_stat_activity where pid = ${pid}`.execute(a.db);
      expect(row.rows[0]?.application_name).toBe(processApplicationName());

      await sql`select pg_terminate_backend(${pid})`.execute(a.db);
      await expect.poll(() => invalidation.connected, { timeout: 5_000, interval: 10 }).toBe(false);
      // Down: a NOTIFY now would be missed, so the cache neither answers nor keeps anything.
      expect(cache.get('k')).toBeUndefined();
      cache.set('k2', { payload: 'during', etag: '"2"', contentType: 'text/plain' });
      expect(cache.get('k2')).toBeUndefined();

      await expect.poll(() => invalidation.connected, { timeout: 10_000, interval: 50 }).toBe(true);
      expect(invalidation.listenerPid).not.toBe(pid);
      expect(cache.size).toBe(0);
      cache.set('k', { payload: 'new', etag: '"3"', contentType: 'text/plain' });
      expect(cache.get('k')?.payload).toBe('new');
      // And a notification from elsewhere clears it again.
      await sql`select pg_notify('huiju_invalidate', 'another-process')`.execute(a.db);
      await expect.poll(() => cache.get('k'), { timeout: 5_000, interval: 10 }).toBeUndefined();
    } finally {
      await invalidation.close();
    }
  });
});

describe('scheduled jobs across processes', () => {
  let taskId: number;
  let cityIds: number[];
  let deadline: Date;

  beforeAll(async () => {
    const jiangsu = await regionalUnit(a.db, '32');
    const manager = await createUser(a.db, jiangsu.id, ['campaign_manager']);
    const province = await signIn(a.app, manager.username, manager.password);
    const cities = await a.db.selectFrom('units').select(['id', 'region_code']).where('parent_id', '=', jiangsu.id).where('type', '=', 'regional_association').execute();
    for (const city of cities) await a.db.updateTable('units').set(sealRow('units', { contact_email: `kx${city.region_code}@example.cn` })).where('id', '=', city.id).execute();
    cityIds = cities.map((c) => c.id);
    const draft = await province.post('/api/v1/notices', {
      issuerUnitId: jiangsu.id,
      documentNumber: '苏科协发〔2027〕77号',
      title: '关于报送2027年活动总结的通知',
      addresseeRules: [{ kind: 'units_of_type', unitType: 'regional_association', level: 'city', scope: 'children' }],
      tasks: [{ title: '报送本地区活动总结', deadline: '2027-06-12' }],
    });
    const issued = await province.post(`/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
    expect(issued.statusCode, issued.body).toBe(200);
    taskId = issued.json().tasks[0].id;
    deadline = new Date(Date.now() + 3 * 86_400_000);
    await a.db.updateTable('collection_tasks').set({ deadline }).where('id', '=', taskId).execute();
  });

  const counts = async (kind: string) => ({
    reminders: (await a.db.selectFrom('reminders').select('unit_id').where('task_id', '=', taskId).where('kind', '=', kind).execute()).map((r) => r.unit_id).sort(),
    notifications: Number(
      (await a.db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).where('link', '=', `/tasks/${taskId}`).where('kind', '=', 'reminder').executeTakeFirstOrThrow()).n,
    ),
    mails: Number(
      (
        await a.db
          .selectFrom('mail_outbox')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where(
            'dedupe_key',
            'in',
            a.db.selectFrom('reminders').select(sql<string>`'reminder:' || id`.as('k')).where('task_id', '=', taskId).where('kind', '=', kind),
          )
          .executeTakeFirstOrThrow()
      ).n,
    ),
  });

  it('sends each reminder once when two processes run the round at the same moment, even without a leader', async () => {
    const due = new Date(deadline.getTime() - 2.5 * 86_400_000);
    const [first, again] = await Promise.all([runAutomaticReminders(a.db, due, 'http://localhost'), runAutomaticReminders(dbB, due, 'http://localhost')]);
    expect(first + again).toBe(cityIds.length);
    const seen = await counts('before_3d');
    expect(seen.reminders).toEqual([...cityIds].sort());
    expect(seen.notifications).toBe(cityIds.length);
    expect(seen.mails).toBe(cityIds.length);
  });

  it.runIf(onPostgres)('lets one process lead the schedulers: racing ticks send each reminder once, and another takes over when the leader goes', async () => {
    const url = a.ctx.databaseUrl!;
    const leaderA = new JobLeader(url);
    const leaderB = new JobLeader(url);
    try {
      const due = new Date(deadline.getTime() - 0.5 * 86_400_000);
      const options = { intervalMs: 3_600_000, now: () => due };
      const schedulers = [startReminderScheduler(a.db, 'http://localhost', () => {}, { ...options, leader: leaderA }), startReminderScheduler(dbB, 'http://localhost', () => {}, { ...options, leader: leaderB })];
      await Promise.all(schedulers.map((s) => s.settled()));
      await Promise.all(schedulers.map((s) => s.stop()));
      const seen = await counts('before_1d');
      expect(seen.reminders).toEqual([...cityIds].sort());
      expect(seen.mails).toBe(cityIds.length);
      expect(seen.notifications).toBe(2 * cityIds.length);

      // Exactly one leads, and pg_locks with pg_stat_activity names it.
      const leads = [await leaderA.isLeader(), await leaderB.isLeader()];
      expect(leads.filter(Boolean)).toHaveLength(1);
      const holder = await sql<{ application_name: string }>`
        select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.classid = 0 and l.objid = ${schedulerLockKey} and l.objsubid = 1 and l.granted
          and l.database = (select oid from pg_database where datname = current_database())`.execute(a.db);
      expect(holder.rows.map((r) => r.application_name)).toEqual([processApplicationName()]);

      // The leader stops (or dies): the other takes over at its next round.
      const [leading, waiting] = leads[0] ? [leaderA, leaderB] : [leaderB, leaderA];
      await leading.close();
      expect(await waiting.isLeader()).toBe(true);
    } finally {
      await leaderA.close();
      await leaderB.close();
    }
  });
});
