import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, regionalUnit } from '../support/factories';
import { createTestApp, signIn, anonymous, type TestApp } from '../support/test-app';
import { testAdmin } from '../support/template';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const signInRequest = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });

describe('sign-in', () => {
  it('signs the administrator in with an HttpOnly SameSite cookie and returns the session', async () => {
    const response = await signInRequest(testAdmin.username, testAdmin.password);
    expect(response.statusCode).toBe(200);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/huiju_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const body = response.json();
    expect(body.user.username).toBe('admin');
    expect(body.grants).toEqual([{ role: 'system_admin', unitId: expect.any(Number), unitName: '中国科协' }]);
    expect(body.csrfToken).toHaveLength(32);
  });

  it('gives a new session id at every sign-in', async () => {
    const a = await signIn(t.app, testAdmin.username, testAdmin.password);
    const b = await signIn(t.app, testAdmin.username, testAdmin.password);
    expect(a.cookie).not.toBe(b.cookie);
  });

  it('refuses a wrong password and an unknown user with the same message, and audits both', async () => {
    const wrong = await signInRequest(testAdmin.username, 'Wrong@Pass1');
    const unknown = await signInRequest('nobody-here', 'Wrong@Pass1');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
    expect(wrong.json().detail).toBe('用户名或密码错误');
    const failures = await t.db
      .selectFrom('audit_log')
      .select(['actor_username', 'outcome'])
      .where('action', '=', 'session.sign_in')
      .where('outcome', '=', 'failure')
      .execute();
    expect(failures.map((f) => f.actor_username)).toEqual(expect.arrayContaining(['admin', 'nobody-here']));
  });

  it('locks an account for 30 minutes at the fifth failure within 15 minutes', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact']);
    for (let i = 1; i <= 4; i++) expect((await signInRequest(user.username, `Wrong@Pass${i}`)).statusCode).toBe(401);
    const fifth = await signInRequest(user.username, 'Wrong@Pass5');
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().code).toBe('account_locked');
    // Even the right password is refused while locked.
    const locked = await signInRequest(user.username, user.password);
    expect(locked.statusCode).toBe(423);
    expect(locked.json().detail).toMatch(/账户已锁定/);
    const row = await t.db.selectFrom('users').select('locked_until').where('id', '=', user.id).executeTakeFirstOrThrow();
    const minutes = (row.locked_until!.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(30);
    // When the lock has run out, the right password works again.
    await t.db.updateTable('users').set({ locked_until: new Date(Date.now() - 1000) }).where('id', '=', user.id).execute();
    expect((await signInRequest(user.username, user.password)).statusCode).toBe(200);
  });

  it('forgets failures older than 15 minutes', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact']);
    for (let i = 0; i < 4; i++) await signInRequest(user.username, 'Wrong@Pass0');
    await t.db
      .updateTable('sign_in_failures')
      .set({ failed_at: sql`now() - interval '16 minutes'` })
      .where('user_id', '=', user.id)
      .execute();
    expect((await signInRequest(user.username, 'Wrong@Pass0')).statusCode).toBe(401);
  });

  it('refuses a disabled account', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact']);
    await t.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', user.id).execute();
    const response = await signInRequest(user.username, user.password);
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('account_disabled');
  });

  it('names the empty fields in Chinese', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: '' } });
    expect(response.statusCode).toBe(422);
    const body = response.json();
    expect(body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'username', code: 'required', message: '用户名为必填项' }),
        expect.objectContaining({ field: 'password', code: 'required', message: '密码为必填项' }),
      ]),
    );
    expect(body.detail).toContain('用户名为必填项');
  });
});

