import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser, regionalUnit } from '../support/factories';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';
import { testAdmin } from '../support/template';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, testAdmin.username, testAdmin.password);
});
afterAll(() => t.close());

describe('the seeded hierarchy', () => {
  it('has the national root, 31 provinces, and real cities and counties from GB/T 2260', async () => {
    const counts = await t.db
      .selectFrom('units')
      .select(['level'])
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('type', '=', 'regional_association')
      .groupBy('level')
      .execute();
    const byLevel = Object.fromEntries(counts.map((c) => [c.level, Number(c.n)]));
    expect(byLevel.national).toBe(1);
    expect(byLevel.provincial).toBe(31);
    expect(byLevel.city).toBe(333);
    expect(byLevel.county).toBe(2978);
    // No placeholder 市辖区 level: Beijing's districts hang directly under 北京市科协.
    const dongcheng = await regionalUnit(t.db, '110101');
    const beijing = await regionalUnit(t.db, '11');
    expect(dongcheng.parent_id).toBe(beijing.id);
    expect(await t.db.selectFrom('units').select('id').where('short_name', 'like', '市辖区%').execute()).toEqual([]);
  });

  it('lets the administrator walk 中国科协 → 江苏省科协 → 南京市科协 → 玄武区科协', async () => {
    const roots = (await admin.get('/api/v1/units/roots')).json();
    expect(roots).toEqual([expect.objectContaining({ shortName: '中国科协', childCount: 31 })]);
    const provinces = (await admin.get(`/api/v1/units/${roots[0].id}/children`)).json();
    const jiangsu = provinces.find((p: { shortName: string }) => p.shortName === '江苏省科协');
    expect(jiangsu).toMatchObject({ name: '江苏省科学技术协会', level: 'provincial', regionCode: '32', childCount: 13 });
    const cities = (await admin.get(`/api/v1/units/${jiangsu.id}/children`)).json();
    expect(cities[0]).toMatchObject({ shortName: '南京市科协', regionCode: '3201' });
    const counties = (await admin.get(`/api/v1/units/${cities[0].id}/children`)).json();
    expect(counties.map((c: { shortName: string }) => c.shortName)).toContain('玄武区科协');
  });
});

describe('search', () => {
  it.each([
    ['玄武', '玄武区科协'],
    ['xwq', '玄武区科协'],
    ['320102', '玄武区科协'],
    ['南京市科学技术协会', '南京市科协'],
  ])('finds %s', async (q, expected) => {
    const hits = (await admin.get(`/api/v1/units/search?q=${encodeURIComponent(q)}`)).json();
    expect(hits[0].shortName).toBe(expected);
    if (expected === '玄武区科协') {
      expect(hits[0].ancestors.map((a: { shortName: string }) => a.shortName)).toEqual(['中国科协', '江苏省科协', '南京市科协']);
    }
  });

  it('stays inside the caller’s subtree', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact']);
    const client = await signIn(t.app, user.username, user.password);
    const gulou = (await client.get(`/api/v1/units/search?q=${encodeURIComponent('鼓楼区')}`)).json();
    // 南京 has a 鼓楼区; 福州 and 徐州 have their own, which a Nanjing account never sees.
    expect(gulou.map((h: { regionCode: string }) => h.regionCode)).toEqual(['320106']);
    expect(gulou[0].ancestors.map((a: { shortName: string }) => a.shortName)).toEqual(['南京市科协']);
    const roots = (await client.get('/api/v1/units/roots')).json();
    expect(roots.map((r: { shortName: string }) => r.shortName)).toEqual(['南京市科协']);
  });
});

