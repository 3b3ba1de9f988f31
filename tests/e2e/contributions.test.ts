import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, signInThroughUi, startBrowserHarness, type BrowserHarness } from '../support/browser';
import { solidPng } from '../support/png';
import { showcaseScenario } from '../support/showcase-scenario';
import { openField } from '../../src/server/crypto/personal-data';

/**
 * 作品征集 on a 375×812 phone (the moderator at a desk): 江苏省科协 has published a call for 5·30 greetings; a member of the
 * public sends a photo and a letter without an account (a letter without consent is refused first,
 * naming the field); 江苏省科协's campaign manager approves the photo and rejects the letter in the
 * admin app; the public page then shows the photo and not the letter.
 */
describe.skipIf(!browserAvailable())('public contributions', () => {
  let h: BrowserHarness;
  let sc: Awaited<ReturnType<typeof showcaseScenario>>;
  let callId = 0;
  const phone = { width: 375, height: 812 };
  const photoTitle = '实验室里的5·30';
  const letterTitle = '致坚守一线的科技工作者';

  beforeAll(async () => {
    h = await startBrowserHarness();
    sc = await showcaseScenario(h.t.app, h.t.db, 2021);
    const created = await sc.clients.province.post(`/api/v1/showcase/campaigns/${sc.campaignId}/contribution-calls`, {
      title: '“我为科技工作者送祝福”作品征集',
      description: '面向全省青年科技工作者征集5·30祝福照片和书信。',
      kinds: ['photo', 'letter'],
      letterWordLimit: 200,
      opensAt: '2020-01-01T00:00:00+08:00',
      closesAt: '2099-12-31T00:00:00+08:00',
    });
    if (created.statusCode !== 201) throw new Error(created.body);
    callId = created.json().id;
    const published = await sc.clients.province.post(`/api/v1/contribution-calls/${callId}/publish`, { version: created.json().version });
    if (published.statusCode !== 200) throw new Error(published.body);
  });
  afterAll(() => h?.close());

  it('a member of the public sends a photo and a letter from a phone, without an account', async () => {
    const page = await h.newPage({ viewport: phone });
    await page.goto(`/contribute/${callId}`);
    await page.getByTestId('contribute-form').waitFor();
    expect(await page.getByTestId('consent-text').innerText()).toContain('仅用于通知审核结果');

    await page.getByTestId('kind-photo').check();
    await page.getByTestId('field-title').fill(photoTitle);
    await page.getByTestId('field-file').setInputFiles({ name: '实验室合影.png', mimeType: 'image/png', buffer: solidPng(1200, 800, [30, 120, 200]) });
    await page.getByTestId('field-creditName').fill('李四');
    await page.getByTestId('field-workUnit').fill('南京大学物理学院');
    await page.getByTestId('field-email').fill('li.si@example.cn');
    await page.getByTestId('field-consent').check();
    await page.getByTestId('contribute-submit').click();
    await page.getByTestId('contribute-done').waitFor();

    await page.getByTestId('contribute-another').click();
    await page.getByTestId('kind-letter').check();
    await page.getByTestId('field-title').fill(letterTitle);
    await page.getByTestId('field-letterText').fill('亲爱的科技工作者：节日快乐！感谢你们的坚守与付出。');
    await page.getByTestId('contribute-submit').click();
    expect(await page.getByTestId('error-consent').innerText()).toBe('须勾选同意公开展示后才能提交');
    await page.getByTestId('field-consent').check();
    await page.getByTestId('contribute-submit').click();
    await page.getByTestId('contribute-done').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    // Nothing is public before moderation.
    await page.goto(`/contribute/${callId}/works`);
    await page.getByTestId('works').waitFor({ state: 'attached' });
    expect(await page.getByTestId('work').count()).toBe(0);
  });

  it('loads light: no UI library, first load within 150 KB gzip', async () => {
    const page = await h.newPage({ viewport: phone });
    await page.goto(`/contribute/${callId}`);
    await page.getByTestId('contribute-form').waitFor();
    const assets = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/assets/')));
    const distDir = path.resolve('dist/web');
    const gzipBytes = assets.reduce((sum, asset) => sum + zlib.gzipSync(fs.readFileSync(path.join(distDir, asset))).length, 0);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(gzipBytes).toBeLessThanOrEqual(150 * 1024);
    expect(await page.locator('.ant-btn, .ant-form').count()).toBe(0);
  });

  it('a moderator approves the photo and rejects the letter in the admin app', async () => {
    // At a desk: the admin app's narrow layout hides the signed-in user that sign-in waits for.
    const page = await h.newPage();
    await signInThroughUi(page, sc.s.people.province.username, sc.s.people.province.password);
    await page.goto(`/campaigns/${sc.campaignId}/contributions`);
    await page.getByTestId('contributions-page').waitFor();
    await page.getByTestId('call-works').click();
    const row = (title: string) => page.locator('tr', { has: page.getByTestId('work-row-title').filter({ hasText: title }) });
    await row(photoTitle).waitFor();
    await row(photoTitle).getByTestId('work-approve').click();
    await expect.poll(() => row(photoTitle).getByTestId('work-status').innerText()).toBe('已公开');
    await row(letterTitle).getByTestId('work-reject').click();
    await page.getByTestId('reason-input').fill('书信内容与征集主题不符');
    await page.getByTestId('reason-ok').click();
    await expect.poll(() => row(letterTitle).getByTestId('work-status').innerText()).toBe('未通过');
    const mails = await h.t.db.selectFrom('mail_outbox').select(['to_address', 'subject']).where('dedupe_key', 'like', 'contribution:%').execute();
    expect(mails.map((m) => openField('mail_outbox', 'to_address', m.to_address))).toEqual(['li.si@example.cn', 'li.si@example.cn']);
  });

  it('the approved photo appears on the public page in a phone-sized copy; the rejected letter does not', async () => {
    const page = await h.newPage({ viewport: phone });
    await page.goto(`/showcase/${sc.s.jiangsu.id}/2021`);
    await page.getByTestId('column-contribution-calls').locator('a').click();
    await page.getByTestId('works-link').click();
    await page.getByTestId('work').first().waitFor();
    expect(await page.getByTestId('work-title').allInnerTexts()).toEqual([photoTitle]);
    const image = page.getByTestId('work').locator('img');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    expect(await image.evaluate((img: HTMLImageElement) => img.currentSrc)).toMatch(/w=(480|960)&format=webp/);
    const text = await page.locator('main').innerText();
    expect(text).not.toContain(letterTitle);
    expect(text).not.toContain('li.si@example.cn');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });
});
