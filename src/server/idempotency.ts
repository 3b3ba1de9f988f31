import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, DbOrTx } from './db/database';
import { AppError } from './errors';

export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
}

/**
 * Runs `work` once per (user, Idempotency-Key): a retry with the same key and body gets the first
 * answer; the same key with another body is a 422; a retry while the first is still running is a
 * 409. The key is taken under a transaction-scoped advisory lock and its answer stored in the same
 * transaction as the work, so an acknowledged request is never lost nor done twice, and a process
 * killed midway leaves no claim behind (its transaction, lock included, is rolled back): the retry
 * simply does the work.
 */
export async function withIdempotency<T>(
  db: Db,
  options: { userId: number; key: string | undefined; scope: string; body: unknown },
  work: (trx: DbOrTx) => Promise<T>,
): Promise<T> {
  if (!options.key) return db.transaction().execute(work);
  const key = options.key;
  if (!/^[A-Za-z0-9_.:-]{8,100}$/.test(key)) throw new AppError('idempotency_key_invalid', 400);
  const hash = requestHash({ scope: options.scope, body: options.body });
  return db.transaction().execute(async (trx) => {
    const locked = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${`idempotency:${options.userId}:${key}`}, 0)) as ok`.execute(trx);
    if (!locked.rows[0]?.ok) throw new AppError('idempotency_in_flight', 409);
    const existing = await trx.selectFrom('idempotency_keys').selectAll().where('user_id', '=', options.userId).where('key', '=', key).executeTakeFirst();
    if (existing?.completed_at) {
      if (existing.request_hash !== hash) throw new AppError('idempotency_key_reused', 422);
      return existing.response as T;
    }
    const result = await work(trx);
    // A row without completed_at is a claim left by an earlier version of this code: taken over.
    await trx
      .insertInto('idempotency_keys')
      .values({ key, user_id: options.userId, scope: options.scope, request_hash: hash, status_code: 200, response: JSON.stringify(result), completed_at: new Date() })
      .onConflict((oc) => oc.columns(['user_id', 'key']).doUpdateSet({ request_hash: hash, scope: options.scope, status_code: 200, response: JSON.stringify(result), completed_at: new Date() }))
      .execute();
    return result;
  });
}
