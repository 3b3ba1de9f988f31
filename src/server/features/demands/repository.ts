import { sql } from 'kysely';
import { demandCategories, defaultTimeLimits, type DemandCategory, type DemandStatus, type DemandTimeLimits } from '../../../shared/domain/demands';
import type { DbOrTx } from '../../db/database';
import type { DemandEventKind } from '../../db/schema';
import { openRow, sealRow } from '../../crypto/personal-data';

/** The region's name from its 科协's short name (崂山区科协 → 崂山区). */
export const regionNameOf = (shortName: string) => shortName.replace(/科协$/, '');

export async function regionalAssociation(db: DbOrTx, regionCode: string) {
  return db
    .selectFrom('units')
    .select(['id', 'path', 'short_name', 'parent_id', 'active', 'region_code'])
    .where('region_code', '=', regionCode)
    .where('type', '=', 'regional_association')
    .executeTakeFirst();
}

/** Region names by code, from the regional 科协 of each code. */
export async function regionNames(db: DbOrTx, codes: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('units').select(['region_code', 'short_name']).where('type', '=', 'regional_association').where('region_code', 'in', unique).execute();
  return new Map(rows.map((r) => [r.region_code!, regionNameOf(r.short_name)]));
}

/** The regions directly below `parentCode` (provinces without it), for the public picker. */
export async function regionsBelow(db: DbOrTx, parentCode: string | undefined) {
  let query = db
    .selectFrom('units as u')
    .select([
      'u.region_code',
      'u.short_name',
      sql<boolean>`exists (select 1 from units c where c.parent_id = u.id and c.type = 'regional_association' and c.region_code is not null and c.active)`.as('has_children'),
    ])
    .where('u.type', '=', 'regional_association')
    .where('u.active', '=', true)
    .where('u.region_code', 'is not', null);
  if (parentCode) {
    const parent = await regionalAssociation(db, parentCode);
    if (!parent) return [];
    query = query.where('u.parent_id', '=', parent.id);
  } else {
    query = query.where('u.level', '=', 'provincial');
  }
  return query.orderBy('u.region_code').limit(500).execute();
}

export async function searchSocieties(db: DbOrTx, q: string) {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .selectFrom('units')
    .select(['id', 'short_name'])
    .where('type', 'in', ['learned_society', 'society_branch'])
    .where('active', '=', true)
    .where((eb) => eb.or([eb('short_name', 'like', pattern), eb('name', 'like', pattern)]))
    .orderBy('depth')
    .orderBy('sort_key')
    .limit(20)
    .execute();
}

export async function findSociety(db: DbOrTx, id: number) {
  return db
    .selectFrom('units')
    .select(['id', 'path', 'short_name', 'parent_id', 'active'])
    .where('id', '=', id)
    .where('type', 'in', ['learned_society', 'society_branch'])
    .where('active', '=', true)
    .executeTakeFirst();
}

export async function unitById(db: DbOrTx, id: number) {
  return db.selectFrom('units').select(['id', 'path', 'short_name', 'parent_id', 'active', 'contact_email']).where('id', '=', id).executeTakeFirst().then((r) => openRow('units', r));
}

export async function timeLimits(db: DbOrTx): Promise<Record<DemandCategory, DemandTimeLimits & { custom: boolean }>> {
  const rows = await db.selectFrom('demand_time_limits').selectAll().execute();
  const result = {} as Record<DemandCategory, DemandTimeLimits & { custom: boolean }>;
  for (const category of demandCategories) {
    const own = rows.find((r) => r.category === category);
    result[category] = own ? { acceptDays: own.accept_days, replyDays: own.reply_days, custom: true } : { ...defaultTimeLimits[category], custom: false };
  }
  return result;
}

export async function insertDemand(
  db: DbOrTx,
  row: {
    code: string;
    category: DemandCategory;
    regionCode: string;
    societyUnitId: number | null;
    unitId: number;
    description: string;
    contactName: string | null;
    contactPhone: string | null;
    contactEmail: string | null;
    now: Date;
    acceptDueAt: Date;
    replyDueAt: Date;
    ip: string | null;
  },
) {
  return db
    .insertInto('demands')
    .values(
      sealRow('demands', {
        code: row.code,
        category: row.category,
        region_code: row.regionCode,
        society_unit_id: row.societyUnitId,
        origin_unit_id: row.unitId,
        unit_id: row.unitId,
        description: row.description,
        contact_name: row.contactName,
        contact_phone: row.contactPhone,
        contact_email: row.contactEmail,
        submitted_at: row.now,
        arrived_at: row.now,
        accept_due_at: row.acceptDueAt,
        reply_due_at: row.replyDueAt,
        first_reply_due_at: row.replyDueAt,
        ip: row.ip,
        created_at: row.now,
        updated_at: row.now,
      }),
    )
    .returning(['id', 'step'])
    .executeTakeFirstOrThrow();
}

