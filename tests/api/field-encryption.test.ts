import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldCipher, parseFieldKeys } from '../../src/server/crypto/field-encryption';
import { encryptedColumns, ensureFieldEncryption, FieldKeyMismatchError, installFieldCipher, rotateFieldKey } from '../../src/server/crypto/personal-data';
import { anonymous, signIn, type Client, type TestApp, createTestApp } from '../support/test-app';
import { createUser, regionalUnit } from '../support/factories';
import { showcaseScenario } from '../support/showcase-scenario';
import { installTestFieldKeys, testAdmin, testFieldKeys } from '../support/template';

/**
 * Personal data is stored sealed (AES-256-GCM envelopes), never in clear text, while the API
 * still shows it (masked or not per role) and lookups on it still work. Proven on the raw rows.
 */
let t: TestApp;
let admin: Client;
let sc: Awaited<ReturnType<typeof showcaseScenario>>;
let lecture = 0;
const plaintexts = ['13912345678', 'ai@example.cn', '南京市玄武区珠江路1号', '025-84001234', '025-84005678', '13800001111', 'nj-sec@example.cn', '13600001234', '请致电13700002222'];

async function rawValues(): Promise<{ where: string; value: string }[]> {
  const values: { where: string; value: string }[] = [];
  for (const [table, columns] of Object.entries(encryptedColumns)) {
    for (const column of columns) {
      const rows = await sql<{ id: number; value: string }>`select id, ${sql.ref(column)} as value from ${sql.table(table)} where ${sql.ref(column)} is not null`.execute(t.db);
      values.push(...rows.rows.map((r) => ({ where: `${table}.${column}#${r.id}`, value: r.value })));
    }
  }
  return values;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, testAdmin.username, testAdmin.password);
  sc = await showcaseScenario(t.app, t.db);
  lecture = sc.activities.nanjing[0]!;
  const asked = await sc.clients.nanjing.put(`/api/v1/showcase/activities/${lecture}/publication`, { description: '南京科技馆举办院士科普讲座，面向中小学生和市民开放报名。' });
  await sc.clients.province.post(`/api/v1/showcase/publications/${asked.json().id}/approve`, { version: asked.json().version });
  const opened = await sc.clients.nanjing.put(`/api/v1/showcase/activities/${lecture}/signup-settings`, { enabled: true, capacity: 5, deadline: '2099-05-30T12:00:00+08:00' });
  if (opened.statusCode !== 200) throw new Error(opened.body);
});
afterAll(async () => {
  installTestFieldKeys();
  await t.close();
});

