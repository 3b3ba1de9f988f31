import type { z } from 'zod';
import { can, scopeOf, viewingGrants, type Actor } from '../../../shared/domain/access';
import {
  checkPhases,
  defaultModules,
  defaultPhases,
  defaultTargetGroups,
  ordinalOfYear,
  shiftYear,
  type NamedItem,
} from '../../../shared/domain/campaigns';
import { idsOnPath, isInSubtree } from '../../../shared/domain/units';
import type {
  CampaignInput,
  campaignActivityBody,
  campaignStartBody,
  updateCampaignActivityBody,
  updateCampaignBody,
} from '../../../shared/contracts/campaigns';
import type { Db, DbOrTx } from '../../db/database';
import { AppError, forbidden, invalidFields, notFound, staleVersion, type FieldError } from '../../errors';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { loadVisibleUnit } from '../units/service';
import * as repo from './repository';

/** A campaign is readable in its unit's subtree (the units it addresses) and by those above it. */
export function canReadCampaign(actor: Actor, unitPath: string): boolean {
  return can(actor, 'units.view', unitPath) || viewingGrants(actor).some((g) => isInSubtree(g.unitPath, unitPath));
}

export async function loadReadableCampaign(db: DbOrTx, actor: Actor, id: number) {
  const campaign = await repo.findCampaign(db, id);
  if (!campaign || !canReadCampaign(actor, campaign.unit_path)) throw notFound();
  return campaign;
}

async function loadManageableCampaign(db: DbOrTx, actor: Actor, id: number) {
  const campaign = await loadReadableCampaign(db, actor, id);
  if (!can(actor, 'campaigns.manage', campaign.unit_path)) throw forbidden();
  return campaign;
}

/** Gives every item a stable id: kept when given, else the next free "<prefix>N". */
function withIds<T extends { id?: string | undefined }>(items: T[], prefix: string): (T & { id: string })[] {
  const used = new Set(items.map((i) => i.id).filter(Boolean));
  let n = 1;
  return items.map((item) => {
    if (item.id) return item as T & { id: string };
    while (used.has(`${prefix}${n}`)) n++;
    used.add(`${prefix}${n}`);
    return { ...item, id: `${prefix}${n}` };
  });
}

function structureOf(input: Pick<CampaignInput, 'modules' | 'phases' | 'targetGroups' | 'keyDates' | 'ordinal' | 'theme'>) {
  return {
    ordinal: input.ordinal ?? null,
    theme: input.theme,
    modules: withIds(input.modules, 'm') as NamedItem[],
    phases: withIds(input.phases, 'p'),
    target_groups: withIds(input.targetGroups, 'g') as NamedItem[],
    key_dates: input.keyDates,
  };
}

function assertPhasesValid(phases: CampaignInput['phases'], parentPhases?: ReturnType<typeof structureOf>['phases']) {
  const problems = checkPhases(withIds(phases, 'p'), parentPhases);
  if (problems.length === 0) return;
  throw invalidFields(
    problems.map((p): FieldError => ({ field: `phases.${p.index}.${p.problem === 'end_before_start' ? 'endDate' : 'startDate'}`, code: `phase_${p.problem}` })),
  );
}

/**
 * A prefilled campaign for the form: a copy of an earlier campaign with dates moved to the new
 * year, the upper level's campaign of that year (theme, modules, phases inherited), or the defaults.
 */
export async function campaignTemplate(db: Db, actor: Actor, input: z.infer<typeof campaignStartBody>): Promise<CampaignInput> {
  const unit = await loadVisibleUnit(db, actor, input.unitId);
  if (!can(actor, 'campaigns.manage', unit.path)) throw forbidden();
  if (input.copyFromId) {
    const source = await loadReadableCampaign(db, actor, input.copyFromId);
    const shift = input.year - source.year;
    return {
      unitId: unit.id,
      year: input.year,
      ordinal: ordinalOfYear(input.year),
      theme: source.theme,
      modules: source.modules,
      phases: source.phases.map((p) => ({ ...p, startDate: shiftYear(p.startDate, shift), endDate: shiftYear(p.endDate, shift) })),
      targetGroups: source.target_groups,
      keyDates: source.key_dates.map((k) => ({ ...k, date: shiftYear(k.date, shift) })),
      parentCampaignId: null,
    };
  }
  if (input.parentCampaignId) {
    const parent = await loadReadableCampaign(db, actor, input.parentCampaignId);
    return {
      unitId: unit.id,
      year: parent.year,
      ordinal: parent.ordinal,
      theme: parent.theme,
      modules: parent.modules,
      phases: parent.phases,
      targetGroups: parent.target_groups,
      keyDates: [],
      parentCampaignId: parent.id,
    };
  }
  return {
    unitId: unit.id,
    year: input.year,
    ordinal: ordinalOfYear(input.year),
    theme: `${input.year}年“全国科技工作者日”`,
    modules: defaultModules,
    phases: defaultPhases(input.year),
    targetGroups: defaultTargetGroups,
    keyDates: [{ name: '全国科技工作者日', date: `${input.year}-05-30` }],
    parentCampaignId: null,
  };
}

