import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_IP_LIMIT } from '../../src/server/features/accounts/service';
import { testAdmin } from '../support/template';
import { createTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const signInFrom = (remoteAddress: string, username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress, payload: { username, password } });

describe('per-address sign-in limit', () => {
  it(`answers 429 with Retry-After once an address has failed ${SIGN_IN_IP_LIMIT} times in 15 minutes, for any account`, async () => {
    const attacker = '203.0.113.7';
    // Spread over many user names, so no single account's lockout stops the guessing.
    for (let i = 0; i < SIGN_IN_IP_LIMIT; i++) {
      const response = await signInFrom(attacker, `guess-${i}`, 'Wrong@Pass1');
      expect(response.statusCode).toBe(401);
    }
    const refused = await signInFrom(attacker, testAdmin.username, testAdmin.password);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('900');
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ code: 'rate_limited', detail: '请求过于频繁，请稍后再试' });

    // Another address is not affected (the password passes; the administrator's code is asked next),
    // and the refusals are audited with the address.
    expect((await signInFrom('198.51.100.4', testAdmin.username, testAdmin.password)).statusCode).toBe(202);
    const audited = await t.db
      .selectFrom('audit_log')
      .select(['ip'])
      .where('action', '=', 'session.sign_in')
      .where('outcome', '=', 'failure')
      .where('ip', '=', attacker)
      .execute();
    expect(audited).toHaveLength(SIGN_IN_IP_LIMIT + 1);
  });
});
