import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../../../shared/contracts/common';
import { createFormBody, formListQuery, formSummary, formTemplateView, formVersionView, formView, saveFormVersionBody } from '../../../shared/contracts/forms';
import { formTemplates } from '../../../shared/forms/templates';
import type { AppContext } from '../../app-context';
import { notFound } from '../../errors';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import * as repo from './repository';
import * as forms from './service';

export const formRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['forms'];

  const viewOf = async (actor: Parameters<typeof forms.formWithVersions>[1], id: number) => {
    const { form, versions, canEdit } = await forms.formWithVersions(db, actor, id);
    const latest = versions[0]!;
    return {
      id: form.id,
      unitId: form.unit_id,
      unitName: form.unit_name,
      name: form.name,
      templateKey: form.template_key,
      latest: { id: latest.id, formId: form.id, version: latest.version, definition: forms.parseDefinition(latest.definition), createdAt: latest.created_at.toISOString() },
      versions: versions.map((v) => ({ id: v.id, version: v.version, createdAt: v.created_at.toISOString() })),
      canEdit,
    };
  };

  app.get(
    '/form-templates',
    { schema: { tags, summary: '内置样表模板 Built-in form templates', response: responses({ 200: z.array(formTemplateView) }) } },
    async (request) => {
      requireSession(request);
      return Object.entries(formTemplates).map(([key, t]) => ({ key, name: t.name, definition: t.definition }));
    },
  );

  app.get(
    '/forms',
    { schema: { tags, summary: '本单位的样表 Forms of my units', querystring: formListQuery, response: responses({ 200: z.array(formSummary) }) } },
    async (request) => {
      const rows = await forms.listForms(db, requireSession(request).actor, request.query.unitId);
      return rows.map((r) => ({ id: r.id, unitId: r.unit_id, unitName: r.unit_name, name: r.name, latestVersionId: r.latest_version_id, latestVersion: r.latest_version, updatedAt: r.updated_at.toISOString() }));
    },
  );

  app.post(
    '/forms',
    { schema: { tags, summary: '新建样表（从模板或定义）Create a form', body: createFormBody, response: responses({ 201: formView }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const id = await forms.createForm(db, { actor, ...request.body, client: clientOf(request) });
      return reply.status(201).send(await viewOf(actor, id));
    },
  );

  app.get(
    '/forms/:id',
    { schema: { tags, summary: '样表及其版本 A form and its versions', params: idParams, response: responses({ 200: formView }) } },
    async (request) => viewOf(requireSession(request).actor, request.params.id),
  );

  app.post(
    '/forms/:id/versions',
    { schema: { tags, summary: '保存为新版本 Save a new version', params: idParams, body: saveFormVersionBody, response: responses({ 201: formView }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      await forms.saveFormVersion(db, { actor, formId: request.params.id, ...request.body, client: clientOf(request) });
      return reply.status(201).send(await viewOf(actor, request.params.id));
    },
  );

  app.get(
    '/form-versions/:id',
    { schema: { tags, summary: '样表的某一版本 One version of a form', params: idParams, response: responses({ 200: formVersionView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const version = await repo.findFormVersion(db, request.params.id);
      if (!version) throw notFound();
      // Readable by the form's own unit line, and by every unit a task using it reached.
      if (!(await forms.canReadFormVersion(db, actor, version))) throw notFound();
      return { id: version.id, formId: version.form_id, version: version.version, definition: forms.parseDefinition(version.definition), createdAt: version.created_at.toISOString() };
    },
  );
};