export async function createCampaign(
  db: Db,
  options: { actor: Actor; input: CampaignInput; copyActivitiesFromId?: number | undefined; client: ClientInfo },
) {
  const { actor, input } = options;
  const unit = await loadVisibleUnit(db, actor, input.unitId);
  if (!can(actor, 'campaigns.manage', unit.path)) throw forbidden();
  let parentPhases;
  if (input.parentCampaignId) {
    const parent = await loadReadableCampaign(db, actor, input.parentCampaignId);
    if (!isInSubtree(unit.path, parent.unit_path) || parent.unit_id === unit.id || parent.year !== input.year) {
      throw invalidFields([{ field: 'parentCampaignId', code: 'invalid' }]);
    }
    parentPhases = parent.phases;
  }
  assertPhasesValid(input.phases, parentPhases);
  if (await repo.findCampaignOf(db, unit.id, input.year)) {
    throw new AppError('campaign_exists', 409, { unit: unit.short_name, year: input.year }, [{ field: 'year', code: 'invalid' }]);
  }
  const source = options.copyActivitiesFromId ? await loadReadableCampaign(db, actor, options.copyActivitiesFromId) : undefined;
  const id = await db.transaction().execute(async (trx) => {
    const campaignId = await repo.insertCampaign(trx, {
      unit_id: unit.id,
      year: input.year,
      ...structureOf(input),
      parent_campaign_id: input.parentCampaignId ?? null,
      copied_from_id: source?.id ?? null,
      created_by: actor.userId || null,
    });
    if (source) {
      const shift = input.year - source.year;
      const activities = await repo.listActivities(trx, source.id);
      const departments = await repo.departmentsOf(trx, activities.map((a) => a.id));
      for (const activity of activities) {
        const row = await trx
          .insertInto('campaign_activities')
          .values({
            campaign_id: campaignId,
            title: activity.title,
            module_id: activity.module_id,
            start_date: activity.start_date ? shiftYear(activity.start_date, shift) : null,
            end_date: activity.end_date ? shiftYear(activity.end_date, shift) : null,
            place: activity.place,
            description: activity.description,
            sort_order: activity.sort_order,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await repo.replaceDepartments(trx, row.id, departments.filter((d) => d.activity_id === activity.id).map((d) => d.id));
      }
    }
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: unit.id,
      action: 'campaign.create',
      targetType: 'campaign',
      targetId: campaignId,
      ip: options.client.ip,
      details: { year: input.year, copiedFrom: source?.id ?? null, parentCampaignId: input.parentCampaignId ?? null },
    });
    return campaignId;
  });
  return (await repo.findCampaign(db, id))!;
}

export async function updateCampaign(db: Db, options: { actor: Actor; id: number; input: z.infer<typeof updateCampaignBody>; client: ClientInfo }) {
  const { actor, input } = options;
  const campaign = await loadManageableCampaign(db, actor, options.id);
  const parent = campaign.parent_campaign_id ? await repo.findCampaign(db, campaign.parent_campaign_id) : undefined;
  assertPhasesValid(input.phases, parent?.phases);
  await db.transaction().execute(async (trx) => {
    if (!(await repo.updateCampaignRow(trx, campaign.id, input.version, structureOf(input)))) throw staleVersion();
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: campaign.unit_id,
      action: 'campaign.update',
      targetType: 'campaign',
      targetId: campaign.id,
      ip: options.client.ip,
    });
  });
  return (await repo.findCampaign(db, campaign.id))!;
}

export async function listCampaigns(db: Db, actor: Actor, query: { unitId?: number | undefined; year?: number | undefined }) {
  const ancestorIds = [...new Set(viewingGrants(actor).flatMap((g) => idsOnPath(g.unitPath)))];
  return repo.listCampaigns(db, { scopePaths: scopeOf(actor, 'units.view'), ancestorIds, ...query });
}

// --- The plan's own activities and their responsible departments -------------------------------

async function assertDepartments(db: DbOrTx, campaignUnitPath: string, unitIds: number[]) {
  for (const id of unitIds) {
    const unit = await db.selectFrom('units').select(['path']).where('id', '=', id).executeTakeFirst();
    // Responsible departments belong to the issuing unit: its departments, institutions or itself.
    if (!unit || !isInSubtree(unit.path, campaignUnitPath)) throw invalidFields([{ field: 'departmentUnitIds', code: 'invalid' }]);
  }
}

