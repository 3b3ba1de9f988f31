import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZipDirectory } from '../../src/server/storage/zip-directory';
import { convertWithLibreOffice, libreOfficeAvailable, pdfToText } from '../support/libreoffice';
import { jiangsuItem, issueJiangsuNotice, jiangsuScenario } from '../support/jiangsu-scenario';
import { defaultTestPassword } from '../support/factories';
import { testAdmin } from '../support/template';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

let t: TestApp;
let s: Awaited<ReturnType<typeof jiangsuScenario>>;
let province: Client;
let nanjing: Client;
let suzhou: Client;
let taskId: number;
let campaignId: number;
const year = 2027;

function multipart(file: Buffer, filename: string) {
  const boundary = '----huiju-sub-boundary';
  return {
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
const stampedPdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 0x20), Buffer.from('\n%%EOF\n')]);

beforeAll(async () => {
  t = await createTestApp();
  s = await jiangsuScenario(t.db);
  province = await signIn(t.app, s.people.province.username, s.people.province.password);
  nanjing = await signIn(t.app, s.people.nanjing.username, s.people.nanjing.password);
  suzhou = await signIn(t.app, s.people.suzhou.username, s.people.suzhou.password);
  ({ taskId, campaignId } = await issueJiangsuNotice(province, s.jiangsu.id, { year, deadline: `${year}-05-12`, documentSerial: 55 }));
});
afterAll(() => t.close());

describe('forms', () => {
  it('keeps versions: a stale edit is refused, a task keeps the version it was issued with', async () => {
    const created = await province.post('/api/v1/forms', { unitId: s.jiangsu.id, name: '山东样表', templateKey: 'shandong_featured_activity' });
    expect(created.statusCode).toBe(201);
    const form = created.json();
    expect(form.latest.version).toBe(1);
    const definition = { ...form.latest.definition, title: '改过的样表' };
    const v2 = await province.post(`/api/v1/forms/${form.id}/versions`, { definition, basedOnVersion: 1 });
    expect(v2.statusCode).toBe(201);
    expect(v2.json().latest.version).toBe(2);
    const stale = await province.post(`/api/v1/forms/${form.id}/versions`, { definition, basedOnVersion: 1 });
    expect(stale.statusCode).toBe(409);
    const bad = await province.post(`/api/v1/forms/${form.id}/versions`, { definition: { title: 'x', unitSections: [] }, basedOnVersion: 2 });
    expect(bad.statusCode).toBe(422);
    expect((await suzhou.get(`/api/v1/forms/${form.id}`)).statusCode).toBe(404);
    const templates = (await province.get('/api/v1/form-templates')).json();
    expect(templates.map((x: { key: string }) => x.key)).toContain('jiangsu_featured_activity');
  });
});

