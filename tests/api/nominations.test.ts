import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, regionalUnit } from '../support/factories';
import { multipartFile, solidPng } from '../support/png';
import { anonymous, createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

/**
 * 最美科技工作者 nominations: 江苏省科协 asks its cities for persons (2 per 设区市科协); 南京市科协
 * nominates with a photo, is held to the 字数 limit and the quota; the province takes the persons
 * into an evaluation round, selects one, and the public gallery shows them without personal data.
 */
let t: TestApp;
let province: Client;
let nanjing: Client;
let suzhou: Client;
let expert: Client;
let expertId = 0;
let taskId = 0;
let nanjingId = 0;
let photoId = '';
const achievements = (n: number) => '长期扎根基层开展科普工作，组织院士专家报告会百余场，'.repeat(n);

const person = (name: string, extra: Record<string, unknown> = {}) => ({
  personName: name,
  gender: 'female',
  birthYear: 1979,
  workUnit: '南京大学',
  discipline: '材料科学',
  jobTitle: '教授、博士生导师',
  achievements: achievements(4),
  photoFileId: photoId,
  ...extra,
});

beforeAll(async () => {
  t = await createTestApp();
  const jiangsu = await regionalUnit(t.db, '32');
  const nj = await regionalUnit(t.db, '3201');
  const sz = await regionalUnit(t.db, '3205');
  nanjingId = nj.id;
  const manager = await createUser(t.db, jiangsu.id, ['campaign_manager']);
  province = await signIn(t.app, manager.username, manager.password);
  const njUser = await createUser(t.db, nj.id, ['contact']);
  nanjing = await signIn(t.app, njUser.username, njUser.password);
  const szUser = await createUser(t.db, sz.id, ['contact']);
  suzhou = await signIn(t.app, szUser.username, szUser.password);
  // An expert of 苏州市科协: no conflict with 南京's persons (a sibling, not an ancestor or descendant).
  const reviewer = await createUser(t.db, sz.id, ['reviewer']);
  expertId = reviewer.id;
  expert = await signIn(t.app, reviewer.username, reviewer.password);

  const draft = await province.post('/api/v1/notices', {
    issuerUnitId: jiangsu.id,
    documentNumber: '苏科协发〔2027〕60号',
    title: '关于推荐2027年江苏“最美科技工作者”人选的通知',
    addresseeRules: [{ kind: 'units_of_type', unitType: 'regional_association', level: 'city', scope: 'children' }],
    tasks: [{ title: '推荐“最美科技工作者”人选', deadline: '2027-04-20', recommendationQuota: { default: { min: 0, max: 1 }, byUnitType: { regional_association: { min: 1, max: 2 } } } }],
  });
  expect(draft.statusCode, draft.body).toBe(201);
  const issued = await province.post(`/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
  taskId = issued.json().tasks[0].id;

  const upload = await nanjing.request({ method: 'POST', url: `/api/v1/files?unitId=${nj.id}`, ...multipartFile(solidPng(60, 80), '李华.png', 'image/png') });
  expect(upload.statusCode, upload.body).toBe(201);
  photoId = upload.json().id;
});
afterAll(() => t.close());

describe('nominating persons', () => {
  let firstId = 0;

  it('holds 主要事迹 to 1,500 字 when submitting, naming the field', async () => {
    const created = await nanjing.post(`/api/v1/collection-tasks/${taskId}/nominations`, person('李华', { achievements: '科'.repeat(1501) }));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ status: 'draft', unitName: '南京市科协', achievementsWords: 1501 });
    firstId = created.json().id;
    const refused = await nanjing.post(`/api/v1/nominations/${firstId}/submit`, { version: created.json().version });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toEqual([expect.objectContaining({ field: 'achievements', code: 'too_many_words' })]);
    expect(refused.json().errors[0].message).toMatch(/主要事迹/);
    const fixed = await nanjing.put(`/api/v1/nominations/${firstId}`, { ...person('李华'), version: created.json().version });
    expect(fixed.statusCode, fixed.body).toBe(200);
    // An edit made from the version before the fix: stale, and the fix stays.
    const stale = await nanjing.put(`/api/v1/nominations/${firstId}`, { ...person('王芳'), version: created.json().version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('stale_version');
    expect((await nanjing.get(`/api/v1/nominations/${firstId}`)).json()).toMatchObject({ personName: '李华', version: fixed.json().version });
    const submitted = await nanjing.post(`/api/v1/nominations/${firstId}/submit`, { version: fixed.json().version });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json().status).toBe('submitted');
    // A retried submit changes nothing; a submitted nomination is no longer editable.
    expect((await nanjing.post(`/api/v1/nominations/${firstId}/submit`, { version: fixed.json().version })).statusCode).toBe(200);
    expect((await nanjing.put(`/api/v1/nominations/${firstId}`, { ...person('李华'), version: submitted.json().version })).json().code).toBe('nomination_submitted');
  });

  it('refuses a photo of another unit and an implausible birth year', async () => {
    const other = await suzhou.request({ method: 'POST', url: '/api/v1/files', ...multipartFile(solidPng(20, 20), 'x.png', 'image/png') });
    const foreign = await nanjing.post(`/api/v1/collection-tasks/${taskId}/nominations`, person('王强', { photoFileId: other.json().id }));
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().errors[0]).toMatchObject({ field: 'photoFileId' });
    const young = await nanjing.post(`/api/v1/collection-tasks/${taskId}/nominations`, person('王强', { birthYear: 2015 }));
    const refused = await nanjing.post(`/api/v1/nominations/${young.json().id}/submit`, { version: young.json().version });
    expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual(['birthYear']);
    await nanjing.post(`/api/v1/nominations/${young.json().id}/withdraw`, { version: young.json().version });
  });

  it('keeps 南京 within 2 persons, the quota for a 设区市科协', async () => {
    for (const name of ['王强', '陈静']) {
      const created = await nanjing.post(`/api/v1/collection-tasks/${taskId}/nominations`, person(name));
      const submitted = await nanjing.post(`/api/v1/nominations/${created.json().id}/submit`, { version: created.json().version });
      if (name === '王强') expect(submitted.statusCode, submitted.body).toBe(200);
      else {
        expect(submitted.statusCode).toBe(409);
        expect(submitted.json()).toMatchObject({ code: 'nomination_quota_exceeded', detail: '南京市科协最多可推荐 2 名人选，已推荐 2 名' });
      }
    }
    const mine = (await nanjing.get(`/api/v1/collection-tasks/${taskId}/nominations`)).json();
    expect(mine.own).toMatchObject({ unitId: nanjingId, max: 2, submitted: 2 });
    expect(mine.items.map((n: { personName: string; status: string }) => `${n.personName}:${n.status}`)).toEqual(['李华:submitted', '王强:submitted', '陈静:draft']);
  });

  it('shows the province the submitted persons only, and nobody else anything', async () => {
    const received = (await province.get(`/api/v1/collection-tasks/${taskId}/nominations`)).json();
    expect(received.collecting).toBe(true);
    expect(received.items.map((n: { personName: string }) => n.personName)).toEqual(['李华', '王强']);
    expect((await suzhou.get(`/api/v1/nominations/${firstId}`)).statusCode).toBe(404);
    expect((await suzhou.get(`/api/v1/collection-tasks/${taskId}/nominations`)).json().items).toEqual([]);
    expect((await anonymous(t.app).get(`/api/v1/nominations/${firstId}`)).statusCode).toBe(401);
    const audit = await t.db.selectFrom('audit_log').select('action').where('action', 'like', 'nomination.%').execute();
    expect(audit.filter((a) => a.action === 'nomination.submit')).toHaveLength(2);
  });
});

describe('the persons evaluated and shown in the public gallery', () => {
  let roundId = 0;

  it('takes the submitted persons as candidates once, however often proposed', async () => {
    // The round belongs to 江苏's 2027 campaign, so its gallery is linked from the public column.
    const jiangsuId = (await regionalUnit(t.db, '32')).id;
    const template = (await province.post('/api/v1/campaigns/template', { unitId: jiangsuId, year: 2027 })).json();
    const campaign = await province.post('/api/v1/campaigns', { ...template, theme: '弘扬科学家精神' });
    expect(campaign.statusCode, campaign.body).toBe(201);
    const created = await province.post('/api/v1/evaluation-rounds', {
      unitId: jiangsuId,
      campaignId: campaign.json().id,
      title: '2027年江苏“最美科技工作者”评选',
      sourceTaskId: taskId,
      categories: [{ name: '最美科技工作者', kind: 'person', places: 1 }],
      criteria: [{ name: '事迹突出', weight: 1, minScore: 0, maxScore: 100 }],
      publicityDays: 5,
    });
    expect(created.statusCode, created.body).toBe(201);
    roundId = created.json().id;
    expect((await province.post(`/api/v1/evaluation-rounds/${roundId}/candidates/propose`)).json().added).toBe(2);
    expect((await province.post(`/api/v1/evaluation-rounds/${roundId}/candidates/propose`)).json().added).toBe(0);
    const round = (await province.get(`/api/v1/evaluation-rounds/${roundId}`)).json();
    expect(round.candidates.map((c: { title: string }) => c.title).sort()).toEqual(['李华', '王强']);
    // A person in an evaluation can no longer be withdrawn.
    const li = (await nanjing.get(`/api/v1/nominations/${round.candidates[0].nominationId}`));
    const nomination = li.statusCode === 200 ? li.json() : (await nanjing.get(`/api/v1/collection-tasks/${taskId}/nominations`)).json().items[0];
    expect((await nanjing.post(`/api/v1/nominations/${nomination.id}/withdraw`, { version: nomination.version })).json().code).toBe('nomination_in_evaluation');
  });

  it('is scored, decided, publicised and announced; the gallery shows the person, never birth year or gender', async () => {
    const roundVersion = async () => (await province.get(`/api/v1/evaluation-rounds/${roundId}`)).json().version as number;
    expect((await province.put(`/api/v1/evaluation-rounds/${roundId}/reviewers`, { userIds: [expertId], version: await roundVersion() })).statusCode).toBe(200);
    await province.post(`/api/v1/evaluation-rounds/${roundId}/stage`, { to: 'review' });
    expect((await province.post(`/api/v1/evaluation-rounds/${roundId}/assign`, { perCandidate: 1 })).json().assignments).toBe(2);
    for (const review of (await expert.get('/api/v1/my-reviews')).json()) {
      expect(review.description).toMatch(/科普工作/);
      const score = review.title === '李华' ? 95 : 80;
      const ok = await expert.put(`/api/v1/my-reviews/${review.candidateId}/scores`, { scores: [{ criterionId: review.criteria[0].id, score }], submit: true, version: review.version });
      expect(ok.statusCode, ok.body).toBe(200);
    }
    await province.post(`/api/v1/evaluation-rounds/${roundId}/stage`, { to: 'decision' });
    const ranking = (await province.get(`/api/v1/evaluation-rounds/${roundId}/results`)).json()[0].ranking;
    expect(ranking[0].title).toBe('李华');
    expect((await province.put(`/api/v1/evaluation-rounds/${roundId}/decision`, { categoryId: await categoryId(), candidateIds: [ranking[0].candidateId], version: await roundVersion() })).statusCode).toBe(200);

    expect((await anonymous(t.app).get(`/api/v1/public/gallery/${roundId}`)).statusCode).toBe(404);
    expect((await anonymous(t.app).get(`/api/v1/public/showcase/${(await regionalUnit(t.db, '32')).id}/2027`)).json().galleries).toEqual([]);
    await province.post(`/api/v1/evaluation-rounds/${roundId}/stage`, { to: 'publicity' });
    const publicity = (await anonymous(t.app).get(`/api/v1/public/publicity/${roundId}`)).json();
    expect(publicity.categories[0].candidates.map((c: { title: string }) => c.title)).toEqual(['李华']);
    await t.db.updateTable('evaluation_rounds').set({ publicity_ends_at: new Date(Date.now() - 1000) }).where('id', '=', roundId).execute();
    expect((await province.post(`/api/v1/evaluation-rounds/${roundId}/stage`, { to: 'announced' })).json().stage).toBe('announced');

    const column = (await anonymous(t.app).get(`/api/v1/public/showcase/${(await regionalUnit(t.db, '32')).id}/2027`)).json();
    expect(column.galleries).toEqual([{ roundId, title: '2027年江苏“最美科技工作者”评选', persons: 1 }]);
    const gallery = await anonymous(t.app).get(`/api/v1/public/gallery/${roundId}`);
    expect(gallery.statusCode).toBe(200);
    expect(gallery.json().persons).toEqual([
      expect.objectContaining({ category: '最美科技工作者', personName: '李华', workUnit: '南京大学', discipline: '材料科学', jobTitle: '教授、博士生导师', hasPhoto: true }),
    ]);
    expect(gallery.body).not.toMatch(/1979|female|王强/);
    const photo = await anonymous(t.app).get(`/api/v1/public/gallery/${roundId}/photos/${gallery.json().persons[0].candidateId}`);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    // 王强 was not selected: no photo of him is public.
    const wang = (await province.get(`/api/v1/evaluation-rounds/${roundId}`)).json().candidates.find((c: { title: string }) => c.title === '王强');
    expect((await anonymous(t.app).get(`/api/v1/public/gallery/${roundId}/photos/${wang.id}`)).statusCode).toBe(404);
  });

  const categoryId = async () => (await province.get(`/api/v1/evaluation-rounds/${roundId}`)).json().categories[0].id as number;
});
