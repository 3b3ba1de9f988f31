import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/server/features/accounts/totp';
import { FieldCipher } from '../../src/server/crypto/field-encryption';
import { createUser, regionalUnit, rootUnit } from '../support/factories';
import { createTestApp, freshTotpCode, signIn, anonymous, type Client, type TestApp } from '../support/test-app';
import { testAdmin, testTotpSecret } from '../support/template';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const signInRequest = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
const totpStep = (challengeToken: string, code: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/session/totp', payload: { challengeToken, totpCode: code } });

describe('sign-in', () => {
  it('signs the administrator in with an HttpOnly SameSite cookie and returns the session', async () => {
    const first = await signInRequest(testAdmin.username, testAdmin.password);
    expect(first.statusCode).toBe(202);
    const response = await totpStep(first.json().challengeToken, await freshTotpCode(t.db, testAdmin.username));
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

describe('TOTP second factor', () => {
  /** Enrols the signed-in account through the API; returns its secret and recovery codes. */
  async function enrol(client: Client) {
    const started = await client.post('/api/v1/account/totp/enrolment');
    expect(started.statusCode, started.body).toBe(200);
    const { secret, uri, qrCode } = started.json() as { secret: string; uri: string; qrCode: string };
    const confirmed = await client.post('/api/v1/account/totp/confirm', { totpCode: totpCode(secret) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    return { secret, uri, qrCode, recoveryCodes: confirmed.json().recoveryCodes as string[] };
  }

  it('asks for the code after the password and opens a session only with a valid one, once per challenge', async () => {
    const first = await signInRequest(testAdmin.username, testAdmin.password);
    expect(first.statusCode).toBe(202);
    expect(first.headers['set-cookie']).toBeUndefined();
    expect(first.json()).toMatchObject({ status: 'totp_required', challengeToken: expect.any(String) });
    const { challengeToken } = first.json();
    const code = await freshTotpCode(t.db, testAdmin.username);
    const wrong = await totpStep(challengeToken, code === '000000' ? '111111' : '000000');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'invalid_totp_code', errors: [expect.objectContaining({ field: 'totpCode' })] });
    const ok = await totpStep(challengeToken, code);
    expect(ok.statusCode).toBe(200);
    expect(String(ok.headers['set-cookie'])).toMatch(/huiju_session=.*HttpOnly/i);
    expect(ok.json().user).toMatchObject({ username: 'admin', totpEnabled: true, totpEnrolmentRequired: false });
    // The challenge is spent, and a challenge past its five minutes is refused.
    expect((await totpStep(challengeToken, code)).json().code).toBe('totp_challenge_invalid');
    const late = (await signInRequest(testAdmin.username, testAdmin.password)).json().challengeToken as string;
    await t.db.updateTable('sign_in_challenges').set({ expires_at: sql`now() - interval '1 second'` }).execute();
    expect((await totpStep(late, await freshTotpCode(t.db, testAdmin.username))).statusCode).toBe(401);
    const audited = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'session.sign_in').where('outcome', '=', 'failure').execute();
    expect(audited.map((a) => a.details.reason)).toContain('wrong_totp');
  });

  it('enrols with a QR code, stores the secret only once confirmed, and refuses a replayed or stale code', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact']);
    const client = await signIn(t.app, user.username, user.password);
    expect((await client.get('/api/v1/account/totp')).json()).toEqual({ enabled: false, enabledAt: null, required: false, recoveryCodesLeft: 0 });

    const started = await client.post('/api/v1/account/totp/enrolment');
    const { secret, uri, qrCode } = started.json();
    expect(uri).toMatch(new RegExp(`^otpauth://totp/Huiju:${user.username}\\?`));
    expect(uri).toContain(`secret=${secret}`);
    expect(qrCode).toMatch(/^data:image\/png;base64,/);
    const before = await t.db.selectFrom('users').select(['totp_secret', 'totp_enabled_at']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(before).toEqual({ totp_secret: null, totp_enabled_at: null });
    const bad = await client.post('/api/v1/account/totp/confirm', { totpCode: totpCode(secret, Date.now() - 120_000) });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0]).toMatchObject({ field: 'totpCode', message: expect.stringContaining('动态验证码') });

    const code = totpCode(secret);
    const confirmed = await client.post('/api/v1/account/totp/confirm', { totpCode: code });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json().recoveryCodes).toHaveLength(10);
    const after = await t.db.selectFrom('users').select(['totp_secret', 'totp_enabled_at']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(after.totp_secret).toBe(secret);
    expect(after.totp_enabled_at).not.toBeNull();

    // The code used to confirm cannot sign in; nor can one from two steps back.
    const challenge = (await signInRequest(user.username, user.password)).json().challengeToken as string;
    expect((await totpStep(challenge, code)).statusCode).toBe(401);
    expect((await totpStep(challenge, totpCode(secret, Date.now() - 60_000))).statusCode).toBe(401);
    const next = await totpStep(challenge, totpCode(secret, Date.now() + 30_000));
    expect(next.statusCode).toBe(200);
    const events = await t.db.selectFrom('audit_log').select(['action', 'outcome']).where('target_id', '=', String(user.id)).execute();
    expect(events).toEqual(
      expect.arrayContaining([
        { action: 'account.totp_enrolment_start', outcome: 'success' },
        { action: 'account.totp_enable', outcome: 'failure' },
        { action: 'account.totp_enable', outcome: 'success' },
      ]),
    );
  });

  it('signs in once with each recovery code (stored hashed) and turns TOTP off only with password and code', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact']);
    const client = await signIn(t.app, user.username, user.password);
    const { secret, recoveryCodes } = await enrol(client);
    const stored = await t.db.selectFrom('totp_recovery_codes').select('code_hash').where('user_id', '=', user.id).execute();
    expect(stored).toHaveLength(10);
    expect(stored.map((r) => r.code_hash)).not.toContain(recoveryCodes[0]);

    const recovery = recoveryCodes[0]!;
    const first = await totpStep((await signInRequest(user.username, user.password)).json().challengeToken, recovery.toUpperCase());
    expect(first.statusCode).toBe(200);
    expect((await totpStep((await signInRequest(user.username, user.password)).json().challengeToken, recovery)).statusCode).toBe(401);
    expect((await client.get('/api/v1/account/totp')).json()).toMatchObject({ enabled: true, recoveryCodesLeft: 9 });

    const noPassword = await client.post('/api/v1/account/totp/disable', { password: 'Wrong@Pass9', totpCode: totpCode(secret, Date.now() + 30_000) });
    expect(noPassword.statusCode).toBe(422);
    expect(noPassword.json().errors[0].field).toBe('password');
    const off = await client.post('/api/v1/account/totp/disable', { password: user.password, totpCode: totpCode(secret, Date.now() + 30_000) });
    expect(off.statusCode, off.body).toBe(200);
    expect((await signInRequest(user.username, user.password)).statusCode).toBe(200);
    expect(await t.db.selectFrom('totp_recovery_codes').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
    const events = await t.db.selectFrom('audit_log').select(['action', 'outcome']).where('target_id', '=', String(user.id)).where('action', '=', 'account.totp_disable').execute();
    expect(events).toEqual(expect.arrayContaining([{ action: 'account.totp_disable', outcome: 'failure' }, { action: 'account.totp_disable', outcome: 'success' }]));
  });

  it('counts wrong codes toward the lockout: the fifth locks the account', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact'], { totp: true });
    const wrong = totpCode(testTotpSecret) === '123456' ? '654321' : '123456';
    for (let i = 1; i <= 4; i++) {
      const challenge = (await signInRequest(user.username, user.password)).json().challengeToken as string;
      expect((await totpStep(challenge, wrong)).statusCode).toBe(401);
    }
    const challenge = (await signInRequest(user.username, user.password)).json().challengeToken as string;
    const fifth = await totpStep(challenge, wrong);
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().code).toBe('account_locked');
    expect((await signInRequest(user.username, user.password)).statusCode).toBe(423);
  });

  it('limits a system administrator without TOTP to enrolling it, and keeps it required', async () => {
    const root = await rootUnit(t.db);
    const user = await createUser(t.db, root.id, ['system_admin'], { totp: false });
    const client = await signIn(t.app, user.username, user.password);
    expect((await client.get('/api/v1/session')).json().user).toMatchObject({ totpEnabled: false, totpEnrolmentRequired: true });
    const refused = await client.get('/api/v1/units/roots');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'totp_enrolment_required', detail: expect.stringContaining('动态验证码') });
    expect((await client.post('/api/v1/users', { unitId: root.id, username: 'sneaky', displayName: '绕过', roles: ['contact'] })).statusCode).toBe(403);
    expect((await client.get('/api/v1/account/totp')).json()).toMatchObject({ enabled: false, required: true });

    const { secret } = await enrol(client);
    expect((await client.get('/api/v1/units/roots')).statusCode).toBe(200);
    const keep = await client.post('/api/v1/account/totp/disable', { password: user.password, totpCode: totpCode(secret, Date.now() + 30_000) });
    expect(keep.statusCode).toBe(409);
    expect(keep.json().code).toBe('totp_required_for_role');
  });

  it('encrypts the secret at rest when TOTP keys are set', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const user = await createUser(t.db, nanjing.id, ['contact']);
    t.ctx.config.totpKey = new FieldCipher([{ id: 't1', key: randomBytes(32) }]);
    try {
      const client = await signIn(t.app, user.username, user.password);
      const { secret } = await enrol(client);
      const row = await t.db.selectFrom('users').select('totp_secret').where('id', '=', user.id).executeTakeFirstOrThrow();
      expect(row.totp_secret).toMatch(/^enc:v1:t1:/);
      expect(row.totp_secret).not.toContain(secret);
      const challenge = (await signInRequest(user.username, user.password)).json().challengeToken as string;
      expect((await totpStep(challenge, totpCode(secret, Date.now() + 30_000))).statusCode).toBe(200);
    } finally {
      t.ctx.config.totpKey = undefined;
    }
  });
});
