import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppContext } from '../app-context';
import type { Db } from '../db/database';
import { ReadRouter, type ReadSource } from '../db/read-routing';

/**
 * The HTTP side of read replica routing (decision 020). Routes whose reads may come from the
 * replica (public showcase pages, statistics) run them through `routedRead(request, (db) => …)`;
 * everything else keeps using ctx.db, the primary. Read-your-writes: a successful write sets a
 * short-lived cookie, and while it lasts that client's routed reads go to the primary.
 */
declare module 'fastify' {
  interface FastifyInstance {
    reads: ReadRouter;
    /** The read-your-writes cookie: its name and how long it lasts. */
    readCookie: { name: string; stickyMs: number };
  }
}

export const readSourceHeader = 'X-Huiju-Read-Source';

export function primaryUntilCookieName(secure: boolean): string {
  // The same prefix rule as the session cookie (auth.ts): __Host- requires Secure and path /.
  return secure ? '__Host-huiju_primary_until' : 'huiju_primary_until';
}

const sources = new WeakMap<FastifyRequest, ReadSource>();
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Epoch ms until which this request's client reads from the primary, from its cookie (clamped to the window). */
export function primaryUntilOf(request: FastifyRequest): number | undefined {
  const { name, stickyMs } = request.server.readCookie;
  const raw = request.cookies[name];
  if (!raw || !/^\d{1,15}$/.test(raw)) return undefined;
  // A forged far-future value only sends its own reads to the primary, and no further than one window.
  return Math.min(Number(raw), Date.now() + stickyMs);
}

/** True while this request's client is inside its read-your-writes window (and a replica exists). */
export function readsOwnWrites(request: FastifyRequest): boolean {
  return request.server.reads.replica !== undefined && (primaryUntilOf(request) ?? 0) > Date.now();
}

/**
 * Runs a read that the replica may answer: the database is chosen here and only here, the answer's
 * source is shown in X-Huiju-Read-Source, and a replica losing its connection is retried on the
 * primary.
 */
export async function routedRead<T>(request: FastifyRequest, read: (db: Db) => Promise<T>): Promise<T> {
  const router = request.server.reads;
  const { value, source } = await router.run(router.choose(primaryUntilOf(request)), read);
  // Several reads in one request: the header says primary when any of them was.
  if (sources.get(request) !== 'primary') sources.set(request, source);
  return value;
}

/** Where this request's routed reads were answered from, if it made any. */
export function readSourceOf(request: FastifyRequest): ReadSource | undefined {
  return sources.get(request);
}

export const readRoutingPlugin = fp(async (app: FastifyInstance, opts: { ctx: AppContext }) => {
  const { ctx } = opts;
  const router = new ReadRouter({
    primary: ctx.db,
    replica: ctx.replicaDb,
    maxLagSeconds: ctx.config.replicaMaxLagSeconds,
    ...(ctx.replicaCheckIntervalMs !== undefined ? { checkIntervalMs: ctx.replicaCheckIntervalMs } : {}),
    warn: (message) => app.log.warn(message),
    info: (message) => app.log.info(message),
  });
  const cookie = { name: primaryUntilCookieName(ctx.config.secureCookies), stickyMs: ctx.config.replicaStickySeconds * 1000 };
  app.decorate('reads', router);
  app.decorate('readCookie', cookie);
  app.addHook('onReady', async () => router.start());
  app.addHook('onClose', async () => router.stop());

  app.addHook('onSend', async (request, reply, payload) => {
    const source = sources.get(request);
    if (source) reply.header(readSourceHeader, source);
    // Without a replica every read is from the primary: no cookie needed.
    if (router.replica && cookie.stickyMs > 0 && !safeMethods.has(request.method) && reply.statusCode < 400) {
      reply.setCookie(cookie.name, String(Date.now() + cookie.stickyMs), {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.config.secureCookies,
        maxAge: Math.ceil(cookie.stickyMs / 1000),
      });
    }
    return payload;
  });
});
