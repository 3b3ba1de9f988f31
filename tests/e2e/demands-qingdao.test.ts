import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPersonalData } from '../../src/shared/domain/personal-data';
import { startDemandScheduler } from '../../src/server/features/demands/service';
import { browserAvailable, signInThroughUi, startBrowserHarness, type BrowserHarness } from '../support/browser';
import { createUser, regionalUnit } from '../support/factories';

/**
 * The demands desk in Qingdao: a 科技工作者 submits a demand on a phone (375×812) for 崂山区 — a
 * form with errors first, named under the fields — and keeps the lookup code; it reaches 崂山区科协,
 * which accepts it and then misses the reply limit; the scheduler (driven with a clock, two
 * processes at once) escalates it once to 青岛市科协, which answers it in the desk; the submitter
 * follows it with the code and rates it once. No contact detail appears on any public page.
 */
describe.skipIf(!browserAvailable())('demands desk: 崂山区 → 青岛市科协', () => {
  const phone = { width: 375, height: 812 };
  const contact = { name: '赵晓青', phone: '13788889999', email: 'zhao.xq@example.cn' };
  const description = '我是崂山区一家海洋科技企业的研发工程师，企业所在园区没有职称评审渠道，申报中级职称无门，希望科协帮助协调。';
  let h: BrowserHarness;
  let laoshan: { username: string; password: string };
  let qingdao: { username: string; password: string };
  let qingdaoId = 0;
  let laoshanId = 0;
  let code = '';
  let demandId = 0;
  const publicBodies: string[] = [];
  const publicPages: string[] = [];

  beforeAll(async () => {
    h = await startBrowserHarness();
    laoshanId = (await regionalUnit(h.t.db, '370212')).id;
    qingdaoId = (await regionalUnit(h.t.db, '3702')).id;
    laoshan = await createUser(h.t.db, laoshanId, ['contact'], { username: `laoshan-${Date.now() % 100000}` });
    qingdao = await createUser(h.t.db, qingdaoId, ['campaign_manager'], { username: `qingdao-${Date.now() % 100000}` });
  });
  afterAll(() => h?.close());

  const publicPage = async () => {
    const page = await h.newPage({ viewport: phone });
    page.on('response', (response) => {
      if (!response.url().includes('/api/v1/public/')) return;
      void response
        .text()
        .then((body) => publicBodies.push(body))
        .catch(() => undefined);
    });
    return page;
  };
  const keepHtml = async (page: Page) => publicPages.push(await page.locator('body').innerText());

  it('a 科技工作者 submits a demand for 崂山区 on a phone and gets a lookup code', async () => {
    const page = await publicPage();
    await page.goto('/demands');
    await page.getByTestId('demand-form').waitFor();
    // Submitting an empty form names what is missing under each field.
    await page.getByTestId('demand-submit').click();
    await expect.poll(() => page.getByTestId('demand-error-category').innerText()).toBe('请选择诉求类别');
    await expect.poll(() => page.getByTestId('demand-error-regionCode').innerText()).toBe('请选择所在地区');
    await page.getByTestId('demand-category').selectOption('title_review');
    await page.getByTestId('demand-region-0').selectOption('37');
    await page.getByTestId('demand-region-1').selectOption('3702');
    await page.getByTestId('demand-region-2').selectOption('370212');
    await page.getByTestId('demand-description').fill(description);
    await expect.poll(() => page.getByTestId('demand-word-count').innerText()).toMatch(/^\d+ \/ 1000 字$/);
    await page.getByTestId('demand-contact-name').fill(contact.name);
    await page.getByTestId('demand-contact-phone').fill(contact.phone);
    await page.getByTestId('demand-contact-email').fill('zhao.xq@');
    await page.getByTestId('demand-consent').check();
    await page.getByTestId('demand-submit').click();
    // The server refuses the malformed e-mail, naming the field in Chinese.
    await expect.poll(() => page.getByTestId('demand-error-contactEmail').innerText()).toContain('电子邮箱');
    await page.getByTestId('demand-contact-email').fill(contact.email);
    await page.getByTestId('demand-submit').click();
    await page.getByTestId('demand-receipt').waitFor();
    expect(await page.getByTestId('demand-receipt').innerText()).toContain('已转至崂山区科协办理');
    expect(await page.getByTestId('demand-keep-code').innerText()).toContain('只显示这一次');
    const shown = await page.getByTestId('demand-code').innerText();
    expect(shown).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    code = shown.replace(/-/g, '');
    // The page fits the phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await keepHtml(page);
    const row = await h.t.db.selectFrom('demands').select(['id', 'unit_id']).where('code', '=', code).executeTakeFirstOrThrow();
    expect(row.unit_id).toBe(laoshanId);
    demandId = row.id;
  });

  it('reaches 崂山区科协, which accepts it in the desk', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, laoshan.username, laoshan.password);
    await page.getByTestId('nav-demands').click();
    await page.getByTestId('demands-page').waitFor();
    await page.getByTestId('demand-row-link').first().click();
    await page.getByTestId('demand-page').waitFor();
    await expect.poll(() => page.getByTestId('demand-detail-unit').innerText()).toBe('崂山区科协');
    // The handling unit sees the contact to reply to.
    expect(await page.getByTestId('demand-detail-contact').innerText()).toContain(contact.phone);
    await page.getByTestId('demand-accept').click();
    await expect.poll(() => page.getByTestId('demand-detail-status').innerText()).toBe('办理中');
  });

  it('misses its reply limit and escalates once to 青岛市科协 (scheduler driven by a clock, two at once)', async () => {
    // Ten days pass: the demand's times move back as if it had arrived ten days ago.
    await sql`update demands set submitted_at = submitted_at - interval '10 days', arrived_at = arrived_at - interval '10 days',
      accepted_at = accepted_at - interval '10 days', accept_due_at = accept_due_at - interval '10 days',
      reply_due_at = reply_due_at - interval '10 days', first_reply_due_at = first_reply_due_at - interval '10 days' where id = ${demandId}`.execute(h.t.db);
    const clock = new Date();
    const first = startDemandScheduler(h.t.db, h.baseUrl, () => {}, { now: () => clock, intervalMs: 50 });
    const second = startDemandScheduler(h.t.db, h.baseUrl, () => {}, { now: () => clock, intervalMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await Promise.all([first.stop(), second.stop()]);
    const row = await h.t.db.selectFrom('demands').select(['unit_id', 'escalations', 'status']).where('id', '=', demandId).executeTakeFirstOrThrow();
    expect(row).toEqual({ unit_id: qingdaoId, escalations: 1, status: 'submitted' });
    const notes = await h.t.db.selectFrom('notifications').select('title').where('unit_id', '=', qingdaoId).where('link', '=', `/demand-desk/${demandId}`).execute();
    expect(notes).toHaveLength(1);
  });

  it('青岛市科协 answers it in the desk', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, qingdao.username, qingdao.password);
    await page.goto(`/demand-desk/${demandId}`);
    await page.getByTestId('demand-page').waitFor();
    await expect.poll(() => page.getByTestId('demand-detail-unit').innerText()).toBe('青岛市科协');
    expect(await page.getByTestId('demand-history-entry').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining('超过办理时限，已升级至青岛市科协督办')]),
    );
    await page.getByTestId('demand-answer-text').fill('已协调市人社局：崂山区企业研发人员可经区科协推荐参加市级中级职称评审，请关注市人社局 6 月通知。');
    await page.getByTestId('demand-answer-submit').click();
    await expect.poll(() => page.getByTestId('demand-detail-status').innerText()).toBe('已答复');
    await page.getByTestId('demand-case-editor').waitFor();
    // The statistics of 青岛's subtree count it: received 1, answered late (0 on time), resolved 1.
    await page.getByTestId('demand-back-link').click();
    await page.getByTestId('demand-statistics-link').click();
    await page.getByTestId('demand-statistics-totals').waitFor();
    const totals = await page.getByTestId('demand-statistics-totals').innerText();
    expect(totals).toMatch(/收到\s*1/);
    expect(totals).toMatch(/按时首次答复\s*0/);
    expect(totals).toMatch(/已办结\s*1/);
    expect(await page.getByTestId('demand-statistics-regions').innerText()).toContain('崂山区');
    await page.getByTestId('demand-statistics-chart').locator('canvas').first().waitFor();
  });

  it('the submitter follows it with the code and rates it once; no contact on any public page', async () => {
    const page = await publicPage();
    await page.goto('/demands/track');
    await page.getByTestId('demand-lookup').fill(`${code.slice(0, 4).toLowerCase()}-${code.slice(4, 8)} ${code.slice(8)}`);
    await page.getByTestId('demand-lookup-submit').click();
    await page.getByTestId('demand-status').waitFor();
    const kinds = await page.getByTestId('demand-timeline').locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')));
    expect(kinds).toEqual(['submitted', 'accepted', 'escalated', 'answered']);
    expect(await page.getByTestId('demand-timeline').innerText()).toContain('已升级至青岛市科协督办');
    expect(await page.getByTestId('demand-answer').innerText()).toContain('已协调市人社局');
    await page.getByTestId('demand-rate').click();
    await expect.poll(() => page.getByTestId('demand-rating-error').innerText()).toBe('请选择满意度（1–5 星）');
    await page.getByTestId('demand-star-5').click();
    await page.getByTestId('demand-rating-comment').fill('答复具体，感谢！');
    await page.getByTestId('demand-rate').click();
    await expect.poll(() => page.getByTestId('demand-rated').innerText()).toContain('5 星');
    await keepHtml(page);
    // Once: coming back shows the rating, no form.
    await page.reload();
    await page.getByTestId('demand-lookup').fill(code);
    await page.getByTestId('demand-lookup-submit').click();
    await page.getByTestId('demand-rated').waitFor();
    expect(await page.getByTestId('demand-rating-form').count()).toBe(0);
    await keepHtml(page);
    const again = await fetch(`${h.baseUrl}/api/v1/public/demands/${code}/rating`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: 1 }) });
    expect(again.status).toBe(409);
    const cases = await publicPage();
    await cases.goto('/demands/cases');
    await cases.getByTestId('demand-cases-empty').waitFor();
    await keepHtml(cases);

    expect(publicBodies.length).toBeGreaterThan(5);
    for (const text of [...publicBodies, ...publicPages]) {
      for (const value of Object.values(contact)) expect(text).not.toContain(value);
      expect(findPersonalData(text.replace(/"[a-zA-Z]*At":"[^"]*"/g, ''))).toBeNull();
    }
    const stored = await h.t.db.selectFrom('demands').select(['rating', 'contact_phone']).where('id', '=', demandId).executeTakeFirstOrThrow();
    expect(stored.rating).toBe(5);
    expect(stored.contact_phone).toMatch(/^enc:v1:/);
  });
});
