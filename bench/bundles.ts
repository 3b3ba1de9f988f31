import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildApp, webDistDir } from '../src/server/app';
import { huijuVersion, prepareDatabase } from '../src/server/bootstrap';
import { loadConfig } from '../src/server/config';
import { openPGlite } from '../src/server/db/database';
import { LocalFileStore } from '../src/server/storage/file-store';
import { adminPassword } from './generate';
import type { BenchResult } from './report';

/**
 * Front-end weight (issue 8): the JavaScript and CSS a browser fetches on the first load of a page,
 * measured in Chromium against the built app (`npm run build` first), each file counted at its gzip
 * size (level 9, as the server's precompressed twins). Public pages at 375×812, as a phone in WeChat
 * opens them; the admin app at its first route for a visitor (the sign-in page).
 */
const publicLimitKb = 150;
const adminLimitKb = 600;

const pages: { name: string; url: string; phone: boolean; limitKb: number }[] = [
  { name: 'public column list /showcase', url: '/showcase', phone: true, limitKb: publicLimitKb },
  { name: 'public column home /showcase/:unit/:year', url: '/showcase/1/2026', phone: true, limitKb: publicLimitKb },
  { name: 'public activity page /showcase/activities/:id', url: '/showcase/activities/1', phone: true, limitKb: publicLimitKb },
  { name: 'public gallery /gallery/:id', url: '/gallery/1', phone: true, limitKb: publicLimitKb },
  { name: 'public 公示 page /publicity/:id', url: '/publicity/1', phone: true, limitKb: publicLimitKb },
  { name: 'admin app first route /signin', url: '/signin', phone: false, limitKb: adminLimitKb },
];

const gzipSizes = new Map<string, number>();
function gzipSize(file: string): number {
  let size = gzipSizes.get(file);
  if (size === undefined) {
    size = zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
    gzipSizes.set(file, size);
  }
  return size;
}

export async function benchBundles(): Promise<BenchResult[]> {
  if (!fs.existsSync(path.join(webDistDir, 'index.html'))) throw new Error('bench/bundles.ts measures the built app: run `npm run build` first');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-bench-bundles-'));
  const handle = await openPGlite(undefined);
  const config = loadConfig({ HUIJU_DATA_DIR: dataDir, LOG_LEVEL: 'silent', HUIJU_ADMIN_PASSWORD: adminPassword });
  await prepareDatabase(handle.db, config);
  const app = await buildApp({ db: handle.db, databaseKind: handle.kind, config, version: huijuVersion, files: new LocalFileStore(path.join(dataDir, 'files')) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseURL = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.HUIJU_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const results: BenchResult[] = [];
  try {
    for (const page of pages) {
      const context = await browser.newContext({ baseURL, viewport: page.phone ? { width: 375, height: 812 } : { width: 1400, height: 900 }, isMobile: page.phone });
      const tab = await context.newPage();
      const assets = new Set<string>();
      tab.on('request', (request) => {
        const { pathname } = new URL(request.url());
        if (/^\/assets\/[^/]+\.(js|css)$/.test(pathname)) assets.add(pathname);
      });
      await tab.goto(page.url, { waitUntil: 'networkidle' });
      const kb = [...assets].reduce((sum, asset) => sum + gzipSize(path.join(webDistDir, asset)), 0) / 1024;
      console.log(`[bench] ${page.name}: ${kb.toFixed(1)} KB gzip in ${[...assets].map((a) => `${path.basename(a)} ${(gzipSize(path.join(webDistDir, a)) / 1024).toFixed(1)}`).join(", ")}`);
      results.push({ name: `first load, JS + CSS, ${page.name} (${assets.size} files)`, unit: 'KB gzip', median: kb, min: kb, max: kb, target: `≤ ${page.limitKb} KB`, met: kb <= page.limitKb });
      await context.close();
    }
  } finally {
    await browser.close();
    await app.close();
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}
