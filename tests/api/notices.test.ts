import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit, createUser, regionalUnit } from '../support/factories';
import { convertWithLibreOffice, libreOfficeAvailable, pdfToText, pdfToTextAvailable } from '../support/libreoffice';
import { shandongAddressees, shandongScenario } from '../support/seed-scenarios';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

let t: TestApp;
let s: Awaited<ReturnType<typeof shandongScenario>>;
let shandong: Client;
let yantai: Client;
let zhifu: Client;
beforeAll(async () => {
  t = await createTestApp();
  s = await shandongScenario(t.db);
  shandong = await signIn(t.app, s.people.shandongManager.username, s.people.shandongManager.password);
  yantai = await signIn(t.app, s.people.yantaiManager.username, s.people.yantaiManager.password);
  zhifu = await signIn(t.app, s.people.zhifuContact.username, s.people.zhifuContact.password);
});
afterAll(() => t.close());

async function shandongCampaign() {
  const template = await shandong.post('/api/v1/campaigns/template', { unitId: s.shandong.id, year: 2021 });
  expect(template.statusCode).toBe(200);
  const body = { ...template.json(), theme: '众心向党，自立自强' };
  body.modules = body.modules.map((m: { id: string; name: string }) => (m.id === 'honour' ? { ...m, name: '表彰宣传' } : m));
  const created = await shandong.post('/api/v1/campaigns', body);
  expect(created.statusCode, created.body).toBe(201);
  return created.json();
}

describe('campaigns', () => {
  it('creates the 2021 campaign with the default structure and a renamed module', async () => {
    const campaign = await shandongCampaign();
    expect(campaign).toMatchObject({ year: 2021, ordinal: 5, theme: '众心向党，自立自强', unitName: '山东省科协', canManage: true });
    expect(campaign.modules.map((m: { name: string }) => m.name)).toEqual(['团结引领', '建家办事', '为民服务', '开放合作', '表彰宣传']);
    expect(campaign.phases[1]).toEqual({ id: 'p2', name: '第二阶段', startDate: '2021-05-26', endDate: '2021-06-05' });
    const template = (await shandong.post('/api/v1/campaigns/template', { unitId: s.shandong.id, year: 2021 })).json() as object;
    const again = await shandong.post('/api/v1/campaigns', template);
    expect(again.statusCode).toBe(409);
  });

  it('derives a city campaign from the province’s, narrowing but never widening phases', async () => {
    const province = (await shandong.get('/api/v1/campaigns?year=2021')).json().find((c: { unitName: string }) => c.unitName === '山东省科协');
    const template = (await yantai.post('/api/v1/campaigns/template', { unitId: s.yantai.id, year: 2021, parentCampaignId: province.id })).json();
    expect(template.theme).toBe('众心向党，自立自强');
    const wider = { ...template, phases: template.phases.map((p: { id: string }, i: number) => (i === 2 ? { ...p, endDate: '2021-07-15' } : p)) };
    const refused = await yantai.post('/api/v1/campaigns', wider);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors[0]).toMatchObject({ field: 'phases.2.startDate', code: 'phase_outside_parent' });
    const narrower = { ...template, phases: template.phases.map((p: { id: string }, i: number) => (i === 0 ? { ...p, startDate: '2021-05-15' } : p)) };
    const ok = await yantai.post('/api/v1/campaigns', narrower);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().parentCampaign).toMatchObject({ unitName: '山东省科协' });
  });

  it('lists the plan’s activities with responsible departments, who update their status', async () => {
    const campaign = (await shandong.get('/api/v1/campaigns?year=2021')).json().find((c: { unitName: string }) => c.unitName === '山东省科协');
    const added = await shandong.post(`/api/v1/campaigns/${campaign.id}/activities`, {
      title: '“众心向党、自立自强”座谈会',
      moduleId: 'unite',
      startDate: '2021-05-28',
      endDate: '2021-05-28',
      place: '济南',
      departmentUnitIds: [s.departments[0]!.id],
    });
    expect(added.statusCode, added.body).toBe(201);
    const badModule = await shandong.post(`/api/v1/campaigns/${campaign.id}/activities`, { title: '某活动', moduleId: 'nope' });
    expect(badModule.json().errors[0]).toMatchObject({ field: 'moduleId', code: 'unknown_module' });

    const office = await createUser(t.db, s.departments[0]!.id, ['contact']);
    const officeClient = await signIn(t.app, office.username, office.password);
    const assigned = (await officeClient.get('/api/v1/campaign-activities/assigned')).json();
    expect(assigned).toHaveLength(1);
    expect(assigned[0]).toMatchObject({ title: '“众心向党、自立自强”座谈会', moduleName: '团结引领', status: 'planned', canEdit: true });
    const moved = await officeClient.patch(`/api/v1/campaign-activities/${assigned[0].id}`, { status: 'preparing', version: assigned[0].version });
    expect(moved.statusCode).toBe(200);
    const retitle = await officeClient.patch(`/api/v1/campaign-activities/${assigned[0].id}`, { title: '改名', version: assigned[0].version + 1 });
    expect(retitle.statusCode).toBe(403);
  });
});

