import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { AppError } from '../../errors';
import { responses } from '../../http';

export const healthRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: '健康检查 Health',
        response: responses({
          200: z.object({
            status: z.literal('ok'),
            database: z.enum(['pglite', 'postgresql']),
            version: z.string(),
            /** Read replica (decision 020): its state as last measured and where this process's routed reads went. */
            reads: z.object({
              replica: z.enum(['none', 'unknown', 'healthy', 'lagging', 'down']),
              lagSeconds: z.number().nullable(),
              maxLagSeconds: z.number(),
              readsFromReplica: z.number().int(),
              readsFromPrimary: z.number().int(),
              replicaFallbacks: z.number().int(),
            }),
          }),
        }),
      },
    },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(ctx.db);
      } catch {
        reply.header('Retry-After', '5');
        throw new AppError('database_unavailable', 503);
      }
      return { status: 'ok' as const, database: ctx.databaseKind, version: ctx.version, reads: app.reads.stats() };
    },
  );
};
