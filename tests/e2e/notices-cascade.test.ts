import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, signInThroughUi, startBrowserHarness, type BrowserHarness } from '../support/browser';
import { convertWithLibreOffice, libreOfficeAvailable, pdfToText, pdfToTextAvailable } from '../support/libreoffice';
import { shandongScenario } from '../support/seed-scenarios';

/**
 * Issue 3 in the browser, as the shandong-yantai-2021 seed happened: 山东省科协 creates the 2021
 * campaign and notice; 烟台市科协 signs for it and forwards it with its own earlier deadline (a later
 * one is refused); 芝罘区科协 signs; the province sees the cascade; the notice downloads as .docx
 * and .pdf that LibreOffice and poppler read.
 */
describe.skipIf(!browserAvailable())('the Shandong → Yantai cascade in the browser', () => {
  let h: BrowserHarness;
  let s: Awaited<ReturnType<typeof shandongScenario>>;
  let noticeUrl = '';
  beforeAll(async () => {
    h = await startBrowserHarness();
    s = await shandongScenario(h.t.db);
  });
  afterAll(() => h?.close());

  const typeDate = async (page: Page, testId: string, date: string) => {
    const input = page.getByTestId(testId);
    await input.click();
    await input.fill(date);
    await input.press('Enter');
  };

  const fieldError = (page: Page) => page.locator('.ant-form-item-explain-error');

  it('山东省科协 creates the 2021 campaign', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, s.people.shandongManager.username, s.people.shandongManager.password);
    await page.goto('/campaigns');
    await page.getByTestId('campaign-create').waitFor();
    // The 2021 festival: the new-campaign page takes the year from its address.
    await page.goto('/campaigns/new?year=2021');
    const form = page.getByTestId('campaign-form');
    await form.waitFor();
    await expect.poll(() => page.locator('#theme').inputValue()).not.toBe('');
    await page.locator('#theme').fill('众心向党，自立自强');
    await page.getByTestId('campaign-save').click();
    await page.getByTestId('campaign-title').waitFor();
    await expect.poll(() => page.getByTestId('campaign-title').innerText()).toContain('2021');
    const saved = await h.t.db.selectFrom('campaigns').selectAll().where('unit_id', '=', s.shandong.id).executeTakeFirstOrThrow();
    expect(saved.theme).toBe('众心向党，自立自强');
    expect(saved.modules).toHaveLength(5);
  });

  it('山东省科协 issues the notice to its six kinds of addressee, plans by 5月10日 and reports by 6月10日', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, s.people.shandongManager.username, s.people.shandongManager.password);
    await page.goto('/notices/new');
    await page.getByTestId('notice-form').waitFor();
    // A malformed 文号 and a missing title are refused field by field.
    await page.locator('#documentNumber').fill('鲁科协2021年12号');
    await page.getByTestId('notice-save').click();
    await fieldError(page).first().waitFor();
    const errors = await fieldError(page).allInnerTexts();
    expect(errors.join(' ')).toMatch(/文号格式应为|机关代字〔年份〕序号号/);
    expect(errors.join(' ')).toMatch(/标题/);
    expect(await h.t.db.selectFrom('notices').select('id').where('issuer_unit_id', '=', s.shandong.id).execute()).toEqual([]);

    await page.locator('#documentNumber').fill('鲁科协发〔2021〕12号');
    await page.locator('#title').fill('关于印发《2021年山东省“全国科技工作者日”活动实施方案》的通知');
    for (const type of ['regional_association', 'learned_society', 'enterprise_association', 'university_association', 'internal_department', 'affiliated_institution']) {
      await page.getByTestId(`addressee-rule-${type}`).check();
    }
    await expect.poll(() => page.getByTestId('addressee-count').innerText()).toContain('23');
    await page.getByTestId('notice-body-editor').click();
    await page.keyboard.type('2021年5月30日是第5个“全国科技工作者日”。请各有关单位按照实施方案要求，统筹制定活动方案。');
    await page.getByTestId('task-add').click();
    await page.getByTestId('tasks.0.title').fill('择优精选1-2项特色亮点活动方案');
    await typeDate(page, 'tasks.0.deadline', '2021-05-10');
    await page.getByTestId('task-add').click();
    await page.getByTestId('tasks.1.title').fill('特色亮点活动情况和活动总结报告');
    await typeDate(page, 'tasks.1.deadline', '2021-06-10');
    await page.getByTestId('notice-save').click();
    await page.getByTestId('notice-issue').click();
    await page.getByTestId('notice-view').waitFor();
    await expect.poll(() => page.getByTestId('notice-status').innerText()).toMatch(/已发|issued/);
    noticeUrl = new URL(page.url()).pathname;
    expect(await page.getByTestId('notice-document-number').innerText()).toContain('鲁科协发〔2021〕12号');
  });

  it('烟台市科协 signs for it and forwards it with its own deadline, refused when later than upstream', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, s.people.yantaiManager.username, s.people.yantaiManager.password);
    await page.goto('/inbox');
    await page.getByTestId('inbox-link').filter({ hasText: '2021年山东省' }).first().click();
    await page.getByTestId('notice-view').waitFor();
    await page.getByTestId('notice-acknowledge').click();
    await expect.poll(() => page.getByTestId('notice-receipt').innerText()).toMatch(/签收/);
    await page.getByTestId('notice-forward').click();
    await page.getByTestId('notice-form').waitFor();
    await expect.poll(() => page.getByTestId('task-upstream-deadline').first().innerText()).toContain('2021年5月10日');
    await page.locator('#documentNumber').fill('烟科协发〔2021〕8号');
    await page.getByTestId('addressee-rule-learned_society').check();
    await page.getByTestId('addressee-rule-regional_association').check();
    await typeDate(page, 'tasks.1.deadline', '2021-06-12');
    await page.getByTestId('notice-save').click();
    await fieldError(page).first().waitFor();
    expect((await fieldError(page).allInnerTexts()).join(' ')).toMatch(/晚于上级通知规定的截止时间/);
    await typeDate(page, 'tasks.1.deadline', '2021-06-05');
    await page.getByTestId('notice-save').click();
    await page.getByTestId('notice-issue').click();
    await page.getByTestId('notice-view').waitFor();
    await expect.poll(() => page.getByTestId('notice-upstream').innerText()).toContain('鲁科协发〔2021〕12号');
  });

  it('a county signs for the forward', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, s.people.zhifuContact.username, s.people.zhifuContact.password);
    await page.goto('/inbox');
    await page.getByTestId('inbox-link').filter({ hasText: '转发' }).first().click();
    await page.getByTestId('notice-acknowledge').click();
    await expect.poll(() => page.getByTestId('notice-receipt').innerText()).toMatch(/签收/);
  });

  it('山东省科协 sees the cascade with the right counts and downloads the notice', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, s.people.shandongManager.username, s.people.shandongManager.password);
    await page.goto(noticeUrl);
    await page.getByTestId('notice-cascade-link').click();
    await page.getByTestId('cascade-table').waitFor();
    const viaYantai = s.counties.length + s.yantaiSocieties.length;
    const totals = await page.getByTestId('cascade-totals').innerText();
    expect(totals).toContain(String(23 + viaYantai));
    expect(totals).toMatch(/已签收\D*2/);
    expect(totals).toMatch(/已转发\D*1/);

    await page.goto(noticeUrl);
    const download = async (testId: string): Promise<Buffer> => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
      const stream = await (file as Download).createReadStream();
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    };
    const docx = await download('notice-download-docx');
    const pdf = await download('notice-download-pdf');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    if (libreOfficeAvailable()) {
      const text = (await pdfToText(await convertWithLibreOffice(docx, 'docx', 'pdf'))).replace(/\s+/g, '');
      expect(text).toContain('山东省科学技术协会');
      expect(text).toContain('鲁科协发〔2021〕12号');
      expect(text).toContain('各市科协，各省级学会，各企业科协，各高校科协，');
      expect(text).toContain('机关各部室');
      expect(text).toContain('各直属单位：');
    }
    if (pdfToTextAvailable()) expect((await pdfToText(pdf)).replace(/\s+/g, '')).toContain('鲁科协发〔2021〕12号');
  });
});
