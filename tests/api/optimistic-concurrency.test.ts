import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../support/factories';
import { issueJiangsuNotice, jiangsuScenario } from '../support/jiangsu-scenario';
import { testAdmin } from '../support/template';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

type Reply = Awaited<ReturnType<Client['get']>>;

/** A stale edit: 409 `stale_version`, as problem+json. */
function expectStale(reply: Reply) {
  expect(reply.statusCode, reply.body).toBe(409);
  expect(reply.headers['content-type']).toContain('application/problem+json');
  expect(reply.json().code).toBe('stale_version');
}

/**
 * Optimistic concurrency on edits (issue 9): every PUT/PATCH route is classified here, so a new edit
 * route must say whether it carries a version; stale edits are refused with 409 `stale_version` and
 * overwrite nothing (here for campaigns and notice drafts; the other versioned routes are proven in
 * their features' tests, named below).
 */
const versioned = {
  'PATCH /api/v1/units/{id}': 'tests/api/units.test.ts › renames with optimistic concurrency',
  'PATCH /api/v1/users/{id}': 'tests/api/users.test.ts › refuses a stale edit',
  'PUT /api/v1/campaigns/{id}': 'this file',
  'PATCH /api/v1/campaign-activities/{id}': 'this file',
  'PUT /api/v1/notices/{id}': 'this file',
  'PATCH /api/v1/collection-tasks/{id}/deadline': 'this file (shares the task version with the reminder settings)',
  'PUT /api/v1/collection-tasks/{id}/submission': 'tests/api/submissions.test.ts › refuses a stale save and overwrites nothing',
  'PUT /api/v1/nominations/{id}': 'tests/api/nominations.test.ts › holds 主要事迹 to 1,500 字 when submitting',
  'PUT /api/v1/showcase/activities/{id}/publication': 'tests/api/showcase.test.ts › rejects with a reason, and a rejected request can be asked again',
  'PUT /api/v1/showcase/activities/{id}/signup-settings': 'tests/api/signups.test.ts › takes nothing for an activity that is not published or not open',
  'PUT /api/v1/showcase/articles/{id}': 'tests/api/articles.test.ts › changes at once when edited (stale versions refused)',
  'PUT /api/v1/surveys/{id}': 'tests/api/surveys.test.ts › is not public as a draft; publishing opens it and freezes the questions',
  'PUT /api/v1/contribution-calls/{id}': 'tests/api/contributions.test.ts › is changed with its version; a stale version is refused',
  'PUT /api/v1/demands/{id}/case': 'tests/api/demands.test.ts › publishes an anonymised case the unit wrote, refusing personal data and stale versions',
  'PUT /api/v1/collection-tasks/{id}/reminder-settings': 'this file',
  'PUT /api/v1/mail-templates/{kind}': 'this file',
  'PATCH /api/v1/evaluation-candidates/{id}/eligibility': 'this file',
  'PUT /api/v1/evaluation-rounds/{id}/reviewers': 'this file',
  'PUT /api/v1/evaluation-candidates/{id}/reviewers': 'this file',
  'PUT /api/v1/my-reviews/{id}/scores': 'this file',
  'PUT /api/v1/evaluation-rounds/{id}/decision': 'this file (and tests/api/recommendations.test.ts › decides within the places)',
  'PUT /api/v1/showcase/campaigns/{id}/moderators': 'this file',
  'PUT /api/v1/users/{id}/personal-data-export': 'this file',
};
/** Edit routes without a version (a new one must carry a version or be listed here with why). */
const unversioned: string[] = [
  // Time limits per category, set by the system administrator alone: the last setting holds.
  'PUT /api/v1/demand-time-limits',
];

let t: TestApp;
let s: Awaited<ReturnType<typeof jiangsuScenario>>;
let province: Client;
beforeAll(async () => {
  t = await createTestApp();
  s = await jiangsuScenario(t.db);
  province = await signIn(t.app, s.people.province.username, s.people.province.password);
});
afterAll(() => t.close());

