import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database';
import type { FormDefinition } from '../../../shared/forms/definition';

export async function insertForm(db: DbOrTx, form: { unitId: number; name: string; templateKey: string | null; createdBy: number | null }) {
  const row = await db
    .insertInto('forms')
    .values({ unit_id: form.unitId, name: form.name, template_key: form.templateKey, created_by: form.createdBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertFormVersion(db: DbOrTx, formId: number, version: number, definition: FormDefinition, createdBy: number | null) {
  const row = await db
    .insertInto('form_versions')
    .values({ form_id: formId, version, definition: JSON.stringify(definition), created_by: createdBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.updateTable('forms').set({ updated_at: new Date() }).where('id', '=', formId).execute();
  return row.id;
}

export async function findForm(db: DbOrTx, id: number) {
  return db
    .selectFrom('forms as f')
    .innerJoin('units as u', 'u.id', 'f.unit_id')
    .select(['f.id', 'f.unit_id', 'f.name', 'f.template_key', 'f.updated_at', 'u.short_name as unit_name', 'u.path as unit_path'])
    .where('f.id', '=', id)
    .executeTakeFirst();
}

export async function versionsOf(db: DbOrTx, formId: number) {
  return db.selectFrom('form_versions').selectAll().where('form_id', '=', formId).orderBy('version', 'desc').execute();
}

export async function findFormVersion(db: DbOrTx, id: number) {
  return db
    .selectFrom('form_versions as v')
    .innerJoin('forms as f', 'f.id', 'v.form_id')
    .innerJoin('units as u', 'u.id', 'f.unit_id')
    .select(['v.id', 'v.form_id', 'v.version', 'v.definition', 'v.created_at', 'f.unit_id', 'u.path as unit_path', 'f.name'])
    .where('v.id', '=', id)
    .executeTakeFirst();
}

export async function listForms(db: DbOrTx, scopePaths: string[], unitId?: number) {
  if (scopePaths.length === 0) return [];
  let query = db
    .selectFrom('forms as f')
    .innerJoin('units as u', 'u.id', 'f.unit_id')
    .select([
      'f.id',
      'f.unit_id',
      'f.name',
      'f.updated_at',
      'u.short_name as unit_name',
      sql<number>`(select v.id from form_versions v where v.form_id = f.id order by v.version desc limit 1)`.as('latest_version_id'),
      sql<number>`(select max(v.version) from form_versions v where v.form_id = f.id)`.as('latest_version'),
    ])
    .where((eb) => eb.or(scopePaths.map((p) => eb('u.path', 'like', `${p}%`))));
  if (unitId) query = query.where('f.unit_id', '=', unitId);
  return query.orderBy('f.updated_at', 'desc').limit(200).execute();
}
