import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { okResponse, paginationQuery } from '../../../shared/contracts/common';
import { isSystemAdmin, viewingGrants } from '../../../shared/domain/access';
import { forbidden } from '../../errors';
import type { AppContext } from '../../app-context';
import { responses } from '../../http';
import { requireSession } from '../../plugins/auth';
import { listNotifications, markNotificationsRead } from './repository';
import { openField } from '../../crypto/personal-data';

const notificationView = z.object({
  id: z.string(),
  unitId: z.number().int(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

export const notificationRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['notifications'];
  // Notifications go to units; a person sees those of the units where they hold a role.
  const unitsOf = (grants: readonly { unitId: number }[]) => [...new Set(grants.map((g) => g.unitId))];

  app.get(
    '/notifications',
    {
      schema: {
        tags,
        summary: '站内提醒 Notifications',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(30) }),
        response: responses({ 200: z.object({ items: z.array(notificationView), unread: z.number().int() }) }),
      },
    },
    async (request) => {
      const { actor } = requireSession(request);
      const { items, unread } = await listNotifications(ctx.db, unitsOf(viewingGrants(actor)), request.query.limit);
      return {
        unread,
        items: items.map((n) => ({
          id: n.id,
          unitId: n.unit_id,
          kind: n.kind,
          title: n.title,
          body: n.body,
          link: n.link,
          createdAt: n.created_at.toISOString(),
          readAt: n.read_at?.toISOString() ?? null,
        })),
      };
    },
  );

  app.post(
    '/notifications/read',
    {
      schema: {
        tags,
        summary: '标记已读 Mark read',
        body: z.object({ ids: z.array(z.string().regex(/^\d{1,18}$/)).max(500).optional() }),
        response: responses({ 200: okResponse }),
      },
    },
    async (request) => {
      const { actor } = requireSession(request);
      await markNotificationsRead(ctx.db, unitsOf(viewingGrants(actor)), actor.userId, request.body.ids);
      return { ok: true as const };
    },
  );
};

const outboxItem = z.object({
  id: z.string(),
  toAddress: z.string(),
  subject: z.string(),
  textBody: z.string(),
  status: z.enum(['queued', 'sent', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  nextAttemptAt: z.string(),
});

/** The mail outbox for system administrators: what was sent, what waits (no SMTP, or SMTP down). */
export const outboxRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/outbox',
    {
      schema: {
        tags: ['notifications'],
        summary: '发件箱（系统管理员）Mail outbox',
        querystring: paginationQuery.extend({ status: z.enum(['queued', 'sent', 'failed']).optional() }),
        response: responses({ 200: z.object({ items: z.array(outboxItem), total: z.number().int(), smtpConfigured: z.boolean() }) }),
      },
    },
    async (request) => {
      const { actor } = requireSession(request);
      if (!isSystemAdmin(actor)) throw forbidden();
      let query = ctx.db.selectFrom('mail_outbox');
      if (request.query.status) query = query.where('status', '=', request.query.status);
      const [rows, count] = await Promise.all([
        query.selectAll().orderBy('id', 'desc').limit(request.query.pageSize).offset((request.query.page - 1) * request.query.pageSize).execute(),
        query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        total: Number(count.n),
        smtpConfigured: ctx.config.smtp !== null,
        items: rows.map((m) => ({
          id: m.id,
          // The administrators who run mail delivery see whom it goes to.
          toAddress: openField('mail_outbox', 'to_address', m.to_address),
          subject: m.subject,
          textBody: m.text_body,
          status: m.status,
          attempts: m.attempts,
          lastError: m.last_error,
          createdAt: m.created_at.toISOString(),
          sentAt: m.sent_at?.toISOString() ?? null,
          nextAttemptAt: m.next_attempt_at.toISOString(),
        })),
      };
    },
  );
};
