import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams, okResponse } from '../../../shared/contracts/common';
import {
  publicSurveyView,
  surveyBody,
  surveyContactsView,
  surveyListView,
  surveyReceiptView,
  surveyResponseBody,
  surveyResultsView,
  surveyStatusBody,
  surveyView,
  tokenParams,
} from '../../../shared/contracts/surveys';
import { contactConsentText, respondentUnitTypes } from '../../../shared/forms/survey';
import type { AppContext } from '../../app-context';
import { surveyReportDocx } from '../../documents/survey-report-docx';
import { surveyWorkbook } from '../../documents/survey-xlsx';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { routedRead } from '../../plugins/read-routing';
import { contentDisposition } from '../files/service';
import { enforceRateLimit, RateLimiter } from '../../rate-limit';
import { regionName, regionsUnder } from './regions';
import * as surveys from './service';

/**
 * Per client address, kept in memory only (never stored): responses per hour. Generous, because a
 * school or an office answers from behind one address; one response per device is the real rule.
 */
export const surveyLimits = { respond: 100, view: 600, windowMs: 60 * 60 * 1000 };

const baseUrlOf = (ctx: AppContext, request: FastifyRequest) => ctx.config.publicUrl ?? `${request.protocol}://${request.host}`;

function summaryOf(s: surveys.SurveyRow) {
  return {
    id: s.id,
    unitId: s.unit_id,
    unitName: s.unit_name,
    title: s.title,
    status: s.status,
    open: surveys.isOpen(s),
    opensAt: s.opens_at.toISOString(),
    closesAt: s.closes_at.toISOString(),
    responses: Number(s.responses),
    version: s.version,
  };
}

/** Signed in: the unit's campaign managers (and those above) build, publish and read results. */
export const surveyRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['surveys'];
  const viewOf = async (request: FastifyRequest, id: number) => {
    const { actor } = requireSession(request);
    const s = await surveys.get(db, actor, id);
    const targets = s.target_regions as unknown as string[];
    return {
      ...summaryOf(s),
      intro: s.intro,
      questions: surveys.questionsOf(s) as unknown as Record<string, unknown>[],
      targetRegions: targets.map((code) => ({ code, name: regionName(code) })),
      token: s.token,
      publicUrl: surveys.publicUrlOf(baseUrlOf(ctx, request), s.token),
      organiser: surveys.isSurveyOrganiser(actor, s.unit_path),
    };
  };

  app.get('/surveys', { schema: { tags, summary: '问卷列表（本单位及下级）Surveys', response: responses({ 200: surveyListView }) } }, async (request) =>
    (await surveys.list(db, requireSession(request).actor)).map(summaryOf),
  );

  app.post('/surveys', { schema: { tags, summary: '新建问卷（草稿）Build a survey', body: surveyBody, response: responses({ 201: surveyView }) } }, async (request, reply) => {
    const id = await surveys.create(db, { actor: requireSession(request).actor, input: request.body, client: clientOf(request) });
    return reply.status(201).send(await viewOf(request, id));
  });

  app.get('/surveys/:id', { schema: { tags, summary: '问卷 A survey', params: idParams, response: responses({ 200: surveyView }) } }, async (request) => viewOf(request, request.params.id));

  app.put('/surveys/:id', { schema: { tags, summary: '修改问卷（仅草稿）Change a draft survey', params: idParams, body: surveyBody, response: responses({ 200: surveyView }) } }, async (request) => {
    await surveys.update(db, { actor: requireSession(request).actor, id: request.params.id, input: request.body, client: clientOf(request) });
    return viewOf(request, request.params.id);
  });

  for (const [action, to] of [['publish', 'published'], ['close', 'closed']] as const) {
    app.post(
      `/surveys/:id/${action}`,
      { schema: { tags, summary: action === 'publish' ? '发布问卷 Publish' : '结束问卷 Close', params: idParams, body: surveyStatusBody, response: responses({ 200: okResponse }) } },
      async (request) => {
        await surveys.setStatus(db, { actor: requireSession(request).actor, id: request.params.id, version: request.body.version, to, client: clientOf(request) });
        return { ok: true as const };
      },
    );
  }

  app.get('/surveys/:id/qr.png', { schema: { tags, summary: '问卷二维码（PNG，海报用）QR code PNG', params: idParams } }, async (request, reply) => {
    const s = await surveys.get(db, requireSession(request).actor, request.params.id);
    const png = await surveys.qrPng(surveys.publicUrlOf(baseUrlOf(ctx, request), s.token));
    return reply.type('image/png').header('Content-Disposition', contentDisposition(`${s.title}-二维码.png`)).send(png);
  });

  app.get('/surveys/:id/qr.svg', { schema: { tags, summary: '问卷二维码（SVG）QR code SVG', params: idParams } }, async (request, reply) => {
    const s = await surveys.get(db, requireSession(request).actor, request.params.id);
    const svg = await surveys.qrSvg(surveys.publicUrlOf(baseUrlOf(ctx, request), s.token));
    return reply.type('image/svg+xml').header('Content-Disposition', contentDisposition(`${s.title}-二维码.svg`)).send(svg);
  });

  app.get('/surveys/:id/results', { schema: { tags, summary: '调查结果 Results', params: idParams, response: responses({ 200: surveyResultsView }) } }, async (request) => {
    const r = await surveys.results(db, requireSession(request).actor, request.params.id);
    return { surveyId: r.survey.id, title: r.survey.title, responses: r.responses.length, questions: r.tally, crossTabs: r.crossTabs };
  });

  app.get('/surveys/:id/contacts', { schema: { tags, summary: '留下的联系方式（本单位明文，上级遮蔽）Contacts left with consent', params: idParams, response: responses({ 200: surveyContactsView }) } }, async (request) => {
    const { actor } = requireSession(request);
    const r = await surveys.results(db, actor, request.params.id);
    return surveys.contactsOf(actor, r.survey, r.responses);
  });

  app.get('/surveys/:id/results.xlsx', { schema: { tags, summary: '答卷明细与统计（Excel，联系方式遮蔽）Answers as .xlsx', params: idParams } }, async (request, reply) => {
    const r = await surveys.results(db, requireSession(request).actor, request.params.id);
    const buffer = await surveyWorkbook({
      title: r.survey.title,
      questions: r.questions,
      responses: r.responses.map((x) => ({ id: x.id, answers: x.answers, createdAt: x.createdAt, contact: surveys.maskedContactText(x.sealedContact) })),
      tally: r.tally,
      crossTabs: r.crossTabs,
      regionName,
    });
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('Content-Disposition', contentDisposition(`${r.survey.title}-答卷.xlsx`)).send(buffer);
  });

  app.get('/surveys/:id/report.docx', { schema: { tags, summary: '调查报告（Word）Survey report', params: idParams } }, async (request, reply) => {
    const r = await surveys.results(db, requireSession(request).actor, request.params.id);
    const buffer = await surveyReportDocx({
      title: r.survey.title,
      unitName: r.survey.unit_name,
      opensAt: r.survey.opens_at,
      closesAt: r.survey.closes_at,
      responses: r.responses.length,
      targetRegionNames: (r.survey.target_regions as unknown as string[]).map(regionName),
      tally: r.tally,
      crossTabs: r.crossTabs,
      generatedAt: new Date(),
    });
    return reply.type('application/vnd.openxmlformats-officedocument.wordprocessingml.document').header('Content-Disposition', contentDisposition(`${r.survey.title}-调查报告.docx`)).send(buffer);
  });

  await app.register(publicSurveyRoutes, { ctx });
};

