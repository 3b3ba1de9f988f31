import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countWords } from '../../src/shared/domain/word-count';
import { readZipDirectory } from '../../src/server/storage/zip-directory';
import { browserAvailable, signInThroughUi, startBrowserHarness, type BrowserHarness } from '../support/browser';
import { jiangsuScenario } from '../support/jiangsu-scenario';
import { convertWithLibreOffice, libreOfficeAvailable, pdfToText } from '../support/libreoffice';
import { signIn } from '../support/test-app';

/**
 * Issue 4 in the browser, as the jiangsu-2021 seed asks: 江苏省科协 issues its notice with the
 * Jiangsu form (at least 3 items, one per phase, 工作方案 ≤500 字) due 5月12日; 南京市科协 fills three
 * items, is refused a 501-字 工作方案 and an item without a module, downloads the filled form as
 * .docx, uploads its stamped PDF and submits (a retried submit creates nothing twice); the province
 * returns one item, 南京 fixes it and resubmits, the province accepts and exports the 汇总表 and the zip.
 */
describe.skipIf(!browserAvailable())('the Jiangsu form filled, submitted, returned and accepted in the browser', () => {
  const year = 2027;
  let h: BrowserHarness;
  let s: Awaited<ReturnType<typeof jiangsuScenario>>;
  let campaignId = 0;
  let taskId = 0;
  let noticeUrl = '';

  beforeAll(async () => {
    h = await startBrowserHarness();
    s = await jiangsuScenario(h.t.db);
    // The form (from the built-in Jiangsu template) and the campaign exist before the notice.
    const province = await signIn(h.t.app, s.people.province.username, s.people.province.password);
    const form = await province.post('/api/v1/forms', { unitId: s.jiangsu.id, name: '特色亮点活动筹备方案', templateKey: 'jiangsu_featured_activity' });
    expect(form.statusCode).toBe(201);
    const template = (await province.post('/api/v1/campaigns/template', { unitId: s.jiangsu.id, year })).json() as Record<string, unknown>;
    const campaign = await province.post('/api/v1/campaigns', { ...template, theme: '众心向党，自立自强' });
    expect(campaign.statusCode).toBe(201);
    campaignId = campaign.json().id;
  });
  afterAll(() => h?.close());

  const typeDate = async (page: Page, testId: string, date: string) => {
    const input = page.getByTestId(testId);
    await input.click();
    await input.fill(date);
    await input.press('Enter');
  };
  const choose = async (page: Page, testId: string, optionText: string) => {
    await page.getByTestId(testId).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: optionText }).first().click();
  };
  const download = async (page: Page, click: () => Promise<void>): Promise<{ body: Buffer; name: string }> => {
    const [file] = await Promise.all([page.waitForEvent('download'), click()]);
    const stream = await (file as Download).createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { body: Buffer.concat(chunks), name: (file as Download).suggestedFilename() };
  };
  const submissionOfNanjing = () =>
    h.t.db.selectFrom('submissions').selectAll().where('task_id', '=', taskId).where('unit_id', '=', s.nanjing.id).executeTakeFirst();

  it('江苏省科协 issues the notice with the Jiangsu form, at least 3 items one per phase, a stamped PDF, due 5月12日', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, s.people.province.username, s.people.province.password);
    await page.goto(`/notices/new?campaignId=${campaignId}`);
    await page.getByTestId('notice-form').waitFor();
    await page.locator('#documentNumber').fill(`苏科协发〔${year}〕15号`);
    await page.locator('#title').fill(`关于开展${year}年“全国科技工作者日”活动的通知`);
    await page.getByTestId('addressee-rule-regional_association').check();
    await page.getByTestId('notice-body-editor').click();
    await page.keyboard.type('请各设区市科协择优精选特色亮点活动，填写筹备方案（样表），于5月12日前报送。');
    await page.getByTestId('task-add').click();
    await page.getByTestId('tasks.0.title').fill('特色亮点活动筹备方案（不少于3项，原则上每个阶段1项）');
    await typeDate(page, 'tasks.0.deadline', `${year}-05-12`);
    await choose(page, 'tasks.0.formVersionId', '特色亮点活动筹备方案');
    await page.getByTestId('tasks.0.quota.minItems').fill('3');
    await page.getByTestId('tasks.0.quota.onePerPhase').check();
    await page.getByTestId('task-required-file-add').click();
    await expect.poll(() => page.getByTestId('tasks.0.requiredFiles.0.key').inputValue()).toBe('stampedPdf');
    await page.getByTestId('notice-save').click();
    await page.getByTestId('notice-issue').click();
    await page.getByTestId('notice-view').waitFor();
    await expect.poll(() => page.getByTestId('notice-status').innerText()).toMatch(/已发|issued/);
    noticeUrl = new URL(page.url()).pathname;

    const task = await h.t.db
      .selectFrom('collection_tasks')
      .innerJoin('notices', 'notices.id', 'collection_tasks.notice_id')
      .select(['collection_tasks.id', 'collection_tasks.quota', 'collection_tasks.required_files', 'collection_tasks.form_version_id', 'collection_tasks.deadline'])
      .where('notices.issuer_unit_id', '=', s.jiangsu.id)
      .executeTakeFirstOrThrow();
    taskId = task.id;
    expect(task.form_version_id).not.toBeNull();
    expect(task.quota).toMatchObject({ minItems: 3, onePerPhase: true });
    expect(task.required_files).toMatchObject([{ key: 'stampedPdf', kinds: ['pdf'], required: true }]);
  });

  it('南京市科协 fills three items, is refused a 501-字 工作方案 and a module-less item, downloads the .docx, uploads its stamped PDF and submits once', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, s.people.nanjing.username, s.people.nanjing.password);
    await page.goto('/tasks');
    await page.getByTestId('my-task-link').filter({ hasText: '特色亮点活动筹备方案' }).first().click();
    await page.getByTestId('fill-form').waitFor();

    const titles = ['“百年回望”科普宣传周', '最美科技工作者宣讲会', '科技志愿服务进社区'];
    const phases = ['第一阶段', '第二阶段', '第三阶段'];
    const plan = '本活动围绕“众心向党，自立自强”主题，组织科技工作者开展科普宣讲、咨询服务和座谈交流。';
    for (let i = 0; i < 3; i++) {
      // A new fill starts with one empty card.
      if ((await page.getByTestId('item-card').count()) <= i) await page.getByTestId('item-add').click();
      const at = (path: string) => page.getByTestId(`items.${i}.${path}`);
      await at('host').fill('南京市科学技术协会');
      await at('title').fill(titles[i]!);
      // The third item is left without a module at first.
      if (i === 0) {
        await at('modules.unite').check();
        await at('modules.serve').check();
      }
      if (i === 1) await at('modules.honour').check();
      await at('organiser').fill('南京科技馆');
      await choose(page, `items.${i}.time.phaseId`, phases[i]!);
      await at('place').fill('南京科技馆');
      await at('audience.workers').check();
      await at('audience.public').check();
      await at('scale').fill(String(300 * (i + 1)));
      await at('contact.name').fill('王五');
      await at('contact.officePhone').fill('025-83000000');
      await at('contact.mobile').fill('13900000000');
      await at('contact.email').fill('ww@example.cn');
      await at('mailingAddress').fill('南京市玄武区北京东路1号');
      await at('workPlan').fill(plan);
    }

    // A 工作方案 of exactly 501 字 (as Word counts it): the live count turns red and the submit is refused.
    let tooLong = `2027年5月，南京市科协联合12家学会举办“百年回望”科普宣传周，${'组织科技工作者走进社区、学校开展科普宣讲。'.repeat(20)}`;
    while (countWords(tooLong) < 501) tooLong += '讲';
    expect(countWords(tooLong)).toBe(501);
    await page.getByTestId('items.0.workPlan').fill(tooLong);
    await expect.poll(() => page.getByTestId('word-count').first().innerText()).toMatch(/501\s*\/\s*500/);
    await page.getByTestId('submission-submit').click();
    const error = (path: string) => page.locator(`.ant-form-item:has([data-testid="${path}"]) .ant-form-item-explain-error`).first();
    await expect.poll(() => error('items.0.workPlan').innerText()).toMatch(/工作方案.*500/);
    await expect.poll(() => error('items.2.modules.unite').innerText()).toMatch(/主题活动模块/);
    expect((await submissionOfNanjing())?.status ?? 'draft').toBe('draft');

    await page.getByTestId('items.0.workPlan').fill(plan + '活动分为启动仪式、专题报告和互动体验三个环节。');
    await page.getByTestId('items.2.modules.serve').check();

    // The filled form in the sample form's layout, read back through LibreOffice.
    await expect.poll(async () => ((await submissionOfNanjing())?.values as { items?: unknown[] } | undefined)?.items?.length ?? 0, { timeout: 15_000 }).toBe(3);
    await expect.poll(() => page.getByTestId('autosave-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved');
    const docx = await download(page, () => page.getByTestId('submission-download-docx').click());
    expect(docx.body.subarray(0, 2).toString()).toBe('PK');
    if (libreOfficeAvailable()) {
      const text = (await pdfToText(await convertWithLibreOffice(docx.body, 'docx', 'pdf'))).replace(/\s+/g, '');
      for (const title of titles) expect(text).toContain(title);
      // Ticked boxes for the chosen modules of each item, empty ones for the rest.
      expect(text).toContain('团结引领☑建家办事□为民服务☑开放合作□表彰发布□');
      expect(text).toContain('团结引领□建家办事□为民服务□开放合作□表彰发布☑');
      expect(text).toContain('团结引领□建家办事□为民服务☑开放合作□表彰发布□');
      expect(text).toContain('单位盖章');
    }

    // The stamped scan: a file that only claims to be a PDF is refused, a real one is kept.
    await page.getByTestId('fields.stampedPdf').setInputFiles({ name: '盖章版.pdf', mimeType: 'application/pdf', buffer: Buffer.from('这不是PDF') });
    await expect.poll(() => page.getByTestId('fields.stampedPdf.error').innerText()).toMatch(/不支持的文件类型|内容/);
    await page.getByTestId('fields.stampedPdf').setInputFiles({ name: '南京市科协盖章版.pdf', mimeType: 'application/pdf', buffer: await stampedPdf() });
    await page.getByTestId('fields.stampedPdf.list').waitFor();
    await expect.poll(() => page.getByTestId('file-item').count()).toBe(1);

    // The first answer to the submit is lost on the way back; the page sends the same request again.
    let attempts = 0;
    const keys: string[] = [];
    await page.route('**/submission/submit', async (route) => {
      attempts++;
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (attempts === 1) {
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await page.getByTestId('submission-submit').click();
    await expect.poll(() => page.getByTestId('submission-status').getAttribute('data-status')).toBe('submitted');
    expect(attempts).toBe(2);
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);

    const submission = (await submissionOfNanjing())!;
    expect(submission.status).toBe('submitted');
    expect(submission.late_hours).toBe(0);
    const submits = await h.t.db.selectFrom('submission_revisions').select('id').where('submission_id', '=', submission.id).where('action', '=', 'submit').execute();
    expect(submits).toHaveLength(1);
    const activities = await h.t.db.selectFrom('activities').select(['title', 'modules', 'phase_id']).where('submission_id', '=', submission.id).orderBy('title').execute();
    expect(activities.map((a) => a.title).sort()).toEqual([...titles].sort());
    expect(activities.find((a) => a.title === titles[2])?.modules).toEqual(['serve']);
  });

  it('江苏省科协 returns one item with a comment; 南京市科协 fixes it and resubmits', async () => {
    const province = await h.newPage();
    await signInThroughUi(province, s.people.province.username, s.people.province.password);
    await province.goto(`/collect/${taskId}`);
    await province.getByTestId('collect-row').filter({ hasText: '南京' }).getByTestId('collect-open').click();
    await province.getByTestId('review-drawer').waitFor();
    const submission = (await submissionOfNanjing())!;
    const itemKey = (submission.values as { items: { key: string }[] }).items[2]!.key;
    await province.getByTestId(`review-item-comment-${itemKey}`).fill('活动地点请具体到场馆和楼层。');
    await province.getByTestId('review-return').click();
    await province.getByTestId('review-comment-input').fill('请按意见修改第3项后重新报送。');
    await province.getByTestId('review-submit').click();
    await expect.poll(async () => (await submissionOfNanjing())?.status).toBe('returned');
    const returned = (await submissionOfNanjing())!;
    expect(JSON.stringify(returned.review_comments)).toContain('活动地点请具体到场馆和楼层。');
    expect(JSON.stringify(returned.review_comments)).toContain(itemKey);

    const unit = await h.newPage();
    await signInThroughUi(unit, s.people.nanjing.username, s.people.nanjing.password);
    await unit.goto(`/tasks/${taskId}`);
    await unit.getByTestId('fill-form').waitFor();
    await expect.poll(() => unit.getByTestId('submission-status').getAttribute('data-status')).toBe('returned');
    await expect.poll(() => unit.getByTestId('review-comment').innerText()).toContain('请按意见修改第3项后重新报送');
    await expect.poll(() => unit.locator('#fill-item-2 [data-testid="item-comment"]').innerText()).toContain('活动地点请具体到场馆和楼层');
    await unit.getByTestId('items.2.place').fill('南京科技馆二楼报告厅');
    await unit.getByTestId('submission-submit').click();
    await expect.poll(() => unit.getByTestId('submission-status').getAttribute('data-status')).toBe('submitted');
    const resubmitted = (await submissionOfNanjing())!;
    expect(resubmitted.status).toBe('submitted');
    const activity = await h.t.db.selectFrom('activities').select('place').where('submission_id', '=', resubmitted.id).where('title', '=', '科技志愿服务进社区').executeTakeFirstOrThrow();
    expect(activity.place).toBe('南京科技馆二楼报告厅');
  });

  it('江苏省科协 accepts and exports the 汇总表 and the zip of files by unit', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, s.people.province.username, s.people.province.password);
    await page.goto(`/collect/${taskId}`);
    await page.getByTestId('collect-row').filter({ hasText: '南京' }).getByTestId('collect-open').click();
    await page.getByTestId('review-drawer').waitFor();
    await page.getByTestId('review-accept').click();
    await expect.poll(async () => (await submissionOfNanjing())?.status).toBe('accepted');
    await page.keyboard.press('Escape');

    const summary = await download(page, () => page.getByTestId('export-summary').click());
    expect(summary.name).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(summary.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const rows: string[] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).map((v) => (v === null || v === undefined ? '' : String(v))).join('|')));
    const header = rows.find((r) => r.includes('主题活动名称')) ?? '';
    expect(header).toContain('主题活动模块');
    expect(header).toContain('工作方案');
    const dataRows = rows.filter((r) => r.includes('南京市科学技术协会'));
    expect(dataRows).toHaveLength(3);
    expect(dataRows.join('\n')).toContain('南京科技馆二楼报告厅');
    expect(dataRows.join('\n')).toContain('最美科技工作者宣讲会');

    const zip = await download(page, () => page.getByTestId('export-zip').click());
    await expect.poll(() => page.getByTestId('export-progress').getAttribute('data-done')).toBe('true');
    expect(zip.name).toMatch(/\.zip$/);
    const entries = readZipDirectory(zip.body, zip.body.length)!.map((e) => e.name);
    expect(entries.some((name) => name.includes('南京') && name.endsWith('南京市科协盖章版.pdf'))).toBe(true);
    expect(noticeUrl).toMatch(/^\/notices\/\d+$/);
  });
});

/** A real one-page PDF, as a scanner would hand over. */
function stampedPdf(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4' });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(20).text('Nanjing Association for Science and Technology - stamped', 72, 72);
    doc.end();
  });
}
