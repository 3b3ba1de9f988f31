import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors';

/**
 * A fixed-window counter per key (the client's address) kept in memory, for the public forms
 * (sign-ups, surveys, contributions, demands): enough to stop one client from filling an
 * activity's places or guessing codes; a restart forgets it. Several processes behind one proxy
 * would each count separately.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit for `key`; beyond the limit, the seconds until the window ends (else null). */
  hit(key: string): number | null {
    const now = this.now();
    const current = this.windows.get(key);
    if (!current || now - current.start >= this.windowMs) {
      if (this.windows.size > 50_000) this.sweep(now);
      this.windows.set(key, { start: now, count: 1 });
      return null;
    }
    current.count += 1;
    return current.count > this.limit ? Math.max(1, Math.ceil((current.start + this.windowMs - now) / 1000)) : null;
  }

  private sweep(now: number) {
    for (const [key, value] of this.windows) if (now - value.start >= this.windowMs) this.windows.delete(key);
  }
}

/** Counts the request against `limiter`; beyond it, 429 (problem+json rate_limited) with Retry-After. */
export function enforceRateLimit(limiter: RateLimiter, request: FastifyRequest, reply: FastifyReply): void {
  const retryAfter = limiter.hit(request.ip);
  if (retryAfter === null) return;
  reply.header('Retry-After', String(retryAfter));
  throw new AppError('rate_limited', 429);
}
