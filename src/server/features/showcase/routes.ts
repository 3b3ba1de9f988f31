import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, versionedOk } from '../../../shared/contracts/common';
import {
  approveBody,
  columnParams,
  moderatorsBody,
  moderatorsView,
  myActivitiesQuery,
  myActivitiesView,
  publicationBody,
  publicationView,
  publicActivityView,
  publicColumnsView,
  publicColumnView,
  publicListQuery,
  publicListView,
  rejectBody,
  reviewQueueQuery,
  reviewQueueView,
  withdrawBody,
} from '../../../shared/contracts/showcase';
import { mayModerate } from '../../../shared/domain/showcase';
import type { AppContext } from '../../app-context';
import { notFound } from '../../errors';
import { matchesEtag, responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { readSourceHeader, readSourceOf, readsOwnWrites, routedRead } from '../../plugins/read-routing';
import { presentCard, presentColumn, presentPublicActivity, presentPublication } from './presenter';
import type { PublicAnswerCache } from './public-cache';
import { photoVariant, photoVariantQuery, variantContentType, type VariantWidth } from './photo-variants';
import * as repo from './repository';
import * as showcase from './service';

/** Signed in: asking to publish, moderating (审核), withdrawing, and the column's moderators. */
export const showcaseRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; publicCache: PublicAnswerCache }> = async (app, { ctx, publicCache }) => {
  const { db } = ctx;
  const tags = ['showcase'];

  const viewOf = async (actor: Parameters<typeof showcase.getPublication>[1], id: number) => {
    const { publication, moderates, photos } = await showcase.getPublication(db, actor, id);
    return presentPublication(publication, photos, actor, moderates);
  };

  app.get(
    '/showcase/activities',
    { schema: { tags, summary: '本单位可发布的活动 My activities and their publication', querystring: myActivitiesQuery, response: responses({ 200: myActivitiesView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const { rows, total } = await showcase.myActivities(db, actor, request.query);
      return {
        total,
        items: rows.map((r) => ({
          activityId: r.id,
          title: r.title,
          unitId: r.unit_id,
          unitName: r.unit_name,
          campaignId: r.campaign_id,
          campaignTitle: r.campaign_unit_name && r.campaign_year ? `${r.campaign_unit_name}${r.campaign_year}年专题栏目` : null,
          phaseId: r.phase_id,
          startDate: r.start_date,
          publication:
            r.publication_id !== null && r.publication_status !== null && r.publication_version !== null
              ? { id: r.publication_id, status: r.publication_status, version: r.publication_version, decisionNote: r.decision_note }
              : null,
        })),
      };
    },
  );

  app.put(
    '/showcase/activities/:id/publication',
    { schema: { tags, summary: '申请发布（或修改后重新送审）Ask to publish', params: idParams, body: publicationBody, response: responses({ 200: publicationView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const id = await showcase.requestPublication(db, { actor, activityId: request.params.id, input: request.body, client: clientOf(request) });
      return viewOf(actor, id);
    },
  );

  app.get(
    '/showcase/publications/:id',
    { schema: { tags, summary: '发布详情 A publication', params: idParams, response: responses({ 200: publicationView }) } },
    async (request) => viewOf(requireSession(request).actor, request.params.id),
  );

  app.get(
    '/showcase/reviews',
    { schema: { tags, summary: '发布审核队列 Publications I moderate', querystring: reviewQueueQuery, response: responses({ 200: reviewQueueView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const { rows, total, photos } = await showcase.reviewQueue(db, actor, request.query);
      const moderatorPaths = new Map<number, string[]>();
      for (const campaignId of new Set(rows.map((r) => r.campaign_id))) moderatorPaths.set(campaignId, await repo.moderatorPaths(db, campaignId));
      return { total, items: rows.map((r) => presentPublication(r, photos, actor, mayModerate(actor, r.unit_path, moderatorPaths.get(r.campaign_id) ?? []))) };
    },
  );

  app.post(
    '/showcase/publications/:id/approve',
    { schema: { tags, summary: '审核通过（立即公开）Approve', params: idParams, body: approveBody, response: responses({ 200: publicationView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await showcase.decide(db, { actor, id: request.params.id, version: request.body.version, action: 'approve', note: request.body.note || null, client: clientOf(request) });
      return viewOf(actor, request.params.id);
    },
  );

  app.post(
    '/showcase/publications/:id/reject',
    { schema: { tags, summary: '审核不通过 Reject', params: idParams, body: rejectBody, response: responses({ 200: publicationView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await showcase.decide(db, { actor, id: request.params.id, version: request.body.version, action: 'reject', note: request.body.note, client: clientOf(request) });
      return viewOf(actor, request.params.id);
    },
  );

  app.post(
    '/showcase/publications/:id/withdraw',
    { schema: { tags, summary: '撤下（立即生效）Withdraw', params: idParams, body: withdrawBody, response: responses({ 200: publicationView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await showcase.withdraw(db, { actor, id: request.params.id, version: request.body.version, reason: request.body.reason, client: clientOf(request) });
      return viewOf(actor, request.params.id);
    },
  );

  app.get(
    '/showcase/campaigns/:id/moderators',
    { schema: { tags, summary: '栏目审核单位 Moderator units of a column', params: idParams, response: responses({ 200: moderatorsView }) } },
    async (request) => {
      const { units, version } = await showcase.moderators(db, requireSession(request).actor, request.params.id);
      return { units: units.map((r) => ({ unitId: r.id, unitName: r.short_name })), version };
    },
  );

  app.put(
    '/showcase/campaigns/:id/moderators',
    { schema: { tags, summary: '设置栏目审核单位 Set moderator units', params: idParams, body: moderatorsBody, response: responses({ 200: versionedOk }) } },
    async (request) => {
      const version = await showcase.setModerators(db, { actor: requireSession(request).actor, campaignId: request.params.id, ...request.body, client: clientOf(request) });
      return { ok: true as const, version };
    },
  );

  await app.register(publicShowcaseRoutes, { ctx, publicCache });
};

/**
 * Public, no sign-in: the column of an issuing unit and year, its activities with filters and
 * search, one activity, its photos. Every answer carries an ETag of its body and answers 304 to a
 * matching If-None-Match; `no-cache` makes browsers and proxies revalidate, so an approval or a
 * withdrawal shows at the next request.
 */
const publicShowcaseRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; publicCache: PublicAnswerCache }> = async (app, { ctx, publicCache }) => {
  const tags = ['showcase-public'];
  const keyOf = (request: FastifyRequest) => `${request.headers['accept-language'] ?? ''} ${request.url}`;
  const fromCache = new WeakSet<FastifyRequest>();
  // The cache's generation when each request began: an answer read before a write's clear is not kept.
  const startedAt = new WeakMap<FastifyRequest, number>();
  const validators = (reply: FastifyReply, etag: string) => reply.header('ETag', etag).header('Cache-Control', 'public, no-cache').header('Vary', 'Accept-Language');

  // A page built moments ago for another visitor is answered from memory (public-cache.ts).
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET') return;
    startedAt.set(request, publicCache.generation);
    // A client that just wrote reads its own write from the primary, never an older answer kept here.
    if (readsOwnWrites(request)) return;
    const cached = publicCache.get(keyOf(request));
    if (!cached) return;
    fromCache.add(request);
    validators(reply, cached.etag);
    if (cached.source) reply.header(readSourceHeader, cached.source);
    if (matchesEtag(request.headers['if-none-match'], cached.etag)) return reply.code(304).send();
    return reply.type(cached.contentType).send(cached.payload);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (fromCache.has(request) || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    const etag = `"${createHash('sha256').update(payload).digest('base64url').slice(0, 32)}"`;
    validators(reply, etag);
    if (request.method === 'GET') {
      const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
      publicCache.set(keyOf(request), { payload, etag, contentType, source: readSourceOf(request) }, startedAt.get(request));
    }
    if (matchesEtag(request.headers['if-none-match'], etag)) {
      reply.code(304);
      return '';
    }
    return payload;
  });

  app.get(
    '/public/showcase/columns',
    { schema: { tags, summary: '有发布内容的专题栏目（公开）Columns with published activities', response: responses({ 200: publicColumnsView }) } },
    async (request) => {
      const rows = await routedRead(request, (db) => showcase.publicColumns(db));
      const byUnit = new Map<number, { unitId: number; unitName: string; years: number[] }>();
      for (const r of rows) {
        const entry = byUnit.get(r.unit_id) ?? { unitId: r.unit_id, unitName: r.unit_name, years: [] };
        entry.years.push(r.year);
        byUnit.set(r.unit_id, entry);
      }
      return [...byUnit.values()];
    },
  );

  app.get(
    '/public/showcase/:unitId/:year',
    { schema: { tags, summary: '专题栏目首页（公开）Column home', params: columnParams, response: responses({ 200: publicColumnView }) } },
    async (request) => presentColumn(await routedRead(request, (db) => showcase.publicColumn(db, request.params.unitId, request.params.year))),
  );

  app.get(
    '/public/showcase/:unitId/:year/activities',
    {
      schema: { tags, summary: '活动列表：筛选与全文搜索（公开）Activities, filtered and searched', params: columnParams, querystring: publicListQuery, response: responses({ 200: publicListView }) },
    },
    async (request) => {
      const { column, rows, total, totalCapped } = await routedRead(request, (db) => showcase.publicList(db, request.params.unitId, request.params.year, request.query));
      return { items: rows.map((r) => presentCard(r, column.modules, column.phases)), total, totalCapped, page: request.query.page, pageSize: request.query.pageSize };
    },
  );

  app.get(
    '/public/showcase/activities/:id',
    { schema: { tags, summary: '活动详情（公开）An activity', params: idParams, response: responses({ 200: publicActivityView }) } },
    async (request) => {
      const { row, photos, signup } = await routedRead(request, (db) => showcase.publicActivity(db, request.params.id));
      return presentPublicActivity(row, photos, signup);
    },
  );

  app.get(
    '/public/showcase/photos/:fileId',
    {
      schema: {
        tags,
        summary: '活动照片（公开，仅已发布；w 与 format 取缩略图，无 EXIF/GPS）A photo of a published activity, or a resized copy',
        params: z.object({ fileId: z.uuid() }),
        querystring: photoVariantQuery,
      },
    },
    async (request, reply) => {
      const photo = await routedRead(request, (db) => repo.findPublishedPhoto(db, request.params.fileId));
      if (!photo) throw notFound();
      const { w, format } = request.query;
      const etag = w ? `"${photo.sha256.slice(0, 24)}-${w}-${format}"` : `"${photo.sha256.slice(0, 32)}"`;
      reply.header('ETag', etag).header('Cache-Control', 'public, max-age=60, must-revalidate');
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
      if (w) {
        const variant = await photoVariant(ctx.files, photo, w as VariantWidth, format);
        return reply.type(variantContentType[format]).header('Content-Length', String(variant.length)).send(variant);
      }
      return reply.type(photo.content_type).header('Content-Length', String(photo.size_bytes)).send(ctx.files.read(photo.storage_key));
    },
  );
};