export async function insertEvent(
  db: DbOrTx,
  event: { demandId: number; step: number; kind: DemandEventKind; fromUnitId?: number | null; toUnitId?: number | null; note?: string | null; userId?: number | null; at: Date },
) {
  await db
    .insertInto('demand_events')
    .values({
      demand_id: event.demandId,
      step: event.step,
      kind: event.kind,
      from_unit_id: event.fromUnitId ?? null,
      to_unit_id: event.toUnitId ?? null,
      note: event.note ?? null,
      user_id: event.userId || null,
      at: event.at,
    })
    .execute();
}

const demandColumns = [
  'd.id',
  'd.code',
  'd.category',
  'd.region_code',
  'd.unit_id',
  'd.status',
  'd.description',
  'd.contact_name',
  'd.contact_phone',
  'd.contact_email',
  'd.submitted_at',
  'd.accept_due_at',
  'd.reply_due_at',
  'd.first_reply_due_at',
  'd.answered_at',
  'd.answer',
  'd.answered_unit_id',
  'd.forwards',
  'd.escalations',
  'd.step',
  'd.rating',
  'd.rating_comment',
  'd.rated_at',
  'd.case_title',
  'd.case_summary',
  'd.case_published_at',
  'd.version',
  'u.short_name as unit_name',
  'u.path as unit_path',
  'u.parent_id as unit_parent_id',
] as const;

export async function findDemand(db: DbOrTx, where: { id: number } | { code: string }) {
  let query = db.selectFrom('demands as d').innerJoin('units as u', 'u.id', 'd.unit_id').select(demandColumns);
  query = 'id' in where ? query.where('d.id', '=', where.id) : query.where('d.code', '=', where.code);
  return openRow('demands', await query.executeTakeFirst());
}
export type DemandRow = NonNullable<Awaited<ReturnType<typeof findDemand>>>;

export async function eventsOf(db: DbOrTx, demandId: number) {
  return db
    .selectFrom('demand_events as e')
    .leftJoin('units as f', 'f.id', 'e.from_unit_id')
    .leftJoin('units as t', 't.id', 'e.to_unit_id')
    .select(['e.kind', 'e.at', 'e.note', 'f.short_name as from_name', 't.short_name as to_name'])
    .where('e.demand_id', '=', demandId)
    .orderBy('e.id')
    .execute();
}

/** Demands whose handling unit lies in one of `scopePaths` (optionally exactly `unitId`). */
export async function listDemands(db: DbOrTx, options: { scopePaths: string[]; unitIds?: number[]; status?: DemandStatus | undefined; page: number; pageSize: number }) {
  if (options.scopePaths.length === 0 || options.unitIds?.length === 0) return { rows: [], total: 0 };
  let query = db
    .selectFrom('demands as d')
    .innerJoin('units as u', 'u.id', 'd.unit_id')
    .where((eb) => eb.or(options.scopePaths.map((p) => eb('u.path', 'like', `${p}%`))));
  if (options.unitIds) query = query.where('d.unit_id', 'in', options.unitIds);
  if (options.status) query = query.where('d.status', '=', options.status);
  const [rows, total] = await Promise.all([
    query
      .select(demandColumns)
      .orderBy(sql`case d.status when 'answered' then 1 else 0 end`)
      .orderBy('d.id', 'desc')
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => openRow('demands', r)), total: Number(total.n) };
}

/** Open demands whose running step's limit passed before `now` (the escalation round's work). */
export async function overdueDemands(db: DbOrTx, now: Date, limit = 500) {
  return db
    .selectFrom('demands as d')
    .innerJoin('units as u', 'u.id', 'd.unit_id')
    .select(['d.id', 'd.step', 'd.status', 'd.category', 'd.unit_id', 'u.short_name as unit_name', 'u.parent_id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('d.status', '=', 'submitted'), eb('d.accept_due_at', '<', now)]),
        eb.and([eb('d.status', '=', 'accepted'), eb('d.reply_due_at', '<', now)]),
      ]),
    )
    // The national root has nobody above it: its overdue demands stay where they are.
    .where('u.parent_id', 'is not', null)
    .orderBy('d.id')
    .limit(limit)
    .execute();
}

/** The demands first received by units of the subtree at `path`, for statistics (no personal data). */
export async function statisticsRows(db: DbOrTx, path: string) {
  return db
    .selectFrom('demands as d')
    .innerJoin('units as o', 'o.id', 'd.origin_unit_id')
    .select(['d.id', 'd.category', 'd.region_code', 'd.status', 'd.answered_at', 'd.first_reply_due_at', 'd.rating'])
    .where('o.path', 'like', `${path}%`)
    .execute();
}

export async function publishedCases(db: DbOrTx, page: number, pageSize: number) {
  const base = db.selectFrom('demands as d').where('d.case_published_at', 'is not', null);
  const [rows, total] = await Promise.all([
    base
      .innerJoin('units as u', 'u.id', 'd.answered_unit_id')
      .select(['d.id', 'd.case_title', 'd.case_summary', 'd.category', 'd.region_code', 'd.answered_at', 'd.case_published_at', 'u.short_name as unit_name'])
      .orderBy('d.case_published_at', 'desc')
      .orderBy('d.id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
