import { sql } from 'kysely';
import type { z } from 'zod';
import { can, type Actor } from '../../../shared/domain/access';
import { completionStatus, hasSubmitted } from '../../../shared/domain/completion';
import { aggregate, assignReviewers, conflictOfInterest, normaliseByReviewer, rank, scoreInRange, weightedTotal, type EvaluationStage } from '../../../shared/domain/evaluation';
import type { createRoundBody } from '../../../shared/contracts/evaluation';
import type { Db, DbOrTx } from '../../db/database';
import { AppError, forbidden, invalidFields, notFound, staleVersion, type FieldError } from '../../errors';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { insertNotifications } from '../notifications/repository';
import { completionRows } from '../supervision/repository';
import { loadTask } from '../submissions/service';
import { loadVisibleUnit } from '../units/service';
import { poolOf } from './recommendations';
import { openRow, sealField } from '../../crypto/personal-data';

const stageLabels: Record<EvaluationStage, string> = {
  eligibility: '资格审查',
  review: '专家评审',
  decision: '研究决定',
  publicity: '公示',
  announced: '公布',
};

export async function loadRound(db: DbOrTx, id: number) {
  return db
    .selectFrom('evaluation_rounds as r')
    .innerJoin('units as u', 'u.id', 'r.unit_id')
    .selectAll('r')
    .select(['u.path as unit_path', 'u.short_name as unit_name', 'u.name as unit_full_name'])
    .where('r.id', '=', id)
    .executeTakeFirst();
}
export type RoundRow = NonNullable<Awaited<ReturnType<typeof loadRound>>>;

/** The round for its organiser's campaign managers; a 404 for anyone who cannot see it. */
export async function loadManagedRound(db: DbOrTx, actor: Actor, id: number) {
  const round = await loadRound(db, id);
  if (!round || !can(actor, 'units.view', round.unit_path)) throw notFound();
  if (!can(actor, 'campaigns.manage', round.unit_path)) throw forbidden();
  return round;
}

function requireStage(round: RoundRow, ...stages: EvaluationStage[]) {
  if (!stages.includes(round.stage)) throw new AppError('evaluation_stage', 409, { stage: stageLabels[round.stage] });
}

/** Takes the round's next version if the edit was made from the current one, else refuses it as stale. */
async function bumpRoundVersion(trx: DbOrTx, roundId: number, version: number) {
  const row = await trx.updateTable('evaluation_rounds').set({ version: sql`version + 1`, updated_at: new Date() }).where('id', '=', roundId).where('version', '=', version).returning('version').executeTakeFirst();
  if (!row) throw staleVersion();
  return row.version;
}

/** The same for one candidate (its eligibility and its experts assigned by hand). */
async function bumpCandidateVersion(trx: DbOrTx, candidateId: number, version: number) {
  const row = await trx.updateTable('evaluation_candidates').set({ version: sql`version + 1` }).where('id', '=', candidateId).where('version', '=', version).returning('version').executeTakeFirst();
  if (!row) throw staleVersion();
  return row.version;
}

async function audit(trx: DbOrTx, actor: Actor, round: RoundRow, action: string, client: ClientInfo, details: Record<string, unknown> = {}) {
  await insertAuditEntry(trx, { ...actorFields(actor), unitId: round.unit_id, action: `evaluation.${action}`, targetType: 'evaluation_round', targetId: round.id, ip: client.ip, details });
}

export async function createRound(db: Db, options: { actor: Actor; input: z.infer<typeof createRoundBody>; client: ClientInfo }) {
  const { actor, input } = options;
  const unit = await loadVisibleUnit(db, actor, input.unitId);
  if (!can(actor, 'campaigns.manage', unit.path)) throw forbidden();
  if (input.sourceTaskId) {
    const task = await loadTask(db, input.sourceTaskId);
    if (!can(actor, 'campaigns.manage', task.issuer_path)) throw invalidFields([{ field: 'sourceTaskId', code: 'invalid' }]);
  }
  const problems: FieldError[] = input.criteria.flatMap((c, i) => (c.maxScore <= c.minScore ? [{ field: `criteria.${i}.maxScore`, code: 'invalid' as const }] : []));
  if (problems.length > 0) throw invalidFields(problems);
  return db.transaction().execute(async (trx) => {
    const round = await trx
      .insertInto('evaluation_rounds')
      .values({
        unit_id: unit.id,
        campaign_id: input.campaignId ?? null,
        source_task_id: input.sourceTaskId ?? null,
        title: input.title,
        blind: input.blind,
        aggregation: input.aggregation,
        normalise: input.normalise,
        publicity_days: input.publicityDays,
        created_by: actor.userId || null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('evaluation_categories').values(input.categories.map((c, i) => ({ round_id: round.id, name: c.name, kind: c.kind, places: c.places, sort_order: i }))).execute();
    await trx
      .insertInto('evaluation_criteria')
      .values(input.criteria.map((c, i) => ({ round_id: round.id, name: c.name, weight: c.weight, min_score: c.minScore, max_score: c.maxScore, sort_order: i })))
      .execute();
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: unit.id, action: 'evaluation.create', targetType: 'evaluation_round', targetId: round.id, ip: options.client.ip, details: { title: input.title } });
    return round.id;
  });
}