describe('the Shandong → Yantai cascade', () => {
  let noticeId: number;
  let forwardId: number;

  it('resolves the addressees before issuing', async () => {
    const preview = await shandong.post('/api/v1/notices/recipients-preview', { issuerUnitId: s.shandong.id, addresseeRules: shandongAddressees });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().addresseeText).toBe('各市科协，各省级学会，各企业科协，各高校科协，机关各部室，各直属单位');
    // 16 cities + 2 societies + 1 enterprise + 1 university + 2 departments + 1 institution.
    expect(preview.json().count).toBe(23);
  });

  it('refuses a malformed 文号, a missing title and no addressees, saving nothing', async () => {
    const before = await t.db.selectFrom('notices').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const bad = await shandong.post('/api/v1/notices', {
      issuerUnitId: s.shandong.id,
      title: '',
      documentNumber: '鲁科协2021年12号',
      contacts: [{ name: '', phone: '0531-82073288' }],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain('title');
    expect(bad.json().errors.find((e: { field: string }) => e.field === 'contacts.0.name').message).toBe('联系人姓名为必填项');
    const badNumber = await shandong.post('/api/v1/notices', { issuerUnitId: s.shandong.id, title: '关于测试的通知', documentNumber: '鲁科协2021年12号' });
    expect(badNumber.statusCode).toBe(422);
    expect(badNumber.json().errors[0]).toMatchObject({ field: 'documentNumber', code: 'document_number_format' });
    expect(badNumber.json().errors[0].message).toContain('机关代字〔年份〕序号号');
    const after = await t.db.selectFrom('notices').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);

    const draft = await shandong.post('/api/v1/notices', { issuerUnitId: s.shandong.id, title: '关于无主送的通知', documentNumber: '鲁科协发〔2021〕99号' });
    const noAddressees = await shandong.post(`/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
    expect(noAddressees.statusCode).toBe(422);
    expect(noAddressees.json().errors[0]).toMatchObject({ field: 'addresseeRules', code: 'required' });
    expect((await shandong.get(`/api/v1/notices/${draft.json().id}`)).json().status).toBe('draft');
  });

  it('issues the notice with plans due 5月10日 and reports 6月10日', async () => {
    const suggestion = await shandong.get(`/api/v1/notices/next-number?issuerUnitId=${s.shandong.id}&prefix=${encodeURIComponent('鲁科协发')}&year=2021`);
    expect(suggestion.json().documentNumber).toBe('鲁科协发〔2021〕1号');
    const draft = await shandong.post('/api/v1/notices', {
      issuerUnitId: s.shandong.id,
      documentNumber: '鲁科协发〔2021〕12号',
      title: '关于印发《2021年山东省“全国科技工作者日”活动实施方案》的通知',
      addresseeRules: shandongAddressees,
      bodyHtml: '<p>2021年5月30日是第5个“全国科技工作者日”。</p><script>alert(1)</script><p onclick="x()">请各有关单位按照实施方案要求统筹制定活动方案。</p>',
      contacts: [{ name: '王馨笙', phone: '0531-82073288', email: 'rcbskx@shandong.cn' }],
      issueDate: '2021-04-30',
      tasks: [
        { title: '择优精选1-2项特色亮点活动方案', deadline: '2021-05-10' },
        { title: '特色亮点活动情况和活动总结报告', description: '盖章PDF版和word版', deadline: '2021-06-10' },
      ],
    });
    expect(draft.statusCode, draft.body).toBe(201);
    expect(draft.json().bodyHtml).not.toContain('script');
    expect(draft.json().bodyHtml).not.toContain('onclick');
    expect(draft.json().addresseeText).toBe('各市科协，各省级学会，各企业科协，各高校科协，机关各部室，各直属单位');
    const issued = await shandong.post(`/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
    expect(issued.statusCode, issued.body).toBe(200);
    expect(issued.json()).toMatchObject({ status: 'issued', documentNumber: '鲁科协发〔2021〕12号' });
    noticeId = issued.json().id;
    const again = await shandong.put(`/api/v1/notices/${noticeId}`, { version: issued.json().version, title: '改标题' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('notice_not_editable');
    const next = await shandong.get(`/api/v1/notices/next-number?issuerUnitId=${s.shandong.id}&prefix=${encodeURIComponent('鲁科协发')}&year=2021`);
    expect(next.json().documentNumber).toBe('鲁科协发〔2021〕13号');
    // The same 文号 twice is refused by name, and the draft stays a draft.
    const twin = await shandong.post('/api/v1/notices', {
      issuerUnitId: s.shandong.id,
      documentNumber: '鲁科协发〔2021〕12号',
      title: '关于重号测试的通知',
      addresseeRules: shandongAddressees,
    });
    const refused = await shandong.post(`/api/v1/notices/${twin.json().id}/issue`, { version: twin.json().version });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors[0]).toMatchObject({ field: 'documentNumber', code: 'document_number_taken' });
    expect((await shandong.get(`/api/v1/notices/${twin.json().id}`)).json().status).toBe('draft');
  });

  it('delivers to the inbox of 烟台市科协 unread, with e-mail queued to contacts that have one', async () => {
    const inbox = (await yantai.get('/api/v1/inbox')).json();
    expect(inbox.unread).toBe(1);
    expect(inbox.items[0]).toMatchObject({ id: noticeId, readAt: null, issuerName: '山东省科协' });
    // 芝罘区 was not addressed by the province: nothing in its inbox yet.
    expect((await zhifu.get('/api/v1/inbox')).json().total).toBe(0);
    expect((await zhifu.get(`/api/v1/notices/${noticeId}`)).statusCode).toBe(404);
  });

  it('lets 烟台市科协 read, sign for and forward it with its own earlier deadline', async () => {
    const opened = (await yantai.get(`/api/v1/notices/${noticeId}`)).json();
    expect(opened.receipt).toMatchObject({ readAt: expect.any(String), acknowledgedAt: null, canAcknowledge: true, canForward: true });
    const acked = await yantai.post(`/api/v1/notices/${noticeId}/acknowledge`);
    expect(acked.json().receipt.acknowledgedAt).not.toBeNull();

    const draft = await yantai.post(`/api/v1/notices/${noticeId}/forward`, {});
    expect(draft.statusCode, draft.body).toBe(201);
    const forward = draft.json();
    forwardId = forward.id;
    expect(forward).toMatchObject({ kind: 'forward', status: 'draft', issuerName: '烟台市科协' });
    expect(forward.title).toBe('关于转发《关于印发〈2021年山东省“全国科技工作者日”活动实施方案〉的通知》的通知');
    expect(forward.upstream[0]).toMatchObject({ documentNumber: '鲁科协发〔2021〕12号', issuerName: '山东省科协' });
    expect(forward.tasks.map((task: { upstreamDeadline: string }) => task.upstreamDeadline)).toEqual(['2021-05-10', '2021-06-10']);

    const tasks = forward.tasks.map((task: { id: number; title: string; description: string; upstreamTaskId: number }, i: number) => ({
      title: task.title,
      description: task.description,
      upstreamTaskId: task.upstreamTaskId,
      deadline: i === 0 ? '2021-05-08' : '2021-06-12',
    }));
    const base = {
      version: forward.version,
      documentNumber: '烟科协发〔2021〕8号',
      title: forward.title,
      addresseeRules: [
        { kind: 'units_of_type', unitType: 'learned_society', scope: 'children' },
        { kind: 'units_of_type', unitType: 'regional_association', scope: 'children' },
      ],
      bodyHtml: forward.bodyHtml,
      issueDate: '2021-05-06',
    };
    const late = await yantai.put(`/api/v1/notices/${forwardId}`, { ...base, tasks });
    expect(late.statusCode).toBe(422);
    expect(late.json().errors[0]).toMatchObject({ field: 'tasks.1.deadline', code: 'deadline_after_upstream' });
    expect(late.json().errors[0].message).toContain('2021年6月10日');

    tasks[1].deadline = '2021-06-05';
    const summaryTask = { title: '“全国科技工作者日”活动总结', description: '电子稿', deadline: '2021-06-05' };
    const saved = await yantai.put(`/api/v1/notices/${forwardId}`, { ...base, tasks: [...tasks, summaryTask] });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().addresseeText).toBe('各市级学会，各科协');
    const issued = await yantai.post(`/api/v1/notices/${forwardId}/issue`, { version: saved.json().version });
    expect(issued.statusCode, issued.body).toBe(200);
    expect((await yantai.get(`/api/v1/notices/${noticeId}`)).json().receipt.forwardedNoticeId).toBe(forwardId);
  });

  it('reaches 芝罘区科协, which signs for the forward', async () => {
    const inbox = (await zhifu.get('/api/v1/inbox')).json();
    expect(inbox.items.map((i: { id: number }) => i.id)).toEqual([forwardId]);
    const acked = await zhifu.post(`/api/v1/notices/${forwardId}/acknowledge`);
    expect(acked.statusCode).toBe(200);
    expect(acked.json().receipt.acknowledgedBy).toContain('测试用户');
    expect(acked.json().upstream[0].documentNumber).toBe('鲁科协发〔2021〕12号');
  });

  it('shows 山东省科协 the whole cascade with counts per subtree', async () => {
    const cascade = (await shandong.get(`/api/v1/notices/${noticeId}/cascade`)).json();
    const direct = 23;
    const viaYantai = s.counties.length + s.yantaiSocieties.length;
    expect(cascade.totals).toEqual({ units: direct + viaYantai, read: 1 + 1, acknowledged: 2, forwarded: 1 });
    const yantaiNode = cascade.nodes.find((n: { unitId: number }) => n.unitId === s.yantai.id);
    expect(yantaiNode).toMatchObject({ parentUnitId: null, status: 'forwarded' });
    expect(yantaiNode.totals).toEqual({ units: 1 + viaYantai, read: 2, acknowledged: 2, forwarded: 1 });
    const zhifuNode = cascade.nodes.find((n: { unitId: number }) => n.unitId === s.zhifu.id);
    expect(zhifuNode).toMatchObject({ parentUnitId: s.yantai.id, status: 'acknowledged', noticeId: forwardId });
    const pending = (await shandong.get(`/api/v1/notices/${noticeId}/cascade?filter=not_acknowledged`)).json();
    expect(pending.nodes.some((n: { unitId: number }) => n.unitId === s.zhifu.id)).toBe(false);
    expect(pending.nodes.some((n: { unitId: number }) => n.unitId === s.yantai.id)).toBe(true);
    const xlsx = await shandong.get(`/api/v1/notices/${noticeId}/cascade.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    // The county cannot see the province's cascade.
    expect((await zhifu.get(`/api/v1/notices/${noticeId}/cascade`)).statusCode).toBe(404);
  });

  it('downloads the notice as .docx and .pdf in the official layout, opened by LibreOffice and poppler', async () => {
    const docx = await zhifu.get(`/api/v1/notices/${forwardId}/document.docx`);
    expect(docx.statusCode).toBe(200);
    expect(docx.headers['content-type']).toContain('wordprocessingml');
    expect(docx.headers['content-disposition']).toContain("filename*=UTF-8''");
    const pdf = await zhifu.get(`/api/v1/notices/${forwardId}/document.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    if (libreOfficeAvailable()) {
      const text = (await pdfToText(await convertWithLibreOffice(docx.rawPayload, 'docx', 'pdf'))).replace(/\s+/g, '');
      expect(text).toContain('烟台市科学技术协会');
      expect(text).toContain('烟科协发〔2021〕8号');
      expect(text).toContain('各市级学会，各科协：');
    }
    if (pdfToTextAvailable()) {
      const text = (await pdfToText(pdf.rawPayload)).replace(/\s+/g, '');
      expect(text).toContain('烟科协发〔2021〕8号');
      expect(text).toContain('转发给你们');
    }
  });

  it('flags and tells downstream units when the upstream deadline moves earlier', async () => {
    const notice = (await shandong.get(`/api/v1/notices/${noticeId}`)).json();
    const reportTask = notice.tasks[1];
    const moved = await shandong.patch(`/api/v1/collection-tasks/${reportTask.id}/deadline`, { deadline: '2021-06-03', version: reportTask.version });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().flagged).toBe(1);
    const forward = (await yantai.get(`/api/v1/notices/${forwardId}`)).json();
    expect(forward.tasks[1]).toMatchObject({ deadlineConflict: true, upstreamDeadline: '2021-06-03' });
    const notifications = (await yantai.get('/api/v1/notifications')).json();
    expect(notifications.items[0]).toMatchObject({ kind: 'deadline_conflict' });
    expect(notifications.items[0].body).toContain('2021年6月3日');
    const fixed = await yantai.patch(`/api/v1/collection-tasks/${forward.tasks[1].id}/deadline`, { deadline: '2021-06-01', version: forward.tasks[1].version });
    expect(fixed.statusCode).toBe(200);
    expect((await yantai.get(`/api/v1/notices/${forwardId}`)).json().tasks[1].deadlineConflict).toBe(false);
  });

  it('withdraws with a record, never deleting', async () => {
    const draft = await shandong.post('/api/v1/notices', {
      issuerUnitId: s.shandong.id,
      documentNumber: '鲁科协发〔2021〕20号',
      title: '关于撤回测试的通知',
      addresseeRules: [{ kind: 'units_of_type', unitType: 'internal_department', scope: 'children' }],
    });
    const issued = await shandong.post(`/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
    const withdrawn = await shandong.post(`/api/v1/notices/${issued.json().id}/withdraw`, { reason: '内容有误，另行发文' });
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', withdrawnReason: '内容有误，另行发文' });
    const audit = await t.db.selectFrom('audit_log').select('action').where('target_id', '=', String(issued.json().id)).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['notice.create', 'notice.issue', 'notice.withdraw']));
  });

  it('issues a supplementary notice linked to the original', async () => {
    const supplement = await shandong.post('/api/v1/notices', {
      issuerUnitId: s.shandong.id,
      supplementsNoticeId: noticeId,
      documentNumber: '鲁科协发〔2021〕21号',
      title: '关于2021年“全国科技工作者日”活动的补充通知',
      addresseeRules: shandongAddressees,
    });
    expect(supplement.statusCode, supplement.body).toBe(201);
    await shandong.post(`/api/v1/notices/${supplement.json().id}/issue`, { version: supplement.json().version });
    const original = (await shandong.get(`/api/v1/notices/${noticeId}`)).json();
    expect(original.supplementedBy).toEqual([{ id: supplement.json().id, documentNumber: '鲁科协发〔2021〕21号', title: '关于2021年“全国科技工作者日”活动的补充通知' }]);
  });
});

describe('joint notices', () => {
  it('goes out only when every co-issuer approves', async () => {
    const jiangsu = await regionalUnit(t.db, '32');
    const bureau = await createUnit(t.db, jiangsu.id, { name: '江苏省科学技术厅', shortName: '省科技厅', type: 'government_bureau', level: 'provincial' });
    const jsManager = await createUser(t.db, jiangsu.id, ['campaign_manager']);
    const bureauManager = await createUser(t.db, bureau.id, ['campaign_manager']);
    const js = await signIn(t.app, jsManager.username, jsManager.password);
    const bu = await signIn(t.app, bureauManager.username, bureauManager.password);
    const draft = await js.post('/api/v1/notices', {
      issuerUnitId: jiangsu.id,
      coIssuerUnitIds: [bureau.id],
      documentNumber: '苏科协发〔2021〕55号',
      title: '关于联合开展活动的通知',
      addresseeRules: [{ kind: 'units_of_type', unitType: 'regional_association', level: 'city', scope: 'children' }],
    });
    const submitted = await js.post(`/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
    expect(submitted.json().status).toBe('pending_approval');
    const nanjing = await regionalUnit(t.db, '3201');
    const nj = await createUser(t.db, nanjing.id, ['contact']);
    expect((await (await signIn(t.app, nj.username, nj.password)).get('/api/v1/inbox')).json().total).toBe(0);
    const seen = (await bu.get(`/api/v1/notices/${draft.json().id}`)).json();
    expect(seen.canApprove).toBe(true);
    const approved = await bu.post(`/api/v1/notices/${draft.json().id}/approval`, { decision: 'approved' });
    expect(approved.json().status).toBe('issued');
    expect((await (await signIn(t.app, nj.username, nj.password)).get('/api/v1/inbox')).json().total).toBe(1);
  });
});
