import { sql, type Selectable } from 'kysely';
import { onlinePlacePattern, type ActivityFormat } from '../../../shared/domain/activity-format';
import type { DbOrTx } from '../../db/database';
import type { ShowcasePublicationsTable } from '../../db/schema';

export type PublicationRow = Selectable<ShowcasePublicationsTable>;

/** An activity with what publishing it needs: its unit, its campaign, its publication if any. */
export async function findActivity(db: DbOrTx, activityId: number) {
  return db
    .selectFrom('activities as a')
    .innerJoin('units as u', 'u.id', 'a.unit_id')
    .leftJoin('showcase_publications as p', 'p.activity_id', 'a.id')
    .select([
      'a.id',
      'a.title',
      'a.host',
      'a.organiser',
      'a.place',
      'a.campaign_id',
      'a.unit_id',
      'a.withdrawn',
      'u.path as unit_path',
      'u.short_name as unit_name',
      'p.id as publication_id',
      'p.status as publication_status',
      'p.version as publication_version',
    ])
    .where('a.id', '=', activityId)
    .executeTakeFirst();
}

const publicationColumns = [
  'p.id',
  'p.activity_id',
  'p.campaign_id',
  'p.unit_id',
  'p.status',
  'p.description',
  'p.media_links',
  'p.final_report',
  'p.requested_at',
  'p.decided_at',
  'p.decision_note',
  'p.published_at',
  'p.withdrawn_at',
  'p.withdraw_reason',
  'p.version',
  'a.title',
  'a.withdrawn as activity_withdrawn',
  'u.path as unit_path',
  'u.short_name as unit_name',
] as const;