/** What the organiser sees: the round, its categories, criteria, candidates and each expert's progress. */
export async function roundDetail(db: Db, actor: Actor, id: number) {
  const round = await loadManagedRound(db, actor, id);
  const [categories, criteria, candidates, reviewers, assignments] = await Promise.all([
    db.selectFrom('evaluation_categories').selectAll().where('round_id', '=', round.id).orderBy('sort_order').execute(),
    db.selectFrom('evaluation_criteria').selectAll().where('round_id', '=', round.id).orderBy('sort_order').execute(),
    candidatesOf(db, round.id),
    db
      .selectFrom('evaluation_reviewers as r')
      .innerJoin('users as u', 'u.id', 'r.user_id')
      .innerJoin('units as unit', 'unit.id', 'u.unit_id')
      .select(['u.id', 'u.display_name', 'unit.short_name'])
      .where('r.round_id', '=', round.id)
      .execute(),
    assignmentsOf(db, round.id),
  ]);
  return { round, categories, criteria, candidates, reviewers, assignments };
}

async function candidatesOf(db: DbOrTx, roundId: number) {
  return db
    .selectFrom('evaluation_candidates as c')
    .innerJoin('evaluation_categories as cat', 'cat.id', 'c.category_id')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .leftJoin('activities as a', 'a.id', 'c.activity_id')
    .leftJoin('nominations as n', 'n.id', 'c.nomination_id')
    .select(['c.id', 'c.category_id', 'c.activity_id', 'c.nomination_id', 'c.unit_id', 'c.record', 'c.eligible', 'c.eligibility_note', 'c.selected', 'c.final_rank', 'c.version', 'u.short_name as unit_name', 'u.name as unit_full_name', 'u.path as unit_path', 'cat.kind', 'cat.name as category_name'])
    // A person candidate is named by the nominated person, and described by the achievements.
    .select([sql<string | null>`coalesce(a.title, n.person_name)`.as('activity_title'), sql<string | null>`coalesce(a.description, n.achievements)`.as('description')])
    .where('cat.round_id', '=', roundId)
    .orderBy('c.category_id')
    .orderBy('c.id')
    .execute();
}
export type CandidateRow = Awaited<ReturnType<typeof candidatesOf>>[number];

async function assignmentsOf(db: DbOrTx, roundId: number) {
  return db
    .selectFrom('evaluation_assignments as a')
    .innerJoin('evaluation_candidates as c', 'c.id', 'a.candidate_id')
    .innerJoin('evaluation_categories as cat', 'cat.id', 'c.category_id')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select(['a.candidate_id', 'a.user_id', 'a.declined_reason', 'a.submitted_at', 'u.display_name'])
    .where('cat.round_id', '=', roundId)
    .execute();
}

/**
 * Proposes candidates: for activity categories, the pool recommended to the source task; for person
 * categories, the persons nominated to it; for unit categories, every unit the source task reached,
 * with its own record shown beside it.
 */