describe('filling and submitting the Jiangsu form', () => {
  let version: number;
  let fileId: string;

  it('shows 南京市科协 the task with its form, phases and quota', async () => {
    const detail = (await nanjing.get(`/api/v1/collection-tasks/${taskId}`)).json();
    expect(detail.task).toMatchObject({ deadlineDate: `${year}-05-12`, quota: { minItems: 3, onePerPhase: true }, closed: false, issuerName: '江苏省科协' });
    expect(detail.form.itemGroup.label).toBe('特色亮点活动');
    expect(detail.form.unitSections.at(-1).fields[0]).toMatchObject({ key: 'stampedPdf', kind: 'files' });
    expect(detail.context.phases.map((p: { id: string }) => p.id)).toEqual(['p1', 'p2', 'p3']);
    expect(detail.submitter.unitName).toBe('南京市科协');
    expect(detail.submission).toBeNull();
    const tasks = (await nanjing.get('/api/v1/my-tasks')).json();
    expect(tasks.items.map((x: { taskId: number }) => x.taskId)).toContain(taskId);
  });

  it('refuses a 工作方案 of 501 字 even in a draft, naming the item and the field', async () => {
    const items = [jiangsuItem(1, year, 'p1'), jiangsuItem(2, year, 'p2'), jiangsuItem(3, year, 'p3')];
    items[1]!.fields.workPlan = '科'.repeat(501);
    const response = await nanjing.put(`/api/v1/collection-tasks/${taskId}/submission`, { values: { fields: {}, items } });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([
      { field: 'items.1.workPlan', code: 'too_many_words', message: '第2项特色亮点活动的工作方案超过字数限制：501 字，限 500 字以内' },
    ]);
  });

  it('saves a draft with a module-less item, but refuses to submit it', async () => {
    const items = [jiangsuItem(1, year, 'p1'), jiangsuItem(2, year, 'p2'), jiangsuItem(3, year, 'p3')];
    items[2]!.fields.modules = [];
    const saved = await nanjing.put(`/api/v1/collection-tasks/${taskId}/submission`, { values: { fields: {}, items } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ status: 'draft', version: 1 });
    const refused = await nanjing.post(`/api/v1/collection-tasks/${taskId}/submission/submit`, { version: 1 });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual(['fields.stampedPdf', 'items.2.modules']);
    expect(refused.json().errors[1].message).toBe('第3项特色亮点活动的主题活动模块为必填项');
    version = 1;
  });

  it('refuses a stale save and overwrites nothing', async () => {
    const stale = await nanjing.put(`/api/v1/collection-tasks/${taskId}/submission`, { values: { fields: {}, items: [] }, version: 99 });
    expect(stale.statusCode).toBe(409);
    expect((await nanjing.get(`/api/v1/collection-tasks/${taskId}`)).json().submission.values.items).toHaveLength(3);
  });

  it('takes the stamped PDF, checked by content', async () => {
    const bad = await nanjing.request({ method: 'POST', url: `/api/v1/collection-tasks/${taskId}/files?field=stampedPdf`, ...multipart(Buffer.from('not a pdf'), 'stamp.pdf') });
    expect(bad.statusCode).toBe(415);
    const ok = await nanjing.request({ method: 'POST', url: `/api/v1/collection-tasks/${taskId}/files?field=stampedPdf`, ...multipart(stampedPdf, '南京市科协盖章版.pdf') });
    expect(ok.statusCode, ok.body).toBe(201);
    fileId = ok.json().id;
    const items = [jiangsuItem(1, year, 'p1'), jiangsuItem(2, year, 'p2'), jiangsuItem(3, year, 'p3')];
    const saved = await nanjing.put(`/api/v1/collection-tasks/${taskId}/submission`, {
      version,
      values: { fields: { stampedPdf: [{ fileId, name: '南京市科协盖章版.pdf' }] }, items },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    version = saved.json().version;
  });

  it('submits once even when the request is retried, and records three activities', async () => {
    const key = 'submit-nanjing-0001';
    const first = await nanjing.request({ method: 'POST', url: `/api/v1/collection-tasks/${taskId}/submission/submit`, headers: { 'idempotency-key': key }, payload: { version } });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'submitted', lateHours: 0 });
    const retry = await nanjing.request({ method: 'POST', url: `/api/v1/collection-tasks/${taskId}/submission/submit`, headers: { 'idempotency-key': key }, payload: { version } });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    const other = await nanjing.request({ method: 'POST', url: `/api/v1/collection-tasks/${taskId}/submission/submit`, headers: { 'idempotency-key': key }, payload: { version: version + 5 } });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
    const revisions = (await nanjing.get(`/api/v1/submissions/${first.json().id}/revisions`)).json();
    expect(revisions.filter((r: { action: string }) => r.action === 'submit')).toHaveLength(1);
    const activities = await t.db.selectFrom('activities').selectAll().where('submission_id', '=', first.json().id).execute();
    expect(activities.map((a) => a.title).sort()).toEqual(['“百年回望”科普宣传周', '最美科技工作者宣讲会', '科技志愿服务进社区'].sort());
    expect(activities.find((a) => a.title === '“百年回望”科普宣传周')).toMatchObject({ modules: ['unite', 'serve'], phase_id: 'p1', scale: 300, place: '南京科技馆', host: '南京市科学技术协会' });
    version = first.json().version;
  });

  it('lets the province return one item with a comment, and 南京 fix it and resubmit', async () => {
    const list = (await province.get(`/api/v1/collection-tasks/${taskId}/submissions`)).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ unitName: '南京市科协', status: 'submitted', itemCount: 3 });
    const id = list.items[0].id;
    expect((await suzhou.get(`/api/v1/submissions/${id}`)).statusCode).toBe(404);
    expect((await nanjing.post(`/api/v1/submissions/${id}/accept`, { version })).statusCode).toBe(403);
    const returned = await province.post(`/api/v1/submissions/${id}/return`, { version, comment: '第二项请补充活动规模依据', itemComments: { 'item-2': '规模偏小，请核实' } });
    expect(returned.statusCode, returned.body).toBe(200);
    expect(returned.json()).toMatchObject({ status: 'returned', reviewComments: { general: '第二项请补充活动规模依据', items: { 'item-2': '规模偏小，请核实' } } });

    const mine = (await nanjing.get(`/api/v1/collection-tasks/${taskId}`)).json().submission;
    expect(mine.status).toBe('returned');
    const items = mine.values.items;
    items[1].fields.scale = 1200;
    const saved = await nanjing.put(`/api/v1/collection-tasks/${taskId}/submission`, { version: mine.version, values: { ...mine.values, items } });
    expect(saved.json().status).toBe('returned');
    const resubmitted = await nanjing.post(`/api/v1/collection-tasks/${taskId}/submission/submit`, { version: saved.json().version });
    expect(resubmitted.json().status).toBe('submitted');
    const accepted = await province.post(`/api/v1/submissions/${id}/accept`, { version: resubmitted.json().version });
    expect(accepted.json().status).toBe('accepted');

    const revisions = (await province.get(`/api/v1/submissions/${id}/revisions`)).json();
    // Consecutive autosaves by the same person are one revision: the history stays readable.
    expect(revisions.map((r: { action: string }) => r.action)).toEqual(['save', 'submit', 'return', 'save', 'submit', 'accept']);
    const submits = revisions.filter((r: { action: string }) => r.action === 'submit');
    const diff = (await province.get(`/api/v1/submissions/${id}/diff?from=${submits[0].version}&to=${submits[1].version}`)).json();
    expect(diff).toEqual([{ path: 'items.item-2.scale', label: '第2项特色亮点活动 · 预计活动规模', before: '600人', after: '1200人' }]);
    const notifications = (await nanjing.get('/api/v1/notifications')).json();
    expect(notifications.items.map((n: { kind: string }) => n.kind)).toEqual(expect.arrayContaining(['submission_return', 'submission_accept']));
  });

  it('exports the 汇总表 with one row per item, the files by unit, and the filled form as Word', async () => {
    const xlsx = await province.get(`/api/v1/collection-tasks/${taskId}/summary.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const texts: string[][] = [];
    sheet.eachRow((row) => texts.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    const headerIndex = texts.findIndex((r) => r.includes('主题活动名称'));
    expect(headerIndex).toBeGreaterThanOrEqual(0);
    const rows = texts.slice(headerIndex + 1);
    expect(rows).toHaveLength(3);
    const titleColumn = texts[headerIndex]!.indexOf('主题活动名称');
    expect(rows.map((r) => r[titleColumn])).toEqual(['“百年回望”科普宣传周', '最美科技工作者宣讲会', '科技志愿服务进社区']);
    expect(rows.every((r) => r.includes('南京市科协'))).toBe(true);
    // Contacts' numbers, e-mail and addresses are masked for the collector (the name stays).
    const header = texts[headerIndex]!;
    const cell = (label: string) => rows[0]![header.indexOf(label)];
    expect(header).toEqual(expect.arrayContaining(['手机', '电子邮箱', '主办单位邮寄地址']));
    expect([cell('手机'), cell('电子邮箱'), cell('主办单位邮寄地址')]).toEqual(['139****0000', 'w***@example.cn', '南京市玄武区****']);
    expect(rows.flat().join('|')).not.toMatch(/13900000000|ww@example\.cn|北京东路|83000000/);
    expect(rows.flat()).toContain('王五');
    const auditOf = (action: string) =>
      t.db.selectFrom('audit_log').select('details').where('action', '=', action).where('target_id', '=', String(taskId)).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect((await auditOf('task.export_summary')).details).toMatchObject({ format: 'summary.xlsx', personalData: 'masked', fields: ['contact', 'mailingAddress'], units: 1 });

    const zip = await province.get(`/api/v1/collection-tasks/${taskId}/files.zip`);
    expect(zip.statusCode).toBe(200);
    expect(Number(zip.headers['content-length'])).toBe(zip.rawPayload.length);
    const names = readZipDirectory(zip.rawPayload, zip.rawPayload.length)!.map((e) => e.name);
    expect(names).toEqual(['南京市科协/南京市科协盖章版.pdf']);
    expect(zip.rawPayload.includes(stampedPdf)).toBe(true);
    expect((await auditOf('task.export_files')).details).toEqual({ files: 1, units: 1 });
    expect((await nanjing.get(`/api/v1/collection-tasks/${taskId}/files.zip`)).statusCode).toBe(403);

    const mine = (await nanjing.get(`/api/v1/collection-tasks/${taskId}`)).json().submission;
    const docx = await nanjing.get(`/api/v1/submissions/${mine.id}/form.docx`);
    expect(docx.statusCode).toBe(200);
    expect(docx.headers['content-type']).toContain('wordprocessingml');
    if (libreOfficeAvailable()) {
      const text = (await pdfToText(await convertWithLibreOffice(docx.rawPayload, 'docx', 'pdf'))).replace(/\s+/g, '');
      expect(text).toContain('“百年回望”科普宣传周');
      expect(text).toContain('团结引领☑');
      expect(text).toContain('单位盖章');
    }
    const pdf = await nanjing.get(`/api/v1/submissions/${mine.id}/form.pdf`);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('counts the submitted activities by module, phase, region and timeliness for the province', async () => {
    const stats = (await province.get(`/api/v1/campaigns/${campaignId}/statistics`)).json();
    expect(stats).toMatchObject({ unitName: '江苏省科协', activities: 3, units: 1 });
    expect(Object.fromEntries(stats.byModule.map((b: { key: string; count: number }) => [b.key, b.count]))).toEqual({ unite: 1, home: 0, serve: 2, open: 0, honour: 1 });
    expect(stats.byPhase.map((b: { count: number }) => b.count)).toEqual([1, 1, 1]);
    expect(stats.byRegion).toEqual([{ unitId: s.nanjing.id, key: String(s.nanjing.id), label: '南京市科协', count: 3 }]);
    expect(stats.scale.expected).toBe(300 + 1200 + 900);
    expect(stats.timeliness).toEqual([
      { key: 'on_time', label: '按时报送', count: 1 },
      { key: 'late', label: '逾期报送', count: 0 },
    ]);
    const overview = (await province.get(`/api/v1/campaigns/${campaignId}/overview`)).json();
    expect(overview).toMatchObject({ activities: 3, expectedParticipants: 2400, completion: { owed: expect.any(Number), submitted: 1 } });
    expect(overview.latest).toHaveLength(3);
    // 南京 sees its own subtree only; 苏州 has nothing yet.
    expect((await nanjing.get(`/api/v1/campaigns/${campaignId}/statistics`)).json()).toMatchObject({ unitName: '南京市科协', activities: 3 });
    expect((await suzhou.get(`/api/v1/campaigns/${campaignId}/statistics`)).json()).toMatchObject({ unitName: '苏州市科协', activities: 0 });
    expect((await suzhou.get(`/api/v1/campaigns/${campaignId}/statistics?unitId=${s.nanjing.id}`)).statusCode).toBe(404);
    const xlsx = await province.get(`/api/v1/campaigns/${campaignId}/statistics.xlsx`);
    expect(xlsx.statusCode).toBe(200);
  });

  it('refuses to edit what was accepted', async () => {
    const mine = (await nanjing.get(`/api/v1/collection-tasks/${taskId}`)).json().submission;
    const edit = await nanjing.put(`/api/v1/collection-tasks/${taskId}/submission`, { version: mine.version, values: mine.values });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().code).toBe('submission_status_conflict');
  });
});

describe('deadlines and routing', () => {
  it('marks a late submission with how late, and closes a task with per-unit exceptions', async () => {
    const late = await issueJiangsuNotice(province, s.jiangsu.id, { year: 2021, deadline: '2021-05-12', documentSerial: 60 });
    const items = [jiangsuItem(1, 2021, 'p1'), jiangsuItem(2, 2021, 'p2'), jiangsuItem(3, 2021, 'p3')];
    const upload = await nanjing.request({ method: 'POST', url: `/api/v1/collection-tasks/${late.taskId}/files?field=stampedPdf`, ...multipart(stampedPdf, 'stamp.pdf') });
    const values = { fields: { stampedPdf: [{ fileId: upload.json().id, name: 'stamp.pdf' }] }, items };
    const saved = await nanjing.put(`/api/v1/collection-tasks/${late.taskId}/submission`, { values });
    const submitted = await nanjing.post(`/api/v1/collection-tasks/${late.taskId}/submission/submit`, { version: saved.json().version });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json().lateHours).toBeGreaterThan(24 * 365);

    const closed = await issueJiangsuNotice(province, s.jiangsu.id, { year: 2021, deadline: '2021-05-12', documentSerial: 61, latePolicy: 'close' });
    const detail = (await suzhou.get(`/api/v1/collection-tasks/${closed.taskId}`)).json();
    expect(detail.task.closed).toBe(true);
    const szUpload = await suzhou.request({ method: 'POST', url: `/api/v1/collection-tasks/${closed.taskId}/files?field=stampedPdf`, ...multipart(stampedPdf, 'sz.pdf') });
    const szValues = { fields: { stampedPdf: [{ fileId: szUpload.json().id, name: 'sz.pdf' }] }, items: items.map((i) => ({ ...i, fields: { ...i.fields, host: '苏州市科学技术协会' } })) };
    const szSaved = await suzhou.put(`/api/v1/collection-tasks/${closed.taskId}/submission`, { values: szValues });
    const refused = await suzhou.post(`/api/v1/collection-tasks/${closed.taskId}/submission/submit`, { version: szSaved.json().version });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('task_closed');
    const granted = await province.post(`/api/v1/collection-tasks/${closed.taskId}/exceptions`, { unitId: s.suzhou.id, until: new Date(Date.now() + 86_400_000).toISOString(), reason: '系统故障，同意补报' });
    expect(granted.statusCode).toBe(200);
    const accepted = await suzhou.post(`/api/v1/collection-tasks/${closed.taskId}/submission/submit`, { version: szSaved.json().version });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const audit = await t.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'task.grant_exception').execute();
    expect(audit).toHaveLength(1);
  });

  it('routes submissions from societies to the department that receives them', async () => {
    const routed = await issueJiangsuNotice(province, s.jiangsu.id, {
      year: 2028,
      deadline: '2028-05-12',
      documentSerial: 70,
      routing: [{ unitTypes: ['learned_society'], departmentUnitId: s.office.id }],
    });
    const society = await signIn(t.app, s.people.society.username, s.people.society.password);
    const upload = await society.request({ method: 'POST', url: `/api/v1/collection-tasks/${routed.taskId}/files?field=stampedPdf`, ...multipart(stampedPdf, 'soc.pdf') });
    const items = [jiangsuItem(1, 2028, 'p1'), jiangsuItem(2, 2028, 'p2'), jiangsuItem(3, 2028, 'p3')];
    const saved = await society.put(`/api/v1/collection-tasks/${routed.taskId}/submission`, { values: { fields: { stampedPdf: [{ fileId: upload.json().id, name: 'soc.pdf' }] }, items } });
    const submitted = await society.post(`/api/v1/collection-tasks/${routed.taskId}/submission/submit`, { version: saved.json().version });
    expect(submitted.json().routedTo).toBe('省科协调宣部');
    const office = await signIn(t.app, s.people.officeManager.username, s.people.officeManager.password);
    const listed = (await office.get(`/api/v1/collection-tasks/${routed.taskId}/submissions`)).json();
    expect(listed.items.map((i: { unitName: string }) => i.unitName)).toEqual(['省化学化工学会']);
    expect((await office.get(`/api/v1/collection-tasks/${routed.taskId}`)).json().canCollect).toBe(true);
    const seen = await office.get(`/api/v1/submissions/${submitted.json().id}`);
    expect(seen.statusCode).toBe(200);
    const accepted = await office.post(`/api/v1/submissions/${submitted.json().id}/accept`, { version: submitted.json().version });
    expect(accepted.json().status).toBe('accepted');
  });

  it('exports the 汇总表 with contacts in full only with the export permission and a fresh password, audited', async () => {
    const url = `/api/v1/collection-tasks/${taskId}/summary.xlsx?personalData=full`;
    const refused = await province.get(url);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('personal_data_export_forbidden');
    const admin = await signIn(t.app, testAdmin.username, testAdmin.password);
    const { version } = await t.db.selectFrom('users').select('version').where('id', '=', s.people.province.id).executeTakeFirstOrThrow();
    expect((await admin.put(`/api/v1/users/${s.people.province.id}/personal-data-export`, { granted: true, version })).statusCode).toBe(200);
    const notConfirmed = await province.get(url);
    expect(notConfirmed.statusCode).toBe(403);
    expect(notConfirmed.json().code).toBe('reauthentication_required');
    // Still the masked 汇总表 without asking for the full one.
    expect((await province.get(`/api/v1/collection-tasks/${taskId}/summary.xlsx`)).statusCode).toBe(200);
    expect((await province.post('/api/v1/session/reauthenticate', { password: defaultTestPassword })).statusCode).toBe(200);
    const full = await province.get(url);
    expect(full.statusCode, full.body).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(full.rawPayload as unknown as ArrayBuffer);
    const texts: string[] = [];
    workbook.worksheets[0]!.eachRow((row) => texts.push(...(row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    expect(texts).toEqual(expect.arrayContaining(['13900000000', 'ww@example.cn', '南京市玄武区北京东路1号']));
    const audit = await t.db.selectFrom('audit_log').select(['details', 'outcome']).where('action', '=', 'task.personal_data_export').where('target_id', '=', String(taskId)).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ format: 'summary.xlsx', personalData: 'full', fields: ['contact', 'mailingAddress'], units: 1 });
    expect((audit[0]!.details as { submissionIds: number[] }).submissionIds).toHaveLength(1);
    // The refusals are recorded too.
    const refusals = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'personal_data.export').where('outcome', '=', 'failure').execute();
    expect(refusals.map((r) => (r.details as { what: string; reason: string }).reason)).toEqual(expect.arrayContaining(['personal_data_export_forbidden', 'reauthentication_required']));
  });
});
