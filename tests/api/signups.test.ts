import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPersonalData } from '../../src/shared/domain/personal-data';
import { signupLimits } from '../../src/server/features/signups/routes';
import { anonymous, createTestApp, type Client, type TestApp } from '../support/test-app';
import { showcaseScenario } from '../support/showcase-scenario';

let t: TestApp;
let sc: Awaited<ReturnType<typeof showcaseScenario>>;
let pub: Client;
let lecture = 0;
let unpublished = 0;
let settingsVersion = 0;
const future = '2099-05-30T12:00:00+08:00';
let nextIp = 1;
/** Each sign-up from its own address, so the per-address limit is tested on its own. */
const from = () => `10.0.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;

const signUp = (activityId: number, body: Record<string, unknown>, remoteAddress = from()) =>
  pub.request({ method: 'POST', url: `/api/v1/public/showcase/activities/${activityId}/signups`, payload: body, remoteAddress });
const cancel = (code: string) => pub.request({ method: 'POST', url: `/api/v1/public/showcase/signups/${code}/cancel`, remoteAddress: from() });
const lookUp = (code: string) => pub.request({ method: 'GET', url: `/api/v1/public/showcase/signups/${code}`, remoteAddress: from() });
const settings = (client: Client, body: Record<string, unknown>, id = lecture) => client.put(`/api/v1/showcase/activities/${id}/signup-settings`, body);
const checkIn = (client: Client, code: string) => client.post(`/api/v1/showcase/activities/${lecture}/check-ins`, { signupCode: code });
const codes: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  sc = await showcaseScenario(t.app, t.db);
  pub = anonymous(t.app);
  [lecture, unpublished] = sc.activities.nanjing as [number, number];
  const asked = await sc.clients.nanjing.put(`/api/v1/showcase/activities/${lecture}/publication`, { description: '南京科技馆举办院士科普讲座，面向中小学生和市民开放报名。' });
  if (asked.statusCode !== 200) throw new Error(asked.body);
  const approved = await sc.clients.province.post(`/api/v1/showcase/publications/${asked.json().id}/approve`, { version: asked.json().version });
  if (approved.statusCode !== 200) throw new Error(approved.body);
});
afterAll(() => t.close());

describe('settings', () => {
  it('are for the organising unit: units above see the activity but may not open sign-up, others do not see it', async () => {
    expect((await settings(sc.clients.suzhou, { enabled: true, capacity: 2, deadline: future })).statusCode).toBe(404);
    expect((await settings(sc.clients.province, { enabled: true, capacity: 2, deadline: future })).statusCode).toBe(403);
    const bad = await settings(sc.clients.nanjing, { enabled: true, capacity: 0, deadline: '明天' });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['capacity', 'deadline']);
    const saved = await settings(sc.clients.nanjing, { enabled: true, capacity: 2, deadline: future });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await settings(sc.clients.nanjing, { enabled: true, capacity: 2, deadline: future })).statusCode).toBe(409);
    const view = (await sc.clients.nanjing.get(`/api/v1/showcase/activities/${lecture}/signups`)).json();
    expect(view).toMatchObject({ organiser: true, published: true, settings: { enabled: true, capacity: 2, open: true, version: 1 }, counts: { confirmed: 0, waitlisted: 0, checkedIn: 0 } });
    settingsVersion = view.settings.version;
  });
});

describe('signing up', () => {
  it('validates the form, naming each field in Chinese', async () => {
    const bad = await pub.request({
      method: 'POST',
      url: `/api/v1/public/showcase/activities/${lecture}/signups`,
      payload: { attendeeName: '', mobile: '1390000', affiliation: 'x'.repeat(61) },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(bad.statusCode).toBe(422);
    const errors = bad.json().errors as { field: string; message: string }[];
    expect(errors.map((e) => e.field).sort()).toEqual(['affiliation', 'attendeeName', 'mobile']);
    expect(errors.find((e) => e.field === 'mobile')!.message).toBe('手机应为 11 位手机号码');
    expect(errors.find((e) => e.field === 'attendeeName')!.message).toBe('姓名为必填项');
  });

  it('gives places in order, then a waiting list; the same person again takes no second place', async () => {
    const a = await signUp(lecture, { attendeeName: '李雷', mobile: '139 0000 0001', affiliation: '南京市第一中学' });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json()).toMatchObject({ status: 'confirmed', position: null, checkedIn: false, activity: { id: lecture } });
    expect(a.json().code).toMatch(/^[A-Z2-9]{10}$/);
    expect(a.json().qrSvg).toMatch(/^<svg[\s\S]*<path[\s\S]*<\/svg>\s*$/);
    codes.a = a.json().code;
    const again = await signUp(lecture, { attendeeName: '李雷', mobile: '13900000001' });
    expect(again.statusCode).toBe(200);
    expect(again.json().code).toBe(codes.a);
    const other = await signUp(lecture, { attendeeName: '韩梅梅', mobile: '13900000001' });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'signup_mobile_taken', errors: [{ field: 'mobile' }] });

    for (const [key, name, mobile] of [['b', '韩梅梅', '13900000002'], ['c', '林涛', '13900000003'], ['d', '吉姆', '13900000004']] as const) {
      const r = await signUp(lecture, { attendeeName: name, mobile });
      expect(r.statusCode, r.body).toBe(201);
      codes[key] = r.json().code;
    }
    expect((await lookUp(codes.b!)).json()).toMatchObject({ status: 'confirmed', position: null });
    expect((await lookUp(codes.c!)).json()).toMatchObject({ status: 'waitlisted', position: 1 });
    expect((await lookUp(codes.d!.toLowerCase())).json()).toMatchObject({ status: 'waitlisted', position: 2 });
    expect((await lookUp('ABCDEFGHJK')).statusCode).toBe(404);
    const malformed = await lookUp('abc');
    expect(malformed.statusCode).toBe(422);
    expect(malformed.json().errors[0].field).toBe('code');

    const page = (await pub.get(`/api/v1/public/showcase/activities/${lecture}`)).json();
    expect(page.signup).toMatchObject({ open: true, capacity: 2, confirmed: 2, waitlisted: 2, checkedIn: 0 });
    expect(findPersonalData(JSON.stringify(page))).toBeNull();
  });

  it('takes nothing for an activity that is not published or not open', async () => {
    expect((await signUp(unpublished, { attendeeName: '李雷', mobile: '13900000009' })).statusCode).toBe(404);
    expect((await signUp(999999, { attendeeName: '李雷', mobile: '13900000009' })).statusCode).toBe(404);
    const closed = await settings(sc.clients.nanjing, { enabled: true, capacity: 2, deadline: '2021-05-01T00:00:00+08:00', version: settingsVersion });
    expect(closed.statusCode, closed.body).toBe(200);
    const late = await signUp(lecture, { attendeeName: '迟到者', mobile: '13900000010' });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('signup_not_open');
    expect((await pub.get(`/api/v1/public/showcase/activities/${lecture}`)).json().signup.open).toBe(false);
    expect((await settings(sc.clients.nanjing, { enabled: true, capacity: 2, deadline: future, version: settingsVersion + 1 })).statusCode).toBe(200);
    // Saved again from the version before that save: stale, and nothing is overwritten.
    const stale = await settings(sc.clients.nanjing, { enabled: false, capacity: 9, deadline: future, version: settingsVersion + 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('stale_version');
    expect((await sc.clients.nanjing.get(`/api/v1/showcase/activities/${lecture}/signups`)).json().settings).toMatchObject({ enabled: true, capacity: 2, version: settingsVersion + 2 });
    settingsVersion += 2;
  });

  it('promotes the earliest waiting when a confirmed place is cancelled; cancelling twice changes nothing', async () => {
    const cancelled = await cancel(codes.a!);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect((await lookUp(codes.c!)).json()).toMatchObject({ status: 'confirmed', position: null });
    expect((await lookUp(codes.d!)).json()).toMatchObject({ status: 'waitlisted', position: 1 });
    expect((await cancel(codes.a!)).json().status).toBe('cancelled');
    // Cancelled, the number may sign up again (as a newcomer: at the end of the line).
    const back = await signUp(lecture, { attendeeName: '李雷', mobile: '13900000001' });
    expect(back.statusCode).toBe(201);
    expect(back.json()).toMatchObject({ status: 'waitlisted', position: 2 });
    codes.a2 = back.json().code;
    // A waiting one cancelling promotes nobody.
    expect((await cancel(codes.a2!)).json().status).toBe('cancelled');
    expect((await sc.clients.nanjing.get(`/api/v1/showcase/activities/${lecture}/signups`)).json().counts).toEqual({ confirmed: 2, waitlisted: 1, checkedIn: 0 });
  });

  it('does not let a capacity fall below the confirmed places; a larger one promotes the line', async () => {
    const below = await settings(sc.clients.nanjing, { enabled: true, capacity: 1, deadline: future, version: settingsVersion });
    expect(below.statusCode).toBe(422);
    expect(below.json().errors[0]).toMatchObject({ field: 'capacity', message: '名额不能少于已确认的 2 人' });
    expect((await settings(sc.clients.nanjing, { enabled: true, capacity: 3, deadline: future, version: settingsVersion })).statusCode).toBe(200);
    settingsVersion += 1;
    expect((await lookUp(codes.d!)).json()).toMatchObject({ status: 'confirmed' });
    expect((await settings(sc.clients.nanjing, { enabled: true, capacity: 2, deadline: future, version: settingsVersion })).statusCode).toBe(422);
  });

  it('gives exactly the free places to simultaneous sign-ups', async () => {
    expect((await settings(sc.clients.nanjing, { enabled: true, capacity: 5, deadline: future, version: settingsVersion })).statusCode).toBe(200);
    settingsVersion += 1;
    const all = await Promise.all(Array.from({ length: 6 }, (_, i) => signUp(lecture, { attendeeName: `学生${i}`, mobile: `1370000000${i}` })));
    const statuses = all.map((r) => r.json().status as string);
    expect(statuses.filter((s) => s === 'confirmed')).toHaveLength(2);
    expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(4);
    const positions = await Promise.all(all.filter((r) => r.json().status === 'waitlisted').map(async (r) => (await lookUp(r.json().code)).json().position as number));
    expect(positions.sort()).toEqual([1, 2, 3, 4]);
  });
});

describe('check-in at the door', () => {
  it('is for the organiser: a confirmed code once, a waiting or cancelled one refused', async () => {
    expect((await checkIn(sc.clients.province, codes.b!)).statusCode).toBe(403);
    expect((await sc.clients.suzhou.post(`/api/v1/showcase/activities/${lecture}/check-ins`, { signupCode: codes.b })).statusCode).toBe(404);
    const typed = `${codes.b!.slice(0, 5).toLowerCase()}-${codes.b!.slice(5)}`;
    const first = await checkIn(sc.clients.nanjing, typed);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ attendeeName: '韩梅梅', already: false, counts: { checkedIn: 1 } });
    const second = await checkIn(sc.clients.nanjing, codes.b!);
    expect(second.json()).toMatchObject({ already: true, checkedInAt: first.json().checkedInAt, counts: { checkedIn: 1 } });
    expect((await checkIn(sc.clients.nanjing, codes.a!)).json().code).toBe('signup_cancelled');
    const waiting = (await sc.clients.nanjing.get(`/api/v1/showcase/activities/${lecture}/signups?status=waitlisted`)).json().items[0];
    expect(waiting.position).toBe(1);
    const unknown = await checkIn(sc.clients.nanjing, 'ZZZZZZZZZZ');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'signup_wrong_activity', errors: [{ field: 'signupCode' }] });
    expect((await lookUp(codes.b!)).json().checkedIn).toBe(true);
    const late = await cancel(codes.b!);
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('signup_checked_in');
    const audit = await t.db.selectFrom('audit_log').select(['action', 'details']).where('action', 'like', 'signup.%').orderBy('id').execute();
    expect(audit.filter((a) => a.action === 'signup.check_in')).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('1390000');
  });

  it('refuses a waiting sign-up', async () => {
    const list = (await sc.clients.nanjing.get(`/api/v1/showcase/activities/${lecture}/signups?status=waitlisted`)).json();
    const code = await t.db.selectFrom('activity_signups').select('code').where('id', '=', list.items[0].id).executeTakeFirstOrThrow();
    const refused = await checkIn(sc.clients.nanjing, code.code);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('signup_not_confirmed');
  });

  it('feeds the reported scale: never below the people checked in', async () => {
    const column = `/api/v1/public/showcase/${sc.s.jiangsu.id}/${sc.year}`;
    expect((await pub.get(`/api/v1/public/showcase/activities/${lecture}`)).json()).toMatchObject({ scale: 300, signup: { checkedIn: 1 } });
    await t.db.updateTable('activities').set({ scale: null }).where('id', '=', lecture).execute();
    await checkIn(sc.clients.nanjing, codes.c!);
    expect((await pub.get(`/api/v1/public/showcase/activities/${lecture}`)).json()).toMatchObject({ scale: 2, signup: { checkedIn: 2 } });
    expect((await pub.get(column)).json().figures.participants).toBe(2);
  });
});

describe('who sees attendees', () => {
  it('shows names and numbers to the organising unit only: masked above, hidden elsewhere', async () => {
    const own = (await sc.clients.nanjing.get(`/api/v1/showcase/activities/${lecture}/signups?status=confirmed`)).json();
    expect(own.items.map((i: { attendeeName: string }) => i.attendeeName)).toContain('韩梅梅');
    expect(own.items.map((i: { mobile: string }) => i.mobile)).toContain('13900000002');
    const above = await sc.clients.province.get(`/api/v1/showcase/activities/${lecture}/signups`);
    expect(above.statusCode).toBe(200);
    expect(above.json().organiser).toBe(false);
    expect(above.body).not.toContain('韩梅梅');
    expect(above.body).not.toContain('13900000002');
    expect(above.json().items.map((i: { mobile: string }) => i.mobile)).toContain('139****0002');
    expect(findPersonalData(above.body)).toBeNull();
    expect((await sc.clients.suzhou.get(`/api/v1/showcase/activities/${lecture}/signups`)).statusCode).toBe(404);
    expect((await pub.get(`/api/v1/showcase/activities/${lecture}/signups`)).statusCode).toBe(401);
  });
});

describe('rate limit', () => {
  it('stops one address after the limit with a problem+json 429', async () => {
    const ip = '10.9.9.9';
    for (let i = 0; i < signupLimits.create; i++) {
      const r = await signUp(lecture, { attendeeName: `限流${i}`, mobile: `1360000${String(i).padStart(4, '0')}` }, ip);
      expect(r.statusCode, r.body).toBeLessThan(300);
    }
    const refused = await signUp(lecture, { attendeeName: '限流x', mobile: '13611110000' }, ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await signUp(lecture, { attendeeName: '另一人', mobile: '13611110001' }, '10.9.9.10')).statusCode).toBe(201);
  });
});