function assertModule(modules: NamedItem[], moduleId: string | undefined) {
  if (moduleId !== undefined && !modules.some((m) => m.id === moduleId)) throw invalidFields([{ field: 'moduleId', code: 'unknown_module' }]);
}

export async function listCampaignActivities(db: Db, actor: Actor, campaignId: number) {
  const campaign = await loadReadableCampaign(db, actor, campaignId);
  const activities = await repo.listActivities(db, campaign.id);
  const departments = await repo.departmentsOf(db, activities.map((a) => a.id));
  return { campaign, activities, departments };
}

export async function addCampaignActivity(
  db: Db,
  options: { actor: Actor; campaignId: number; input: z.infer<typeof campaignActivityBody>; client: ClientInfo },
) {
  const { actor, input } = options;
  const campaign = await loadManageableCampaign(db, actor, options.campaignId);
  assertModule(campaign.modules, input.moduleId);
  await assertDepartments(db, campaign.unit_path, input.departmentUnitIds);
  return db.transaction().execute(async (trx) => {
    const max = await trx
      .selectFrom('campaign_activities')
      .select((eb) => eb.fn.max('sort_order').as('m'))
      .where('campaign_id', '=', campaign.id)
      .executeTakeFirst();
    const row = await trx
      .insertInto('campaign_activities')
      .values({
        campaign_id: campaign.id,
        title: input.title,
        module_id: input.moduleId,
        start_date: input.startDate ?? null,
        end_date: input.endDate ?? null,
        place: input.place ?? null,
        description: input.description ?? null,
        status: input.status,
        sort_order: (max?.m ?? 0) + 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await repo.replaceDepartments(trx, row.id, input.departmentUnitIds);
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: campaign.unit_id,
      action: 'campaign.activity_create',
      targetType: 'campaign_activity',
      targetId: row.id,
      ip: options.client.ip,
      details: { title: input.title },
    });
    return row.id;
  });
}

/**
 * Updates an activity. Campaign managers change everything; a responsible department may only
 * move its assignment's status along (planned → in preparation → held → reported).
 */
export async function updateCampaignActivity(
  db: Db,
  options: { actor: Actor; id: number; input: z.infer<typeof updateCampaignActivityBody>; client: ClientInfo },
) {
  const { actor, input } = options;
  const activity = await repo.findActivity(db, options.id);
  if (!activity) throw notFound();
  const campaign = await repo.findCampaign(db, activity.campaign_id);
  const departments = await repo.departmentsOf(db, [activity.id]);
  const manages = campaign !== undefined && can(actor, 'campaigns.manage', campaign.unit_path);
  const assigned = departments.some((d) => can(actor, 'units.view', d.path));
  if (!campaign || (!manages && !assigned && !canReadCampaign(actor, campaign.unit_path))) throw notFound();
  const onlyStatus = Object.keys(input).every((k) => k === 'status' || k === 'version');
  if (!manages && !(assigned && onlyStatus)) throw forbidden();
  assertModule(campaign.modules, input.moduleId);
  if (input.departmentUnitIds) await assertDepartments(db, campaign.unit_path, input.departmentUnitIds);
  await db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('campaign_activities')
      .set({
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.moduleId !== undefined ? { module_id: input.moduleId } : {}),
        ...(input.startDate !== undefined ? { start_date: input.startDate } : {}),
        ...(input.endDate !== undefined ? { end_date: input.endDate } : {}),
        ...(input.place !== undefined ? { place: input.place } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.status !== undefined ? { status: input.status } : {}),
        version: (eb) => eb('version', '+', 1),
        updated_at: new Date(),
      })
      .where('id', '=', activity.id)
      .where('version', '=', input.version)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw staleVersion();
    if (input.departmentUnitIds) await repo.replaceDepartments(trx, activity.id, input.departmentUnitIds);
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: campaign.unit_id,
      action: onlyStatus ? 'campaign.activity_status' : 'campaign.activity_update',
      targetType: 'campaign_activity',
      targetId: activity.id,
      ip: options.client.ip,
      details: { fields: Object.keys(input).filter((k) => k !== 'version'), status: input.status },
    });
  });
}

/** Activities assigned to the caller's departments, across campaigns. */
export async function listAssignedActivities(db: Db, actor: Actor) {
  const scope = scopeOf(actor, 'units.view');
  const activities = await repo.activitiesAssignedWithin(db, scope);
  const departments = await repo.departmentsOf(db, activities.map((a) => a.id));
  const campaigns = new Map<number, repo.CampaignRow>();
  for (const id of new Set(activities.map((a) => a.campaign_id))) {
    const c = await repo.findCampaign(db, id);
    if (c) campaigns.set(id, c);
  }
  return { activities, departments, campaigns };
}
