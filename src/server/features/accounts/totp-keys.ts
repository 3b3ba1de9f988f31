import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database';
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