export async function proposeCandidates(db: Db, options: { actor: Actor; roundId: number; client: ClientInfo }) {
  const round = await loadManagedRound(db, options.actor, options.roundId);
  requireStage(round, 'eligibility');
  if (!round.source_task_id) throw invalidFields([{ field: 'sourceTaskId', code: 'required' }]);
  const task = await loadTask(db, round.source_task_id);
  const categories = await db.selectFrom('evaluation_categories').selectAll().where('round_id', '=', round.id).execute();
  const pool = await poolOf(db, task);
  // Person categories take the persons nominated to the source task (推荐人选), submitted ones only.
  const nominated = await db.selectFrom('nominations').select(['id', 'unit_id']).where('task_id', '=', task.id).where('status', '=', 'submitted').orderBy('id').execute();
  const rows = await completionRows(db, task.id);
  const taskIds = [...new Set(rows.map((r) => r.task_id)), task.id];
  const now = new Date();
  const records = new Map<number, Record<string, number>>();
  for (const row of rows) {
    const unitRows = rows.filter((r) => r.unit_id === row.unit_id || r.parent_unit_id === row.unit_id);
    const statuses = unitRows.map((r) =>
      completionStatus({ readAt: r.read_at, acknowledgedAt: r.acknowledged_at, forwardedAt: r.forwarded_at, submissionStatus: r.submission_status, lateHours: r.late_hours }, r.deadline, now),
    );
    const subtree = sql<string>`(select path from units where id = ${row.unit_id}) || '%'`;
    const [activitiesHeld, recommendedUp, coverage] = await Promise.all([
      db.selectFrom('activities as a').innerJoin('units as u', 'u.id', 'a.unit_id').select(sql<number>`count(*)::int`.as('n')).where('a.withdrawn', '=', false).where('u.path', 'like', subtree).where('a.task_id', 'in', taskIds).executeTakeFirstOrThrow(),
      db.selectFrom('recommendations').select(sql<number>`count(*)::int`.as('n')).where('from_unit_id', '=', row.unit_id).where('withdrawn_at', 'is', null).executeTakeFirstOrThrow(),
      // Media coverage: the press links on the subtree's published activities (专题栏目).
      db
        .selectFrom('showcase_publications as p')
        .innerJoin('activities as a', 'a.id', 'p.activity_id')
        .innerJoin('units as u', 'u.id', 'p.unit_id')
        .select(sql<number>`coalesce(sum((select count(*) from jsonb_array_elements(p.media_links) l where l->>'kind' = 'coverage')), 0)::int`.as('n'))
        .where('p.status', '=', 'approved')
        .where('u.path', 'like', subtree)
        .where('a.task_id', 'in', taskIds)
        .executeTakeFirstOrThrow(),
    ]);
    records.set(row.unit_id, {
      activitiesHeld: activitiesHeld.n,
      onTime: row.submission_status && row.late_hours === 0 && row.submission_status !== 'draft' ? 1 : 0,
      lateHours: row.late_hours,
      subtreeCompletionRate: statuses.length === 0 ? 0 : Math.round((statuses.filter(hasSubmitted).length / statuses.length) * 100),
      recommendedUp: recommendedUp.n,
      mediaCoverage: coverage.n,
    });
  }
  let added = 0;
  await db.transaction().execute(async (trx) => {
    for (const category of categories) {
      const values =
        category.kind === 'activity'
          ? pool.map((p) => ({ category_id: category.id, activity_id: p.activity_id, unit_id: p.unit_id, record: JSON.stringify(records.get(p.unit_id) ?? {}) }))
          : category.kind === 'person'
            ? nominated.map((n) => ({ category_id: category.id, nomination_id: n.id, unit_id: n.unit_id, record: JSON.stringify(records.get(n.unit_id) ?? {}) }))
            : [...new Set(rows.filter((r) => r.parent_unit_id === task.issuer_unit_id).map((r) => r.unit_id))].map((unitId) => ({
                category_id: category.id,
                activity_id: null,
                unit_id: unitId,
                record: JSON.stringify(records.get(unitId) ?? {}),
              }));
      for (const value of values) {
        // Already a candidate (by activity, nomination or unit, each with its unique index): kept as it is.
        const result = await trx.insertInto('evaluation_candidates').values(value).onConflict((oc) => oc.doNothing()).executeTakeFirst();
        added += Number(result.numInsertedOrUpdatedRows ?? 0n);
      }
    }
    await audit(trx, options.actor, round, 'propose_candidates', options.client, { added });
  });
  return added;
}

export async function setEligibility(db: Db, options: { actor: Actor; candidateId: number; eligible: boolean; note?: string | null | undefined; version: number; client: ClientInfo }) {
  const candidate = await db.selectFrom('evaluation_candidates as c').innerJoin('evaluation_categories as cat', 'cat.id', 'c.category_id').select(['c.id', 'cat.round_id']).where('c.id', '=', options.candidateId).executeTakeFirst();
  if (!candidate) throw notFound();
  const round = await loadManagedRound(db, options.actor, candidate.round_id);
  requireStage(round, 'eligibility');
  return db.transaction().execute(async (trx) => {
    const version = await bumpCandidateVersion(trx, candidate.id, options.version);
    await trx.updateTable('evaluation_candidates').set({ eligible: options.eligible, eligibility_note: options.note ?? null }).where('id', '=', candidate.id).execute();
    await audit(trx, options.actor, round, 'eligibility', options.client, { candidateId: candidate.id, eligible: options.eligible });
    return version;
  });
}

