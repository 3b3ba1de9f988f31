import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../../../shared/contracts/common';
import {
  acceptBody,
  collectedList,
  collectQuery,
  diffQuery,
  diffView,
  exceptionBody,
  myTaskList,
  myTasksQuery,
  returnBody,
  revisionView,
  saveSubmissionBody,
  submissionView,
  submitBody,
  taskDetail,
} from '../../../shared/contracts/submissions';
import { can } from '../../../shared/domain/access';
import { chinaDateOf } from '../../../shared/domain/deadlines';
import { itemFields, unitFields } from '../../../shared/forms/definition';
import type { AppContext } from '../../app-context';
import { AppError, notFound } from '../../errors';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { acceptUpload, contentDisposition } from '../files/service';
import { storedFileView } from '../files/routes';
import { diffSubmissions } from './diff';
import { auditSummaryExport, exportSummary, exportZip, filledFormDocument, summaryExportQuery } from './exports';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { requirePersonalDataExport } from '../personal-data-export/service';
import * as repo from './repository';
import * as submissions from './service';

export const submissionRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['submissions'];
  const publicUrl = ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`;

  app.get(
    '/my-tasks',
    { schema: { tags, summary: '本单位待报送的任务 Tasks my units must submit', querystring: myTasksQuery, response: responses({ 200: myTaskList }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const unitIds = [...new Set(actor.grants.filter((g) => can(actor, 'notices.acknowledge', g.unitPath)).map((g) => g.unitId))];
      const { rows, total } = await repo.tasksFor(db, { unitIds, openOnly: request.query.state === 'open', page: request.query.page, pageSize: request.query.pageSize });
      return {
        total,
        items: rows.map((r) => ({
          taskId: r.task_id,
          title: r.title,
          noticeId: r.notice_id,
          noticeTitle: r.notice_title,
          issuerName: r.issuer_name,
          deadline: r.deadline.toISOString(),
          unitId: r.unit_id,
          unitName: r.unit_name,
          status: r.status ?? ('not_started' as const),
          hasForm: r.form_version_id !== null,
        })),
      };
    },
  );

  app.get(
    '/collection-tasks/:id',
    { schema: { tags, summary: '填报任务（样表、截止时间、本单位填报）A task with its form and my submission', params: idParams, response: responses({ 200: taskDetail }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const d = await submissions.taskDetail(db, actor, request.params.id);
      return {
        task: {
          id: d.task.id,
          title: d.task.title,
          description: d.task.description,
          deadline: d.task.deadline.toISOString(),
          deadlineDate: chinaDateOf(d.task.deadline),
          latePolicy: d.task.late_policy,
          quota: d.task.quota,
          noticeId: d.task.notice_id,
          noticeTitle: d.task.notice_title,
          documentNumber: d.task.document_number,
          issuerName: d.task.issuer_name,
          closed: d.closed,
          reminderSettings: d.canCollect ? d.task.reminder_settings : null,
          version: d.task.version,
        },
        formVersionId: d.task.form_version_id,
        form: d.form,
        context: d.context,
        submitter: d.submitter ? { unitId: d.submitter.id, unitName: d.submitter.short_name } : null,
        submission: d.submission ? submissions.presentSubmission(d.submission) : null,
        canCollect: d.canCollect,
      };
    },
  );

  app.put(
    '/collection-tasks/:id/submission',
    { schema: { tags, summary: '保存草稿（自动保存）Save a draft', params: idParams, body: saveSubmissionBody, response: responses({ 200: submissionView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const id = await submissions.saveDraft(db, { actor, taskId: request.params.id, values: request.body.values as never, version: request.body.version, client: clientOf(request) });
      return submissions.presentSubmission((await repo.findSubmissionById(db, id))!);
    },
  );

  app.post(
    '/collection-tasks/:id/submission/submit',
    {
      schema: {
        tags,
        summary: '报送（带 Idempotency-Key 头可安全重试）Submit; retry-safe with Idempotency-Key',
        params: idParams,
        headers: z.object({ 'idempotency-key': z.string().max(100).optional() }),
        body: submitBody,
        response: responses({ 200: submissionView }),
      },
    },
    async (request) => {
      const { actor } = requireSession(request);
      return submissions.submit(db, {
        actor,
        taskId: request.params.id,
        version: request.body.version,
        idempotencyKey: request.headers['idempotency-key'],
        client: clientOf(request),
      });
    },
  );

  app.post(
    '/collection-tasks/:id/files',
    {
      schema: {
        tags,
        summary: '为填报上传附件（按字段的类型和大小限制）Upload a file for a form field',
        params: idParams,
        querystring: z.object({ field: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/) }),
        response: responses({ 201: storedFileView }),
      },
    },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const task = await submissions.loadTask(db, request.params.id);
      const unit = await submissions.submitterUnitOf(db, actor, task);
      if (!unit) throw notFound();
      const form = await submissions.formOf(db, task);
      const field = [...unitFields(form), ...itemFields(form)].find((f) => f.key === request.query.field);
      if (!field || field.kind !== 'files') throw new AppError('validation_failed', 422, {}, [{ field: 'field', code: 'invalid' }]);
      const part = await request.file({ limits: { fileSize: field.maxBytes, files: 1 }, preservePath: true });
      if (!part) throw new AppError('validation_failed', 422, {}, [{ field: 'file', code: 'required' }]);
      const row = await acceptUpload(db, ctx.files, {
        actor,
        unitId: unit.id,
        source: part.file,
        fileName: part.filename,
        allowedKinds: field.kinds,
        maxBytes: field.maxBytes,
        client: clientOf(request),
      });
      return reply.status(201).send({ id: row.id, name: row.original_name, kind: row.kind, size: Number(row.size_bytes), sha256: row.sha256 });
    },
  );

  app.get(
    '/collection-tasks/:id/submissions',
    { schema: { tags, summary: '收集：下级报送情况（含逐级转发）Collected submissions', params: idParams, querystring: collectQuery, response: responses({ 200: collectedList }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const task = await submissions.loadTask(db, request.params.id);
      // A department named by the routing rules sees what is routed to it; the issuer's managers see all.
      const departments = submissions.canCollect(actor, task) ? undefined : await submissions.routedDepartmentsOf(db, actor, task);
      if (!departments || departments.length === 0) await submissions.assertCanCollect(db, actor, task);
      const { late, ...filters } = request.query;
      const { rows, total } = await repo.collected(db, {
        taskIds: await repo.taskTreeIds(db, task.id),
        ...filters,
        late: late === undefined ? undefined : late === 'true',
        routedPaths: departments && departments.length > 0 ? departments : undefined,
      });
      return {
        total,
        items: rows.map((r) => ({
          id: r.id,
          taskId: r.task_id,
          unitId: r.unit_id,
          unitName: r.unit_name,
          collectedBy: r.collected_by,
          status: r.status,
          submittedAt: r.submitted_at?.toISOString() ?? null,
          lateHours: r.late_hours,
          itemCount: r.item_titles.length,
          itemTitles: r.item_titles,
          routedTo: r.routed_name,
        })),
      };
    },
  );

  app.post(
    '/collection-tasks/:id/exceptions',
    { schema: { tags, summary: '截止后允许某单位补报 Grant a late-submission exception', params: idParams, body: exceptionBody, response: responses({ 200: z.object({ ok: z.literal(true) }) }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await submissions.grantException(db, { actor, taskId: request.params.id, unitId: request.body.unitId, until: new Date(request.body.until), reason: request.body.reason, client: clientOf(request) });
      return { ok: true as const };
    },
  );

  app.get(
    '/submissions/:id',
    { schema: { tags, summary: '一份填报 A submission', params: idParams, response: responses({ 200: submissionView }) } },
    async (request) => {
      const { submission } = await submissions.loadSubmissionFor(db, requireSession(request).actor, request.params.id);
      return submissions.presentSubmission(submission);
    },
  );

  app.post(
    '/submissions/:id/return',
    { schema: { tags, summary: '退回修改（可逐项意见）Return with comments', params: idParams, body: returnBody, response: responses({ 200: submissionView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const { version, comment, itemComments } = request.body;
      return submissions.presentSubmission(await submissions.review(db, { actor, id: request.params.id, version, action: 'return', comment, itemComments, publicUrl, client: clientOf(request) }));
    },
  );

  app.post(
    '/submissions/:id/accept',
    { schema: { tags, summary: '审核通过 Accept', params: idParams, body: acceptBody, response: responses({ 200: submissionView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      return submissions.presentSubmission(
        await submissions.review(db, { actor, id: request.params.id, version: request.body.version, action: 'accept', comment: request.body.comment ?? null, publicUrl, client: clientOf(request) }),
      );
    },
  );

  app.get(
    '/submissions/:id/revisions',
    { schema: { tags, summary: '版本历史 History', params: idParams, response: responses({ 200: z.array(revisionView) }) } },
    async (request) => {
      const { submission } = await submissions.loadSubmissionFor(db, requireSession(request).actor, request.params.id);
      const revisions = await repo.revisionsOf(db, submission.id);
      return revisions.map((r) => ({
        version: r.version,
        status: r.status,
        action: r.action,
        actorName: r.actor_name,
        createdAt: r.created_at.toISOString(),
        comment: (r.comment as { general: string | null; items: Record<string, string> } | null) ?? null,
      }));
    },
  );

  app.get(
    '/submissions/:id/diff',
    { schema: { tags, summary: '两个版本的差异 What changed between two versions', params: idParams, querystring: diffQuery, response: responses({ 200: diffView }) } },
    async (request) => {
      const { submission, task } = await submissions.loadSubmissionFor(db, requireSession(request).actor, request.params.id);
      const revisions = await repo.revisionsOf(db, submission.id);
      const from = revisions.find((r) => r.version === request.query.from);
      const to = revisions.find((r) => r.version === request.query.to);
      if (!from || !to) throw notFound();
      return diffSubmissions(await submissions.formOf(db, task), await submissions.formContextOf(db, task), from.values, to.values);
    },
  );

  for (const format of ['docx', 'pdf'] as const) {
    app.get(
      `/submissions/:id/form.${format}`,
      { schema: { tags, summary: `生成填好的样表 ${format.toUpperCase()}（供盖章）`, params: idParams } },
      async (request, reply) => {
        const { submission, task } = await submissions.loadSubmissionFor(db, requireSession(request).actor, request.params.id);
        const { buffer, contentType } = await filledFormDocument(db, format, submission, task);
        return reply.type(contentType).header('Content-Disposition', contentDisposition(`${submission.unit_name}-${task.title}.${format}`)).send(buffer);
      },
    );
  }

  app.get(
    '/collection-tasks/:id/summary.xlsx',
    {
      schema: {
        tags,
        summary: '导出汇总表（联系电话、邮箱、地址默认打码；personalData=full 需个人信息导出权限并再次验证身份，留痕）Export the 汇总表',
        params: idParams,
        querystring: summaryExportQuery,
      },
    },
    async (request, reply) => {
      const { actor, sessionId } = requireSession(request);
      const task = await submissions.loadTask(db, request.params.id);
      await submissions.assertCanCollect(db, actor, task);
      const full = request.query.personalData === 'full';
      // Collectors always get their 汇总表; the contacts' numbers, e-mail and addresses in full only
      // with the separate permission and a fresh password, like every bulk export of personal data.
      if (full) await requirePersonalDataExport(db, { actor, sessionId, what: 'task.summary', client: clientOf(request) });
      await auditSummaryExport(db, { actor, task, full, client: clientOf(request) });
      const stream = new PassThrough();
      exportSummary(db, task, stream, { maskPersonalData: !full }).catch((error) => stream.destroy(error as Error));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', contentDisposition(`汇总表-${task.title}.xlsx`))
        .send(stream);
    },
  );

  app.get(
    '/collection-tasks/:id/files.zip',
    { schema: { tags, summary: '按单位打包全部附件（流式）All files by unit, streamed', params: idParams } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const task = await submissions.loadTask(db, request.params.id);
      await submissions.assertCanCollect(db, actor, task);
      const { stream, totalBytes, files, units } = await exportZip(db, ctx.files, task);
      // The files are what units sent the collector, each downloadable by it one by one: the bundle
      // is not gated, but recorded (their contents are not read, so nothing can be masked).
      await insertAuditEntry(db, { ...actorFields(actor), unitId: task.issuer_unit_id, action: 'task.export_files', targetType: 'collection_task', targetId: task.id, ip: clientOf(request).ip, details: { files, units } });
      return reply
        .type('application/zip')
        // Stored (not recompressed) entries: the size is known in advance and the browser shows real progress.
        .header('Content-Length', String(totalBytes))
        .header('Content-Disposition', contentDisposition(`附件-${task.title}.zip`))
        .send(stream);
    },
  );
};
