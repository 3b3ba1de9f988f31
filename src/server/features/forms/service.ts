import { can, scopeOf, type Actor } from '../../../shared/domain/access';
import { formDefinitionSchema, type FormDefinition } from '../../../shared/forms/definition';
import { formTemplates, type FormTemplateKey } from '../../../shared/forms/templates';
import type { Db, DbOrTx } from '../../db/database';
import { forbidden, invalidFields, notFound, staleVersion } from '../../errors';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { loadVisibleUnit } from '../units/service';
import * as repo from './repository';

export function parseDefinition(raw: unknown): FormDefinition {
  return formDefinitionSchema.parse(raw);
}

export async function loadReadableForm(db: DbOrTx, actor: Actor, id: number) {
  const form = await repo.findForm(db, id);
  if (!form || !can(actor, 'units.view', form.unit_path)) throw notFound();
  return form;
}

export async function createForm(
  db: Db,
  options: { actor: Actor; unitId: number; name: string; templateKey?: string | undefined; definition?: FormDefinition | undefined; client: ClientInfo },
) {
  const { actor } = options;
  const unit = await loadVisibleUnit(db, actor, options.unitId);
  if (!can(actor, 'campaigns.manage', unit.path)) throw forbidden();
  let definition = options.definition;
  if (!definition) {
    const template = formTemplates[options.templateKey as FormTemplateKey];
    if (!template) throw invalidFields([{ field: 'templateKey', code: 'invalid_option' }]);
    definition = template.definition;
  }
  return db.transaction().execute(async (trx) => {
    const formId = await repo.insertForm(trx, { unitId: unit.id, name: options.name, templateKey: options.templateKey ?? null, createdBy: actor.userId || null });
    await repo.insertFormVersion(trx, formId, 1, definition, actor.userId || null);
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: unit.id, action: 'form.create', targetType: 'form', targetId: formId, ip: options.client.ip, details: { name: options.name, template: options.templateKey ?? null } });
    return formId;
  });
}

/** Saves the designer's edit as a new version; tasks keep the version they were issued with. */
export async function saveFormVersion(
  db: Db,
  options: { actor: Actor; formId: number; definition: FormDefinition; basedOnVersion: number; name?: string | undefined; client: ClientInfo },
) {
  const { actor } = options;
  const form = await loadReadableForm(db, actor, options.formId);
  if (!can(actor, 'campaigns.manage', form.unit_path)) throw forbidden();
  return db.transaction().execute(async (trx) => {
    const latest = (await repo.versionsOf(trx, form.id))[0];
    if (!latest || latest.version !== options.basedOnVersion) throw staleVersion();
    const id = await repo.insertFormVersion(trx, form.id, latest.version + 1, options.definition, actor.userId || null);
    if (options.name) await trx.updateTable('forms').set({ name: options.name }).where('id', '=', form.id).execute();
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: form.unit_id, action: 'form.new_version', targetType: 'form', targetId: form.id, ip: options.client.ip, details: { version: latest.version + 1 } });
    return id;
  });
}

export async function canReadFormVersion(db: DbOrTx, actor: Actor, version: { id: number; unit_path: string }) {
  if (can(actor, 'units.view', version.unit_path)) return true;
  const scope = scopeOf(actor, 'units.view');
  if (scope.length === 0) return false;
  const reached = await db
    .selectFrom('collection_tasks as t')
    .innerJoin('notice_recipients as r', 'r.notice_id', 't.notice_id')
    .innerJoin('units as u', 'u.id', 'r.unit_id')
    .select('t.id')
    .where('t.form_version_id', '=', version.id)
    .where((eb) => eb.or(scope.map((p) => eb('u.path', 'like', `${p}%`))))
    .limit(1)
    .executeTakeFirst();
  return reached !== undefined;
}

export async function listForms(db: Db, actor: Actor, unitId?: number) {
  return repo.listForms(db, scopeOf(actor, 'campaigns.manage'), unitId);
}

export async function formWithVersions(db: Db, actor: Actor, id: number) {
  const form = await loadReadableForm(db, actor, id);
  const versions = await repo.versionsOf(db, form.id);
  return { form, versions, canEdit: can(actor, 'campaigns.manage', form.unit_path) };
}
