import ExcelJS from 'exceljs';
import type { Download, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/server/app';
import { loadConfig } from '../../src/server/config';
import { startReminderScheduler } from '../../src/server/features/supervision/service';
import { startMailWorker } from '../../src/server/jobs/mail-delivery';
import { browserAvailable, signInThroughUi, startBrowserHarness, type BrowserHarness } from '../support/browser';
import { createUser, regionalUnit } from '../support/factories';
import { issueJiangsuNotice, jiangsuItem } from '../support/jiangsu-scenario';
import { signIn, type Client } from '../support/test-app';
import { sealRow } from '../../src/server/crypto/personal-data';

/**
 * Issue 5 in the browser: 江苏省科协's task is owed by its 13 city associations; 5 submit on time,
 * 2 late, 6 not at all. The province's tree shows exactly that with rolled-up rates; 催办 to the
 * missing six reaches six inboxes and, through a real SMTP server on loopback, six mailboxes; an
 * automatic overdue reminder scheduled before a server restart goes out once after it; the charts
 * count the submitted activities by module and phase; the .xlsx export matches the screen.
 */
describe.skipIf(!browserAvailable())('supervision of 江苏省科协’s task in the browser', () => {
  const year = 2027;
  let h: BrowserHarness;
  let province: { username: string; password: string };
  let provinceClient: Client;
  let taskId = 0;
  let campaignId = 0;
  const cities: { id: number; name: string; email: string; user: { username: string; password: string }; client: Client }[] = [];
  const received: string[] = [];
  let smtp: SMTPServer;
  let mail: { stop(): Promise<void> };
  const stampedPdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')]);

  const onTime = () => cities.slice(0, 5);
  const late = () => cities.slice(5, 7);
  const missing = () => cities.slice(7);

  async function submitFor(city: (typeof cities)[number], extraItem: boolean) {
    const boundary = '----huiju-e2e-supervision';
    const upload = await city.client.request({
      method: 'POST',
      url: `/api/v1/collection-tasks/${taskId}/files?field=stampedPdf`,
      payload: Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${city.name}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
        stampedPdf,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const items = [jiangsuItem(1, year, 'p1'), jiangsuItem(2, year, 'p2'), jiangsuItem(3, year, 'p3')];
    if (extraItem) items.push(jiangsuItem(4, year, 'p2'));
    const saved = await city.client.put(`/api/v1/collection-tasks/${taskId}/submission`, {
      values: { fields: { stampedPdf: [{ fileId: upload.json().id, name: `${city.name}.pdf` }] }, items },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const submitted = await city.client.post(`/api/v1/collection-tasks/${taskId}/submission/submit`, { version: saved.json().version });
    expect(submitted.statusCode, submitted.body).toBe(200);
    return submitted.json() as { lateHours: number };
  }

  const download = async (page: Page, click: () => Promise<void>) => {
    const [file] = await Promise.all([page.waitForEvent('download'), click()]);
    const stream = await (file as Download).createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  /** The completion rows on screen: unit id → [name, status text, rate text]. */
  const rowsOnScreen = (page: Page) =>
    page.getByTestId('completion-row').evaluateAll((rows) =>
      rows.map((row) => {
        const cells = [...row.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '');
        return {
          unitId: Number(row.getAttribute('data-unit-id')),
          status: row.getAttribute('data-status'),
          statusText: row.querySelector('[data-status]')?.textContent?.trim() ?? '',
          rate: row.querySelector('[data-testid="completion-rate"]')?.textContent?.trim() ?? '',
          cells,
        };
      }),
    );

  beforeAll(async () => {
    h = await startBrowserHarness();
    const jiangsu = await regionalUnit(h.t.db, '32');
    province = await createUser(h.t.db, jiangsu.id, ['campaign_manager'], { username: `js-supervisor-${Date.now() % 100000}` });
    provinceClient = await signIn(h.t.app, province.username, province.password);
    const cityRows = await h.t.db
      .selectFrom('units')
      .select(['id', 'short_name', 'region_code'])
      .where('parent_id', '=', jiangsu.id)
      .where('type', '=', 'regional_association')
      .orderBy('region_code')
      .execute();
    for (const row of cityRows) {
      const email = `kx${row.region_code}@example.cn`;
      await h.t.db.updateTable('units').set(sealRow('units', { contact_email: email })).where('id', '=', row.id).execute();
      const user = await createUser(h.t.db, row.id, ['contact'], { username: `city-${row.region_code}-${Date.now() % 100000}` });
      cities.push({ id: row.id, name: row.short_name, email, user, client: await signIn(h.t.app, user.username, user.password) });
    }
    const issued = await issueJiangsuNotice(provinceClient, jiangsu.id, {
      year,
      deadline: `${year}-05-12`,
      documentSerial: 31,
      addressees: [{ kind: 'units_of_type', unitType: 'regional_association', level: 'city', scope: 'children' }],
    });
    taskId = issued.taskId;
    campaignId = issued.campaignId;

    // The mail worker of a server with SMTP configured, against a real SMTP server on loopback.
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        stream.on('data', () => {});
        stream.on('end', () => {
          received.push(session.envelope.rcptTo[0]!.address);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const port = (smtp.server.address() as { port: number }).port;
    const config = loadConfig({ HUIJU_DATA_DIR: '.test-data/files', LOG_LEVEL: 'silent', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_FROM: 'noreply@huiju.test', HUIJU_MAIL_POLL_SECONDS: '1' });
    mail = startMailWorker(h.t.db, config, () => {});
    // The notice's own mails (one per city) go out first; only what follows is counted.
    await vi.waitFor(() => expect(received).toHaveLength(13), { timeout: 20_000, interval: 100 });
    received.length = 0;

    // Two cities put a fourth activity in the second phase, so the charts are not uniform.
    for (const [i, city] of onTime().entries()) expect((await submitFor(city, i < 2)).lateHours).toBe(0);
    // The deadline passes: it is three hours behind us.
    await h.t.db.updateTable('collection_tasks').set({ deadline: new Date(Date.now() - 3 * 3_600_000) }).where('id', '=', taskId).execute();
    for (const city of late()) expect((await submitFor(city, false)).lateHours).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await mail?.stop();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    await h?.close();
  });

  it('shows the 13 cities with 5 on time, 2 late and 6 missing, and the rolled-up rate; the .xlsx matches the screen', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, province.username, province.password);
    await page.goto(`/collect/${taskId}`);
    await page.getByTestId('collect-tab-completion').click();
    await page.getByTestId('completion-table').waitFor();
    await expect.poll(() => page.getByTestId('completion-row').count()).toBe(13);

    await expect.poll(() => page.getByTestId('completion-totals').textContent()).toBe('应报 13 已报 7 按时 5 逾期报送 2 逾期未报 6');
    // The rolled-up rate over the province: 7 of 13.
    await expect.poll(() => page.locator('.ant-progress-indicator').first().textContent()).toBe('53.8%');

    const rows = await rowsOnScreen(page);
    const statusOf = (ids: number[]) => rows.filter((r) => ids.includes(r.unitId)).map((r) => r.status);
    expect(statusOf(onTime().map((c) => c.id))).toEqual(Array(5).fill('submitted_on_time'));
    expect(statusOf(late().map((c) => c.id))).toEqual(Array(2).fill('submitted_late'));
    expect(statusOf(missing().map((c) => c.id))).toEqual(Array(6).fill('missing'));
    expect(rows.filter((r) => r.status === 'missing').every((r) => r.rate === '0%')).toBe(true);
    expect(rows.filter((r) => r.status !== 'missing').every((r) => r.rate === '100%')).toBe(true);

    // "Overdue only": the six missing and the two late.
    await page.getByTestId('completion-filter-overdue').click();
    await expect.poll(async () => (await rowsOnScreen(page)).map((r) => r.unitId).sort()).toEqual([...late(), ...missing()].map((c) => c.id).sort());
    await page.getByTestId('completion-filter-all').click();
    await expect.poll(() => page.getByTestId('completion-row').count()).toBe(13);

    // The export is the screen: same units, statuses and rates.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download(page, () => page.getByTestId('completion-export').click())) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(String(sheet.getRow(1).getCell(2).value)).toBe('应报 13，已报 7（53.8%）');
    const exported: { name: string; status: string; rate: string }[] = [];
    sheet.eachRow((row, n) => {
      if (n > 2) exported.push({ name: String(row.getCell(1).value), status: String(row.getCell(4).value), rate: String(row.getCell(10).value) });
    });
    const screen = (await rowsOnScreen(page)).map((r) => ({ name: cities.find((c) => c.id === r.unitId)!.name, status: r.statusText, rate: r.rate }));
    expect(exported.sort((a, b) => a.name.localeCompare(b.name))).toEqual(screen.sort((a, b) => a.name.localeCompare(b.name)));
  });

  it('催办 to the missing six: six inbox items, six e-mails through SMTP, and the sender sees when one was read', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, province.username, province.password);
    await page.goto(`/collect/${taskId}`);
    await page.getByTestId('collect-tab-completion').click();
    await page.getByTestId('remind-all-missing').click();
    await expect.poll(() => page.getByTestId('remind-recipient').count()).toBe(6);
    const recipients = await page.getByTestId('remind-recipient').evaluateAll((tags) => tags.map((tag) => Number(tag.getAttribute('data-unit-id'))));
    expect(recipients.sort()).toEqual(missing().map((c) => c.id).sort());
    await page.getByTestId('remind-message').fill('请于今日下班前报送特色亮点活动筹备方案。');
    await page.getByTestId('remind-preview').click();
    await expect.poll(() => page.getByTestId('remind-sample').textContent()).toContain('请于今日下班前报送特色亮点活动筹备方案。');
    await page.getByTestId('remind-send').click();

    // Six mails, to the six missing cities' contacts, and nobody else.
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(6);
    expect([...received].sort()).toEqual(missing().map((c) => c.email).sort());
    for (const city of missing()) {
      const inbox = (await city.client.get('/api/v1/notifications')).json() as { items: { kind: string }[] };
      expect(inbox.items.filter((n) => n.kind === 'reminder')).toHaveLength(1);
    }
    for (const city of [...onTime(), ...late()]) {
      const inbox = (await city.client.get('/api/v1/notifications')).json() as { items: { kind: string }[] };
      expect(inbox.items.filter((n) => n.kind === 'reminder')).toHaveLength(0);
    }

    // One city opens its inbox in the browser and reads the 催办.
    const reader = missing()[0]!;
    const cityPage = await h.newPage();
    await signInThroughUi(cityPage, reader.user.username, reader.user.password);
    await cityPage.getByTestId('notification-bell').click();
    const item = cityPage.getByTestId('notification-item').filter({ hasText: '催办' });
    await expect.poll(() => item.count()).toBe(1);
    await item.click();
    await expect.poll(async () => (await reader.client.get('/api/v1/notifications')).json().items.find((n: { kind: string }) => n.kind === 'reminder').readAt).not.toBeNull();

    // The province's 催办记录: six rows, one read.
    await page.getByTestId('collect-tab-reminders').click();
    await expect.poll(() => page.getByTestId('reminder-row').count()).toBe(6);
    const readCell = page.locator(`[data-testid="reminder-row"][data-unit-id="${reader.id}"] td`).last();
    await expect.poll(() => readCell.textContent()).toMatch(/\d{1,2}:\d{2}/);
    await expect.poll(() => page.locator('[data-testid="reminder-row"] td:last-child').filter({ hasText: '未读' }).count()).toBe(5);
    received.length = 0;
  });

  it('the charts count the submitted activities by module and by phase', async () => {
    const page = await h.newPage();
    await signInThroughUi(page, province.username, province.password);
    await page.goto(`/campaigns/${campaignId}/statistics`);
    await page.getByTestId('statistics-summary').waitFor();
    // 7 submissions × 3 activities, and 2 fourth activities: 23 activities of 7 units.
    await expect.poll(() => page.getByTestId('statistics-summary').textContent()).toContain('23');
    const counts = (chart: string) =>
      page.locator(`[data-testid="chart-row-${chart}"]`).evaluateAll((rows) =>
        Object.fromEntries(rows.map((row) => [row.getAttribute('data-key'), Number(row.querySelectorAll('td')[1]?.textContent)])),
      );
    // Item 1 is 团结引领 + 为民服务, item 2 表彰发布, items 3 and 4 为民服务.
    await expect.poll(() => counts('module')).toMatchObject({ unite: 7, honour: 7, serve: 16 });
    await expect.poll(() => counts('phase')).toMatchObject({ p1: 7, p2: 9, p3: 7 });
    // The charts themselves are drawn (ECharts renders into a canvas).
    await expect.poll(() => page.locator('[data-testid="chart-canvas-module"] canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="chart-canvas-phase"] canvas').count()).toBeGreaterThan(0);
    // Timeliness: 5 on time, 2 late.
    await expect.poll(() => counts('timeliness')).toMatchObject({ on_time: 5, late: 2 });
  });

  it('an automatic overdue reminder set before a restart goes out once after it', async () => {
    // The province sets the automatic reminders: overdue notice at 09:30 China time.
    const page = await h.newPage();
    await signInThroughUi(page, province.username, province.password);
    await page.goto(`/collect/${taskId}`);
    await page.getByTestId('collect-tab-auto').click();
    await page.getByTestId('reminder-settings-form').waitFor();
    await page.getByTestId('reminder-settings-time').fill('09:30');
    await page.getByTestId('reminder-settings-save').click();
    await expect
      .poll(async () => (await h.t.db.selectFrom('collection_tasks').select('reminder_settings').where('id', '=', taskId).executeTakeFirstOrThrow()).reminder_settings)
      .toMatchObject({ enabled: true, time: '09:30', overdue: true });

    // The overdue notice is due at 09:30 China time on the day after the deadline's day.
    const deadline = (await h.t.db.selectFrom('collection_tasks').select('deadline').where('id', '=', taskId).executeTakeFirstOrThrow()).deadline;
    const chinaDay = new Date(deadline.getTime() + 8 * 3_600_000);
    const due = new Date(Date.UTC(chinaDay.getUTCFullYear(), chinaDay.getUTCMonth(), chinaDay.getUTCDate() + 1, 9, 30) - 8 * 3_600_000);

    // The server runs until a minute before the due time, then restarts.
    let clock = new Date(due.getTime() - 60_000);
    const before = startReminderScheduler(h.t.db, h.baseUrl, () => {}, { now: () => clock });
    await before.settled();
    await before.stop();
    await h.t.app.close();
    expect(await h.t.db.selectFrom('reminders').select('id').where('task_id', '=', taskId).where('auto', '=', true).execute()).toHaveLength(0);

    // The new process on the same database: a fresh app and scheduler, nothing carried in memory.
    const restarted = await buildApp(h.t.ctx, { serveWeb: true });
    await restarted.listen({ host: '127.0.0.1', port: 0 });
    try {
      clock = new Date(due.getTime() + 60_000);
      const after = startReminderScheduler(h.t.db, h.baseUrl, () => {}, { now: () => clock, intervalMs: 50 });
      // Several rounds past the due time, as a minute-by-minute scheduler would run them.
      await new Promise((resolve) => setTimeout(resolve, 400));
      await after.stop();
      const autos = await h.t.db.selectFrom('reminders').select(['unit_id', 'kind']).where('task_id', '=', taskId).where('auto', '=', true).execute();
      expect(autos.map((a) => a.kind)).toEqual(Array(6).fill('overdue'));
      expect(autos.map((a) => a.unit_id).sort()).toEqual(missing().map((c) => c.id).sort());
      await expect.poll(() => [...received].sort(), { timeout: 20_000 }).toEqual(missing().map((c) => c.email).sort());

      // The restarted server shows them in the 催办记录, marked automatic.
      const baseUrl = `http://127.0.0.1:${(restarted.server.address() as { port: number }).port}`;
      const context = await h.browser.newContext({ baseURL: baseUrl, locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
      const again = await context.newPage();
      await signInThroughUi(again, province.username, province.password);
      await again.goto(`/collect/${taskId}`);
      await again.getByTestId('collect-tab-reminders').click();
      await expect.poll(() => again.locator('[data-testid="reminder-row"][data-kind="overdue"]').count()).toBe(6);
      await expect.poll(() => again.locator('[data-testid="reminder-auto"][data-auto="true"]').count()).toBe(6);
      await context.close();
    } finally {
      await restarted.close();
    }
  });
});
