import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { articleBody, articleListView, articleView, publicArticleListView, publicArticleView, publicArticlesQuery, type ArticleView } from '../../../shared/contracts/articles';
import { idParams, okResponse } from '../../../shared/contracts/common';
import { columnParams } from '../../../shared/contracts/showcase';
import type { AppContext } from '../../app-context';
import { notFound } from '../../errors';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { routedRead } from '../../plugins/read-routing';
import { srcsets } from '../showcase/photo-variants';
import { photoUrl } from '../showcase/presenter';
import { findColumn } from '../showcase/repository';
import { presentArticleCard } from './presenter';
import * as articles from './service';

type Row = Awaited<ReturnType<typeof articles.get>>['article'];
type Image = Awaited<ReturnType<typeof articles.imagesOf>>[number];

function present(row: Row, images: Image[]): ArticleView {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    kind: row.kind,
    title: row.title,
    summary: row.summary,
    bodyHtml: row.body_html,
    images: images.filter((i) => i.article_id === row.id).map((i) => ({ fileId: i.file_id, name: i.original_name, caption: i.caption })),
    videoUrl: row.video_url,
    status: row.status,
    publishedAt: row.published_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

/** Signed in: the issuing unit's campaign managers write, publish and withdraw articles of its columns. */
export const articleRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['articles'];
  const viewOf = async (actor: Parameters<typeof articles.get>[1], id: number) => {
    const { article, images } = await articles.get(db, actor, id);
    return present(article, images);
  };

  app.get(
    '/showcase/campaigns/:id/articles',
    { schema: { tags, summary: '栏目文章 Articles of a column', params: idParams, response: responses({ 200: articleListView }) } },
    async (request) => {
      const { rows, images } = await articles.list(db, requireSession(request).actor, request.params.id);
      return rows.map((r) => {
        const { bodyHtml: _body, ...rest } = present(r, images);
        return rest;
      });
    },
  );

  app.post(
    '/showcase/campaigns/:id/articles',
    { schema: { tags, summary: '新建文章（草稿）Write an article', params: idParams, body: articleBody, response: responses({ 201: articleView }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const id = await articles.create(db, { actor, campaignId: request.params.id, input: request.body, client: clientOf(request) });
      return reply.status(201).send(await viewOf(actor, id));
    },
  );

  app.get('/showcase/articles/:id', { schema: { tags, summary: '文章 An article', params: idParams, response: responses({ 200: articleView }) } }, async (request) =>
    viewOf(requireSession(request).actor, request.params.id),
  );

  app.put(
    '/showcase/articles/:id',
    { schema: { tags, summary: '修改文章 Change an article', params: idParams, body: articleBody, response: responses({ 200: articleView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await articles.update(db, { actor, id: request.params.id, input: request.body, client: clientOf(request) });
      return viewOf(actor, request.params.id);
    },
  );

  for (const [action, to] of [['publish', 'published'], ['withdraw', 'withdrawn']] as const) {
    app.post(
      `/showcase/articles/:id/${action}`,
      { schema: { tags, summary: action === 'publish' ? '发布文章（立即公开）Publish' : '撤下文章 Withdraw', params: idParams, body: z.object({ version: z.number().int().positive() }), response: responses({ 200: okResponse }) } },
      async (request) => {
        await articles.setStatus(db, { actor: requireSession(request).actor, id: request.params.id, version: request.body.version, to, client: clientOf(request) });
        return { ok: true as const };
      },
    );
  }

  await app.register(publicArticleRoutes);
};

/** Public: a column's published articles and one article (images through the showcase photo route). */
const publicArticleRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['showcase-public'];
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode === 200) reply.header('Cache-Control', 'public, no-cache');
    return payload;
  });

  app.get(
    '/public/showcase/:unitId/:year/articles',
    { schema: { tags, summary: '栏目文章（公开）Published articles of a column', params: columnParams, querystring: publicArticlesQuery, response: responses({ 200: publicArticleListView }) } },
    async (request) => {
      const { rows, total } = await routedRead(request, async (db) => {
        const column = await findColumn(db, request.params.unitId, request.params.year);
        if (!column) throw notFound();
        return articles.publicList(db, column.id, request.query);
      });
      return { items: rows.map(presentArticleCard), total };
    },
  );

  app.get(
    '/public/showcase/articles/:id',
    { schema: { tags, summary: '文章（公开）A published article', params: idParams, response: responses({ 200: publicArticleView }) } },
    async (request) => {
      const { row, images } = await routedRead(request, (db) => articles.publicArticle(db, request.params.id));
      return {
        id: row.id,
        kind: row.kind,
        title: row.title,
        summary: row.summary,
        bodyHtml: row.body_html,
        images: images.map((i) => ({ url: photoUrl(i.file_id), caption: i.caption, srcset: srcsets(photoUrl(i.file_id)) })),
        videoUrl: row.video_url,
        publishedAt: (row.published_at ?? new Date(0)).toISOString(),
        column: { unitId: row.unit_id, unitName: row.unit_name, year: row.year, theme: row.theme },
      };
    },
  );
};
