import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database';
import { FieldKeyMismatchError } from '../../crypto/personal-data';
import { openTotpSecret, sealTotpSecret, sealedUnderCurrent, type TotpKeys } from './totp';

/** Where TOTP secrets rest: enrolled accounts, and the secret a session is enrolling (until confirmed). */
const secretColumns = [
  { table: 'users', column: 'totp_secret' },
  { table: 'sessions', column: 'totp_pending_secret' },
] as const;

/**
 * `huiju rotate-totp-key`: re-seals every TOTP secret under the current (first) TOTP key — secrets
 * under an older key, in the older single-key format (`gcm:`), or stored as is before a key was
 * configured — so the other keys can then be removed from HUIJU_TOTP_KEYS. Each row is guarded by
 * its stored value (a secret enrolled meanwhile is never overwritten). Codes keep working
 * throughout: the secret itself does not change, only how it is sealed.
 */
export async function rotateTotpKey(db: DbOrTx, keys: TotpKeys): Promise<{ resealed: number; byTable: Record<string, number> }> {
  const byTable: Record<string, number> = {};
  let resealed = 0;
  for (const { table, column } of secretColumns) {
    const rows = await sql<{ id: string | number; value: string }>`
      select id, ${sql.ref(column)} as value from ${sql.table(table)} where ${sql.ref(column)} is not null`.execute(db);
    let count = 0;
    for (const row of rows.rows) {
      if (sealedUnderCurrent(row.value, keys)) continue;
      const sealed = sealTotpSecret(openTotpSecret(row.value, keys), keys);
      await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${sealed} where id = ${row.id} and ${sql.ref(column)} = ${row.value}`.execute(db);
      count++;
    }
    byTable[`${table}.${column}`] = count;
    resealed += count;
  }
  return { resealed, byTable };
}

/**
 * At start: every sealed TOTP secret must open with the configured TOTP keys, else the server
 * refuses to start naming the missing key — rather than failing the sign-in of whoever enrolled
 * (a key dropped before `rotate-totp-key` ran, or a restored backup without its key).
 */
export async function assertTotpKeysConfigured(db: DbOrTx, keys: TotpKeys | undefined): Promise<void> {
  const rows = await sql<{ value: string }>`
    select totp_secret as value from users where totp_secret like 'enc:v1:%' or totp_secret like 'gcm:%'`.execute(db);
  const problems = new Set<string>();
  for (const row of rows.rows) {
    try {
      openTotpSecret(row.value, keys);
    } catch (error) {
      problems.add((error as Error).message);
    }
  }
  if (problems.size > 0) {
    throw new FieldKeyMismatchError(`${[...problems].join('; ')}. Put the key back in HUIJU_TOTP_KEYS (after the current one) and run huiju rotate-totp-key before removing it.`);
  }
}
