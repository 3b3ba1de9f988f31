import { sql } from 'kysely';
import { can, isSystemAdmin, scopeOf, type Actor } from '../../../shared/domain/access';
import type { PublicationBody, PublicListQuery } from '../../../shared/contracts/showcase';
import { searchQueryLiteral, searchVectorLiteral } from '../../../shared/domain/bigram-search';
import { chinaDateOf } from '../../../shared/domain/deadlines';
import { findPersonalData, type PersonalDataKind } from '../../../shared/domain/personal-data';
import { countWords } from '../../../shared/domain/word-count';
import { finalReportWordLimit, isSafePublicUrl, mayModerate, mayRequestPublication, nextPublicationStatus, type PublicationAction, type PublicationStatus } from '../../../shared/domain/showcase';
import { isInSubtree } from '../../../shared/domain/units';
import type { Db, DbOrTx } from '../../db/database';
import { AppError, forbidden, invalidFields, notFound, staleVersion, type FieldError } from '../../errors';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { insertNotifications } from '../notifications/repository';
import { publicInfo as publicSignupInfo } from '../signups/service';
import { presentArticleCard } from '../articles/presenter';
import { publicList as publicArticles } from '../articles/service';
import * as repo from './repository';

/** Photos shown to the public are served as uploaded: keep them small enough for a phone. */
export const photoMaxBytes = 5 * 1024 * 1024;

const kindLabels: Record<PersonalDataKind, string> = { mobile: '手机号码', phone: '电话号码', email: '电子邮箱', id_number: '身份证号' };
const statusLabels: Record<PublicationStatus, string> = { pending: '待审核', approved: '已发布', rejected: '未通过', withdrawn: '已撤下' };

function personalDataErrors(fields: [string, string | null | undefined][]): FieldError[] {
  const errors: FieldError[] = [];
  for (const [field, text] of fields) {
    const kind = text ? findPersonalData(text) : null;
    if (kind) errors.push({ field, code: 'contains_personal_data', params: { kind: kindLabels[kind] } });
  }
  return errors;
}

function assertTransition(current: PublicationStatus | null, action: PublicationAction): PublicationStatus {
  const next = nextPublicationStatus(current, action);
  if (!next) throw new AppError('showcase_status_conflict', 409, { status: current ? statusLabels[current] : '未申请' });
  return next;
}

async function loadForModeration(db: DbOrTx, actor: Actor, id: number) {
  const publication = await repo.findPublication(db, id);
  if (!publication) throw notFound();
  const moderators = await repo.moderatorPaths(db, publication.campaign_id);
  const moderates = mayModerate(actor, publication.unit_path, moderators);
  const own = mayRequestPublication(actor, publication.unit_path);
  if (!moderates && !own) throw notFound();
  return { publication, moderates, own };
}

export async function getPublication(db: DbOrTx, actor: Actor, id: number) {
  const loaded = await loadForModeration(db, actor, id);
  const photos = await repo.photosOf(db, [id]);
  return { ...loaded, photos };
}

/**
 * A unit asks to publish one of its activities (or changes what it asked): the public text is
 * checked for personal data, the photos must be its own JPG/PNG uploads; the request waits for
 * moderation, and a published one leaves the column until approved again.
 */
