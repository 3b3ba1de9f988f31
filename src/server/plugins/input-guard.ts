import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type FieldError } from '../errors';

/**
 * PostgreSQL text cannot hold the NUL character (U+0000): a string carrying one would fail deep in
 * SQL as a 500. Every request's parameters, query and JSON body are checked once they passed their
 * schema (so a malformed field is still reported by validation first), and
 * such input is refused as a 422 naming each field (found by the fuzz test, tests/api/fuzz.test.ts).
 */
function findNul(value: unknown, path: string[], found: FieldError[], depth = 0): void {
  if (found.length >= 20 || depth > 32) return;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push({ field: path.join('.'), code: 'invalid' });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => findNul(item, [...path, String(i)], found, depth + 1));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) found.push({ field: [...path, key.split('\u0000').join('\\u0000')].join('.'), code: 'invalid' });
      findNul(item, [...path, key], found, depth + 1);
    }
  }
}

export const inputGuardPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preHandler', async (request) => {
    const found: FieldError[] = [];
    findNul(request.params, [], found);
    findNul(request.query, [], found);
    findNul(request.body, [], found);
    if (found.length > 0) throw new AppError('validation_failed', 422, {}, found);
  });
});
