import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, regionalUnit, rootUnit } from '../support/factories';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

let t: TestApp;
const clients: Record<string, Client> = {};
const tasks: Record<string, number> = {};
const activities: number[] = [];

async function forward(client: Client, noticeId: number, documentNumber: string, deadline: string, quota?: unknown) {
  const draft = (await client.post(`/api/v1/notices/${noticeId}/forward`, {})).json();
  const saved = await client.put(`/api/v1/notices/${draft.id}`, {
    version: draft.version,
    documentNumber,
    title: draft.title,
    addresseeRules: [{ kind: 'units_of_type', unitType: 'regional_association', scope: 'children' }],
    bodyHtml: draft.bodyHtml,
    tasks: draft.tasks.map((task: { title: string; description: string; upstreamTaskId: number }) => ({
      title: task.title,
      description: task.description,
      upstreamTaskId: task.upstreamTaskId,
      deadline,
      ...(quota ? { recommendationQuota: quota } : {}),
    })),
  });
  expect(saved.statusCode, saved.body).toBe(200);
  const issued = await client.post(`/api/v1/notices/${draft.id}/issue`, { version: saved.json().version });
  expect(issued.statusCode, issued.body).toBe(200);
  return { noticeId: issued.json().id as number, taskId: issued.json().tasks[0].id as number };
}