describe('editing units', () => {
  it('adds a society under a city, with level inherited and pinyin searchable', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const response = await admin.post('/api/v1/units', {
      parentId: nanjing.id,
      name: '南京市人工智能学会',
      shortName: '南京人工智能学会',
      type: 'learned_society',
      tags: ['高新区'],
      contactName: '王五',
      contactMobile: '13912345678',
      contactEmail: 'ai@example.cn',
      mailingAddress: '南京市玄武区珠江路1号',
    });
    expect(response.statusCode).toBe(201);
    const unit = response.json();
    expect(unit).toMatchObject({ level: 'city', parentId: nanjing.id, tags: ['高新区'], personalDataMasked: false });
    expect(unit.contact.mobile).toBe('13912345678');
    const hits = (await admin.get('/api/v1/units/search?q=njrgzn')).json();
    expect(hits[0].id).toBe(unit.id);
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'unit.create').where('target_id', '=', String(unit.id)).execute();
    expect(audit).toHaveLength(1);
  });

  it('names each invalid field in Chinese and saves nothing', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const before = await t.db.selectFrom('units').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const response = await admin.post('/api/v1/units', {
      parentId: nanjing.id,
      name: '',
      shortName: '南',
      type: 'alien',
      contactEmail: 'not-an-email',
    });
    expect(response.statusCode).toBe(422);
    const messages = Object.fromEntries(response.json().errors.map((e: { field: string; message: string }) => [e.field, e.message]));
    expect(messages).toEqual({
      name: '单位全称为必填项',
      shortName: '单位简称至少 2 个字符',
      type: '单位类型的取值不在可选范围内',
      contactEmail: '联系人电子邮箱格式不正确',
    });
    const after = await t.db.selectFrom('units').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('refuses a second unit of the same name under one parent', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const body = { parentId: nanjing.id, name: '南京市重名学会', shortName: '重名学会', type: 'learned_society' };
    expect((await admin.post('/api/v1/units', body)).statusCode).toBe(201);
    const again = await admin.post('/api/v1/units', body);
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain('南京市重名学会');
  });

  it('renames with optimistic concurrency: a stale save is refused and overwrites nothing', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const unit = await createUnit(t.db, nanjing.id);
    const first = await admin.patch(`/api/v1/units/${unit.id}`, { version: unit.version, shortName: '第一次改名' });
    expect(first.statusCode).toBe(200);
    const stale = await admin.patch(`/api/v1/units/${unit.id}`, { version: unit.version, shortName: '第二次改名' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('stale_version');
    expect((await admin.get(`/api/v1/units/${unit.id}`)).json().shortName).toBe('第一次改名');
  });

  it('moves a subtree and keeps its paths consistent', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const wuxi = await regionalUnit(t.db, '3202');
    const society = await createUnit(t.db, nanjing.id);
    const branch = await createUnit(t.db, society.id, { type: 'society_branch' });
    const moved = await admin.post(`/api/v1/units/${society.id}/move`, { version: society.version, newParentId: wuxi.id });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().ancestors.map((a: { shortName: string }) => a.shortName)).toEqual(['中国科协', '江苏省科协', '无锡市科协']);
    const row = await t.db.selectFrom('units').select(['path', 'depth']).where('id', '=', branch.id).executeTakeFirstOrThrow();
    expect(row.path).toBe(`${wuxi.path}${society.id}/${branch.id}/`);
    expect(row.depth).toBe(4);
    // Not under itself.
    const fresh = (await admin.get(`/api/v1/units/${society.id}`)).json();
    const loop = await admin.post(`/api/v1/units/${society.id}/move`, { version: fresh.version, newParentId: branch.id });
    expect(loop.statusCode).toBe(409);
    expect(loop.json().code).toBe('cannot_move_into_own_subtree');
  });

  it('deactivates a unit with its subtree, hides them from the tree, and never deletes', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const society = await createUnit(t.db, nanjing.id);
    const branch = await createUnit(t.db, society.id, { type: 'society_branch' });
    const response = await admin.post(`/api/v1/units/${society.id}/deactivate`, { version: society.version });
    expect(response.statusCode).toBe(200);
    expect(response.json().active).toBe(false);
    const children = (await admin.get(`/api/v1/units/${nanjing.id}/children`)).json();
    expect(children.map((c: { id: number }) => c.id)).not.toContain(society.id);
    const withInactive = (await admin.get(`/api/v1/units/${nanjing.id}/children?includeInactive=true`)).json();
    expect(withInactive.map((c: { id: number }) => c.id)).toContain(society.id);
    const rows = await t.db.selectFrom('units').select(['id', 'active']).where('id', 'in', [society.id, branch.id]).execute();
    expect(rows.map((r) => r.active)).toEqual([false, false]);
    const reactivated = await admin.post(`/api/v1/units/${society.id}/reactivate`, { version: response.json().version });
    expect(reactivated.json().active).toBe(true);
  });
});

describe('personal data', () => {
  it('masks the contact’s phones, e-mail and address for a reviewer above, shows them to managers', async () => {
    const jiangsu = await regionalUnit(t.db, '32');
    const nanjing = await regionalUnit(t.db, '3201');
    const society = await createUnit(t.db, nanjing.id, { contactMobile: '13812345678', contactEmail: 'zhang@example.cn' });
    const reviewer = await createUser(t.db, jiangsu.id, ['reviewer']);
    const manager = await createUser(t.db, jiangsu.id, ['campaign_manager']);
    const asReviewer = (await (await signIn(t.app, reviewer.username, reviewer.password)).get(`/api/v1/units/${society.id}`)).json();
    expect(asReviewer.contact.mobile).toBe('138****5678');
    expect(asReviewer.contact.email).toBe('z***@example.cn');
    expect(asReviewer.personalDataMasked).toBe(true);
    const asManager = (await (await signIn(t.app, manager.username, manager.password)).get(`/api/v1/units/${society.id}`)).json();
    expect(asManager.contact.mobile).toBe('13812345678');
  });
});
