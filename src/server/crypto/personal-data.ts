import { sql } from 'kysely';
import type { DbOrTx } from '../db/database';
import { type FieldCipher, FieldKeyError, isEnvelope } from './field-encryption';
import { hasPersonalFields, noPersonalFields, openFormValues, personalFieldKeys, sealFormValues, type PersonalFieldKeys } from './form-values';
import { formDefinitionSchema } from '../../shared/forms/definition';

/**
 * Which columns hold personal data encrypted at rest, and the one cipher of the process.
 * Repositories seal values on write and open them on read through these helpers; the boot step
 * (`ensureFieldEncryption`) and `huiju rotate-field-key` walk the same list. Names stay in clear
 * text (display and sorting everywhere; masked where shown); contact data does not.
 */
export const encryptedColumns = {
  units: ['contact_office_phone', 'contact_mobile', 'contact_fax', 'contact_email', 'mailing_address'],
  users: ['email', 'mobile'],
  activity_signups: ['mobile'],
  evaluation_objections: ['contact'],
  // A survey respondent's contact (JSON of name, mobile, e-mail), kept only with consent.
  survey_responses: ['contact'],
  // Where a contributor's result is sent: read only to send it and by the call's managers.
  contributions: ['email'],
  // The contact a demand's submitter left for the reply (name too: a private person, never listed).
  demands: ['contact_name', 'contact_phone', 'contact_email'],
  // Queued and sent mail: whom it goes to (opened only to send it and for the outbox's administrators).
  mail_outbox: ['to_address'],
} as const;

export type EncryptedTable = keyof typeof encryptedColumns;
type EncryptedColumn<T extends EncryptedTable> = (typeof encryptedColumns)[T][number];

/** Encrypted columns searched by equality: the keyed HMAC of the normalised value sits beside them. */
export const blindIndexes = {
  // A second sign-up with the same number for the same activity is the same one.
  activity_signups: { mobile: 'mobile_index' },
} as const satisfies Partial<Record<EncryptedTable, Record<string, string>>>;

let installed: FieldCipher | undefined;

/** Set once at start-up (server, command line, tests) from `loadFieldKeys`. */
export function installFieldCipher(cipher: FieldCipher): void {
  installed = cipher;
}

export function fieldCipher(): FieldCipher {
  if (!installed) throw new FieldKeyError('field encryption keys were not loaded (loadFieldKeys must run at start-up)');
  return installed;
}

const aad = (table: string, column: string) => `${table}.${column}`;

export function sealField<T extends EncryptedTable>(table: T, column: EncryptedColumn<T>, value: string): string;
export function sealField<T extends EncryptedTable>(table: T, column: EncryptedColumn<T>, value: string | null | undefined): string | null;
export function sealField<T extends EncryptedTable>(table: T, column: EncryptedColumn<T>, value: string | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? (value ?? null) : fieldCipher().encrypt(value, aad(table, column));
}

export function openField<T extends EncryptedTable>(table: T, column: EncryptedColumn<T>, value: string): string;
export function openField<T extends EncryptedTable>(table: T, column: EncryptedColumn<T>, value: string | null | undefined): string | null;
export function openField<T extends EncryptedTable>(table: T, column: EncryptedColumn<T>, value: string | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? (value ?? null) : fieldCipher().decrypt(value, aad(table, column));
}

/** Seals every encrypted column present in a row of values to insert or set, with its blind index. */
export function sealRow<T extends EncryptedTable, R extends Record<string, unknown>>(table: T, row: R): R {
  const out: Record<string, unknown> = { ...row };
  for (const column of encryptedColumns[table] as readonly string[]) {
    // Absent or undefined: not being set (Kysely skips undefined), so neither is its index.
    if (!(column in row) || row[column] === undefined) continue;
    const value = row[column] as string | null;
    out[column] = sealField(table, column as EncryptedColumn<T>, value);
    const indexColumn = (blindIndexes as Record<string, Record<string, string> | undefined>)[table]?.[column];
    if (indexColumn) out[indexColumn] = value ? blindIndexOf(table, column, value) : null;
  }
  return out as R;
}

/** Opens every encrypted column present on a row read from the table (others pass through). */
export function openRow<T extends EncryptedTable, R extends object>(table: T, row: R): R;
export function openRow<T extends EncryptedTable, R extends object>(table: T, row: R | undefined): R | undefined;
export function openRow<T extends EncryptedTable, R extends object>(table: T, row: R | undefined): R | undefined {
  if (!row) return row;
  const out = { ...row } as Record<string, unknown>;
  for (const column of encryptedColumns[table] as readonly string[]) {
    if (out[column] !== undefined) out[column] = openField(table, column as EncryptedColumn<T>, out[column] as string | null);
  }
  return out as R;
}

