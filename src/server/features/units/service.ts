import { can, scopeOf, type Actor } from '../../../shared/domain/access';
import type { CreateUnitInput, UpdateUnitInput } from '../../../shared/contracts/units';
import { isInSubtree, levelOfRegionCode, unitLevels, type UnitLevel, type UnitType } from '../../../shared/domain/units';
import type { Db, DbOrTx } from '../../db/database';
import type { NewUnitRow, UnitRow } from '../../db/schema';
import { AppError, forbidden, notFound, staleVersion } from '../../errors';
import { actorFields, insertAuditEntry } from '../audit/repository';
import type { ClientInfo } from '../accounts/service';
import { pinyinInitialsOf, sortKeyOf } from './naming';
import * as repo from './repository';

/** The unit if `actor` may see it; otherwise a 404 that does not reveal whether it exists. */
export async function loadVisibleUnit(db: DbOrTx, actor: Actor, id: number) {
  const unit = await repo.findUnit(db, id);
  if (!unit || !can(actor, 'units.view', unit.path)) throw notFound();
  return unit;
}

/** The tops of the subtrees `actor` may see: the national root for administrators, a city for its staff. */
export async function listRootUnits(db: Db, actor: Actor) {
  return repo.findUnitsByPaths(db, scopeOf(actor, 'units.view'));
}

export async function listChildUnits(db: Db, actor: Actor, parentId: number, includeInactive: boolean) {
  await loadVisibleUnit(db, actor, parentId);
  return repo.listChildren(db, parentId, includeInactive);
}

export async function getUnit(db: Db, actor: Actor, id: number) {
  const unit = await loadVisibleUnit(db, actor, id);
  const scopeRoots = scopeOf(actor, 'units.view');
  // Ancestors shown as a breadcrumb: only those inside the viewer's own scope.
  const ancestorPaths = unit.path
    .split('/')
    .filter(Boolean)
    .slice(0, -1)
    .map((_, i, ids) => `/${ids.slice(0, i + 1).join('/')}/`)
    .filter((p) => scopeRoots.some((root) => isInSubtree(p, root)));
  const ancestors = await repo.findUnitsByPaths(db, ancestorPaths);
  return { unit, ancestors };
}

export async function searchUnits(db: Db, actor: Actor, options: { q: string; limit: number; includeInactive: boolean }) {
  const scopePaths = scopeOf(actor, 'units.view');
  const hits = await repo.searchUnits(db, { ...options, scopePaths });
  // Each hit carries its visible ancestors so the tree can expand down to it.
  const ancestorIds = [...new Set(hits.flatMap((h) => h.path.split('/').filter(Boolean).slice(0, -1).map(Number)))];
  const ancestors = new Map(
    (await repo.findUnitsByIds(db, ancestorIds))
      .filter((a) => scopePaths.some((root) => isInSubtree(a.path, root)))
      .map((a) => [a.id, a]),
  );
  return hits.map((hit) => ({
    hit,
    ancestors: hit.path
      .split('/')
      .filter(Boolean)
      .slice(0, -1)
      .map(Number)
      .flatMap((id) => (ancestors.has(id) ? [ancestors.get(id)!] : [])),
  }));
}

function defaultLevel(type: UnitType, regionCode: string | null | undefined, parent: UnitRow): UnitLevel {
  if (type === 'regional_association') {
    if (regionCode) return levelOfRegionCode(regionCode);
    const index = unitLevels.indexOf(parent.level);
    return unitLevels[Math.min(index + 1, unitLevels.length - 1)]!;
  }
  return parent.level;
}

