import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, okResponse } from '../../../shared/contracts/common';
import {
  callBody,
  callListView,
  callView,
  contributionListQuery,
  contributionListView,
  decisionBody,
  publicCallListView,
  publicCallView,
  publicWorksQuery,
  publicWorksView,
  reasonBody,
  receiptView,
  submissionFields,
  type SubmissionFields,
} from '../../../shared/contracts/contributions';
import { columnParams } from '../../../shared/contracts/showcase';
import { callTakesSubmissions, consentText, kindsAccepted, sizeCaps } from '../../../shared/domain/contributions';
import { maskEmail } from '../../../shared/domain/masking';
import type { AppContext } from '../../app-context';
import { AppError, notFound } from '../../errors';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { routedRead } from '../../plugins/read-routing';
import { fieldErrorFromIssue } from '../../plugins/errors';
import { contentDisposition } from '../files/service';
import { enforceRateLimit, RateLimiter } from '../../rate-limit';
import { photoVariant, photoVariantQuery, srcsets, variantContentType, variantWidths, type VariantWidth } from '../showcase/photo-variants';
import { findColumn } from '../showcase/repository';
import type { CallRow, StatusCounts } from './repository';
import * as contributions from './service';

const mb = 1024 * 1024;
const mediaUrl = (id: number) => `/api/v1/public/contributions/${id}/media`;

function presentCall(call: CallRow, counts: StatusCounts, manages: boolean) {
  return {
    id: call.id,
    campaignId: call.campaign_id,
    title: call.title,
    description: call.description,
    kinds: kindsAccepted(call),
    letterWordLimit: call.letter_word_limit,
    videoMaxMb: Math.round(Number(call.video_max_bytes) / mb),
    photoMaxMb: Math.round(Number(call.photo_max_bytes) / mb),
    opensAt: call.opens_at.toISOString(),
    closesAt: call.closes_at.toISOString(),
    status: call.status,
    open: callTakesSubmissions(call, new Date()),
    counts,
    manages,
    version: call.version,
  };
}

