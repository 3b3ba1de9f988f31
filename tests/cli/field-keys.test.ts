import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { FieldCipher, parseFieldKeys } from '../../src/server/crypto/field-encryption';
import { openPGlite } from '../../src/server/db/database';
import { huiju, tempDirs } from '../support/cli';
import { jiangsuFeaturedActivityForm } from '../../src/shared/forms/templates';

const tempDir = tempDirs('huiju-keys-');

async function rawContacts(dir: string) {
  const database = await openPGlite(dir);
  try {
    const rows = await sql<{ short_name: string; contact_mobile: string | null; mailing_address: string | null }>`
      select short_name, contact_mobile, mailing_address from units where region_code in ('3201', '3202') order by region_code`.execute(database.db);
    return rows.rows;
  } finally {
    await database.close();
  }
}

/** A submission of the Jiangsu activity-plan form and a queued mail written in clear text, as before migration 0022. */
async function writeLegacyFormAndMail(dir: string) {
  const database = await openPGlite(dir);
  try {
    const unit = await sql<{ id: number }>`select id from units where region_code = '3201'`.execute(database.db);
    const unitId = unit.rows[0]!.id;
    const form = await sql<{ id: number }>`insert into forms (unit_id, name) values (${unitId}, '特色活动申报表') returning id`.execute(database.db);
    const version = await sql<{ id: number }>`insert into form_versions (form_id, version, definition) values (${form.rows[0]!.id}, 1, cast(${JSON.stringify(jiangsuFeaturedActivityForm)} as jsonb)) returning id`.execute(database.db);
    const notice = await sql<{ id: number }>`insert into notices (issuer_unit_id, title) values (${unitId}, '关于开展活动的通知') returning id`.execute(database.db);
    const task = await sql<{ id: number }>`insert into collection_tasks (notice_id, title, deadline, form_version_id) values (${notice.rows[0]!.id}, '活动申报', now(), ${version.rows[0]!.id}) returning id`.execute(database.db);
    const values = { fields: {}, items: [{ key: 'item-1', fields: { title: '科普讲座', contact: { name: '王五', mobile: '13900000000', email: 'ww@example.cn' }, mailingAddress: '南京市玄武区北京东路1号' } }] };
    await sql`insert into submissions (task_id, unit_id, form_version_id, values) values (${task.rows[0]!.id}, ${unitId}, ${version.rows[0]!.id}, cast(${JSON.stringify(values)} as jsonb))`.execute(database.db);
    await sql`insert into mail_outbox (dedupe_key, to_address, subject, text_body) values ('legacy:1', 'nj@example.cn', '提醒', '请按时报送')`.execute(database.db);
  } finally {
    await database.close();
  }
}

async function rawFormAndMail(dir: string) {
  const database = await openPGlite(dir);
  try {
    const submission = await sql<{ text: string; sealed_with: string | null; values: { items: { fields: { contact: { mobile: string }; mailingAddress: string } }[] } }>`
      select values::text as text, values, values_sealed_with as sealed_with from submissions`.execute(database.db);
    const mail = await sql<{ to_address: string }>`select to_address from mail_outbox where dedupe_key = 'legacy:1'`.execute(database.db);
    return { submission: submission.rows[0]!, mail: mail.rows[0]!.to_address };
  } finally {
    await database.close();
  }
}

