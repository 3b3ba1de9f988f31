import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { FieldCipher, parseFieldKeys } from '../../src/server/crypto/field-encryption';
import { openPGlite } from '../../src/server/db/database';
import { huiju, tempDirs } from '../support/cli';

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
    expect(huiju(['audit', 'verify'], env).code).toBe(0);
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
    expect(rotated.out).toMatch(/Re-sealed 4 values under field key prod2/);
    const resealed = await rawContacts(dir);
    const newCipher = new FieldCipher(parseFieldKeys(newKey));
    for (const row of resealed) {
      expect(row.contact_mobile).toMatch(/^enc:v1:prod2:/);
      expect(newCipher.decrypt(row.contact_mobile!, 'units.contact_mobile')).toBe('13912345678');
    }
    // The old key may go; the file key alone no longer opens the data.
    expect(huiju(['audit', 'verify'], { ...env, HUIJU_FIELD_KEYS: newKey }).code).toBe(0);
    const stale = huiju(['audit', 'verify'], env);
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/sealed under field key "prod2", which is not configured/);
    expect(stale.err).not.toMatch(/\n\s+at /);
    const bad = huiju(['audit', 'verify'], { ...env, HUIJU_FIELD_KEYS: 'prod2:AAAA' });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('HUIJU_FIELD_KEYS: key prod2 must decode to 32 bytes');
  });
});
