import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserAvailable, signInThroughUi, startBrowserHarness, type BrowserHarness } from '../support/browser';
import { createUser, regionalUnit } from '../support/factories';
import { solidPng } from '../support/png';
import { signIn } from '../support/test-app';

/**
 * 最美科技工作者 nominations in the browser: 南京市科协 nominates a person with a photo, sees the
 * 字数 count live and is refused over 1,500 字, submits within the quota; 江苏省科协 sees the person.
 */
describe.skipIf(!browserAvailable())('nominating a 最美科技工作者 in the browser', () => {
  let h: BrowserHarness;
  let taskId = 0;
  let nanjingUser: { username: string; password: string };
  let provinceUser: { username: string; password: string };
  const photo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-nomination-')), '李华.png');

  beforeAll(async () => {
    h = await startBrowserHarness();
    const jiangsu = await regionalUnit(h.t.db, '32');
    const nanjing = await regionalUnit(h.t.db, '3201');
    provinceUser = await createUser(h.t.db, jiangsu.id, ['campaign_manager']);
    nanjingUser = await createUser(h.t.db, nanjing.id, ['contact']);
    const province = await signIn(h.t.app, provinceUser.username, provinceUser.password);
    const draft = await province.post('/api/v1/notices', {
      issuerUnitId: jiangsu.id,
      documentNumber: '苏科协发〔2027〕61号',
      title: '关于推荐2027年江苏“最美科技工作者”人选的通知',
      addresseeRules: [{ kind: 'units_of_type', unitType: 'regional_association', level: 'city', scope: 'children' }],
      tasks: [{ title: '推荐“最美科技工作者”人选', deadline: '2027-04-20', recommendationQuota: { default: { min: 0, max: 1 }, byUnitType: {} } }],
    });
    const issued = await province.post(`/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
    taskId = issued.json().tasks[0].id;
    fs.writeFileSync(photo, solidPng(90, 120));
  });
  afterAll(() => h?.close());

  it('南京市科协 nominates a person with a photo, held to 1,500 字, and submits within its quota', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, nanjingUser.username, nanjingUser.password);
    await page.goto(`/tasks/${taskId}`);
    await page.getByTestId('nominations-open').click();
    await page.getByTestId('nominations-page').waitFor();
    await expect.poll(() => page.getByTestId('nominations-quota').innerText()).toBe('南京市科协已报送 0 名，限额 1 名');

    await page.getByTestId('nomination-add').click();
    await page.getByTestId('nomination-personName').fill('李华');
    await page.getByTestId('nomination-birthYear').fill('1979');
    await page.getByTestId('nomination-workUnit').fill('南京大学');
    await page.getByTestId('nomination-discipline').fill('材料科学');
    await page.getByTestId('nomination-jobTitle').fill('教授');
    await page.getByTestId('nomination-achievements').fill('科'.repeat(1501));
    await expect.poll(() => page.getByTestId('nomination-words').innerText()).toContain('已写 1501 字');
    await page.getByTestId('nomination-photo-upload').locator('..').locator('input[type=file]').setInputFiles(photo);
    await page.getByTestId('nomination-photo').waitFor();
    await page.getByTestId('nomination-save').click();
    await expect.poll(() => page.getByTestId('nomination-row').count()).toBe(1);

    // Submitting 1,501 字 is refused, naming the field.
    await page.getByTestId('nomination-submit').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toMatch(/主要事迹/);
    await page.getByTestId('nomination-edit').click();
    await page.getByTestId('nomination-achievements').fill('长期扎根基层开展科普工作，组织院士专家报告会百余场。'.repeat(5));
    await expect.poll(() => page.getByTestId('nomination-words').innerText()).toContain('已写 130 字');
    await page.getByTestId('nomination-save').click();
    await expect.poll(() => page.getByTestId('nomination-row').getAttribute('data-status')).toBe('draft');
    await page.getByTestId('nomination-submit').click();
    await expect.poll(() => page.getByTestId('nomination-row').getAttribute('data-status')).toBe('submitted');
    await expect.poll(() => page.getByTestId('nominations-quota').innerText()).toBe('南京市科协已报送 1 名，限额 1 名');
  });

  it('江苏省科协 sees the submitted person with the photo', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, provinceUser.username, provinceUser.password);
    await page.goto(`/tasks/${taskId}/nominations`);
    await expect.poll(() => page.getByTestId('nomination-row').count()).toBe(1);
    const row = page.getByTestId('nomination-row');
    await expect.poll(() => row.innerText()).toMatch(/李华[\s\S]*南京市科协[\s\S]*南京大学[\s\S]*已报送/);
    // The photo is served to the collector (an image the browser decoded).
    await expect.poll(() => row.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(90);
    await expect.poll(() => page.getByTestId('nomination-add').count()).toBe(0);
  });

  it('after the round is announced, the public gallery shows the person on a phone, without personal data', async () => {
    // The round itself is walked through in the evaluation tests: here it runs through the API.
    const province = await signIn(h.t.app, provinceUser.username, provinceUser.password);
    const jiangsu = await regionalUnit(h.t.db, '32');
    const reviewer = await createUser(h.t.db, (await regionalUnit(h.t.db, '3205')).id, ['reviewer']);
    const expert = await signIn(h.t.app, reviewer.username, reviewer.password);
    const template = (await province.post('/api/v1/campaigns/template', { unitId: jiangsu.id, year: 2027 })).json();
    const campaign = (await province.post('/api/v1/campaigns', { ...template, theme: '弘扬科学家精神' })).json();
    const round = (
      await province.post('/api/v1/evaluation-rounds', {
        unitId: jiangsu.id,
        campaignId: campaign.id,
        title: '2027年江苏“最美科技工作者”评选',
        sourceTaskId: taskId,
        categories: [{ name: '最美科技工作者', kind: 'person', places: 1 }],
        criteria: [{ name: '事迹突出', weight: 1, minScore: 0, maxScore: 100 }],
        publicityDays: 5,
      })
    ).json();
    await province.post(`/api/v1/evaluation-rounds/${round.id}/candidates/propose`);
    await province.put(`/api/v1/evaluation-rounds/${round.id}/reviewers`, { userIds: [reviewer.id], version: round.version });
    await province.post(`/api/v1/evaluation-rounds/${round.id}/stage`, { to: 'review' });
    await province.post(`/api/v1/evaluation-rounds/${round.id}/assign`, { perCandidate: 1 });
    for (const review of (await expert.get('/api/v1/my-reviews')).json()) {
      await expert.put(`/api/v1/my-reviews/${review.candidateId}/scores`, { scores: [{ criterionId: review.criteria[0].id, score: 92 }], submit: true, version: review.version });
    }
    await province.post(`/api/v1/evaluation-rounds/${round.id}/stage`, { to: 'decision' });
    const detail = (await province.get(`/api/v1/evaluation-rounds/${round.id}`)).json();
    await province.put(`/api/v1/evaluation-rounds/${round.id}/decision`, { categoryId: detail.categories[0].id, candidateIds: [detail.candidates[0].id], version: detail.version });
    await province.post(`/api/v1/evaluation-rounds/${round.id}/stage`, { to: 'publicity' });
    await h.t.db.updateTable('evaluation_rounds').set({ publicity_ends_at: new Date(Date.now() - 1000) }).where('id', '=', round.id).execute();
    expect((await province.post(`/api/v1/evaluation-rounds/${round.id}/stage`, { to: 'announced' })).json().stage).toBe('announced');

    const page = await h.newPage({ viewport: { width: 375, height: 812 } });
    // From the column home of 江苏 2027, as a visitor finds it.
    await page.goto(`/showcase/${jiangsu.id}/2027`);
    await page.getByTestId('column-gallery-link').click();
    await page.waitForURL(`**/gallery/${round.id}`);
    const person = page.getByTestId('gallery-person');
    await expect.poll(() => person.count()).toBe(1);
    await expect.poll(() => person.innerText()).toMatch(/李华[\s\S]*南京大学 · 教授 · 材料科学[\s\S]*科普工作/);
    await expect.poll(() => person.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(90);
    // The light page: no UI library, and no birth year or gender anywhere.
    expect(await page.locator('.ant-layout, .ant-btn').count()).toBe(0);
    expect(await page.content()).not.toMatch(/1979|female/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });
});