const normalise = (value: string) => value.trim().toLowerCase();

export function blindIndexOf(table: string, column: string, value: string, keyId?: string): string {
  return fieldCipher().blindIndex(normalise(value), aad(table, column), keyId);
}

/** What an equality lookup on an encrypted column matches: one index per configured key. */
export function blindIndexCandidates(table: string, column: string, value: string): string[] {
  return fieldCipher().blindIndexCandidates(normalise(value), aad(table, column));
}

export class FieldKeyMismatchError extends Error {}

/**
 * Run at every start after migrations: refuses keys that are not the ones the data was sealed with
 * (a clear message instead of failures on reads), records the current key, then seals values still
 * in clear text (rows written before migration 0014, or restored from an older backup).
 */
export async function ensureFieldEncryption(db: DbOrTx): Promise<{ sealed: number }> {
  const cipher = fieldCipher();
  const recorded = await db.selectFrom('field_encryption_keys').select(['key_id', 'fingerprint']).execute();
  const configured = new Set(cipher.keys.map((k) => k.id));
  for (const row of recorded) {
    if (!configured.has(row.key_id)) {
      throw new FieldKeyMismatchError(
        `The database holds personal data sealed under field key "${row.key_id}", which is not configured. ` +
          'Provide it in HUIJU_FIELD_KEYS (or restore the key file field-keys of the original data directory).',
      );
    }
    if (cipher.fingerprint(row.key_id) !== row.fingerprint) {
      throw new FieldKeyMismatchError(`Field key "${row.key_id}" is not the key the data was sealed with (its check value differs): check HUIJU_FIELD_KEYS.`);
    }
  }
  if (!recorded.some((r) => r.key_id === cipher.current.id)) {
    await db
      .insertInto('field_encryption_keys')
      .values({ key_id: cipher.current.id, fingerprint: cipher.fingerprint(cipher.current.id) })
      .onConflict((oc) => oc.column('key_id').doNothing())
      .execute();
  }
  let sealed = 0;
  for (const table of Object.keys(encryptedColumns) as EncryptedTable[]) {
    for (const column of encryptedColumns[table] as readonly string[]) sealed += await sealClearValues(db, table, column);
  }
  for (const table of formValueTables) sealed += (await resealFormValues(db, table, 'clear')).personal;
  return { sealed };
}

async function sealClearValues(db: DbOrTx, table: EncryptedTable, column: string): Promise<number> {
  const rows = await sql<{ id: number; value: string }>`
    select id, ${sql.ref(column)} as value from ${sql.table(table)}
    where ${sql.ref(column)} is not null and ${sql.ref(column)} <> '' and ${sql.ref(column)} not like 'enc:v1:%'`.execute(db);
  for (const row of rows.rows) await rewrite(db, table, column, row.id, row.value, row.value);
  return rows.rows.length;
}

