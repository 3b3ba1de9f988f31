import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditList, auditQuery } from '../../../shared/contracts/audit';
import { isSystemAdmin, scopeOf } from '../../../shared/domain/access';
import type { AppContext } from '../../app-context';
import { forbidden } from '../../errors';
import { responses } from '../../http';
import { requireSession } from '../../plugins/auth';
import { searchAuditEntries } from './repository';

export const auditRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/audit',
    { schema: { tags: ['audit'], summary: '审计日志 Audit log', querystring: auditQuery, response: responses({ 200: auditList }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const scopePaths = isSystemAdmin(actor) ? null : scopeOf(actor, 'audit.view');
      if (scopePaths && scopePaths.length === 0) throw forbidden();
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
};
