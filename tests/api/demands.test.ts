import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../src/shared/domain/working-days';
import { findPersonalData } from '../../src/shared/domain/personal-data';
import { demandLimits } from '../../src/server/features/demands/routes';
import { runDemandEscalations } from '../../src/server/features/demands/service';
import { openField, sealRow } from '../../src/server/crypto/personal-data';
import { createUnit, createUser, regionalUnit } from '../support/factories';
import { anonymous, createTestApp, signIn, type Client, type TestApp } from '../support/test-app';
import { testAdmin } from '../support/template';

let t: TestApp;
let pub: Client;
const units = { laoshan: 0, shinan: 0, qingdao: 0, shandong: 0, jinan: 0, society: 0, laoshanChild: 0 };
const clients = {} as Record<'laoshan' | 'laoshanReviewer' | 'shinan' | 'qingdao' | 'shandong' | 'jinan' | 'society' | 'admin', Client>;
const publicBodies: string[] = [];
let nextIp = 1;
const from = () => `10.9.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
const url = 'http://localhost:3000';
const contact = { contactName: '王小明', contactPhone: '13912345678', contactEmail: 'wang.xm@example.cn' };
const description = '本人在崂山区一家科技型企业从事研发工作，申报中级职称时单位所在区没有评审渠道，希望科协协调解决。';

const record = <T extends { body: string }>(response: T) => {
  publicBodies.push(response.body);
  return response;
};
const submit = async (body: Record<string, unknown>, remoteAddress = from()) =>
  record(await pub.request({ method: 'POST', url: '/api/v1/public/demands', payload: body, remoteAddress, headers: { 'accept-language': 'zh-CN' } }));
const lookUp = async (code: string) => record(await pub.request({ method: 'GET', url: `/api/v1/public/demands/${code}`, remoteAddress: from() }));
const rate = async (code: string, body: Record<string, unknown>) => record(await pub.request({ method: 'POST', url: `/api/v1/public/demands/${code}/rating`, payload: body, remoteAddress: from() }));
const idOf = async (code: string) => (await t.db.selectFrom('demands').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
const detail = (client: Client, id: number) => client.get(`/api/v1/demands/${id}`);

beforeAll(async () => {
  t = await createTestApp();
  pub = anonymous(t.app);
  units.laoshan = (await regionalUnit(t.db, '370212')).id;
  units.shinan = (await regionalUnit(t.db, '370202')).id;
  units.qingdao = (await regionalUnit(t.db, '3702')).id;
  units.shandong = (await regionalUnit(t.db, '37')).id;
  units.jinan = (await regionalUnit(t.db, '3701')).id;
  units.society = (await createUnit(t.db, units.shandong, { shortName: '山东省机械工程学会', type: 'learned_society', level: 'provincial' })).id;
  units.laoshanChild = (await createUnit(t.db, units.laoshan, { shortName: '崂山区科技企业科协', type: 'enterprise_association', level: 'county' })).id;
  // 青岛市科协's contact address receives the escalation mail (sealed at rest like every unit contact).
  await t.db.updateTable('units').set(sealRow('units', { contact_email: 'kx@qingdao.example.cn' })).where('id', '=', units.qingdao).execute();
  const make = async (unitId: number, role: Parameters<typeof createUser>[2][number]) => {
    const u = await createUser(t.db, unitId, [role]);
    return signIn(t.app, u.username, u.password);
  };
  clients.laoshan = await make(units.laoshan, 'contact');
  clients.laoshanReviewer = await make(units.laoshan, 'reviewer');
  clients.shinan = await make(units.shinan, 'contact');
  clients.qingdao = await make(units.qingdao, 'campaign_manager');
  clients.shandong = await make(units.shandong, 'unit_admin');
  clients.jinan = await make(units.jinan, 'unit_admin');
  clients.society = await make(units.society, 'contact');
  clients.admin = await make((await regionalUnit(t.db, '37')).id, 'unit_admin');
});
afterAll(() => t.close());

describe('submitting (public, no account)', () => {
  it('refuses bad input naming each field in Chinese', async () => {
    const bad = await submit({ category: '职称', regionCode: '3702x', description: '太短', contactEmail: 'not-mail', contactPhone: 'abc' });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['category', 'contactEmail', 'contactPhone', 'regionCode']);
    const short = await submit({ category: 'title_review', regionCode: '370212', description: '太短了' });
    expect(short.statusCode).toBe(422);
    expect(short.json().errors[0]).toMatchObject({ field: 'description', code: 'too_few_words' });
    expect(short.json().errors[0].message).toBe('说明至少 10 字（现有 3 字）');
    const long = await submit({ category: 'title_review', regionCode: '370212', description: '长'.repeat(1001) });
    expect(long.json().errors[0]).toMatchObject({ field: 'description', code: 'too_many_words' });
    const unknownSociety = await submit({ category: 'other', regionCode: '370212', societyUnitId: units.laoshan, description });
    expect(unknownSociety.json().errors[0]).toMatchObject({ field: 'societyUnitId', code: 'society_unknown' });
  });

  it('routes to the county 科协, seals the contact, gives an unguessable code once', async () => {
    const before = new Date();
    const r = await submit({ category: 'title_review', regionCode: '370212', description, ...contact });
    expect(r.statusCode, r.body).toBe(201);
    const receipt = r.json();
    expect(receipt.code).toMatch(/^[A-HJ-NP-Z2-9]{16}$/);
    expect(receipt.unitName).toBe('崂山区科协');
    expect(new Date(receipt.firstReplyDueAt).getTime()).toBe(addWorkingDays(before, 5).getTime());
    const row = await t.db.selectFrom('demands').selectAll().where('code', '=', receipt.code).executeTakeFirstOrThrow();
    expect(row.unit_id).toBe(units.laoshan);
    for (const value of [row.contact_name, row.contact_phone, row.contact_email]) expect(value).toMatch(/^enc:v1:/);
    const notification = await t.db.selectFrom('notifications').selectAll().where('unit_id', '=', units.laoshan).where('kind', '=', 'demand_received').executeTakeFirst();
    expect(notification?.link).toBe(`/demand-desk/${row.id}`);
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'demand.submit').where('target_id', '=', String(row.id)).executeTakeFirst();
    expect(audit?.actor_username).toBe('public');
  });

  it('routes to a chosen society, and to the city when a code has no county 科协', async () => {
    const society = await submit({ category: 'research_funding', regionCode: '370212', societyUnitId: units.society, description });
    expect(society.json().unitName).toBe('山东省机械工程学会');
    const found = (await pub.request({ method: 'GET', url: `/api/v1/public/demands/societies?q=${encodeURIComponent('机械工程')}` })).json();
    expect(found).toContainEqual({ id: units.society, name: '山东省机械工程学会' });
    const city = await submit({ category: 'other', regionCode: '370299', description });
    expect(city.json().unitName).toBe('青岛市科协');
    const nowhere = await submit({ category: 'other', regionCode: '99', description });
    expect(nowhere.statusCode).toBe(422);
    expect(nowhere.json()).toMatchObject({ code: 'demand_region_unknown', errors: [{ field: 'regionCode' }] });
  });

  it('lists regions level by level for the picker', async () => {
    const provinces = (await pub.get('/api/v1/public/demands/regions')).json() as { code: string; name: string }[];
    expect(provinces).toContainEqual({ code: '37', name: '山东省', hasChildren: true });
    const cities = (await pub.get('/api/v1/public/demands/regions?parent=37')).json();
    expect(cities).toContainEqual({ code: '3702', name: '青岛市', hasChildren: true });
    const counties = (await pub.get('/api/v1/public/demands/regions?parent=3702')).json();
    expect(counties).toContainEqual({ code: '370212', name: '崂山区', hasChildren: false });
  });
});

describe('the desk: who sees, who handles', () => {
  let code = '';
  let id = 0;
  beforeAll(async () => {
    code = (await submit({ category: 'talent_policy', regionCode: '370212', description, ...contact })).json().code;
    id = await idOf(code);
  });

  it('shows the contact in clear to the handling unit, masked above, 404 elsewhere', async () => {
    const own = (await detail(clients.laoshan, id)).json();
    expect(own).toMatchObject({ handling: true, status: 'submitted', unitName: '崂山区科协', contact: { ...{ name: '王小明', phone: '13912345678', email: 'wang.xm@example.cn' }, masked: false } });
    const above = (await detail(clients.qingdao, id)).json();
    expect(above).toMatchObject({ handling: false, contact: { name: '王**', phone: '139****5678', email: 'w***@example.cn', masked: true } });
    expect(JSON.stringify(await (await detail(clients.shandong, id)).json())).not.toContain('13912345678');
    for (const other of [clients.shinan, clients.jinan, clients.society]) expect((await detail(other, id)).statusCode).toBe(404);
    const list = (await clients.qingdao.get('/api/v1/demands')).json();
    expect(list.items.map((i: { id: number }) => i.id)).toContain(id);
    expect(JSON.stringify(list)).not.toContain('13912345678');
    expect((await clients.shinan.get('/api/v1/demands')).json().items.map((i: { id: number }) => i.id)).not.toContain(id);
  });

  it('lets only the handling unit act: units above 403, others 404, reviewers 403', async () => {
    const version = (await detail(clients.laoshan, id)).json().version;
    expect((await clients.qingdao.post(`/api/v1/demands/${id}/accept`, { version })).statusCode).toBe(403);
    expect((await clients.laoshanReviewer.post(`/api/v1/demands/${id}/accept`, { version })).statusCode).toBe(403);
    expect((await clients.jinan.post(`/api/v1/demands/${id}/accept`, { version })).statusCode).toBe(404);
    expect((await clients.laoshan.post(`/api/v1/demands/${id}/accept`, { version: version + 5 })).statusCode).toBe(409);
    const accepted = await clients.laoshan.post(`/api/v1/demands/${id}/accept`, { version });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const again = await clients.laoshan.post(`/api/v1/demands/${id}/accept`, { version: version + 1 });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('demand_status_conflict');
  });

  it('forwards down its subtree or up to its parent, not sideways', async () => {
    let version = (await detail(clients.laoshan, id)).json().version;
    const targets = (await clients.laoshan.get(`/api/v1/demands/${id}/forward-targets`)).json() as { id: number; relation: string }[];
    expect(targets).toContainEqual({ id: units.qingdao, shortName: '青岛市科协', relation: 'parent' });
    expect(targets).toContainEqual({ id: units.laoshanChild, shortName: '崂山区科技企业科协', relation: 'below' });
    const sideways = await clients.laoshan.post(`/api/v1/demands/${id}/forward`, { version, unitId: units.shinan, note: '属市南区' });
    expect(sideways.statusCode).toBe(422);
    expect(sideways.json()).toMatchObject({ code: 'demand_forward_target', errors: [{ field: 'unitId' }] });
    const down = await clients.laoshan.post(`/api/v1/demands/${id}/forward`, { version, unitId: units.laoshanChild, note: '企业内部职称问题，请企业科协办理' });
    expect(down.statusCode, down.body).toBe(200);
    // The child unit has no account here; the county above still sees it (masked), and forwards nothing.
    const seen = (await detail(clients.laoshan, id)).json();
    expect(seen).toMatchObject({ handling: false, status: 'submitted', unitName: '崂山区科技企业科协', forwards: 1 });
    expect(seen.events.map((e: { kind: string }) => e.kind)).toEqual(['submitted', 'accepted', 'forwarded']);
    expect(seen.events[2]).toMatchObject({ fromUnitName: '崂山区科协', toUnitName: '崂山区科技企业科协', note: '企业内部职称问题，请企业科协办理' });
    version = seen.version;
    expect((await clients.laoshan.post(`/api/v1/demands/${id}/forward`, { version, unitId: units.qingdao, note: '退回' })).statusCode).toBe(403);
    const note = await t.db.selectFrom('notifications').select('kind').where('unit_id', '=', units.laoshanChild).executeTakeFirst();
    expect(note?.kind).toBe('demand_forwarded');
    // The public page names units and steps, never the internal note.
    const view = await lookUp(code);
    expect(view.json().timeline.map((e: { kind: string }) => e.kind)).toEqual(['submitted', 'accepted', 'forwarded']);
    expect(view.body).not.toContain('企业内部职称问题');
  });
});

describe('escalation when a limit is missed', () => {
  it('moves an unanswered demand to the unit above exactly once, however many rounds run', async () => {
    const r = await submit({ category: 'rights', regionCode: '370212', description, ...contact });
    const code = r.json().code;
    const id = await idOf(code);
    const version = (await detail(clients.laoshan, id)).json().version;
    expect((await clients.laoshan.post(`/api/v1/demands/${id}/accept`, { version })).statusCode).toBe(200);
    // Thirty days pass: the demand's times move back as if it had come in a month ago.
    await sql`update demands set submitted_at = submitted_at - interval '30 days', arrived_at = arrived_at - interval '30 days',
      accepted_at = accepted_at - interval '30 days', accept_due_at = accept_due_at - interval '30 days',
      reply_due_at = reply_due_at - interval '30 days', first_reply_due_at = first_reply_due_at - interval '30 days' where id = ${id}`.execute(t.db);
    const row = await t.db.selectFrom('demands').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    // Before the reply limit: nothing happens to it.
    await runDemandEscalations(t.db, new Date(row.reply_due_at.getTime() - 1000), url);
    expect((await detail(clients.laoshan, id)).json().unitName).toBe('崂山区科协');
    const clock = new Date();
    // Two rounds at once (two processes) and a third a minute later: one escalation.
    await Promise.all([runDemandEscalations(t.db, clock, url), runDemandEscalations(t.db, clock, url)]);
    await runDemandEscalations(t.db, new Date(clock.getTime() + 60_000), url);
    const after = await t.db.selectFrom('demands').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ unit_id: units.qingdao, status: 'submitted', escalations: 1 });
    expect(after.accept_due_at.getTime()).toBeGreaterThan(clock.getTime());
    expect(after.first_reply_due_at).toEqual(row.first_reply_due_at);
    const events = await t.db.selectFrom('demand_events').select(['kind', 'note']).where('demand_id', '=', id).where('kind', '=', 'escalated').execute();
    expect(events).toEqual([{ kind: 'escalated', note: '答复超时' }]);
    const notes = await t.db.selectFrom('notifications').select(['title', 'link']).where('unit_id', '=', units.qingdao).where('kind', '=', 'demand_escalated').where('link', '=', `/demand-desk/${id}`).execute();
    expect(notes).toHaveLength(1);
    expect(notes[0]!.title).toContain('崂山区科协');
    expect(notes[0]!.link).toBe(`/demand-desk/${id}`);
    const escalationMail = await t.db.selectFrom('mail_outbox').selectAll().where('dedupe_key', 'like', `demand_escalated:${id}:%`).execute();
    expect(escalationMail.map((m) => openField('mail_outbox', 'to_address', m.to_address))).toEqual(['kx@qingdao.example.cn']);
    expect(escalationMail[0]!.text_body).toContain(`/demand-desk/${id}`);
    expect(escalationMail[0]!.text_body).not.toContain('13912345678');
    expect(await t.db.selectFrom('audit_log').select('id').where('action', '=', 'demand.escalate').where('target_id', '=', String(id)).execute()).toHaveLength(1);
    // 崂山区科协 no longer sees it; 青岛市科协 now handles it, with the contact in clear.
    expect((await detail(clients.laoshan, id)).statusCode).toBe(404);
    const handled = (await detail(clients.qingdao, id)).json();
    expect(handled).toMatchObject({ handling: true, escalations: 1, contact: { phone: '13912345678', masked: false } });
    // Answered by 青岛: no further escalation ever, and the reply was late for the statistics.
    expect((await clients.qingdao.post(`/api/v1/demands/${id}/answer`, { version: handled.version, answer: '已协调市人社局开通企业中级职称评审绿色通道，请按通知申报。' })).statusCode).toBe(200);
    await runDemandEscalations(t.db, new Date(clock.getTime() + 90 * 86_400_000), url);
    expect(await t.db.selectFrom('demands').select(['unit_id', 'escalations']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ unit_id: units.qingdao, escalations: 1 });
    const view = (await lookUp(code)).json();
    expect(view.timeline.map((e: { kind: string }) => e.kind)).toEqual(['submitted', 'accepted', 'escalated', 'answered']);
    expect(view).toMatchObject({ status: 'answered', answeredBy: '青岛市科协', unitName: '青岛市科协' });
    const mail = await t.db.selectFrom('mail_outbox').selectAll().where('dedupe_key', '=', `demand-answer:${id}`).executeTakeFirstOrThrow();
    expect(openField('mail_outbox', 'to_address', mail.to_address)).toBe('wang.xm@example.cn');
    expect(mail.text_body).toContain('已协调市人社局');
  });

  it('escalates a demand nobody accepted when the accepting limit passes', async () => {
    const code = (await submit({ category: 'other', regionCode: '370202', description })).json().code;
    const id = await idOf(code);
    const row = await t.db.selectFrom('demands').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(await runDemandEscalations(t.db, new Date(row.accept_due_at.getTime() + 1), url)).toBeGreaterThanOrEqual(1);
    const after = await t.db.selectFrom('demands').select(['unit_id', 'escalations']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(after).toEqual({ unit_id: units.qingdao, escalations: 1 });
  });
});

describe('answering, rating, cases', () => {
  let code = '';
  let id = 0;
  beforeAll(async () => {
    code = (await submit({ category: 'title_review', regionCode: '370212', description, ...contact })).json().code;
    id = await idOf(code);
  });

  it('answers, and the submitter rates once with the code', async () => {
    const version = (await detail(clients.laoshan, id)).json().version;
    expect((await rate(code, { score: 5 })).statusCode).toBe(409);
    const answered = await clients.laoshan.post(`/api/v1/demands/${id}/answer`, { version, answer: '已联系区人社局，企业可通过区科协推荐参加市级评审，具体见区政府网站通知。' });
    expect(answered.statusCode, answered.body).toBe(200);
    expect((await rate(code, { score: 6 })).statusCode).toBe(422);
    expect((await rate('AAAA', { score: 5 })).json().errors[0]).toMatchObject({ field: 'code', code: 'lookup_code_format' });
    expect((await rate('ABCDEFGHJKMNPQRS', { score: 5 })).statusCode).toBe(404);
    expect((await rate(code.toLowerCase(), { score: 4 })).json().errors[0]).toMatchObject({ field: 'code', code: 'lookup_code_format' });
    const rated = await rate(code, { score: 4, comment: '答复及时，很有帮助' });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json().rating).toMatchObject({ score: 4, comment: '答复及时，很有帮助' });
    const twice = await rate(code, { score: 1 });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('demand_already_rated');
    expect((await detail(clients.laoshan, id)).json()).toMatchObject({ rating: 4, ratingComment: '答复及时，很有帮助' });
  });

  it('publishes an anonymised case the unit wrote, refusing personal data and stale versions', async () => {
    const version = (await detail(clients.laoshan, id)).json().version;
    const leaky = await clients.laoshan.put(`/api/v1/demands/${id}/case`, { version, title: '企业研发人员职称申报', summary: '联系电话 13912345678，已解决。', published: true });
    expect(leaky.statusCode).toBe(422);
    expect(leaky.json().errors[0]).toMatchObject({ field: 'caseSummary', code: 'contains_personal_data' });
    expect((await clients.qingdao.put(`/api/v1/demands/${id}/case`, { version, title: '企业研发人员职称申报', summary: '已解决。', published: true })).statusCode).toBe(403);
    const ok = await clients.laoshan.put(`/api/v1/demands/${id}/case`, { version, title: '企业研发人员职称申报有了渠道', summary: '区科协协调区人社局，企业研发人员可经区科协推荐参加市级中级职称评审。', published: true });
    expect(ok.statusCode, ok.body).toBe(200);
    const stale = await clients.laoshan.put(`/api/v1/demands/${id}/case`, { version, title: '改过的标题', summary: '改过的摘要。', published: false });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('stale_version');
    const cases = await record(await pub.get('/api/v1/public/demand-cases'));
    expect(cases.json().items[0]).toMatchObject({ id, title: '企业研发人员职称申报有了渠道', unitName: '崂山区科协', regionName: '崂山区', category: 'title_review' });
    expect(cases.body).not.toContain(description.slice(0, 20));
  });
});

describe('statistics', () => {
  it('equal a recount of the rows, by category and by region', async () => {
    const stats = (await clients.qingdao.get(`/api/v1/demands/statistics?unitId=${units.qingdao}`)).json();
    const rows = await t.db
      .selectFrom('demands as d')
      .innerJoin('units as o', 'o.id', 'd.origin_unit_id')
      .select(['d.category', 'd.region_code', 'd.status', 'd.answered_at', 'd.first_reply_due_at', 'd.rating'])
      .where('o.path', 'like', `${(await regionalUnit(t.db, '3702')).path}%`)
      .execute();
    const count = (pred: (r: (typeof rows)[number]) => boolean) => rows.filter(pred).length;
    expect(stats.totals.received).toBe(rows.length);
    expect(stats.totals.resolved).toBe(count((r) => r.status === 'answered'));
    expect(stats.totals.firstReplyOnTime).toBe(count((r) => r.answered_at !== null && r.answered_at <= r.first_reply_due_at));
    expect(stats.totals.firstReplyOnTime).toBe(1);
    expect(stats.totals.resolved).toBe(2);
    expect(stats.totals.rated).toBe(1);
    expect(stats.totals.averageRating).toBe(4);
    expect(stats.byCategory.reduce((a: number, c: { received: number }) => a + c.received, 0)).toBe(rows.length);
    const laoshan = stats.byRegion.find((r: { regionCode: string }) => r.regionCode === '370212');
    expect(laoshan).toMatchObject({ regionName: '崂山区', received: count((r) => r.region_code === '370212') });
    expect(JSON.stringify(stats)).not.toContain('13912345678');
    // The society's demand was received outside 青岛's subtree; another city sees only its own.
    expect((await clients.jinan.get(`/api/v1/demands/statistics?unitId=${units.qingdao}`)).statusCode).toBe(404);
    expect((await clients.jinan.get('/api/v1/demands/statistics')).json().totals.received).toBe(0);
  });
});

describe('time limits', () => {
  it('are set per category by the system administrator only', async () => {
    const limits = (await clients.laoshan.get('/api/v1/demand-time-limits')).json();
    expect(limits.find((l: { category: string }) => l.category === 'title_review')).toEqual({ category: 'title_review', acceptDays: 2, replyDays: 5, custom: false });
    expect((await clients.shandong.put('/api/v1/demand-time-limits', { limits: [{ category: 'other', acceptDays: 1, replyDays: 3 }] })).statusCode).toBe(403);
    const admin = await signIn(t.app, testAdmin.username, testAdmin.password);
    const bad = await admin.put('/api/v1/demand-time-limits', { limits: [{ category: 'other', acceptDays: 4, replyDays: 3 }] });
    expect(bad.statusCode).toBe(422);
    const saved = await admin.put('/api/v1/demand-time-limits', { limits: [{ category: 'other', acceptDays: 1, replyDays: 3 }] });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().find((l: { category: string }) => l.category === 'other')).toEqual({ category: 'other', acceptDays: 1, replyDays: 3, custom: true });
    const before = new Date();
    const receipt = (await submit({ category: 'other', regionCode: '370212', description })).json();
    expect(receipt.firstReplyDueAt).toBe(addWorkingDays(before, 3).toISOString());
    expect(await t.db.selectFrom('audit_log').select('id').where('action', '=', 'demand.time_limits').execute()).toHaveLength(1);
  });
});

describe('public answers', () => {
  it('are rate-limited per address', async () => {
    const ip = '10.250.0.1';
    for (let i = 0; i < demandLimits.lookup; i++) await pub.request({ method: 'GET', url: '/api/v1/public/demands/ABCDEFGHJKMNPQRS', remoteAddress: ip });
    const refused = await pub.request({ method: 'GET', url: '/api/v1/public/demands/ABCDEFGHJKMNPQRS', remoteAddress: ip });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
  });

  it('never carry a contact detail or any personal data', () => {
    expect(publicBodies.length).toBeGreaterThan(10);
    for (const body of publicBodies) {
      expect(findPersonalData(body.replace(/"(firstReplyDueAt|submittedAt|at|answeredAt|ratedAt|publishedAt)":"[^"]*"/g, ''))).toBeNull();
      expect(body).not.toContain('王小明');
    }
  });
});