/** Maps unique-index violations to the errors users understand. */
export function translateUnitConflict(error: unknown, input: { name?: string | undefined; regionCode?: string | null | undefined }): never {
  const constraint = (error as { constraint?: string }).constraint ?? '';
  const message = (error as { message?: string }).message ?? '';
  if (constraint === 'units_sibling_name_idx' || message.includes('units_sibling_name_idx')) {
    throw new AppError('duplicate_unit_name', 409, { name: input.name ?? '' }, [{ field: 'name', code: 'invalid' }]);
  }
  if (constraint === 'units_regional_code_idx' || message.includes('units_regional_code_idx')) {
    throw new AppError('duplicate_region_code', 409, { code: input.regionCode ?? '' }, [{ field: 'regionCode', code: 'invalid' }]);
  }
  throw error;
}

export function newUnitRow(input: Omit<CreateUnitInput, 'parentId'>, parent: UnitRow): NewUnitRow {
  const regionCode = input.regionCode ?? null;
  return {
    parent_id: parent.id,
    name: input.name,
    short_name: input.shortName,
    type: input.type,
    level: input.level ?? defaultLevel(input.type, regionCode, parent),
    region_code: regionCode,
    tags: input.tags ?? [],
    contact_name: input.contactName ?? null,
    contact_office_phone: input.contactOfficePhone ?? null,
    contact_mobile: input.contactMobile ?? null,
    contact_fax: input.contactFax ?? null,
    contact_email: input.contactEmail ?? null,
    mailing_address: input.mailingAddress ?? null,
    pinyin_initials: pinyinInitialsOf(input.shortName, input.name),
    sort_key: sortKeyOf(input.type, regionCode, input.shortName),
  };
}

export async function createUnit(db: Db, options: { actor: Actor; input: CreateUnitInput; client: ClientInfo }) {
  const { actor, input } = options;
  const parent = await loadVisibleUnit(db, actor, input.parentId);
  if (!can(actor, 'units.edit', parent.path)) throw forbidden();
  if (!parent.active) throw new AppError('parent_inactive', 409, {}, [{ field: 'parentId', code: 'invalid' }]);
  try {
    return await db.transaction().execute(async (trx) => {
      const unit = await repo.insertUnit(trx, newUnitRow(input, parent));
      await insertAuditEntry(trx, {
        ...actorFields(actor),
        unitId: unit.id,
        action: 'unit.create',
        targetType: 'unit',
        targetId: unit.id,
        ip: options.client.ip,
        details: { name: unit.name, parentId: parent.id },
      });
      return unit;
    });
  } catch (error) {
    translateUnitConflict(error, input);
  }
}

const detailFields = {
  contactName: 'contact_name',
  contactOfficePhone: 'contact_office_phone',
  contactMobile: 'contact_mobile',
  contactFax: 'contact_fax',
  contactEmail: 'contact_email',
  mailingAddress: 'mailing_address',
  tags: 'tags',
} as const;
const structuralFields = { name: 'name', shortName: 'short_name', type: 'type', level: 'level', regionCode: 'region_code' } as const;

export async function updateUnit(db: Db, options: { actor: Actor; id: number; input: UpdateUnitInput; client: ClientInfo }) {
  const { actor, input } = options;
  const unit = await loadVisibleUnit(db, actor, options.id);
  const changes: Record<string, unknown> = {};
  const changed: string[] = [];
  for (const [field, column] of Object.entries({ ...detailFields, ...structuralFields })) {
    const value = input[field as keyof UpdateUnitInput];
    if (value === undefined) continue;
    if (JSON.stringify(value) === JSON.stringify(unit[column as keyof UnitRow])) continue;
    changes[column] = value;
    changed.push(field);
  }
  const touchesStructure = changed.some((f) => f in structuralFields);
  if (!can(actor, 'units.edit', unit.path)) throw forbidden();
  // Renaming or retyping a unit belongs to its upper level, as does moving it.
  if (touchesStructure && !can(actor, 'units.restructure', unit.path)) throw forbidden();
  if (changed.length === 0) {
    if (unit.version !== input.version) throw staleVersion();
    return unit;
  }
  if (changes.short_name !== undefined || changes.name !== undefined || changes.type !== undefined || changes.region_code !== undefined) {
    const shortName = (changes.short_name as string | undefined) ?? unit.short_name;
    const name = (changes.name as string | undefined) ?? unit.name;
    changes.pinyin_initials = pinyinInitialsOf(shortName, name);
    changes.sort_key = sortKeyOf(
      (changes.type as UnitType | undefined) ?? unit.type,
      (changes.region_code as string | null | undefined) ?? unit.region_code,
      shortName,
    );
  }
  try {
    await db.transaction().execute(async (trx) => {
      if (!(await repo.updateUnitRow(trx, unit.id, input.version, changes))) throw staleVersion();
      await insertAuditEntry(trx, {
        ...actorFields(actor),
        unitId: unit.id,
        action: touchesStructure ? 'unit.rename' : 'unit.update',
        targetType: 'unit',
        targetId: unit.id,
        ip: options.client.ip,
        details: { fields: changed },
      });
    });
  } catch (error) {
    translateUnitConflict(error, { name: input.name, regionCode: input.regionCode });
  }
  return (await repo.findUnit(db, unit.id))!;
}

