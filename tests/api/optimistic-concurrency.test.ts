import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jiangsuScenario } from '../support/jiangsu-scenario';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

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
  'PATCH /api/v1/campaign-activities/{id}': 'not yet tested for staleness',
  'PUT /api/v1/notices/{id}': 'this file',
  'PATCH /api/v1/collection-tasks/{id}/deadline': 'not yet tested for staleness',
  'PUT /api/v1/collection-tasks/{id}/submission': 'tests/api/submissions.test.ts › refuses a stale save and overwrites nothing',
  'PUT /api/v1/nominations/{id}': 'not yet tested for staleness',
  'PUT /api/v1/showcase/activities/{id}/publication': 'not yet tested for staleness',
  'PUT /api/v1/showcase/activities/{id}/signup-settings': 'not yet tested for staleness',
  'PUT /api/v1/showcase/articles/{id}': 'tests/api/articles.test.ts › changes at once when edited (stale versions refused)',
  'PUT /api/v1/surveys/{id}': 'tests/api/surveys.test.ts › is not public as a draft; publishing opens it and freezes the questions',
  'PUT /api/v1/contribution-calls/{id}': 'tests/api/contributions.test.ts › is changed with its version; a stale version is refused',
  'PUT /api/v1/demands/{id}/case': 'tests/api/demands.test.ts › publishes an anonymised case the unit wrote, refusing personal data and stale versions',
};
/** Edit routes without a version: last write wins (settings and per-reviewer lists, see docs/security.md). */
const unversioned = [
  'PUT /api/v1/collection-tasks/{id}/reminder-settings',
  'PUT /api/v1/mail-templates/{kind}',
  'PATCH /api/v1/evaluation-candidates/{id}/eligibility',
  'PUT /api/v1/evaluation-rounds/{id}/reviewers',
  'PUT /api/v1/evaluation-candidates/{id}/reviewers',
  'PUT /api/v1/my-reviews/{id}/scores',
  'PUT /api/v1/evaluation-rounds/{id}/decision',
  'PUT /api/v1/showcase/campaigns/{id}/moderators',
  // A yes/no grant set by the system administrator: setting it twice is the same.
  'PUT /api/v1/users/{id}/personal-data-export',
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
});