export async function findPublication(db: DbOrTx, id: number) {
  return db
    .selectFrom('showcase_publications as p')
    .innerJoin('activities as a', 'a.id', 'p.activity_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .select(publicationColumns)
    .where('p.id', '=', id)
    .executeTakeFirst();
}
export type PublicationDetailRow = NonNullable<Awaited<ReturnType<typeof findPublication>>>;

export async function moderatorPaths(db: DbOrTx, campaignId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('showcase_moderators as m')
    .innerJoin('units as u', 'u.id', 'm.unit_id')
    .select('u.path')
    .where('m.campaign_id', '=', campaignId)
    .execute();
  return rows.map((r) => r.path);
}

export async function photosOf(db: DbOrTx, publicationIds: number[]) {
  if (publicationIds.length === 0) return [];
  return db
    .selectFrom('showcase_photos as ph')
    .innerJoin('stored_files as f', 'f.id', 'ph.file_id')
    .select(['ph.publication_id', 'ph.file_id', 'ph.caption', 'f.original_name'])
    .where('ph.publication_id', 'in', publicationIds)
    .orderBy('ph.publication_id')
    .orderBy('ph.sort_order')
    .execute();
}

export async function insertPublication(
  db: DbOrTx,
  row: { activityId: number; campaignId: number; unitId: number; description: string; mediaLinks: unknown[]; finalReport: string | null; requestedBy: number | null; searchVector: string },
): Promise<number> {
  const inserted = await db
    .insertInto('showcase_publications')
    .values({
      activity_id: row.activityId,
      campaign_id: row.campaignId,
      unit_id: row.unitId,
      description: row.description,
      media_links: JSON.stringify(row.mediaLinks),
      final_report: row.finalReport,
      requested_by: row.requestedBy,
      search_vector: sql<string>`${row.searchVector}::tsvector`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateRequest(
  db: DbOrTx,
  id: number,
  row: { description: string; mediaLinks: unknown[]; finalReport: string | null; requestedBy: number | null; searchVector: string; now: Date },
) {
  await db
    .updateTable('showcase_publications')
    .set({
      status: 'pending',
      description: row.description,
      media_links: JSON.stringify(row.mediaLinks),
      final_report: row.finalReport,
      requested_by: row.requestedBy,
      requested_at: row.now,
      decided_by: null,
      decided_at: null,
      decision_note: null,
      published_at: null,
      withdrawn_by: null,
      withdrawn_at: null,
      withdraw_reason: null,
      search_vector: sql<string>`${row.searchVector}::tsvector`,
      version: sql<number>`version + 1`,
      updated_at: row.now,
    })
    .where('id', '=', id)
    .execute();
}

export async function replacePhotos(db: DbOrTx, publicationId: number, photos: { fileId: string; caption: string | null }[]) {
  await db.deleteFrom('showcase_photos').where('publication_id', '=', publicationId).execute();
  if (photos.length === 0) return;
  await db
    .insertInto('showcase_photos')
    .values(photos.map((p, index) => ({ publication_id: publicationId, file_id: p.fileId, caption: p.caption, sort_order: index })))
    .execute();
}

export async function setStatus(
  db: DbOrTx,
  id: number,
  version: number,
  change: Partial<{
    status: 'approved' | 'rejected' | 'withdrawn';
    decided_by: number | null;
    decided_at: Date;
    decision_note: string | null;
    published_at: Date | null;
    first_published_at: Date;
    withdrawn_by: number | null;
    withdrawn_at: Date;
    withdraw_reason: string;
  }>,
): Promise<boolean> {
  const result = await db
    .updateTable('showcase_publications')
    .set({ ...change, version: sql<number>`version + 1`, updated_at: new Date() })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The activities of the given subtrees that came from submissions, with their publication. */
export async function listActivitiesInScope(
  db: DbOrTx,
  options: { scopePaths: string[]; status?: string | undefined; q?: string | undefined; page: number; pageSize: number },
) {
  if (options.scopePaths.length === 0) return { rows: [], total: 0 };
  let query = db
    .selectFrom('activities as a')
    .innerJoin('units as u', 'u.id', 'a.unit_id')
    .leftJoin('campaigns as c', 'c.id', 'a.campaign_id')
    .leftJoin('units as cu', 'cu.id', 'c.unit_id')
    .leftJoin('showcase_publications as p', 'p.activity_id', 'a.id')
    .where('a.withdrawn', '=', false)
    .where((eb) => eb.or(options.scopePaths.map((path) => eb('u.path', 'like', `${path}%`))));
  if (options.status === 'none') query = query.where('p.id', 'is', null);
  else if (options.status) query = query.where('p.status', '=', options.status as 'pending');
  if (options.q) query = query.where('a.title', 'ilike', `%${options.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
  const [rows, count] = await Promise.all([
    query
      .select([
        'a.id',
        'a.title',
        'a.unit_id',
        'u.short_name as unit_name',
        'a.campaign_id',
        'c.year as campaign_year',
        'cu.short_name as campaign_unit_name',
        'a.phase_id',
        'a.start_date',
        'p.id as publication_id',
        'p.status as publication_status',
        'p.version as publication_version',
        'p.decision_note',
      ])
      .orderBy('a.id', 'desc')
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize)
      .execute(),
    query.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/**
 * Publications the actor moderates: of units strictly below a unit where it manages campaigns,
 * or in columns where such a unit is a configured moderator; everything for `all`.
 */
export async function listForModeration(
  db: DbOrTx,
  options: { managePaths: string[]; all: boolean; status: string; page: number; pageSize: number },
) {
  if (!options.all && options.managePaths.length === 0) return { rows: [], total: 0 };
  let query = db
    .selectFrom('showcase_publications as p')
    .innerJoin('activities as a', 'a.id', 'p.activity_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .where('p.status', '=', options.status as 'pending');
  if (!options.all) {
    const paths = options.managePaths;
    query = query.where((eb) =>
      eb.or([
        ...paths.map((path) => eb.and([eb('u.path', 'like', `${path}%`), eb('u.path', '<>', path)])),
        eb(
          'p.campaign_id',
          'in',
          eb
            .selectFrom('showcase_moderators as m')
            .innerJoin('units as mu', 'mu.id', 'm.unit_id')
            .select('m.campaign_id')
            .where((inner) => inner.or(paths.map((path) => inner('mu.path', 'like', `${path}%`)))),
        ),
      ]),
    );
  }
  const [rows, count] = await Promise.all([
    query
      .select(publicationColumns)
      .orderBy('p.requested_at', 'asc')
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize)
      .execute(),
    query.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

export async function moderatorsOf(db: DbOrTx, campaignId: number) {
  return db
    .selectFrom('showcase_moderators as m')
    .innerJoin('units as u', 'u.id', 'm.unit_id')
    .select(['u.id', 'u.short_name', 'u.path'])
    .where('m.campaign_id', '=', campaignId)
    .orderBy('u.id')
    .execute();
}

export async function replaceModerators(db: DbOrTx, campaignId: number, unitIds: number[], addedBy: number | null) {
  await db.deleteFrom('showcase_moderators').where('campaign_id', '=', campaignId).execute();
  if (unitIds.length > 0) {
    await db
      .insertInto('showcase_moderators')
      .values(unitIds.map((unit_id) => ({ campaign_id: campaignId, unit_id, added_by: addedBy })))
      .execute();
  }
}

// --- Public reads: approved publications of activities still on record -------------------------

export async function findColumn(db: DbOrTx, unitId: number, year: number) {
  return db
    .selectFrom('campaigns as c')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .select(['c.id', 'c.unit_id', 'c.year', 'c.ordinal', 'c.theme', 'c.modules', 'c.phases', 'u.name as unit_name', 'u.short_name as unit_short_name'])
    .where('c.unit_id', '=', unitId)
    .where('c.year', '=', year)
    .where('u.active', '=', true)
    .executeTakeFirst();
}

export async function yearsOfUnit(db: DbOrTx, unitId: number): Promise<number[]> {
  const rows = await db.selectFrom('campaigns').select('year').where('unit_id', '=', unitId).orderBy('year', 'desc').execute();
  return rows.map((r) => r.year);
}

/** Issuing units with at least one published activity in one of their campaigns. */
export async function publishedColumns(db: DbOrTx) {
  return db
    .selectFrom('campaigns as c')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .select(['c.unit_id', 'u.name as unit_name', 'c.year'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('showcase_publications as p')
          .innerJoin('activities as a', 'a.id', 'p.activity_id')
          .select('p.id')
          .whereRef('p.campaign_id', '=', 'c.id')
          .where('p.status', '=', 'approved')
          .where('a.withdrawn', '=', false),
      ),
    )
    .orderBy('u.path')
    .orderBy('c.year', 'desc')
    .execute();
}

export async function columnFigures(db: DbOrTx, campaignId: number) {
  const figures = await db
    .selectFrom('showcase_publications as p')
    .innerJoin('activities as a', 'a.id', 'p.activity_id')
    .select([
      sql<string>`count(*)`.as('activities'),
      sql<string>`count(distinct p.unit_id)`.as('units'),
      // The reported scale, never below the people checked in at the door (sign-ups).
      sql<string>`coalesce(sum(greatest(coalesce(a.scale, 0), (select count(*) from activity_signups s where s.activity_id = a.id and s.checked_in_at is not null))), 0)`.as('participants'),
    ])
    .where('p.campaign_id', '=', campaignId)
    .where('p.status', '=', 'approved')
    .where('a.withdrawn', '=', false)
    .executeTakeFirstOrThrow();
  const byPhase = await db
    .selectFrom('showcase_publications as p')
    .innerJoin('activities as a', 'a.id', 'p.activity_id')
    .select(['a.phase_id', sql<string>`count(*)`.as('count')])
    .where('p.campaign_id', '=', campaignId)
    .where('p.status', '=', 'approved')
    .where('a.withdrawn', '=', false)
    .groupBy('a.phase_id')
    .execute();
  return { figures, byPhase };
}

/** A search ranks and counts at most this many matches, the most recent. */
export const searchCandidates = 1000;

export interface PublicFilters {
  campaignId: number;
  module?: string | undefined;
  phase?: string | undefined;
  regionPath?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  unitType?: string | undefined;
  format?: ActivityFormat | undefined;
  /** A tsquery literal from searchQueryLiteral. */
  tsquery?: string | undefined;
  /** How many of the most recent matches a search ranks (tests set it small). */
  searchCandidates?: number;
  page: number;
  pageSize: number;
}

const cardColumns = [
  'p.id as publication_id',
  'a.id',
  'a.title',
  'a.modules',
  'a.phase_id',
  'a.start_date',
  'a.end_date',
  'a.place',
  'p.description',
  'p.published_at',
  'u.short_name as unit_name',
  sql<string | null>`(select ph.file_id::text from showcase_photos ph where ph.publication_id = p.id order by ph.sort_order limit 1)`.as('photo'),
] as const;

export async function listPublished(db: DbOrTx, filters: PublicFilters) {
  let query = db
    .selectFrom('showcase_publications as p')
    .innerJoin('activities as a', 'a.id', 'p.activity_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .where('p.campaign_id', '=', filters.campaignId)
    .where('p.status', '=', 'approved')
    .where('a.withdrawn', '=', false);
  if (filters.module) query = query.where(sql<boolean>`${filters.module} = any(a.modules)`);
  if (filters.phase) query = query.where('a.phase_id', '=', filters.phase);
  if (filters.regionPath) query = query.where('u.path', 'like', `${filters.regionPath}%`);
  if (filters.unitType) query = query.where('u.type', '=', filters.unitType as 'regional_association');
  if (filters.format) query = query.where(sql<boolean>`(coalesce(a.place, '') ~ ${onlinePlacePattern}) = ${filters.format === 'online'}`);
  // Activities overlapping the range.
  if (filters.from) query = query.where(sql<boolean>`coalesce(a.end_date, a.start_date) >= ${filters.from}::date`);
  if (filters.to) query = query.where(sql<boolean>`a.start_date <= ${filters.to}::date`);
  if (!filters.tsquery) {
    const [rows, count] = await Promise.all([
      query.select(cardColumns).orderBy('p.published_at', 'desc').orderBy('p.id', 'desc').limit(filters.pageSize).offset((filters.page - 1) * filters.pageSize).execute(),
      query.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.total), totalCapped: false };
  }
  // A search ranks only the most recent `searchCandidates` matches: a common 2-character word (科普)
  // is in most activities, and ranking and counting all of them cost seconds at 100k items (issue 8,
  // W4). Beyond that many, the page says "1000+" and asks for a narrower search.
  const tsquery = sql`${filters.tsquery}::tsquery`;
  const cap = filters.searchCandidates ?? searchCandidates;
  const candidates = (limit: number) =>
    query.where(sql<boolean>`p.search_vector @@ ${tsquery}`).select(['p.id as candidate_id']).orderBy('p.published_at', 'desc').orderBy('p.id', 'desc').limit(limit);
  const [rows, count] = await Promise.all([
    db
      .selectFrom(candidates(cap).as('c'))
      .innerJoin('showcase_publications as p', 'p.id', 'c.candidate_id')
      .innerJoin('activities as a', 'a.id', 'p.activity_id')
      .innerJoin('units as u', 'u.id', 'p.unit_id')
      .select(cardColumns)
      .orderBy(sql`ts_rank(p.search_vector, ${tsquery})`, 'desc')
      .orderBy('p.published_at', 'desc')
      .orderBy('p.id', 'desc')
      .limit(filters.pageSize)
      .offset((filters.page - 1) * filters.pageSize)
      .execute(),
    // One more than the cap only tells that there are more.
    db.selectFrom(candidates(cap + 1).as('c')).select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow(),
  ]);
  const total = Number(count.total);
  return { rows, total: Math.min(total, cap), totalCapped: total > cap };
}
export type PublishedCardRow = Awaited<ReturnType<typeof listPublished>>['rows'][number];

export async function findPublished(db: DbOrTx, activityId: number) {
  return db
    .selectFrom('showcase_publications as p')
    .innerJoin('activities as a', 'a.id', 'p.activity_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .innerJoin('campaigns as c', 'c.id', 'p.campaign_id')
    .innerJoin('units as cu', 'cu.id', 'c.unit_id')
    .select([
      'p.id as publication_id',
      'a.id',
      'a.title',
      'a.host',
      'a.organiser',
      'a.modules',
      'a.phase_id',
      'a.start_date',
      'a.end_date',
      'a.place',
      'a.scale',
      'p.description',
      'p.media_links',
      'p.final_report',
      'p.published_at',
      'u.short_name as unit_name',
      'c.unit_id as column_unit_id',
      'cu.short_name as column_unit_name',
      'c.year',
      'c.theme',
      'c.modules as campaign_modules',
      'c.phases as campaign_phases',
    ])
    .where('a.id', '=', activityId)
    .where('p.status', '=', 'approved')
    .where('a.withdrawn', '=', false)
    .executeTakeFirst();
}

/** A photo of a published activity or a published article (and only then). */
export async function findPublishedPhoto(db: DbOrTx, fileId: string) {
  const ofActivity = await findPublishedActivityPhoto(db, fileId);
  if (ofActivity) return ofActivity;
  return db
    .selectFrom('showcase_article_images as i')
    .innerJoin('showcase_articles as ar', 'ar.id', 'i.article_id')
    .innerJoin('stored_files as f', 'f.id', 'i.file_id')
    .select(['f.storage_key', 'f.content_type', 'f.size_bytes', 'f.sha256'])
    .where('i.file_id', '=', fileId)
    .where('ar.status', '=', 'published')
    .executeTakeFirst();
}

async function findPublishedActivityPhoto(db: DbOrTx, fileId: string) {
  return db
    .selectFrom('showcase_photos as ph')
    .innerJoin('showcase_publications as p', 'p.id', 'ph.publication_id')
    .innerJoin('activities as a', 'a.id', 'p.activity_id')
    .innerJoin('stored_files as f', 'f.id', 'ph.file_id')
    .select(['f.storage_key', 'f.content_type', 'f.size_bytes', 'f.sha256'])
    .where('ph.file_id', '=', fileId)
    .where('p.status', '=', 'approved')
    .where('a.withdrawn', '=', false)
    .executeTakeFirst();
}

export async function regionalUnitPath(db: DbOrTx, regionCode: string) {
  const row = await db.selectFrom('units').select('path').where('region_code', '=', regionCode).where('type', '=', 'regional_association').executeTakeFirst();
  return row?.path;
}

/**
 * Published activities of a column worth featuring: those selected in an announced evaluation round
 * (the award is the category's name), then those recommended upward (not withdrawn); newest first.
 */
export async function listFeatured(db: DbOrTx, campaignId: number, limit: number) {
  return db
    .selectFrom('showcase_publications as p')
    .innerJoin('activities as a', 'a.id', 'p.activity_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .select([
      ...cardColumns,
      sql<string | null>`(select ec.name from evaluation_candidates c join evaluation_categories ec on ec.id = c.category_id join evaluation_rounds r on r.id = ec.round_id where c.activity_id = a.id and c.selected and r.stage = 'announced' order by r.publicity_ends_at desc nulls last, ec.sort_order limit 1)`.as('award'),
      sql<boolean>`exists (select 1 from recommendations rc where rc.activity_id = a.id and rc.withdrawn_at is null)`.as('recommended'),
    ])
    .where('p.campaign_id', '=', campaignId)
    .where('p.status', '=', 'approved')
    .where('a.withdrawn', '=', false)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('evaluation_candidates as c')
            .innerJoin('evaluation_categories as ec', 'ec.id', 'c.category_id')
            .innerJoin('evaluation_rounds as r', 'r.id', 'ec.round_id')
            .select('c.id')
            .whereRef('c.activity_id', '=', 'a.id')
            .where('c.selected', '=', true)
            .where('r.stage', '=', 'announced'),
        ),
        eb.exists(eb.selectFrom('recommendations as rc').select('rc.id').whereRef('rc.activity_id', '=', 'a.id').where('rc.withdrawn_at', 'is', null)),
      ]),
    )
    .orderBy(sql`case when exists (select 1 from evaluation_candidates c join evaluation_categories ec on ec.id = c.category_id join evaluation_rounds r on r.id = ec.round_id where c.activity_id = a.id and c.selected and r.stage = 'announced') then 0 else 1 end`)
    .orderBy('p.published_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit)
    .execute();
}

/** Activities and units selected in the column's announced rounds (persons are left to the gallery); an activity links to its page only while published. */
export async function listCommendations(db: DbOrTx, campaignId: number) {
  return db
    .selectFrom('evaluation_rounds as r')
    .innerJoin('evaluation_categories as ec', 'ec.round_id', 'r.id')
    .innerJoin('evaluation_candidates as c', 'c.category_id', 'ec.id')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .leftJoin('activities as a', 'a.id', 'c.activity_id')
    .select(['r.id as round_id', 'r.title as round_title', 'ec.id as category_id', 'ec.name as category_name', 'ec.kind', sql<number | null>`case when exists (select 1 from showcase_publications p where p.activity_id = a.id and p.status = 'approved') and not a.withdrawn then a.id end`.as('activity_id'), 'a.title as activity_title', 'u.short_name as unit_name'])
    .where('r.campaign_id', '=', campaignId)
    .where('r.stage', '=', 'announced')
    .where('c.selected', '=', true)
    .where('ec.kind', 'in', ['activity', 'unit'])
    .orderBy('r.id')
    .orderBy('ec.sort_order')
    .orderBy('ec.id')
    .orderBy(sql`c.final_rank nulls last`)
    .orderBy('c.id')
    .execute();
}

/** The column's announced rounds that selected persons (最美科技工作者): each has a public gallery. */
export async function listGalleries(db: DbOrTx, campaignId: number) {
  return db
    .selectFrom('evaluation_rounds as r')
    .innerJoin('evaluation_categories as ec', 'ec.round_id', 'r.id')
    .innerJoin('evaluation_candidates as c', 'c.category_id', 'ec.id')
    .select(['r.id', 'r.title', sql<string>`count(*)`.as('persons')])
    .where('r.campaign_id', '=', campaignId)
    .where('r.stage', '=', 'announced')
    .where('ec.kind', '=', 'person')
    .where('c.selected', '=', true)
    .groupBy(['r.id', 'r.title'])
    .orderBy('r.id', 'desc')
    .execute();
}
