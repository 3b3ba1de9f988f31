import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, okResponse } from '../../../shared/contracts/common';
import { provenanceView, recommendationPool, recommendBody } from '../../../shared/contracts/selection';
import { can } from '../../../shared/domain/access';
import { quotaFor } from '../../../shared/domain/evaluation';
import type { AppContext } from '../../app-context';
import { notFound } from '../../errors';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { assertCanCollect, loadTask } from '../submissions/service';
import * as recommendations from './recommendations';

export const selectionRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['selection'];

  app.get(
    '/collection-tasks/:id/recommendation-pool',
    { schema: { tags, summary: '可推荐的活动与本单位的推荐 Pool to recommend from', params: idParams, response: responses({ 200: recommendationPool }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const task = await loadTask(db, request.params.id);
      await assertCanCollect(db, actor, task);
      const upper = task.upstream_task_id ? await loadTask(db, task.upstream_task_id) : undefined;
      const pool = await recommendations.poolOf(db, task);
      const mine = upper ? await recommendations.recommendationsFrom(db, upper.id, task.issuer_unit_id) : [];
      const unit = await db.selectFrom('units').select('type').where('id', '=', task.issuer_unit_id).executeTakeFirstOrThrow();
      const seen = new Set<number>();
      return {
        upperTask: upper
          ? {
              id: upper.id,
              title: upper.title,
              deadline: upper.deadline.toISOString(),
              issuerName: upper.issuer_name,
              quota: quotaFor(upper.recommendation_quota, unit.type),
              closed: new Date() > upper.deadline,
            }
          : null,
        recommended: mine.length,
        // An activity reaching the pool twice (accepted here and recommended by a forwarder) shows once.
        items: pool
          .filter((p) => !seen.has(p.activity_id) && seen.add(p.activity_id))
          .map((p) => ({
            activityId: p.activity_id,
            title: p.title,
            unitId: p.unit_id,
            unitName: p.unit_name,
            modules: p.modules,
            phaseId: p.phase_id,
            source: p.source,
            recommendedByUnit: p.recommended_by_unit,
            reason: p.reason,
            recommendationId: mine.find((m) => m.activity_id === p.activity_id)?.id ?? null,
          })),
      };
    },
  );

  app.post(
    '/collection-tasks/:id/recommendations',
    { schema: { tags, summary: '向上推荐（含推荐理由，受名额限制）Recommend upward', params: idParams, body: recommendBody, response: responses({ 201: z.object({ id: z.number().int() }) }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const id = await recommendations.recommend(db, { actor, taskId: request.params.id, ...request.body, client: clientOf(request) });
      return reply.status(201).send({ id });
    },
  );

  app.delete(
    '/recommendations/:id',
    { schema: { tags, summary: '撤回推荐（上级截止前）Withdraw a recommendation', params: idParams, response: responses({ 200: okResponse }) } },
    async (request) => {
      await recommendations.withdrawRecommendation(db, { actor: requireSession(request).actor, id: request.params.id, client: clientOf(request) });
      return { ok: true as const };
    },
  );

  app.get(
    '/activities/:id/provenance',
    { schema: { tags, summary: '逐级推荐记录 Who recommended it, when, why', params: idParams, response: responses({ 200: provenanceView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const activity = await db
        .selectFrom('activities as a')
        .innerJoin('units as u', 'u.id', 'a.unit_id')
        .select(['a.id', 'u.path'])
        .where('a.id', '=', request.params.id)
        .executeTakeFirst();
      if (!activity) throw notFound();
      const chain = await recommendations.provenanceOf(db, activity.id);
      // Visible to the activity's own line and to every level it was recommended to.
      const visible = can(actor, 'units.view', activity.path) || chain.some((c) => can(actor, 'units.view', c.to_path));
      if (!visible) throw notFound();
      return chain.map((c) => ({
        fromUnit: c.from_unit,
        toUnit: c.to_unit,
        reason: c.reason,
        recommendedAt: c.recommended_at.toISOString(),
        recommendedBy: c.recommended_by,
        withdrawnAt: c.withdrawn_at?.toISOString() ?? null,
      }));
    },
  );
};
