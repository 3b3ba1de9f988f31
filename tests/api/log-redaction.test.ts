import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, createTestApp, signIn, type Client, type TestApp } from '../support/test-app';
import { showcaseScenario } from '../support/showcase-scenario';
import { testAdmin } from '../support/template';

/**
 * The request logs, captured from the real logger at info level, after a session that handles
 * every kind of secret and personal data: passwords (right and wrong), the session cookie, the
 * CSRF token, phones, e-mails and addresses in bodies, URLs and error messages. None may appear.
 */
const lines: string[] = [];
const capture = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    callback();
  },
});
const logs = () => lines.join('\n');

let t: TestApp;
let admin: Client;
let sc: Awaited<ReturnType<typeof showcaseScenario>>;
const secrets: string[] = [];
const wrongPassword = 'Wr0ng!Passw0rd-不对';

beforeAll(async () => {
  t = await createTestApp({ logStream: capture });
  // A route that fails the way a bug would: an error whose message and driver detail quote personal data.
  t.app.get('/api/v1/__boom', async () => {
    throw Object.assign(new Error('insert failed for 13700137000 <boom@example.cn> at 南京市鼓楼区中山路100号'), {
      code: 'XX000',
      detail: 'Key (mobile)=(13700137000) already exists.',
      where: 'SQL statement "INSERT INTO users VALUES (\'13700137000\')"',
    });
  });
  admin = await signIn(t.app, testAdmin.username, testAdmin.password);
  sc = await showcaseScenario(t.app, t.db);
  secrets.push(testAdmin.password, wrongPassword, admin.cookie.split('=')[1]!, admin.csrfToken);
  for (const c of Object.values(sc.clients)) secrets.push(c.cookie.split('=')[1]!, c.csrfToken);
  // The scenario's units carry contacts (赵六, 13811112222, zl@njast.cn, 025-84000000, 玄武大道).
  secrets.push('13811112222', 'zl@njast.cn', '84000000', '玄武大道', '赵六');
}, 180_000);
afterAll(() => t.close());

describe('logs', () => {
  it('hold no password, session cookie, CSRF token, phone, e-mail or address', async () => {
    const pub = anonymous(t.app);
    // A failed sign-in (the wrong password is in the body) and a good one.
    expect((await pub.post('/api/v1/session', { username: testAdmin.username, password: wrongPassword })).statusCode).toBe(401);
    const again = await signIn(t.app, testAdmin.username, testAdmin.password);
    secrets.push(again.cookie.split('=')[1]!, again.csrfToken);

    // A unit created with its contact, then read back (the response carries it unmasked).
    const nanjing = sc.s.nanjing.id;
    const unit = await admin.post('/api/v1/units', {
      parentId: nanjing,
      name: '南京市日志脱敏测试学会',
      shortName: '日志脱敏学会',
      type: 'learned_society',
      contactName: '钱七',
      contactMobile: '13955554444',
      contactEmail: 'qianqi@example.cn',
      mailingAddress: '南京市秦淮区中华路88号',
    });
    expect(unit.statusCode, unit.body).toBe(201);
    secrets.push('钱七', '13955554444', 'qianqi@example.cn', '中华路88号');
    expect((await admin.get(`/api/v1/units/${unit.json().id}`)).json().contact.mobile).toBe('13955554444');
    expect((await sc.clients.nanjing.get(`/api/v1/units/${nanjing}`)).statusCode).toBe(200);

    // An account with its e-mail and mobile, then the list.
    const user = await admin.post('/api/v1/users', {
      unitId: nanjing,
      username: 'log-redaction',
      displayName: '孙八',
      email: 'sunba@example.cn',
      mobile: '13666667777',
      roles: ['contact'],
    });
    expect(user.statusCode, user.body).toBe(201);
    secrets.push('sunba@example.cn', '13666667777', '孙八');
    expect((await admin.get('/api/v1/users')).statusCode).toBe(200);

    // Personal data in the URL: a search by phone, and a sign-up code (a bearer secret) in the path.
    expect((await admin.get('/api/v1/units/search?q=13955554444')).statusCode).toBe(200);

    // A public sign-up with a phone, looked up and cancelled by its code.
    const [lecture] = sc.activities.nanjing as [number];
    const asked = await sc.clients.nanjing.put(`/api/v1/showcase/activities/${lecture}/publication`, { description: '南京科技馆举办院士科普讲座，面向市民开放报名。' });
    expect(asked.statusCode, asked.body).toBe(200);
    const approved = await sc.clients.province.post(`/api/v1/showcase/publications/${asked.json().id}/approve`, { version: asked.json().version });
    expect(approved.statusCode, approved.body).toBe(200);
    const opened = await sc.clients.nanjing.put(`/api/v1/showcase/activities/${lecture}/signup-settings`, { enabled: true, capacity: 10, deadline: '2099-05-30T12:00:00+08:00' });
    expect(opened.statusCode, opened.body).toBe(200);
    const signup = await pub.post(`/api/v1/public/showcase/activities/${lecture}/signups`, { attendeeName: '周九', mobile: '139 1234 5678', affiliation: '南京市第九中学' });
    expect(signup.statusCode, signup.body).toBe(201);
    const code = signup.json().code as string;
    secrets.push('周九', '13912345678', '1234 5678', '第九中学', code);
    expect((await pub.get(`/api/v1/public/showcase/signups/${code}`)).statusCode).toBe(200);
    expect((await pub.post(`/api/v1/public/showcase/signups/${code}/cancel`)).statusCode).toBe(200);

    // A validation error whose body carries a phone and an e-mail.
    const invalid = await admin.post('/api/v1/users', { unitId: nanjing, username: 'A B', displayName: '吴十', email: 'wushi@example.cn', mobile: '13511112222', roles: [] });
    expect(invalid.statusCode).toBe(422);
    secrets.push('wushi@example.cn', '13511112222', '吴十');

    // A state-changing request refused for its missing CSRF token (the cookie is still sent).
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: admin.cookie } })).statusCode).toBe(403);

    // An unhandled error quoting personal data.
    const boom = await admin.get('/api/v1/__boom');
    expect(boom.statusCode).toBe(500);
    secrets.push('13700137000', 'boom@example.cn', '中山路100号');

    // The logs were written: one line per request in and out, the failure with its code.
    const text = logs();
    expect(lines.length).toBeGreaterThan(40);
    if (process.env.HUIJU_DUMP_LOGS) console.log(text);
    // A digits-only secret counts as leaked only as a number of its own, not inside a timing like 3.184000000.
    const leaked = secrets.filter((s) => (/^\d+$/.test(s) ? new RegExp(`(?<![\\d.])${s}(?!\\d)`).test(text) : text.includes(s)));
    expect(leaked).toEqual([]);
    // And nothing that looks like one, whatever it was: no e-mail address, no mainland mobile number.
    expect(text.match(/[\w.+-]+@[\w-]+\.[\w.-]+/g) ?? []).toEqual([]);
    expect(text.match(/(?<![\d.])1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)/g) ?? []).toEqual([]);
    // Nor request bodies or headers at all.
    expect(text).not.toMatch(/"(body|headers|cookie|x-csrf-token|password)"/i);
    // Query values and token-like path segments are masked; the failure is logged with its code.
    expect(text).toContain('"url":"/api/v1/units/search?q=*"');
    expect(text).toContain('"url":"/api/v1/public/showcase/signups/*/cancel"');
    expect(lines.some((l) => l.includes('unhandled error') && l.includes('"code":"XX000"') && l.includes('[digits]'))).toBe(true);

  });
});
