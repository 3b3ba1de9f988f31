import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveyLimits } from '../../src/server/features/surveys/routes';
import { youngWorkersSurvey } from '../../src/shared/forms/survey-templates';
import { createUser, regionalUnit } from '../support/factories';
import { convertWithLibreOffice, libreOfficeAvailable } from '../support/libreoffice';
import { anonymous, createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

let t: TestApp;
let qingdao: Client;
let shandong: Client;
let laoshan: Client;
let jiangsu: Client;
let qingdaoContact: Client;
let pub: Client;
let qingdaoId = 0;
let surveyId = 0;
let token = '';
let version = 0;
let nextIp = 1;
const from = () => `10.1.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
const device = () => randomUUID().replace(/-/g, '');

const body = (overrides: Record<string, unknown> = {}) => ({
  unitId: qingdaoId,
  title: youngWorkersSurvey.title,
  intro: youngWorkersSurvey.intro,
  questions: youngWorkersSurvey.questions,
  targetRegions: ['3702'],
  opensAt: '2026-01-01T00:00:00+08:00',
  closesAt: '2099-06-01T00:00:00+08:00',
  ...overrides,
});

const answer = (answers: Record<string, unknown>, options: { consent?: boolean; responseKey?: string; deviceToken?: string; ip?: string } = {}) =>
  pub.request({
    method: 'POST',
    url: `/api/v1/public/surveys/${token}/responses`,
    headers: { 'accept-language': 'zh-CN' },
    remoteAddress: options.ip ?? from(),
    payload: { responseKey: options.responseKey ?? randomUUID(), deviceToken: options.deviceToken ?? device(), answers, consent: options.consent ?? false },
  });

const good = {
  region: '370212',
  unitType: '企业',
  age: '30岁以下',
  hours: '51—60小时',
  pressure: ['住房', '收入水平'],
  satisfaction: 4,
  conditions: [3, 2, 4],
  suggestion: '希望多举办青年科技工作者沙龙。',
};

/** 20 varied, valid responses (the figures below are counted from these, independently of the server). */
const counties = ['370202', '370203', '370211', '370212', '370213'];
const ages = ['30岁以下', '30—35岁', '36—40岁', '40岁以上'];
const types = ['高等院校', '科研院所', '企业', '医疗卫生机构'];
const pressures = ['职称评审', '科研经费', '住房', '子女教育', '工作强度', '收入水平'];
const generated = Array.from({ length: 20 }, (_, i) => ({
  region: counties[i % 5]!,
  unitType: types[i % 4]!,
  age: ages[(i * 3) % 4]!,
  hours: ['40小时以下', '40—50小时', '51—60小时', '60小时以上'][i % 3]!,
  pressure: [pressures[i % 6]!, pressures[(i + 2) % 6]!],
  satisfaction: (i % 5) + 1,
  conditions: [(i % 5) + 1, ((i + 1) % 5) + 1, ((i + 2) % 5) + 1],
  ...(i % 4 === 0 ? { suggestion: `建议${i}：完善青年人才评价机制=HYPERLINK("http://x")` } : {}),
}));

beforeAll(async () => {
  t = await createTestApp();
  const qd = await regionalUnit(t.db, '3702');
  qingdaoId = qd.id;
  const people = {
    qingdao: await createUser(t.db, qd.id, ['campaign_manager']),
    shandong: await createUser(t.db, (await regionalUnit(t.db, '37')).id, ['campaign_manager']),
    laoshan: await createUser(t.db, (await regionalUnit(t.db, '370212')).id, ['campaign_manager']),
    jiangsu: await createUser(t.db, (await regionalUnit(t.db, '32')).id, ['campaign_manager']),
    qingdaoContact: await createUser(t.db, qd.id, ['contact']),
  };
  const as = (p: { username: string; password: string }) => signIn(t.app, p.username, p.password);
  qingdao = await as(people.qingdao);
  shandong = await as(people.shandong);
  laoshan = await as(people.laoshan);
  jiangsu = await as(people.jiangsu);
  qingdaoContact = await as(people.qingdaoContact);
  pub = anonymous(t.app);
});
afterAll(() => t.close());

describe('building a survey', () => {
  it('refuses a window that ends before it opens and regions outside the unit, naming them', async () => {
    const bad = await qingdao.request({ method: 'POST', url: '/api/v1/surveys', headers: { 'accept-language': 'zh-CN' }, payload: body({ targetRegions: ['3702', '3201', '379999'], closesAt: '2025-01-01T00:00:00+08:00' }) });
    expect(bad.statusCode, bad.body).toBe(422);
    expect(bad.json().errors.map((e: { message: string }) => e.message)).toEqual(['调查范围“南京市”不在本次调查的范围内', '调查范围“379999”不是有效的行政区划代码', '结束时间须晚于开始时间']);
    const badQuestions = await qingdao.request({ method: 'POST', url: '/api/v1/surveys', headers: { 'accept-language': 'zh-CN' }, payload: body({ questions: [{ key: 'a', kind: 'single_choice', label: '', options: ['是'] }] }) });
    expect(badQuestions.statusCode).toBe(422);
    expect(badQuestions.json().errors.map((e: { message: string }) => e.message)).toEqual(expect.arrayContaining(['题目名称为必填项']));
  });

  it('is for campaign managers over the unit: a contact is refused, other subtrees do not see it', async () => {
    expect((await qingdaoContact.post('/api/v1/surveys', body())).statusCode).toBe(403);
    expect((await laoshan.post('/api/v1/surveys', body())).statusCode).toBe(422);
    const created = await qingdao.post('/api/v1/surveys', body());
    expect(created.statusCode, created.body).toBe(201);
    const view = created.json();
    expect(view).toMatchObject({ status: 'draft', open: false, responses: 0, organiser: true, targetRegions: [{ code: '3702', name: '青岛市' }] });
    expect(view.publicUrl).toMatch(new RegExp(`/survey/${view.token}$`));
    surveyId = view.id;
    token = view.token;
    version = view.version;
    expect((await shandong.get(`/api/v1/surveys/${surveyId}`)).json()).toMatchObject({ organiser: false });
    expect((await laoshan.get(`/api/v1/surveys/${surveyId}`)).statusCode).toBe(404);
    expect((await jiangsu.get(`/api/v1/surveys/${surveyId}`)).statusCode).toBe(404);
    expect((await qingdaoContact.get(`/api/v1/surveys/${surveyId}`)).statusCode).toBe(403);
    expect((await jiangsu.get('/api/v1/surveys')).json()).toEqual([]);
    expect((await shandong.get('/api/v1/surveys')).json().map((s: { id: number }) => s.id)).toContain(surveyId);
  });

  it('gives a QR code of the public link as PNG and SVG', async () => {
    const png = await qingdao.get(`/api/v1/surveys/${surveyId}/qr.png`);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    const svg = await qingdao.get(`/api/v1/surveys/${surveyId}/qr.svg`);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toMatch(/^<svg[\s\S]*<path[\s\S]*<\/svg>\s*$/);
  });

  it('is not public as a draft; publishing opens it and freezes the questions', async () => {
    expect((await pub.get(`/api/v1/public/surveys/${token}`)).statusCode).toBe(404);
    const stale = await qingdao.put(`/api/v1/surveys/${surveyId}`, body({ version: version + 1, intro: '过期的修改' }));
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('stale_version');
    const changed = await qingdao.put(`/api/v1/surveys/${surveyId}`, body({ version, intro: '更新后的说明' }));
    expect(changed.statusCode, changed.body).toBe(200);
    version = changed.json().version;
    expect((await qingdao.post(`/api/v1/surveys/${surveyId}/publish`, { version: version + 5 })).statusCode).toBe(409);
    expect((await qingdao.post(`/api/v1/surveys/${surveyId}/publish`, { version })).statusCode).toBe(200);
    version += 1;
    expect((await qingdao.put(`/api/v1/surveys/${surveyId}`, body({ version }))).statusCode).toBe(409);
    const view = await pub.get(`/api/v1/public/surveys/${token}`);
    expect(view.statusCode).toBe(200);
    expect(view.headers['cache-control']).toBe('no-store');
    const survey = view.json();
    expect(survey).toMatchObject({ title: youngWorkersSurvey.title, intro: '更新后的说明', unitName: '青岛市科协', open: true });
    expect(survey.regions[0]).toEqual({ code: '3702', name: '青岛市', parentCode: null, level: 'city' });
    expect(survey.regions).toContainEqual({ code: '370212', name: '崂山区', parentCode: '3702', level: 'county' });
    expect(survey.regions.every((r: { code: string }) => r.code.startsWith('3702'))).toBe(true);
    expect(survey.consentText).toContain('同意');
  });
});

describe('answering', () => {
  it('refuses bad input with a Chinese message naming the question', async () => {
    const bad = await answer({ ...good, age: undefined, region: '3702', pressure: ['住房', '收入水平', '科研经费', '工作强度'], conditions: [3, null, 4], suggestion: '很'.repeat(201) });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors.map((e: { message: string }) => e.message)).toEqual([
      '第1题“您的工作地点”请选择到区（县）一级',
      '第3题“您的年龄”为必填项',
      '第5题“您目前的主要压力来源（最多选3项）”最多选 3 项',
      '第7题“请对以下方面的满意程度打分”中“薪酬待遇”一行尚未打分',
      '第8题“您对科协服务青年科技工作者的意见建议”超过字数限制：201 字，限 200 字以内',
    ]);
    const outside = await answer({ ...good, region: '320102', satisfaction: 9 });
    expect(outside.json().errors.map((e: { message: string }) => e.message)).toEqual(['第1题“您的工作地点”不在本次调查的范围内', '第6题“您对目前工作状况的总体满意度”的取值不在可选范围内']);
    const noConsent = await answer({ ...good, contact: { name: '张三', mobile: '13912345678' } });
    expect(noConsent.json().errors).toEqual([{ field: 'consent', code: 'consent_required', message: '第9题“如愿意接受回访，请留下联系方式”：留下联系方式须勾选同意个人信息处理说明；不同意请清空联系方式后匿名提交' }]);
    const badMobile = await answer({ ...good, contact: { name: '张三', mobile: '12345' } }, { consent: true });
    expect(badMobile.json().errors.map((e: { message: string }) => e.message)).toEqual(['第9题“如愿意接受回访，请留下联系方式”的手机应为 11 位手机号码']);
    const shape = await answer({ ...good, hours: 5, pressure: '住房', conditions: { a: 1 }, contact: [1] });
    expect(shape.statusCode).toBe(422);
    expect(shape.json().errors.map((e: { field: string }) => e.field)).toEqual(['answers.hours', 'answers.pressure', 'answers.conditions', 'answers.contact']);
  });

  it('takes one response per device; a retried submission is the same response', async () => {
    const responseKey = randomUUID();
    const deviceToken = device();
    const first = await answer(good, { responseKey, deviceToken });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().receipt).toMatch(/^[0-9A-F]{8}$/);
    const retry = await answer(good, { responseKey, deviceToken, ip: from() });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    const again = await answer({ ...good, age: '40岁以上' }, { deviceToken });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toBe('本设备已提交过该问卷，每台设备限填一次');
    const stored = await t.db.selectFrom('survey_responses').select(['device_hash']).where('survey_id', '=', surveyId).execute();
    expect(stored).toHaveLength(1);
    // Only a keyed hash of the device token is kept (decision 014).
    expect(stored[0]!.device_hash).toMatch(/^test1:[A-Za-z0-9_-]{43}$/);
    expect(stored[0]!.device_hash).not.toContain(deviceToken);
  });

  it('keeps a contact only with consent, sealed at rest and never in a public answer', async () => {
    const withContact = await answer({ ...good, region: '370202', contact: { name: '李青', mobile: '139 0532 0001', email: 'liqing@example.cn' } }, { consent: true });
    expect(withContact.statusCode, withContact.body).toBe(201);
    expect(withContact.body).not.toContain('0532');
    const rows = await t.db.selectFrom('survey_responses').select(['contact', 'answers', 'consented_at']).where('survey_id', '=', surveyId).where('contact', 'is not', null).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.contact).toMatch(/^enc:v1:/);
    expect(JSON.stringify(rows[0])).not.toMatch(/13905320001|liqing|李青/);
    expect(rows[0]!.consented_at).not.toBeNull();
    expect((await pub.get(`/api/v1/public/surveys/${token}`)).body).not.toMatch(/13905320001|李青/);
    const own = (await qingdao.get(`/api/v1/surveys/${surveyId}/contacts`)).json();
    expect(own).toEqual({ organiser: true, items: [expect.objectContaining({ name: '李青', mobile: '13905320001', email: 'liqing@example.cn' })] });
    const above = (await shandong.get(`/api/v1/surveys/${surveyId}/contacts`)).json();
    expect(above.items).toEqual([expect.objectContaining({ name: '李*', mobile: '139****0001', email: 'l***@example.cn' })]);
  });

  it('limits responses per client address (kept in memory only)', async () => {
    const ip = '10.9.9.9';
    for (let i = 0; i < surveyLimits.respond; i++) expect((await answer({}, { ip })).statusCode).toBe(422);
    const limited = await answer(good, { ip });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});

describe('results', () => {
  it('count exactly what was answered', async () => {
    for (const g of generated) expect((await answer(g)).statusCode).toBe(201);
    const all = [good, { ...good, region: '370202' }, ...generated];
    const results = (await qingdao.get(`/api/v1/surveys/${surveyId}/results`)).json();
    expect(results.responses).toBe(22);
    const byKey = Object.fromEntries(results.questions.map((q: { key: string }) => [q.key, q]));
    for (const age of ages) {
      const count = all.filter((a) => a.age === age).length;
      expect(byKey.age.options.find((o: { label: string }) => o.label === age)).toEqual({ label: age, count, percent: Math.round((count * 1000) / 22) / 10 });
    }
    for (const p of pressures) expect(byKey.pressure.options.find((o: { label: string }) => o.label === p).count).toBe(all.filter((a) => a.pressure.includes(p)).length);
    expect(byKey.satisfaction.options.map((o: { count: number }) => o.count)).toEqual([1, 2, 3, 4, 5].map((n) => all.filter((a) => a.satisfaction === n).length));
    expect(byKey.satisfaction.mean).toBe(Math.round((all.reduce((s, a) => s + a.satisfaction, 0) / 22) * 100) / 100);
    expect(byKey.conditions.rows[1].options.map((o: { count: number }) => o.count)).toEqual([1, 2, 3, 4, 5].map((n) => all.filter((a) => a.conditions[1] === n).length));
    expect(byKey.region.options.find((o: { label: string }) => o.label === '青岛市崂山区').count).toBe(all.filter((a) => a.region === '370212').length);
    expect(byKey.suggestion.texts).toHaveLength(all.filter((a) => a.suggestion).length);
    expect(byKey.contact.answered).toBe(1);
    const ageByType = results.crossTabs.find((c: { by: string; questionKey: string }) => c.by === 'unit_type' && c.questionKey === 'age');
    expect(ageByType.rows.find((r: { label: string }) => r.label === '企业')).toEqual({ label: '企业', total: all.filter((a) => a.unitType === '企业').length, counts: ages.map((age) => all.filter((a) => a.unitType === '企业' && a.age === age).length) });
    expect((await laoshan.get(`/api/v1/surveys/${surveyId}/results`)).statusCode).toBe(404);
  });

  it('exports the answers to .xlsx, contacts masked, typed text never a formula', async () => {
    const response = await qingdao.get(`/api/v1/surveys/${surveyId}/results.xlsx`);
    expect(response.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('答卷明细')!;
    const headers = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(headers.slice(0, 5)).toEqual(['序号', '提交时间', '1. 您的工作地点', '2. 您的工作单位类型', '3. 您的年龄']);
    expect(headers.at(-1)).toBe('联系方式（已遮蔽）');
    const rows = Array.from({ length: 22 }, (_, i) => sheet.getRow(i + 3));
    expect(sheet.getRow(25).getCell(1).value).toBeNull();
    const col = (h: string) => headers.indexOf(h) + 1;
    expect(rows.map((r) => r.getCell(col('3. 您的年龄')).value)).toEqual([good, { ...good, region: '370202' }, ...generated].map((a) => a.age));
    expect(rows[2]!.getCell(col('1. 您的工作地点')).value).toBe('青岛市市南区（370202）');
    expect(rows[2]!.getCell(col('5. 您目前的主要压力来源（最多选3项）')).value).toBe('职称评审；住房');
    expect(rows[1]!.getCell(headers.length).value).toBe('李*，139****0001，l***@example.cn');
    const hostile = rows[2]!.getCell(col('8. 您对科协服务青年科技工作者的意见建议'));
    expect(hostile.value).toBe(generated[0]!.suggestion);
    expect(hostile.formula).toBeUndefined();
    expect(hostile.numFmt).toBe('@');
    const figures = workbook.getWorksheet('统计')!;
    const figureRows = (figures.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    expect(figureRows).toContainEqual([undefined, '住房', generated.filter((a) => a.pressure.includes('住房')).length + 2, expect.any(Number)]);
    expect(workbook.getWorksheet('交叉分析')!.rowCount).toBeGreaterThan(10);
  });

  it('writes a report .docx that LibreOffice opens, with the figures', { timeout: 120_000 }, async () => {
    const response = await qingdao.get(`/api/v1/surveys/${surveyId}/report.docx`);
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.subarray(0, 2).toString()).toBe('PK');
    if (!libreOfficeAvailable()) return;
    const text = (await convertWithLibreOffice(response.rawPayload, 'docx', 'txt')).toString('utf8');
    expect(text).toContain(`${youngWorkersSurvey.title}调查报告`);
    expect(text).toContain('共回收有效问卷 22 份');
    expect(text).toContain('一、调查基本情况');
    expect(text).toContain('三、交叉分析');
    const lowest = generated.filter((a) => a.age === '40岁以上').length;
    expect(text).toContain(`${((lowest * 100) / 22).toFixed(1)}%`);
    expect(text).toContain('建议0：完善青年人才评价机制');
    expect(text).not.toContain('13905320001');
  });
});

describe('closing and the audit trail', () => {
  it('closes the survey: no more answers, and every write is in the audit log without an address for the public', async () => {
    expect((await qingdao.post(`/api/v1/surveys/${surveyId}/close`, { version })).statusCode).toBe(200);
    const late = await answer(good);
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('survey_not_open');
    const entries = await t.db.selectFrom('audit_log').select(['action', 'ip', 'actor_username']).where('action', 'like', 'survey.%').execute();
    const actions = entries.map((e) => e.action);
    for (const a of ['survey.create', 'survey.update', 'survey.publish', 'survey.close', 'survey.respond']) expect(actions).toContain(a);
    expect(entries.filter((e) => e.action === 'survey.respond')).toHaveLength(22);
    expect(entries.filter((e) => e.action === 'survey.respond').every((e) => e.ip === null && e.actor_username === 'public')).toBe(true);
  });
});