export async function setReviewers(db: Db, options: { actor: Actor; roundId: number; userIds: number[]; version: number; client: ClientInfo }) {
  const round = await loadManagedRound(db, options.actor, options.roundId);
  requireStage(round, 'eligibility', 'review');
  const users = options.userIds.length
    ? await db.selectFrom('users').innerJoin('units', 'units.id', 'users.unit_id').select(['users.id', 'units.path']).where('users.id', 'in', options.userIds).where('users.status', '=', 'active').execute()
    : [];
  if (users.length !== new Set(options.userIds).size || users.some((u) => !can(options.actor, 'units.view', u.path))) throw invalidFields([{ field: 'userIds', code: 'invalid' }]);
  return db.transaction().execute(async (trx) => {
    const version = await bumpRoundVersion(trx, round.id, options.version);
    await trx.deleteFrom('evaluation_reviewers').where('round_id', '=', round.id).execute();
    if (users.length > 0) await trx.insertInto('evaluation_reviewers').values(users.map((u) => ({ round_id: round.id, user_id: u.id }))).execute();
    await audit(trx, options.actor, round, 'reviewers', options.client, { userIds: options.userIds });
    return version;
  });
}

/**
 * The experts the organiser may choose from: active accounts holding the reviewer role within the
 * organiser's subtree, by name, account or unit. Campaign managers run rounds but do not manage
 * accounts, so they cannot use the account list for this.
 */
