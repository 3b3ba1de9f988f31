import { randomInt } from 'node:crypto';
import type { DemandBody } from '../../../shared/contracts/demands';
import { can, scopeOf, type Actor } from '../../../shared/domain/access';
import {
  answerMaxWords,
  caseSummaryMaxWords,
  demandCategoryLabels,
  descriptionMaxWords,
  descriptionMinWords,
  makeLookupCode,
  maxForwards,
  mayForwardTo,
  mayHandleDemand,
  nextDemandStatus,
  ratingCommentMaxWords,
  averageRating,
  firstReplyOnTime,
  type DemandAction,
  type DemandCategory,
  type DemandStatus,
} from '../../../shared/domain/demands';
import { findPersonalData, type PersonalDataKind } from '../../../shared/domain/personal-data';
import { countWords } from '../../../shared/domain/word-count';
import { addWorkingDays } from '../../../shared/domain/working-days';
import type { Updateable } from 'kysely';
import type { Db, DbOrTx } from '../../db/database';
import type { DemandsTable } from '../../db/schema';
import { AppError, forbidden, invalidFields, notFound, staleVersion, type FieldError } from '../../errors';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { enqueueMail } from '../notifications/repository';
import * as repo from './repository';
import { soleProcess, type Leadership } from '../../cluster/job-leader';

const statusLabels: Record<DemandStatus, string> = { submitted: '待受理', accepted: '办理中', answered: '已答复' };
const personalKindLabels: Record<PersonalDataKind, string> = { mobile: '手机号码', phone: '电话号码', email: '电子邮箱', id_number: '身份证号' };
const publicActor = { actorUsername: 'public' };

function wordErrors(field: string, text: string | null | undefined, max: number, min = 0): FieldError[] {
  if (!text) return [];
  const count = countWords(text);
  if (count > max) return [{ field, code: 'too_many_words', params: { max, count } }];
  if (count < min) return [{ field, code: 'too_few_words', params: { min, count } }];
  return [];
}

// --- Public ---------------------------------------------------------------------------------------

/**
 * A 科技工作者 submits a demand: it goes to the chosen society, else to the 科协 of the region (the
 * nearest one above when a county has none). The code is returned once and stored nowhere else.
 */
export async function submit(db: Db, options: { input: DemandBody; ip: string | null; now?: Date; publicUrl: string }) {
  const { input } = options;
  const now = options.now ?? new Date();
  const errors = wordErrors('description', input.description, descriptionMaxWords, descriptionMinWords);
  if (errors.length > 0) throw invalidFields(errors);
  let target: { id: number; short_name: string } | undefined;
  if (input.societyUnitId) {
    target = await repo.findSociety(db, input.societyUnitId);
    if (!target) throw invalidFields([{ field: 'societyUnitId', code: 'society_unknown' }]);
  } else {
    for (let code = input.regionCode; code.length >= 2 && !target; code = code.slice(0, code.length - 2)) {
      const unit = await repo.regionalAssociation(db, code);
      if (unit?.active) target = unit;
    }
    if (!target) throw new AppError('demand_region_unknown', 422, {}, [{ field: 'regionCode', code: 'invalid' }]);
  }
  const limits = (await repo.timeLimits(db))[input.category];
  const acceptDueAt = addWorkingDays(now, limits.acceptDays);
  const replyDueAt = addWorkingDays(now, limits.replyDays);
  const code = makeLookupCode((max) => randomInt(max));
  const unit = target;
  await db.transaction().execute(async (trx) => {
    const inserted = await repo.insertDemand(trx, {
      code,
      category: input.category,
      regionCode: input.regionCode,
      societyUnitId: input.societyUnitId ?? null,
      unitId: unit.id,
      description: input.description,
      contactName: input.contactName ?? null,
      contactPhone: input.contactPhone ?? null,
      contactEmail: input.contactEmail ?? null,
      now,
      acceptDueAt,
      replyDueAt,
      ip: options.ip,
    });
    await repo.insertEvent(trx, { demandId: inserted.id, step: inserted.step, kind: 'submitted', toUnitId: unit.id, at: now });
    await notifyArrival(trx, { demandId: inserted.id, unitId: unit.id, category: input.category, kind: 'demand_received', dueAt: acceptDueAt, publicUrl: options.publicUrl });
    await insertAuditEntry(trx, { ...publicActor, unitId: unit.id, action: 'demand.submit', targetType: 'demand', targetId: inserted.id, ip: options.ip, details: { category: input.category, regionCode: input.regionCode } });
  });
  return { code, unitName: unit.short_name, firstReplyDueAt: replyDueAt.toISOString() };
}

