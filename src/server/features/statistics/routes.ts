import ExcelJS from 'exceljs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams } from '../../../shared/contracts/common';
import { overviewView, statisticsQuery, statisticsView } from '../../../shared/contracts/statistics';
import type { AppContext } from '../../app-context';
import { responses } from '../../http';
import { requireSession } from '../../plugins/auth';
import { routedRead } from '../../plugins/read-routing';
import { contentDisposition } from '../files/service';
import { campaignOverview, campaignStatistics } from './service';

const sheets = [
  ['byModule', '按模块'],
  ['byPhase', '按阶段'],
  ['byRegion', '按地区'],
  ['byTargetGroup', '按面向群体'],
  ['byUnitType', '按单位类型'],
  ['onlineOffline', '线上线下'],
  ['timeliness', '报送及时性'],
] as const;

// Statistics are reads only: they may come from the replica (decision 020).
export const statisticsRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app) => {
  const tags = ['statistics'];

  app.get(
    '/campaigns/:id/statistics',
    { schema: { tags, summary: '活动统计（本单位及下级）Statistics of a campaign', params: idParams, querystring: statisticsQuery, response: responses({ 200: statisticsView }) } },
    async (request) => routedRead(request, (db) => campaignStatistics(db, requireSession(request).actor, request.params.id, request.query.unitId)),
  );

  app.get(
    '/campaigns/:id/statistics.xlsx',
    { schema: { tags, summary: '导出统计表 Export the statistics', params: idParams, querystring: statisticsQuery } },
    async (request, reply) => {
      const stats = await routedRead(request, (db) => campaignStatistics(db, requireSession(request).actor, request.params.id, request.query.unitId));
      const workbook = new ExcelJS.Workbook();
      const summary = workbook.addWorksheet('概况');
      summary.addRows([
        ['统计范围', stats.unitName],
        ['活动数', stats.activities],
        ['参与单位数', stats.units],
        ['预计参与人数', stats.scale.expected],
      ]);
      for (const [key, title] of sheets) {
        const sheet = workbook.addWorksheet(title);
        sheet.addRow(['类别', '活动数']).font = { bold: true };
        for (const b of stats[key]) sheet.addRow([b.label, b.count]);
        sheet.getColumn(1).width = 24;
      }
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', contentDisposition(`活动统计-${stats.unitName}.xlsx`))
        .send(Buffer.from(await workbook.xlsx.writeBuffer()));
    },
  );

  app.get(
    '/campaigns/:id/overview',
    { schema: { tags, summary: '领导驾驶舱 One-page overview', params: idParams, querystring: statisticsQuery, response: responses({ 200: overviewView }) } },
    async (request) => routedRead(request, (db) => campaignOverview(db, requireSession(request).actor, request.params.id, request.query.unitId)),
  );
};
