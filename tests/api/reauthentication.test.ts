import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAdmin } from '../support/template';
import { createTestApp, freshTotpCode, signIn, type Client, type TestApp } from '../support/test-app';
import { createUser } from '../support/factories';

/**
 * Re-authentication before a personal-data export: the password alone for an account without an
 * authenticator; the password and a current code for one with it (wrong codes are refused and audited).
 */
let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, testAdmin.username, testAdmin.password);
});
afterAll(() => t.close());

describe('re-authentication with a second factor', () => {
  it('asks an account with an authenticator for a current code besides the password', async () => {
    const missing = await admin.post('/api/v1/session/reauthenticate', { password: testAdmin.password });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors[0].field).toBe('totpCode');
    const wrongCode = (Number(await freshTotpCode(t.db, testAdmin.username)) + 1) % 1_000_000;
    const wrong = await admin.post('/api/v1/session/reauthenticate', { password: testAdmin.password, totpCode: String(wrongCode).padStart(6, '0') });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().errors[0].field).toBe('totpCode');
    const ok = await admin.post('/api/v1/session/reauthenticate', { password: testAdmin.password, totpCode: await freshTotpCode(t.db, testAdmin.username) });
    expect(ok.statusCode, ok.body).toBe(200);
    const session = await t.db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id').select('sessions.reauthenticated_at').where('users.username', '=', testAdmin.username).where('sessions.reauthenticated_at', 'is not', null).execute();
    expect(session).toHaveLength(1);
    // The wrong code is audited as a failure; only the full proof as a success.
    const audits = await t.db.selectFrom('audit_log').select('outcome').where('action', '=', 'session.reauthenticate').orderBy('id').execute();
    expect(audits.map((a) => a.outcome)).toEqual(['failure', 'success']);
  });

  it('takes the password alone from an account without one', async () => {
    const jiangsu = await t.db.selectFrom('units').select('id').where('region_code', '=', '32').executeTakeFirstOrThrow();
    const manager = await createUser(t.db, jiangsu.id, ['campaign_manager']);
    const client = await signIn(t.app, manager.username, manager.password);
    expect((await client.post('/api/v1/session/reauthenticate', { password: manager.password })).statusCode).toBe(200);
    expect((await client.post('/api/v1/session/reauthenticate', { password: 'Wrong@Pass2026' })).statusCode).toBe(403);
  });
});