describe('huiju field keys on the command line', () => {
  it('generates a 0600 key file on first start, seals clear-text rows, rotates to a new key and refuses a missing one', async () => {
    const dir = tempDir();
    const env = { HUIJU_DATA_DIR: dir };
    expect(huiju(['units', 'seed-regions', '--root', '32'], env).code).toBe(0);
    const keyFile = path.join(dir, 'field-keys');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const fileKeys = parseFieldKeys(fs.readFileSync(keyFile, 'utf8'));
    expect(fileKeys).toHaveLength(1);

    // Contacts written in clear text, as before migration 0014: the next command seals them.
    const database = await openPGlite(dir);
    await sql`update units set contact_mobile = '13912345678', mailing_address = '南京市玄武区1号' where region_code in ('3201', '3202')`.execute(database.db);
    await database.close();
    await writeLegacyFormAndMail(dir);
    expect(huiju(['audit', 'verify'], env).code).toBe(0);
    const legacy = await rawFormAndMail(dir);
    expect(legacy.submission.sealed_with).toBe(fileKeys[0]!.id);
    for (const p of ['13900000000', 'ww@example.cn', '北京东路']) expect(legacy.submission.text).not.toContain(p);
    expect(legacy.submission.text).toContain('王五');
    expect(legacy.mail).toMatch(new RegExp(`^enc:v1:${fileKeys[0]!.id}:`));
    const sealed = await rawContacts(dir);
    const fileCipher = new FieldCipher(fileKeys);
    for (const row of sealed) {
      expect(row.contact_mobile).toMatch(new RegExp(`^enc:v1:${fileKeys[0]!.id}:`));
      expect(fileCipher.decrypt(row.contact_mobile!, 'units.contact_mobile')).toBe('13912345678');
      expect(fileCipher.decrypt(row.mailing_address!, 'units.mailing_address')).toBe('南京市玄武区1号');
    }

    // Rotation: the new key first, the old one after it.
    const newKey = `prod2:${Buffer.alloc(32, 42).toString('base64')}`;
    const both = `${newKey},${fs.readFileSync(keyFile, 'utf8').trim()}`;
    const rotated = huiju(['rotate-field-key'], { ...env, HUIJU_FIELD_KEYS: both });
    expect(rotated.code, rotated.err).toBe(0);
    // Four unit contacts, the outbox address and the one submission holding form contacts.
    expect(rotated.out).toMatch(/Re-sealed 6 values under field key prod2/);
    const resealed = await rawContacts(dir);
    const newCipher = new FieldCipher(parseFieldKeys(newKey));
    for (const row of resealed) {
      expect(row.contact_mobile).toMatch(/^enc:v1:prod2:/);
      expect(newCipher.decrypt(row.contact_mobile!, 'units.contact_mobile')).toBe('13912345678');
    }
    const rotatedForm = await rawFormAndMail(dir);
    expect(rotatedForm.submission.sealed_with).toBe('prod2');
    expect(newCipher.decrypt(rotatedForm.submission.values.items[0]!.fields.contact.mobile, 'submissions.values:contact.mobile')).toBe('13900000000');
    expect(newCipher.decrypt(rotatedForm.submission.values.items[0]!.fields.mailingAddress, 'submissions.values:mailingAddress')).toBe('南京市玄武区北京东路1号');
    expect(newCipher.decrypt(rotatedForm.mail, 'mail_outbox.to_address')).toBe('nj@example.cn');
    // The old key may go; the file key alone no longer opens the data.
    expect(huiju(['audit', 'verify'], { ...env, HUIJU_FIELD_KEYS: newKey }).code).toBe(0);
    const stale = huiju(['audit', 'verify'], env);
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/sealed under field key "prod2", which is not configured/);
    expect(stale.err).not.toMatch(/\n\s+at /);
    // TOTP secrets have their own keys and command (none enrolled here: the command reports 0).
    const noTotpKey = huiju(['rotate-totp-key'], { ...env, HUIJU_FIELD_KEYS: newKey });
    expect(noTotpKey.code).toBe(1);
    expect(noTotpKey.err).toContain('No TOTP key configured: set HUIJU_TOTP_KEYS');
    const totp = huiju(['rotate-totp-key'], { ...env, HUIJU_FIELD_KEYS: newKey, HUIJU_TOTP_KEYS: `t2:${Buffer.alloc(32, 7).toString('base64')}` });
    expect(totp.code, totp.err).toBe(0);
    expect(totp.out).toMatch(/Re-sealed 0 TOTP secrets under TOTP key t2/);
    const bad = huiju(['audit', 'verify'], { ...env, HUIJU_FIELD_KEYS: 'prod2:AAAA' });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('HUIJU_FIELD_KEYS: key prod2 must decode to 32 bytes');
  });
});