/** The demand as its submitter sees it with the code: units' names only, never a person's data. */
export async function publicView(db: DbOrTx, code: string) {
  const demand = await repo.findDemand(db, { code });
  if (!demand) throw notFound();
  const [events, names] = await Promise.all([repo.eventsOf(db, demand.id), repo.regionNames(db, [demand.region_code])]);
  const answeredBy = demand.answered_unit_id ? await repo.unitById(db, demand.answered_unit_id) : undefined;
  return {
    category: demand.category,
    regionName: names.get(demand.region_code) ?? demand.region_code,
    status: demand.status,
    unitName: demand.unit_name,
    submittedAt: demand.submitted_at.toISOString(),
    firstReplyDueAt: demand.first_reply_due_at.toISOString(),
    timeline: events
      .filter((e): e is typeof e & { kind: 'submitted' | 'accepted' | 'forwarded' | 'escalated' | 'answered' | 'rated' } => !e.kind.startsWith('case_'))
      .map((e) => ({ kind: e.kind, at: e.at.toISOString(), unitName: e.to_name ?? e.from_name })),
    answer: demand.answer,
    answeredAt: demand.answered_at?.toISOString() ?? null,
    answeredBy: answeredBy?.short_name ?? null,
    rating: demand.rating !== null && demand.rated_at ? { score: demand.rating, comment: demand.rating_comment, ratedAt: demand.rated_at.toISOString() } : null,
  };
}

/** The submitter rates the answer, once (1–5 and an optional comment). */
export async function rate(db: Db, options: { code: string; score: number; comment: string | null | undefined; ip: string | null; now?: Date }) {
  const now = options.now ?? new Date();
  const demand = await repo.findDemand(db, { code: options.code });
  if (!demand) throw notFound();
  if (demand.status !== 'answered') throw new AppError('demand_status_conflict', 409, { status: statusLabels[demand.status] });
  if (demand.rating !== null) throw new AppError('demand_already_rated', 409);
  const errors = wordErrors('comment', options.comment, ratingCommentMaxWords);
  if (errors.length > 0) throw invalidFields(errors);
  await db.transaction().execute(async (trx) => {
    // The rating is null in the condition: two submissions at once rate once.
    const changed = await trx
      .updateTable('demands')
      .set({ rating: options.score, rating_comment: options.comment ?? null, rated_at: now, updated_at: now })
      .where('id', '=', demand.id)
      .where('rating', 'is', null)
      .where('status', '=', 'answered')
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw new AppError('demand_already_rated', 409);
    await repo.insertEvent(trx, { demandId: demand.id, step: demand.step, kind: 'rated', at: now });
    await insertAuditEntry(trx, { ...publicActor, unitId: demand.answered_unit_id, action: 'demand.rate', targetType: 'demand', targetId: demand.id, ip: options.ip, details: { score: options.score } });
  });
  return publicView(db, options.code);
}

export async function regions(db: DbOrTx, parent: string | undefined) {
  const rows = await repo.regionsBelow(db, parent);
  return rows.map((r) => ({ code: r.region_code!, name: repo.regionNameOf(r.short_name), hasChildren: Boolean(r.has_children) }));
}

export async function societies(db: DbOrTx, q: string) {
  return (await repo.searchSocieties(db, q)).map((r) => ({ id: r.id, name: r.short_name }));
}

export async function cases(db: DbOrTx, page: number, pageSize: number) {
  const { rows, total } = await repo.publishedCases(db, page, pageSize);
  const names = await repo.regionNames(db, rows.map((r) => r.region_code));
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      title: r.case_title ?? '',
      summary: r.case_summary ?? '',
      category: r.category,
      unitName: r.unit_name,
      regionName: names.get(r.region_code) ?? r.region_code,
      answeredAt: r.answered_at!.toISOString(),
      publishedAt: r.case_published_at!.toISOString(),
    })),
  };
}

// --- The units' desk ------------------------------------------------------------------------------

