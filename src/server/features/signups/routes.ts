import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, okResponse } from '../../../shared/contracts/common';
import { activitySignupsView, checkInBody, checkInView, codeParams, publicSignupView, signupBody, signupListQuery, signupSettingsBody } from '../../../shared/contracts/signups';
import { maskName, maskPhone } from '../../../shared/domain/masking';
import { signupOpen } from '../../../shared/domain/signups';
import type { AppContext } from '../../app-context';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { enforceRateLimit, RateLimiter } from '../../rate-limit';
import * as signups from './service';

/** Per client address: sign-ups and cancellations per 10 minutes, and code look-ups (against guessing). */
export const signupLimits = { create: 10, cancel: 20, lookup: 60, windowMs: 10 * 60 * 1000 };

/** Signed in: the organising unit's settings, list and check-in; units above see the list masked. */
export const signupRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['signups'];

  app.get(
    '/showcase/activities/:id/signups',
    { schema: { tags, summary: '活动报名名单 Sign-ups of an activity', params: idParams, querystring: signupListQuery, response: responses({ 200: activitySignupsView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const { activity, organiser, counts, rows, total } = await signups.signupsOf(db, actor, request.params.id, request.query);
      const settings =
        activity.capacity !== null && activity.deadline !== null && activity.enabled !== null && activity.settings_version !== null
          ? { enabled: activity.enabled, capacity: activity.capacity, deadline: activity.deadline.toISOString(), open: signupOpen({ enabled: activity.enabled, deadline: activity.deadline }, new Date()), version: activity.settings_version }
          : null;
      return {
        activityId: activity.id,
        title: activity.title,
        unitName: activity.unit_name,
        published: activity.publication_status === 'approved' && !activity.withdrawn,
        organiser,
        settings,
        counts,
        total,
        items: rows.map((r) => ({
          id: r.id,
          attendeeName: organiser ? r.name : maskName(r.name),
          mobile: organiser ? r.mobile : maskPhone(r.mobile),
          affiliation: r.affiliation,
          status: r.status,
          position: r.position === null ? null : Number(r.position),
          checkedInAt: r.checked_in_at?.toISOString() ?? null,
          createdAt: r.created_at.toISOString(),
        })),
      };
    },
  );

  app.put(
    '/showcase/activities/:id/signup-settings',
    { schema: { tags, summary: '开放报名：名额与截止时间 Sign-up settings', params: idParams, body: signupSettingsBody, response: responses({ 200: okResponse }) } },
    async (request) => {
      await signups.saveSettings(db, { actor: requireSession(request).actor, activityId: request.params.id, input: request.body, client: clientOf(request) });
      return { ok: true as const };
    },
  );

  app.post(
    '/showcase/activities/:id/check-ins',
    { schema: { tags, summary: '现场签到 Check a sign-up in', params: idParams, body: checkInBody, response: responses({ 200: checkInView }) } },
    async (request) => {
      const { signup, checkedInAt, already, counts } = await signups.checkIn(db, { actor: requireSession(request).actor, activityId: request.params.id, code: request.body.signupCode, client: clientOf(request) });
      return { id: signup.id, attendeeName: signup.name, affiliation: signup.affiliation, checkedInAt: checkedInAt.toISOString(), already, counts };
    },
  );

  await app.register(publicSignupRoutes, { ctx });
};

/**
 * Public, no sign-in, never a name or a number in an answer: signing up (201, or 200 for the same
 * person again), the code's page with its QR code, cancelling with the code. Rate-limited per
 * client address; answers are not cached.
 */
const publicSignupRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['signups-public'];
  const limits = {
    create: new RateLimiter('signup.create', signupLimits.create, signupLimits.windowMs),
    cancel: new RateLimiter('signup.cancel', signupLimits.cancel, signupLimits.windowMs),
    lookup: new RateLimiter('signup.lookup', signupLimits.lookup, signupLimits.windowMs),
  };
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.post(
    '/public/showcase/activities/:id/signups',
    { schema: { tags, summary: '报名（公开）Sign up', params: idParams, body: signupBody, response: responses({ 200: publicSignupView, 201: publicSignupView }) } },
    async (request, reply) => {
      await enforceRateLimit(db, limits.create, request, reply);
      const { created, view } = await signups.signUp(db, { activityId: request.params.id, input: request.body, ip: request.ip });
      return reply.status(created ? 201 : 200).send(view);
    },
  );

  app.get(
    '/public/showcase/signups/:code',
    { schema: { tags, summary: '我的报名（公开，凭报名码）A sign-up by its code', params: codeParams, response: responses({ 200: publicSignupView }) } },
    async (request, reply) => {
      await enforceRateLimit(db, limits.lookup, request, reply);
      return signups.byCode(db, request.params.code);
    },
  );

  app.post(
    '/public/showcase/signups/:code/cancel',
    { schema: { tags, summary: '取消报名（公开，凭报名码）Cancel a sign-up', params: codeParams, response: responses({ 200: publicSignupView }) } },
    async (request, reply) => {
      await enforceRateLimit(db, limits.cancel, request, reply);
      return signups.cancel(db, { code: request.params.code, ip: request.ip });
    },
  );
};