describe('personal data at rest', () => {
  let unitId = 0;
  let userId = 0;
  let signupCode = '';

  it('stores unit contacts, account e-mail and mobile, and sign-up numbers sealed, never in clear text', async () => {
    const nanjing = await regionalUnit(t.db, '3201');
    const unit = await admin.post('/api/v1/units', {
      parentId: nanjing.id,
      name: '南京市信息安全学会',
      shortName: '南京信息安全学会',
      type: 'learned_society',
      contactName: '王五',
      contactMobile: '13912345678',
      contactEmail: 'ai@example.cn',
      contactOfficePhone: '025-84001234',
      contactFax: '025-84005678',
      mailingAddress: '南京市玄武区珠江路1号',
    });
    expect(unit.statusCode, unit.body).toBe(201);
    unitId = unit.json().id;
    const user = await admin.post('/api/v1/users', { unitId: nanjing.id, username: 'nj-sec', displayName: '南京安全员', email: 'nj-sec@example.cn', mobile: '13800001111', roles: ['contact'] });
    expect(user.statusCode, user.body).toBe(201);
    userId = user.json().user.id;
    const signup = await anonymous(t.app).request({ method: 'POST', url: `/api/v1/public/showcase/activities/${lecture}/signups`, payload: { attendeeName: '李雷', mobile: '136 0000 1234' }, remoteAddress: '10.9.0.1' });
    expect(signup.statusCode, signup.body).toBe(201);
    signupCode = signup.json().code;

    const stored = await rawValues();
    const ours = stored.filter((v) => v.where.startsWith(`units.`) ? v.where.endsWith(`#${unitId}`) : true);
    expect(ours.length).toBeGreaterThanOrEqual(8);
    for (const { where, value } of stored) {
      expect(value, where).toMatch(/^enc:v1:test1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{22}$/);
      for (const p of plaintexts) expect(value, where).not.toContain(p);
    }
    // The clear text appears nowhere in the tables that hold it, whatever the column.
    for (const table of Object.keys(encryptedColumns)) {
      const dump = await sql<{ row: string }>`select ${sql.table(table)}::text as row from ${sql.table(table)}`.execute(t.db);
      const text = dump.rows.map((r) => r.row).join('\n');
      for (const p of plaintexts) expect(text, table).not.toContain(p);
    }
    const index = await t.db.selectFrom('activity_signups').select(['mobile_index']).where('code', '=', signupCode).executeTakeFirstOrThrow();
    expect(index.mobile_index).toMatch(/^test1:[A-Za-z0-9_-]{43}$/);
  });

  it('still shows the values through the API, unmasked to managers and masked to a reviewer above', async () => {
    const asAdmin = (await admin.get(`/api/v1/units/${unitId}`)).json();
    expect(asAdmin.contact).toMatchObject({ name: '王五', mobile: '13912345678', email: 'ai@example.cn', officePhone: '025-84001234', fax: '025-84005678' });
    expect(asAdmin.mailingAddress).toBe('南京市玄武区珠江路1号');
    const reviewer = await createUser(t.db, (await regionalUnit(t.db, '32')).id, ['reviewer']);
    const asReviewer = (await (await signIn(t.app, reviewer.username, reviewer.password)).get(`/api/v1/units/${unitId}`)).json();
    expect(asReviewer.contact.mobile).toBe('139****5678');
    expect(asReviewer.contact.email).toBe('a***@example.cn');
    const user = (await admin.get(`/api/v1/users/${userId}`)).json();
    expect(user).toMatchObject({ email: 'nj-sec@example.cn', mobile: '13800001111' });
    const list = (await sc.clients.nanjing.get(`/api/v1/showcase/activities/${lecture}/signups`)).json();
    expect(list.items.map((r: { mobile: string }) => r.mobile)).toContain('13600001234');
  });

  it('finds a second sign-up with the same number through the blind index', async () => {
    const again = await anonymous(t.app).request({ method: 'POST', url: `/api/v1/public/showcase/activities/${lecture}/signups`, payload: { attendeeName: '李雷', mobile: '13600001234' }, remoteAddress: '10.9.0.2' });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().code).toBe(signupCode);
    const other = await anonymous(t.app).request({ method: 'POST', url: `/api/v1/public/showcase/activities/${lecture}/signups`, payload: { attendeeName: '韩梅梅', mobile: '13600001234' }, remoteAddress: '10.9.0.3' });
    expect(other.statusCode).toBe(409);
  });

  it('seals values left in clear text (rows from before migration 0014) at start-up', async () => {
    await sql`update units set contact_mobile = '13711112222', mailing_address = '苏州市姑苏区1号' where id = ${unitId}`.execute(t.db);
    await sql`update activity_signups set mobile = '13600001234', mobile_index = null where code = ${signupCode}`.execute(t.db);
    expect((await ensureFieldEncryption(t.db)).sealed).toBe(3);
    expect((await ensureFieldEncryption(t.db)).sealed).toBe(0);
    const raw = await t.db.selectFrom('units').select(['contact_mobile', 'mailing_address']).where('id', '=', unitId).executeTakeFirstOrThrow();
    expect(raw.contact_mobile).toMatch(/^enc:v1:test1:/);
    expect(raw.mailing_address).toMatch(/^enc:v1:test1:/);
    expect((await admin.get(`/api/v1/units/${unitId}`)).json().contact.mobile).toBe('13711112222');
    const again = await anonymous(t.app).request({ method: 'POST', url: `/api/v1/public/showcase/activities/${lecture}/signups`, payload: { attendeeName: '李雷', mobile: '13600001234' }, remoteAddress: '10.9.0.4' });
    expect(again.json().code).toBe(signupCode);
  });

  it('refuses to start with a key that did not seal the data, naming it', async () => {
    installFieldCipher(new FieldCipher(parseFieldKeys(`other:${Buffer.alloc(32, 9).toString('base64')}`)));
    await expect(ensureFieldEncryption(t.db)).rejects.toThrow(/sealed under field key "test1", which is not configured/);
    installFieldCipher(new FieldCipher(parseFieldKeys(`test1:${Buffer.alloc(32, 9).toString('base64')}`)));
    await expect(ensureFieldEncryption(t.db)).rejects.toThrow(FieldKeyMismatchError);
    installTestFieldKeys();
  });

  it('a moved ciphertext does not open in another column', async () => {
    const from = await t.db.selectFrom('units').select('contact_email').where('id', '=', unitId).executeTakeFirstOrThrow();
    await sql`update units set contact_mobile = ${from.contact_email} where id = ${unitId}`.execute(t.db);
    expect((await admin.get(`/api/v1/units/${unitId}`)).statusCode).toBe(500);
    await t.db.updateTable('units').set({ contact_mobile: null }).where('id', '=', unitId).execute();
  });

  // The activity-plan form's item contact (name, office phone, mobile, fax, e-mail) and mailing address.
  const formPlaintexts = ['13900000000', 'ww@example.cn', '025-83000000', '025-83000001', '北京东路'];
  const formRows = async () => {
    const rows = [];
    for (const table of ['submissions', 'submission_revisions'] as const) {
      const dump = await sql<{ id: string; text: string; sealed_with: string | null }>`select id, values::text as text, values_sealed_with as sealed_with from ${sql.table(table)}`.execute(t.db);
      rows.push(...dump.rows.map((r) => ({ ...r, where: `${table}#${r.id}` })));
    }
    return rows;
  };
  const nanjingSubmission = async () => t.db.selectFrom('submissions').select('id').where('unit_id', '=', sc.s.nanjing.id).where('task_id', '=', sc.taskId).executeTakeFirstOrThrow();

  it('stores the contacts and addresses typed into a collection form sealed, in the submission and every revision', async () => {
    const rows = await formRows();
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) {
      for (const p of formPlaintexts) expect(row.text, row.where).not.toContain(p);
      expect(row.sealed_with, row.where).toBe('test1');
    }
    // The structure stays JSON: names, titles and item keys readable, each number an envelope of its own.
    const { id } = await nanjingSubmission();
    const raw = await t.db.selectFrom('submissions').select('values').where('id', '=', id).executeTakeFirstOrThrow();
    const item = (raw.values as { items: { key: string; fields: Record<string, unknown> }[] }).items[0]!;
    expect(item.key).toBe('item-1');
    expect(item.fields.title).toBe('“百年回望”科普宣传周');
    const contact = item.fields.contact as Record<string, string>;
    expect(contact.name).toBe('王五');
    for (const part of ['officePhone', 'mobile', 'fax', 'email']) expect(contact[part], part).toMatch(/^enc:v1:test1:/);
    expect(item.fields.mailingAddress).toMatch(/^enc:v1:test1:/);
  });

  it('shows the form contacts unchanged to the submitting unit and the collector, and the history compares them', async () => {
    const { id } = await nanjingSubmission();
    const own = (await sc.clients.nanjing.get(`/api/v1/collection-tasks/${sc.taskId}`)).json().submission;
    const collector = (await sc.clients.province.get(`/api/v1/submissions/${id}`)).json();
    for (const view of [own, collector]) {
      expect(view.values.items[0].fields.contact).toEqual({ name: '王五', officePhone: '025-83000000', mobile: '13900000000', fax: '025-83000001', email: 'ww@example.cn' });
      expect(view.values.items[0].fields.mailingAddress).toBe('南京市玄武区北京东路1号');
    }
    // A unit that may not see it gets nothing (404), as before.
    expect((await sc.clients.suzhou.get(`/api/v1/submissions/${id}`)).statusCode).toBe(404);
    const revisions = (await sc.clients.province.get(`/api/v1/submissions/${id}/revisions`)).json();
    expect(revisions.length).toBeGreaterThanOrEqual(2);
    const diff = await sc.clients.province.get(`/api/v1/submissions/${id}/diff?from=${revisions[0].version}&to=${revisions.at(-1).version}`);
    expect(diff.statusCode, diff.body).toBe(200);
    expect(diff.body).not.toContain('enc:v1:');
  });

  it('seals the mail outbox addresses, opened for sending and for the outbox administrators', async () => {
    const { id } = await nanjingSubmission();
    const detail = (await sc.clients.province.get(`/api/v1/submissions/${id}`)).json();
    const returned = await sc.clients.province.post(`/api/v1/submissions/${id}/return`, { version: detail.version, comment: '请补充联系人传真' });
    expect(returned.statusCode, returned.body).toBe(200);
    const mail = await t.db.selectFrom('mail_outbox').select(['to_address', 'dedupe_key']).where('dedupe_key', 'like', `submission:${id}:return:%`).executeTakeFirstOrThrow();
    expect(mail.to_address).toMatch(/^enc:v1:test1:/);
    const dump = await sql<{ row: string }>`select mail_outbox::text as row from mail_outbox`.execute(t.db);
    expect(dump.rows.map((r) => r.row).join('\n')).not.toContain('zl@njast.cn');
    const outbox = (await admin.get('/api/v1/outbox?pageSize=100')).json();
    expect(outbox.items.map((m: { toAddress: string }) => m.toAddress)).toContain('zl@njast.cn');
    // The return wrote a revision copying the values: sealed as well.
    for (const row of await formRows()) for (const p of formPlaintexts) expect(row.text, row.where).not.toContain(p);
  });

  it('seals form values and outbox addresses left in clear text (rows from before migration 0022) at start-up', async () => {
    const { id } = await nanjingSubmission();
    const opened = (await sc.clients.nanjing.get(`/api/v1/collection-tasks/${sc.taskId}`)).json().submission.values;
    await sql`update submissions set values = cast(${JSON.stringify(opened)} as jsonb), values_sealed_with = null where id = ${id}`.execute(t.db);
    await sql`update mail_outbox set to_address = 'zl@njast.cn' where dedupe_key like ${`submission:${id}:return:%`}`.execute(t.db);
    // Legacy rows read as stored until sealed.
    expect((await sc.clients.province.get(`/api/v1/submissions/${id}`)).json().values.items[0].fields.contact.mobile).toBe('13900000000');
    expect((await ensureFieldEncryption(t.db)).sealed).toBe(2);
    expect((await ensureFieldEncryption(t.db)).sealed).toBe(0);
    for (const row of await formRows()) for (const p of formPlaintexts) expect(row.text, row.where).not.toContain(p);
    expect((await sc.clients.province.get(`/api/v1/submissions/${id}`)).json().values.items[0].fields.contact.mobile).toBe('13900000000');
  });

  it('rotates: every value re-sealed under the new key, the old key forgotten, lookups unchanged', async () => {
    const newKey = `rot2:${Buffer.alloc(32, 5).toString('base64')}`;
    installFieldCipher(new FieldCipher(parseFieldKeys(`${newKey},${testFieldKeys}`)));
    // Before the rotation, values under either key open and the duplicate check matches the old index.
    const before = await anonymous(t.app).request({ method: 'POST', url: `/api/v1/public/showcase/activities/${lecture}/signups`, payload: { attendeeName: '李雷', mobile: '13600001234' }, remoteAddress: '10.9.0.5' });
    expect(before.json().code).toBe(signupCode);
    const result = await rotateFieldKey(t.db);
    expect(result.resealed).toBeGreaterThanOrEqual(7);
    for (const { where, value } of await rawValues()) expect(value, where).toMatch(/^enc:v1:rot2:/);
    expect((await t.db.selectFrom('activity_signups').select('mobile_index').where('code', '=', signupCode).executeTakeFirstOrThrow()).mobile_index).toMatch(/^rot2:/);
    expect((await t.db.selectFrom('field_encryption_keys').select('key_id').execute()).map((r) => r.key_id)).toEqual(['rot2']);
    for (const row of await formRows()) {
      expect(row.sealed_with, row.where).toBe('rot2');
      expect(row.text, row.where).not.toContain('enc:v1:test1:');
    }
    expect(result.byTable['submissions.values']).toBeGreaterThanOrEqual(2);
    expect(result.byTable['submission_revisions.values']).toBeGreaterThanOrEqual(4);
    // The old key can now leave the configuration.
    installFieldCipher(new FieldCipher(parseFieldKeys(newKey)));
    await ensureFieldEncryption(t.db);
    expect((await admin.get(`/api/v1/users/${userId}`)).json()).toMatchObject({ email: 'nj-sec@example.cn', mobile: '13800001111' });
    const { id } = await nanjingSubmission();
    expect((await sc.clients.province.get(`/api/v1/submissions/${id}`)).json().values.items[0].fields.contact.email).toBe('ww@example.cn');
    expect((await admin.get('/api/v1/outbox?pageSize=100')).json().items.map((m: { toAddress: string }) => m.toAddress)).toContain('zl@njast.cn');
    const after = await anonymous(t.app).request({ method: 'POST', url: `/api/v1/public/showcase/activities/${lecture}/signups`, payload: { attendeeName: '李雷', mobile: '13600001234' }, remoteAddress: '10.9.0.6' });
    expect(after.json().code).toBe(signupCode);
    expect((await rotateFieldKey(t.db)).resealed).toBe(0);
  });
});
