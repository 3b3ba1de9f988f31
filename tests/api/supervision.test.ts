import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, deliverDueMail } from '../../src/server/jobs/mail-delivery';
import { runAutomaticReminders } from '../../src/server/features/supervision/service';
import { createUser, regionalUnit } from '../support/factories';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';
import { openField, sealRow } from '../../src/server/crypto/personal-data';

let t: TestApp;
let province: Client;
let taskId: number;
const cities: { id: number; name: string; client: Client }[] = [];
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1000, 0x20), Buffer.from('\n%%EOF\n')]);

function multipart(file: Buffer, filename: string) {
  const boundary = '----huiju-supervision';
  return {
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function submitFor(city: (typeof cities)[number]) {
  const upload = await city.client.request({ method: 'POST', url: `/api/v1/collection-tasks/${taskId}/files?field=files`, ...multipart(pdf, `${city.name}.pdf`) });
  const saved = await city.client.put(`/api/v1/collection-tasks/${taskId}/submission`, { values: { fields: { files: [{ fileId: upload.json().id, name: `${city.name}.pdf` }] }, items: [] } });
  const submitted = await city.client.post(`/api/v1/collection-tasks/${taskId}/submission/submit`, { version: saved.json().version });
  expect(submitted.statusCode, submitted.body).toBe(200);
  return submitted.json();
}

beforeAll(async () => {
  t = await createTestApp();
  const jiangsu = await regionalUnit(t.db, '32');
  await t.db.updateTable('units').set(sealRow('units', { contact_email: null })).where('parent_id', '=', jiangsu.id).execute();
  const manager = await createUser(t.db, jiangsu.id, ['campaign_manager']);
  province = await signIn(t.app, manager.username, manager.password);
  const cityRows = await t.db.selectFrom('units').select(['id', 'short_name', 'region_code']).where('parent_id', '=', jiangsu.id).where('type', '=', 'regional_association').orderBy('region_code').execute();
  for (const row of cityRows) {
    await t.db.updateTable('units').set(sealRow('units', { contact_email: `kx${row.region_code}@example.cn` })).where('id', '=', row.id).execute();
    const user = await createUser(t.db, row.id, ['contact']);
    cities.push({ id: row.id, name: row.short_name, client: await signIn(t.app, user.username, user.password) });
  }
  const draft = await province.post('/api/v1/notices', {
    issuerUnitId: jiangsu.id,
    documentNumber: '苏科协发〔2027〕55号',
    title: '关于报送2027年活动方案的通知',
    addresseeRules: [{ kind: 'units_of_type', unitType: 'regional_association', level: 'city', scope: 'children' }],
    tasks: [{ title: '报送本地区活动方案', deadline: '2027-05-12' }],
  });
  const issued = await province.post(`/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
  if (issued.statusCode !== 200) throw new Error(issued.body);
  taskId = issued.json().tasks[0].id;
});
afterAll(() => t.close());

describe('supervision of 江苏省科协’s task', () => {
  it('shows 13 cities owing it, then 5 on time, 2 late and 6 missing once the deadline passed', async () => {
    expect(cities).toHaveLength(13);
    const before = (await province.get(`/api/v1/collection-tasks/${taskId}/completion`)).json();
    expect(before.totals).toMatchObject({ units: 13, submitted: 0, not_read: 13 });

    for (const city of cities.slice(0, 5)) await submitFor(city);
    // Time passes: the deadline is behind us.
    await t.db.updateTable('collection_tasks').set({ deadline: new Date(Date.now() - 3 * 3_600_000) }).where('id', '=', taskId).execute();
    for (const city of cities.slice(5, 7)) expect((await submitFor(city)).lateHours).toBeGreaterThan(0);

    const view = (await province.get(`/api/v1/collection-tasks/${taskId}/completion`)).json();
    expect(view.totals).toMatchObject({ units: 13, submitted: 7, submitted_on_time: 5, submitted_late: 2, missing: 6 });
    expect(view.nodes.filter((n: { status: string }) => n.status === 'missing').map((n: { unitId: number }) => n.unitId)).toEqual(cities.slice(7).map((c) => c.id));
    const overdue = (await province.get(`/api/v1/collection-tasks/${taskId}/completion?filter=overdue`)).json();
    expect(overdue.nodes).toHaveLength(8);
    const xlsx = await province.get(`/api/v1/collection-tasks/${taskId}/completion.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const timeline = (await province.get(`/api/v1/collection-tasks/${taskId}/timeline`)).json();
    expect(timeline.owed).toBe(13);
    expect(timeline.days.at(-1).submitted).toBe(7);
    // A city cannot look at the province's supervision.
    expect((await cities[0]!.client.get(`/api/v1/collection-tasks/${taskId}/completion`)).statusCode).toBe(403);
  });

  it('催办 to the missing six: six inbox items and six e-mails through SMTP, with sent and read times', async () => {
    const received: string[] = [];
    const smtp = new SMTPServer({
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

    const transport = createTransport({ host: '127.0.0.1', port, secure: false, user: undefined, password: undefined, from: 'noreply@huiju.test' });
    // The notice's own mails (one per city) go out first; only what the 催办 sends is counted.
    while ((await deliverDueMail(t.db, transport, 'noreply@huiju.test')).sent > 0);
    expect(received).toHaveLength(13);
    received.length = 0;

    const preview = (await province.post(`/api/v1/collection-tasks/${taskId}/reminders/preview`, { message: '请于今日下班前报送' })).json();
    expect(preview.recipients).toHaveLength(6);
    expect(preview.sample.subject).toMatch(/^【催办】/);
    const sent = await province.post(`/api/v1/collection-tasks/${taskId}/reminders`, { message: '请于今日下班前报送' });
    expect(sent.json()).toEqual({ sent: 6 });
    while ((await deliverDueMail(t.db, transport, 'noreply@huiju.test')).sent > 0);
    const missingCodes = (await t.db.selectFrom('units').select('contact_email').where('id', 'in', cities.slice(7).map((c) => c.id)).execute()).map((u) => openField('units', 'contact_email', u.contact_email)).sort();
    expect(received.sort()).toEqual(missingCodes);
    await new Promise<void>((resolve) => smtp.close(() => resolve()));

    for (const city of cities.slice(7)) {
      const bell = (await city.client.get('/api/v1/notifications')).json();
      expect(bell.items.filter((n: { kind: string }) => n.kind === 'reminder')).toHaveLength(1);
    }
    // One of them reads it; the sender sees when.
    const reader = cities[7]!;
    const item = (await reader.client.get('/api/v1/notifications')).json().items.find((n: { kind: string }) => n.kind === 'reminder');
    await reader.client.post('/api/v1/notifications/read', { ids: [item.id] });
    const log = (await province.get(`/api/v1/collection-tasks/${taskId}/reminders`)).json();
    expect(log).toHaveLength(6);
    expect(log.find((r: { unitId: number }) => r.unitId === reader.id).readAt).not.toBeNull();
    expect(log.filter((r: { readAt: string | null }) => r.readAt === null)).toHaveLength(5);
  });

  it('sends each automatic reminder once per unit, however many rounds (and processes) run', async () => {
    const deadline = new Date(Date.now() + 3 * 86_400_000);
    await t.db.updateTable('collection_tasks').set({ deadline }).where('id', '=', taskId).execute();
    // Before the 3-days-before reminder is due, nothing goes out.
    const early = new Date(deadline.getTime() - 4 * 86_400_000);
    expect(await runAutomaticReminders(t.db, early, 'http://localhost')).toBe(0);
    // Two rounds at the due time — as two processes, or one before and one after a restart, would
    // run them: the state lives in the database and the unique index decides who sends.
    const due = new Date(deadline.getTime() - 2.5 * 86_400_000);
    const [first, again] = await Promise.all([runAutomaticReminders(t.db, due, 'http://localhost'), runAutomaticReminders(t.db, due, 'http://localhost')]);
    expect(first + again).toBe(6);
    const autos = await t.db.selectFrom('reminders').select(['unit_id', 'kind']).where('task_id', '=', taskId).where('auto', '=', true).execute();
    expect(autos).toHaveLength(6);
    expect(new Set(autos.map((a) => a.kind))).toEqual(new Set(['before_3d']));
  });
});