async function rewrite(db: DbOrTx, table: EncryptedTable, column: string, id: number, stored: string, plaintext: string) {
  const sealed = fieldCipher().encrypt(plaintext, aad(table, column));
  const indexColumn = (blindIndexes as Record<string, Record<string, string> | undefined>)[table]?.[column];
  const index = indexColumn ? sql`, ${sql.ref(indexColumn)} = ${blindIndexOf(table, column, plaintext)}` : sql``;
  // Guarded by the stored value: a concurrent writer's newer value is never overwritten.
  await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${sealed}${index} where id = ${id} and ${sql.ref(column)} = ${stored}`.execute(db);
}

/**
 * `huiju rotate-field-key`: re-seals every value under the current key (and recomputes blind
 * indexes with it), then forgets the other keys' records so they can be removed from the
 * configuration. Values already under the current key are left as they are.
 */
export async function rotateFieldKey(db: DbOrTx): Promise<{ resealed: number; byTable: Record<string, number> }> {
  await ensureFieldEncryption(db);
  const cipher = fieldCipher();
  // Compared as a prefix, not with LIKE: a key id may contain '_'.
  const current = `enc:v1:${cipher.current.id}:`;
  const byTable: Record<string, number> = {};
  let resealed = 0;
  for (const table of Object.keys(encryptedColumns) as EncryptedTable[]) {
    for (const column of encryptedColumns[table] as readonly string[]) {
      const rows = await sql<{ id: number; value: string }>`
        select id, ${sql.ref(column)} as value from ${sql.table(table)}
        where ${sql.ref(column)} like 'enc:v1:%' and left(${sql.ref(column)}, ${current.length}) <> ${current}`.execute(db);
      for (const row of rows.rows) await rewrite(db, table, column, row.id, row.value, cipher.decrypt(row.value, aad(table, column)));
      byTable[`${table}.${column}`] = rows.rows.length;
      resealed += rows.rows.length;
    }
  }
  for (const table of formValueTables) {
    const { personal } = await resealFormValues(db, table, 'stale');
    byTable[`${table}.values`] = personal;
    resealed += personal;
  }
  await db.deleteFrom('field_encryption_keys').where('key_id', '<>', cipher.current.id).execute();
  return { resealed, byTable };
}

export { isEnvelope };

// --- Contacts and addresses inside collection forms' values (decision 022) ----------------------

/** The tables holding a submission's values JSON: the current state and every revision. */
const formValueTables = ['submissions', 'submission_revisions'] as const;
type FormValueTable = (typeof formValueTables)[number];

/**
 * The personal fields (contact, address) of a form version; a task without a designed form
 * (files and a note) has none. Versions never change once written, so `cache` may be kept for
 * the length of a loop.
 */
export async function personalFieldsOfVersion(db: DbOrTx, formVersionId: number | null, cache?: Map<number, PersonalFieldKeys>): Promise<PersonalFieldKeys> {
  if (formVersionId === null) return noPersonalFields;
  const cached = cache?.get(formVersionId);
  if (cached) return cached;
  const version = await db.selectFrom('form_versions').select('definition').where('id', '=', formVersionId).executeTakeFirst();
  const keys = version ? personalFieldKeys(formDefinitionSchema.parse(version.definition)) : noPersonalFields;
  cache?.set(formVersionId, keys);
  return keys;
}

/** The columns to write for a submission's (or revision's) values: sealed JSON and the key that sealed it. */
export async function sealedSubmissionValues(db: DbOrTx, formVersionId: number | null, values: unknown): Promise<{ values: string; values_sealed_with: string }> {
  const keys = await personalFieldsOfVersion(db, formVersionId);
  const cipher = fieldCipher();
  return { values: JSON.stringify(sealFormValues(cipher, keys, values)), values_sealed_with: cipher.current.id };
}

/**
 * A row read with its `values` opened. Rows not yet sealed (`values_sealed_with` null: written
 * before migration 0022, sealed at the next start) are returned as stored.
 */
export async function openSubmissionValues<R extends { values: unknown; values_sealed_with: string | null }>(
  db: DbOrTx,
  formVersionId: number | null,
  row: R,
  cache?: Map<number, PersonalFieldKeys>,
): Promise<R> {
  if (row.values_sealed_with === null) return row;
  const keys = await personalFieldsOfVersion(db, formVersionId, cache);
  return hasPersonalFields(keys) ? { ...row, values: openFormValues(fieldCipher(), keys, row.values) } : row;
}

/**
 * Seals the values of rows still in clear text (`clear`, at every start) or re-seals those sealed
 * under another key than the current one (`stale`, rotation). Guarded per row by the stored JSON
 * and key: a concurrent save's newer values are never overwritten. Returns how many rows held
 * personal fields (`personal`) and how many rows were relabelled in all (`rows`).
 */
async function resealFormValues(db: DbOrTx, table: FormValueTable, which: 'clear' | 'stale'): Promise<{ personal: number; rows: number }> {
  const cipher = fieldCipher();
  const current = cipher.current.id;
  const condition = which === 'clear' ? sql`v.values_sealed_with is null` : sql`v.values_sealed_with <> ${current}`;
  const formOf = table === 'submissions' ? sql`v.form_version_id` : sql`(select s.form_version_id from submissions s where s.id = v.submission_id)`;
  const cache = new Map<number, PersonalFieldKeys>();
  let personal = 0;
  let rows = 0;
  for (let after = '0'; ; ) {
    // In batches by id: a large database is never read into memory at once.
    const batch = await sql<{ id: string | number; text: string; sealed_with: string | null; form_version_id: number | null }>`
      select v.id, v.values::text as text, v.values_sealed_with as sealed_with, ${formOf} as form_version_id
      from ${sql.table(table)} v where ${condition} and v.id > ${after} order by v.id limit 500`.execute(db);
    for (const row of batch.rows) {
      const keys = await personalFieldsOfVersion(db, row.form_version_id, cache);
      let values: unknown = JSON.parse(row.text);
      if (hasPersonalFields(keys)) {
        if (row.sealed_with !== null) values = openFormValues(cipher, keys, values);
        values = sealFormValues(cipher, keys, values);
        personal++;
      }
      await sql`update ${sql.table(table)} set values = cast(${JSON.stringify(values)} as jsonb), values_sealed_with = ${current}
        where id = ${row.id} and values_sealed_with is not distinct from ${row.sealed_with} and values = cast(${row.text} as jsonb)`.execute(db);
      rows++;
    }
    if (batch.rows.length < 500) break;
    after = String(batch.rows.at(-1)!.id);
  }
  return { personal, rows };
}
