import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldCipher, parseFieldKeys } from '../../src/server/crypto/field-encryption';
import { openTotpSecret, totpCode, TotpKeyMissing } from '../../src/server/features/accounts/totp';
import { assertTotpKeysConfigured, rotateTotpKey } from '../../src/server/features/accounts/totp-keys';
import { createUser, regionalUnit } from '../support/factories';
import { createTestApp, signIn, type TestApp } from '../support/test-app';
import { testAdmin } from '../support/template';

/**
 * TOTP secrets are sealed under the first of HUIJU_TOTP_KEYS; `huiju rotate-totp-key` re-seals them
 * under a new first key, and the old key can then leave the configuration while sign-in with a code
 * keeps working throughout (decision 022). Its own app: the rotation seals every account's secret.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const entry = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const keyring = (text: string) => new FieldCipher(parseFieldKeys(text, 'HUIJU_TOTP_KEYS'));

describe('TOTP key rotation', () => {
  it('keeps sign-in with a code working before, during and after a rotation, then without the old key', async () => {
    const user = await createUser(t.db, (await regionalUnit(t.db, '3201')).id, ['contact']);
    const oldEntry = entry('old1');
    const newEntry = entry('new2');
    t.ctx.config.totpKey = keyring(oldEntry);
    const secretOf = async () => (await t.db.selectFrom('users').select('totp_secret').where('id', '=', user.id).executeTakeFirstOrThrow()).totp_secret!;
    // Each sign-in uses a fresh step: the last used one is forgotten as if 30 s had passed.
    const signInWithCode = async (secret: string) => {
      await t.db.updateTable('users').set({ totp_last_step: null }).where('id', '=', user.id).execute();
      const first = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: user.username, password: user.password } });
      expect(first.statusCode, first.body).toBe(202);
      return t.app.inject({ method: 'POST', url: '/api/v1/session/totp', payload: { challengeToken: first.json().challengeToken, totpCode: totpCode(secret) } });
    };

    const client = await signIn(t.app, user.username, user.password);
    const started = (await client.post('/api/v1/account/totp/enrolment')).json() as { secret: string };
    expect((await client.post('/api/v1/account/totp/confirm', { totpCode: totpCode(started.secret) })).statusCode).toBe(200);
    const sealedOld = await secretOf();
    expect(sealedOld).toMatch(/^enc:v1:old1:/);
    expect(sealedOld).not.toContain(started.secret);
    expect((await signInWithCode(started.secret)).statusCode).toBe(200);

    // The new key first, the old one after it: secrets under the old key still open.
    const both = keyring(`${newEntry},${oldEntry}`);
    t.ctx.config.totpKey = both;
    expect((await signInWithCode(started.secret)).statusCode).toBe(200);
    // Dropping the old key before the rotation: the server refuses to start, naming it.
    await expect(assertTotpKeysConfigured(t.db, keyring(newEntry))).rejects.toThrow(/TOTP key "old1", which is not configured/);
    await assertTotpKeysConfigured(t.db, both);
    const rotated = await rotateTotpKey(t.db, both);
    // This account, and the administrators' secrets stored as is before any key was configured.
    expect(rotated.byTable['users.totp_secret']).toBeGreaterThanOrEqual(2);
    const rows = await t.db.selectFrom('users').select(['username', 'totp_secret']).where('totp_secret', 'is not', null).execute();
    for (const row of rows) expect(row.totp_secret, row.username).toMatch(/^enc:v1:new2:/);
    expect((await rotateTotpKey(t.db, both)).resealed).toBe(0);

    // The old key leaves the configuration: codes still work, for the account and the administrator.
    t.ctx.config.totpKey = keyring(newEntry);
    await assertTotpKeysConfigured(t.db, keyring(newEntry));
    expect((await signInWithCode(started.secret)).statusCode).toBe(200);
    expect((await signIn(t.app, testAdmin.username, testAdmin.password)).csrfToken).toBeTruthy();
    // …and the old key alone no longer opens anything.
    expect(() => openTotpSecret(sealedOld, keyring(newEntry))).toThrow(TotpKeyMissing);
    expect(() => openTotpSecret(rows[0]!.totp_secret!, keyring(oldEntry))).toThrow(TotpKeyMissing);
  });
});
