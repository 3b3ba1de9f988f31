import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../../shared/domain/access';
import type { AppContext } from '../../app-context';
import { AppError, forbidden } from '../../errors';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';

import { loadVisibleUnit } from '../units/service';
import { acceptUpload, contentDisposition, loadOwnFile } from './service';

export const storedFileView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  size: z.number().int(),
  sha256: z.string(),
});

/** Attachments to notices: documents, spreadsheets and images up to 20 MB. */
export const attachmentKinds = ['pdf', 'docx', 'doc', 'xlsx', 'xls', 'jpg', 'png'] as const;
export const attachmentMaxBytes = 20 * 1024 * 1024;

export const fileRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['files'];

  app.post(
    '/files',
    {
      schema: {
        tags,
        summary: '上传文件（按内容校验类型，限制大小）Upload a file',
        querystring: z.object({ unitId: z.coerce.number().int().positive().optional() }),
        response: responses({ 201: storedFileView }),
      },
    },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const unit = await loadVisibleUnit(ctx.db, actor, request.query.unitId ?? actor.unitId);
      if (!can(actor, 'campaigns.manage', unit.path) && !can(actor, 'notices.acknowledge', unit.path)) throw forbidden();
      // Names arrive whole (busboy would silently keep only the last path segment) so a path is refused, not guessed at.
      const part = await request.file({ limits: { fileSize: attachmentMaxBytes, files: 1 }, preservePath: true });
      if (!part) throw new AppError('validation_failed', 422, {}, [{ field: 'file', code: 'required' }]);
      const row = await acceptUpload(ctx.db, ctx.files, {
        actor,
        unitId: unit.id,
        source: part.file,
        fileName: part.filename,
        allowedKinds: attachmentKinds,
        maxBytes: attachmentMaxBytes,
        client: clientOf(request),
      });
      return reply.status(201).send({ id: row.id, name: row.original_name, kind: row.kind, size: Number(row.size_bytes), sha256: row.sha256 });
    },
  );

  app.get(
    '/files/:id',
    { schema: { tags, summary: '下载本单位上传的文件 Download a file of my subtree', params: z.object({ id: z.uuid() }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const file = await loadOwnFile(ctx.db, actor, request.params.id);
      return reply
        .type(file.content_type)
        .header('Content-Length', String(file.size_bytes))
        .header('Content-Disposition', contentDisposition(file.original_name))
        .send(ctx.files.read(file.storage_key));
    },
  );
};