export async function requestPublication(db: Db, options: { actor: Actor; activityId: number; input: PublicationBody; client: ClientInfo }) {
  const { actor, input } = options;
  const activity = await repo.findActivity(db, options.activityId);
  if (!activity || !can(actor, 'units.view', activity.unit_path)) throw notFound();
  if (!mayRequestPublication(actor, activity.unit_path)) throw forbidden();
  if (activity.withdrawn) throw new AppError('showcase_activity_withdrawn', 409);
  if (activity.campaign_id === null) throw new AppError('showcase_no_campaign', 422);
  const campaignId = activity.campaign_id;

  const errors: FieldError[] = personalDataErrors([
    ['title', activity.title],
    ['host', activity.host],
    ['organiser', activity.organiser],
    ['place', activity.place],
    ['description', input.description],
    ['finalReport', input.finalReport],
    ...input.mediaLinks.map((l, i) => [`mediaLinks.${i}.title`, l.title] as [string, string]),
    ...input.photos.map((p, i) => [`photos.${i}.caption`, p.caption] as [string, string | undefined]),
  ]);
  const reportWords = input.finalReport ? countWords(input.finalReport) : 0;
  if (reportWords > finalReportWordLimit) errors.push({ field: 'finalReport', code: 'too_many_words', params: { max: finalReportWordLimit, count: reportWords } });
  input.mediaLinks.forEach((link, i) => {
    if (!isSafePublicUrl(link.url)) errors.push({ field: `mediaLinks.${i}.url`, code: 'unsafe_url' });
  });
  const fileIds = input.photos.map((p) => p.fileId);
  const files = fileIds.length
    ? await db.selectFrom('stored_files').select(['id', 'kind', 'unit_id', 'size_bytes']).where('id', 'in', fileIds).execute()
    : [];
  input.photos.forEach((photo, i) => {
    const file = files.find((f) => f.id === photo.fileId);
    const usable = file && file.unit_id === activity.unit_id && (file.kind === 'jpg' || file.kind === 'png') && Number(file.size_bytes) <= photoMaxBytes;
    if (!usable || fileIds.indexOf(photo.fileId) !== i) errors.push({ field: `photos.${i}.fileId`, code: 'photo_not_usable' });
  });
  if (errors.length > 0) throw invalidFields(errors);

  const searchVector = searchVectorLiteral([
    { text: activity.title, weight: 'A' },
    { text: input.description, weight: 'B' },
    { text: input.finalReport ?? '', weight: 'C' },
  ]);
  const finalReport = input.finalReport || null;
  const photos = input.photos.map((p) => ({ fileId: p.fileId, caption: p.caption?.trim() || null }));
  const requestedBy = actor.userId || null;
  return db.transaction().execute(async (trx) => {
    let id = activity.publication_id;
    if (id === null) {
      if (input.version !== undefined) throw staleVersion();
      assertTransition(null, 'request');
      id = await repo.insertPublication(trx, { activityId: activity.id, campaignId, unitId: activity.unit_id, description: input.description, mediaLinks: input.mediaLinks, finalReport, requestedBy, searchVector });
    } else {
      const current = await trx.selectFrom('showcase_publications').select(['status', 'version']).where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
      if (input.version !== current.version) throw staleVersion();
      assertTransition(current.status, 'request');
      await repo.updateRequest(trx, id, { description: input.description, mediaLinks: input.mediaLinks, finalReport, requestedBy, searchVector, now: new Date() });
    }
    await repo.replacePhotos(trx, id, photos);
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: activity.unit_id,
      action: 'showcase.request',
      targetType: 'showcase_publication',
      targetId: id,
      ip: options.client.ip,
      details: { activityId: activity.id, photos: photos.length, links: input.mediaLinks.length, finalReport: finalReport !== null, previous: activity.publication_status },
    });
    const unitPath = activity.unit_path;
    const parentId = unitPath.split('/').filter(Boolean).map(Number).at(-2);
    if (parentId) {
      await insertNotifications(trx, [{ unitId: parentId, kind: 'showcase', title: `${activity.unit_name}申请在专题栏目发布：${activity.title}`, link: '/publishing/review' }]);
    }
    return id;
  });
}

/** Approve or reject a pending request; both audited, effective at once. */
export async function decide(db: Db, options: { actor: Actor; id: number; version: number; action: 'approve' | 'reject'; note: string | null; client: ClientInfo }) {
  const { actor } = options;
  const { publication, moderates } = await loadForModeration(db, actor, options.id);
  if (!moderates) throw forbidden();
  if (publication.version !== options.version) throw staleVersion();
  const next = assertTransition(publication.status, options.action);
  if (next === 'approved' && publication.activity_withdrawn) throw new AppError('showcase_activity_withdrawn', 409);
  await db.transaction().execute(async (trx) => {
    const now = new Date();
    const changed = await repo.setStatus(trx, publication.id, options.version, {
      status: next as 'approved' | 'rejected',
      decided_by: actor.userId || null,
      decided_at: now,
      decision_note: options.note,
      ...(next === 'approved' ? { published_at: now } : {}),
    });
    if (!changed) throw staleVersion();
    if (next === 'approved') {
      await trx.updateTable('showcase_publications').set({ first_published_at: now }).where('id', '=', publication.id).where('first_published_at', 'is', null).execute();
    }
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: publication.unit_id,
      action: next === 'approved' ? 'showcase.approve' : 'showcase.reject',
      targetType: 'showcase_publication',
      targetId: publication.id,
      ip: options.client.ip,
      details: { activityId: publication.activity_id, note: options.note },
    });
    await insertNotifications(trx, [
      {
        unitId: publication.unit_id,
        kind: 'showcase',
        title: next === 'approved' ? `已在专题栏目发布：${publication.title}` : `专题栏目发布未通过：${publication.title}`,
        link: '/publishing',
      },
    ]);
  });
}

/** Takes a publication off the column (or cancels a pending request): by the unit or a moderator. */
export async function withdraw(db: Db, options: { actor: Actor; id: number; version: number; reason: string; client: ClientInfo }) {
  const { actor } = options;
  const { publication } = await loadForModeration(db, actor, options.id);
  if (publication.version !== options.version) throw staleVersion();
  assertTransition(publication.status, 'withdraw');
  await db.transaction().execute(async (trx) => {
    const changed = await repo.setStatus(trx, publication.id, options.version, {
      status: 'withdrawn',
      withdrawn_by: actor.userId || null,
      withdrawn_at: new Date(),
      withdraw_reason: options.reason,
      published_at: null,
    });
    if (!changed) throw staleVersion();
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: publication.unit_id,
      action: 'showcase.withdraw',
      targetType: 'showcase_publication',
      targetId: publication.id,
      ip: options.client.ip,
      details: { activityId: publication.activity_id, reason: options.reason, previous: publication.status },
    });
  });
}

export async function myActivities(db: DbOrTx, actor: Actor, query: { status?: string | undefined; q?: string | undefined; page: number; pageSize: number }) {
  const scope = scopeOf(actor, 'notices.acknowledge');
  return repo.listActivitiesInScope(db, { scopePaths: scope, ...query });
}