describe('sessions', () => {
  it('requires the CSRF token on state-changing requests', async () => {
    const client = await signIn(t.app, testAdmin.username, testAdmin.password);
    const without = await t.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: client.cookie } });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('csrf_failed');
    const wrong = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: { cookie: client.cookie, 'x-csrf-token': 'forged' },
    });
    expect(wrong.statusCode).toBe(403);
    expect((await client.get('/api/v1/session')).statusCode).toBe(200);
  });

  it('ends the session at sign-out, on the server', async () => {
    const client = await signIn(t.app, testAdmin.username, testAdmin.password);
    expect((await client.delete('/api/v1/session')).statusCode).toBe(200);
    const after = await client.get('/api/v1/session');
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('unauthenticated');
  });

  it('signs out everywhere', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact']);
    const phone = await signIn(t.app, user.username, user.password);
    const laptop = await signIn(t.app, user.username, user.password);
    expect((await laptop.delete('/api/v1/session?everywhere=true')).statusCode).toBe(200);
    expect((await phone.get('/api/v1/session')).statusCode).toBe(401);
    expect((await laptop.get('/api/v1/session')).statusCode).toBe(401);
  });

  it('expires after 30 idle minutes', async () => {
    const client = await signIn(t.app, testAdmin.username, testAdmin.password);
    await t.db.updateTable('sessions').set({ last_seen_at: sql`now() - interval '31 minutes'` }).execute();
    expect((await client.get('/api/v1/session')).statusCode).toBe(401);
  });

  it('expires at its absolute end even when active', async () => {
    const client = await signIn(t.app, testAdmin.username, testAdmin.password);
    await t.db.updateTable('sessions').set({ expires_at: sql`now() - interval '1 second'` }).execute();
    expect((await client.get('/api/v1/session')).statusCode).toBe(401);
  });

  it('stores only a hash of the session token', async () => {
    const client = await signIn(t.app, testAdmin.username, testAdmin.password);
    const token = client.cookie.split('=')[1]!;
    const rows = await t.db.selectFrom('sessions').select('id').execute();
    expect(rows.map((r) => r.id)).not.toContain(token);
  });
});

describe('passwords', () => {
  it('changes the password under the policy and ends other sessions', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact']);
    const here = await signIn(t.app, user.username, user.password);
    const elsewhere = await signIn(t.app, user.username, user.password);

    const weak = await here.post('/api/v1/account/password', { currentPassword: user.password, newPassword: 'abcdefgh' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().errors.map((e: { code: string }) => e.code)).toEqual(['password_too_few_classes', 'password_common']);

    const wrongCurrent = await here.post('/api/v1/account/password', { currentPassword: 'Nope@12345', newPassword: 'New@Pass2026x' });
    expect(wrongCurrent.statusCode).toBe(422);
    expect(wrongCurrent.json().code).toBe('wrong_current_password');

    const ok = await here.post('/api/v1/account/password', { currentPassword: user.password, newPassword: 'New@Pass2026x' });
    expect(ok.statusCode).toBe(200);
    expect((await here.get('/api/v1/session')).statusCode).toBe(200);
    expect((await elsewhere.get('/api/v1/session')).statusCode).toBe(401);
    expect((await signInRequest(user.username, user.password)).statusCode).toBe(401);
    expect((await signInRequest(user.username, 'New@Pass2026x')).statusCode).toBe(200);
  });

  it('stores passwords as Argon2id hashes', async () => {
    const row = await t.db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('activation links', () => {
  it('lets a new account set its password once through its link', async () => {
    const admin = await signIn(t.app, testAdmin.username, testAdmin.password);
    const xuanwu = await regionalUnit(t.db, '320102');
    const created = await admin.post('/api/v1/users', {
      unitId: xuanwu.id,
      username: 'xuanwu-contact',
      displayName: '玄武填报员',
      roles: ['contact'],
      mode: 'activation_link',
    });
    expect(created.statusCode).toBe(201);
    const link: string = created.json().credentials.activationUrl;
    const token = new URL(link).searchParams.get('token')!;
    expect(created.json().user.status).toBe('pending_activation');
    expect((await signInRequest('xuanwu-contact', 'anything')).statusCode).toBe(401);

    const info = await anonymous(t.app).get(`/api/v1/account/activation?token=${token}`);
    expect(info.json()).toEqual({ username: 'xuanwu-contact', displayName: '玄武填报员', unitName: '玄武区科协' });
    const weak = await anonymous(t.app).post('/api/v1/account/activation', { token, password: '12345678' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().errors[0].field).toBe('password');
    const ok = await anonymous(t.app).post('/api/v1/account/activation', { token, password: 'Xuanwu@2026' });
    expect(ok.statusCode).toBe(200);
    expect((await signInRequest('xuanwu-contact', 'Xuanwu@2026')).statusCode).toBe(200);
    // The link works once.
    const again = await anonymous(t.app).post('/api/v1/account/activation', { token, password: 'Other@2026x' });
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('activation_invalid');
  });
});
