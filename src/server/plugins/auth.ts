import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppContext } from '../app-context';
import { AppError } from '../errors';
import { resolveSession, type ClientInfo, type ResolvedSession } from '../features/accounts/service';

declare module 'fastify' {
  interface FastifyRequest {
    session: ResolvedSession | null;
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What an account still holding an initial (shared) password may do: see itself, change it, leave. */
const allowedBeforePasswordChange = new Set(['GET /api/v1/session', 'DELETE /api/v1/session', 'POST /api/v1/account/password']);
/** What an administrator without a second factor may do: the above, and set TOTP up (issue 9). */
const allowedBeforeTotpEnrolment = new Set([
  ...allowedBeforePasswordChange,
  'GET /api/v1/account/totp',
  'POST /api/v1/account/totp/enrolment',
  'POST /api/v1/account/totp/confirm',
]);

export function sessionCookieName(secure: boolean): string {
  // The __Host- prefix pins the cookie to this host and path / and requires Secure.
  return secure ? '__Host-huiju_session' : 'huiju_session';
}

export function setSessionCookie(reply: FastifyReply, ctx: AppContext, token: string) {
  reply.setCookie(sessionCookieName(ctx.config.secureCookies), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.secureCookies,
    path: '/',
    maxAge: ctx.config.sessionAbsoluteHours * 3600,
  });
}

export function clearSessionCookie(reply: FastifyReply, ctx: AppContext) {
  reply.clearCookie(sessionCookieName(ctx.config.secureCookies), { path: '/' });
}

/** The signed-in session, or a 401 problem. */
export function requireSession(request: FastifyRequest): ResolvedSession {
  if (!request.session) throw new AppError('unauthenticated', 401);
  return request.session;
}

export function clientOf(request: FastifyRequest): ClientInfo {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}

/** Compares in constant time (over digests, so lengths leak nothing either). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Resolves the session cookie to an actor on every API request and enforces CSRF protection:
 * a state-changing request made with a session must echo the session's token in X-CSRF-Token
 * (a cross-site page can send the cookie but cannot read the token).
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: { ctx: AppContext }) => {
  const { ctx } = opts;
  const cookieName = sessionCookieName(ctx.config.secureCookies);
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const token = request.cookies[cookieName];
    request.session = token ? await resolveSession(ctx.db, token, {
      idleMinutes: ctx.config.sessionIdleMinutes,
      absoluteHours: ctx.config.sessionAbsoluteHours,
    }) : null;
    if (request.session && !safeMethods.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameSecret(sent, request.session.csrfToken)) throw new AppError('csrf_failed', 403);
    }
    if (request.session?.mustChangePassword && request.url.startsWith('/api/v1/')) {
      const route = `${request.method} ${request.url.split('?')[0]}`;
      if (!allowedBeforePasswordChange.has(route)) throw new AppError('password_change_required', 403);
    }
    if (request.session?.totpEnrolmentRequired && request.url.startsWith('/api/v1/')) {
      const route = `${request.method} ${request.url.split('?')[0]}`;
      if (!allowedBeforeTotpEnrolment.has(route)) throw new AppError('totp_enrolment_required', 403);
    }
  });
});
