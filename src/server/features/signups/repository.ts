import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database';
import type { SignupStatus } from '../../db/schema';
import { blindIndexCandidates, openRow, sealRow } from '../../crypto/personal-data';

/** An activity with what sign-ups need: its unit, whether it is on the column, its settings. */
export async function findActivity(db: DbOrTx, activityId: number) {
  return db
    .selectFrom('activities as a')
    .innerJoin('units as u', 'u.id', 'a.unit_id')
    .leftJoin('showcase_publications as p', 'p.activity_id', 'a.id')
    .leftJoin('activity_signup_settings as s', 's.activity_id', 'a.id')
    .select([
      'a.id',
      'a.title',
      'a.unit_id',
      'a.start_date',
      'a.place',
      'a.withdrawn',
      'u.path as unit_path',
      'u.short_name as unit_name',
      'p.status as publication_status',
      's.enabled',
      's.capacity',
      's.deadline',
      's.version as settings_version',
    ])
    .where('a.id', '=', activityId)
    .executeTakeFirst();
}
export type SignupActivityRow = NonNullable<Awaited<ReturnType<typeof findActivity>>>;

/** Locks the activity's settings row: sign-ups, cancellations and capacity changes of one activity run one at a time. */
export async function lockSettings(db: DbOrTx, activityId: number) {
  return db.selectFrom('activity_signup_settings').selectAll().where('activity_id', '=', activityId).forUpdate().executeTakeFirst();
}

export async function counts(db: DbOrTx, activityId: number) {
  const row = await db
    .selectFrom('activity_signups')
    .select([
      sql<number>`count(*) filter (where status = 'confirmed')::int`.as('confirmed'),
      sql<number>`count(*) filter (where status = 'waitlisted')::int`.as('waitlisted'),
      sql<number>`count(*) filter (where checked_in_at is not null)::int`.as('checkedIn'),
    ])
    .where('activity_id', '=', activityId)
    .executeTakeFirstOrThrow();
  return { confirmed: Number(row.confirmed), waitlisted: Number(row.waitlisted), checkedIn: Number(row.checkedIn) };
}

export async function findActiveByMobile(db: DbOrTx, activityId: number, mobile: string) {
  // The number is sealed at rest: matched by its keyed HMAC (one per configured key, for rotations).
  const row = await db
    .selectFrom('activity_signups')
    .selectAll()
    .where('activity_id', '=', activityId)
    .where('mobile_index', 'in', blindIndexCandidates('activity_signups', 'mobile', mobile))
    .where('status', '<>', 'cancelled')
    .executeTakeFirst();
  return openRow('activity_signups', row);
}

export async function findByCode(db: DbOrTx, code: string) {
  return openRow('activity_signups', await db.selectFrom('activity_signups').selectAll().where('code', '=', code).executeTakeFirst());
}

export async function insertSignup(
  db: DbOrTx,
  row: { activityId: number; name: string; mobile: string; affiliation: string | null; code: string; status: SignupStatus; ip: string | null },
) {
  const inserted = await db
    .insertInto('activity_signups')
    .values(sealRow('activity_signups', { activity_id: row.activityId, name: row.name, mobile: row.mobile, affiliation: row.affiliation, code: row.code, status: row.status, ip: row.ip }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return openRow('activity_signups', inserted);
}

/** Place in the waiting list (1 = next in line). */
export async function waitingPosition(db: DbOrTx, activityId: number, id: number): Promise<number> {
  const row = await db
    .selectFrom('activity_signups')
    .select(sql<number>`count(*)::int`.as('ahead'))
    .where('activity_id', '=', activityId)
    .where('status', '=', 'waitlisted')
    .where('id', '<', id)
    .executeTakeFirstOrThrow();
  return Number(row.ahead) + 1;
}

export async function waiting(db: DbOrTx, activityId: number) {
  return db.selectFrom('activity_signups').select(['id']).where('activity_id', '=', activityId).where('status', '=', 'waitlisted').orderBy('id').execute();
}

export async function promote(db: DbOrTx, ids: number[], now: Date) {
  if (ids.length === 0) return;
  await db.updateTable('activity_signups').set({ status: 'confirmed', promoted_at: now, updated_at: now }).where('id', 'in', ids).where('status', '=', 'waitlisted').execute();
}

export async function list(db: DbOrTx, activityId: number, options: { status?: SignupStatus | undefined; page: number; pageSize: number }) {
  let query = db.selectFrom('activity_signups').where('activity_id', '=', activityId);
  if (options.status) query = query.where('status', '=', options.status);
  const [rows, total] = await Promise.all([
    query
      .select([
        'id',
        'name',
        'mobile',
        'affiliation',
        'status',
        'checked_in_at',
        'created_at',
        sql<number | null>`case when status = 'waitlisted' then (select count(*)::int + 1 from activity_signups w where w.activity_id = activity_signups.activity_id and w.status = 'waitlisted' and w.id < activity_signups.id) end`.as('position'),
      ])
      .orderBy(sql`case status when 'confirmed' then 0 when 'waitlisted' then 1 else 2 end`)
      .orderBy('id')
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => openRow('activity_signups', r)), total: Number(total.n) };
}
