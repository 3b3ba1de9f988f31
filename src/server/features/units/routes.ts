import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, problemSchema, queryBoolean } from '../../../shared/contracts/common';
import {
  createUnitBody,
  importReport,
  moveUnitBody,
  unitChildrenQuery,
  unitDetail,
  unitSearchHit,
  unitSearchQuery,
  unitSummary,
  updateUnitBody,
  versionBody,
} from '../../../shared/contracts/units';
import type { AppContext } from '../../app-context';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { presentUnitDetail, presentUnitSummary } from './presenter';
import { receiveRosterFile, rosterTemplate } from './roster-file';
import { importRoster } from './roster-import';
import * as units from './service';

export const unitRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['units'];
  const detailOf = async (actor: Parameters<typeof units.getUnit>[1], id: number) => {
    const { unit, ancestors } = await units.getUnit(db, actor, id);
    return presentUnitDetail(unit, ancestors, actor);
  };

  app.get(
    '/units/roots',
    { schema: { tags, summary: '可见单位树的顶层 Tops of the visible tree', response: responses({ 200: z.array(unitSummary) }) } },
    async (request) => (await units.listRootUnits(db, requireSession(request).actor)).map(presentUnitSummary),
  );

  app.get(
    '/units/search',
    { schema: { tags, summary: '按名称、拼音首字母或区划代码搜索单位', querystring: unitSearchQuery, response: responses({ 200: z.array(unitSearchHit) }) } },
    async (request) => {
      const hits = await units.searchUnits(db, requireSession(request).actor, request.query);
      return hits.map(({ hit, ancestors }) => ({
        ...presentUnitSummary(hit),
        ancestors: ancestors.map((a) => ({ id: a.id, shortName: a.short_name })),
      }));
    },
  );

  app.get(
    '/units/import-template.xlsx',
    { schema: { tags, summary: '单位名册导入模板 Roster template' } },
    async (request, reply) => {
      requireSession(request);
      const buffer = await rosterTemplate();
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', `attachment; filename="roster-template.xlsx"; filename*=UTF-8''${encodeURIComponent('单位名册导入模板.xlsx')}`)
        .send(buffer);
    },
  );

  app.post(
    '/units/import',
    {
      schema: {
        tags,
        summary: '导入单位名册（全部成功或全部不导入）Import a roster, all or nothing',
        querystring: z.object({ dryRun: queryBoolean(false) }),
        // 422 carries the report when rows were rejected (or a problem when the request itself is bad).
        response: responses({ 200: importReport, 422: z.union([importReport, problemSchema]) }),
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      const rows = await receiveRosterFile(request);
      const report = await importRoster(db, { actor: session.actor, rows, dryRun: request.query.dryRun, client: clientOf(request) });
      return reply.status(report.applied || request.query.dryRun ? 200 : 422).send(report);
    },
  );

  app.get(
    '/units/:id',
    { schema: { tags, summary: '单位详情 Unit details', params: idParams, response: responses({ 200: unitDetail }) } },
    async (request) => detailOf(requireSession(request).actor, request.params.id),
  );

  app.get(
    '/units/:id/children',
    {
      schema: {
        tags,
        summary: '下级单位 Child units',
        params: idParams,
        querystring: unitChildrenQuery,
        response: responses({ 200: z.array(unitSummary) }),
      },
    },
    async (request) =>
      (await units.listChildUnits(db, requireSession(request).actor, request.params.id, request.query.includeInactive)).map(
        presentUnitSummary,
      ),
  );

  app.post(
    '/units',
    { schema: { tags, summary: '新增单位 Add a unit', body: createUnitBody, response: responses({ 201: unitDetail }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const unit = await units.createUnit(db, { actor, input: request.body, client: clientOf(request) });
      return reply.status(201).send(await detailOf(actor, unit.id));
    },
  );

  app.patch(
    '/units/:id',
    { schema: { tags, summary: '修改单位信息或更名 Edit or rename', params: idParams, body: updateUnitBody, response: responses({ 200: unitDetail }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await units.updateUnit(db, { actor, id: request.params.id, input: request.body, client: clientOf(request) });
      return detailOf(actor, request.params.id);
    },
  );

  app.post(
    '/units/:id/move',
    { schema: { tags, summary: '调整上级单位 Move', params: idParams, body: moveUnitBody, response: responses({ 200: unitDetail }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await units.moveUnit(db, { actor, id: request.params.id, ...request.body, client: clientOf(request) });
      return detailOf(actor, request.params.id);
    },
  );

  for (const [action, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    app.post(
      `/units/:id/${action}`,
      {
        schema: {
          tags,
          summary: active ? '恢复单位 Reactivate' : '停用单位（含下级）Deactivate with its subtree',
          params: idParams,
          body: versionBody,
          response: responses({ 200: unitDetail }),
        },
      },
      async (request) => {
        const { actor } = requireSession(request);
        await units.setUnitActive(db, { actor, id: request.params.id, version: request.body.version, active, client: clientOf(request) });
        return detailOf(actor, request.params.id);
      },
    );
  }
};
