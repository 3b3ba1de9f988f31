import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { FieldCipher, formatFieldKeys, generateFieldKey, parseFieldKeys } from './field-encryption';
import type { DbOrTx } from '../db/database';
import { FieldKeyMismatchError, installFieldCipher } from './personal-data';

export const fieldKeyFileName = 'field-keys';

/**
 * The keys sealing personal data: HUIJU_FIELD_KEYS when set (production: from a secret store,
 * never from the data directory it protects), else the data directory's `field-keys` file,
 * created with mode 0600 on first start so `npm start` works with no configuration.
 */
export function loadFieldKeys(config: Pick<Config, 'fieldKeys' | 'dataDir'>, options: { create?: boolean } = {}): { cipher: FieldCipher; source: string } {
  let cipher: FieldCipher;
  let source: string;
  if (config.fieldKeys) {
    cipher = new FieldCipher(config.fieldKeys);
    source = 'HUIJU_FIELD_KEYS';
  } else {
    const file = path.join(config.dataDir, fieldKeyFileName);
    source = file;
    if (!fs.existsSync(file)) {
      if (options.create === false) throw new FieldKeyMismatchError(`no field key configured: set HUIJU_FIELD_KEYS or provide ${file}`);
      fs.mkdirSync(config.dataDir, { recursive: true });
      const id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
      try {
        // 'wx': two processes starting at once never write two different keys.
        fs.writeFileSync(file, `${formatFieldKeys([generateFieldKey(id)])}\n`, { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    cipher = new FieldCipher(parseFieldKeys(fs.readFileSync(file, 'utf8'), file));
  }
  installFieldCipher(cipher);
  return { cipher, source };
}

/**
 * loadFieldKeys for a migrated database: never generates a fresh key file for a database that
 * already holds sealed data (a restored backup, a moved directory): that would only make the data
 * unreadable. Says instead which keys are needed and where to put them.
 */
export async function loadFieldKeysFor(config: Pick<Config, 'fieldKeys' | 'dataDir'>, db: DbOrTx): Promise<{ cipher: FieldCipher; source: string }> {
  const file = path.join(config.dataDir, fieldKeyFileName);
  if (!config.fieldKeys && !fs.existsSync(file)) {
    const recorded = await db.selectFrom('field_encryption_keys').select('key_id').execute();
    if (recorded.length > 0) {
      throw new FieldKeyMismatchError(
        `The database holds personal data sealed under field key ${recorded.map((r) => `"${r.key_id}"`).join(', ')} and no key is configured: ` +
          `set HUIJU_FIELD_KEYS, or copy the file ${fieldKeyFileName} of the original data directory to ${file}.`,
      );
    }
  }
  return loadFieldKeys(config);
}
