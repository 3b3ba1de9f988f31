import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapUsernames } from '../../src/server/bootstrap';
import { createUser, regionalUnit, rootUnit } from '../support/factories';
import { anonymous, createTestApp, signIn, type Client, type TestApp } from '../support/test-app';
import { testAdmin } from '../support/template';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, testAdmin.username, testAdmin.password);
});
afterAll(() => t.close());

describe('accounts', () => {
  it('creates an account for 南京市科协 that signs in and sees only its subtree', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const created = await admin.post('/api/v1/users', {
      unitId: nanjing.id,
      username: 'nanjing-admin',
      displayName: '南京管理员',
      email: 'nj@example.cn',
      mobile: '13800001111',
      roles: ['unit_admin', 'campaign_manager'],
    });
    expect(created.statusCode).toBe(201);
    const { user, credentials } = created.json();
    expect(user).toMatchObject({ unitName: '南京市科协', roles: ['campaign_manager', 'unit_admin'], status: 'active' });
    expect(credentials.initialPassword).toMatch(/^.{12}$/);

    const nj = await signIn(t.app, 'nanjing-admin', credentials.initialPassword);
    const session = (await nj.get('/api/v1/session')).json();
    expect(session.user.mustChangePassword).toBe(true);
    // The initial password must be replaced before anything else.
    const blocked = await nj.get('/api/v1/units/roots');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('password_change_required');
    expect((await nj.post('/api/v1/account/password', { currentPassword: credentials.initialPassword, newPassword: 'Nanjing@Kx2026' })).statusCode).toBe(200);
    const roots = (await nj.get('/api/v1/units/roots')).json();
    expect(roots.map((r: { shortName: string }) => r.shortName)).toEqual(['南京市科协']);
    const jiangsu = await regionalUnit(t.db, '32');
    const suzhou = await regionalUnit(t.db, '3205');
    expect((await nj.get(`/api/v1/units/${jiangsu.id}`)).statusCode).toBe(404);
    expect((await nj.get(`/api/v1/units/${suzhou.id}/children`)).statusCode).toBe(404);
    const xuanwu = await regionalUnit(t.db, '320102');
    expect((await nj.get(`/api/v1/units/${xuanwu.id}`)).statusCode).toBe(200);
  });

  it('refuses a taken user name and malformed fields, naming them', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const body = { unitId: nanjing.id, username: 'dup-user', displayName: '甲', roles: ['contact'] };
    expect((await admin.post('/api/v1/users', body)).statusCode).toBe(201);
    const dup = await admin.post('/api/v1/users', body);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors[0].field).toBe('username');
    const bad = await admin.post('/api/v1/users', { unitId: nanjing.id, username: 'A B', displayName: '', roles: [] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['displayName', 'roles', 'username']);
  });

  it('lets a unit administrator grant roles below system administration only', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const xuanwu = await regionalUnit(t.db, '320102');
    const njAdmin = await createUser(t.db, nanjing.id, ['unit_admin']);
    const client = await signIn(t.app, njAdmin.username, njAdmin.password);
    const ok = await client.post('/api/v1/users', { unitId: xuanwu.id, username: 'xw-admin', displayName: '玄武管理员', roles: ['unit_admin'] });
    expect(ok.statusCode).toBe(201);
    const escalate = await client.post('/api/v1/users', { unitId: xuanwu.id, username: 'xw-root', displayName: '越权', roles: ['system_admin'] });
    expect(escalate.statusCode).toBe(403);
    expect(escalate.json().code).toBe('role_not_grantable');
  });

  it('ends the sessions of an account whose roles change or which is disabled', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact']);
    const session = await signIn(t.app, user.username, user.password);
    const changed = await admin.patch(`/api/v1/users/${user.id}`, { version: 1, roles: ['contact', 'reviewer'] });
    expect(changed.statusCode).toBe(200);
    expect((await session.get('/api/v1/session')).statusCode).toBe(401);
    const again = await signIn(t.app, user.username, user.password);
    expect((await again.get('/api/v1/session')).json().grants.map((g: { role: string }) => g.role)).toEqual(['contact', 'reviewer']);
    const disabled = await admin.patch(`/api/v1/users/${user.id}`, { version: changed.json().version, status: 'disabled' });
    expect(disabled.json().status).toBe('disabled');
    expect((await again.get('/api/v1/session')).statusCode).toBe(401);
    expect((await anonymous(t.app).post('/api/v1/session', { username: user.username, password: user.password })).statusCode).toBe(403);
  });

  it('refuses a stale edit', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact']);
    expect((await admin.patch(`/api/v1/users/${user.id}`, { version: 1, displayName: '一' })).statusCode).toBe(200);
    const stale = await admin.patch(`/api/v1/users/${user.id}`, { version: 1, displayName: '二' });
    expect(stale.statusCode).toBe(409);
    expect((await admin.get(`/api/v1/users/${user.id}`)).json().displayName).toBe('一');
  });

  it('resets a password, unlocking the account', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact']);
    await t.db.updateTable('users').set({ locked_until: new Date(Date.now() + 600_000) }).where('id', '=', user.id).execute();
    const reset = await admin.post(`/api/v1/users/${user.id}/reset-password`, { mode: 'initial_password' });
    expect(reset.statusCode).toBe(200);
    const fresh = await signIn(t.app, user.username, reset.json().initialPassword);
    expect((await fresh.get('/api/v1/session')).json().user.mustChangePassword).toBe(true);
  });

  it('lists accounts in the caller’s subtree only, masking nothing for administrators', async () => {
    const suzhou = await regionalUnit(t.db, '3205');
    const nanjing = await regionalUnit(t.db, '3201');
    await createUser(t.db, suzhou.id, ['contact'], { username: 'suzhou-contact' });
    const njAdmin = await createUser(t.db, nanjing.id, ['unit_admin']);
    const client = await signIn(t.app, njAdmin.username, njAdmin.password);
    const list = (await client.get('/api/v1/users?pageSize=200')).json();
    expect(list.items.map((u: { username: string }) => u.username)).not.toContain('suzhou-contact');
    expect(list.items.every((u: { unitName: string }) => u.unitName !== '苏州市科协')).toBe(true);
    expect(list.total).toBe(list.items.length);
  });
});