beforeAll(async () => {
  t = await createTestApp();
  const units = {
    national: await rootUnit(t.db),
    jiangsu: await regionalUnit(t.db, '32'),
    nanjing: await regionalUnit(t.db, '3201'),
    xuanwu: await regionalUnit(t.db, '320102'),
    qinhuai: await regionalUnit(t.db, '320104'),
    jianye: await regionalUnit(t.db, '320105'),
  };
  for (const [key, unit] of Object.entries(units)) {
    const roles = ['national', 'jiangsu', 'nanjing'].includes(key) ? (['campaign_manager'] as const) : (['contact'] as const);
    const user = await createUser(t.db, unit.id, [...roles]);
    clients[key] = await signIn(t.app, user.username, user.password);
  }
  const form = await clients.national!.post('/api/v1/forms', { unitId: units.national.id, name: '特色亮点活动', templateKey: 'shandong_featured_activity' });
  const draft = await clients.national!.post('/api/v1/notices', {
    issuerUnitId: units.national.id,
    documentNumber: '科协发〔2027〕9号',
    title: '关于开展2027年“全国科技工作者日”活动的通知',
    addresseeRules: [{ kind: 'units_of_type', unitType: 'regional_association', level: 'provincial', scope: 'children' }],
    tasks: [
      {
        title: '特色亮点活动',
        deadline: '2027-06-10',
        formVersionId: form.json().latest.id,
        quota: { minItems: 1, maxItems: 2 },
        // Each province recommends one to the national pool.
        recommendationQuota: { default: { min: 0, max: 1 }, byUnitType: {} },
      },
    ],
  });
  const national = await clients.national!.post(`/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
  tasks.national = national.json().tasks[0].id;
  // 江苏 lets each 设区市科协 recommend 2, as real notices set it.
  const js = await forward(clients.jiangsu!, national.json().id, '苏科协发〔2027〕5号', '2027-06-05', { default: { min: 0, max: 1 }, byUnitType: { regional_association: { min: 0, max: 2 } } });
  tasks.jiangsu = js.taskId;
  const nj = await forward(clients.nanjing!, js.noticeId, '宁科协发〔2027〕3号', '2027-05-31');
  tasks.nanjing = nj.taskId;

  for (const county of ['xuanwu', 'qinhuai', 'jianye'] as const) {
    const client = clients[county]!;
    const saved = await client.put(`/api/v1/collection-tasks/${tasks.nanjing}/submission`, {
      values: {
        fields: {},
        items: [{ key: 'a', fields: { title: `${county}科普活动`, host: `${county}科协`, contact: { name: '联系人', mobile: '13900000000' }, workPlan: '活动方案。' } }],
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const submitted = await client.post(`/api/v1/collection-tasks/${tasks.nanjing}/submission/submit`, { version: saved.json().version });
    expect(submitted.statusCode, submitted.body).toBe(200);
    const accepted = await clients.nanjing!.post(`/api/v1/submissions/${submitted.json().id}/accept`, { version: submitted.json().version });
    expect(accepted.statusCode, accepted.body).toBe(200);
  }
});
afterAll(() => t.close());

describe('the recommendation chain', () => {
  it('lets 南京市科协 recommend two of its three counties’ items, refusing the third by quota', async () => {
    const pool = (await clients.nanjing!.get(`/api/v1/collection-tasks/${tasks.nanjing}/recommendation-pool`)).json();
    expect(pool.upperTask).toMatchObject({ issuerName: '江苏省科协', quota: { min: 0, max: 2 }, closed: false });
    expect(pool.items.map((i: { title: string }) => i.title).sort()).toEqual(['jianye科普活动', 'qinhuai科普活动', 'xuanwu科普活动']);
    for (const item of pool.items) activities.push(item.activityId);
    for (const id of activities.slice(0, 2)) {
      const ok = await clients.nanjing!.post(`/api/v1/collection-tasks/${tasks.nanjing}/recommendations`, { activityId: id, reason: '群众参与面广，效果突出' });
      expect(ok.statusCode, ok.body).toBe(201);
    }
    const third = await clients.nanjing!.post(`/api/v1/collection-tasks/${tasks.nanjing}/recommendations`, { activityId: activities[2], reason: '也不错' });
    expect(third.statusCode).toBe(409);
    expect(third.json().detail).toBe('南京市科协最多可推荐 2 项，已推荐 2 项');
    // A county cannot recommend on 南京's behalf, nor see its pool.
    expect((await clients.xuanwu!.post(`/api/v1/collection-tasks/${tasks.nanjing}/recommendations`, { activityId: activities[2], reason: '自荐' })).statusCode).toBe(403);
  });

  it('lets 江苏省科协 recommend one of them to the national pool, with the chain visible', async () => {
    const pool = (await clients.jiangsu!.get(`/api/v1/collection-tasks/${tasks.jiangsu}/recommendation-pool`)).json();
    expect(pool.items).toHaveLength(2);
    expect(pool.items.every((i: { source: string; recommendedByUnit: string }) => i.source === 'recommended' && i.recommendedByUnit === '南京市科协')).toBe(true);
    expect(pool.upperTask).toMatchObject({ issuerName: '中国科协', quota: { max: 1 } });
    const chosen = pool.items[0].activityId;
    expect((await clients.jiangsu!.post(`/api/v1/collection-tasks/${tasks.jiangsu}/recommendations`, { activityId: chosen, reason: '全省最具代表性' })).statusCode).toBe(201);
    // Something never recommended to 江苏 cannot be recommended by it.
    const notInPool = await clients.jiangsu!.post(`/api/v1/collection-tasks/${tasks.jiangsu}/recommendations`, { activityId: activities[2], reason: '越级' });
    expect(notInPool.statusCode).toBe(422);
    const national = (await clients.national!.get(`/api/v1/collection-tasks/${tasks.national}/recommendation-pool`)).json();
    expect(national.upperTask).toBeNull();
    expect(national.items.map((i: { activityId: number }) => i.activityId)).toEqual([chosen]);
    const provenance = (await clients.national!.get(`/api/v1/activities/${chosen}/provenance`)).json();
    expect(provenance.map((p: { fromUnit: string; toUnit: string; reason: string }) => [p.fromUnit, p.toUnit, p.reason])).toEqual([
      ['南京市科协', '江苏省科协', '群众参与面广，效果突出'],
      ['江苏省科协', '中国科协', '全省最具代表性'],
    ]);
  });

  it('lets a recommendation be withdrawn and the freed place used', async () => {
    const pool = (await clients.nanjing!.get(`/api/v1/collection-tasks/${tasks.nanjing}/recommendation-pool`)).json();
    const withdrawn = pool.items.find((i: { recommendationId: number | null; activityId: number }) => i.recommendationId && i.activityId === activities[1]);
    expect((await clients.nanjing!.delete(`/api/v1/recommendations/${withdrawn.recommendationId}`)).statusCode).toBe(200);
    // Another city may neither withdraw 南京's recommendation nor read the chain.
    const suzhou = await createUser(t.db, (await regionalUnit(t.db, '3205')).id, ['campaign_manager']);
    const sz = await signIn(t.app, suzhou.username, suzhou.password);
    const other = pool.items.find((i: { recommendationId: number | null }) => i.recommendationId && i.recommendationId !== withdrawn.recommendationId);
    expect((await sz.delete(`/api/v1/recommendations/${other.recommendationId}`)).statusCode).toBe(404);
    expect((await sz.get(`/api/v1/activities/${activities[0]}/provenance`)).statusCode).toBe(404);
    // The county whose activity it is reads its chain.
    const again = await clients.nanjing!.post(`/api/v1/collection-tasks/${tasks.nanjing}/recommendations`, { activityId: activities[2], reason: '补充推荐' });
    expect(again.statusCode).toBe(201);
    const audit = await t.db.selectFrom('audit_log').select('action').where('action', 'like', 'recommendation.%').execute();
    expect(audit.map((a) => a.action).filter((a) => a === 'recommendation.withdraw')).toHaveLength(1);
  });
});
