import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, okResponse } from '../../../shared/contracts/common';
import {
  answerBody,
  caseBody,
  demandBody,
  demandDetail,
  demandListQuery,
  demandListView,
  demandReceipt,
  demandStatisticsView,
  forwardBody,
  forwardTargetsQuery,
  forwardTargetsView,
  lookupParams,
  publicCasesQuery,
  publicCasesView,
  publicDemandView,
  ratingBody,
  regionsQuery,
  regionsView,
  societiesQuery,
  societiesView,
  statisticsQuery,
  timeLimitsBody,
  timeLimitsView,
  versionBody,
} from '../../../shared/contracts/demands';
import { mayHandleDemand } from '../../../shared/domain/demands';
import type { AppContext } from '../../app-context';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { routedRead } from '../../plugins/read-routing';
import { enforceRateLimit, RateLimiter } from '../../rate-limit';
import { presentContact, presentListItem } from './presenter';
import * as repo from './repository';
import * as demands from './service';

/** Per client address and 10 minutes: submissions, code look-ups (against guessing), ratings. */
export const demandLimits = { submit: 10, lookup: 60, rate: 20, windowMs: 10 * 60 * 1000 };

export const demandRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['demands'];
  const publicUrl = ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`;

  app.get(
    '/demands',
    { schema: { tags, summary: '诉求列表（本单位及下级）Demands of the subtree', querystring: demandListQuery, response: responses({ 200: demandListView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const { rows, total } = await demands.list(db, actor, request.query);
      const names = await repo.regionNames(db, rows.map((r) => r.region_code));
      return { total, items: rows.map((r) => presentListItem(r, mayHandleDemand(actor, r.unit_path), names.get(r.region_code) ?? r.region_code)) };
    },
  );

  app.get(
    '/demands/statistics',
    { schema: { tags, summary: '诉求办理统计 Statistics of a subtree', querystring: statisticsQuery, response: responses({ 200: demandStatisticsView }) } },
    async (request) => demands.statistics(db, requireSession(request).actor, request.query.unitId),
  );

  app.get(
    '/demands/:id',
    { schema: { tags, summary: '诉求详情 A demand', params: idParams, response: responses({ 200: demandDetail }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const { demand, handling } = await demands.loadVisible(db, actor, request.params.id);
      const [events, names] = await Promise.all([repo.eventsOf(db, demand.id), repo.regionNames(db, [demand.region_code])]);
      return {
        ...presentListItem(demand, handling, names.get(demand.region_code) ?? demand.region_code),
        description: demand.description,
        contact: presentContact(demand, handling),
        acceptDueAt: demand.accept_due_at.toISOString(),
        replyDueAt: demand.reply_due_at.toISOString(),
        firstReplyDueAt: demand.first_reply_due_at.toISOString(),
        answer: demand.answer,
        answeredAt: demand.answered_at?.toISOString() ?? null,
        ratingComment: demand.rating_comment,
        case: { title: demand.case_title, summary: demand.case_summary, publishedAt: demand.case_published_at?.toISOString() ?? null },
        events: events.map((e) => ({ kind: e.kind, at: e.at.toISOString(), fromUnitName: e.from_name, toUnitName: e.to_name, note: e.note })),
        version: demand.version,
      };
    },
  );

  app.get(
    '/demands/:id/forward-targets',
    { schema: { tags, summary: '可转办单位 Units a demand may be forwarded to', params: idParams, querystring: forwardTargetsQuery, response: responses({ 200: forwardTargetsView }) } },
    async (request) => demands.forwardTargets(db, requireSession(request).actor, request.params.id, request.query.q),
  );

  app.post(
    '/demands/:id/accept',
    { schema: { tags, summary: '受理 Accept a demand', params: idParams, body: versionBody, response: responses({ 200: okResponse }) } },
    async (request) => {
      await demands.accept(db, { actor: requireSession(request).actor, id: request.params.id, version: request.body.version, client: clientOf(request) });
      return { ok: true as const };
    },
  );

  app.post(
    '/demands/:id/forward',
    { schema: { tags, summary: '转办 Forward a demand', params: idParams, body: forwardBody, response: responses({ 200: okResponse }) } },
    async (request) => {
      await demands.forward(db, { actor: requireSession(request).actor, id: request.params.id, ...request.body, client: clientOf(request), publicUrl });
      return { ok: true as const };
    },
  );

  app.post(
    '/demands/:id/answer',
    { schema: { tags, summary: '答复 Answer a demand', params: idParams, body: answerBody, response: responses({ 200: okResponse }) } },
    async (request) => {
      await demands.answer(db, { actor: requireSession(request).actor, id: request.params.id, ...request.body, client: clientOf(request), publicUrl });
      return { ok: true as const };
    },
  );

  app.put(
    '/demands/:id/case',
    { schema: { tags, summary: '“办实事”案例（匿名摘要）Publish an anonymised case', params: idParams, body: caseBody, response: responses({ 200: okResponse }) } },
    async (request) => {
      await demands.saveCase(db, { actor: requireSession(request).actor, id: request.params.id, ...request.body, client: clientOf(request) });
      return { ok: true as const };
    },
  );

  app.get(
    '/demand-time-limits',
    { schema: { tags, summary: '办理时限 Time limits per category', response: responses({ 200: timeLimitsView }) } },
    async (request) => {
      requireSession(request);
      return demands.getTimeLimits(db);
    },
  );

  app.put(
    '/demand-time-limits',
    { schema: { tags, summary: '设置办理时限（系统管理员）Set time limits', body: timeLimitsBody, response: responses({ 200: timeLimitsView }) } },
    async (request) => demands.setTimeLimits(db, { actor: requireSession(request).actor, limits: request.body.limits, client: clientOf(request) }),
  );

  await app.register(publicDemandRoutes, { ctx });
};

/**
 * Public, no sign-in: the form's choices, submitting, the code's page, rating, and the 办实事 cases.
 * Rate-limited per client address; never a contact or a staff member's data in an answer.
 */
const publicDemandRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['demands-public'];
  const publicUrl = ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`;
  const limits = {
    submit: new RateLimiter('demand.submit', demandLimits.submit, demandLimits.windowMs),
    lookup: new RateLimiter('demand.lookup', demandLimits.lookup, demandLimits.windowMs),
    rate: new RateLimiter('demand.rate', demandLimits.rate, demandLimits.windowMs),
  };
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.get(
    '/public/demands/regions',
    { schema: { tags, summary: '地区（逐级选择）Regions below a region', querystring: regionsQuery, response: responses({ 200: regionsView }) } },
    async (request) => routedRead(request, (db) => demands.regions(db, request.query.parent)),
  );

  app.get(
    '/public/demands/societies',
    { schema: { tags, summary: '学会（按名称查找）Societies by name', querystring: societiesQuery, response: responses({ 200: societiesView }) } },
    async (request) => routedRead(request, (db) => demands.societies(db, request.query.q)),
  );

  app.post(
    '/public/demands',
    { schema: { tags, summary: '提交诉求（公开）Submit a demand', body: demandBody, response: responses({ 201: demandReceipt }) } },
    async (request, reply) => {
      await enforceRateLimit(db, limits.submit, request, reply);
      return reply.status(201).send(await demands.submit(db, { input: request.body, ip: request.ip, publicUrl }));
    },
  );

  app.get(
    '/public/demands/:code',
    { schema: { tags, summary: '诉求进度（凭查询码）A demand by its lookup code', params: lookupParams, response: responses({ 200: publicDemandView }) } },
    async (request, reply) => {
      await enforceRateLimit(db, limits.lookup, request, reply);
      return routedRead(request, (db) => demands.publicView(db, request.params.code));
    },
  );

  app.post(
    '/public/demands/:code/rating',
    { schema: { tags, summary: '评价（凭查询码，一次）Rate the answer once', params: lookupParams, body: ratingBody, response: responses({ 200: publicDemandView }) } },
    async (request, reply) => {
      await enforceRateLimit(db, limits.rate, request, reply);
      return demands.rate(db, { code: request.params.code, score: request.body.score, comment: request.body.comment, ip: request.ip });
    },
  );

  app.get(
    '/public/demand-cases',
    { schema: { tags, summary: '“办实事”案例（公开）Published cases', querystring: publicCasesQuery, response: responses({ 200: publicCasesView }) } },
    async (request) => routedRead(request, (db) => demands.cases(db, request.query.page, request.query.pageSize)),
  );
};
