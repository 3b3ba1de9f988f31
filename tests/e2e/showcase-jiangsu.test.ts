import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPersonalData } from '../../src/shared/domain/personal-data';
import { browserAvailable, signInThroughUi, startBrowserHarness, type BrowserHarness } from '../support/browser';
import { solidPng } from '../support/png';
import { plantedPersonalData, showcaseScenario } from '../support/showcase-scenario';

/**
 * Issue 7 in the browser, as its "Done when" says: 南京市科协 asks to publish an activity (with a
 * photo) and 江苏省科协 approves it in the signed-in app; on a 375×812 phone the public Jiangsu 2021
 * column shows it under its phase and module, a search for 科普 finds it and not an unrelated one,
 * its page shows the photo, and no phone number or e-mail appears in any HTML or API response;
 * when 南京 withdraws it, it leaves the list and the search.
 */
describe.skipIf(!browserAvailable())('the Jiangsu 2021 showcase on a phone', () => {
  const phone = { width: 375, height: 812 };
  const kepu = '“百年回望”科普宣传周';
  const zuimei = '最美科技工作者宣讲会';
  let h: BrowserHarness;
  let sc: Awaited<ReturnType<typeof showcaseScenario>>;
  let columnUrl = '';
  let kepuId = 0;
  /** Every API body and HTML page the public pages received. */
  const received: { url: string; body: string }[] = [];

  beforeAll(async () => {
    h = await startBrowserHarness();
    sc = await showcaseScenario(h.t.app, h.t.db, 2021);
    columnUrl = `/showcase/${sc.s.jiangsu.id}/2021`;
    kepuId = sc.activities.nanjing[0]!;
    // An unrelated activity, published through the API: it must not answer a search for 科普.
    const asked = await sc.clients.nanjing.put(`/api/v1/showcase/activities/${sc.activities.nanjing[1]}/publication`, { description: '邀请最美科技工作者代表讲述扎根一线的奋斗故事，青年人才现场交流。' });
    expect(asked.statusCode, asked.body).toBe(200);
    const approved = await sc.clients.province.post(`/api/v1/showcase/publications/${asked.json().id}/approve`, { version: asked.json().version });
    expect(approved.statusCode, approved.body).toBe(200);
  });
  afterAll(() => h?.close());

  const record = (page: Page) =>
    page.on('response', (response: Response) => {
      const type = response.headers()['content-type'] ?? '';
      if (!type.includes('json') && !type.includes('html')) return;
      void response
        .text()
        .then((body) => received.push({ url: response.url(), body }))
        .catch(() => undefined);
    });
  const cardTitles = async (page: Page) => {
    await page.getByTestId('showcase-total').waitFor();
    return page.getByTestId('showcase-card').locator('.hj-sc-item-title').allInnerTexts();
  };

  it('南京市科协 asks to publish its 科普 week with a photo', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, sc.s.people.nanjing.username, sc.s.people.nanjing.password);
    await page.getByTestId('nav-publishing').click();
    await page.getByTestId('publishing-page').waitFor();
    const row = page.locator('tr', { has: page.getByTestId('publishing-title').filter({ hasText: kepu }) });
    await row.getByTestId('publishing-request').click();
    await page.getByTestId('publication-description').fill('南京科技馆举办“百年回望”科普宣传周，院士专家与市民面对面，展出百年科技成就图片两百余幅。');
    await page.locator('.ant-modal input[type=file]').setInputFiles({ name: '开幕式.png', mimeType: 'image/png', buffer: solidPng(640, 360) });
    await page.getByTestId('publication-photo').filter({ hasText: '开幕式.png' }).waitFor();
    await page.getByTestId('publication-submit').click();
    await expect.poll(() => row.getByTestId('publishing-status').innerText()).toBe('待审核');
  });

  it('江苏省科协 approves it; the public column shows it at once', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, sc.s.people.province.username, sc.s.people.province.password);
    await page.getByTestId('nav-publishing-review').click();
    const item = page.locator(`[data-testid="review-item"][data-activity-id="${kepuId}"]`);
    await item.getByTestId('review-approve').click();
    await expect.poll(() => item.count()).toBe(0);
    const audit = await h.t.db.selectFrom('audit_log').select('action').where('action', '=', 'showcase.approve').where('actor_user_id', '=', sc.s.people.province.id).execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
  });

  it('at 375 px the Jiangsu 2021 page shows it under its phase and module, and 科普 finds it alone', async () => {
    const page = await h.newPage({ viewport: phone });
    record(page);
    await page.goto(columnUrl);
    await page.getByTestId('column-heading').waitFor();
    expect(await page.title()).toContain('2021');
    expect(await cardTitles(page)).toEqual(expect.arrayContaining([kepu, zuimei]));
    const card = page.getByTestId('showcase-card').filter({ hasText: kepu });
    expect(await card.getByTestId('card-phase').innerText()).toBe('第一阶段');
    expect(await card.getByTestId('card-module').allInnerTexts()).toEqual(['团结引领', '为民服务']);
    expect(await page.getByTestId('phase-p1').innerText()).toContain('1 项活动');
    // Under its phase: the phase link filters the list to it.
    await page.getByTestId('phase-p1').locator('a').click();
    expect(await cardTitles(page)).toEqual([kepu]);
    // Nothing wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);

    await page.goto(columnUrl);
    await page.getByTestId('showcase-q').fill('科普');
    await page.getByTestId('showcase-search').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('科普');
    await expect.poll(() => cardTitles(page)).toEqual([kepu]);
    // The address is shareable: opened afresh it keeps the search.
    const shared = page.url();
    const other = await h.newPage({ viewport: phone });
    record(other);
    await other.goto(shared);
    expect(await cardTitles(other)).toEqual([kepu]);
    expect(await other.getByTestId('showcase-q').inputValue()).toBe('科普');

    // The initial download of the public page, for the record (the app's admin bundle is not loaded).
    const scripts = await other.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => /\.js(\?|$)/.test(e.name))
        .map((e) => ({ name: e.name.split('/').pop() ?? '', bytes: (e as PerformanceResourceTiming).encodedBodySize })),
    );
    expect(scripts.some((s) => s.name.startsWith('app-main'))).toBe(false);
    expect(scripts.some((s) => /^antd|ant-design/.test(s.name))).toBe(false);
    console.info(`showcase initial scripts: ${scripts.map((s) => `${s.name} ${s.bytes}`).join(', ')}; total ${scripts.reduce((n, s) => n + s.bytes, 0)} bytes`);
  });

  it('its page shows the photo, and no phone number or e-mail anywhere in the HTML or API responses', async () => {
    const page = await h.newPage({ viewport: phone });
    record(page);
    await page.goto(columnUrl);
    await page.getByTestId('showcase-card').filter({ hasText: kepu }).locator('a').click();
    await page.getByTestId('showcase-activity').waitFor();
    expect(await page.getByTestId('activity-title').innerText()).toBe(kepu);
    expect(await page.getByTestId('activity-phase').innerText()).toBe('第一阶段');
    const photo = page.getByTestId('activity-photo').first();
    await photo.scrollIntoViewIfNeeded();
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    // A 375 px phone takes the 480 px WebP copy (srcset), not the 640 px original.
    const source = new URL(await photo.evaluate((img: HTMLImageElement) => img.currentSrc));
    expect(Object.fromEntries(source.searchParams)).toEqual({ w: '480', format: 'webp' });
    expect((await photo.boundingBox())!.width).toBeLessThanOrEqual(phone.width);
    // A shared link carries its title for previews without script.
    const raw = await (await page.request.get(`/showcase/activities/${kepuId}`)).text();
    expect(raw).toContain(`<meta property="og:title" content="${kepu}" />`);
    received.push({ url: 'raw activity html', body: raw });
    received.push({ url: 'rendered activity page', body: await page.content() });

    expect(received.filter((r) => r.url.includes('/api/v1/public/showcase')).length).toBeGreaterThanOrEqual(4);
    for (const { url, body } of received) {
      expect(findPersonalData(body), url).toBeNull();
      for (const planted of plantedPersonalData) expect(body, url).not.toContain(planted);
    }
  });

  it('withdrawing it removes it from the list and the search at once', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, sc.s.people.nanjing.username, sc.s.people.nanjing.password);
    await page.goto('/publishing');
    const row = page.locator('tr', { has: page.getByTestId('publishing-title').filter({ hasText: kepu }) });
    await expect.poll(() => row.getByTestId('publishing-status').innerText()).toBe('已发布');
    await row.getByTestId('publishing-withdraw').click();
    await page.getByTestId('withdraw-reason').fill('活动延期举办');
    await page.getByTestId('withdraw-confirm').click();
    await expect.poll(() => row.getByTestId('publishing-status').innerText()).toBe('已撤下');

    const pub = await h.newPage({ viewport: phone });
    await pub.goto(columnUrl);
    expect(await cardTitles(pub)).toEqual([zuimei]);
    await pub.goto(`${columnUrl}?q=${encodeURIComponent('科普')}`);
    expect(await cardTitles(pub)).toEqual([]);
    expect(await pub.getByTestId('showcase-total').innerText()).toBe('没有符合条件的活动');
    await pub.goto(`/showcase/activities/${kepuId}`);
    expect(await pub.getByTestId('showcase-error').innerText()).toContain('没有找到');
  });
});