/** A demand the caller may see (its handling unit in the caller's subtree), else 404. */
export async function loadVisible(db: DbOrTx, actor: Actor, id: number) {
  const demand = await repo.findDemand(db, { id });
  if (!demand || !can(actor, 'units.view', demand.unit_path)) throw notFound();
  return { demand, handling: mayHandleDemand(actor, demand.unit_path) };
}

async function loadHandled(db: DbOrTx, actor: Actor, id: number, version: number, action: DemandAction) {
  const { demand, handling } = await loadVisible(db, actor, id);
  if (!handling) throw forbidden();
  if (demand.version !== version) throw staleVersion();
  const next = nextDemandStatus(demand.status, action);
  if (!next) throw new AppError('demand_status_conflict', 409, { status: statusLabels[demand.status] });
  return { demand, next };
}

export async function list(db: DbOrTx, actor: Actor, query: { status?: DemandStatus | undefined; mine: boolean; page: number; pageSize: number }) {
  const scopePaths = scopeOf(actor, 'units.view');
  const ownUnits = [...new Set(actor.grants.filter((g) => mayHandleDemand({ ...actor, grants: [g] }, g.unitPath)).map((g) => g.unitId))];
  return repo.listDemands(db, { scopePaths, ...(query.mine ? { unitIds: ownUnits } : {}), status: query.status, page: query.page, pageSize: query.pageSize });
}