export async function expertChoices(db: Db, actor: Actor, roundId: number, q: string | undefined) {
  const round = await loadManagedRound(db, actor, roundId);
  let query = db
    .selectFrom('users as u')
    .innerJoin('units as unit', 'unit.id', 'u.unit_id')
    .select(['u.id', 'u.display_name', 'unit.short_name'])
    .where('u.status', '=', 'active')
    .where('unit.path', 'like', `${round.unit_path}%`)
    .where((eb) => eb.exists(eb.selectFrom('role_assignments as r').select('r.user_id').whereRef('r.user_id', '=', 'u.id').where('r.role', '=', 'reviewer')));
  if (q) {
    const like = `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('u.username', 'ilike', like), eb('u.display_name', 'ilike', like), eb('unit.short_name', 'ilike', like)]));
  }
  const rows = await query.orderBy('unit.sort_key').orderBy('u.display_name').limit(50).execute();
  return rows.map((r) => ({ userId: r.id, name: r.display_name, unitName: r.short_name }));
}

async function reviewerPaths(db: DbOrTx, roundId: number) {
  return db
    .selectFrom('evaluation_reviewers as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .innerJoin('units as unit', 'unit.id', 'u.unit_id')
    .select(['u.id', 'unit.path as unitPath'])
    .where('r.round_id', '=', roundId)
    .orderBy('u.id')
    .execute();
}

/** Balanced automatic assignment; reviewers never get a candidate of their own unit line. */
export async function assignAutomatically(db: Db, options: { actor: Actor; roundId: number; perCandidate: number; client: ClientInfo }) {
  const round = await loadManagedRound(db, options.actor, options.roundId);
  requireStage(round, 'eligibility', 'review');
  const candidates = (await candidatesOf(db, round.id)).filter((c) => c.eligible !== false);
  const reviewers = await reviewerPaths(db, round.id);
  const existing = await assignmentsOf(db, round.id);
  const { assignments, shortfall } = assignReviewers(
    candidates.map((c) => ({ id: c.id, unitPath: c.unit_path })),
    reviewers,
    options.perCandidate,
  );
  await db.transaction().execute(async (trx) => {
    // Scores already given are kept; only assignments without scores are redone.
    const scored = new Set(existing.filter((a) => a.submitted_at).map((a) => `${a.candidate_id}:${a.user_id}`));
    for (const a of existing.filter((x) => !x.submitted_at)) {
      await trx.deleteFrom('evaluation_assignments').where('candidate_id', '=', a.candidate_id).where('user_id', '=', a.user_id).execute();
    }
    const fresh = assignments.filter((a) => !scored.has(`${a.candidateId}:${a.reviewerId}`));
    if (fresh.length > 0) {
      await trx
        .insertInto('evaluation_assignments')
        .values(fresh.map((a) => ({ candidate_id: a.candidateId, user_id: a.reviewerId })))
        .onConflict((oc) => oc.columns(['candidate_id', 'user_id']).doNothing())
        .execute();
    }
    await audit(trx, options.actor, round, 'assign', options.client, { perCandidate: options.perCandidate, assignments: assignments.length, shortfall });
    const reviewerUnits = await trx.selectFrom('users').select(['id', 'unit_id']).where('id', 'in', reviewers.length ? reviewers.map((r) => r.id) : [-1]).execute();
    await insertNotifications(trx, [...new Set(reviewerUnits.map((r) => r.unit_id))].map((unitId) => ({ unitId, kind: 'review_assigned', title: `评审任务：${round.title}`, link: '/reviews' })));
  });
  return { assignments: assignments.length, shortfall };
}

/** Manual assignment of experts to one candidate; a conflict of interest is refused. */
export async function assignManually(db: Db, options: { actor: Actor; candidateId: number; userIds: number[]; version: number; client: ClientInfo }) {
  const candidate = await db
    .selectFrom('evaluation_candidates as c')
    .innerJoin('evaluation_categories as cat', 'cat.id', 'c.category_id')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .select(['c.id', 'cat.round_id', 'u.path'])
    .where('c.id', '=', options.candidateId)
    .executeTakeFirst();
  if (!candidate) throw notFound();
  const round = await loadManagedRound(db, options.actor, candidate.round_id);
  requireStage(round, 'eligibility', 'review');
  const reviewers = (await reviewerPaths(db, round.id)).filter((r) => options.userIds.includes(r.id));
  if (reviewers.length !== new Set(options.userIds).size) throw invalidFields([{ field: 'userIds', code: 'invalid' }]);
  if (reviewers.some((r) => conflictOfInterest(r.unitPath, candidate.path))) throw new AppError('evaluation_conflict', 409, {}, [{ field: 'userIds', code: 'invalid' }]);
  return db.transaction().execute(async (trx) => {
    const version = await bumpCandidateVersion(trx, candidate.id, options.version);
    await trx.deleteFrom('evaluation_assignments').where('candidate_id', '=', candidate.id).where('submitted_at', 'is', null).execute();
    if (reviewers.length > 0) {
      await trx.insertInto('evaluation_assignments').values(reviewers.map((r) => ({ candidate_id: candidate.id, user_id: r.id }))).onConflict((oc) => oc.columns(['candidate_id', 'user_id']).doNothing()).execute();
    }
    await audit(trx, options.actor, round, 'assign_manual', options.client, { candidateId: candidate.id, userIds: options.userIds });
    return version;
  });
}

// --- Experts ------------------------------------------------------------------------------------

async function criteriaOf(db: DbOrTx, roundId: number) {
  const rows = await db.selectFrom('evaluation_criteria').selectAll().where('round_id', '=', roundId).orderBy('sort_order').execute();
  return rows.map((c) => ({ id: c.id, name: c.name, weight: Number(c.weight), minScore: Number(c.min_score), maxScore: Number(c.max_score) }));
}

export async function myReviews(db: Db, actor: Actor) {
  const rows = await db
    .selectFrom('evaluation_assignments as a')
    .innerJoin('evaluation_candidates as c', 'c.id', 'a.candidate_id')
    .innerJoin('evaluation_categories as cat', 'cat.id', 'c.category_id')
    .innerJoin('evaluation_rounds as r', 'r.id', 'cat.round_id')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .leftJoin('activities as act', 'act.id', 'c.activity_id')
    .leftJoin('nominations as n', 'n.id', 'c.nomination_id')
    .select(['a.candidate_id', 'a.declined_reason', 'a.submitted_at', 'a.version', 'r.id as round_id', 'r.title as round_title', 'r.blind', 'r.stage', 'cat.name as category_name', 'u.short_name as unit_name'])
    .select([sql<string | null>`coalesce(act.title, n.person_name)`.as('activity_title'), sql<string | null>`coalesce(act.description, n.achievements)`.as('description')])
    .where('a.user_id', '=', actor.userId)
    .where('r.stage', 'in', ['review', 'decision', 'publicity', 'announced'])
    .orderBy('r.id')
    .orderBy('c.id')
    .execute();
  const criteria = new Map<number, Awaited<ReturnType<typeof criteriaOf>>>();
  const result = [];
  for (const row of rows) {
    if (!criteria.has(row.round_id)) criteria.set(row.round_id, await criteriaOf(db, row.round_id));
    const scores = await db.selectFrom('evaluation_scores').select(['criterion_id', 'score', 'comment']).where('candidate_id', '=', row.candidate_id).where('user_id', '=', actor.userId).execute();
    result.push({
      candidateId: row.candidate_id,
      roundId: row.round_id,
      roundTitle: row.round_title,
      categoryName: row.category_name,
      // A blind review shows the work, never who did it.
      title: row.activity_title ?? (row.blind ? `候选单位 ${row.candidate_id}` : row.unit_name),
      unitName: row.blind ? null : row.unit_name,
      criteria: criteria.get(row.round_id)!,
      scores: scores.map((s) => ({ criterionId: s.criterion_id, score: Number(s.score) })),
      comment: scores[0]?.comment ?? null,
      submitted: row.submitted_at !== null,
      declined: row.declined_reason !== null,
      description: row.description,
      version: row.version,
    });
  }
  return result;
}

async function loadAssignment(db: DbOrTx, actor: Actor, candidateId: number) {
  const row = await db
    .selectFrom('evaluation_assignments as a')
    .innerJoin('evaluation_candidates as c', 'c.id', 'a.candidate_id')
    .innerJoin('evaluation_categories as cat', 'cat.id', 'c.category_id')
    .select(['a.candidate_id', 'a.submitted_at', 'a.declined_reason', 'cat.round_id'])
    .where('a.candidate_id', '=', candidateId)
    .where('a.user_id', '=', actor.userId)
    .executeTakeFirst();
  if (!row) throw notFound();
  const round = (await loadRound(db, row.round_id))!;
  return { row, round };
}

export async function scoreCandidate(
  db: Db,
  options: { actor: Actor; candidateId: number; scores: { criterionId: number; score: number }[]; comment?: string | null | undefined; submit: boolean; version: number; client: ClientInfo },
) {
  const { actor } = options;
  const { row, round } = await loadAssignment(db, actor, options.candidateId);
  requireStage(round, 'review');
  if (row.declined_reason) throw new AppError('evaluation_conflict', 409);
  const criteria = await criteriaOf(db, round.id);
  const problems: FieldError[] = [];
  options.scores.forEach((s, i) => {
    const criterion = criteria.find((c) => c.id === s.criterionId);
    if (!criterion) problems.push({ field: `scores.${i}.criterionId`, code: 'invalid' });
    else if (!scoreInRange(criterion, s.score)) {
      problems.push({ field: `scores.${i}.score`, code: 'too_big', params: { label: criterion.name, max: criterion.maxScore } });
    }
  });
  if (options.submit && criteria.some((c) => !options.scores.some((s) => s.criterionId === c.id))) problems.push({ field: 'scores', code: 'required' });
  if (problems.length > 0) throw invalidFields(problems);
  return db.transaction().execute(async (trx) => {
    // The expert's own assignment carries the version: a save from a stale tab overwrites nothing.
    const bumped = await trx
      .updateTable('evaluation_assignments')
      .set({ version: sql`version + 1` })
      .where('candidate_id', '=', row.candidate_id)
      .where('user_id', '=', actor.userId)
      .where('version', '=', options.version)
      .returning('version')
      .executeTakeFirst();
    if (!bumped) throw staleVersion();
    for (const s of options.scores) {
      await trx
        .insertInto('evaluation_scores')
        .values({ candidate_id: row.candidate_id, user_id: actor.userId, criterion_id: s.criterionId, score: s.score, comment: options.comment ?? null })
        .onConflict((oc) => oc.columns(['candidate_id', 'user_id', 'criterion_id']).doUpdateSet({ score: s.score, comment: options.comment ?? null, updated_at: new Date() }))
        .execute();
    }
    if (options.submit) await trx.updateTable('evaluation_assignments').set({ submitted_at: new Date() }).where('candidate_id', '=', row.candidate_id).where('user_id', '=', actor.userId).execute();
    await audit(trx, actor, round, options.submit ? 'score_submit' : 'score_save', options.client, { candidateId: row.candidate_id });
    return bumped.version;
  });
}

/** An expert declares a conflict (回避): the assignment stays, recorded, and takes no scores. */
export async function declineReview(db: Db, options: { actor: Actor; candidateId: number; reason: string; client: ClientInfo }) {
  const { row, round } = await loadAssignment(db, options.actor, options.candidateId);
  requireStage(round, 'review');
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('evaluation_assignments').set({ declined_reason: options.reason }).where('candidate_id', '=', row.candidate_id).where('user_id', '=', options.actor.userId).execute();
    await trx.deleteFrom('evaluation_scores').where('candidate_id', '=', row.candidate_id).where('user_id', '=', options.actor.userId).execute();
    await audit(trx, options.actor, round, 'decline', options.client, { candidateId: row.candidate_id, reason: options.reason });
  });
}

// --- Results, decision, publicity ----------------------------------------------------------------

export async function results(db: Db, actor: Actor, roundId: number) {
  const round = await loadManagedRound(db, actor, roundId);
  const [categories, criteria, candidates, scores, assignments] = await Promise.all([
    db.selectFrom('evaluation_categories').selectAll().where('round_id', '=', round.id).orderBy('sort_order').execute(),
    criteriaOf(db, round.id),
    candidatesOf(db, round.id),
    db
      .selectFrom('evaluation_scores as s')
      .innerJoin('evaluation_assignments as a', (join) => join.onRef('a.candidate_id', '=', 's.candidate_id').onRef('a.user_id', '=', 's.user_id'))
      .innerJoin('evaluation_candidates as c', 'c.id', 's.candidate_id')
      .innerJoin('evaluation_categories as cat', 'cat.id', 'c.category_id')
      .select(['s.candidate_id', 's.user_id', 's.criterion_id', 's.score'])
      .where('cat.round_id', '=', round.id)
      .where('a.submitted_at', 'is not', null)
      .execute(),
    assignmentsOf(db, round.id),
  ]);
  // Each expert's weighted total per candidate, then normalised per expert if asked, then aggregated.
  const byPair = new Map<string, Map<number, number>>();
  for (const s of scores) {
    const key = `${s.candidate_id}:${s.user_id}`;
    if (!byPair.has(key)) byPair.set(key, new Map());
    byPair.get(key)!.set(s.criterion_id, Number(s.score));
  }
  let totals = [...byPair].flatMap(([key, map]) => {
    const [candidate, reviewer] = key.split(':').map(Number) as [number, number];
    const total = weightedTotal(criteria, map);
    return total === null ? [] : [{ candidate, reviewer, total }];
  });
  if (round.normalise) totals = normaliseByReviewer(totals);
  return categories.map((category) => {
    const inCategory = candidates.filter((c) => c.category_id === category.id && c.eligible !== false);
    const ranked = rank(inCategory, (c) => aggregate(totals.filter((t) => t.candidate === c.id).map((t) => t.total), round.aggregation));
    return {
      categoryId: category.id,
      categoryName: category.name,
      places: category.places,
      ranking: ranked.map((r) => ({
        candidateId: r.item.id,
        title: r.item.activity_title ?? r.item.unit_name,
        unitName: r.item.unit_name,
        score: r.score,
        rank: r.rank,
        tied: r.tied,
        reviews: assignments.filter((a) => a.candidate_id === r.item.id && a.submitted_at).length,
        selected: r.item.selected,
      })),
    };
  });
}

export async function decide(db: Db, options: { actor: Actor; roundId: number; categoryId: number; candidateIds: number[]; version: number; client: ClientInfo }) {
  const round = await loadManagedRound(db, options.actor, options.roundId);
  requireStage(round, 'decision');
  const category = await db.selectFrom('evaluation_categories').selectAll().where('id', '=', options.categoryId).where('round_id', '=', round.id).executeTakeFirst();
  if (!category) throw notFound();
  if (options.candidateIds.length > category.places) {
    throw new AppError('evaluation_places_exceeded', 422, { category: category.name, places: category.places }, [{ field: 'candidateIds', code: 'too_big', params: { max: category.places } }]);
  }
  const inCategory = await db.selectFrom('evaluation_candidates').select(['id', 'eligible']).where('category_id', '=', category.id).execute();
  if (options.candidateIds.some((id) => !inCategory.some((c) => c.id === id && c.eligible !== false))) throw invalidFields([{ field: 'candidateIds', code: 'invalid' }]);
  const ranking = (await results(db, options.actor, round.id)).find((r) => r.categoryId === category.id)!.ranking;
  return db.transaction().execute(async (trx) => {
    const version = await bumpRoundVersion(trx, round.id, options.version);
    await trx.updateTable('evaluation_candidates').set({ selected: false, final_rank: null }).where('category_id', '=', category.id).execute();
    for (const [index, id] of options.candidateIds.entries()) {
      await trx.updateTable('evaluation_candidates').set({ selected: true, final_rank: index + 1 }).where('id', '=', id).execute();
    }
    await audit(trx, options.actor, round, 'decide', options.client, { categoryId: category.id, candidateIds: options.candidateIds, scores: ranking.filter((r) => options.candidateIds.includes(r.candidateId)).map((r) => r.score) });
    return version;
  });
}

/**
 * Moves the round forward one stage. Publicity opens a window of `publicity_days` for objections;
 * announcing needs the window closed and every objection resolved.
 */
export async function advanceStage(db: Db, options: { actor: Actor; roundId: number; to: EvaluationStage; client: ClientInfo; now?: Date }) {
  const round = await loadManagedRound(db, options.actor, options.roundId);
  const order: EvaluationStage[] = ['eligibility', 'review', 'decision', 'publicity', 'announced'];
  if (order.indexOf(options.to) !== order.indexOf(round.stage) + 1) throw new AppError('evaluation_stage', 409, { stage: stageLabels[round.stage] });
  const now = options.now ?? new Date();
  if (options.to === 'announced') {
    if (round.publicity_ends_at && now < round.publicity_ends_at) {
      throw new AppError('evaluation_publicity_running', 409, { end: round.publicity_ends_at.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }) });
    }
    const open = await db.selectFrom('evaluation_objections').select(sql<number>`count(*)::int`.as('n')).where('round_id', '=', round.id).where('resolved_at', 'is', null).executeTakeFirstOrThrow();
    if (open.n > 0) throw new AppError('evaluation_objections_open', 409, { count: open.n });
  }
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('evaluation_rounds')
      .set({
        stage: options.to,
        ...(options.to === 'publicity' ? { publicity_starts_at: now, publicity_ends_at: new Date(now.getTime() + round.publicity_days * 86_400_000) } : {}),
        version: sql`version + 1`,
        updated_at: now,
      })
      .where('id', '=', round.id)
      .execute();
    await audit(trx, options.actor, round, 'stage', options.client, { from: round.stage, to: options.to });
  });
}

/** The public publicity list: titles and units only, never contacts. */
export async function publicity(db: Db, roundId: number) {
  const round = await loadRound(db, roundId);
  if (!round || (round.stage !== 'publicity' && round.stage !== 'announced')) throw notFound();
  const categories = await db.selectFrom('evaluation_categories').selectAll().where('round_id', '=', round.id).orderBy('sort_order').execute();
  const candidates = (await candidatesOf(db, round.id)).filter((c) => c.selected);
  return {
    roundId: round.id,
    title: round.title,
    organiser: round.unit_full_name,
    startsAt: round.publicity_starts_at!.toISOString(),
    endsAt: round.publicity_ends_at!.toISOString(),
    categories: categories.map((cat) => ({
      name: cat.name,
      candidates: candidates
        .filter((c) => c.category_id === cat.id)
        .sort((a, b) => (a.final_rank ?? 0) - (b.final_rank ?? 0))
        .map((c) => ({ candidateId: c.id, title: c.activity_title ?? c.unit_full_name, unitName: c.unit_full_name })),
    })),
  };
}

export async function fileObjection(db: Db, options: { roundId: number; candidateId: number; content: string; contact?: string | null | undefined; ip: string; now?: Date }) {
  const round = await loadRound(db, options.roundId);
  const now = options.now ?? new Date();
  if (!round || round.stage !== 'publicity' || !round.publicity_ends_at || now > round.publicity_ends_at) throw notFound();
  const candidate = await db
    .selectFrom('evaluation_candidates as c')
    .innerJoin('evaluation_categories as cat', 'cat.id', 'c.category_id')
    .select('c.id')
    .where('c.id', '=', options.candidateId)
    .where('cat.round_id', '=', round.id)
    .where('c.selected', '=', true)
    .executeTakeFirst();
  if (!candidate) throw invalidFields([{ field: 'candidateId', code: 'invalid' }]);
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('evaluation_objections').values({ round_id: round.id, candidate_id: candidate.id, content: options.content, contact: sealField('evaluation_objections', 'contact', options.contact ?? null) }).returning('id').executeTakeFirstOrThrow();
    await insertAuditEntry(trx, { actorUsername: 'public', unitId: round.unit_id, action: 'evaluation.objection', targetType: 'evaluation_round', targetId: round.id, ip: options.ip, details: { candidateId: candidate.id } });
    await insertNotifications(trx, [{ unitId: round.unit_id, kind: 'objection', title: `公示收到异议：${round.title}`, link: `/evaluations/${round.id}` }]);
    return row.id;
  });
}

export async function objections(db: Db, actor: Actor, roundId: number) {
  const round = await loadManagedRound(db, actor, roundId);
  return db
    .selectFrom('evaluation_objections as o')
    .innerJoin('evaluation_candidates as c', 'c.id', 'o.candidate_id')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .leftJoin('activities as a', 'a.id', 'c.activity_id')
    .select(['o.id', 'o.candidate_id', 'o.content', 'o.contact', 'o.received_at', 'o.resolution', 'o.upheld', 'o.resolved_at', 'a.title', 'u.short_name'])
    .where('o.round_id', '=', round.id)
    .orderBy('o.id')
    .execute()
    .then((rows) => rows.map((r) => openRow('evaluation_objections', r)));
}

export async function resolveObjection(db: Db, options: { actor: Actor; objectionId: number; resolution: string; upheld: boolean; client: ClientInfo }) {
  const objection = await db.selectFrom('evaluation_objections').selectAll().where('id', '=', options.objectionId).executeTakeFirst();
  if (!objection) throw notFound();
  const round = await loadManagedRound(db, options.actor, objection.round_id);
  requireStage(round, 'publicity');
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('evaluation_objections')
      .set({ resolution: options.resolution, upheld: options.upheld, resolved_by: options.actor.userId || null, resolved_at: new Date() })
      .where('id', '=', objection.id)
      .execute();
    // An upheld objection takes the candidate off the list.
    if (options.upheld) await trx.updateTable('evaluation_candidates').set({ selected: false, final_rank: null }).where('id', '=', objection.candidate_id).execute();
    await audit(trx, options.actor, round, 'objection_resolve', options.client, { objectionId: objection.id, upheld: options.upheld });
  });
}
