import { sql } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DbOrTx } from './db/database';
import { AppError } from './errors';

/**
 * A fixed-window counter per key (the client's address) for the public forms (sign-ups, surveys,
 * contributions, demands): enough to stop one client from filling an activity's places or guessing
 * codes. Counted in the database (table rate_limit_windows, decision 019), so every Huiju process
 * on one database shares the count: a client spreading requests over processes behind a load
 * balancer meets the same limit. One atomic upsert per hit; the database's clock decides windows.
 */
export class RateLimiter {
  constructor(
    /** Names the limiter in the key (e.g. `signup.create`): each limiter counts on its own. */
    readonly name: string,
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts one hit for `key`; beyond the limit, the seconds until the window ends (else null). */
  async hit(db: DbOrTx, key: string): Promise<number | null> {
    const result = await sql<{ hits: number; retry_after: number }>`
      insert into rate_limit_windows as w (key, hits, expires_at)
      values (${`${this.name}:${key}`}, 1, now() + make_interval(secs => ${this.windowMs / 1000}))
      on conflict (key) do update set
        hits = case when w.expires_at <= now() then 1 else w.hits + 1 end,
        expires_at = case when w.expires_at <= now() then excluded.expires_at else w.expires_at end
      returning hits, ceil(extract(epoch from (expires_at - now())))::int as retry_after`.execute(db);
    const row = result.rows[0]!;
    return row.hits > this.limit ? Math.max(1, row.retry_after) : null;
  }
}

/** Deletes windows that have ended (run periodically; a hit on an ended window restarts it anyway). */
export async function purgeRateLimitWindows(db: DbOrTx): Promise<number> {
  const result = await db.deleteFrom('rate_limit_windows').where('expires_at', '<=', sql<Date>`now()`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Counts the request against `limiter`; beyond it, 429 (problem+json rate_limited) with Retry-After. */
export async function enforceRateLimit(db: DbOrTx, limiter: RateLimiter, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const retryAfter = await limiter.hit(db, request.ip);
  if (retryAfter === null) return;
  reply.header('Retry-After', String(retryAfter));
  throw new AppError('rate_limited', 429);
}