/** Where the handling unit may forward: its parent and units below it (matching `q`). */
export async function forwardTargets(db: DbOrTx, actor: Actor, id: number, q: string | undefined) {
  const { demand, handling } = await loadVisible(db, actor, id);
  if (!handling) throw forbidden();
  const result: { id: number; shortName: string; relation: 'parent' | 'below' }[] = [];
  if (demand.unit_parent_id) {
    const parent = await repo.unitById(db, demand.unit_parent_id);
    if (parent?.active) result.push({ id: parent.id, shortName: parent.short_name, relation: 'parent' });
  }
  let query = db
    .selectFrom('units')
    .select(['id', 'short_name'])
    .where('path', 'like', `${demand.unit_path}%`)
    .where('id', '<>', demand.unit_id)
    .where('active', '=', true);
  if (q) query = query.where('short_name', 'like', `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  else query = query.where('parent_id', '=', demand.unit_id);
  for (const row of await query.orderBy('depth').orderBy('sort_key').limit(50).execute()) result.push({ id: row.id, shortName: row.short_name, relation: 'below' });
  return result;
}

/** Writes a transition if the demand is still at the version the caller saw. */
async function applyTransition(
  trx: DbOrTx,
  demand: repo.DemandRow,
  values: Updateable<DemandsTable>,
) {
  const changed = await trx
    .updateTable('demands')
    .set({ ...values, step: demand.step + 1, version: demand.version + 1 })
    .where('id', '=', demand.id)
    .where('version', '=', demand.version)
    .executeTakeFirst();
  if (Number(changed.numUpdatedRows) !== 1) throw staleVersion();
  return demand.step + 1;
}

export async function accept(db: Db, options: { actor: Actor; id: number; version: number; client: ClientInfo; now?: Date }) {
  const now = options.now ?? new Date();
  const { demand, next } = await loadHandled(db, options.actor, options.id, options.version, 'accept');
  await db.transaction().execute(async (trx) => {
    const step = await applyTransition(trx, demand, { status: next, accepted_at: now, updated_at: now });
    await repo.insertEvent(trx, { demandId: demand.id, step, kind: 'accepted', toUnitId: demand.unit_id, userId: options.actor.userId, at: now });
    await insertAuditEntry(trx, { ...actorFields(options.actor), unitId: demand.unit_id, action: 'demand.accept', targetType: 'demand', targetId: demand.id, ip: options.client.ip });
  });
}

export async function forward(db: Db, options: { actor: Actor; id: number; version: number; unitId: number; note: string; client: ClientInfo; publicUrl: string; now?: Date }) {
  const now = options.now ?? new Date();
  const { demand, next } = await loadHandled(db, options.actor, options.id, options.version, 'forward');
  if (demand.forwards >= maxForwards) throw new AppError('demand_forward_limit', 409, { max: maxForwards });
  const target = await repo.unitById(db, options.unitId);
  if (!target || !mayForwardTo({ path: demand.unit_path, parentId: demand.unit_parent_id }, target)) {
    throw new AppError('demand_forward_target', 422, {}, [{ field: 'unitId', code: 'invalid' }]);
  }
  const limits = (await repo.timeLimits(db))[demand.category];
  const acceptDueAt = addWorkingDays(now, limits.acceptDays);
  await db.transaction().execute(async (trx) => {
    // The receiving unit has its own full limits from arrival; the first-reply limit stays as set.
    const step = await applyTransition(trx, demand, {
      status: next,
      unit_id: target.id,
      arrived_at: now,
      accepted_at: null,
      accept_due_at: acceptDueAt,
      reply_due_at: addWorkingDays(now, limits.replyDays),
      forwards: demand.forwards + 1,
      updated_at: now,
    });
    await repo.insertEvent(trx, { demandId: demand.id, step, kind: 'forwarded', fromUnitId: demand.unit_id, toUnitId: target.id, note: options.note, userId: options.actor.userId, at: now });
    await notifyArrival(trx, { demandId: demand.id, unitId: target.id, category: demand.category, kind: 'demand_forwarded', dueAt: acceptDueAt, publicUrl: options.publicUrl, from: demand.unit_name });
    await insertAuditEntry(trx, { ...actorFields(options.actor), unitId: demand.unit_id, action: 'demand.forward', targetType: 'demand', targetId: demand.id, ip: options.client.ip, details: { to: target.id } });
  });
}

export async function answer(db: Db, options: { actor: Actor; id: number; version: number; answer: string; client: ClientInfo; publicUrl: string; now?: Date }) {
  const now = options.now ?? new Date();
  const { demand, next } = await loadHandled(db, options.actor, options.id, options.version, 'answer');
  const errors = wordErrors('answer', options.answer, answerMaxWords);
  if (errors.length > 0) throw invalidFields(errors);
  await db.transaction().execute(async (trx) => {
    const step = await applyTransition(trx, demand, { status: next, answer: options.answer, answered_at: now, answered_unit_id: demand.unit_id, updated_at: now });
    await repo.insertEvent(trx, { demandId: demand.id, step, kind: 'answered', fromUnitId: demand.unit_id, userId: options.actor.userId, at: now });
    if (demand.contact_email) {
      // To the submitter's own address: the answer and where to rate it (the code is not repeated).
      await enqueueMail(trx, [
        {
          dedupeKey: `demand-answer:${demand.id}`,
          to: demand.contact_email,
          subject: `您的诉求已答复（${demandCategoryLabels[demand.category]}）`,
          text: `您好：\n\n您提交的“${demandCategoryLabels[demand.category]}”诉求已由${demand.unit_name}答复：\n\n${options.answer}\n\n请在 ${options.publicUrl}/demands/track 输入您的查询码查看办理过程并评价。\n\n${demand.unit_name}`,
          unitId: demand.unit_id,
        },
      ]);
    }
    await insertAuditEntry(trx, { ...actorFields(options.actor), unitId: demand.unit_id, action: 'demand.answer', targetType: 'demand', targetId: demand.id, ip: options.client.ip });
  });
}

/**
 * The handling unit publishes (or withdraws) an anonymised 办实事 case of an answered demand: its
 * own title and summary, refused when they contain phone numbers, e-mail addresses or ID numbers.
 */
export async function saveCase(db: Db, options: { actor: Actor; id: number; version: number; title: string; summary: string; published: boolean; client: ClientInfo; now?: Date }) {
  const now = options.now ?? new Date();
  const { demand, handling } = await loadVisible(db, options.actor, options.id);
  if (!handling) throw forbidden();
  if (demand.version !== options.version) throw staleVersion();
  if (demand.status !== 'answered') throw new AppError('demand_status_conflict', 409, { status: statusLabels[demand.status] });
  const errors = [...wordErrors('caseSummary', options.summary, caseSummaryMaxWords)];
  for (const [field, text] of [['caseTitle', options.title], ['caseSummary', options.summary]] as const) {
    const kind = findPersonalData(text);
    if (kind) errors.push({ field, code: 'contains_personal_data', params: { kind: personalKindLabels[kind] } });
  }
  if (errors.length > 0) throw invalidFields(errors);
  const wasPublished = demand.case_published_at !== null;
  await db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('demands')
      .set({
        case_title: options.title,
        case_summary: options.summary,
        case_published_at: options.published ? (demand.case_published_at ?? now) : null,
        version: demand.version + 1,
        updated_at: now,
      })
      .where('id', '=', demand.id)
      .where('version', '=', demand.version)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw staleVersion();
    if (options.published !== wasPublished) {
      await repo.insertEvent(trx, { demandId: demand.id, step: demand.step, kind: options.published ? 'case_published' : 'case_withdrawn', fromUnitId: demand.unit_id, userId: options.actor.userId, at: now });
    }
    await insertAuditEntry(trx, { ...actorFields(options.actor), unitId: demand.unit_id, action: options.published ? 'demand.case_publish' : 'demand.case_save', targetType: 'demand', targetId: demand.id, ip: options.client.ip });
  });
}

// --- Statistics and settings ----------------------------------------------------------------------

interface Figures {
  received: number;
  firstReplyOnTime: number;
  resolved: number;
  rated: number;
  averageRating: number | null;
}

function figuresOf(rows: { status: DemandStatus; answered_at: Date | null; first_reply_due_at: Date; rating: number | null }[]): Figures {
  const ratings = rows.map((r) => r.rating).filter((r): r is number => r !== null);
  return {
    received: rows.length,
    firstReplyOnTime: rows.filter((r) => firstReplyOnTime({ firstRepliedAt: r.answered_at, firstReplyDueAt: r.first_reply_due_at }) === true).length,
    resolved: rows.filter((r) => r.status === 'answered').length,
    rated: ratings.length,
    averageRating: averageRating(ratings),
  };
}

/** Figures of the demands first received in a unit's subtree: totals, per category, per region. */
export async function statistics(db: DbOrTx, actor: Actor, unitId: number | undefined) {
  const id = unitId ?? actor.unitId;
  const unit = await repo.unitById(db, id);
  if (!unit || !can(actor, 'units.view', unit.path)) throw notFound();
  const rows = await repo.statisticsRows(db, unit.path);
  const byCategory = new Map<DemandCategory, typeof rows>();
  const byRegion = new Map<string, typeof rows>();
  for (const row of rows) {
    byCategory.set(row.category, [...(byCategory.get(row.category) ?? []), row]);
    byRegion.set(row.region_code, [...(byRegion.get(row.region_code) ?? []), row]);
  }
  const names = await repo.regionNames(db, [...byRegion.keys()]);
  return {
    unitId: unit.id,
    unitName: unit.short_name,
    totals: figuresOf(rows),
    byCategory: [...byCategory].map(([category, group]) => ({ category, ...figuresOf(group) })),
    byRegion: [...byRegion]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([regionCode, group]) => ({ regionCode, regionName: names.get(regionCode) ?? regionCode, ...figuresOf(group) })),
  };
}

export async function getTimeLimits(db: DbOrTx) {
  const limits = await repo.timeLimits(db);
  return Object.entries(limits).map(([category, l]) => ({ category: category as DemandCategory, acceptDays: l.acceptDays, replyDays: l.replyDays, custom: l.custom }));
}

/** Time limits per category: the system administrator's to set (they apply to demands arriving later). */
export async function setTimeLimits(db: Db, options: { actor: Actor; limits: { category: DemandCategory; acceptDays: number; replyDays: number }[]; client: ClientInfo }) {
  if (!options.actor.grants.some((g) => g.role === 'system_admin')) throw forbidden();
  const errors: FieldError[] = options.limits.flatMap((l, i) => (l.acceptDays > l.replyDays ? [{ field: `limits.${i}.acceptDays`, code: 'too_big' as const, params: { max: l.replyDays } }] : []));
  if (errors.length > 0) throw invalidFields(errors);
  await db.transaction().execute(async (trx) => {
    for (const l of options.limits) {
      await trx
        .insertInto('demand_time_limits')
        .values({ category: l.category, accept_days: l.acceptDays, reply_days: l.replyDays, updated_by: options.actor.userId || null })
        .onConflict((oc) => oc.column('category').doUpdateSet({ accept_days: l.acceptDays, reply_days: l.replyDays, updated_by: options.actor.userId || null, updated_at: new Date() }))
        .execute();
    }
    await insertAuditEntry(trx, { ...actorFields(options.actor), action: 'demand.time_limits', targetType: 'demand_time_limits', ip: options.client.ip, details: { limits: options.limits } });
  });
  return getTimeLimits(db);
}

// --- Notifying and escalating ---------------------------------------------------------------------

async function notifyArrival(
  trx: DbOrTx,
  options: { demandId: number; unitId: number; category: DemandCategory; kind: 'demand_received' | 'demand_forwarded' | 'demand_escalated'; dueAt: Date; publicUrl: string; from?: string },
) {
  const unit = await repo.unitById(trx, options.unitId);
  if (!unit) return;
  const label = demandCategoryLabels[options.category];
  const title =
    options.kind === 'demand_escalated'
      ? `诉求超时升级：${options.from ?? ''}未按时办理的“${label}”诉求已转由本单位督办`
      : options.kind === 'demand_forwarded'
        ? `收到${options.from ?? ''}转办的“${label}”诉求`
        : `收到科技工作者的“${label}”诉求`;
  const due = options.dueAt.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
  const body = `请于 ${due} 前受理。`;
  const link = `/demand-desk/${options.demandId}`;
  const notification = await trx.insertInto('notifications').values({ unit_id: unit.id, kind: options.kind, title, body, link }).returning('id').executeTakeFirstOrThrow();
  if (unit.contact_email) {
    await enqueueMail(trx, [{ dedupeKey: `${options.kind}:${options.demandId}:${notification.id}`, to: unit.contact_email, subject: title, text: `${title}\n\n${body}\n\n${options.publicUrl}${link}`, unitId: unit.id }]);
  }
}

/**
 * The escalation round: each open demand whose running limit has passed moves to the unit above,
 * which is notified. The update is conditional on the step the round read, so a demand escalates
 * once per missed limit whatever the number of rounds or processes running at the same time.
 */
export async function runDemandEscalations(db: Db, now: Date, publicUrl: string) {
  let escalated = 0;
  const limitsByCategory = await repo.timeLimits(db);
  for (const demand of await repo.overdueDemands(db, now)) {
    if (demand.parent_id === null) continue;
    const limits = limitsByCategory[demand.category];
    const acceptDueAt = addWorkingDays(now, limits.acceptDays);
    const done = await db.transaction().execute(async (trx) => {
      const changed = await trx
        .updateTable('demands')
        .set((eb) => ({
          status: 'submitted',
          unit_id: demand.parent_id!,
          arrived_at: now,
          accepted_at: null,
          accept_due_at: acceptDueAt,
          reply_due_at: addWorkingDays(now, limits.replyDays),
          escalations: eb('escalations', '+', 1),
          step: eb('step', '+', 1),
          version: eb('version', '+', 1),
          updated_at: now,
        }))
        .where('id', '=', demand.id)
        .where('step', '=', demand.step)
        .where('unit_id', '=', demand.unit_id)
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) return false;
      const missed = demand.status === 'submitted' ? '受理' : '答复';
      await repo.insertEvent(trx, { demandId: demand.id, step: demand.step + 1, kind: 'escalated', fromUnitId: demand.unit_id, toUnitId: demand.parent_id, note: `${missed}超时`, at: now });
      await notifyArrival(trx, { demandId: demand.id, unitId: demand.parent_id!, category: demand.category, kind: 'demand_escalated', dueAt: acceptDueAt, publicUrl, from: demand.unit_name });
      await insertAuditEntry(trx, { actorUsername: 'system', unitId: demand.unit_id, action: 'demand.escalate', targetType: 'demand', targetId: demand.id, details: { from: demand.unit_id, to: demand.parent_id, missed: demand.status === 'submitted' ? 'accept' : 'reply' } });
      return true;
    });
    if (done) escalated++;
  }
  return escalated;
}

/** Runs the escalation round every minute while the server runs (like the reminder scheduler: on the job leader only). */
export function startDemandScheduler(
  db: Db,
  publicUrl: string,
  log: (message: string) => void,
  { intervalMs = 60_000, now = () => new Date(), leader = soleProcess }: { intervalMs?: number; now?: () => Date; leader?: Leadership } = {},
) {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = leader
      .isLeader()
      .then((leads) => (leads ? runDemandEscalations(db, now(), publicUrl) : 0))
      .catch((error: Error) => log(`demand escalations: ${error.message}`));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    settled: () => running,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
