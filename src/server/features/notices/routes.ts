import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../../../shared/contracts/common';
import {
  approvalBody,
  cascadeQuery,
  cascadeView,
  changeDeadlineBody,
  createNoticeBody,
  forwardNoticeBody,
  inboxList,
  inboxQuery,
  issueNoticeBody,
  nextNumberQuery,
  noticeList,
  noticeListQuery,
  noticeView,
  recipientsPreview,
  recipientsPreviewBody,
  updateNoticeBody,
  withdrawBody,
} from '../../../shared/contracts/notices';
import type { Actor } from '../../../shared/domain/access';
import type { AppContext } from '../../app-context';
import type { Db } from '../../db/database';
import { notFound } from '../../errors';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { contentDisposition } from '../files/service';
import { cascadeWorkbook, presentCascade } from './cascade-presenter';
import { noticeDocumentInput, renderNoticeFile } from './documents';
import { presentNotice } from './presenter';
import * as notices from './service';

async function viewOf(db: Db, actor: Actor, id: number) {
  const notice = await notices.openNotice(db, actor, id);
  return presentNotice(notice, await notices.loadNoticeParts(db, actor, notice), actor);
}

const summaryOf = (r: {
  id: number;
  kind: 'original' | 'forward' | 'supplementary';
  status: 'draft' | 'pending_approval' | 'issued' | 'withdrawn';
  issuer_name: string;
  document_number: string | null;
  title: string;
  issued_at: Date | null;
  updated_at: Date;
  next_deadline: Date | null;
}) => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  issuerName: r.issuer_name,
  documentNumber: r.document_number,
  title: r.title,
  issuedAt: r.issued_at?.toISOString() ?? null,
  updatedAt: r.updated_at.toISOString(),
  nextDeadline: r.next_deadline ? new Date(r.next_deadline).toISOString() : null,
});

