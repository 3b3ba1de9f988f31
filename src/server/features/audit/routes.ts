import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditList, auditQuery } from '../../../shared/contracts/audit';
import { z } from 'zod';
import { isAuditAdmin, scopeOf, type Actor } from '../../../shared/domain/access';
import type { AppContext } from '../../app-context';
import { forbidden } from '../../errors';
import { responses } from '../../http';
import { requireSession } from '../../plugins/auth';
import { verifyAuditChainConsistently } from './chain';
import { searchAuditEntries } from './repository';

/**
 * Who reads which part of the log (三员分立, decision 010): the audit administrator all of it; a
 * unit administrator its subtree below the national root (the whole-system log is not theirs);
 * nobody else, the system administrator included.
 */
function auditScope(actor: Actor): string[] | null {
  if (isAuditAdmin(actor)) return null;
  const scope = scopeOf(actor, 'audit.view').filter((path) => path.split('/').filter(Boolean).length > 1);
  if (scope.length === 0) throw forbidden();
  return scope;
}

const auditVerification = z.object({
  ok: z.boolean(),
  rows: z.number().int(),
  headSeq: z.string(),
  headHash: z.string(),
  anchorSeq: z.string(),
  firstBroken: z.object({ id: z.string().nullable(), seq: z.string().nullable(), reason: z.string() }).nullable(),
});

export const auditRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/audit',
    { schema: { tags: ['audit'], summary: '审计日志 Audit log', querystring: auditQuery, response: responses({ 200: auditList }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const scopePaths = auditScope(actor);
      const { items, total } = await searchAuditEntries(ctx.db, { ...request.query, scopePaths });
      return {
        total,
        items: items.map((row) => ({
          id: row.id,
          occurredAt: row.occurred_at.toISOString(),
          actorUsername: row.actor_username,
          actorUnitName: row.actor_unit_name,
          unitId: row.unit_id,
          unitName: row.unit_name,
          action: row.action,
          targetType: row.target_type,
          targetId: row.target_id,
          outcome: row.outcome,
          ip: row.ip,
          details: row.details,
        })),
      };
    },
  );

  app.get(
    '/audit/verify',
    { schema: { tags: ['audit'], summary: '校验审计日志哈希链 Verify the audit chain (安全审计员)', response: responses({ 200: auditVerification }) } },
    async (request) => {
      const { actor } = requireSession(request);
      if (scopeOf(actor, 'audit.verify').length === 0) throw forbidden();
      const report = await verifyAuditChainConsistently(ctx.db);
      return {
        ok: report.ok,
        rows: report.rows,
        headSeq: report.head.headSeq,
        headHash: report.head.headHash,
        anchorSeq: report.head.anchorSeq,
        firstBroken: report.firstBroken,
      };
    },
  );
};
