import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, okResponse, versionedOk } from '../../../shared/contracts/common';
import {
  assignBody,
  createRoundBody,
  decisionBody,
  declineBody,
  eligibilityBody,
  objectionBody,
  objectionView,
  publicityView,
  resolveObjectionBody,
  resultsView,
  reviewAssignment,
  reviewersBody,
  roundView,
  scoreBody,
  stageBody,
} from '../../../shared/contracts/evaluation';
import type { Actor } from '../../../shared/domain/access';
import type { AppContext } from '../../app-context';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { routedRead } from '../../plugins/read-routing';
import { contentDisposition } from '../files/service';
import { draftCommendationNotice, mailingLabels, mailingWorkbook } from './commendation';
import * as evaluation from './evaluation';

export const evaluationRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['evaluation'];

  const viewOf = async (actor: Actor, id: number) => {
    const { round, categories, criteria, candidates, reviewers, assignments } = await evaluation.roundDetail(db, actor, id);
    return {
      id: round.id,
      unitId: round.unit_id,
      unitName: round.unit_name,
      title: round.title,
      stage: round.stage,
      blind: round.blind,
      aggregation: round.aggregation,
      normalise: round.normalise,
      publicityDays: round.publicity_days,
      publicityStartsAt: round.publicity_starts_at?.toISOString() ?? null,
      publicityEndsAt: round.publicity_ends_at?.toISOString() ?? null,
      sourceTaskId: round.source_task_id,
      commendationNoticeId: round.commendation_notice_id,
      categories: categories.map((c) => ({ id: c.id, name: c.name, kind: c.kind, places: c.places })),
      criteria: criteria.map((c) => ({ id: c.id, name: c.name, weight: Number(c.weight), minScore: Number(c.min_score), maxScore: Number(c.max_score) })),
      reviewers: reviewers.map((r) => ({
        userId: r.id,
        name: r.display_name,
        unitName: r.short_name,
        assigned: assignments.filter((a) => a.user_id === r.id).length,
        submitted: assignments.filter((a) => a.user_id === r.id && a.submitted_at).length,
      })),
      candidates: candidates.map((c) => ({
        id: c.id,
        categoryId: c.category_id,
        activityId: c.activity_id,
        nominationId: c.nomination_id,
        title: c.activity_title ?? c.unit_name,
        unitId: c.unit_id,
        unitName: c.unit_name,
        record: c.record,
        eligible: c.eligible,
        eligibilityNote: c.eligibility_note,
        selected: c.selected,
        version: c.version,
        reviewers: assignments
          .filter((a) => a.candidate_id === c.id)
          .map((a) => ({ userId: a.user_id, name: a.display_name, submitted: a.submitted_at !== null, declined: a.declined_reason !== null })),
      })),
      version: round.version,
    };
  };

  app.post(
    '/evaluation-rounds',
    { schema: { tags, summary: '新建评选 Create an evaluation round', body: createRoundBody, response: responses({ 201: roundView }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const id = await evaluation.createRound(db, { actor, input: request.body, client: clientOf(request) });
      return reply.status(201).send(await viewOf(actor, id));
    },
  );

  app.get(
    '/evaluation-rounds/:id',
    { schema: { tags, summary: '评选详情 The round', params: idParams, response: responses({ 200: roundView }) } },
    async (request) => viewOf(requireSession(request).actor, request.params.id),
  );

  app.post(
    '/evaluation-rounds/:id/candidates/propose',
    { schema: { tags, summary: '生成候选（推荐池与单位实绩）Propose candidates', params: idParams, response: responses({ 200: z.object({ added: z.number().int() }) }) } },
    async (request) => ({ added: await evaluation.proposeCandidates(db, { actor: requireSession(request).actor, roundId: request.params.id, client: clientOf(request) }) }),
  );

  app.patch(
    '/evaluation-candidates/:id/eligibility',
    { schema: { tags, summary: '资格审查 Eligibility', params: idParams, body: eligibilityBody, response: responses({ 200: versionedOk }) } },
    async (request) => {
      const version = await evaluation.setEligibility(db, { actor: requireSession(request).actor, candidateId: request.params.id, ...request.body, client: clientOf(request) });
      return { ok: true as const, version };
    },
  );

  app.put(
    '/evaluation-rounds/:id/reviewers',
    { schema: { tags, summary: '评审专家 Experts of the round', params: idParams, body: reviewersBody, response: responses({ 200: versionedOk }) } },
    async (request) => {
      const version = await evaluation.setReviewers(db, { actor: requireSession(request).actor, roundId: request.params.id, ...request.body, client: clientOf(request) });
      return { ok: true as const, version };
    },
  );

  app.get(
    '/evaluation-rounds/:id/expert-choices',
    {
      schema: {
        tags,
        summary: '可选评审专家 Experts to choose from',
        params: idParams,
        querystring: z.object({ q: z.string().trim().max(100).optional() }),
        response: responses({ 200: z.array(z.object({ userId: z.number().int(), name: z.string(), unitName: z.string() })) }),
      },
    },
    async (request) => evaluation.expertChoices(db, requireSession(request).actor, request.params.id, request.query.q || undefined),
  );

  app.post(
    '/evaluation-rounds/:id/assign',
    {
      schema: {
        tags,
        summary: '自动分配（均衡、回避）Assign experts automatically',
        params: idParams,
        body: assignBody,
        response: responses({ 200: z.object({ assignments: z.number().int(), shortfall: z.array(z.number().int()) }) }),
      },
    },
    async (request) => evaluation.assignAutomatically(db, { actor: requireSession(request).actor, roundId: request.params.id, perCandidate: request.body.perCandidate, client: clientOf(request) }),
  );

  app.put(
    '/evaluation-candidates/:id/reviewers',
    { schema: { tags, summary: '手动指定专家（回避检查）Assign experts by hand', params: idParams, body: reviewersBody, response: responses({ 200: versionedOk }) } },
    async (request) => {
      const version = await evaluation.assignManually(db, { actor: requireSession(request).actor, candidateId: request.params.id, ...request.body, client: clientOf(request) });
      return { ok: true as const, version };
    },
  );

  app.get(
    '/my-reviews',
    { schema: { tags, summary: '我的评审任务 My reviews', response: responses({ 200: z.array(reviewAssignment) }) } },
    async (request) => evaluation.myReviews(db, requireSession(request).actor),
  );

  app.put(
    '/my-reviews/:id/scores',
    { schema: { tags, summary: '打分（可暂存）Score a candidate', params: idParams, body: scoreBody, response: responses({ 200: versionedOk }) } },
    async (request) => {
      const version = await evaluation.scoreCandidate(db, { actor: requireSession(request).actor, candidateId: request.params.id, ...request.body, client: clientOf(request) });
      return { ok: true as const, version };
    },
  );

  app.post(
    '/my-reviews/:id/decline',
    { schema: { tags, summary: '声明回避 Declare a conflict', params: idParams, body: declineBody, response: responses({ 200: okResponse }) } },
    async (request) => {
      await evaluation.declineReview(db, { actor: requireSession(request).actor, candidateId: request.params.id, reason: request.body.reason, client: clientOf(request) });
      return { ok: true as const };
    },
  );

  app.get(
    '/evaluation-rounds/:id/results',
    { schema: { tags, summary: '汇总排名（并列标注）Ranking', params: idParams, response: responses({ 200: resultsView }) } },
    async (request) => evaluation.results(db, requireSession(request).actor, request.params.id),
  );

  app.put(
    '/evaluation-rounds/:id/decision',
    { schema: { tags, summary: '确定名单（不超过名额）Decide the list', params: idParams, body: decisionBody, response: responses({ 200: versionedOk }) } },
    async (request) => {
      const version = await evaluation.decide(db, { actor: requireSession(request).actor, roundId: request.params.id, ...request.body, client: clientOf(request) });
      return { ok: true as const, version };
    },
  );

  app.post(
    '/evaluation-rounds/:id/stage',
    { schema: { tags, summary: '进入下一阶段 Next stage', params: idParams, body: stageBody, response: responses({ 200: roundView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await evaluation.advanceStage(db, { actor, roundId: request.params.id, to: request.body.to, client: clientOf(request) });
      return viewOf(actor, request.params.id);
    },
  );

  app.get(
    '/evaluation-rounds/:id/objections',
    { schema: { tags, summary: '公示异议 Objections', params: idParams, response: responses({ 200: z.array(objectionView) }) } },
    async (request) => {
      const rows = await evaluation.objections(db, requireSession(request).actor, request.params.id);
      return rows.map((o) => ({
        id: o.id,
        candidateId: o.candidate_id,
        candidateTitle: o.title ?? o.short_name,
        content: o.content,
        contact: o.contact,
        receivedAt: o.received_at.toISOString(),
        resolution: o.resolution,
        upheld: o.upheld,
        resolvedAt: o.resolved_at?.toISOString() ?? null,
      }));
    },
  );

  app.post(
    '/evaluation-objections/:id/resolve',
    { schema: { tags, summary: '处理异议 Resolve an objection', params: idParams, body: resolveObjectionBody, response: responses({ 200: okResponse }) } },
    async (request) => {
      await evaluation.resolveObjection(db, { actor: requireSession(request).actor, objectionId: request.params.id, ...request.body, client: clientOf(request) });
      return { ok: true as const };
    },
  );

  app.post(
    '/evaluation-rounds/:id/commendation',
    { schema: { tags, summary: '生成通报表扬（通知草稿）Draft the commendation notice', params: idParams, response: responses({ 200: z.object({ noticeId: z.number().int() }) }) } },
    async (request) => ({ noticeId: await draftCommendationNotice(db, { actor: requireSession(request).actor, roundId: request.params.id, client: clientOf(request) }) }),
  );

  app.get(
    '/evaluation-rounds/:id/mailing.xlsx',
    { schema: { tags, summary: '牌匾邮寄信息（个人信息导出：需单独授权并再次验证身份，留痕）Plaque mailing list', params: idParams } },
    async (request, reply) => {
      const { actor, sessionId } = requireSession(request);
      const buffer = await mailingWorkbook(db, { actor, sessionId, roundId: request.params.id, client: clientOf(request) });
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('Content-Disposition', contentDisposition('牌匾邮寄信息.xlsx')).send(buffer);
    },
  );

  app.get(
    '/evaluation-rounds/:id/labels.pdf',
    { schema: { tags, summary: '邮寄标签（个人信息导出：需单独授权并再次验证身份）Address labels', params: idParams } },
    async (request, reply) => {
      const { actor, sessionId } = requireSession(request);
      const buffer = await mailingLabels(db, { actor, sessionId, roundId: request.params.id, client: clientOf(request) });
      return reply.type('application/pdf').header('Content-Disposition', contentDisposition('邮寄标签.pdf')).send(buffer);
    },
  );

  // Public: the 公示 list and its objection channel, without sign-in and without personal data.
  app.get(
    '/public/publicity/:id',
    { schema: { tags, summary: '公示名单（公开）Publicity list', params: idParams, response: responses({ 200: publicityView }) } },
    async (request, reply) => {
      reply.header('Cache-Control', 'public, max-age=60');
      return routedRead(request, (db) => evaluation.publicity(db, request.params.id));
    },
  );

  app.post(
    '/public/publicity/:id/objections',
    { schema: { tags, summary: '提出异议（公开）File an objection', params: idParams, body: objectionBody, response: responses({ 201: z.object({ id: z.number().int() }) }) } },
    async (request, reply) => {
      const id = await evaluation.fileObjection(db, { roundId: request.params.id, ...request.body, ip: request.ip });
      return reply.status(201).send({ id });
    },
  );
};
