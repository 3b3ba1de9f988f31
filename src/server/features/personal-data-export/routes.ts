import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../../../shared/contracts/common';
import type { AppContext } from '../../app-context';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { reauthenticate, setExportGrant } from './service';

const reauthenticateBody = z.object({
  password: z.string().min(1).max(128),
  /** Required once the account has a TOTP second factor (see the TOTP feature). */
  totpCode: z.string().regex(/^\d{6}$/).optional(),
});

export const personalDataExportRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/session/reauthenticate',
    {
      schema: {
        tags: ['session'],
        summary: '再次验证身份（导出个人信息前）Re-authenticate before a personal-data export',
        body: reauthenticateBody,
        response: responses({ 200: z.object({ reauthenticatedUntil: z.string() }) }),
      },
    },
    async (request) => {
      const session = requireSession(request);
      const result = await reauthenticate(ctx.db, { actor: session.actor, sessionId: session.sessionId, ...request.body, client: clientOf(request), totpKey: ctx.config.totpKey });
      return { reauthenticatedUntil: result.reauthenticatedUntil.toISOString() };
    },
  );

  app.put(
    '/users/:id/personal-data-export',
    {
      schema: {
        tags: ['users'],
        summary: '授予或收回个人信息导出权限 Grant or withdraw the personal-data export permission',
        params: idParams,
        // `version`: the account's (the permission is part of it).
        body: z.object({ granted: z.boolean(), version: z.number().int().positive() }),
        response: responses({ 200: z.object({ userId: z.number(), granted: z.boolean(), version: z.number().int() }) }),
      },
    },
    async (request) => setExportGrant(ctx.db, { actor: requireSession(request).actor, userId: request.params.id, granted: request.body.granted, version: request.body.version, client: clientOf(request) }),
  );
};
