import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, okResponse } from '../../../shared/contracts/common';
import { createNominationBody, galleryView, nominationList, nominationView, updateNominationBody, versionBody } from '../../../shared/contracts/nominations';
import { countWords } from '../../../shared/domain/word-count';
import type { AppContext } from '../../app-context';
import { notFound } from '../../errors';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { routedRead } from '../../plugins/read-routing';
import { findStoredFile } from '../files/service';
import type { NominationRow } from './repository';
import * as nominations from './service';

const present = (row: NominationRow) => ({
  id: row.id,
  taskId: row.task_id,
  unitId: row.unit_id,
  unitName: row.unit_name,
  personName: row.person_name,
  gender: row.gender,
  birthYear: row.birth_year,
  workUnit: row.work_unit,
  discipline: row.discipline,
  jobTitle: row.job_title,
  achievements: row.achievements,
  achievementsWords: countWords(row.achievements),
  photoFileId: row.photo_file_id,
  status: row.status,
  submittedAt: row.submitted_at?.toISOString() ?? null,
  version: row.version,
});

export const nominationRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['nominations'];

  app.get(
    '/collection-tasks/:id/nominations',
    { schema: { tags, summary: '推荐人选：本单位的推荐或收到的推荐 Nominations of a task', params: idParams, response: responses({ 200: nominationList }) } },
    async (request) => {
      const list = await nominations.listNominations(db, requireSession(request).actor, request.params.id);
      return {
        task: { id: list.task.id, title: list.task.title, issuerName: list.task.issuer_name, deadline: list.task.deadline.toISOString(), closed: list.task.late_policy === 'close' && new Date() > list.task.deadline },
        collecting: list.collecting,
        own: list.own,
        items: list.items.map(present),
      };
    },
  );

  app.post(
    '/collection-tasks/:id/nominations',
    { schema: { tags, summary: '新增推荐人选（草稿）Nominate a person', params: idParams, body: createNominationBody, response: responses({ 201: nominationView }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const id = await nominations.createNomination(db, { actor, taskId: request.params.id, input: request.body, client: clientOf(request) });
      return reply.status(201).send(present(await nominations.nominationDetail(db, actor, id)));
    },
  );

  app.get(
    '/nominations/:id',
    { schema: { tags, summary: '推荐人选详情 A nomination', params: idParams, response: responses({ 200: nominationView }) } },
    async (request) => present(await nominations.nominationDetail(db, requireSession(request).actor, request.params.id)),
  );

  app.put(
    '/nominations/:id',
    { schema: { tags, summary: '修改推荐人选（草稿）Edit a nomination', params: idParams, body: updateNominationBody, response: responses({ 200: nominationView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await nominations.updateNomination(db, { actor, id: request.params.id, input: request.body, client: clientOf(request) });
      return present(await nominations.nominationDetail(db, actor, request.params.id));
    },
  );

  app.post(
    '/nominations/:id/submit',
    { schema: { tags, summary: '报送推荐人选（限额内）Submit a nomination', params: idParams, body: versionBody, response: responses({ 200: nominationView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      await nominations.submitNomination(db, { actor, id: request.params.id, version: request.body.version, client: clientOf(request) });
      return present(await nominations.nominationDetail(db, actor, request.params.id));
    },
  );

  app.post(
    '/nominations/:id/withdraw',
    { schema: { tags, summary: '撤回推荐人选 Withdraw a nomination', params: idParams, body: versionBody, response: responses({ 200: okResponse }) } },
    async (request) => {
      await nominations.withdrawNomination(db, { actor: requireSession(request).actor, id: request.params.id, version: request.body.version, client: clientOf(request) });
      return { ok: true as const };
    },
  );

  // Public: the gallery of an announced round's persons, without personal data (no birth year, gender or contacts).
  app.get(
    '/public/gallery/:id',
    { schema: { tags, summary: '最美科技工作者风采（已公布的评选）Gallery of an announced round', params: idParams, response: responses({ 200: galleryView }) } },
    async (request, reply) => {
      const gallery = await routedRead(request, (db) => nominations.gallery(db, request.params.id));
      reply.header('Cache-Control', 'public, max-age=60');
      return gallery;
    },
  );

  app.get(
    '/public/gallery/:id/photos/:candidateId',
    { schema: { tags, summary: '风采照片 A gallery photo', params: idParams.extend({ candidateId: z.coerce.number().int().positive() }) } },
    async (request, reply) => {
      const file = await routedRead(request, async (db) => {
        const fileId = await nominations.galleryPhoto(db, request.params.id, request.params.candidateId);
        return fileId ? findStoredFile(db, fileId) : undefined;
      });
      if (!file) throw notFound();
      return reply.type(file.content_type).header('Cache-Control', 'public, max-age=86400').header('ETag', `"${file.sha256}"`).send(ctx.files.read(file.storage_key));
    },
  );
};