export const noticeRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['notices'];

  app.get(
    '/notices',
    { schema: { tags, summary: '本单位（及下级）发出的通知 Notices issued in my scope', querystring: noticeListQuery, response: responses({ 200: noticeList }) } },
    async (request) => {
      const { rows, total } = await notices.listNotices(db, requireSession(request).actor, request.query);
      return { items: rows.map(summaryOf), total };
    },
  );

  app.get(
    '/inbox',
    { schema: { tags, summary: '收文 Inbox', querystring: inboxQuery, response: responses({ 200: inboxList }) } },
    async (request) => {
      const { rows, total, unread } = await notices.listInbox(db, requireSession(request).actor, request.query);
      return {
        total,
        unread,
        items: rows.map((r) => ({
          ...summaryOf(r),
          unitId: r.unit_id,
          unitName: r.unit_name,
          readAt: r.read_at?.toISOString() ?? null,
          acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
          forwardedNoticeId: r.forwarded_notice_id,
        })),
      };
    },
  );

  app.post(
    '/notices/recipients-preview',
    { schema: { tags, summary: '预览收文单位 Resolve addressees before issuing', body: recipientsPreviewBody, response: responses({ 200: recipientsPreview }) } },
    async (request) => {
      const { addresseeText, units } = await notices.previewRecipients(db, requireSession(request).actor, request.body.issuerUnitId, request.body.addresseeRules);
      return { addresseeText, count: units.length, units: units.map((u) => ({ id: u.id, shortName: u.short_name, type: u.type })) };
    },
  );

  app.get(
    '/notices/next-number',
    { schema: { tags, summary: '建议的下一个文号 Next document number', querystring: nextNumberQuery, response: responses({ 200: z.object({ documentNumber: z.string() }) }) } },
    async (request) => {
      const { issuerUnitId, prefix, year } = request.query;
      return { documentNumber: await notices.suggestNextNumber(db, requireSession(request).actor, issuerUnitId, prefix, year) };
    },
  );

  app.post(
    '/notices',
    { schema: { tags, summary: '起草通知（或补充通知）Draft a notice', body: createNoticeBody, response: responses({ 201: noticeView }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const id = await notices.createNotice(db, { actor, input: request.body, client: clientOf(request) });
      return reply.status(201).send(await viewOf(db, actor, id));
    },
  );

  app.get(
    '/notices/:id',
    { schema: { tags, summary: '通知（打开即标记已读）A notice; opening marks it read', params: idParams, response: responses({ 200: noticeView }) } },
    async (request) => viewOf(db, requireSession(request).actor, request.params.id),
  );

  app.put(
    '/notices/:id',
    { schema: { tags, summary: '修改草稿 Edit a draft', params: idParams, body: updateNoticeBody, response: responses({ 200: noticeView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await notices.updateNotice(db, { actor, id: request.params.id, input: request.body, client: clientOf(request) });
      return viewOf(db, actor, request.params.id);
    },
  );

  app.post(
    '/notices/:id/issue',
    { schema: { tags, summary: '发出（联合发文则送会签）Issue, or send for co-issuer approval', params: idParams, body: issueNoticeBody, response: responses({ 200: noticeView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await notices.issueNotice(db, { actor, id: request.params.id, version: request.body.version, client: clientOf(request) });
      return viewOf(db, actor, request.params.id);
    },
  );

  app.post(
    '/notices/:id/approval',
    { schema: { tags, summary: '会签 Co-issuer decision', params: idParams, body: approvalBody, response: responses({ 200: noticeView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await notices.decideApproval(db, { actor, id: request.params.id, ...request.body, client: clientOf(request) });
      return viewOf(db, actor, request.params.id);
    },
  );

  app.post(
    '/notices/:id/withdraw',
    { schema: { tags, summary: '撤回（留档，不删除）Withdraw, recorded', params: idParams, body: withdrawBody, response: responses({ 200: noticeView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await notices.withdrawNotice(db, { actor, id: request.params.id, reason: request.body.reason, client: clientOf(request) });
      return viewOf(db, actor, request.params.id);
    },
  );

  app.post(
    '/notices/:id/acknowledge',
    { schema: { tags, summary: '签收 Sign for the notice', params: idParams, response: responses({ 200: noticeView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await notices.acknowledgeNotice(db, { actor, id: request.params.id, client: clientOf(request) });
      return viewOf(db, actor, request.params.id);
    },
  );

  app.post(
    '/notices/:id/forward',
    { schema: { tags, summary: '转发：生成本单位的转发通知草稿 Start a forward', params: idParams, body: forwardNoticeBody, response: responses({ 201: noticeView }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const id = await notices.forwardNotice(db, {
        actor,
        id: request.params.id,
        unitId: request.body.unitId,
        marginDays: ctx.config.forwardMarginDays,
        client: clientOf(request),
      });
      return reply.status(201).send(await viewOf(db, actor, id));
    },
  );

  app.patch(
    '/collection-tasks/:id/deadline',
    {
      schema: {
        tags,
        summary: '调整已发通知的截止时间（下级晚于新时间的会被标记并通知）Move a deadline',
        params: idParams,
        body: changeDeadlineBody,
        response: responses({ 200: z.object({ flagged: z.number().int() }) }),
      },
    },
    async (request) =>
      notices.changeTaskDeadline(db, { actor: requireSession(request).actor, taskId: request.params.id, ...request.body, client: clientOf(request) }),
  );

  app.get(
    '/notices/:id/cascade',
    { schema: { tags, summary: '下发情况（含逐级转发）The cascade', params: idParams, querystring: cascadeQuery, response: responses({ 200: cascadeView }) } },
    async (request) => {
      const { notice, rows } = await notices.cascadeOf(db, requireSession(request).actor, request.params.id);
      return presentCascade(notice, rows, request.query.filter);
    },
  );

  app.get(
    '/notices/:id/cascade.xlsx',
    { schema: { tags, summary: '导出下发情况 Export the cascade', params: idParams, querystring: cascadeQuery } },
    async (request, reply) => {
      const { notice, rows } = await notices.cascadeOf(db, requireSession(request).actor, request.params.id);
      const buffer = await cascadeWorkbook(notice, presentCascade(notice, rows, request.query.filter));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', contentDisposition(`下发情况-${notice.title.slice(0, 40)}.xlsx`))
        .send(buffer);
    },
  );

  for (const format of ['docx', 'pdf'] as const) {
    app.get(
      `/notices/:id/document.${format}`,
      { schema: { tags, summary: `下载公文 ${format.toUpperCase()}（GB/T 9704）`, params: idParams } },
      async (request, reply) => {
        const { actor } = requireSession(request);
        const notice = await notices.loadReadableNotice(db, actor, request.params.id);
        const parts = await notices.loadNoticeParts(db, actor, notice);
        const { buffer, contentType } = await renderNoticeFile(format, await noticeDocumentInput(db, notice, parts));
        const name = `${notice.document_number ?? '草稿'} ${notice.title}`.slice(0, 120);
        return reply.type(contentType).header('Content-Disposition', contentDisposition(`${name}.${format}`)).send(buffer);
      },
    );
  }

  app.get(
    '/notices/:id/attachments/:fileId',
    { schema: { tags, summary: '下载附件 Download an attachment', params: idParams.extend({ fileId: z.uuid() }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const notice = await notices.loadReadableNotice(db, actor, request.params.id);
      const parts = await notices.loadNoticeParts(db, actor, notice);
      const attachment = parts.attachments.find((a) => a.file_id === request.params.fileId);
      if (!attachment) throw notFound();
      const stored = await db.selectFrom('stored_files').select(['storage_key', 'content_type', 'size_bytes', 'kind']).where('id', '=', attachment.file_id).executeTakeFirstOrThrow();
      const name = attachment.name.toLowerCase().endsWith(`.${stored.kind}`) ? attachment.name : `${attachment.name}.${stored.kind}`;
      return reply
        .type(stored.content_type)
        .header('Content-Length', String(stored.size_bytes))
        .header('Content-Disposition', contentDisposition(name))
        .send(ctx.files.read(stored.storage_key));
    },
  );
};

