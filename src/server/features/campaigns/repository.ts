import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database';
import type { CampaignKeyDate, CampaignModule, CampaignPhase, CampaignTargetGroup } from '../../db/schema';

export interface CampaignRecord {
  unit_id: number;
  year: number;
  ordinal: number | null;
  theme: string;
  modules: CampaignModule[];
  phases: CampaignPhase[];
  target_groups: CampaignTargetGroup[];
  key_dates: CampaignKeyDate[];
  parent_campaign_id: number | null;
  copied_from_id: number | null;
  created_by: number | null;
}

const json = (value: unknown) => JSON.stringify(value);

export async function insertCampaign(db: DbOrTx, c: CampaignRecord): Promise<number> {
  const row = await db
    .insertInto('campaigns')
    .values({
      ...c,
      modules: json(c.modules),
      phases: json(c.phases),
      target_groups: json(c.target_groups),
      key_dates: json(c.key_dates),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateCampaignRow(
  db: DbOrTx,
  id: number,
  version: number,
  c: Pick<CampaignRecord, 'ordinal' | 'theme' | 'modules' | 'phases' | 'target_groups' | 'key_dates'>,
): Promise<boolean> {
  const result = await db
    .updateTable('campaigns')
    .set({
      ordinal: c.ordinal,
      theme: c.theme,
      modules: json(c.modules),
      phases: json(c.phases),
      target_groups: json(c.target_groups),
      key_dates: json(c.key_dates),
      version: sql`version + 1`,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

const campaignColumns = [
  'campaigns.id',
  'campaigns.unit_id',
  'campaigns.year',
  'campaigns.ordinal',
  'campaigns.theme',
  'campaigns.modules',
  'campaigns.phases',
  'campaigns.target_groups',
  'campaigns.key_dates',
  'campaigns.parent_campaign_id',
  'campaigns.version',
  'units.short_name as unit_name',
  'units.path as unit_path',
] as const;

export async function findCampaign(db: DbOrTx, id: number) {
  return db
    .selectFrom('campaigns')
    .innerJoin('units', 'units.id', 'campaigns.unit_id')
    .select(campaignColumns)
    .where('campaigns.id', '=', id)
    .executeTakeFirst();
}
export type CampaignRow = NonNullable<Awaited<ReturnType<typeof findCampaign>>>;

export async function findCampaignOf(db: DbOrTx, unitId: number, year: number) {
  return db
    .selectFrom('campaigns')
    .innerJoin('units', 'units.id', 'campaigns.unit_id')
    .select(campaignColumns)
    .where('campaigns.unit_id', '=', unitId)
    .where('campaigns.year', '=', year)
    .executeTakeFirst();
}

/** Campaigns of units in the given subtrees, or of units on the path above the caller. */
export async function listCampaigns(db: DbOrTx, options: { scopePaths: string[]; ancestorIds: number[]; unitId?: number | undefined; year?: number | undefined }) {
  let query = db
    .selectFrom('campaigns')
    .innerJoin('units', 'units.id', 'campaigns.unit_id')
    .select(campaignColumns)
    .where((eb) =>
      eb.or([
        ...options.scopePaths.map((p) => eb('units.path', 'like', `${p}%`)),
        ...(options.ancestorIds.length > 0 ? [eb('units.id', 'in', options.ancestorIds)] : []),
      ]),
    );
  if (options.unitId) query = query.where('campaigns.unit_id', '=', options.unitId);
  if (options.year) query = query.where('campaigns.year', '=', options.year);
  return query.orderBy('campaigns.year', 'desc').orderBy('units.depth').limit(200).execute();
}

export async function listActivities(db: DbOrTx, campaignId: number) {
  return db
    .selectFrom('campaign_activities')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .orderBy('sort_order')
    .orderBy('id')
    .execute();
}

export async function departmentsOf(db: DbOrTx, activityIds: number[]) {
  if (activityIds.length === 0) return [];
  return db
    .selectFrom('campaign_activity_departments as d')
    .innerJoin('units as u', 'u.id', 'd.unit_id')
    .select(['d.activity_id', 'u.id', 'u.short_name', 'u.path'])
    .where('d.activity_id', 'in', activityIds)
    .orderBy('u.sort_key')
    .execute();
}

export async function findActivity(db: DbOrTx, id: number) {
  return db.selectFrom('campaign_activities').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function replaceDepartments(db: DbOrTx, activityId: number, unitIds: number[]) {
  await db.deleteFrom('campaign_activity_departments').where('activity_id', '=', activityId).execute();
  if (unitIds.length > 0) {
    await db
      .insertInto('campaign_activity_departments')
      .values([...new Set(unitIds)].map((unit_id) => ({ activity_id: activityId, unit_id })))
      .execute();
  }
}

/** Activities assigned to departments lying in the given subtrees. */
export async function activitiesAssignedWithin(db: DbOrTx, scopePaths: string[]) {
  if (scopePaths.length === 0) return [];
  return db
    .selectFrom('campaign_activities as a')
    .innerJoin('campaign_activity_departments as d', 'd.activity_id', 'a.id')
    .innerJoin('units as u', 'u.id', 'd.unit_id')
    .selectAll('a')
    .where((eb) => eb.or(scopePaths.map((p) => eb('u.path', 'like', `${p}%`))))
    .distinct()
    .orderBy('a.start_date')
    .orderBy('a.id')
    .execute();
}