/** Signed in: calls (征集) of a column for its campaign managers, and moderation of the works. */
export const contributionRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['contributions'];
  const publicUrl = ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`;
  const viewOf = async (actor: Parameters<typeof contributions.getCall>[1], id: number) => {
    const { call, counts, manages } = await contributions.getCall(db, actor, id);
    return presentCall(call, counts, manages);
  };

  app.get(
    '/showcase/campaigns/:id/contribution-calls',
    { schema: { tags, summary: '栏目作品征集 Calls for contributions of a column', params: idParams, response: responses({ 200: callListView }) } },
    async (request) => {
      const { rows, counts } = await contributions.listCalls(db, requireSession(request).actor, request.params.id);
      return rows.map((r) => presentCall(r, counts.get(r.id)!, true));
    },
  );

  app.post(
    '/showcase/campaigns/:id/contribution-calls',
    { schema: { tags, summary: '发起作品征集（草稿）Open a call', params: idParams, body: callBody, response: responses({ 201: callView }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const id = await contributions.createCall(db, { actor, campaignId: request.params.id, input: request.body, client: clientOf(request) });
      return reply.status(201).send(await viewOf(actor, id));
    },
  );

  app.get(
    '/contribution-calls',
    { schema: { tags, summary: '我审核的作品征集 Calls whose works I moderate', response: responses({ 200: callListView }) } },
    async (request) => {
      const { rows, counts } = await contributions.callsToModerate(db, requireSession(request).actor);
      return rows.map((r) => presentCall(r, counts.get(r.id)!, r.manages));
    },
  );

  app.get('/contribution-calls/:id', { schema: { tags, summary: '作品征集 A call', params: idParams, response: responses({ 200: callView }) } }, async (request) =>
    viewOf(requireSession(request).actor, request.params.id),
  );

  app.put(
    '/contribution-calls/:id',
    { schema: { tags, summary: '修改作品征集 Change a call', params: idParams, body: callBody, response: responses({ 200: callView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await contributions.updateCall(db, { actor, id: request.params.id, input: request.body, client: clientOf(request) });
      return viewOf(actor, request.params.id);
    },
  );

  for (const [action, to] of [['publish', 'published'], ['withdraw', 'withdrawn']] as const) {
    app.post(
      `/contribution-calls/:id/${action}`,
      { schema: { tags, summary: action === 'publish' ? '发布征集（公开征集页）Publish a call' : '撤下征集 Withdraw a call', params: idParams, body: decisionBody, response: responses({ 200: okResponse }) } },
      async (request) => {
        await contributions.setCallStatus(db, { actor: requireSession(request).actor, id: request.params.id, version: request.body.version, to, client: clientOf(request) });
        return { ok: true as const };
      },
    );
  }

  app.get(
    '/contribution-calls/:id/contributions',
    { schema: { tags, summary: '征集作品与审核 Works sent to a call', params: idParams, querystring: contributionListQuery, response: responses({ 200: contributionListView }) } },
    async (request) => {
      const { rows, total, readsEmail, moderates } = await contributions.listContributions(db, requireSession(request).actor, request.params.id, request.query);
      return {
        total,
        moderates,
        items: rows.map((r) => ({
          id: r.id,
          callId: r.call_id,
          kind: r.kind,
          title: r.title,
          creditName: r.credit_name,
          workUnit: r.work_unit,
          email: readsEmail ? r.email : maskEmail(r.email),
          letterText: r.letter_text,
          file: r.file_id && r.original_name && r.content_type ? { id: r.file_id, name: r.original_name, size: Number(r.size_bytes), contentType: r.content_type } : null,
          mediaUrl: r.file_id ? `/api/v1/contributions/${r.id}/file` : null,
          status: r.status,
          decisionReason: r.decision_reason,
          decidedAt: r.decided_at?.toISOString() ?? null,
          createdAt: r.created_at.toISOString(),
          version: r.version,
        })),
      };
    },
  );

  app.get(
    '/contributions/:id/file',
    { schema: { tags, summary: '作品文件（审核用）The file of a work, for moderation', params: idParams } },
    async (request, reply) => {
      const file = await contributions.fileForModeration(db, requireSession(request).actor, request.params.id);
      return reply
        .type(file.content_type)
        .header('Content-Length', String(file.size_bytes))
        .header('Content-Disposition', contentDisposition(file.original_name, true))
        .header('Cache-Control', 'private, no-store')
        .send(ctx.files.read(file.storage_key));
    },
  );

  const decideRoute = (action: 'approve' | 'reject' | 'withdraw', summary: string) =>
    app.post(
      `/contributions/:id/${action}`,
      { schema: { tags, summary, params: idParams, body: action === 'approve' ? decisionBody : reasonBody, response: responses({ 200: okResponse }) } },
      async (request) => {
        const body = request.body as { version: number; reason?: string };
        await contributions.decide(db, { actor: requireSession(request).actor, id: request.params.id, version: body.version, action, reason: body.reason ?? null, client: clientOf(request), publicUrl });
        return { ok: true as const };
      },
    );
  decideRoute('approve', '审核通过（立即公开，邮件通知作者）Approve a work');
  decideRoute('reject', '审核不通过（须说明原因，邮件通知作者）Reject a work');
  decideRoute('withdraw', '撤下已公开的作品 Withdraw an approved work');

  await app.register(publicContributionRoutes, { ctx });
};

/** Per client address: submissions per 10 minutes (each may carry a large file). */
export const contributionLimits = { submit: 10, windowMs: 10 * 60 * 1000 };

/**
 * Public, no sign-in: a published call's page, its approved works and their files, and sending a
 * work (multipart: the fields first, then at most one file). No answer carries an e-mail address.
 */
const publicContributionRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['contributions-public'];
  const submitLimit = new RateLimiter('contribution.submit', contributionLimits.submit, contributionLimits.windowMs);
  const limit = (request: FastifyRequest, reply: FastifyReply) => enforceRateLimit(db, submitLimit, request, reply);

  app.get(
    '/public/showcase/:unitId/:year/contribution-calls',
    { schema: { tags, summary: '栏目的作品征集（公开）Published calls of a column', params: columnParams, response: responses({ 200: publicCallListView }) } },
    async (request, reply) => {
      const rows = await routedRead(request, async (db) => {
        const column = await findColumn(db, request.params.unitId, request.params.year);
        if (!column) throw notFound();
        return contributions.publicCallsOfColumn(db, column.id);
      });
      reply.header('Cache-Control', 'public, no-cache');
      const now = new Date();
      return rows.map((r) => ({ id: r.id, title: r.title, open: callTakesSubmissions(r, now), opensAt: r.opens_at.toISOString(), closesAt: r.closes_at.toISOString(), kinds: kindsAccepted(r) }));
    },
  );

  app.get(
    '/public/contribution-calls/:id',
    { schema: { tags, summary: '作品征集页（公开）A call', params: idParams, response: responses({ 200: publicCallView }) } },
    async (request, reply) => {
      const call = await routedRead(request, (db) => contributions.publicCall(db, request.params.id));
      reply.header('Cache-Control', 'public, no-cache');
      return {
        id: call.id,
        title: call.title,
        description: call.description,
        kinds: kindsAccepted(call),
        letterWordLimit: call.letter_word_limit,
        videoMaxMb: Math.round(Number(call.video_max_bytes) / mb),
        photoMaxMb: Math.round(Number(call.photo_max_bytes) / mb),
        opensAt: call.opens_at.toISOString(),
        closesAt: call.closes_at.toISOString(),
        open: callTakesSubmissions(call, new Date()),
        consentText: consentText(call.unit_name),
        column: { unitId: call.unit_id, unitName: call.unit_name, year: call.year },
      };
    },
  );

  app.get(
    '/public/contribution-calls/:id/works',
    { schema: { tags, summary: '已公开的作品（公开）Approved works of a call', params: idParams, querystring: publicWorksQuery, response: responses({ 200: publicWorksView }) } },
    async (request, reply) => {
      const { rows, total } = await routedRead(request, (db) => contributions.publicWorks(db, request.params.id, request.query));
      reply.header('Cache-Control', 'public, no-cache');
      return {
        total,
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          title: r.title,
          creditName: r.credit_name,
          workUnit: r.work_unit,
          letterText: r.letter_text,
          mediaUrl: r.file_id ? mediaUrl(r.id) : null,
          srcset: r.kind === 'photo' ? srcsets(mediaUrl(r.id)) : null,
          approvedAt: (r.approved_at ?? new Date(0)).toISOString(),
        })),
      };
    },
  );

  app.get(
    '/public/contributions/:id/media',
    {
      schema: {
        tags,
        summary: '作品照片或视频（公开，仅已通过；照片只给无 EXIF/GPS 的缩放副本，w 与 format 选取；视频支持 Range）A work’s photo (resized copies only) or video',
        params: idParams,
        querystring: photoVariantQuery,
      },
    },
    async (request, reply) => {
      const media = await routedRead(request, (db) => contributions.publicMedia(db, request.params.id));
      if (!media) throw notFound();
      const { w, format } = request.query;
      reply.header('Cache-Control', 'public, max-age=60, must-revalidate');
      if (media.work_kind === 'photo') {
        // Never the original: a member of the public's photo may carry a GPS position in its EXIF.
        // Without a width, the largest copy (rotated, no metadata) stands in for it.
        const width = (w ?? variantWidths[variantWidths.length - 1]) as VariantWidth;
        reply.header('ETag', `"${media.sha256.slice(0, 24)}-${width}-${format}"`);
        const variant = await photoVariant(ctx.files, media, width, format);
        return reply.type(variantContentType[format]).header('Content-Length', String(variant.length)).send(variant);
      }
      // Video: one byte range at a time, so phones can seek without downloading the whole file.
      const size = Number(media.size_bytes);
      reply.header('Accept-Ranges', 'bytes').type(media.content_type);
      const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
      if (range && (range[1] || range[2])) {
        let start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
        let end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
        if (!range[1]) end = size - 1;
        if (start >= size || start > end) return reply.code(416).header('Content-Range', `bytes */${size}`).send();
        start = Math.max(0, start);
        end = Math.min(end, size - 1);
        return reply
          .code(206)
          .header('Content-Range', `bytes ${start}-${end}/${size}`)
          .header('Content-Length', String(end - start + 1))
          .send(ctx.files.read(media.storage_key, { start, end: end + 1 }));
      }
      return reply.header('Content-Length', String(size)).send(ctx.files.read(media.storage_key));
    },
  );

  app.post(
    '/public/contribution-calls/:id/contributions',
    {
      schema: {
        tags,
        summary: '提交作品（公开，multipart：先字段后文件）Send a work',
        consumes: ['multipart/form-data'],
        params: idParams,
        headers: z.object({ 'idempotency-key': z.string().regex(/^[A-Za-z0-9_.:-]{8,100}$/).optional() }),
        response: responses({ 200: receiptView, 201: receiptView }),
      },
    },
    async (request, reply) => {
      await limit(request, reply);
      reply.header('Cache-Control', 'no-store');
      const call = await contributions.publicCall(db, request.params.id);
      if (!request.isMultipart()) throw new AppError('validation_failed', 422, {}, [{ field: 'kind', code: 'required' }]);
      const raw: Record<string, string> = {};
      let fields: SubmissionFields | null = null;
      let result: Awaited<ReturnType<typeof contributions.submit>> | null = null;
      const parse = () => {
        const parsed = submissionFields.safeParse(raw);
        if (!parsed.success) throw new AppError('validation_failed', 422, {}, parsed.error.issues.map((i) => fieldErrorFromIssue(i, raw)));
        return parsed.data;
      };
      const submitWith = async (file: MultipartFile | null) => {
        fields = parse();
        return contributions.submit(db, ctx.files, {
          call,
          fields,
          file: file ? { source: file.file, fileName: file.filename } : null,
          idempotencyKey: request.headers['idempotency-key'] ?? null,
          ip: request.ip,
        });
      };
      // Sized for the largest the call allows; the exact limit per kind is applied while storing.
      const limits = { fileSize: Math.min(Math.max(Number(call.video_max_bytes), Number(call.photo_max_bytes)), sizeCaps.videoMaxBytes), files: 1, fields: 10, fieldSize: 100_000 };
      for await (const part of request.parts({ limits, preservePath: true })) {
        if (part.type === 'field') {
          if (typeof part.value === 'string' && !(part.fieldname in raw)) raw[part.fieldname] = part.value;
          continue;
        }
        if (result) {
          part.file.resume();
          continue;
        }
        try {
          result = await submitWith(part);
        } catch (error) {
          part.file.resume();
          throw error;
        }
      }
      result ??= await submitWith(null);
      return reply.status(result.created ? 201 : 200).send(result.view);
    },
  );
};
