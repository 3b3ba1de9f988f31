import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as supervision from '../../src/server/features/supervision/service';
import { CompletionRowsCache } from '../../src/server/features/supervision/completion-cache';
import type { CompletionRow } from '../../src/server/features/supervision/repository';
import type { Actor } from '../../src/shared/domain/access';
import { createUser, regionalUnit } from '../support/factories';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

/**
 * Issue 8, W3: collectors watch a task's completion as a rollup (per province, per city within a
 * province). The rows behind it are read once and shared for a moment; these tests prove the
 * figures stay exactly those of a recomputation, that concurrent requests share one read, and
 * that writes show: at once through the server, within the cache's lifetime behind its back.
 */
let t: TestApp;
let province: Client;
let manager: Actor;
let taskId: number;
let nanjingTaskId: number;
let nanjingId: number;
const cities: { id: number; name: string; client?: Client }[] = [];
const districts: { id: number; client: Client }[] = [];
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1000, 0x20), Buffer.from('\n%%EOF\n')]);

async function submit(client: Client, task: number) {
  const boundary = '----huiju-rollup';
  const upload = await client.request({
    method: 'POST',
    url: `/api/v1/collection-tasks/${task}/files?field=files`,
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="方案.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      pdf,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  const saved = await client.put(`/api/v1/collection-tasks/${task}/submission`, { values: { fields: { files: [{ fileId: upload.json().id, name: '方案.pdf' }] }, items: [] } });
  const submitted = await client.post(`/api/v1/collection-tasks/${task}/submission/submit`, { version: saved.json().version });
  expect(submitted.statusCode, submitted.body).toBe(200);
}

async function completion(query = '') {
  const answer = await province.get(`/api/v1/collection-tasks/${taskId}/completion${query}`);
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json() as { totals: Record<string, number>; nodes: { unitId: number; parentUnitId: number | null; status: string; totals: Record<string, number> }[] };
}

/** The same figures worked out from scratch: no cache, straight from the database. */
async function recomputed() {
  const { entries, byUnit, total } = (await supervision.completion(t.db, manager, taskId)).rollup;
  return { totals: total, nodes: entries.map((e) => ({ unitId: e.unitId, parentUnitId: e.parentUnitId, status: e.status, totals: byUnit.get(e.unitId)! })) };
}

beforeAll(async () => {
  t = await createTestApp();
  const jiangsu = await regionalUnit(t.db, '32');
  const user = await createUser(t.db, jiangsu.id, ['campaign_manager']);
  manager = { userId: user.id, username: user.username, unitId: jiangsu.id, unitPath: jiangsu.path, grants: [{ role: 'campaign_manager', unitId: jiangsu.id, unitPath: jiangsu.path }] };
  province = await signIn(t.app, user.username, user.password);
  const cityRows = await t.db.selectFrom('units').select(['id', 'short_name', 'region_code']).where('parent_id', '=', jiangsu.id).where('type', '=', 'regional_association').orderBy('region_code').execute();
  for (const row of cityRows) cities.push({ id: row.id, name: row.short_name });
  for (const city of cities.slice(0, 6)) {
    const user = await createUser(t.db, city.id, ['contact']);
    city.client = await signIn(t.app, user.username, user.password);
  }
  const draft = await province.post('/api/v1/notices', {
    issuerUnitId: jiangsu.id,
    documentNumber: '苏科协发〔2027〕56号',
    title: '关于报送2027年活动方案的通知',
    addresseeRules: [{ kind: 'units_of_type', unitType: 'regional_association', level: 'city', scope: 'children' }],
    tasks: [{ title: '报送本地区活动方案', deadline: '2027-05-12' }],
  });
  const issued = await province.post(`/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
  expect(issued.statusCode, issued.body).toBe(200);
  taskId = issued.json().tasks[0].id;

  // 南京 passes the task on to its districts.
  const nanjing = await regionalUnit(t.db, '3201');
  nanjingId = nanjing.id;
  const nanjingManager = await createUser(t.db, nanjing.id, ['campaign_manager', 'contact']);
  const nanjingClient = await signIn(t.app, nanjingManager.username, nanjingManager.password);
  const forward = (await nanjingClient.post(`/api/v1/notices/${issued.json().id}/forward`, {})).json();
  const saved = await nanjingClient.put(`/api/v1/notices/${forward.id}`, {
    version: forward.version,
    documentNumber: '宁科协发〔2027〕8号',
    title: forward.title,
    addresseeRules: [{ kind: 'units_of_type', unitType: 'regional_association', scope: 'children' }],
    bodyHtml: forward.bodyHtml,
    tasks: forward.tasks.map((task: { title: string; description: string; upstreamTaskId: number }) => ({ ...task, deadline: '2027-05-08' })),
  });
  expect(saved.statusCode, saved.body).toBe(200);
  const forwarded = await nanjingClient.post(`/api/v1/notices/${forward.id}/issue`, { version: saved.json().version });
  expect(forwarded.statusCode, forwarded.body).toBe(200);
  nanjingTaskId = forwarded.json().tasks[0].id;
  const districtRows = await t.db.selectFrom('units').select(['id']).where('parent_id', '=', nanjing.id).where('type', '=', 'regional_association').orderBy('region_code').execute();
  for (const row of districtRows.slice(0, 4)) {
    const user = await createUser(t.db, row.id, ['contact']);
    districts.push({ id: row.id, client: await signIn(t.app, user.username, user.password) });
  }
  for (const city of cities.slice(1, 5)) await submit(city.client!, taskId);
  for (const district of districts.slice(0, 3)) await submit(district.client, nanjingTaskId);
});
afterAll(() => {
  vi.useRealTimers();
  return t.close();
});

describe('completion rollup (issue 8, W3)', () => {
  it('gives the provinces’ (here the cities’) rows at depth 1, and one city with its districts under it, with the whole tree’s totals', async () => {
    const whole = await completion();
    const byCity = await completion('?depth=1');
    expect(byCity.nodes.map((n) => n.unitId).sort((a, b) => a - b)).toEqual(cities.map((c) => c.id).sort((a, b) => a - b));
    expect(byCity.totals).toEqual(whole.totals);
    for (const node of byCity.nodes) expect(node.totals).toEqual(whole.nodes.find((n) => n.unitId === node.unitId)!.totals);

    const nanjing = await completion(`?under=${nanjingId}&depth=1`);
    const districtCount = await t.db.selectFrom('units').select((eb) => eb.fn.countAll<string>().as('n')).where('parent_id', '=', nanjingId).where('type', '=', 'regional_association').executeTakeFirstOrThrow();
    expect(nanjing.nodes).toHaveLength(1 + Number(districtCount.n));
    expect(nanjing.nodes[0]).toMatchObject({ unitId: nanjingId, totals: { units: 1 + Number(districtCount.n), submitted: 3 } });
    expect(nanjing.nodes.slice(1).every((n) => n.parentUnitId === nanjingId)).toBe(true);
    expect((await completion('?under=999999&depth=1')).nodes).toEqual([]);
    expect((await province.get(`/api/v1/collection-tasks/${taskId}/completion?depth=0`)).statusCode).toBe(422);
  });

  it('answers exactly what a recomputation gives, and the submitted count equals a plain count of the rows', async () => {
    const served = await completion();
    expect(served).toMatchObject({ totals: (await recomputed()).totals });
    expect(served.nodes).toEqual((await recomputed()).nodes.map((n) => expect.objectContaining(n)));
    const counted = await sql<{ n: string }>`
      select count(*) as n from submissions s
      where s.task_id in (${taskId}, ${nanjingTaskId}) and s.status in ('submitted', 'accepted', 'returned')`.execute(t.db);
    expect(served.totals.submitted).toBe(Number(counted.rows[0]!.n));
    expect(served.totals.submitted).toBe(7);
  });

  it('lets sixteen collectors asking at once share one read of the rows', async () => {
    t.app.completionCache.clear();
    const before = t.app.completionCache.reads;
    const answers = await Promise.all(Array.from({ length: 16 }, () => completion('?depth=1')));
    expect(t.app.completionCache.reads - before).toBe(1);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
  });

  it('answers a repeated poll with 304 while the figures stand, and with the new figures once they change', async () => {
    const url = `/api/v1/collection-tasks/${taskId}/completion?depth=1`;
    const first = await province.get(url);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]{32}"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const unchanged = await province.request({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.body).toBe('');
    // A browser takes it gzipped, compressed once: the same figures, under their own tag.
    const gzipped = await province.request({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toBe('Accept-Encoding');
    expect(JSON.parse(gunzipSync(gzipped.rawPayload).toString())).toEqual(first.json());
    expect(gzipped.headers.etag).not.toBe(etag);
    expect((await province.request({ method: 'GET', url, headers: { 'accept-encoding': 'gzip', 'if-none-match': gzipped.headers.etag as string } })).statusCode).toBe(304);
    expect((await province.request({ method: 'GET', url, headers: { 'accept-encoding': 'gzip;q=0, identity' } })).headers['content-encoding']).toBeUndefined();
    // Another query is another answer.
    expect((await province.get(`/api/v1/collection-tasks/${taskId}/completion?depth=2`)).headers.etag).not.toBe(etag);

    await t.db.updateTable('submissions').set({ status: 'accepted' }).where('task_id', '=', taskId).where('unit_id', '=', cities[2]!.id).execute();
    t.app.completionCache.clear();
    const changed = await province.request({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.json().totals).toEqual((await recomputed()).totals);
    // A unit outside the caller's tree gets no answer, cached or not.
    expect((await cities[1]!.client!.request({ method: 'GET', url, headers: { 'if-none-match': changed.headers.etag as string } })).statusCode).toBe(403);
    await t.db.updateTable('submissions').set({ status: 'submitted' }).where('task_id', '=', taskId).where('unit_id', '=', cities[2]!.id).execute();
    t.app.completionCache.clear();
  });

  it('shows a submission through the server at once, and a change behind its back within the cache’s two seconds', async () => {
    const before = await completion();
    await submit(cities[5]!.client!, taskId);
    const after = await completion();
    expect(after.totals.submitted).toBe(before.totals.submitted! + 1);
    expect(after.totals).toEqual((await recomputed()).totals);

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      await completion();
      await t.db.updateTable('submissions').set({ status: 'accepted' }).where('task_id', '=', taskId).where('unit_id', '=', cities[1]!.id).execute();
      expect((await completion()).totals.accepted).toBe(0);
      vi.setSystemTime(Date.now() + 2001);
      const later = await completion();
      expect(later.totals.accepted).toBe(1);
      expect(later.totals).toEqual((await recomputed()).totals);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rolls shared rows up once until a deadline among them passes, which then shows at once without a new read', async () => {
    const cache = new CompletionRowsCache<CompletionRow[]>(60_000);
    const { rollup: now } = await supervision.completion(t.db, manager, taskId, new Date(), cache);
    const { rollup: again } = await supervision.completion(t.db, manager, taskId, new Date(), cache);
    expect(again).toBe(now);
    const { rollup: afterDeadline } = await supervision.completion(t.db, manager, taskId, new Date('2027-05-13T00:00:00+08:00'), cache);
    expect(afterDeadline.entries).not.toBe(now.entries);
    expect(cache.reads).toBe(1);
    expect(now.total.missing).toBe(0);
    // 南京 forwarded but never submitted itself, and the cities after the sixth never did.
    const missing = afterDeadline.entries.filter((e) => e.parentUnitId === null && e.status === 'missing').map((e) => e.unitId);
    expect(missing.sort((a, b) => a - b)).toEqual([cities[0]!.id, ...cities.slice(6).map((c) => c.id)].sort((a, b) => a - b));
  });
});
