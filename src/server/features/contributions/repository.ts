import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database';
import type { ContributionStatus } from '../../db/schema';
import { openRow, sealRow } from '../../crypto/personal-data';

/** A call with its column (campaign, issuing unit). */
export async function findCall(db: DbOrTx, id: number) {
  return db
    .selectFrom('contribution_calls as k')
    .innerJoin('campaigns as c', 'c.id', 'k.campaign_id')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .selectAll('k')
    .select(['c.unit_id', 'c.year', 'u.path as unit_path', 'u.name as unit_name', 'u.active as unit_active'])
    .where('k.id', '=', id)
    .executeTakeFirst();
}
export type CallRow = NonNullable<Awaited<ReturnType<typeof findCall>>>;

export async function callsOfCampaign(db: DbOrTx, campaignId: number) {
  const rows = await db
    .selectFrom('contribution_calls as k')
    .innerJoin('campaigns as c', 'c.id', 'k.campaign_id')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .selectAll('k')
    .select(['c.unit_id', 'c.year', 'u.path as unit_path', 'u.name as unit_name', 'u.active as unit_active'])
    .where('k.campaign_id', '=', campaignId)
    .orderBy('k.id', 'desc')
    .execute();
  return rows;
}

/**
 * Calls whose works the caller moderates or manages: columns of units within `managePaths`, or
 * columns naming a moderator unit within them; every call for a system administrator.
 */
export async function callsToModerate(db: DbOrTx, options: { managePaths: string[]; all: boolean }) {
  if (!options.all && options.managePaths.length === 0) return [];
  let query = db
    .selectFrom('contribution_calls as k')
    .innerJoin('campaigns as c', 'c.id', 'k.campaign_id')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .selectAll('k')
    .select(['c.unit_id', 'c.year', 'u.path as unit_path', 'u.name as unit_name', 'u.active as unit_active']);
  if (!options.all) {
    const paths = options.managePaths;
    query = query.where((eb) =>
      eb.or([
        ...paths.map((path) => eb('u.path', 'like', `${path}%`)),
        eb(
          'k.campaign_id',
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
  return query.orderBy('k.id', 'desc').limit(200).execute();
}

export type StatusCounts = Record<ContributionStatus, number>;

export async function countsByCall(db: DbOrTx, callIds: number[]): Promise<Map<number, StatusCounts>> {
  const out = new Map<number, StatusCounts>();
  for (const id of callIds) out.set(id, { pending: 0, approved: 0, rejected: 0, withdrawn: 0 });
  if (callIds.length === 0) return out;
  const rows = await db.selectFrom('contributions').select(['call_id', 'status', sql<number>`count(*)::int`.as('n')]).where('call_id', 'in', callIds).groupBy(['call_id', 'status']).execute();
  for (const r of rows) out.get(r.call_id)![r.status] = Number(r.n);
  return out;
}

export async function findContribution(db: DbOrTx, id: number) {
  return openRow('contributions', await db.selectFrom('contributions').selectAll().where('id', '=', id).executeTakeFirst());
}

export async function findByIdempotencyKey(db: DbOrTx, callId: number, key: string) {
  return db.selectFrom('contributions').select(['id', 'request_hash', 'status', 'call_id', 'kind', 'title']).where('call_id', '=', callId).where('idempotency_key', '=', key).executeTakeFirst();
}

export async function insertContribution(
  db: DbOrTx,
  row: {
    callId: number;
    kind: 'video' | 'photo' | 'letter';
    title: string;
    creditName: string;
    workUnit: string;
    email: string;
    letterText: string | null;
    fileId: string | null;
    consentText: string;
    consentedAt: Date;
    idempotencyKey: string | null;
    requestHash: string;
    ip: string | null;
  },
) {
  return db
    .insertInto('contributions')
    .values(
      sealRow('contributions', {
        call_id: row.callId,
        kind: row.kind,
        title: row.title,
        credit_name: row.creditName,
        work_unit: row.workUnit,
        email: row.email,
        letter_text: row.letterText,
        file_id: row.fileId,
        consent_text: row.consentText,
        consented_at: row.consentedAt,
        idempotency_key: row.idempotencyKey,
        request_hash: row.requestHash,
        ip: row.ip,
      }),
    )
    .returning(['id', 'status', 'call_id', 'kind', 'title'])
    .executeTakeFirstOrThrow();
}

export async function listOfCall(db: DbOrTx, callId: number, options: { status?: ContributionStatus | undefined; page: number; pageSize: number }) {
  let query = db.selectFrom('contributions as w').leftJoin('stored_files as f', 'f.id', 'w.file_id').where('w.call_id', '=', callId);
  if (options.status) query = query.where('w.status', '=', options.status);
  const [rows, total] = await Promise.all([
    query
      .selectAll('w')
      .select(['f.original_name', 'f.size_bytes', 'f.content_type'])
      .orderBy(sql`case w.status when 'pending' then 0 else 1 end`)
      .orderBy('w.id', 'desc')
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => openRow('contributions', r)), total: Number(total.n) };
}

/** Approved works of a published call, newest approval first: only what the public may see. */
export async function publicWorks(db: DbOrTx, callId: number, options: { kind?: 'video' | 'photo' | 'letter' | undefined; page: number; pageSize: number }) {
  let query = db.selectFrom('contributions').where('call_id', '=', callId).where('status', '=', 'approved');
  if (options.kind) query = query.where('kind', '=', options.kind);
  const [rows, total] = await Promise.all([
    // Never the e-mail address, the IP or the consent record: the columns are named one by one.
    query
      .select(['id', 'kind', 'title', 'credit_name', 'work_unit', 'letter_text', 'file_id', 'approved_at'])
      .orderBy('approved_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.pageSize)
      .offset((options.page - 1) * options.pageSize)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** The file of an approved work on a published call of an active unit, or undefined. */
export async function findPublicMedia(db: DbOrTx, contributionId: number) {
  return db
    .selectFrom('contributions as w')
    .innerJoin('contribution_calls as k', 'k.id', 'w.call_id')
    .innerJoin('campaigns as c', 'c.id', 'k.campaign_id')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .innerJoin('stored_files as f', 'f.id', 'w.file_id')
    .select(['f.storage_key', 'f.sha256', 'f.size_bytes', 'f.content_type', 'f.kind', 'w.kind as work_kind'])
    .where('w.id', '=', contributionId)
    .where('w.status', '=', 'approved')
    .where('k.status', '=', 'published')
    .where('u.active', '=', true)
    .executeTakeFirst();
}

export async function publishedCallsOfColumn(db: DbOrTx, campaignId: number) {
  return db.selectFrom('contribution_calls').selectAll().where('campaign_id', '=', campaignId).where('status', '=', 'published').orderBy('opens_at', 'desc').orderBy('id', 'desc').execute();
}
