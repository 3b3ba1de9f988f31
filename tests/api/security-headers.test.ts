import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, createTestApp, freshTotpCode, signIn, type TestApp } from '../support/test-app';
import { testAdmin } from '../support/template';

/**
 * Response headers on the three kinds of page (an API route, the single-page app, a public
 * showcase page), and the session cookie and HSTS with and without TLS configured.
 */
let webDir: string;
let plain: TestApp;
beforeAll(async () => {
  webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-web-'));
  fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8" /><title>汇聚</title></head><body><div id="root"></div></body></html>');
  plain = await createTestApp({ webDir });
});
afterAll(async () => {
  await plain.close();
  fs.rmSync(webDir, { recursive: true, force: true });
});

const pages = [
  ['an API route', '/api/health', /application\/json/],
  ['an API route needing a session', '/api/v1/units', /application\/problem\+json/],
  ['the single-page app', '/notices', /text\/html/],
  ['a public showcase page', '/showcase', /text\/html/],
] as const;

function expectCommonHeaders(response: LightMyRequestResponse) {
  const csp = String(response.headers['content-security-policy']);
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
  expect(directives['default-src']).toBe("'self'");
  expect(directives['frame-ancestors']).toBe("'none'");
  expect(directives['object-src']).toBe("'none'");
  expect(directives['script-src']).toBe("'self'");
  expect(directives['base-uri']).toBe("'self'");
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['x-powered-by']).toBeUndefined();
  expect(response.headers['referrer-policy']).toBe('no-referrer');
  expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
}

/** The answer that opens the administrator's session: the authenticator step's, after the password. */
async function openSession(app: TestApp) {
  const first = await app.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: testAdmin.username, password: testAdmin.password } });
  if (first.statusCode !== 202) return first;
  const totpCode = await freshTotpCode(app.db, testAdmin.username);
  return app.app.inject({ method: 'POST', url: '/api/v1/session/totp', payload: { challengeToken: first.json().challengeToken, totpCode } });
}

describe('headers without TLS', () => {
  it.each(pages)('on %s: CSP, nosniff, a referrer policy, no X-Powered-By, and no HSTS', async (_label, url, type) => {
    const response = await plain.app.inject({ method: 'GET', url });
    expect(response.headers['content-type']).toMatch(type);
    expectCommonHeaders(response);
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('the showcase page is the app with its own title, under the same headers', async () => {
    const response = await plain.app.inject({ method: 'GET', url: '/showcase' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>全国科技工作者日专题栏目</title>');
  });

  it('sends the session cookie HttpOnly and SameSite, without Secure or the __Host- prefix', async () => {
    const response = await openSession(plain);
    expect(response.statusCode).toBe(200);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^huiju_session=[^;]+; /);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).not.toMatch(/; Secure/i);
  });

  it('refuses a state-changing request without the CSRF token: 403 problem+json', async () => {
    const client = await signIn(plain.app, testAdmin.username, testAdmin.password);
    const refused = await plain.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: client.cookie } });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ status: 403, code: 'csrf_failed' });
    const wrong = await plain.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: client.cookie, 'x-csrf-token': 'x'.repeat(43) } });
    expect(wrong.statusCode).toBe(403);
    // The session still works: nothing was done.
    expect((await client.get('/api/v1/session')).statusCode).toBe(200);
  });
});

describe.each([
  ['HUIJU_PUBLIC_URL is https', { HUIJU_PUBLIC_URL: 'https://huiju.example.cn' }],
  ['HUIJU_SECURE_COOKIES=true (TLS at a proxy)', { HUIJU_SECURE_COOKIES: 'true' }],
])('under TLS (%s)', (_label, env) => {
  let tls: TestApp;
  beforeAll(async () => {
    tls = await createTestApp({ webDir, env });
  });
  afterAll(() => tls.close());

  it.each(pages)('on %s: HSTS for a year with subdomains, and the same headers', async (_label, url) => {
    const response = await tls.app.inject({ method: 'GET', url });
    expectCommonHeaders(response);
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('sends a __Host- session cookie: Secure, HttpOnly, SameSite, Path=/ and no Domain; sign-out clears that same cookie', async () => {
    const response = await openSession(tls);
    expect(response.statusCode).toBe(200);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^__Host-huiju_session=[^;]+; /);
    const attributes = cookie.split(';').slice(1).map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('secure');
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);

    const client = await signIn(tls.app, testAdmin.username, testAdmin.password);
    expect(client.cookie.startsWith('__Host-huiju_session=')).toBe(true);
    expect((await client.get('/api/v1/session')).statusCode).toBe(200);
    // The plain name is not accepted in its place.
    const plainName = client.cookie.replace('__Host-huiju_session=', 'huiju_session=');
    expect((await tls.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: plainName } })).statusCode).toBe(401);
    const refused = await tls.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: client.cookie } });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const out = await client.delete('/api/v1/session');
    expect(out.statusCode).toBeLessThan(300);
    expect(String(out.headers['set-cookie'])).toMatch(/^__Host-huiju_session=;.*Path=\//i);
  });

  it('an anonymous request still gets the headers', async () => {
    expectCommonHeaders(await anonymous(tls.app).get('/api/health'));
  });
});