export async function reviewQueue(db: DbOrTx, actor: Actor, query: { status: string; page: number; pageSize: number }) {
  const all = isSystemAdmin(actor);
  const { rows, total } = await repo.listForModeration(db, { managePaths: scopeOf(actor, 'campaigns.manage'), all, ...query });
  const photos = await repo.photosOf(db, rows.map((r) => r.id));
  return { rows, total, photos };
}

async function loadManagedCampaign(db: DbOrTx, actor: Actor, campaignId: number) {
  const campaign = await db
    .selectFrom('campaigns as c')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .select(['c.id', 'c.moderators_version', 'u.path'])
    .where('c.id', '=', campaignId)
    .executeTakeFirst();
  if (!campaign || !can(actor, 'units.view', campaign.path)) throw notFound();
  if (!can(actor, 'campaigns.manage', campaign.path)) throw forbidden();
  return campaign;
}

export async function moderators(db: DbOrTx, actor: Actor, campaignId: number) {
  const campaign = await loadManagedCampaign(db, actor, campaignId);
  return { units: await repo.moderatorsOf(db, campaignId), version: campaign.moderators_version };
}

/** The units whose campaign managers also moderate the column: within the issuing unit's subtree. */
export async function setModerators(db: Db, options: { actor: Actor; campaignId: number; unitIds: number[]; version: number; client: ClientInfo }) {
  const campaign = await loadManagedCampaign(db, options.actor, options.campaignId);
  const unitIds = [...new Set(options.unitIds)];
  const units = unitIds.length ? await db.selectFrom('units').select(['id', 'path']).where('id', 'in', unitIds).execute() : [];
  const errors: FieldError[] = [];
  unitIds.forEach((id, i) => {
    const unit = units.find((u) => u.id === id);
    if (!unit || !isInSubtree(unit.path, campaign.path)) errors.push({ field: `unitIds.${i}`, code: 'invalid_option' });
  });
  if (errors.length) throw invalidFields(errors);
  return db.transaction().execute(async (trx) => {
    // The list has its own version, apart from the campaign's (edited by others on another page).
    const bumped = await trx
      .updateTable('campaigns')
      .set({ moderators_version: sql`moderators_version + 1` })
      .where('id', '=', campaign.id)
      .where('moderators_version', '=', options.version)
      .returning('moderators_version')
      .executeTakeFirst();
    if (!bumped) throw staleVersion();
    await repo.replaceModerators(trx, campaign.id, unitIds, options.actor.userId || null);
    await insertAuditEntry(trx, {
      ...actorFields(options.actor),
      unitId: null,
      action: 'showcase.moderators',
      targetType: 'campaign',
      targetId: campaign.id,
      ip: options.client.ip,
      details: { unitIds },
    });
    return bumped.moderators_version;
  });
}

// --- Public --------------------------------------------------------------------------------------

export async function publicColumn(db: DbOrTx, unitId: number, year: number, now = new Date()) {
  const column = await repo.findColumn(db, unitId, year);
  if (!column) throw notFound();
  const [{ figures, byPhase }, latest, years, articles, featured, commendations, galleries] = await Promise.all([
    repo.columnFigures(db, column.id),
    repo.listPublished(db, { campaignId: column.id, page: 1, pageSize: 6 }),
    repo.yearsOfUnit(db, unitId),
    publicArticles(db, column.id, { page: 1, pageSize: 4 }),
    repo.listFeatured(db, column.id, 6),
    repo.listCommendations(db, column.id),
    repo.listGalleries(db, column.id),
  ]);
  return { column, figures, byPhase, latest: latest.rows, featured, commendations, galleries, articles: articles.rows.map(presentArticleCard), years, today: chinaDateOf(now) };
}

export async function publicList(
  db: DbOrTx,
  unitId: number,
  year: number,
  query: PublicListQuery,
) {
  const column = await repo.findColumn(db, unitId, year);
  if (!column) throw notFound();
  let regionPath: string | undefined;
  if (query.region) {
    regionPath = await repo.regionalUnitPath(db, query.region);
    // An unknown region has no activities; a path that matches nothing says so.
    regionPath ??= '/none/';
  }
  const tsquery = query.q ? (searchQueryLiteral(query.q) ?? undefined) : undefined;
  const { rows, total, totalCapped } = await repo.listPublished(db, {
    campaignId: column.id,
    module: query.module,
    phase: query.phase,
    from: query.from,
    to: query.to,
    unitType: query.unitType,
    format: query.format,
    page: query.page,
    pageSize: query.pageSize,
    regionPath,
    tsquery,
  });
  return { column, rows, total, totalCapped };
}

export async function publicActivity(db: DbOrTx, activityId: number) {
  const row = await repo.findPublished(db, activityId);
  if (!row) throw notFound();
  const [photos, signup] = await Promise.all([repo.photosOf(db, [row.publication_id]), publicSignupInfo(db, row.id)]);
  return { row, photos, signup };
}

export async function publicColumns(db: DbOrTx) {
  return repo.publishedColumns(db);
}