/** Public, no account: the survey to answer and the answer itself. Never a contact in an answer. */
const publicSurveyRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['surveys-public'];
  const limits = { respond: new RateLimiter('survey.respond', surveyLimits.respond, surveyLimits.windowMs), view: new RateLimiter('survey.view', surveyLimits.view, surveyLimits.windowMs) };
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.get('/public/surveys/:token', { schema: { tags, summary: '问卷（公开）A survey to answer', params: tokenParams, response: responses({ 200: publicSurveyView }) } }, async (request, reply) => {
    await enforceRateLimit(db, limits.view, request, reply);
    const s = await routedRead(request, (db) => surveys.findPublic(db, request.params.token));
    return {
      title: s.title,
      intro: s.intro,
      unitName: s.unit_name,
      open: surveys.isOpen(s),
      opensAt: s.opens_at.toISOString(),
      closesAt: s.closes_at.toISOString(),
      questions: surveys.questionsOf(s) as unknown as Record<string, unknown>[],
      regions: regionsUnder(s.target_regions as unknown as string[]),
      unitTypes: [...respondentUnitTypes],
      consentText: contactConsentText,
    };
  });

  app.post(
    '/public/surveys/:token/responses',
    { schema: { tags, summary: '提交答卷（公开，每台设备一份；重试不重复）Answer a survey', params: tokenParams, body: surveyResponseBody, response: responses({ 200: surveyReceiptView, 201: surveyReceiptView }) } },
    async (request, reply) => {
      await enforceRateLimit(db, limits.respond, request, reply);
      const { created, row } = await surveys.respond(db, { token: request.params.token, input: request.body });
      return reply.status(created ? 201 : 200).send({ receipt: surveys.receiptOf(row.response_key), submittedAt: row.created_at.toISOString() });
    },
  );
};
