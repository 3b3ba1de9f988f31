import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, DbOrTx } from './db/database';
import { AppError } from './errors';

/** A claim older than this whose work never finished (a crashed process) may be taken over. */
const abandonedAfterSeconds = 120;

export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
}

/**
 * Runs `work` once per (user, Idempotency-Key): a retry with the same key and body gets the first
 * answer; the same key with another body is a 422; a retry while the first is still running is a
 * 409. The stored answer is written in the same transaction as the work, so an acknowledged
 * request is never lost and never done twice.
 */
export async function withIdempotency<T>(
  db: Db,
  options: { userId: number; key: string | undefined; scope: string; body: unknown },
  work: (trx: DbOrTx) => Promise<T>,
): Promise<T> {
  if (!options.key) return db.transaction().execute(work);
  if (!/^[A-Za-z0-9_.:-]{8,100}$/.test(options.key)) throw new AppError('idempotency_key_invalid', 400);
  const hash = requestHash({ scope: options.scope, body: options.body });
  const claimed = await db
    .insertInto('idempotency_keys')
    .values({ key: options.key, user_id: options.userId, scope: options.scope, request_hash: hash })
    .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!claimed) {
    const existing = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('user_id', '=', options.userId)
      .where('key', '=', options.key)
      .executeTakeFirstOrThrow();
    if (existing.request_hash !== hash) throw new AppError('idempotency_key_reused', 422);
    if (existing.completed_at) return existing.response as T;
    const takenOver = await db
      .updateTable('idempotency_keys')
      .set({ created_at: new Date() })
      .where('user_id', '=', options.userId)
      .where('key', '=', options.key)
      .where('completed_at', 'is', null)
      .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${abandonedAfterSeconds})`)
      .executeTakeFirst();
    if (takenOver.numUpdatedRows === 0n) throw new AppError('idempotency_in_flight', 409);
  }
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await work(trx);
      await trx
        .updateTable('idempotency_keys')
        .set({ status_code: 200, response: JSON.stringify(result), completed_at: new Date() })
        .where('user_id', '=', options.userId)
        .where('key', '=', options.key!)
        .execute();
      return result;
    });
  } catch (error) {
    // Nothing was done: free the key so the client may retry after fixing the request.
    await db.deleteFrom('idempotency_keys').where('user_id', '=', options.userId).where('key', '=', options.key).where('completed_at', 'is', null).execute();
    throw error;
  }
}