describe('optimistic concurrency on edits', () => {
  it('classifies every PUT and PATCH route by whether it carries a version', async () => {
    await t.app.ready();
    const doc = t.app.swagger() as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>> };
    const edits = { versioned: [] as string[], unversioned: [] as string[] };
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (method !== 'put' && method !== 'patch') continue;
        const properties = operation.requestBody?.content?.['application/json']?.schema?.properties ?? {};
        edits['version' in properties ? 'versioned' : 'unversioned'].push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(edits.versioned.sort()).toEqual(Object.keys(versioned).sort());
    expect(edits.unversioned.sort()).toEqual([...unversioned].sort());
  });

  it('refuses a stale campaign edit and overwrites nothing', async () => {
    const template = (await province.post('/api/v1/campaigns/template', { unitId: s.jiangsu.id, year: 2031 })).json() as Record<string, unknown>;
    const created = await province.post('/api/v1/campaigns', { ...template, theme: '第一稿主题' });
    expect(created.statusCode, created.body).toBe(201);
    const campaign = created.json();
    const { unitId: _unit, year: _year, parentCampaignId: _parent, ...body } = template;
    const first = await province.put(`/api/v1/campaigns/${campaign.id}`, { ...body, theme: '甲改的主题', version: campaign.version });
    expect(first.statusCode, first.body).toBe(200);
    const stale = await province.put(`/api/v1/campaigns/${campaign.id}`, { ...body, theme: '乙改的主题', version: campaign.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('stale_version');
    expect((await province.get(`/api/v1/campaigns/${campaign.id}`)).json()).toMatchObject({ theme: '甲改的主题', version: first.json().version });
  });

  it('refuses a stale edit of a campaign activity and overwrites nothing', async () => {
    const template = (await province.post('/api/v1/campaigns/template', { unitId: s.jiangsu.id, year: 2035 })).json() as Record<string, unknown>;
    const campaign = (await province.post('/api/v1/campaigns', { ...template, theme: '众心向党，自立自强' })).json();
    const moduleId = campaign.modules[0].id as string;
    const created = await province.post(`/api/v1/campaigns/${campaign.id}/activities`, { title: '科技工作者座谈会', moduleId });
    expect(created.statusCode, created.body).toBe(201);
    const id: number = created.json().id;
    const read = async () => (await province.get(`/api/v1/campaigns/${campaign.id}/activities`)).json().find((a: { id: number }) => a.id === id);
    const { version } = await read();
    const first = await province.patch(`/api/v1/campaign-activities/${id}`, { title: '甲改的座谈会', version });
    expect(first.statusCode, first.body).toBe(200);
    expectStale(await province.patch(`/api/v1/campaign-activities/${id}`, { title: '乙改的座谈会', version }));
    expect(await read()).toMatchObject({ title: '甲改的座谈会', version: version + 1 });
  });

  it('refuses a stale edit of a notice draft and overwrites nothing', async () => {
    const template = (await province.post('/api/v1/campaigns/template', { unitId: s.jiangsu.id, year: 2032 })).json() as Record<string, unknown>;
    const campaign = (await province.post('/api/v1/campaigns', { ...template, theme: '众心向党，自立自强' })).json();
    const fields = {
      campaignId: campaign.id,
      documentNumber: '苏科协发〔2032〕9号',
      title: '关于开展活动的通知',
      addresseeRules: [{ kind: 'units_of_type', unitType: 'regional_association', level: 'city', scope: 'children' }],
      tasks: [],
    };
    const draft = await province.post('/api/v1/notices', { issuerUnitId: s.jiangsu.id, ...fields });
    expect(draft.statusCode, draft.body).toBe(201);
    const first = await province.put(`/api/v1/notices/${draft.json().id}`, { ...fields, title: '甲改的标题', version: draft.json().version });
    expect(first.statusCode, first.body).toBe(200);
    const stale = await province.put(`/api/v1/notices/${draft.json().id}`, { ...fields, title: '乙改的标题', version: draft.json().version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('stale_version');
    expect((await province.get(`/api/v1/notices/${draft.json().id}`)).json()).toMatchObject({ title: '甲改的标题', version: first.json().version });
  });

  it('refuses stale reminder settings and a deadline moved from the same stale task version', async () => {
    const { taskId } = await issueJiangsuNotice(province, s.jiangsu.id, { year: 2033, deadline: '2033-05-12', documentSerial: 71 });
    const task = (await province.get(`/api/v1/collection-tasks/${taskId}`)).json().task;
    expect(task.reminderSettings).toEqual({ enabled: true, daysBefore: [3, 1], time: '10:00', overdue: true });
    const settings = { enabled: true, daysBefore: [2], overdue: false };
    const first = await province.put(`/api/v1/collection-tasks/${taskId}/reminder-settings`, { ...settings, time: '09:30', version: task.version });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ ...settings, time: '09:30', version: task.version + 1 });
    expectStale(await province.put(`/api/v1/collection-tasks/${taskId}/reminder-settings`, { ...settings, time: '15:00', version: task.version }));
    expectStale(await province.patch(`/api/v1/collection-tasks/${taskId}/deadline`, { deadline: '2033-05-20', version: task.version }));
    const after = (await province.get(`/api/v1/collection-tasks/${taskId}`)).json().task;
    expect(after).toMatchObject({ reminderSettings: { time: '09:30' }, deadlineDate: '2033-05-12', version: task.version + 1 });
    // Units that only submit do not see the collector's settings.
    expect((await (await signIn(t.app, s.people.nanjing.username, s.people.nanjing.password)).get(`/api/v1/collection-tasks/${taskId}`)).json().task.reminderSettings).toBeNull();
  });

  it('refuses a stale mail template, the first customisation included, and overwrites nothing', async () => {
    const url = '/api/v1/mail-templates/accept';
    const listed = (await province.get(`/api/v1/mail-templates?unitId=${s.jiangsu.id}`)).json().find((m: { kind: string }) => m.kind === 'accept');
    expect(listed).toMatchObject({ custom: false, version: 0 });
    const created = await province.put(url, { unitId: s.jiangsu.id, subject: '甲的主题', body: '甲的正文', version: 0 });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json().version).toBe(1);
    // Another editor who also started from the default text: stale, not a second "first" template.
    expectStale(await province.put(url, { unitId: s.jiangsu.id, subject: '乙的主题', body: '乙的正文', version: 0 }));
    expect((await province.put(url, { unitId: s.jiangsu.id, subject: '甲再改', body: '甲的正文', version: 1 })).json().version).toBe(2);
    expectStale(await province.put(url, { unitId: s.jiangsu.id, subject: '乙的主题', body: '乙的正文', version: 1 }));
    const row = await t.db.selectFrom('mail_templates').select(['subject', 'version']).where('unit_id', '=', s.jiangsu.id).where('kind', '=', 'accept').executeTakeFirstOrThrow();
    expect(row).toEqual({ subject: '甲再改', version: 2 });
  });

  it('refuses stale edits through an evaluation round: eligibility, experts, scores and the decision', async () => {
    const created = await province.post('/api/v1/evaluation-rounds', {
      unitId: s.jiangsu.id,
      title: '并发测试评选',
      categories: [{ name: '优秀组织单位', kind: 'unit', places: 1 }],
      criteria: [{ name: '综合', weight: 1 }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const roundId: number = created.json().id;
    const categoryId: number = created.json().categories[0].id;
    // A candidate made directly (proposing needs a source task; this test is about the edits).
    const candidateId = (await t.db.insertInto('evaluation_candidates').values({ category_id: categoryId, unit_id: s.nanjing.id, eligible: null }).returning('id').executeTakeFirstOrThrow()).id;
    const expert = await createUser(t.db, s.suzhou.id, ['reviewer']);
    const round = async () => (await province.get(`/api/v1/evaluation-rounds/${roundId}`)).json();
    const candidate = async () => (await round()).candidates.find((c: { id: number }) => c.id === candidateId);

    // Eligibility: the candidate's version.
    const v1 = (await candidate()).version;
    const eligible = await province.patch(`/api/v1/evaluation-candidates/${candidateId}/eligibility`, { eligible: true, note: '材料齐全', version: v1 });
    expect(eligible.statusCode, eligible.body).toBe(200);
    expect(eligible.json()).toEqual({ ok: true, version: v1 + 1 });
    expectStale(await province.patch(`/api/v1/evaluation-candidates/${candidateId}/eligibility`, { eligible: false, note: '不符合', version: v1 }));
    expect(await candidate()).toMatchObject({ eligible: true, eligibilityNote: '材料齐全' });

    // The round's experts: the round's version.
    const r1 = (await round()).version;
    expect((await province.put(`/api/v1/evaluation-rounds/${roundId}/reviewers`, { userIds: [expert.id], version: r1 })).json()).toEqual({ ok: true, version: r1 + 1 });
    expectStale(await province.put(`/api/v1/evaluation-rounds/${roundId}/reviewers`, { userIds: [], version: r1 }));
    expect((await round()).reviewers.map((r: { userId: number }) => r.userId)).toEqual([expert.id]);

    // Experts assigned to the candidate by hand: the candidate's version again.
    const v2 = (await candidate()).version;
    expect(v2).toBe(v1 + 1);
    expect((await province.put(`/api/v1/evaluation-candidates/${candidateId}/reviewers`, { userIds: [expert.id], version: v2 })).statusCode).toBe(200);
    expectStale(await province.put(`/api/v1/evaluation-candidates/${candidateId}/reviewers`, { userIds: [], version: v2 }));
    expect((await candidate()).reviewers.map((r: { userId: number }) => r.userId)).toEqual([expert.id]);

    // The expert's scores: the expert's own assignment's version (two tabs of the same expert).
    expect((await province.post(`/api/v1/evaluation-rounds/${roundId}/stage`, { to: 'review' })).statusCode).toBe(200);
    const expertClient = await signIn(t.app, expert.username, expert.password);
    const review = (await expertClient.get('/api/v1/my-reviews')).json().find((r: { candidateId: number }) => r.candidateId === candidateId);
    const criterionId: number = review.criteria[0].id;
    const saved = await expertClient.put(`/api/v1/my-reviews/${candidateId}/scores`, { scores: [{ criterionId, score: 80 }], comment: '甲页', version: review.version });
    expect(saved.statusCode, saved.body).toBe(200);
    expectStale(await expertClient.put(`/api/v1/my-reviews/${candidateId}/scores`, { scores: [{ criterionId, score: 60 }], comment: '乙页', submit: true, version: review.version }));
    expect((await expertClient.get('/api/v1/my-reviews')).json().find((r: { candidateId: number }) => r.candidateId === candidateId)).toMatchObject({
      scores: [{ criterionId, score: 80 }],
      comment: '甲页',
      submitted: false,
      version: saved.json().version,
    });
    expect((await expertClient.put(`/api/v1/my-reviews/${candidateId}/scores`, { scores: [{ criterionId, score: 85 }], submit: true, version: saved.json().version })).statusCode).toBe(200);

    // The decision: the round's version.
    expect((await province.post(`/api/v1/evaluation-rounds/${roundId}/stage`, { to: 'decision' })).statusCode).toBe(200);
    const r2 = (await round()).version;
    expect((await province.put(`/api/v1/evaluation-rounds/${roundId}/decision`, { categoryId, candidateIds: [candidateId], version: r2 })).statusCode).toBe(200);
    expectStale(await province.put(`/api/v1/evaluation-rounds/${roundId}/decision`, { categoryId, candidateIds: [], version: r2 }));
    expect((await candidate()).selected).toBe(true);
  });

  it('refuses a stale list of showcase moderators and overwrites nothing', async () => {
    const template = (await province.post('/api/v1/campaigns/template', { unitId: s.jiangsu.id, year: 2034 })).json() as Record<string, unknown>;
    const campaignId: number = (await province.post('/api/v1/campaigns', { ...template, theme: '弘扬科学家精神' })).json().id;
    const url = `/api/v1/showcase/campaigns/${campaignId}/moderators`;
    const { version } = (await province.get(url)).json();
    expect((await province.put(url, { unitIds: [s.office.id], version })).json()).toEqual({ ok: true, version: version + 1 });
    expectStale(await province.put(url, { unitIds: [], version }));
    expect((await province.get(url)).json()).toEqual({ units: [{ unitId: s.office.id, unitName: s.office.short_name }], version: version + 1 });
  });

  it('refuses a stale grant or withdrawal of the personal-data export permission', async () => {
    const admin = await signIn(t.app, testAdmin.username, testAdmin.password);
    const userId = s.people.suzhou.id;
    const { version } = await t.db.selectFrom('users').select('version').where('id', '=', userId).executeTakeFirstOrThrow();
    const granted = await admin.put(`/api/v1/users/${userId}/personal-data-export`, { granted: true, version });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json()).toEqual({ userId, granted: true, version: version + 1 });
    // A second administrator withdrawing it from the view read before the grant: refused.
    expectStale(await admin.put(`/api/v1/users/${userId}/personal-data-export`, { granted: false, version }));
    expect(await t.db.selectFrom('personal_data_export_grants').select('user_id').where('user_id', '=', userId).executeTakeFirst()).toEqual({ user_id: userId });
  });
});