export async function moveUnit(
  db: Db,
  options: { actor: Actor; id: number; newParentId: number; version: number; client: ClientInfo },
) {
  const { actor } = options;
  const unit = await loadVisibleUnit(db, actor, options.id);
  const newParent = await loadVisibleUnit(db, actor, options.newParentId);
  if (!unit.parent_id) throw new AppError('cannot_move_root', 409);
  if (!can(actor, 'units.restructure', unit.path) || !can(actor, 'units.edit', newParent.path)) throw forbidden();
  if (isInSubtree(newParent.path, unit.path)) {
    throw new AppError('cannot_move_into_own_subtree', 409, {}, [{ field: 'newParentId', code: 'invalid' }]);
  }
  if (!newParent.active) throw new AppError('parent_inactive', 409, {}, [{ field: 'newParentId', code: 'invalid' }]);
  if (unit.version !== options.version) throw staleVersion();
  try {
    await db.transaction().execute(async (trx) => {
      const fresh = await repo.findUnit(trx, unit.id);
      if (!fresh || fresh.version !== options.version) throw staleVersion();
      await repo.moveSubtree(trx, fresh, newParent);
      await insertAuditEntry(trx, {
        ...actorFields(actor),
        unitId: unit.id,
        action: 'unit.move',
        targetType: 'unit',
        targetId: unit.id,
        ip: options.client.ip,
        details: { fromParentId: unit.parent_id, toParentId: newParent.id },
      });
    });
  } catch (error) {
    translateUnitConflict(error, { name: unit.name });
  }
  return (await repo.findUnit(db, unit.id))!;
}

/** Deactivation covers the whole subtree; nothing is deleted, records keep pointing at their units. */
export async function setUnitActive(
  db: Db,
  options: { actor: Actor; id: number; version: number; active: boolean; client: ClientInfo },
) {
  const { actor } = options;
  const unit = await loadVisibleUnit(db, actor, options.id);
  if (!unit.parent_id) throw new AppError('cannot_move_root', 409);
  if (!can(actor, 'units.restructure', unit.path)) throw forbidden();
  if (unit.version !== options.version) throw staleVersion();
  if (options.active) {
    const parent = await repo.findUnit(db, unit.parent_id);
    if (!parent?.active) throw new AppError('parent_inactive', 409);
  }
  await db.transaction().execute(async (trx) => {
    const changed = options.active
      ? Number((await repo.updateUnitRow(trx, unit.id, options.version, { active: true })) ? 1 : 0)
      : await repo.setSubtreeActive(trx, unit, false);
    if (changed === 0) throw staleVersion();
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: unit.id,
      action: options.active ? 'unit.reactivate' : 'unit.deactivate',
      targetType: 'unit',
      targetId: unit.id,
      ip: options.client.ip,
      details: { unitsAffected: changed },
    });
  });
  return (await repo.findUnit(db, unit.id))!;
}
