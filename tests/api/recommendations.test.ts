import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, defaultTestPassword, regionalUnit, rootUnit } from '../support/factories';
import { testAdmin } from '../support/template';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';
import { convertWithLibreOffice, libreOfficeAvailable, pdfToText, pdfToTextAvailable } from '../support/libreoffice';
import { sealRow } from '../../src/server/crypto/personal-data';

let t: TestApp;
const clients: Record<string, Client> = {};
const userIds: Record<string, number> = {};
const tasks: Record<string, number> = {};
const activities: number[] = [];
const provinceIds: number[] = [];
const experts: Record<string, { id: number; client: Client }> = {};
let nationalNoticeActivity = 0;

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
    userIds[key] = user.id;
  }
  const zhejiang = await regionalUnit(t.db, '33');
  const anhui = await regionalUnit(t.db, '34');
  provinceIds.push(units.jiangsu.id, zhejiang.id, anhui.id);
  await t.db.updateTable('units').set(sealRow('units', { mailing_address: '浙江省杭州市西湖区某路1号', contact_name: '钱江', contact_mobile: '13700000001' })).where('id', '=', zhejiang.id).execute();
  for (const [key, unit] of [['shanghai-expert', await regionalUnit(t.db, '31')], ['jiangsu-expert', units.jiangsu], ['beijing-expert', await regionalUnit(t.db, '11')]] as const) {
    const expert = await createUser(t.db, unit.id, ['reviewer']);
    experts[key] = { id: expert.id, client: await signIn(t.app, expert.username, expert.password) };
  }
  const form = await clients.national!.post('/api/v1/forms', { unitId: units.national.id, name: '特色亮点活动', templateKey: 'shandong_featured_activity' });
  const draft = await clients.national!.post('/api/v1/notices', {
    issuerUnitId: units.national.id,
    documentNumber: '科协发〔2027〕9号',
    title: '关于开展2027年“全国科技工作者日”活动的通知',
    addresseeRules: [{ kind: 'units', unitIds: [units.jiangsu.id, zhejiang.id, anhui.id] }],
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
    nationalNoticeActivity = chosen;
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

describe('the national evaluation round', () => {
  let roundId: number;

  it('proposes candidates from the recommended pool and the provinces, with their records', async () => {
    const created = await clients.national!.post('/api/v1/evaluation-rounds', {
      unitId: (await rootUnit(t.db)).id,
      title: '2027年“全国科技工作者日”活动评选',
      sourceTaskId: tasks.national,
      categories: [
        { name: '优秀组织单位', kind: 'unit', places: 2 },
        { name: '优秀活动案例', kind: 'activity', places: 1 },
      ],
      criteria: [
        { name: '组织实施', weight: 0.6, minScore: 0, maxScore: 100 },
        { name: '成效影响', weight: 0.4, minScore: 0, maxScore: 100 },
      ],
      publicityDays: 5,
    });
    expect(created.statusCode, created.body).toBe(201);
    roundId = created.json().id;
    expect(created.json().categories.map((c: { name: string }) => c.name)).toEqual(['优秀组织单位', '优秀活动案例']);
    // A published activity of 南京 (under 江苏) with two press reports and a video: two reports count.
    const { campaign_id } = await t.db.selectFrom('activities').select('campaign_id').where('id', '=', activities[0]!).executeTakeFirstOrThrow();
    const rootId = (await rootUnit(t.db)).id;
    const template = (await clients.national!.post('/api/v1/campaigns/template', { unitId: rootId, year: 2027 })).json() as Record<string, unknown>;
    const campaignId = campaign_id ?? ((await clients.national!.post('/api/v1/campaigns', { ...template, theme: '弘扬科学家精神' })).json().id as number);
    const nanjingUnit = (await t.db.selectFrom('activities').select('unit_id').where('id', '=', activities[0]!).executeTakeFirstOrThrow()).unit_id;
    await t.db
      .insertInto('showcase_publications')
      .values({
        activity_id: activities[0]!,
        campaign_id: campaignId,
        unit_id: nanjingUnit,
        status: 'approved',
        description: '南京市科协组织院士专家走进社区开展科普活动。',
        media_links: JSON.stringify([
          { kind: 'coverage', title: '新华日报', url: 'https://example.cn/1' },
          { kind: 'coverage', title: '南京日报', url: 'https://example.cn/2' },
          { kind: 'video', title: '活动视频', url: 'https://example.cn/3' },
        ]),
      })
      .execute();
    expect((await clients.national!.post(`/api/v1/evaluation-rounds/${roundId}/candidates/propose`)).json().added).toBe(4);
    const round = (await clients.national!.get(`/api/v1/evaluation-rounds/${roundId}`)).json();
    const jiangsu = round.candidates.find((c: { unitId: number; activityId: number | null }) => c.unitId === provinceIds[0] && c.activityId === null);
    expect(jiangsu.record).toMatchObject({ recommendedUp: 1, mediaCoverage: 2 });
    expect(round.candidates.find((c: { unitId: number; activityId: number | null }) => c.unitId === provinceIds[1] && c.activityId === null).record.mediaCoverage).toBe(0);
    expect(jiangsu.record.activitiesHeld).toBeGreaterThanOrEqual(3);
    const activity = round.candidates.find((c: { activityId: number | null }) => c.activityId === nationalNoticeActivity);
    expect(activity.title).toMatch(/科普活动$/);
    // 江苏 and 省 experts cannot run the round.
    expect((await experts['jiangsu-expert']!.client.get(`/api/v1/evaluation-rounds/${roundId}`)).statusCode).toBe(404);
  });

  it('assigns three experts with balanced load, never 江苏’s expert to 江苏’s candidates', async () => {
    const ids = Object.values(experts).map((e) => e.id);
    // The organiser, a campaign manager, finds the experts without managing accounts.
    const choices = await clients.national!.get(`/api/v1/evaluation-rounds/${roundId}/expert-choices?q=${encodeURIComponent('测试用户')}`);
    expect(choices.statusCode, choices.body).toBe(200);
    expect(choices.json().map((c: { userId: number }) => c.userId)).toEqual(expect.arrayContaining(ids));
    expect(choices.json()).toHaveLength(3);
    expect((await clients.jiangsu!.get(`/api/v1/evaluation-rounds/${roundId}/expert-choices`)).statusCode).toBe(404);
    const { version } = (await clients.national!.get(`/api/v1/evaluation-rounds/${roundId}`)).json();
    expect((await clients.national!.put(`/api/v1/evaluation-rounds/${roundId}/reviewers`, { userIds: ids, version })).statusCode).toBe(200);
    await clients.national!.post(`/api/v1/evaluation-rounds/${roundId}/stage`, { to: 'review' });
    const assigned = (await clients.national!.post(`/api/v1/evaluation-rounds/${roundId}/assign`, { perCandidate: 2 })).json();
    expect(assigned).toEqual({ assignments: 8, shortfall: [] });
    const round = (await clients.national!.get(`/api/v1/evaluation-rounds/${roundId}`)).json();
    const jiangsuCandidates = round.candidates.filter((c: { unitId: number; title: string }) => c.unitId === provinceIds[0] || c.title.endsWith('科普活动'));
    expect(jiangsuCandidates).toHaveLength(2);
    for (const c of jiangsuCandidates) expect(c.reviewers.map((r: { userId: number }) => r.userId)).not.toContain(experts['jiangsu-expert']!.id);
    const loads = round.reviewers.map((r: { assigned: number }) => r.assigned);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
    // Assigning 江苏’s expert to 江苏 by hand is refused too.
    const manual = await clients.national!.put(`/api/v1/evaluation-candidates/${jiangsuCandidates[0].id}/reviewers`, { userIds: [experts['jiangsu-expert']!.id], version: jiangsuCandidates[0].version });
    expect(manual.statusCode).toBe(409);
    expect(manual.json().code).toBe('evaluation_conflict');
  });

  it('takes scores in range and ranks with a tie flagged', async () => {
    const plan: Record<number, [number, number]> = { [provinceIds[0]!]: [90, 90], [provinceIds[1]!]: [80, 85], [provinceIds[2]!]: [80, 85] };
    for (const expert of Object.values(experts)) {
      const reviews = (await expert.client.get('/api/v1/my-reviews')).json();
      for (const review of reviews) {
        const unitId = (await t.db.selectFrom('evaluation_candidates').select('unit_id').where('id', '=', review.candidateId).executeTakeFirstOrThrow()).unit_id;
        const [a, b] = plan[unitId] ?? [88, 92];
        const tooHigh = await expert.client.put(`/api/v1/my-reviews/${review.candidateId}/scores`, { scores: [{ criterionId: review.criteria[0].id, score: 101 }], submit: false, version: review.version });
        expect(tooHigh.statusCode).toBe(422);
        const ok = await expert.client.put(`/api/v1/my-reviews/${review.candidateId}/scores`, {
          scores: [
            { criterionId: review.criteria[0].id, score: a },
            { criterionId: review.criteria[1].id, score: b },
          ],
          comment: '组织有力',
          submit: true,
          version: review.version,
        });
        expect(ok.statusCode, ok.body).toBe(200);
      }
    }
    const results = (await clients.national!.get(`/api/v1/evaluation-rounds/${roundId}/results`)).json();
    const units = results.find((r: { categoryName: string }) => r.categoryName === '优秀组织单位').ranking;
    expect(units.map((r: { rank: number; tied: boolean; score: number }) => [r.rank, r.tied, r.score])).toEqual([
      [1, false, 90],
      [2, true, 82],
      [2, true, 82],
    ]);
    expect(units.every((r: { reviews: number }) => r.reviews === 2)).toBe(true);
  });

  it('decides within the places, runs a 5-day publicity with an objection resolved, then announces', async () => {
    await clients.national!.post(`/api/v1/evaluation-rounds/${roundId}/stage`, { to: 'decision' });
    const results = (await clients.national!.get(`/api/v1/evaluation-rounds/${roundId}/results`)).json();
    const unitCategory = results.find((r: { categoryName: string }) => r.categoryName === '优秀组织单位');
    const activityCategory = results.find((r: { categoryName: string }) => r.categoryName === '优秀活动案例');
    const { version } = (await clients.national!.get(`/api/v1/evaluation-rounds/${roundId}`)).json();
    const tooMany = await clients.national!.put(`/api/v1/evaluation-rounds/${roundId}/decision`, { categoryId: unitCategory.categoryId, candidateIds: unitCategory.ranking.map((r: { candidateId: number }) => r.candidateId), version });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json().detail).toContain('“优秀组织单位”最多评出 2 个');
    // The tie is broken by the decision: 浙江 over 安徽.
    const zhejiang = unitCategory.ranking.find((r: { unitName: string }) => r.unitName === '浙江省科协');
    const first = unitCategory.ranking[0];
    const decided = await clients.national!.put(`/api/v1/evaluation-rounds/${roundId}/decision`, { categoryId: unitCategory.categoryId, candidateIds: [first.candidateId, zhejiang.candidateId], version });
    expect(decided.statusCode, decided.body).toBe(200);
    // Each decision advances the round's version: the next one is made from the new version.
    expect(decided.json().version).toBe(version + 1);
    const second = { categoryId: activityCategory.categoryId, candidateIds: [activityCategory.ranking[0].candidateId] };
    expect((await clients.national!.put(`/api/v1/evaluation-rounds/${roundId}/decision`, { ...second, version })).json().code).toBe('stale_version');
    expect((await clients.national!.put(`/api/v1/evaluation-rounds/${roundId}/decision`, { ...second, version: decided.json().version })).statusCode).toBe(200);

    const publicityStage = (await clients.national!.post(`/api/v1/evaluation-rounds/${roundId}/stage`, { to: 'publicity' })).json();
    const days = (Date.parse(publicityStage.publicityEndsAt) - Date.parse(publicityStage.publicityStartsAt)) / 86_400_000;
    expect(days).toBe(5);
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/public/publicity/${roundId}` });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toMatch(/1370000000|@example|西湖区/);
    expect(list.json().categories.map((c: { candidates: unknown[] }) => c.candidates.length)).toEqual([2, 1]);
    const objection = await t.app.inject({ method: 'POST', url: `/api/v1/public/publicity/${roundId}/objections`, payload: { candidateId: zhejiang.candidateId, content: '该单位活动存在重复申报', contact: '138****0000' } });
    expect(objection.statusCode, objection.body).toBe(201);
    // Announcing waits for the publicity to end and the objection to be resolved.
    const early = await clients.national!.post(`/api/v1/evaluation-rounds/${roundId}/stage`, { to: 'announced' });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'evaluation_publicity_running' });
    expect(early.json().detail).toMatch(/^公示期至 \d{4}\/\d{2}\/\d{2} \d{2}:\d{2} 结束，公示期满后才能公布结果$/);
    await t.db.updateTable('evaluation_rounds').set({ publicity_ends_at: new Date(Date.now() - 1000) }).where('id', '=', roundId).execute();
    const blocked = await clients.national!.post(`/api/v1/evaluation-rounds/${roundId}/stage`, { to: 'announced' });
    expect(blocked.json().code).toBe('evaluation_objections_open');
    const objections = (await clients.national!.get(`/api/v1/evaluation-rounds/${roundId}/objections`)).json();
    expect((await clients.national!.post(`/api/v1/evaluation-objections/${objections[0].id}/resolve`, { resolution: '经核实，不存在重复申报', upheld: false })).statusCode).toBe(200);
    const announced = await clients.national!.post(`/api/v1/evaluation-rounds/${roundId}/stage`, { to: 'announced' });
    expect(announced.json().stage).toBe('announced');
  });

  it('generates the 通报 as a notice (Word through LibreOffice) and the plaque mailing, audited', async () => {
    const { noticeId } = (await clients.national!.post(`/api/v1/evaluation-rounds/${roundId}/commendation`)).json();
    const notice = (await clients.national!.get(`/api/v1/notices/${noticeId}`)).json();
    expect(notice.title).toContain('通报表扬');
    expect(notice.bodyHtml).toContain('浙江省科学技术协会');
    const saved = await clients.national!.put(`/api/v1/notices/${noticeId}`, { ...pickNotice(notice), documentNumber: '科协发〔2027〕30号' });
    expect(saved.statusCode, saved.body).toBe(200);
    const issued = await clients.national!.post(`/api/v1/notices/${noticeId}/issue`, { version: saved.json().version });
    expect(issued.statusCode, issued.body).toBe(200);
    const docx = await clients.national!.get(`/api/v1/notices/${noticeId}/document.docx`);
    if (libreOfficeAvailable()) {
      const text = (await pdfToText(await convertWithLibreOffice(docx.rawPayload, 'docx', 'pdf'))).replace(/\s+/g, '');
      expect(text).toContain('优秀组织单位');
      expect(text).toContain('浙江省科学技术协会');
    }
    // Personal data in bulk: the organiser needs the separate permission, then a fresh password.
    const forbidden = await clients.national!.get(`/api/v1/evaluation-rounds/${roundId}/labels.pdf`);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe('personal_data_export_forbidden');
    const account = await t.db.selectFrom('users').select('version').where('id', '=', userIds.national!).executeTakeFirstOrThrow();
    expect((await clients.national!.put(`/api/v1/users/${userIds.national}/personal-data-export`, { granted: true, version: account.version })).statusCode).toBe(403);
    const admin = await signIn(t.app, testAdmin.username, testAdmin.password);
    const granted = await admin.put(`/api/v1/users/${userIds.national}/personal-data-export`, { granted: true, version: account.version });
    expect(granted.statusCode, granted.body).toBe(200);
    const stale = await clients.national!.get(`/api/v1/evaluation-rounds/${roundId}/mailing.xlsx`);
    expect(stale.statusCode).toBe(403);
    expect(stale.json().code).toBe('reauthentication_required');
    const wrong = await clients.national!.post('/api/v1/session/reauthenticate', { password: 'Wrong@Pass2026' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ code: 'reauthentication_failed', errors: [{ field: 'password' }] });
    const confirmed = await clients.national!.post('/api/v1/session/reauthenticate', { password: defaultTestPassword });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(new Date(confirmed.json().reauthenticatedUntil).getTime() - Date.now()).toBeGreaterThan(4 * 60_000);
    const labels = await clients.national!.get(`/api/v1/evaluation-rounds/${roundId}/labels.pdf`);
    expect(labels.statusCode).toBe(200);
    if (pdfToTextAvailable()) expect((await pdfToText(labels.rawPayload)).replace(/\s+/g, '')).toContain('浙江省杭州市西湖区某路1号');
    const xlsx = await clients.national!.get(`/api/v1/evaluation-rounds/${roundId}/mailing.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const audit = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'evaluation.personal_data_export').orderBy('id').execute();
    expect(audit).toHaveLength(2);
    const candidates = await t.db
      .selectFrom('evaluation_candidates as c')
      .innerJoin('evaluation_categories as cat', 'cat.id', 'c.category_id')
      .select('c.id')
      .where('cat.round_id', '=', roundId)
      .where('c.selected', '=', true)
      .execute();
    expect(audit[0]!.details).toMatchObject({ format: 'labels.pdf', rows: 3, fields: ['recipient', 'phone', 'mobile', 'email', 'address'] });
    expect([...(audit[0]!.details as { candidateIds: number[] }).candidateIds].sort()).toEqual(candidates.map((c) => c.id).sort());
    const refusals = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'personal_data.export').where('outcome', '=', 'failure').orderBy('id').execute();
    expect(refusals.map((r) => (r.details as { reason: string }).reason)).toEqual(['personal_data_export_forbidden', 'reauthentication_required']);
    await t.db.updateTable('sessions').set({ reauthenticated_at: new Date(Date.now() - 6 * 60_000) }).where('reauthenticated_at', 'is not', null).execute();
    const expired = await clients.national!.get(`/api/v1/evaluation-rounds/${roundId}/mailing.xlsx`);
    expect(expired.json().code).toBe('reauthentication_required');
  });
});

function pickNotice(n: Record<string, unknown>) {
  const { version, title, addresseeRules, bodyHtml, contacts, attachments, tasks, campaignId } = n as Record<string, never>;
  return { version, title, addresseeRules, bodyHtml, contacts, attachments, tasks, campaignId, coIssuerUnitIds: [] };
}