describe('bulk accounts', () => {
  it('opens a contact account for each county of 南京 with initial passwords, skipping those that have one', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const counties = await t.db.selectFrom('units').select(['id', 'region_code']).where('parent_id', '=', nanjing.id).execute();
    const first = await admin.post('/api/v1/users/bulk', { unitIds: counties.map((c) => c.id), role: 'contact', mode: 'initial_password' });
    expect(first.statusCode).toBe(201);
    const created = first.json().created;
    expect(created).toHaveLength(counties.length);
    expect(created.map((c: { username: string }) => c.username)).toContain('kx320102');
    const xuanwu = created.find((c: { username: string }) => c.username === 'kx320102');
    const session = await signIn(t.app, 'kx320102', xuanwu.initialPassword);
    expect((await session.get('/api/v1/session')).json().user.unitName).toBe('玄武区科协');

    const second = await admin.post('/api/v1/users/bulk', { unitIds: counties.map((c) => c.id), role: 'contact', mode: 'activation_link' });
    expect(second.json().created).toEqual([]);
    expect(second.json().skipped).toHaveLength(counties.length);
  });

  it('is refused as a whole when one unit is outside the caller’s subtree', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const hangzhou = await regionalUnit(t.db, '3301');
    const njAdmin = await createUser(t.db, nanjing.id, ['unit_admin']);
    const client = await signIn(t.app, njAdmin.username, njAdmin.password);
    const response = await client.post('/api/v1/users/bulk', { unitIds: [nanjing.id, hangzhou.id], role: 'contact' });
    expect(response.statusCode).toBe(404);
    const made = await t.db.selectFrom('role_assignments').select('user_id').where('unit_id', '=', hangzhou.id).execute();
    expect(made).toEqual([]);
  });
});

