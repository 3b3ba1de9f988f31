import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readMigrationFiles } from '../../src/server/db/migrate';
import { FieldCipher, parseFieldKeys } from '../../src/server/crypto/field-encryption';
import { installFieldCipher } from '../../src/server/crypto/personal-data';

/**
 * The TOTP secret of every test account that needs a second factor (the system administrator of the
 * template, administrators made by the factories): test helpers compute its codes.
 */
export const testTotpSecret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** Credentials of the system administrator in every test database (TOTP enrolled with testTotpSecret). */
export const testAdmin = { username: 'admin', password: 'Huiju@Test2026', totpSecret: testTotpSecret };

/** The field-encryption key of every test database (as HUIJU_FIELD_KEYS would give it). */
export const testFieldKeys = 'test1:' + Buffer.alloc(32, 7).toString('base64');

/** Installs the test key in this process: the template and its copies are sealed with it. */
export function installTestFieldKeys(): void {
  installFieldCipher(new FieldCipher(parseFieldKeys(testFieldKeys)));
}

export const testDataDir = path.resolve('.test-data');

/**
 * The template changes when migrations or the seeding code change; its file name carries a hash of
 * both, so a stale template is never reused.
 */
export function templateKey(): string {
  const hash = createHash('sha256');
  for (const file of readMigrationFiles()) hash.update(file.sha256);
  for (const file of ['src/server/features/units/region-seed.ts', 'src/server/bootstrap.ts', 'tests/support/template.ts', 'tests/support/global-setup.ts']) {
    hash.update(fs.readFileSync(path.resolve(file)));
  }
  return hash.digest('hex').slice(0, 16);
}

export const pgliteTemplatePath = (key: string) => path.join(testDataDir, `pglite-template-${key}.tar`);
export const postgresTemplateName = (key: string) => `huiju_template_${key}`;
