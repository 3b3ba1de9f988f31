import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { okResponse, queryBoolean } from '../../../shared/contracts/common';
import {
  activateAccountBody,
  activationInfo,
  activationInfoQuery,
  changePasswordBody,
  recoveryCodesView,
  sessionView,
  signInBody,
  totpChallengeView,
  totpCodeBody,
  totpDisableBody,
  totpEnrolmentView,
  totpSignInBody,
  totpStatusView,
} from '../../../shared/contracts/session';
import type { AppContext } from '../../app-context';
import { AppError } from '../../errors';
import { responses } from '../../http';
import { clearSessionCookie, clientOf, requireSession, setSessionCookie } from '../../plugins/auth';
import { presentSession } from './presenter';
import * as secondFactor from './second-factor';
import * as accounts from './service';

export const accountRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const settings = { idleMinutes: ctx.config.sessionIdleMinutes, absoluteHours: ctx.config.sessionAbsoluteHours };
  const tags = ['session'];

  app.post(
    '/session',
    {
      schema: {
        tags,
        summary: '登录 Sign in (202: the account\'s authenticator code is asked next)',
        body: signInBody,
        response: responses({ 200: sessionView, 202: totpChallengeView }),
      },
    },
    async (request, reply) => {
      const outcome = await accounts.signIn(ctx.db, { ...request.body, client: clientOf(request), settings }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'rate_limited') reply.header('Retry-After', String(error.extra.retryAfterSeconds));
        throw error;
      });
      if (outcome.kind === 'totp_required') {
        return reply.status(202).send({ status: 'totp_required' as const, challengeToken: outcome.challengeToken, expiresAt: outcome.expiresAt.toISOString() });
      }
      return startSession(reply, outcome.token);
    },
  );

  app.post(
    '/session/totp',
    { schema: { tags, summary: '登录第二步：动态验证码 Sign in, second step', body: totpSignInBody, response: responses({ 200: sessionView }) } },
    async (request, reply) => {
      const { token } = await accounts
        .completeTotpSignIn(ctx.db, { ...request.body, client: clientOf(request), settings, totpKey: ctx.config.totpKey })
        .catch((error: unknown) => {
          if (error instanceof AppError && error.code === 'rate_limited') reply.header('Retry-After', String(error.extra.retryAfterSeconds));
          throw error;
        });
      return startSession(reply, token);
    },
  );

  async function startSession(reply: FastifyReply, token: string) {
    const session = await accounts.resolveSession(ctx.db, token, settings);
    if (!session) throw new AppError('internal_error', 500);
    setSessionCookie(reply, ctx, token);
    return reply.status(200).send(presentSession(session, settings.idleMinutes));
  }

  app.get(
    '/account/totp',
    { schema: { tags, summary: '动态验证码状态 Authenticator status', response: responses({ 200: totpStatusView }) } },
    async (request) => secondFactor.totpStatus(ctx.db, requireSession(request).actor),
  );

  app.post(
    '/account/totp/enrolment',
    { schema: { tags, summary: '开始绑定动态验证码 Start authenticator set-up', response: responses({ 200: totpEnrolmentView }) } },
    async (request) => {
      const session = requireSession(request);
      return secondFactor.startTotpEnrolment(ctx.db, { actor: session.actor, sessionId: session.sessionId, client: clientOf(request), totpKey: ctx.config.totpKey });
    },
  );

  app.post(
    '/account/totp/confirm',
    { schema: { tags, summary: '确认绑定动态验证码 Confirm authenticator set-up', body: totpCodeBody, response: responses({ 200: recoveryCodesView }) } },
    async (request) => {
      const session = requireSession(request);
      return secondFactor.confirmTotpEnrolment(ctx.db, {
        actor: session.actor,
        sessionId: session.sessionId,
        totpCode: request.body.totpCode,
        client: clientOf(request),
        totpKey: ctx.config.totpKey,
      });
    },
  );

  app.post(
    '/account/totp/recovery-codes',
    { schema: { tags, summary: '重新生成恢复码 New recovery codes', body: totpCodeBody, response: responses({ 200: recoveryCodesView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      return secondFactor.regenerateRecoveryCodes(ctx.db, { actor, totpCode: request.body.totpCode, client: clientOf(request), totpKey: ctx.config.totpKey });
    },
  );

  app.post(
    '/account/totp/disable',
    { schema: { tags, summary: '解绑动态验证码 Turn the authenticator off', body: totpDisableBody, response: responses({ 200: okResponse }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await secondFactor.disableOwnTotp(ctx.db, { actor, ...request.body, client: clientOf(request), totpKey: ctx.config.totpKey });
      return { ok: true as const };
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