describe('audit log', () => {
  it('records writes and sign-ins with actor, unit, action, target, time and IP, searchable by the audit administrator', async () => {
    const auditor = await signIn(t.app, (await createUser(t.db, (await rootUnit(t.db)).id, ['audit_admin'])).username, 'Test@Pass2026');
    const response = await auditor.get('/api/v1/audit?action=user.create&pageSize=200');
    expect(response.statusCode).toBe(200);
    const entry = response.json().items.find((e: { details: { username?: string } }) => e.details.username === 'nanjing-admin');
    expect(entry).toMatchObject({ actorUsername: 'admin', action: 'user.create', targetType: 'user', outcome: 'success' });
    expect(entry.ip).toBe('127.0.0.1');
    expect(Date.parse(entry.occurredAt)).toBeGreaterThan(Date.now() - 600_000);
    const signIns = (await auditor.get('/api/v1/audit?action=session.sign_in&outcome=success')).json();
    expect(signIns.total).toBeGreaterThan(0);
    const text = (await auditor.get(`/api/v1/audit?q=${encodeURIComponent('南京市科协')}`)).json();
    expect(text.total).toBeGreaterThan(0);
  });

  it('shows a unit administrator only entries of its subtree', async () => {
    const suzhou = await regionalUnit(t.db, '3205');
    const wuxi = await regionalUnit(t.db, '3202');
    const szAdmin = await createUser(t.db, suzhou.id, ['unit_admin']);
    const wxAdmin = await createUser(t.db, wuxi.id, ['unit_admin']);
    const sz = await signIn(t.app, szAdmin.username, szAdmin.password);
    await sz.post('/api/v1/users', { unitId: suzhou.id, username: 'sz-new', displayName: '苏州新人', roles: ['contact'] });
    const wx = await signIn(t.app, wxAdmin.username, wxAdmin.password);
    const seen = (await wx.get('/api/v1/audit?pageSize=200')).json();
    expect(seen.items.some((e: { details: { username?: string } }) => e.details.username === 'sz-new')).toBe(false);
    const own = (await sz.get('/api/v1/audit?pageSize=200')).json();
    expect(own.items.some((e: { details: { username?: string } }) => e.details.username === 'sz-new')).toBe(true);
  });

  it('cannot be changed or deleted, even by the database user', async () => {
    await expect(t.db.updateTable('audit_log').set({ action: 'forged' }).execute()).rejects.toThrow(/append-only/);
    await expect(t.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });
});

describe('三员分立: system, security and audit administrators', () => {
  let root: { id: number };
  let security: Client;
  let auditor: Client;
  beforeAll(async () => {
    root = await rootUnit(t.db);
    const sec = await createUser(t.db, root.id, ['security_admin']);
    const aud = await createUser(t.db, root.id, ['audit_admin']);
    security = await signIn(t.app, sec.username, sec.password);
    auditor = await signIn(t.app, aud.username, aud.password);
  });

  it('creates the three administrators on first start', async () => {
    const rows = await t.db
      .selectFrom('role_assignments as r')
      .innerJoin('users as u', 'u.id', 'r.user_id')
      .select(['u.username', 'r.role', 'r.unit_id'])
      .where('r.role', 'in', ['system_admin', 'security_admin', 'audit_admin'])
      .where('u.username', 'in', ['admin', bootstrapUsernames.security_admin, bootstrapUsernames.audit_admin])
      .orderBy('u.username')
      .execute();
    expect(rows).toEqual([
      { username: 'admin', role: 'system_admin', unit_id: root.id },
      { username: 'auditadmin', role: 'audit_admin', unit_id: root.id },
      { username: 'secadmin', role: 'security_admin', unit_id: root.id },
    ]);
  });

  it('lets only the security administrator assign administrator roles, at the root, one per account', async () => {
    const created = await admin.post('/api/v1/users', { unitId: root.id, username: 'ops-two', displayName: '运维二', roles: ['contact'] });
    expect(created.statusCode).toBe(201);
    const { id } = created.json().user;
    // The system administrator cannot make another administrator.
    const bySystem = await admin.patch(`/api/v1/users/${id}`, { version: 1, roles: ['audit_admin'] });
    expect(bySystem.statusCode).toBe(403);
    expect(bySystem.json().code).toBe('role_not_grantable');
    // Two of the three on one account are refused with a clear message.
    const both = await security.patch(`/api/v1/users/${id}`, { version: 1, roles: ['system_admin', 'audit_admin'] });
    expect(both.statusCode).toBe(422);
    expect(both.json()).toMatchObject({ code: 'administrator_roles_exclusive', errors: [expect.objectContaining({ field: 'roles' })] });
    expect(both.json().detail).toMatch(/三员分立/);
    const granted = await security.patch(`/api/v1/users/${id}`, { version: 1, roles: ['audit_admin'] });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json().roles).toEqual(['audit_admin']);
    // The security administrator edits nothing but roles, and administrator roles only at the root.
    expect((await security.patch(`/api/v1/users/${id}`, { version: 2, displayName: '改名' })).statusCode).toBe(403);
    const nanjing = await regionalUnit(t.db, '3201');
    const njUser = await createUser(t.db, nanjing.id, ['contact']);
    const atCity = await security.patch(`/api/v1/users/${njUser.id}`, { version: 1, roles: ['security_admin'] });
    expect(atCity.statusCode).toBe(403);
    expect(atCity.json().code).toBe('role_not_grantable');
    const audited = await auditor.get(`/api/v1/audit?action=user.update&pageSize=200`);
    expect(audited.json().items.some((e: { targetId: string; details: { roles?: string[] } }) => e.targetId === String(id) && e.details.roles?.[0] === 'audit_admin')).toBe(true);
  });

  it('refuses anyone changing their own roles', async () => {
    const self = (await security.get('/api/v1/session')).json().user.id as number;
    expect((await security.patch(`/api/v1/users/${self}`, { version: 1, roles: ['system_admin'] })).statusCode).toBe(403);
    const adminId = (await admin.get('/api/v1/session')).json().user.id as number;
    expect((await admin.patch(`/api/v1/users/${adminId}`, { version: 1, roles: ['contact'] })).statusCode).toBe(403);
  });

  it('lets the security administrator unlock an account and reset its authenticator; not the system administrator', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact'], { totp: true });
    await t.db.updateTable('users').set({ locked_until: new Date(Date.now() + 1_800_000) }).where('id', '=', user.id).execute();
    expect((await admin.post(`/api/v1/users/${user.id}/unlock`)).statusCode).toBe(403);
    expect((await admin.post(`/api/v1/users/${user.id}/reset-totp`)).statusCode).toBe(403);
    expect((await auditor.post(`/api/v1/users/${user.id}/unlock`)).statusCode).toBe(404);
    const listed = (await security.get(`/api/v1/users?unitId=${nanjing.id}&pageSize=100`)).json();
    expect(listed.items.find((u: { id: number }) => u.id === user.id)).toMatchObject({ totpEnabled: true, lockedUntil: expect.any(String) });
    const unlocked = await security.post(`/api/v1/users/${user.id}/unlock`);
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json().lockedUntil).toBeNull();
    const reset = await security.post(`/api/v1/users/${user.id}/reset-totp`);
    expect(reset.statusCode).toBe(200);
    expect(reset.json().totpEnabled).toBe(false);
    // Without TOTP now, the password alone signs in.
    const signedIn = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: user.username, password: user.password } });
    expect(signedIn.statusCode).toBe(200);
    const actions = (await auditor.get(`/api/v1/audit?pageSize=200`)).json().items.filter((e: { targetId: string }) => e.targetId === String(user.id)).map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.unlock', 'user.reset_totp']));
    // No business data for the security administrator.
    expect((await security.get(`/api/v1/units/${nanjing.id}`)).statusCode).toBe(404);
    expect((await security.get('/api/v1/units/roots')).json()).toEqual([]);
  });

  it('gives the whole audit log and its verification to the audit administrator only', async () => {
    for (const client of [admin, security]) {
      expect((await client.get('/api/v1/audit')).statusCode).toBe(403);
      expect((await client.get('/api/v1/audit/verify')).statusCode).toBe(403);
    }
    const all = (await auditor.get('/api/v1/audit?pageSize=200')).json();
    expect(all.total).toBeGreaterThan(0);
    const verified = await auditor.get('/api/v1/audit/verify');
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ ok: true, firstBroken: null });
    expect(verified.json().rows).toBeGreaterThan(0);
    // The auditor changes nothing else and sees no accounts.
    expect((await auditor.get('/api/v1/users')).statusCode).toBe(403);
    expect((await auditor.post('/api/v1/users', { unitId: root.id, username: 'aud-made', displayName: '审计建', roles: ['contact'] })).statusCode).toBe(404);
    // A unit administrator at the national root does not get the whole-system log either.
    const rootUnitAdmin = await createUser(t.db, root.id, ['unit_admin']);
    expect((await (await signIn(t.app, rootUnitAdmin.username, rootUnitAdmin.password)).get('/api/v1/audit')).statusCode).toBe(403);
  });
});

describe('bulk accounts for the national root', () => {
  it('names the account u01, long enough for a user name (fuzzing found a 500 for unit 1)', async () => {
    const t2 = await createTestApp();
    try {
      const admin = await signIn(t2.app, testAdmin.username, testAdmin.password);
      const created = await admin.post('/api/v1/users/bulk', { unitIds: [1], role: 'contact' });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().created[0].username).toBe('u01');
    } finally {
      await t2.close();
    }
  });
});
