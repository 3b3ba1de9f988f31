import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/shared/domain/roles';
import { sealRow } from '../../src/server/crypto/personal-data';
import { insertCampaign } from '../../src/server/features/campaigns/repository';
import { insertDemand } from '../../src/server/features/demands/repository';
import { insertForm, insertFormVersion } from '../../src/server/features/forms/repository';
import { shandongFeaturedActivityForm } from '../../src/shared/forms/templates';
import { createUnit, createUser, rootUnit } from '../support/factories';
import { anonymous, createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

/**
 * Every protected route × every role × every relation between the caller's unit and the target:
 * own unit, ancestor, descendant, sibling, unrelated (another province), plus anonymous callers.
 * The expected answers come from the table below, written from the requirements, not from the
 * policy code: what the caller may not see is a 404, what it sees but may not change is a 403.
 */
type Relation = 'own' | 'ancestor' | 'descendant' | 'sibling' | 'unrelated';
const relations: Relation[] = ['own', 'ancestor', 'descendant', 'sibling', 'unrelated'];
const matrixRoles: Role[] = ['unit_admin', 'campaign_manager', 'contact', 'reviewer'];
/**
 * 三员分立: the security administrator (accounts only) and the audit administrator (the audit log
 * only) are checked against every route too. Neither sees units or business records (404), except
 * that the security administrator sees the accounts of its subtree (refusals there are 403).
 */
const separatedRoles: Role[] = ['security_admin', 'audit_admin'];
const testedRoles: Role[] = [...matrixRoles, ...separatedRoles, 'system_admin'];
const visibleRelations: Relation[] = ['own', 'descendant'];

interface Target {
  unitId: number;
  userId: number;
  version: number;
  userVersion: number;
  spareParentId: number;
  /** The caller's own unit. */
  callerUnitId: number;
}

type Expected = 'allow' | 403 | 404 | 409;

interface RouteCase {
  name: string;
  /** The route as registered, to check that every route is covered. */
  route: string;
  request: (client: Client, target: Target) => ReturnType<Client['get']>;
  allowedRoles: Role[];
  allowedRelations: Relation[];
  /** Relations in which the record is visible (refusals there are 403, elsewhere 404). */
  visibleIn?: Relation[];
  /** For rules the two lists above cannot say (business roles only). */
  expected?: (role: Role, relation: Relation) => Expected;
  /** An account route: the security administrator sees the account (refused with 403, not 404). */
  securitySees?: boolean;
  /** A route refused alike to every caller without the permission, whatever the record: the answer reveals nothing. */
  uniform?: Expected;
  /**
   * Restructuring the caller's own unit: refused to unit administrators (only the units below
   * theirs), open to the system administrator; the answer past the access check.
   */
  systemAdminOwn?: Expected;
}

function expectedAnswer(routeCase: RouteCase, role: Role, relation: Relation): Expected {
  if (role === 'system_admin') {
    // The system administrator does, within its subtree, whatever its unit's administrator or
    // campaign manager may (and restructures its own unit too); a refusal reads as the unit
    // administrator's would. Grants of the export permission are its own, within its subtree.
    if (routeCase.allowedRoles.length === 0 && routeCase.uniform !== undefined) return visibleRelations.includes(relation) ? 'allow' : 404;
    if (relation === 'own' && routeCase.systemAdminOwn !== undefined) return routeCase.systemAdminOwn;
    const answers = (['unit_admin', 'campaign_manager'] as const).map((r) => expectedAnswer(routeCase, r, relation));
    return answers.find((a) => a === 'allow' || a === 409) ?? answers[0]!;
  }
  const visible = (routeCase.visibleIn ?? visibleRelations).includes(relation);
  const allowed = routeCase.allowedRoles.includes(role) && routeCase.allowedRelations.includes(relation);
  if (routeCase.uniform !== undefined && !allowed) return routeCase.uniform;
  if (separatedRoles.includes(role)) {
    if (allowed) return 'allow';
    return role === 'security_admin' && routeCase.securitySees && visibleRelations.includes(relation) ? 403 : 404;
  }
  return routeCase.expected?.(role, relation) ?? (allowed ? 'allow' : visible ? 403 : 404);
}

/**
 * Collecting a task is for the issuer's campaign managers. A unit that sees the task — the issuer's
 * side, or a unit asked to submit (the caller below the issuer, except a reviewer, who submits
 * nothing) — is refused with 403; anyone else gets 404.
 */
function collectExpectation(role: Role, relation: Relation): Expected {
  if (visibleRelations.includes(relation)) return role === 'campaign_manager' ? 'allow' : 403;
  if (relation === 'ancestor') return role === 'reviewer' ? 404 : 403;
  return 404;
}

const routeCases: RouteCase[] = [
  {
    name: 'view unit',
    route: 'GET /api/v1/units/:id',
    request: (c, t) => c.get(`/api/v1/units/${t.unitId}`),
    allowedRoles: matrixRoles,
    allowedRelations: visibleRelations,
  },
  {
    name: 'list children',
    route: 'GET /api/v1/units/:id/children',
    request: (c, t) => c.get(`/api/v1/units/${t.unitId}/children`),
    allowedRoles: matrixRoles,
    allowedRelations: visibleRelations,
  },
  {
    name: 'edit unit details',
    route: 'PATCH /api/v1/units/:id',
    request: (c, t) => c.patch(`/api/v1/units/${t.unitId}`, { version: t.version, contactName: '李四' }),
    allowedRoles: ['unit_admin'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'rename unit',
    route: 'PATCH /api/v1/units/:id',
    request: (c, t) => c.patch(`/api/v1/units/${t.unitId}`, { version: t.version, shortName: `更名${t.unitId}` }),
    allowedRoles: ['unit_admin'],
    allowedRelations: ['descendant'],
    systemAdminOwn: 'allow',
  },
  {
    name: 'add child unit',
    route: 'POST /api/v1/units',
    request: (c, t) => c.post('/api/v1/units', { parentId: t.unitId, name: `新学会${t.unitId}全称`, shortName: `新学会${t.unitId}`, type: 'learned_society' }),
    allowedRoles: ['unit_admin'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'move unit',
    route: 'POST /api/v1/units/:id/move',
    request: (c, t) => c.post(`/api/v1/units/${t.unitId}/move`, { version: t.version, newParentId: t.spareParentId }),
    allowedRoles: ['unit_admin'],
    allowedRelations: ['descendant'],
    // Its own unit under a unit below it: past the access check, a loop.
    systemAdminOwn: 409,
  },
  {
    name: 'deactivate unit',
    route: 'POST /api/v1/units/:id/deactivate',
    request: (c, t) => c.post(`/api/v1/units/${t.unitId}/deactivate`, { version: t.version }),
    allowedRoles: ['unit_admin'],
    allowedRelations: ['descendant'],
    systemAdminOwn: 'allow',
  },
  {
    name: 'reactivate unit',
    route: 'POST /api/v1/units/:id/reactivate',
    request: async (c, t) => {
      const response = await c.post(`/api/v1/units/${t.unitId}/reactivate`, { version: t.version });
      return response;
    },
    allowedRoles: ['unit_admin'],
    allowedRelations: ['descendant'],
    systemAdminOwn: 'allow',
  },
  {
    name: 'list accounts of unit',
    route: 'GET /api/v1/users',
    request: (c, t) => c.get(`/api/v1/users?unitId=${t.unitId}`),
    allowedRoles: ['unit_admin', 'security_admin'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'view account',
    route: 'GET /api/v1/users/:id',
    request: (c, t) => c.get(`/api/v1/users/${t.userId}`),
    allowedRoles: ['unit_admin', 'security_admin'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'create account',
    route: 'POST /api/v1/users',
    request: (c, t) => c.post('/api/v1/users', { unitId: t.unitId, username: `acct-${t.unitId}-${Date.now()}`, displayName: '新用户', roles: ['contact'] }),
    allowedRoles: ['unit_admin'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'bulk accounts',
    route: 'POST /api/v1/users/bulk',
    request: (c, t) => c.post('/api/v1/users/bulk', { unitIds: [t.unitId], role: 'contact', mode: 'activation_link', skipUnitsWithRole: false }),
    allowedRoles: ['unit_admin'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'edit account',
    route: 'PATCH /api/v1/users/:id',
    request: (c, t) => c.patch(`/api/v1/users/${t.userId}`, { version: t.userVersion, displayName: '改名' }),
    allowedRoles: ['unit_admin'],
    allowedRelations: ['own', 'descendant'],
    securitySees: true,
  },
  {
    // A separate permission granted by system administrators only (never implied by a role):
    // refused to every other role whatever the account, so the answer reveals nothing.
    name: 'grant the personal-data export permission',
    route: 'PUT /api/v1/users/:id/personal-data-export',
    request: (c, t) => c.put(`/api/v1/users/${t.userId}/personal-data-export`, { granted: true, version: t.userVersion }),
    allowedRoles: [],
    allowedRelations: [],
    uniform: 403,
  },
  {
    name: 'reset password',
    route: 'POST /api/v1/users/:id/reset-password',
    request: (c, t) => c.post(`/api/v1/users/${t.userId}/reset-password`, { mode: 'activation_link' }),
    allowedRoles: ['unit_admin'],
    allowedRelations: ['own', 'descendant'],
    securitySees: true,
  },
  ...(['unlock', 'reset-totp'] as const).map(
    (action): RouteCase => ({
      name: `${action} an account`,
      route: `POST /api/v1/users/:id/${action}`,
      request: (c, t) => c.post(`/api/v1/users/${t.userId}/${action}`),
      // The security administrator's alone: unit administrators see the account but are refused.
      allowedRoles: ['security_admin'],
      allowedRelations: ['own', 'descendant'],
    }),
  ),
  // --- Calls for contributions (作品征集): the column's campaign managers (or above) manage them and
  // moderate the works; anyone else is told nothing exists (404), even in the unit itself.
  {
    name: 'list contribution calls',
    route: 'GET /api/v1/showcase/campaigns/:id/contribution-calls',
    request: async (c, t) => c.get(`/api/v1/showcase/campaigns/${await fixtures.campaign(t.unitId)}/contribution-calls`),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'open a contribution call',
    route: 'POST /api/v1/showcase/campaigns/:id/contribution-calls',
    request: async (c, t) =>
      c.post(`/api/v1/showcase/campaigns/${await fixtures.campaign(t.unitId)}/contribution-calls`, { title: '5·30祝福征集', kinds: ['letter'], opensAt: '2030-05-01T00:00:00+08:00', closesAt: '2030-05-31T00:00:00+08:00' }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  ...(
    [
      ['view a contribution call', 'GET /api/v1/contribution-calls/:id', (c: Client, id: number) => c.get(`/api/v1/contribution-calls/${id}`)],
      ['change a contribution call', 'PUT /api/v1/contribution-calls/:id', (c: Client, id: number) => c.put(`/api/v1/contribution-calls/${id}`, { version: 1, title: '5·30祝福征集（改）', kinds: ['letter', 'photo'], opensAt: '2030-05-01T00:00:00+08:00', closesAt: '2030-05-31T00:00:00+08:00' })],
      ['publish a contribution call', 'POST /api/v1/contribution-calls/:id/publish', (c: Client, id: number) => c.post(`/api/v1/contribution-calls/${id}/publish`, { version: 1 })],
      ['withdraw a contribution call', 'POST /api/v1/contribution-calls/:id/withdraw', (c: Client, id: number) => c.post(`/api/v1/contribution-calls/${id}/withdraw`, { version: 1 })],
      ['list works of a call', 'GET /api/v1/contribution-calls/:id/contributions', (c: Client, id: number) => c.get(`/api/v1/contribution-calls/${id}/contributions`)],
    ] as const
  ).map(
    ([name, route, send]): RouteCase => ({
      name,
      route,
      request: async (c, t) => send(c, await fixtures.contributionCall(t.unitId)),
      allowedRoles: ['campaign_manager'],
      allowedRelations: ['own', 'descendant'],
      expected: (role, relation) => (role === 'campaign_manager' && visibleRelations.includes(relation) ? 'allow' : 404),
    }),
  ),
  ...(
    [
      ['approve a work', 'POST /api/v1/contributions/:id/approve', 'pending', (c: Client, id: number) => c.post(`/api/v1/contributions/${id}/approve`, { version: 1 })],
      ['reject a work', 'POST /api/v1/contributions/:id/reject', 'pending', (c: Client, id: number) => c.post(`/api/v1/contributions/${id}/reject`, { version: 1, reason: '内容与征集主题无关' })],
      ['withdraw a work', 'POST /api/v1/contributions/:id/withdraw', 'approved', (c: Client, id: number) => c.post(`/api/v1/contributions/${id}/withdraw`, { version: 1, reason: '作者要求撤下' })],
    ] as const
  ).map(
    ([name, route, status, send]): RouteCase => ({
      name,
      route,
      request: async (c, t) => send(c, await fixtures.contribution(t.unitId, status)),
      allowedRoles: ['campaign_manager'],
      allowedRelations: ['own', 'descendant'],
      expected: (role, relation) => (role === 'campaign_manager' && visibleRelations.includes(relation) ? 'allow' : 404),
    }),
  ),
  // --- Campaigns: readable in the unit's subtree and by the levels below it (ancestor relation). ---
  {
    name: 'view campaign',
    route: 'GET /api/v1/campaigns/:id',
    request: async (c, t) => c.get(`/api/v1/campaigns/${await fixtures.campaign(t.unitId)}`),
    allowedRoles: matrixRoles,
    allowedRelations: ['own', 'descendant', 'ancestor'],
  },
  {
    name: 'list campaign activities',
    route: 'GET /api/v1/campaigns/:id/activities',
    request: async (c, t) => c.get(`/api/v1/campaigns/${await fixtures.campaign(t.unitId)}/activities`),
    allowedRoles: matrixRoles,
    allowedRelations: ['own', 'descendant', 'ancestor'],
  },
  {
    name: 'update campaign',
    route: 'PUT /api/v1/campaigns/:id',
    request: async (c, t) => {
      const id = await fixtures.campaign(t.unitId);
      return c.put(`/api/v1/campaigns/${id}`, { version: 1, ordinal: 5, theme: '众心向党，自立自强', modules: [{ id: 'unite', name: '团结引领' }], phases: [{ id: 'p1', name: '第一阶段', startDate: '2030-05-10', endDate: '2030-05-25' }], targetGroups: [{ id: 'g1', name: '科技工作者' }], keyDates: [] });
    },
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
    visibleIn: ['own', 'descendant', 'ancestor'],
  },
  {
    name: 'add campaign activity',
    route: 'POST /api/v1/campaigns/:id/activities',
    request: async (c, t) => c.post(`/api/v1/campaigns/${await fixtures.campaign(t.unitId)}/activities`, { title: '座谈会', moduleId: 'unite' }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
    visibleIn: ['own', 'descendant', 'ancestor'],
  },
  {
    name: 'update campaign activity',
    route: 'PATCH /api/v1/campaign-activities/:id',
    request: async (c, t) => c.patch(`/api/v1/campaign-activities/${await fixtures.activity(t.unitId)}`, { version: 1, title: '改名的座谈会' }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
    visibleIn: ['own', 'descendant', 'ancestor'],
  },
  {
    name: 'create campaign',
    route: 'POST /api/v1/campaigns',
    request: (c, t) =>
      c.post('/api/v1/campaigns', { unitId: t.unitId, year: 2031, theme: '众心向党，自立自强', modules: [{ name: '团结引领' }], phases: [{ name: '第一阶段', startDate: '2031-05-10', endDate: '2031-05-25' }], targetGroups: [{ name: '科技工作者' }] }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'campaign template',
    route: 'POST /api/v1/campaigns/template',
    request: (c, t) => c.post('/api/v1/campaigns/template', { unitId: t.unitId, year: 2031 }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  // --- Notices: drafts only to the issuer's managers; issued ones to the issuer's subtree and the units reached. ---
  {
    name: 'draft a notice',
    route: 'POST /api/v1/notices',
    request: (c, t) => c.post('/api/v1/notices', { issuerUnitId: t.unitId, title: '关于测试的通知' }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'preview recipients',
    route: 'POST /api/v1/notices/recipients-preview',
    request: (c, t) => c.post('/api/v1/notices/recipients-preview', { issuerUnitId: t.unitId, addresseeRules: [{ kind: 'units_of_type', unitType: 'learned_society' }] }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'suggest a document number',
    route: 'GET /api/v1/notices/next-number',
    request: (c, t) => c.get(`/api/v1/notices/next-number?issuerUnitId=${t.unitId}&prefix=${encodeURIComponent('测科协发')}&year=2030`),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  ...(['GET', 'PUT', 'ISSUE'] as const).map(
    (verb): RouteCase => ({
      name: `${verb.toLowerCase()} a draft notice`,
      route: verb === 'GET' ? 'GET /api/v1/notices/:id' : verb === 'PUT' ? 'PUT /api/v1/notices/:id' : 'POST /api/v1/notices/:id/issue',
      request: async (c, t) => {
        const id = await fixtures.draftNotice(t.unitId);
        if (verb === 'GET') return c.get(`/api/v1/notices/${id}`);
        if (verb === 'PUT') return c.put(`/api/v1/notices/${id}`, { version: 1, title: '关于改过的测试通知' });
        return c.post(`/api/v1/notices/${id}/issue`, { version: 1 });
      },
      allowedRoles: ['campaign_manager'],
      allowedRelations: ['own', 'descendant'],
      // A draft exists only for its issuer's managers.
      visibleIn: [],
    }),
  ),
  {
    name: 'read an issued notice',
    route: 'GET /api/v1/notices/:id',
    request: async (c, t) => c.get(`/api/v1/notices/${(await fixtures.issuedNotice(t)).noticeId}`),
    allowedRoles: matrixRoles,
    allowedRelations: ['own', 'descendant', 'ancestor'],
  },
  ...(['docx', 'pdf'] as const).map(
    (format): RouteCase => ({
      name: `download the notice as ${format}`,
      route: `GET /api/v1/notices/:id/document.${format}`,
      request: async (c, t) => c.get(`/api/v1/notices/${(await fixtures.issuedNotice(t)).noticeId}/document.${format}`),
      allowedRoles: matrixRoles,
      allowedRelations: ['own', 'descendant', 'ancestor'],
    }),
  ),
  {
    name: 'sign for a notice',
    route: 'POST /api/v1/notices/:id/acknowledge',
    request: async (c, t) => c.post(`/api/v1/notices/${(await fixtures.issuedNotice(t)).noticeId}/acknowledge`),
    allowedRoles: ['unit_admin', 'campaign_manager', 'contact'],
    allowedRelations: ['ancestor'],
    // Only the unit reached signs; the issuer's own side is told it did not receive the notice.
    expected: (role, relation) =>
      relation === 'ancestor' ? (role === 'reviewer' ? 403 : 'allow') : visibleRelations.includes(relation) ? 409 : 404,
  },
  {
    name: 'forward a notice',
    route: 'POST /api/v1/notices/:id/forward',
    request: async (c, t) => c.post(`/api/v1/notices/${(await fixtures.issuedNotice(t)).noticeId}/forward`, {}),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['ancestor'],
    expected: (role, relation) =>
      relation === 'ancestor' ? (role === 'campaign_manager' ? 'allow' : 403) : visibleRelations.includes(relation) ? 409 : 404,
  },
  ...(['cascade', 'cascade.xlsx'] as const).map(
    (path): RouteCase => ({
      name: `see the ${path}`,
      route: `GET /api/v1/notices/:id/${path}`,
      request: async (c, t) => c.get(`/api/v1/notices/${(await fixtures.issuedNotice(t)).noticeId}/${path}`),
      allowedRoles: matrixRoles,
      allowedRelations: ['own', 'descendant'],
      visibleIn: ['own', 'descendant', 'ancestor'],
    }),
  ),
  {
    name: 'withdraw a notice',
    route: 'POST /api/v1/notices/:id/withdraw',
    request: async (c, t) => c.post(`/api/v1/notices/${(await fixtures.issuedNotice(t)).noticeId}/withdraw`, { reason: '测试撤回' }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
    visibleIn: ['own', 'descendant', 'ancestor'],
  },
  {
    name: 'move a deadline',
    route: 'PATCH /api/v1/collection-tasks/:id/deadline',
    request: async (c, t) => c.patch(`/api/v1/collection-tasks/${(await fixtures.issuedNotice(t)).taskId}/deadline`, { deadline: '2030-06-01', version: 1 }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
    visibleIn: ['own', 'descendant', 'ancestor'],
  },
  {
    name: 'co-issuer decision',
    route: 'POST /api/v1/notices/:id/approval',
    request: async (c, t) => c.post(`/api/v1/notices/${await fixtures.jointNotice(t.unitId)}/approval`, { decision: 'approved' }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
    // Awaiting approval, a joint notice exists only for the co-issuers' managers.
    visibleIn: [],
  },
  // --- Forms: a unit's forms, managed by its campaign managers. ---
  {
    name: 'create a form',
    route: 'POST /api/v1/forms',
    request: (c, t) => c.post('/api/v1/forms', { unitId: t.unitId, name: '样表', templateKey: 'shandong_featured_activity' }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  ...(['GET /api/v1/forms/:id', 'GET /api/v1/form-versions/:id'] as const).map(
    (route): RouteCase => ({
      name: `read a form (${route})`,
      route,
      request: async (c, t) => {
        const { formId, versionId } = await fixtures.form(t.unitId);
        return c.get(route.includes('versions') ? `/api/v1/form-versions/${versionId}` : `/api/v1/forms/${formId}`);
      },
      allowedRoles: matrixRoles,
      allowedRelations: ['own', 'descendant'],
    }),
  ),
  {
    name: 'save a form version',
    route: 'POST /api/v1/forms/:id/versions',
    request: async (c, t) => {
      const { formId } = await fixtures.form(t.unitId);
      return c.post(`/api/v1/forms/${formId}/versions`, { definition: shandongFeaturedActivityForm, basedOnVersion: 1 });
    },
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  // --- Collection tasks: the issuer's side sees them; the units reached fill them; managers collect. ---
  {
    name: 'open a task',
    route: 'GET /api/v1/collection-tasks/:id',
    request: async (c, t) => c.get(`/api/v1/collection-tasks/${(await fixtures.issuedNotice(t)).taskId}`),
    allowedRoles: matrixRoles,
    allowedRelations: ['own', 'descendant', 'ancestor'],
    expected: (role, relation) =>
      visibleRelations.includes(relation) ? 'allow' : relation === 'ancestor' ? (role === 'reviewer' ? 404 : 'allow') : 404,
  },
  {
    name: 'save a submission draft',
    route: 'PUT /api/v1/collection-tasks/:id/submission',
    request: async (c, t) => c.put(`/api/v1/collection-tasks/${(await fixtures.issuedNotice(t)).taskId}/submission`, { values: { fields: { note: '草稿' }, items: [] } }),
    allowedRoles: ['unit_admin', 'campaign_manager', 'contact'],
    allowedRelations: ['ancestor'],
    // The issuer's own side may look at a task but is not asked to submit (403); strangers get 404.
    expected: (role, relation) =>
      relation === 'ancestor' ? (role === 'reviewer' ? 404 : 'allow') : visibleRelations.includes(relation) ? 403 : 404,
  },
  ...(['submissions', 'summary.xlsx', 'files.zip'] as const).map(
    (path): RouteCase => ({
      name: `collect (${path})`,
      route: `GET /api/v1/collection-tasks/:id/${path}`,
      request: async (c, t) => c.get(`/api/v1/collection-tasks/${(await fixtures.issuedNotice(t)).taskId}/${path}`),
      allowedRoles: ['campaign_manager'],
      allowedRelations: ['own', 'descendant'],
      expected: collectExpectation,
    }),
  ),
  {
    name: 'grant a late exception',
    route: 'POST /api/v1/collection-tasks/:id/exceptions',
    request: async (c, t) => {
      const { taskId, reachedUnitId } = await fixtures.issuedNotice(t);
      return c.post(`/api/v1/collection-tasks/${taskId}/exceptions`, { unitId: reachedUnitId, until: '2031-01-01T00:00:00+08:00', reason: '同意补报' });
    },
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
    expected: collectExpectation,
  },
  // --- Supervision: the collector's views and tools over a task. ---
  ...(
    [
      ['GET', 'completion'],
      ['GET', 'completion.xlsx'],
      ['GET', 'timeline'],
      ['GET', 'reminders'],
      ['POST', 'reminders/preview'],
      ['POST', 'reminders'],
      ['PUT', 'reminder-settings'],
    ] as const
  ).map(
    ([method, path]): RouteCase => ({
      name: `supervise (${method} ${path})`,
      route: `${method} /api/v1/collection-tasks/:id/${path}`,
      request: async (c, t) => {
        const url = `/api/v1/collection-tasks/${(await fixtures.issuedNotice(t)).taskId}/${path}`;
        if (method === 'GET') return c.get(url);
        if (method === 'PUT') return c.put(url, { enabled: true, daysBefore: [2], time: '09:30', overdue: true, version: 1 });
        return c.post(url, { message: '请尽快报送' });
      },
      allowedRoles: ['campaign_manager'],
      allowedRelations: ['own', 'descendant'],
      expected: collectExpectation,
    }),
  ),
  {
    name: 'read mail templates',
    route: 'GET /api/v1/mail-templates',
    request: (c, t) => c.get(`/api/v1/mail-templates?unitId=${t.unitId}`),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'edit a mail template',
    route: 'PUT /api/v1/mail-templates/:kind',
    request: (c, t) => c.put('/api/v1/mail-templates/reminder', { unitId: t.unitId, subject: '【催办】{task}', body: '{unit}：请报送。', version: 0 }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  ...(['statistics', 'statistics.xlsx', 'overview'] as const).map(
    (path): RouteCase => ({
      name: `campaign ${path}`,
      route: `GET /api/v1/campaigns/:id/${path}`,
      request: async (c, t) => c.get(`/api/v1/campaigns/${await fixtures.campaign(t.unitId)}/${path}`),
      allowedRoles: matrixRoles,
      // Readable where the campaign is (the unit's subtree and the units below it), counted for the caller's own unit.
      allowedRelations: ['own', 'descendant', 'ancestor'],
    }),
  ),
  {
    name: 'see the recommendation pool',
    route: 'GET /api/v1/collection-tasks/:id/recommendation-pool',
    request: async (c, t) => c.get(`/api/v1/collection-tasks/${(await fixtures.issuedNotice(t)).taskId}/recommendation-pool`),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
    expected: collectExpectation,
  },
  {
    name: 'recommend upward',
    route: 'POST /api/v1/collection-tasks/:id/recommendations',
    request: async (c, t) => c.post(`/api/v1/collection-tasks/${(await fixtures.issuedNotice(t)).taskId}/recommendations`, { activityId: 1, reason: '推荐理由' }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
    // Past the access check, the fixture task has no task above it to recommend into.
    expected: (role, relation) => (collectExpectation(role, relation) === 'allow' ? 409 : collectExpectation(role, relation)),
  },
  // --- Evaluation rounds: run by the organiser's campaign managers. ---
  {
    name: 'create an evaluation round',
    route: 'POST /api/v1/evaluation-rounds',
    request: (c, t) => c.post('/api/v1/evaluation-rounds', roundBody(t.unitId)),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  ...(
    [
      ['GET', ''],
      ['GET', '/results'],
      ['GET', '/objections'],
      ['GET', '/expert-choices'],
      ['PUT', '/reviewers'],
      ['POST', '/assign'],
      ['POST', '/stage'],
    ] as const
  ).map(
    ([method, path]): RouteCase => ({
      name: `run an evaluation round (${method} ${path || '/'})`,
      route: `${method} /api/v1/evaluation-rounds/:id${path}`,
      request: async (c, t) => {
        const url = `/api/v1/evaluation-rounds/${await fixtures.round(t.unitId)}${path}`;
        if (method === 'GET') return c.get(url);
        if (method === 'PUT') return c.put(url, { userIds: [], version: 1 });
        return c.post(url, path === '/assign' ? { perCandidate: 1 } : { to: 'review' });
      },
      allowedRoles: ['campaign_manager'],
      allowedRelations: ['own', 'descendant'],
    }),
  ),
  // --- Surveys: the surveying unit's campaign managers and those above; contacts and others 403 where
  // they see the unit, 404 elsewhere. ---
  ...(['', '/results', '/contacts', '/results.xlsx', '/report.docx', '/qr.png', '/qr.svg'] as const).map(
    (suffix): RouteCase => ({
      name: `survey ${suffix || 'view'}`,
      route: `GET /api/v1/surveys/:id${suffix}`,
      request: async (c, t) => c.get(`/api/v1/surveys/${await fixtures.survey(t.unitId)}${suffix}`),
      allowedRoles: ['campaign_manager'],
      allowedRelations: ['own', 'descendant'],
    }),
  ),
  {
    name: 'change survey',
    route: 'PUT /api/v1/surveys/:id',
    request: async (c, t) =>
      c.put(`/api/v1/surveys/${await fixtures.survey(t.unitId)}`, { version: 1, unitId: t.unitId, title: '矩阵测试问卷', questions: [{ key: 'a', kind: 'scale', label: '满意度' }], targetRegions: ['3702'], opensAt: '2030-01-01T00:00:00+08:00', closesAt: '2030-02-01T00:00:00+08:00' }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'publish survey',
    route: 'POST /api/v1/surveys/:id/publish',
    request: async (c, t) => c.post(`/api/v1/surveys/${await fixtures.survey(t.unitId)}/publish`, { version: 1 }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'close survey',
    route: 'POST /api/v1/surveys/:id/close',
    request: async (c, t) => c.post(`/api/v1/surveys/${await fixtures.survey(t.unitId, 'published')}/close`, { version: 1 }),
    allowedRoles: ['campaign_manager'],
    allowedRelations: ['own', 'descendant'],
  },
  // The demands desk: units above see a demand (masked), only the handling unit's staff act on it.
  {
    name: 'demand statistics of a subtree',
    route: 'GET /api/v1/demands/statistics',
    request: (c, t) => c.get(`/api/v1/demands/statistics?unitId=${t.unitId}`),
    allowedRoles: matrixRoles,
    allowedRelations: visibleRelations,
  },
  {
    name: 'view a demand',
    route: 'GET /api/v1/demands/:id',
    request: async (c, t) => c.get(`/api/v1/demands/${await fixtures.demand(t.unitId)}`),
    allowedRoles: matrixRoles,
    allowedRelations: visibleRelations,
  },
  ...(
    [
      ['GET', '/forward-targets'],
      ['POST', '/accept'],
      ['POST', '/answer'],
      ['POST', '/forward'],
    ] as const
  ).map(
    ([method, path]): RouteCase => ({
      name: `handle a demand (${method} ${path})`,
      route: `${method} /api/v1/demands/:id${path}`,
      request: async (c, t) => {
        const url = `/api/v1/demands/${await fixtures.demand(t.unitId)}${path}`;
        if (method === 'GET') return c.get(url);
        return c.post(url, path === '/answer' ? { version: 1, answer: '已答复。' } : path === '/forward' ? { version: 1, unitId: t.spareParentId, note: '转办测试' } : { version: 1 });
      },
      allowedRoles: ['unit_admin', 'campaign_manager', 'contact'],
      allowedRelations: ['own'],
    }),
  ),
];

/** Routes checked elsewhere that need no target unit, with who may call them. */
const scopeRoutes: { route: string; url: string; allowedRoles: Role[]; method?: 'POST' }[] = [
  // A unit administrator reads its subtree's entries; the audit administrator the whole log.
  { route: 'GET /api/v1/audit', url: '/api/v1/audit', allowedRoles: ['unit_admin', 'audit_admin'] },
  { route: 'GET /api/v1/audit/verify', url: '/api/v1/audit/verify', allowedRoles: ['audit_admin'] },
  { route: 'GET /api/v1/campaigns', url: '/api/v1/campaigns', allowedRoles: matrixRoles },
  { route: 'GET /api/v1/campaign-activities/assigned', url: '/api/v1/campaign-activities/assigned', allowedRoles: matrixRoles },
  { route: 'GET /api/v1/notices', url: '/api/v1/notices', allowedRoles: matrixRoles },
  { route: 'GET /api/v1/inbox', url: '/api/v1/inbox', allowedRoles: matrixRoles },
  { route: 'GET /api/v1/notifications', url: '/api/v1/notifications', allowedRoles: matrixRoles },
  { route: 'POST /api/v1/notifications/read', url: '/api/v1/notifications/read', allowedRoles: matrixRoles, method: 'POST' },
  // The built-in sample forms: reference content holding no unit's data.
  { route: 'GET /api/v1/form-templates', url: '/api/v1/form-templates', allowedRoles: testedRoles },
  { route: 'GET /api/v1/forms', url: '/api/v1/forms', allowedRoles: matrixRoles },
  { route: 'GET /api/v1/my-tasks', url: '/api/v1/my-tasks', allowedRoles: matrixRoles },
  // Lists scoped by the caller's subtree: every role may ask (a reviewer's lists are empty).
  { route: 'GET /api/v1/showcase/activities', url: '/api/v1/showcase/activities', allowedRoles: matrixRoles },
  { route: 'GET /api/v1/showcase/reviews', url: '/api/v1/showcase/reviews', allowedRoles: matrixRoles },
  // Calls whose works the caller moderates: an empty list for those who moderate nothing.
  { route: 'GET /api/v1/contribution-calls', url: '/api/v1/contribution-calls', allowedRoles: matrixRoles },
  // Only system administrators read the mail outbox.
  { route: 'GET /api/v1/outbox', url: '/api/v1/outbox', allowedRoles: [] },
  { route: 'GET /api/v1/my-reviews', url: '/api/v1/my-reviews', allowedRoles: matrixRoles },
  // Demands of the caller's subtree (a reviewer's list is empty), and the time limits every signed-in user may read.
  { route: 'GET /api/v1/demands', url: '/api/v1/demands', allowedRoles: matrixRoles },
  { route: 'GET /api/v1/demand-time-limits', url: '/api/v1/demand-time-limits', allowedRoles: testedRoles },
  { route: 'GET /api/v1/units/roots', url: '/api/v1/units/roots', allowedRoles: matrixRoles },
  { route: 'GET /api/v1/units/search', url: '/api/v1/units/search?q=科协', allowedRoles: matrixRoles },
  { route: 'GET /api/v1/units/import-template.xlsx', url: '/api/v1/units/import-template.xlsx', allowedRoles: matrixRoles },
];
/** Routes open without a session, or about the caller's own session. */
const publicRoutes = new Set([
  'POST /api/v1/session',
  'POST /api/v1/session/totp',
  'GET /api/v1/session',
  'DELETE /api/v1/session',
  'POST /api/v1/account/password',
  // The caller's own authenticator (session.test.ts walks enrolment, recovery codes, disabling).
  'GET /api/v1/account/totp',
  'POST /api/v1/account/totp/enrolment',
  'POST /api/v1/account/totp/confirm',
  'POST /api/v1/account/totp/recovery-codes',
  'POST /api/v1/account/totp/disable',
  // Re-entering one's own password (recommendations.test.ts: wrong password refused, exports unlocked).
  'POST /api/v1/session/reauthenticate',
  'GET /api/v1/account/activation',
  'POST /api/v1/account/activation',
  // Multipart or file-bound routes, covered in their own tests: units-import.test.ts (scoped by the
  // parent named in each row) and files.test.ts (uploads, downloads, notice attachments).
  'POST /api/v1/units/import',
  'POST /api/v1/files',
  'GET /api/v1/files/:id',
  'GET /api/v1/notices/:id/attachments/:fileId',
  // A submission's own routes need one submitted first: submissions.test.ts checks each (the unit
  // itself, its collectors, routed departments, other cities refused with 404).
  'POST /api/v1/collection-tasks/:id/submission/submit',
  'POST /api/v1/collection-tasks/:id/files',
  'GET /api/v1/submissions/:id',
  'POST /api/v1/submissions/:id/return',
  'POST /api/v1/submissions/:id/accept',
  'GET /api/v1/submissions/:id/revisions',
  'GET /api/v1/submissions/:id/diff',
  'GET /api/v1/submissions/:id/form.docx',
  'GET /api/v1/submissions/:id/form.pdf',
  // Recommendations need a chain of forwarded tasks: recommendations.test.ts checks who may act.
  'DELETE /api/v1/recommendations/:id',
  'GET /api/v1/activities/:id/provenance',
  // The evaluation flow needs candidates, experts and stages: recommendations.test.ts walks it.
  'POST /api/v1/evaluation-rounds/:id/candidates/propose',
  'PATCH /api/v1/evaluation-candidates/:id/eligibility',
  'PUT /api/v1/evaluation-candidates/:id/reviewers',
  'PUT /api/v1/my-reviews/:id/scores',
  'POST /api/v1/my-reviews/:id/decline',
  'PUT /api/v1/evaluation-rounds/:id/decision',
  'POST /api/v1/evaluation-objections/:id/resolve',
  'POST /api/v1/evaluation-rounds/:id/commendation',
  'GET /api/v1/evaluation-rounds/:id/mailing.xlsx',
  'GET /api/v1/evaluation-rounds/:id/labels.pdf',
  // Nominations (推荐人选) need a task reaching the nominating unit: nominations.test.ts checks the
  // nominating unit, its collector (submitted ones only) and other cities refused with 404.
  'GET /api/v1/collection-tasks/:id/nominations',
  'POST /api/v1/collection-tasks/:id/nominations',
  'GET /api/v1/nominations/:id',
  'PUT /api/v1/nominations/:id',
  'POST /api/v1/nominations/:id/submit',
  'POST /api/v1/nominations/:id/withdraw',
  // Public by design: the gallery of an announced round's persons, without personal data (nominations.test.ts).
  'GET /api/v1/public/gallery/:id',
  'GET /api/v1/public/gallery/:id/photos/:candidateId',
  // Public by design: the 公示 list and its objection channel (no personal data; see the test).
  'GET /api/v1/public/publicity/:id',
  'POST /api/v1/public/publicity/:id/objections',
  // The showcase: publishing needs submitted activities and moderation an upper unit; showcase.test.ts
  // checks who may ask, approve, reject, withdraw and configure moderators (others 403/404).
  'PUT /api/v1/showcase/activities/:id/publication',
  'GET /api/v1/showcase/publications/:id',
  'POST /api/v1/showcase/publications/:id/approve',
  'POST /api/v1/showcase/publications/:id/reject',
  'POST /api/v1/showcase/publications/:id/withdraw',
  'GET /api/v1/showcase/campaigns/:id/moderators',
  'PUT /api/v1/showcase/campaigns/:id/moderators',
  // Public by design: the showcase column (no personal data; showcase.test.ts checks every route).
  'GET /api/v1/public/showcase/columns',
  'GET /api/v1/public/showcase/:unitId/:year',
  'GET /api/v1/public/showcase/:unitId/:year/activities',
  'GET /api/v1/public/showcase/activities/:id',
  'GET /api/v1/public/showcase/photos/:fileId',
  // Sign-ups need a published activity: signups.test.ts checks that only the organising unit sets
  // them up and checks in (units above 403, others 404) and sees names unmasked (above: masked).
  'GET /api/v1/showcase/activities/:id/signups',
  'PUT /api/v1/showcase/activities/:id/signup-settings',
  'POST /api/v1/showcase/activities/:id/check-ins',
  // Public by design: signing up, a sign-up by its code, cancelling (rate-limited, no personal data;
  // signups.test.ts and showcase.test.ts check them).
  'POST /api/v1/public/showcase/activities/:id/signups',
  'GET /api/v1/public/showcase/signups/:code',
  'POST /api/v1/public/showcase/signups/:code/cancel',
  // Articles are the issuing unit's campaign managers': articles.test.ts checks that units below and
  // elsewhere get 404 and that drafts and withdrawn articles are not public.
  'GET /api/v1/showcase/campaigns/:id/articles',
  'POST /api/v1/showcase/campaigns/:id/articles',
  'GET /api/v1/showcase/articles/:id',
  'PUT /api/v1/showcase/articles/:id',
  'POST /api/v1/showcase/articles/:id/publish',
  'POST /api/v1/showcase/articles/:id/withdraw',
  // Public by design: published articles (no personal data; showcase.test.ts checks every public route).
  'GET /api/v1/public/showcase/:unitId/:year/articles',
  'GET /api/v1/public/showcase/articles/:id',
  // Surveys (cases above for each survey): listing is scoped by the caller's subtree and building
  // needs campaigns.manage over the unit named in the body (surveys.test.ts checks both).
  'GET /api/v1/surveys',
  'POST /api/v1/surveys',
  // Public by design: a published survey by its unguessable token and answering it (rate-limited,
  // one per device, no contact in any answer; surveys.test.ts).
  'GET /api/v1/public/surveys/:token',
  'POST /api/v1/public/surveys/:token/responses',
  // Public by design: a published call, its approved works and their files, sending a work
  // (rate-limited; contributions.test.ts checks nothing unapproved and no e-mail address shows).
  'GET /api/v1/public/showcase/:unitId/:year/contribution-calls',
  'GET /api/v1/public/contribution-calls/:id',
  'GET /api/v1/public/contribution-calls/:id/works',
  'GET /api/v1/public/contributions/:id/media',
  'POST /api/v1/public/contribution-calls/:id/contributions',
  // A work's file needs an upload through the public form: contributions.test.ts checks that other
  // units get 404 and the call's managers get the file before approval.
  'GET /api/v1/contributions/:id/file',
  // Demands: publishing a case needs an answered demand, and only the system administrator sets the
  // time limits; demands.test.ts checks both (units above 403, others 404, non-administrators 403).
  'PUT /api/v1/demands/:id/case',
  'PUT /api/v1/demand-time-limits',
  // Public by design: the demand form's choices, submitting, the code's page, rating and the 办实事
  // cases (rate-limited, no contact or personal data; demands.test.ts checks every public answer).
  'GET /api/v1/public/demands/regions',
  'GET /api/v1/public/demands/societies',
  'POST /api/v1/public/demands',
  'GET /api/v1/public/demands/:code',
  'POST /api/v1/public/demands/:code/rating',
  'GET /api/v1/public/demand-cases',
]);

let t: TestApp;
const registered: string[] = [];
let rootId: number;

/** Every /api/v1 route, read from the OpenAPI document (each route is documented there). */
function collectRoutes(app: FastifyInstance) {
  const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const method of Object.keys(operations)) registered.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
  }
}

beforeAll(async () => {
  t = await createTestApp();
  await t.app.ready();
  collectRoutes(t.app);
  rootId = (await rootUnit(t.db)).id;
});
afterAll(() => t.close());

/**
 * A fresh arrangement for one case, in a province of its own so nothing collides: the caller's
 * city under it, and one unit in the wanted relation to the city.
 */
async function arrange(role: Role, relation: Relation) {
  const province = await createUnit(t.db, rootId, { type: 'regional_association', level: 'provincial' });
  const city = await createUnit(t.db, province.id, { type: 'regional_association', level: 'city' });
  const caller = await createUser(t.db, city.id, [role]);
  const targetUnit =
    relation === 'own'
      ? city
      : relation === 'ancestor'
        ? province
        : relation === 'descendant'
          ? await createUnit(t.db, city.id)
          : relation === 'sibling'
            ? await createUnit(t.db, province.id, { type: 'regional_association', level: 'city' })
            : await createUnit(t.db, (await createUnit(t.db, rootId, { type: 'regional_association', level: 'provincial' })).id);
  // A second unit in the same relation to receive moves, and an account at the target unit.
  const spareParent = relation === 'descendant' || relation === 'own' ? await createUnit(t.db, city.id) : await createUnit(t.db, targetUnit.parent_id ?? targetUnit.id);
  const targetUser = await createUser(t.db, targetUnit.id, ['contact']);
  const client = await signIn(t.app, caller.username, caller.password);
  return {
    client,
    target: { unitId: targetUnit.id, userId: targetUser.id, version: targetUnit.version, userVersion: 1, spareParentId: spareParent.id, callerUnitId: city.id },
  };
}

function roundBody(unitId: number) {
  return {
    unitId,
    title: '矩阵测试评选',
    categories: [{ name: '优秀组织单位', kind: 'unit', places: 1 }],
    criteria: [{ name: '综合', weight: 1 }],
  };
}

/** Records owned by a unit, made directly in the database (the matrix tests access, not creation). */
const fixtures = {
  async survey(unitId: number, status: 'draft' | 'published' = 'draft') {
    const row = await t.db
      .insertInto('surveys')
      .values({
        unit_id: unitId,
        title: '矩阵测试问卷',
        questions: JSON.stringify([{ key: 'a', kind: 'scale', label: '满意度', required: true }]),
        target_regions: JSON.stringify(['3702']),
        opens_at: '2030-01-01T00:00:00+08:00',
        closes_at: '2030-02-01T00:00:00+08:00',
        status,
        token: randomBytes(16).toString('base64url'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },
  async campaign(unitId: number) {
    const existing = await t.db.selectFrom('campaigns').select('id').where('unit_id', '=', unitId).where('year', '=', 2030).executeTakeFirst();
    if (existing) return existing.id;
    return insertCampaign(t.db, {
      unit_id: unitId,
      year: 2030,
      ordinal: 14,
      theme: '众心向党，自立自强',
      modules: [{ id: 'unite', name: '团结引领' }],
      phases: [{ id: 'p1', name: '第一阶段', startDate: '2030-05-10', endDate: '2030-05-25' }],
      target_groups: [{ id: 'g1', name: '科技工作者' }],
      key_dates: [],
      parent_campaign_id: null,
      copied_from_id: null,
      created_by: null,
    });
  },
  async contributionCall(unitId: number) {
    const row = await t.db
      .insertInto('contribution_calls')
      .values({ campaign_id: await fixtures.campaign(unitId), title: '5·30祝福征集', accepts_letter: true, opens_at: '2030-05-01T00:00:00+08:00', closes_at: '2030-05-31T00:00:00+08:00' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },
  async contribution(unitId: number, status: 'pending' | 'approved') {
    const callId = await fixtures.contributionCall(unitId);
    const row = await t.db
      .insertInto('contributions')
      .values(
        sealRow('contributions', {
          call_id: callId,
          kind: 'letter' as const,
          title: '致科技工作者',
          credit_name: '张三',
          work_unit: '某研究所',
          email: 'zs@example.cn',
          letter_text: '节日快乐！',
          consent_text: '同意',
          consented_at: new Date(),
          request_hash: 'x',
          status,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },
  async activity(unitId: number) {
    const row = await t.db
      .insertInto('campaign_activities')
      .values({ campaign_id: await fixtures.campaign(unitId), title: '座谈会', module_id: 'unite' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },
  async notice(unitId: number, status: 'draft' | 'issued' | 'pending_approval', addressed: number[]) {
    const serial = Math.floor(Math.random() * 90000) + 1;
    const row = await t.db
      .insertInto('notices')
      .values({
        issuer_unit_id: unitId,
        title: '关于矩阵测试的通知',
        status,
        doc_prefix: '测科协发',
        doc_year: 2030,
        doc_serial: serial,
        document_number: `测科协发〔2030〕${serial}号`,
        addressee_rules: JSON.stringify([{ kind: 'units', unitIds: addressed }]),
        issued_at: status === 'issued' ? new Date() : null,
        issue_date: '2030-04-30',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db.updateTable('notices').set({ root_notice_id: row.id }).where('id', '=', row.id).execute();
    return row.id;
  },
  async draftNotice(unitId: number) {
    const child = await createUnit(t.db, unitId);
    return fixtures.notice(unitId, 'draft', [child.id]);
  },
  /** Issued by the target, reaching a fresh child of it and — when the caller lies below — the caller's unit. */
  async issuedNotice(target: Target) {
    const child = await createUnit(t.db, target.unitId);
    const unit = await t.db.selectFrom('units').select('path').where('id', '=', target.unitId).executeTakeFirstOrThrow();
    const caller = await t.db.selectFrom('units').select('path').where('id', '=', target.callerUnitId).executeTakeFirstOrThrow();
    const reached = [child.id, ...(caller.path.startsWith(unit.path) && target.callerUnitId !== target.unitId ? [target.callerUnitId] : [])];
    const noticeId = await fixtures.notice(target.unitId, 'issued', reached);
    await t.db.insertInto('notice_recipients').values(reached.map((unit_id) => ({ notice_id: noticeId, unit_id, root_notice_id: noticeId }))).execute();
    const task = await t.db
      .insertInto('collection_tasks')
      .values({ notice_id: noticeId, title: '报送活动方案', deadline: new Date('2030-06-10T15:59:59Z') })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { noticeId, taskId: task.id, reachedUnitId: child.id };
  },
  /** A demand handled by the unit, as submitted (version 1), made directly in the database. */
  async demand(unitId: number) {
    const now = new Date();
    const code = Array.from({ length: 16 }, () => 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'[Math.floor(Math.random() * 31)]).join('');
    const row = await insertDemand(t.db, {
      code,
      category: 'other',
      regionCode: '3201',
      societyUnitId: null,
      unitId,
      description: '矩阵测试诉求内容，用于检查访问控制。',
      contactName: '张三',
      contactPhone: '13900000000',
      contactEmail: null,
      now,
      acceptDueAt: new Date(now.getTime() + 86_400_000),
      replyDueAt: new Date(now.getTime() + 5 * 86_400_000),
      ip: null,
    });
    return row.id;
  },
  async round(unitId: number) {
    const round = await t.db
      .insertInto('evaluation_rounds')
      .values({ unit_id: unitId, title: '矩阵测试评选' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return round.id;
  },
  async form(unitId: number) {
    const formId = await insertForm(t.db, { unitId, name: '样表', templateKey: null, createdBy: null });
    const versionId = await insertFormVersion(t.db, formId, 1, shandongFeaturedActivityForm, null);
    return { formId, versionId };
  },
  /** Issued jointly by a unit elsewhere with the target as co-issuer, awaiting its decision. */
  async jointNotice(coIssuerId: number) {
    const lead = await createUnit(t.db, rootId, { type: 'regional_association', level: 'provincial' });
    const child = await createUnit(t.db, lead.id);
    const noticeId = await fixtures.notice(lead.id, 'pending_approval', [child.id]);
    await t.db.insertInto('notice_co_issuers').values({ notice_id: noticeId, unit_id: coIssuerId }).execute();
    return noticeId;
  },
};

/** An answer carrying no records: an empty list, a page of none, counts of zero, or a blank template. */
function isEmptyAnswer(response: { headers: Record<string, unknown>; body: string; json: () => unknown }): boolean {
  if (!String(response.headers['content-type']).includes('json')) return true;
  const body = response.json();
  if (Array.isArray(body)) return body.length === 0;
  if (body && typeof body === 'object') {
    return Object.values(body).every((v) => (Array.isArray(v) ? v.length === 0 : typeof v === 'number' ? v === 0 : typeof v !== 'object' || v === null));
  }
  return false;
}

describe('access-control matrix', () => {
  it('covers every /api/v1 route', () => {
    const covered = new Set([...routeCases.map((c) => c.route), ...scopeRoutes.map((r) => r.route), ...publicRoutes]);
    const uncovered = registered.filter((r) => !covered.has(r));
    expect(registered.length).toBeGreaterThan(15);
    expect(uncovered).toEqual([]);
  });

  for (const routeCase of routeCases) {
    describe(routeCase.name, () => {
      for (const role of testedRoles) {
        for (const relation of relations) {
          const expected = expectedAnswer(routeCase, role, relation);
          it(`${role} × ${relation} → ${expected}`, async () => {
            const { client, target } = await arrange(role, relation);
            const response = await routeCase.request(client, target);
            if (expected === 'allow') {
              expect(response.statusCode, response.body).toBeGreaterThanOrEqual(200);
              expect(response.statusCode, response.body).toBeLessThan(300);
            } else {
              expect(response.statusCode, response.body).toBe(expected);
              // A refusal never leaks the record.
              expect(response.body).not.toContain('"contact"');
            }
          });
        }
      }
      it('anonymous → 401', async () => {
        const { target } = await arrange('contact', 'own');
        const response = await routeCase.request(anonymous(t.app), target);
        expect(response.statusCode).toBe(401);
      });
    });
  }

  for (const scopeRoute of scopeRoutes) {
    describe(scopeRoute.route, () => {
      for (const role of matrixRoles) {
        const expected = scopeRoute.allowedRoles.includes(role) ? 200 : 403;
        it(`${role} → ${expected}`, async () => {
          const { client } = await arrange(role, 'own');
          const response = scopeRoute.method === 'POST' ? await client.post(scopeRoute.url, {}) : await client.get(scopeRoute.url);
          expect(response.statusCode, response.body).toBe(expected);
        });
      }
      for (const role of separatedRoles) {
        const allowed = scopeRoute.allowedRoles.includes(role);
        it(`${role} → ${allowed ? 200 : 'refused or nothing'}`, async () => {
          const { client } = await arrange(role, 'own');
          const response = scopeRoute.method === 'POST' ? await client.post(scopeRoute.url, {}) : await client.get(scopeRoute.url);
          if (allowed) {
            expect(response.statusCode, response.body).toBe(200);
            return;
          }
          // Lists scoped by the caller's units answer with nothing (they see no units); others refuse.
          if (response.statusCode === 200) expect(isEmptyAnswer(response), `${scopeRoute.route}: ${response.body.slice(0, 200)}`).toBe(true);
          else expect(response.statusCode, response.body).toBe(403);
        });
      }
      it('anonymous → 401', async () => {
        const anon = anonymous(t.app);
        expect((scopeRoute.method === 'POST' ? await anon.post(scopeRoute.url, {}) : await anon.get(scopeRoute.url)).statusCode).toBe(401);
      });
    });
  }
});
