import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPersonalData } from '../../src/shared/domain/personal-data';
import { browserAvailable, launchChromium, signInThroughUi, startBrowserHarness, type BrowserHarness } from '../support/browser';
import { writeQrVideo } from '../support/qr-video';
import { anonymous } from '../support/test-app';
import { showcaseScenario } from '../support/showcase-scenario';

/**
 * Sign-ups on a phone (375×812): 南京市科协 opens sign-up for its published 科普 week with one place;
 * a visitor signs up (a wrong number first, named in Chinese under the field) and gets a code and a
 * QR code; a second visitor waits; the first cancels and the second moves up; the organiser checks
 * the second in at the door on the signed-in page. No public answer carries a name or a number.
 */
describe.skipIf(!browserAvailable())('sign-ups and check-in', () => {
  const phone = { width: 375, height: 812 };
  let h: BrowserHarness;
  let sc: Awaited<ReturnType<typeof showcaseScenario>>;
  let kepuId = 0;
  const codes: string[] = [];
  const publicBodies: string[] = [];

  beforeAll(async () => {
    h = await startBrowserHarness();
    sc = await showcaseScenario(h.t.app, h.t.db, 2021);
    kepuId = sc.activities.nanjing[0]!;
    const asked = await sc.clients.nanjing.put(`/api/v1/showcase/activities/${kepuId}/publication`, { description: '南京科技馆举办“百年回望”科普宣传周，院士专家与市民面对面，设科普讲座。' });
    expect(asked.statusCode, asked.body).toBe(200);
    const approved = await sc.clients.province.post(`/api/v1/showcase/publications/${asked.json().id}/approve`, { version: asked.json().version });
    expect(approved.statusCode, approved.body).toBe(200);
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

  const signUp = async (page: Page, name: string, mobile: string) => {
    await page.goto(`/showcase/activities/${kepuId}`);
    await page.getByTestId('signup-form').waitFor();
    await page.getByTestId('signup-name').fill(name);
    await page.getByTestId('signup-mobile').fill(mobile);
    await page.getByTestId('signup-submit').click();
  };

  it('南京市科协 opens sign-up with one place', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, sc.s.people.nanjing.username, sc.s.people.nanjing.password);
    await page.goto('/publishing');
    const row = page.locator('tr', { has: page.getByTestId('publishing-title').filter({ hasText: '“百年回望”科普宣传周' }) });
    await row.getByTestId('publishing-signups').click();
    await page.getByTestId('signups-page').waitFor();
    await page.getByTestId('signup-capacity').fill('1');
    await page.getByTestId('signup-deadline').fill('2099-05-30');
    await page.getByTestId('signup-save').click();
    await page.getByText('报名设置已保存').waitFor();
    await expect.poll(() => page.getByTestId('signup-counts').innerText()).toContain('报名中');
  });

  it('a visitor signs up on a phone and gets a code with its QR code; a second waits', async () => {
    const page = await publicPage();
    await signUp(page, '李雷', '1390000');
    await expect.poll(() => page.locator('[role="alert"]').first().innerText()).toBe('手机应为 11 位手机号码');
    await page.getByTestId('signup-mobile').fill('139 0000 0001');
    await page.getByTestId('signup-submit').click();
    await page.getByTestId('my-signup').waitFor();
    expect(await page.getByTestId('signup-status').innerText()).toBe('报名成功');
    const qr = page.getByTestId('signup-qr');
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const box = await qr.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(375);
    codes.push(await page.getByTestId('signup-code').innerText());
    expect(page.url()).toContain(`/showcase/signups/${codes[0]}`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    const second = await publicPage();
    await signUp(second, '韩梅梅', '13900000002');
    await second.getByTestId('my-signup').waitFor();
    expect(await second.getByTestId('signup-status').innerText()).toBe('候补中：第 1 位');
    codes.push(await second.getByTestId('signup-code').innerText());
    expect(await second.getByTestId('signup-qr').count()).toBe(0);
  });

  it('the first cancels with the code and the second moves up', async () => {
    const page = await publicPage();
    await page.goto(`/showcase/activities/${kepuId}`);
    await page.getByTestId('signup-code-lookup').fill(codes[0]!.toLowerCase());
    await page.getByTestId('signup-code-lookup').press('Enter');
    await page.getByTestId('my-signup').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('signup-cancel').click();
    await expect.poll(() => page.getByTestId('signup-status').innerText()).toBe('已取消');
    await page.goto(`/showcase/signups/${codes[1]}`);
    await expect.poll(() => page.getByTestId('signup-status').innerText()).toBe('报名成功');
  });

  it('the organiser checks the second in at the door; the public page counts the scale', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, sc.s.people.nanjing.username, sc.s.people.nanjing.password);
    await page.goto(`/publishing/activities/${kepuId}/signups`);
    await page.getByTestId('checkin-code').fill(codes[1]!);
    await page.getByTestId('checkin-code').press('Enter');
    await expect.poll(() => page.getByTestId('checkin-result').innerText()).toContain('韩梅梅 签到成功');
    await page.getByTestId('checkin-code').fill(codes[0]!);
    await page.getByTestId('checkin-submit').click();
    await expect.poll(() => page.getByTestId('checkin-result').innerText()).toContain('该报名已取消');
    expect(await page.getByTestId('signup-name').allInnerTexts()).toEqual(expect.arrayContaining(['李雷', '韩梅梅']));

    const visitor = await publicPage();
    await visitor.goto(`/showcase/signups/${codes[1]}`);
    await expect.poll(() => visitor.getByTestId('signup-status').innerText()).toBe('报名成功 · 已签到入场');
    await visitor.goto(`/showcase/activities/${kepuId}`);
    await expect.poll(() => visitor.getByTestId('signup-facts').innerText()).toBe('名额 1 人 · 已报名 1 人 · 候补 0 人');
    await visitor.waitForTimeout(200);
    expect(publicBodies.length).toBeGreaterThan(5);
    for (const body of publicBodies) {
      expect(findPersonalData(body)).toBeNull();
      for (const planted of ['李雷', '韩梅梅', '13900000001', '13900000002']) expect(body).not.toContain(planted);
    }
  });

  it('the organiser checks in with the camera: the attendee holds up the QR code', async () => {
    const settings = (await sc.clients.nanjing.get(`/api/v1/showcase/activities/${kepuId}/signups`)).json().settings;
    const widened = await sc.clients.nanjing.put(`/api/v1/showcase/activities/${kepuId}/signup-settings`, { enabled: true, capacity: 2, deadline: settings.deadline, version: settings.version });
    expect(widened.statusCode, widened.body).toBe(200);
    const signed = await anonymous(h.t.app).post(`/api/v1/public/showcase/activities/${kepuId}/signups`, { attendeeName: '张伟', mobile: '13900000003' });
    expect(signed.json().status).toBe('confirmed');
    const code = signed.json().code as string;

    // Chromium's fake camera shows the attendee's phone screen: the QR code of the sign-up code.
    const video = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-camera-')), 'qr.y4m');
    writeQrVideo(video, code);
    const browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
    try {
      const context = await browser.newContext({ baseURL: h.baseUrl, locale: 'zh-CN', permissions: ['camera'] });
      const page = await context.newPage();
      await signInThroughUi(page, sc.s.people.nanjing.username, sc.s.people.nanjing.password);
      // At the door the organiser holds a phone.
      await page.setViewportSize(phone);
      await page.goto(`/publishing/activities/${kepuId}/signups`);
      await page.getByTestId('camera-open').click();
      await expect.poll(() => page.getByTestId('checkin-result').innerText()).toContain('张伟 签到成功');
      // Held in front of the camera a while longer, the same code is not checked in again.
      await page.waitForTimeout(1500);
      expect(await page.getByTestId('checkin-result').innerText()).toContain('张伟 签到成功');
      await page.getByTestId('camera-close').click();
      await expect.poll(() => page.getByTestId('camera-video').count()).toBe(0);
    } finally {
      await browser.close();
    }
    const row = await h.t.db.selectFrom('activity_signups').select(['id', 'checked_in_at']).where('code', '=', code).executeTakeFirstOrThrow();
    expect(row.checked_in_at).not.toBeNull();
    const audits = await h.t.db.selectFrom('audit_log').select('id').where('action', '=', 'signup.check_in').where('target_id', '=', String(row.id)).execute();
    expect(audits).toHaveLength(1);
  });
});
