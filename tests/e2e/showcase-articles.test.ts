import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, signInThroughUi, startBrowserHarness, type BrowserHarness } from '../support/browser';
import { showcaseScenario } from '../support/showcase-scenario';

/**
 * Articles: 江苏省科协's campaign manager writes 致全省科技工作者的一封信 in the rich-text editor and
 * publishes it; on a 375×812 phone the Jiangsu 2021 column lists it and its page shows the text.
 */
describe.skipIf(!browserAvailable())('column articles', () => {
  let h: BrowserHarness;
  let sc: Awaited<ReturnType<typeof showcaseScenario>>;
  const title = '致全省科技工作者的一封信';

  beforeAll(async () => {
    h = await startBrowserHarness();
    sc = await showcaseScenario(h.t.app, h.t.db, 2021);
  });
  afterAll(() => h?.close());

  it('a campaign manager writes and publishes a letter', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, sc.s.people.province.username, sc.s.people.province.password);
    await page.goto(`/campaigns/${sc.campaignId}`);
    await page.getByTestId('campaign-articles').click();
    await page.getByTestId('articles-page').waitFor();
    await page.getByTestId('article-new').click();
    await page.getByTestId('article-kind').click();
    await page.locator('.ant-select-item-option', { hasText: '致科技工作者的一封信' }).click();
    await page.getByTestId('article-title-input').fill(title);
    await page.getByTestId('article-summary').fill('值此全国科技工作者日之际，致以节日问候。');
    const editor = page.locator('.ProseMirror');
    await editor.click();
    await page.keyboard.type('亲爱的科技工作者：值此节日之际，向你们致以崇高敬意！');
    await page.getByTestId('article-save').click();
    await expect.poll(() => page.getByTestId('article-row-title').allInnerTexts()).toEqual([title]);
    await page.getByTestId('article-publish').click();
    await expect.poll(() => page.getByTestId('article-status').innerText()).toBe('已发布');
  });

  it('shows on the public column and its own page on a phone', async () => {
    const page = await h.newPage({ viewport: { width: 375, height: 812 } });
    await page.goto(`/showcase/${sc.s.jiangsu.id}/2021`);
    await page.getByTestId('column-articles').waitFor();
    await page.getByTestId('article-card').filter({ hasText: title }).locator('a').click();
    await page.getByTestId('showcase-article').waitFor();
    expect(await page.getByTestId('article-title').innerText()).toBe(title);
    expect(await page.getByTestId('article-body').innerText()).toContain('向你们致以崇高敬意');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });
});
