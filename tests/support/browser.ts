import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { webDistDir } from '../../src/server/app';
import type { Db } from '../../src/server/db/database';
import { createTestApp, freshTotpCode, type TestApp } from './test-app';
import { testAdmin } from './template';

export const chromiumPath = process.env.HUIJU_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Whether browser tests can run here. Without Chromium they are skipped, unless
 * HUIJU_REQUIRE_BROWSER=1 (as in CI), where a missing browser or web build is a failure.
 */
export function browserAvailable(): boolean {
  const ready = fs.existsSync(chromiumPath) && fs.existsSync(`${webDistDir}/index.html`);
  if (!ready && process.env.HUIJU_REQUIRE_BROWSER === '1') {
    throw new Error(`Browser tests are required but ${fs.existsSync(chromiumPath) ? 'dist/web is not built' : `${chromiumPath} is missing`}`);
  }
  return ready;
}

export interface BrowserHarness {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with the flags this machine needs (and any the test adds). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** The database of the running harness, for answering the authenticator step of a sign-in. */
let harnessDb: Db | null = null;

/** A listening server on a fresh copy of the test database, and a headless Chromium. */
export async function startBrowserHarness(): Promise<BrowserHarness> {
  const t = await createTestApp({ serveWeb: true });
  harnessDb = t.db;
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  const browser = await launchChromium();
  const pages: Page[] = [];
  return {
    t,
    baseUrl,
    browser,
    newPage: async (options = {}) => {
      const context = await browser.newContext({ baseURL: baseUrl, locale: 'zh-CN', viewport: options.viewport ?? { width: 1400, height: 900 } });
      const page = await context.newPage();
      // An error in the page's console fails the test that caused it.
      page.on('pageerror', (error) => {
        throw error;
      });
      pages.push(page);
      return page;
    },
    close: async () => {
      await browser.close();
      await t.close();
    },
  };
}

/**
 * Signs in through the real sign-in page and waits for the outcome: the signed-in layout, the
 * forced password change or authenticator set-up, or the page's error message. When the page asks
 * for the authenticator code (an account enrolled with testTotpSecret), it types a fresh one.
 */
export async function signInThroughUi(page: Page, username = testAdmin.username, password = testAdmin.password) {
  await page.goto('/signin');
  await page.getByTestId('signin-username').fill(username);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
  const outcome = '[data-testid="current-user"], [data-testid="signin-error"], [data-testid="change-password-form"], [data-testid="totp-enrolment-required"]';
  await page.locator(`${outcome}, [data-testid="signin-totp"]`).first().waitFor();
  if ((await page.getByTestId('signin-totp').count()) > 0) {
    if (!harnessDb) throw new Error('signInThroughUi: no browser harness is running to produce the authenticator code');
    await page.getByTestId('signin-totp').fill(await freshTotpCode(harnessDb, username));
    await page.getByTestId('signin-totp-submit').click();
    await page.locator(outcome).first().waitFor();
  }
}

export type { FastifyInstance };
