import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/shared/domain/roles';
import { createUnit, createUser, regionalUnit } from '../support/factories';
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
const visibleRelations: Relation[] = ['own', 'descendant'];

interface Target {
  unitId: number;
  userId: number;
  version: number;
  userVersion: number;
  spareParentId: number;
}

interface RouteCase {
  name: string;
  /** The route as registered, to check that every route is covered. */
  route: string;
  request: (client: Client, target: Target) => ReturnType<Client['get']>;
  allowedRoles: Role[];
  allowedRelations: Relation[];
  /** Routes about the caller's scope rather than a target unit answer 403 to roles without access. */
  unscoped?: boolean;
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
  },
  {
    name: 'deactivate unit',
    route: 'POST /api/v1/units/:id/deactivate',
    request: (c, t) => c.post(`/api/v1/units/${t.unitId}/deactivate`, { version: t.version }),
    allowedRoles: ['unit_admin'],
    allowedRelations: ['descendant'],
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
  },
  {
    name: 'list accounts of unit',
    route: 'GET /api/v1/users',
    request: (c, t) => c.get(`/api/v1/users?unitId=${t.unitId}`),
    allowedRoles: ['unit_admin'],
    allowedRelations: ['own', 'descendant'],
  },
  {
    name: 'view account',
    route: 'GET /api/v1/users/:id',
    request: (c, t) => c.get(`/api/v1/users/${t.userId}`),
    allowedRoles: ['unit_admin'],
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
  },
  {
    name: 'reset password',
    route: 'POST /api/v1/users/:id/reset-password',
    request: (c, t) => c.post(`/api/v1/users/${t.userId}/reset-password`, { mode: 'activation_link' }),
    allowedRoles: ['unit_admin'],
    allowedRelations: ['own', 'descendant'],
  },
];

/** Routes checked elsewhere that need no target unit, with who may call them. */
const scopeRoutes = [
  { route: 'GET /api/v1/audit', url: '/api/v1/audit', allowedRoles: ['unit_admin'] as Role[] },
  { route: 'GET /api/v1/units/roots', url: '/api/v1/units/roots', allowedRoles: matrixRoles },
  { route: 'GET /api/v1/units/search', url: '/api/v1/units/search?q=科协', allowedRoles: matrixRoles },
  { route: 'GET /api/v1/units/import-template.xlsx', url: '/api/v1/units/import-template.xlsx', allowedRoles: matrixRoles },
];
/** Routes open without a session, or about the caller's own session. */
const publicRoutes = new Set([
  'POST /api/v1/session',
  'GET /api/v1/session',
  'DELETE /api/v1/session',
  'POST /api/v1/account/password',
  'GET /api/v1/account/activation',
  'POST /api/v1/account/activation',
  // Multipart: covered in units-import.test.ts (scoped by the parent named in each row).
  'POST /api/v1/units/import',
]);

let t: TestApp;
const registered: string[] = [];
let jiangsuId: number;
let zhejiangId: number;

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
  jiangsuId = (await regionalUnit(t.db, '32')).id;
  zhejiangId = (await regionalUnit(t.db, '33')).id;
});
afterAll(() => t.close());

/** A fresh arrangement for one case: the caller's city, and one unit in the wanted relation to it. */
async function arrange(role: Role, relation: Relation) {
  const city = await createUnit(t.db, jiangsuId, { type: 'regional_association', level: 'city' });
  const caller = await createUser(t.db, city.id, [role]);
  const targetUnit =
    relation === 'own'
      ? city
      : relation === 'ancestor'
        ? await regionalUnit(t.db, '32')
        : relation === 'descendant'
          ? await createUnit(t.db, city.id)
          : relation === 'sibling'
            ? await createUnit(t.db, jiangsuId, { type: 'regional_association', level: 'city' })
            : await createUnit(t.db, zhejiangId);
  // A second unit in the same relation to receive moves, and an account at the target unit.
  const spareParent = relation === 'descendant' || relation === 'own' ? await createUnit(t.db, city.id) : await createUnit(t.db, targetUnit.parent_id ?? targetUnit.id);
  const targetUser = await createUser(t.db, targetUnit.id, ['contact']);
  const unitRow = await t.db.selectFrom('units').select('version').where('id', '=', targetUnit.id).executeTakeFirstOrThrow();
  if (relation === 'descendant') {
    // So that "reactivate" has something to do.
    await t.db.updateTable('units').set({ active: true }).where('id', '=', targetUnit.id).execute();
  }
  const client = await signIn(t.app, caller.username, caller.password);
  return { client, target: { unitId: targetUnit.id, userId: targetUser.id, version: unitRow.version, userVersion: 1, spareParentId: spareParent.id } };
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
      for (const role of matrixRoles) {
        for (const relation of relations) {
          const visible = visibleRelations.includes(relation);
          const allowed = routeCase.allowedRoles.includes(role) && routeCase.allowedRelations.includes(relation);
          const expected = allowed ? 'allow' : visible ? 403 : 404;
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
          expect((await client.get(scopeRoute.url)).statusCode).toBe(expected);
        });
      }
      it('anonymous → 401', async () => {
        expect((await anonymous(t.app).get(scopeRoute.url)).statusCode).toBe(401);
      });
    });
  }
});
