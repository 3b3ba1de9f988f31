import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { okResponse, queryBoolean } from '../../../shared/contracts/common';
import {
  activateAccountBody,
  activationInfo,
  activationInfoQuery,
  changePasswordBody,
  sessionView,
  signInBody,
} from '../../../shared/contracts/session';
import type { AppContext } from '../../app-context';
import { AppError } from '../../errors';
import { responses } from '../../http';
import { clearSessionCookie, clientOf, requireSession, setSessionCookie } from '../../plugins/auth';
import { presentSession } from './presenter';
import * as accounts from './service';

export const accountRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const settings = { idleMinutes: ctx.config.sessionIdleMinutes, absoluteHours: ctx.config.sessionAbsoluteHours };
  const tags = ['session'];

  app.post(
    '/session',
    { schema: { tags, summary: '登录 Sign in', body: signInBody, response: responses({ 200: sessionView }) } },
    async (request, reply) => {
      const { token } = await accounts.signIn(ctx.db, { ...request.body, client: clientOf(request), settings }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'rate_limited') reply.header('Retry-After', String(error.extra.retryAfterSeconds));
        throw error;
      });
      const session = await accounts.resolveSession(ctx.db, token, settings);
      if (!session) throw new AppError('internal_error', 500);
      setSessionCookie(reply, ctx, token);
      return presentSession(session, settings.idleMinutes);
    },
  );

  app.get(
    '/session',
    { schema: { tags, summary: '当前会话 Current session', response: responses({ 200: sessionView }) } },
    async (request) => presentSession(requireSession(request), settings.idleMinutes),
  );

  app.delete(
    '/session',
    {
      schema: {
        tags,
        summary: '退出登录 Sign out',
        querystring: z.object({ everywhere: queryBoolean(false) }),
        response: responses({ 200: okResponse }),
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      await accounts.signOut(ctx.db, {
        sessionId: session.sessionId,
        actor: session.actor,
        client: clientOf(request),
        everywhere: request.query.everywhere,
      });
      clearSessionCookie(reply, ctx);
      return { ok: true as const };
    },
  );

  app.post(
    '/account/password',
    { schema: { tags, summary: '修改密码 Change password', body: changePasswordBody, response: responses({ 200: okResponse }) } },
    async (request) => {
      const session = requireSession(request);
      await accounts.changePassword(ctx.db, {
        actor: session.actor,
        sessionId: session.sessionId,
        ...request.body,
        client: clientOf(request),
      });
      return { ok: true as const };
    },
  );

  app.get(
    '/account/activation',
    { schema: { tags, summary: '激活信息 Activation details', querystring: activationInfoQuery, response: responses({ 200: activationInfo }) } },
    async (request) => accounts.describeActivation(ctx.db, request.query.token),
  );

  app.post(
    '/account/activation',
    {
      schema: {
        tags,
        summary: '激活账户 Activate an account',
        body: activateAccountBody,
        response: responses({ 200: z.object({ username: z.string() }) }),
      },
    },
    async (request) => accounts.activateAccount(ctx.db, { ...request.body, client: clientOf(request) }),
  );
};
