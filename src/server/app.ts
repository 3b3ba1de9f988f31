import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from './app-context';
import { accountRoutes } from './features/accounts/routes';
import { auditRoutes } from './features/audit/routes';
import { campaignRoutes } from './features/campaigns/routes';
import { fileRoutes } from './features/files/routes';
import { formRoutes } from './features/forms/routes';
import { submissionRoutes } from './features/submissions/routes';
import { supervisionRoutes } from './features/supervision/routes';
import { CompletionRowsCache } from './features/supervision/completion-cache';
import type { CompletionRow } from './features/supervision/repository';
import { statisticsRoutes } from './features/statistics/routes';
import { selectionRoutes } from './features/selection/routes';
import { evaluationRoutes } from './features/selection/evaluation-routes';
import { showcaseRoutes } from './features/showcase/routes';
import { surveyRoutes } from './features/surveys/routes';
import { PublicAnswerCache } from './features/showcase/public-cache';
import { nominationRoutes } from './features/nominations/routes';
import { showcasePageHtml } from './features/showcase/share';
import { noticeRoutes } from './features/notices/routes';
import { notificationRoutes, outboxRoutes } from './features/notifications/routes';
import { healthRoutes } from './features/health/routes';
import { signupRoutes } from './features/signups/routes';
import { articleRoutes } from './features/articles/routes';
import { contributionRoutes } from './features/contributions/routes';
import { demandRoutes } from './features/demands/routes';
import { unitRoutes } from './features/units/routes';
import { userRoutes } from './features/users/routes';
import { personalDataExportRoutes } from './features/personal-data-export/routes';
import { authPlugin } from './plugins/auth';
import { readRoutingPlugin, routedRead } from './plugins/read-routing';
import { errorsPlugin, sendProblem } from './plugins/errors';
import { inputGuardPlugin } from './plugins/input-guard';
import { AppError } from './errors';
import { CacheInvalidation } from './cluster/invalidation';
import { loggerOptions } from './log-redaction';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const webDistDir = path.join(projectRoot, 'dist/web');

export interface BuildAppOptions {
  /** Log requests (off in tests). */
  logger?: boolean;
  /** Where the logs go (standard output unless a test captures them). */
  logStream?: NodeJS.WritableStream;
  /** Serve the built web app from dist/web (on unless a test turns it off). */
  serveWeb?: boolean;
  /** Where the built web app is (dist/web unless a test brings its own). */
  webDir?: string;
}

/**
 * The composition root: plugins from the outside in (errors, security, cookies, auth), then one
 * plugin per feature under /api/v1. Listening happens in main.ts; tests use inject() on this.
 */
declare module 'fastify' {
  interface FastifyInstance {
    publicCache: PublicAnswerCache;
    completionCache: CompletionRowsCache<CompletionRow[]>;
    cacheInvalidation: CacheInvalidation;
  }
}

export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? loggerOptions(ctx.config.logLevel, options.logStream) : false,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 2 * 1024 * 1024,
    // A slow client may trickle an upload (others are served meanwhile), but one that stops sending
    // is cut off instead of holding its socket and staged file forever.
    connectionTimeout: ctx.config.idleTimeoutSeconds * 1000,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(errorsPlugin);
  await app.register(inputGuardPlugin);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Ant Design writes its styles at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: ctx.config.secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, { limits: { fileSize: 10 * 1024 * 1024, files: 5, fields: 20 } });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Huiju 汇聚 API',
        version: ctx.version,
        description: '全国科技工作者日活动平台接口。错误以 RFC 9457 problem+json 返回。',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'huiju_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(authPlugin, { ctx });
  // Where public and statistics reads go: the replica when one is configured and fresh (decision 020).
  await app.register(readRoutingPlugin, { ctx });
  // Public showcase answers are cached for a moment; a successful write (an approval, a withdrawal,
  // a sign-up…) clears them before its answer leaves, here and in every other process on the same
  // PostgreSQL database (cluster/invalidation.ts), so its author and everyone after see the change.
  const publicCache = new PublicAnswerCache(ctx.config.publicCacheSeconds * 1000);
  // Exposed for what writes behind the server's back (tests editing rows, maintenance scripts in-process).
  app.decorate('publicCache', publicCache);
  // The same for the rows behind a task's completion, shared by collectors watching it (issue 8, W3).
  const completionCache = new CompletionRowsCache<CompletionRow[]>(ctx.config.completionCacheSeconds * 1000);
  app.decorate('completionCache', completionCache);
  const invalidation = new CacheInvalidation({
    db: ctx.db,
    url: ctx.databaseKind === 'postgresql' ? ctx.databaseUrl : undefined,
    caches: [publicCache, completionCache],
    log: (message) => app.log.warn(message),
  });
  app.decorate('cacheInvalidation', invalidation);
  await invalidation.start();
  app.addHook('onClose', () => invalidation.close());
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) await invalidation.publish();
    return payload;
  });
  await app.register(healthRoutes, { prefix: '/api', ctx });
  await app.register(
    async (api) => {
      await api.register(accountRoutes, { ctx });
      await api.register(unitRoutes, { ctx });
      await api.register(userRoutes, { ctx });
      await api.register(personalDataExportRoutes, { ctx });
      await api.register(auditRoutes, { ctx });
      await api.register(campaignRoutes, { ctx });
      await api.register(noticeRoutes, { ctx });
      await api.register(fileRoutes, { ctx });
      await api.register(notificationRoutes, { ctx });
      await api.register(outboxRoutes, { ctx });
      await api.register(formRoutes, { ctx });
      await api.register(submissionRoutes, { ctx });
      await api.register(supervisionRoutes, { ctx, completionCache });
      await api.register(statisticsRoutes, { ctx });
      await api.register(selectionRoutes, { ctx });
      await api.register(nominationRoutes, { ctx });
      await api.register(evaluationRoutes, { ctx });
      await api.register(showcaseRoutes, { ctx, publicCache });
      await api.register(signupRoutes, { ctx });
      await api.register(articleRoutes, { ctx });
      await api.register(surveyRoutes, { ctx });
      await api.register(contributionRoutes, { ctx });
      await api.register(demandRoutes, { ctx });
    },
    { prefix: '/api/v1' },
  );

  let indexHtml: Buffer | undefined;
  const webDir = options.webDir ?? webDistDir;
  if (options.serveWeb !== false && fs.existsSync(path.join(webDir, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: webDir,
      prefix: '/',
      wildcard: false,
      index: false,
      // The build writes .br/.gz next to each asset; hashed asset names never change content.
      preCompressed: true,
      // @fastify/static 10 passes the Fastify reply here (not the raw response).
      setHeaders: (reply: { header(name: string, value: string): unknown }, filePath: string) => {
        reply.header('Cache-Control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    indexHtml = fs.readFileSync(path.join(webDir, 'index.html'));
  }
  // Client-side routes all load the same page; unknown API paths are 404 problems.
  app.setNotFoundHandler((request, reply) => {
    if (!indexHtml || request.url.startsWith('/api/') || request.method !== 'GET') {
      return sendProblem(request, reply, new AppError('not_found', 404));
    }
    const pathname = request.url.split('?')[0] ?? '';
    if (/^\/showcase(\/|$)/.test(pathname)) {
      // A shared link to the public column carries its title and description for link previews.
      const html = indexHtml;
      return routedRead(request, (db) => showcasePageHtml(db, pathname, html.toString('utf8'), ctx.config.publicUrl ?? `${request.protocol}://${request.host}`)).then((page) =>
        reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(page),
      );
    }
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(indexHtml);
  });
  return app;
}
