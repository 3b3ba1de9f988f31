import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { idParams } from '../../../shared/contracts/common';
import {
  completionQuery,
  completionView,
  mailKinds,
  mailTemplateBody,
  mailTemplateView,
  reminderPreview,
  reminderView,
  remindBody,
  saveReminderSettingsBody,
  savedReminderSettings,
  timelineView,
  type CompletionQuery,
  type CompletionView,
} from '../../../shared/contracts/supervision';
import { can } from '../../../shared/domain/access';
import { unitsWithinLevels } from '../../../shared/domain/completion';
import { chinaDateOf } from '../../../shared/domain/deadlines';
import { defaultMailTemplates } from '../../../shared/domain/mail-templates';
import type { UnitType } from '../../../shared/domain/units';
import { unitTypeLabels } from '../../../shared/i18n/messages';
import type { AppContext } from '../../app-context';
import { forbidden, staleVersion } from '../../errors';
import { matchesEtag, responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { contentDisposition } from '../files/service';
import { assertCanCollect, loadTask } from '../submissions/service';
import { loadVisibleUnit } from '../units/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import type { CompletionRowsCache } from './completion-cache';
import type { CompletionRow } from './repository';
import * as supervision from './service';

const statusLabels: Record<string, string> = {
  not_read: '未读',
  read: '已读',
  acknowledged: '已签收',
  forwarded: '已转发',
  draft: '填报中',
  submitted_on_time: '按时报送',
  submitted_late: '逾期报送',
  returned: '已退回',
  accepted: '已通过',
  missing: '逾期未报',
};

export const supervisionRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; completionCache: CompletionRowsCache<CompletionRow[]> }> = async (app, { ctx, completionCache }) => {
  const { db } = ctx;
  const tags = ['supervision'];
  const publicUrl = ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`;

  /**
   * The answer for one query, rendered, serialised and gzipped once per rollup: collectors across
   * the country poll the same national figures, and building and serialising ~2,700 nodes (1 MB of
   * JSON) per request cost ~40 ms of the event loop each (issue 8, W3). The rollup object changes
   * with every read of the rows and whenever a deadline passes, so a kept answer is never staler
   * than the rollup.
   */
  const completionOf = async (actor: Parameters<typeof supervision.completion>[1], taskId: number, query: CompletionQuery): Promise<RenderedCompletion> => {
    const { task, rollup } = await supervision.completion(db, actor, taskId, new Date(), completionCache);
    const key = `${task.deadline.getTime()}|${query.filter}|${query.depth ?? ''}|${query.under ?? ''}`;
    let answers = renderedAnswers.get(rollup);
    if (!answers) renderedAnswers.set(rollup, (answers = new Map()));
    let rendered = answers.get(key);
    if (!rendered) {
      rendered = renderCompletion(completionViewOf(task, rollup, query));
      // Bounded: `under` can name any unit.
      if (answers.size >= maxRenderedPerRollup) answers.delete(answers.keys().next().value!);
      answers.set(key, rendered);
      rendered.catch(() => answers.delete(key));
    }
    return rendered;
  };

  app.get(
    '/collection-tasks/:id/completion',
    { schema: { tags, summary: '完成情况（逐级汇总）Completion across the cascade', params: idParams, querystring: completionQuery, response: responses({ 200: completionView }) } },
    async (request, reply) => {
      const rendered = await completionOf(requireSession(request).actor, request.params.id, request.query);
      // Browsers all take gzip: the megabyte of a national answer goes out as ~35 KB, compressed once.
      const gzipped = acceptsGzip(request.headers['accept-encoding']);
      const etag = gzipped ? rendered.gzipEtag : rendered.etag;
      // Already serialised (and typed as completionView): sent as it is, past the schema's serialiser.
      const raw: FastifyReply = reply;
      // A collector's page polls: an unchanged answer costs a 304, not another download.
      raw.header('ETag', etag).header('Cache-Control', 'private, no-cache').header('Vary', 'Accept-Encoding');
      if (matchesEtag(request.headers['if-none-match'], etag)) return raw.code(304).send();
      if (gzipped) raw.header('Content-Encoding', 'gzip');
      return raw.type('application/json; charset=utf-8').send(gzipped ? rendered.gzipped : rendered.body);
    },
  );

  app.get(
    '/collection-tasks/:id/completion.xlsx',
    { schema: { tags, summary: '导出完成情况 Export completion', params: idParams, querystring: completionQuery } },
    async (request, reply) => {
      const { view } = await completionOf(requireSession(request).actor, request.params.id, request.query);
      const names = new Map(view.nodes.map((n) => [n.unitId, n.shortName]));
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('完成情况');
      const rate = (a: number, b: number) => (b === 0 ? '' : `${Math.round((a / b) * 1000) / 10}%`);
      sheet.addRow([`截止时间：${chinaDateOf(new Date(view.deadline))}`, `应报 ${view.totals.units}，已报 ${view.totals.submitted}（${rate(view.totals.submitted!, view.totals.units!)}）`]);
      sheet.addRow(['单位', '单位类型', '上级（收集单位）', '状态', '报送时间', '逾期小时', '最近催办', '下级单位数', '已报送数', '报送率']).font = { bold: true };
      for (const n of view.nodes) {
        sheet.addRow([
          n.shortName,
          unitTypeLabels['zh-CN'][n.type] ?? n.type,
          n.parentUnitId ? (names.get(n.parentUnitId) ?? '') : '',
          statusLabels[n.status] ?? n.status,
          n.submittedAt ? new Date(n.submittedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '',
          n.lateHours || '',
          n.lastRemindedAt ? new Date(n.lastRemindedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '',
          n.totals.units! - 1,
          n.totals.submitted,
          rate(n.totals.submitted!, n.totals.units!),
        ]);
      }
      sheet.columns.forEach((c, i) => (c.width = i === 0 || i === 2 ? 22 : 14));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', contentDisposition('完成情况.xlsx'))
        .send(Buffer.from(await workbook.xlsx.writeBuffer()));
    },
  );

  app.get(
    '/collection-tasks/:id/timeline',
    { schema: { tags, summary: '每日报送累计（对照截止时间）Submissions per day', params: idParams, response: responses({ 200: timelineView }) } },
    async (request) => supervision.timeline(db, requireSession(request).actor, request.params.id),
  );

  app.post(
    '/collection-tasks/:id/reminders/preview',
    { schema: { tags, summary: '催办预览 Preview a reminder', params: idParams, body: remindBody, response: responses({ 200: reminderPreview }) } },
    async (request) => supervision.previewReminder(db, { actor: requireSession(request).actor, taskId: request.params.id, ...request.body, publicUrl }),
  );

  app.post(
    '/collection-tasks/:id/reminders',
    { schema: { tags, summary: '催办 Remind units that have not submitted', params: idParams, body: remindBody, response: responses({ 200: z.object({ sent: z.number().int() }) }) } },
    async (request) => {
      const sent = await supervision.remind(db, { actor: requireSession(request).actor, taskId: request.params.id, ...request.body, publicUrl, client: clientOf(request) });
      return { sent: sent.length };
    },
  );

  app.get(
    '/collection-tasks/:id/reminders',
    { schema: { tags, summary: '催办记录（发送与阅读）Reminders sent and read', params: idParams, response: responses({ 200: z.array(reminderView) }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const task = await loadTask(db, request.params.id);
      await assertCanCollect(db, actor, task);
      const rows = await db
        .selectFrom('reminders as r')
        .innerJoin('units as u', 'u.id', 'r.unit_id')
        .leftJoin('users as s', 's.id', 'r.sent_by')
        .select(['r.unit_id', 'u.short_name', 'r.kind', 'r.auto', 'r.sent_at', 'r.read_at', 's.display_name'])
        .where('r.task_id', '=', task.id)
        .orderBy('r.sent_at', 'desc')
        .limit(5000)
        .execute();
      return rows.map((r) => ({ unitId: r.unit_id, unitName: r.short_name, kind: r.kind, auto: r.auto, sentAt: r.sent_at.toISOString(), readAt: r.read_at?.toISOString() ?? null, sentBy: r.display_name }));
    },
  );

  app.put(
    '/collection-tasks/:id/reminder-settings',
    { schema: { tags, summary: '自动提醒设置 Automatic reminder settings', params: idParams, body: saveReminderSettingsBody, response: responses({ 200: savedReminderSettings }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const task = await loadTask(db, request.params.id);
      await assertCanCollect(db, actor, task);
      const { version, ...settings } = request.body;
      // The task's version: the settings are part of the task (its deadline shares the version).
      const saved = await db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('collection_tasks')
          .set({ reminder_settings: JSON.stringify(settings), version: sql`version + 1`, updated_at: new Date() })
          .where('id', '=', task.id)
          .where('version', '=', version)
          .returning('version')
          .executeTakeFirst();
        if (!row) throw staleVersion();
        await insertAuditEntry(trx, { ...actorFields(actor), unitId: task.issuer_unit_id, action: 'task.reminder_settings', targetType: 'collection_task', targetId: task.id, ip: clientOf(request).ip, details: settings });
        return row;
      });
      return { ...settings, version: saved.version };
    },
  );

  app.get(
    '/mail-templates',
    { schema: { tags, summary: '邮件模板 Mail templates of a unit', querystring: z.object({ unitId: z.coerce.number().int().positive() }), response: responses({ 200: z.array(mailTemplateView) }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const unit = await loadVisibleUnit(db, actor, request.query.unitId);
      if (!can(actor, 'campaigns.manage', unit.path)) throw forbidden();
      const custom = await db.selectFrom('mail_templates').select(['kind', 'subject', 'body', 'version']).where('unit_id', '=', unit.id).execute();
      return mailKinds.map((kind) => {
        const own = custom.find((c) => c.kind === kind);
        return { kind, subject: own?.subject ?? defaultMailTemplates[kind].subject, body: own?.body ?? defaultMailTemplates[kind].body, custom: Boolean(own), version: own?.version ?? 0 };
      });
    },
  );

  app.put(
    '/mail-templates/:kind',
    { schema: { tags, summary: '修改邮件模板 Edit a mail template', params: z.object({ kind: z.enum(mailKinds) }), body: mailTemplateBody, response: responses({ 200: mailTemplateView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const unit = await loadVisibleUnit(db, actor, request.body.unitId);
      if (!can(actor, 'campaigns.manage', unit.path)) throw forbidden();
      const { subject, body, version } = request.body;
      const saved = await db.transaction().execute(async (trx) => {
        // Version 0 creates the unit's own text: a row made meanwhile by someone else makes it stale.
        const row =
          version === 0
            ? await trx
                .insertInto('mail_templates')
                .values({ unit_id: unit.id, kind: request.params.kind, subject, body, updated_by: actor.userId || null })
                .onConflict((oc) => oc.columns(['unit_id', 'kind']).doNothing())
                .returning('version')
                .executeTakeFirst()
            : await trx
                .updateTable('mail_templates')
                .set({ subject, body, updated_by: actor.userId || null, updated_at: new Date(), version: sql`version + 1` })
                .where('unit_id', '=', unit.id)
                .where('kind', '=', request.params.kind)
                .where('version', '=', version)
                .returning('version')
                .executeTakeFirst();
        if (!row) throw staleVersion();
        await insertAuditEntry(trx, { ...actorFields(actor), unitId: unit.id, action: 'mail_template.update', targetType: 'mail_template', targetId: request.params.kind, ip: clientOf(request).ip });
        return row;
      });
      return { kind: request.params.kind, subject, body, custom: true, version: saved.version };
    },
  );
};

interface RenderedCompletion {
  view: CompletionView;
  body: Buffer;
  etag: string;
  gzipped: Buffer;
  gzipEtag: string;
}

const maxRenderedPerRollup = 64;
const renderedAnswers = new WeakMap<supervision.CompletionRollup, Map<string, Promise<RenderedCompletion>>>();
const gzipAsync = promisify(gzip);

async function renderCompletion(view: CompletionView): Promise<RenderedCompletion> {
  const body = Buffer.from(JSON.stringify(view));
  const etag = createHash('sha256').update(body).digest('base64url').slice(0, 32);
  // Off the event loop (zlib's thread pool): ~10 ms for the national answer.
  const gzipped = await gzipAsync(body);
  return { view, body, etag: `"${etag}"`, gzipped, gzipEtag: `"${etag}-gz"` };
}

/** Whether Accept-Encoding allows gzip (not refused with q=0). */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function completionViewOf(task: { id: number; deadline: Date }, { entries, byUnit, total }: supervision.CompletionRollup, query: CompletionQuery): CompletionView {
  const { filter } = query;
  const levels = query.depth !== undefined || query.under !== undefined ? unitsWithinLevels(entries, query.depth ?? 10, query.under) : null;
  const matches = (status: string) =>
    filter === 'all' ? true : filter === 'overdue' ? status === 'missing' || status === 'submitted_late' : !['submitted_on_time', 'submitted_late', 'accepted', 'returned'].includes(status);
  // Keep matching units and those they hang under, so the tree stays connected.
  const keep = new Set<number>();
  const parentOf = new Map(entries.map((e) => [e.unitId, e.parentUnitId]));
  for (const e of entries) {
    if (!matches(e.status)) continue;
    for (let id: number | null | undefined = e.unitId; id != null && !keep.has(id); id = parentOf.get(id)) keep.add(id);
  }
  return {
    taskId: task.id,
    deadline: task.deadline.toISOString(),
    totals: total,
    nodes: entries
      .filter((e) => keep.has(e.unitId) && (levels === null || levels.has(e.unitId)))
      .map((e) => ({
        unitId: e.unitId,
        parentUnitId: e.parentUnitId,
        shortName: e.row.short_name,
        type: e.row.type as UnitType,
        taskId: e.row.task_id,
        status: e.status,
        submittedAt: e.row.submitted_at?.toISOString() ?? null,
        lateHours: e.row.late_hours,
        lastRemindedAt: e.row.last_reminded_at?.toISOString() ?? null,
        totals: byUnit.get(e.unitId)!,
      })),
  };
}
