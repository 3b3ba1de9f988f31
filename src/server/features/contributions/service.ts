import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { can, isSystemAdmin, scopeOf, type Actor } from '../../../shared/domain/access';
import { bytesOfMb, type CallBody, type SubmissionFields } from '../../../shared/contracts/contributions';
import { callTakesSubmissions, consentText, fileKindsOf, kindsAccepted, mayModerateContribution, mayReadContributorEmail, type ContributionKind } from '../../../shared/domain/contributions';
import { renderContributionMail } from '../../../shared/domain/mail-templates';
import { countWords } from '../../../shared/domain/word-count';
import type { Db, DbOrTx } from '../../db/database';
import type { ContributionCallStatus, ContributionStatus } from '../../db/schema';
import { AppError, forbidden, invalidFields, notFound, staleVersion, type FieldError } from '../../errors';
import type { FileStore } from '../../storage/file-store';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { acceptUpload } from '../files/service';
import { enqueueMail } from '../notifications/repository';
import { moderatorPaths } from '../showcase/repository';
import * as repo from './repository';

const kindLabels: Record<ContributionKind, string> = { video: '短视频', photo: '照片', letter: '书信' };
const statusLabels: Record<ContributionStatus, string> = { pending: '待审核', approved: '已公开', rejected: '未通过', withdrawn: '已撤下' };
const callStatusLabels: Record<ContributionCallStatus, string> = { draft: '草稿', published: '已发布', withdrawn: '已撤下' };
const chinaTime = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

// --- Calls (signed in) ------------------------------------------------------------------------

/** As for articles: the issuing unit's campaign managers (or above) manage the column's calls. */
async function loadCampaign(db: DbOrTx, actor: Actor, campaignId: number) {
  const campaign = await db.selectFrom('campaigns as c').innerJoin('units as u', 'u.id', 'c.unit_id').select(['c.id', 'c.unit_id', 'u.path']).where('c.id', '=', campaignId).executeTakeFirst();
  if (!campaign || !can(actor, 'units.view', campaign.path)) throw notFound();
  if (!can(actor, 'campaigns.manage', campaign.path)) throw forbidden();
  return campaign;
}

/** A call its managers or its moderators see; anyone else gets 404 (it might not exist). */
async function loadCall(db: DbOrTx, actor: Actor, id: number) {
  const call = await repo.findCall(db, id);
  if (!call) throw notFound();
  const manages = can(actor, 'campaigns.manage', call.unit_path);
  const moderates = mayModerateContribution(actor, call.unit_path, await moderatorPaths(db, call.campaign_id));
  if (!manages && !moderates) throw notFound();
  return { call, manages, moderates, readsEmail: mayReadContributorEmail(actor, call.unit_path) };
}

async function loadCallToManage(db: DbOrTx, actor: Actor, id: number) {
  const loaded = await loadCall(db, actor, id);
  if (!loaded.manages) throw forbidden();
  return loaded;
}

function checkedCall(input: CallBody) {
  if (new Date(input.closesAt).getTime() <= new Date(input.opensAt).getTime()) throw invalidFields([{ field: 'closesAt', code: 'window_invalid' }]);
  const kinds = new Set(input.kinds);
  return {
    title: input.title,
    description: input.description,
    accepts_video: kinds.has('video'),
    accepts_photo: kinds.has('photo'),
    accepts_letter: kinds.has('letter'),
    letter_word_limit: input.letterWordLimit,
    video_max_bytes: bytesOfMb(input.videoMaxMb),
    photo_max_bytes: bytesOfMb(input.photoMaxMb),
    opens_at: new Date(input.opensAt),
    closes_at: new Date(input.closesAt),
  };
}

export async function listCalls(db: DbOrTx, actor: Actor, campaignId: number) {
  await loadCampaign(db, actor, campaignId);
  const rows = await repo.callsOfCampaign(db, campaignId);
  return { rows, counts: await repo.countsByCall(db, rows.map((r) => r.id)) };
}

/** Calls the caller moderates (or manages), newest first, for the review page. */
export async function callsToModerate(db: DbOrTx, actor: Actor) {
  const rows = await repo.callsToModerate(db, { managePaths: scopeOf(actor, 'campaigns.manage'), all: isSystemAdmin(actor) });
  return { rows: rows.map((r) => ({ ...r, manages: can(actor, 'campaigns.manage', r.unit_path) })), counts: await repo.countsByCall(db, rows.map((r) => r.id)) };
}

export async function getCall(db: DbOrTx, actor: Actor, id: number) {
  const { call, manages } = await loadCall(db, actor, id);
  return { call, manages, counts: (await repo.countsByCall(db, [id])).get(id)! };
}

export async function createCall(db: Db, options: { actor: Actor; campaignId: number; input: CallBody; client: ClientInfo }) {
  const { actor, input } = options;
  const campaign = await loadCampaign(db, actor, options.campaignId);
  const values = checkedCall(input);
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('contribution_calls')
      .values({ ...values, campaign_id: campaign.id, created_by: actor.userId || null, updated_by: actor.userId || null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: campaign.unit_id, action: 'contribution_call.create', targetType: 'contribution_call', targetId: id, ip: options.client.ip, details: { title: input.title, kinds: input.kinds, opensAt: input.opensAt, closesAt: input.closesAt } });
    return id;
  });
}

export async function updateCall(db: Db, options: { actor: Actor; id: number; input: CallBody; client: ClientInfo }) {
  const { actor, input } = options;
  const { call } = await loadCallToManage(db, actor, options.id);
  if (input.version !== call.version) throw staleVersion();
  const values = checkedCall(input);
  await db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('contribution_calls')
      .set({ ...values, updated_by: actor.userId || null, updated_at: new Date(), version: sql<number>`version + 1` })
      .where('id', '=', call.id)
      .where('version', '=', call.version)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw staleVersion();
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: call.unit_id, action: 'contribution_call.update', targetType: 'contribution_call', targetId: call.id, ip: options.client.ip, details: { title: input.title, kinds: input.kinds, opensAt: input.opensAt, closesAt: input.closesAt } });
  });
}

/** Publishing shows the call's page (submissions within its window); withdrawing hides it and its works. */
export async function setCallStatus(db: Db, options: { actor: Actor; id: number; version: number; to: 'published' | 'withdrawn'; client: ClientInfo }) {
  const { actor } = options;
  const { call } = await loadCallToManage(db, actor, options.id);
  if (call.version !== options.version) throw staleVersion();
  if (call.status === options.to) throw new AppError('contribution_call_status_conflict', 409, { status: callStatusLabels[call.status] });
  await db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('contribution_calls')
      .set({ status: options.to, updated_by: actor.userId || null, updated_at: new Date(), version: sql<number>`version + 1` })
      .where('id', '=', call.id)
      .where('version', '=', call.version)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw staleVersion();
    await insertAuditEntry(trx, { ...actorFields(actor), unitId: call.unit_id, action: options.to === 'published' ? 'contribution_call.publish' : 'contribution_call.withdraw', targetType: 'contribution_call', targetId: call.id, ip: options.client.ip, details: { title: call.title } });
  });
}

// --- Moderation -------------------------------------------------------------------------------

export async function listContributions(db: DbOrTx, actor: Actor, callId: number, query: { status?: ContributionStatus | undefined; page: number; pageSize: number }) {
  const { readsEmail, moderates } = await loadCall(db, actor, callId);
  return { ...(await repo.listOfCall(db, callId, query)), readsEmail, moderates };
}

/** A work with its call, for a signed-in moderator or manager; 404 to anyone else. */
async function loadContribution(db: DbOrTx, actor: Actor, id: number) {
  const work = await repo.findContribution(db, id);
  if (!work) throw notFound();
  const loaded = await loadCall(db, actor, work.call_id);
  return { work, ...loaded };
}

/** The uploaded file of a work, for those who moderate or manage its call (before approval too). */
export async function fileForModeration(db: DbOrTx, actor: Actor, id: number) {
  const { work } = await loadContribution(db, actor, id);
  if (!work.file_id) throw notFound();
  return db.selectFrom('stored_files').selectAll().where('id', '=', work.file_id).executeTakeFirstOrThrow();
}

const transitions: Record<'approve' | 'reject' | 'withdraw', { from: ContributionStatus[]; to: ContributionStatus }> = {
  approve: { from: ['pending', 'rejected'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  withdraw: { from: ['approved'], to: 'withdrawn' },
};

/**
 * Approving shows the work on the column at once; rejecting needs a reason; withdrawing takes an
 * approved work off. Approval and rejection queue the result for the contributor's e-mail in the
 * same transaction (the outbox delivers it).
 */
export async function decide(db: Db, options: { actor: Actor; id: number; version: number; action: 'approve' | 'reject' | 'withdraw'; reason: string | null; client: ClientInfo; publicUrl: string }) {
  const { actor, action } = options;
  const { work, call, moderates } = await loadContribution(db, actor, options.id);
  if (!moderates) throw forbidden();
  if (work.version !== options.version) throw staleVersion();
  const rule = transitions[action];
  if (!rule.from.includes(work.status)) throw new AppError('contribution_status_conflict', 409, { status: statusLabels[work.status] });
  const now = new Date();
  await db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('contributions')
      .set({
        status: rule.to,
        decision_reason: options.reason,
        decided_by: actor.userId || null,
        decided_at: now,
        ...(rule.to === 'approved' ? { approved_at: now } : {}),
        updated_at: now,
        version: sql<number>`version + 1`,
      })
      .where('id', '=', work.id)
      .where('version', '=', work.version)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw staleVersion();
    if (action !== 'withdraw') {
      const mail = renderContributionMail(action === 'approve' ? 'approved' : 'rejected', {
        name: work.credit_name,
        call: call.title,
        work: work.title,
        issuer: call.unit_name,
        link: `${options.publicUrl.replace(/\/$/, '')}/contribute/${call.id}/works`,
        reason: options.reason ?? '',
      });
      // One result mail per decision (a later re-approval after a rejection mails again).
      await enqueueMail(trx, [{ dedupeKey: `contribution:${work.id}:${action}:${work.version}`, to: work.email, subject: mail.subject, text: mail.body, unitId: call.unit_id }]);
    }
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: call.unit_id,
      action: `contribution.${action}`,
      targetType: 'contribution',
      targetId: work.id,
      ip: options.client.ip,
      details: { callId: call.id, from: work.status, to: rule.to, ...(options.reason ? { reason: options.reason } : {}) },
    });
  });
}

// --- Public -----------------------------------------------------------------------------------

/** A published call of an active unit, as the public sees it; anything else is 404. */
export async function publicCall(db: DbOrTx, id: number) {
  const call = await repo.findCall(db, id);
  if (!call || call.status !== 'published' || !call.unit_active) throw notFound();
  return call;
}

export async function publicCallsOfColumn(db: DbOrTx, campaignId: number) {
  return repo.publishedCallsOfColumn(db, campaignId);
}

export async function publicWorks(db: DbOrTx, callId: number, query: { kind?: ContributionKind | undefined; page: number; pageSize: number }) {
  await publicCall(db, callId);
  return repo.publicWorks(db, callId, query);
}

export async function publicMedia(db: DbOrTx, id: number) {
  return repo.findPublicMedia(db, id);
}

const receipt = (row: { id: number; status: ContributionStatus; call_id: number; kind: ContributionKind; title: string }) => ({ id: row.id, status: row.status, callId: row.call_id, kind: row.kind, title: row.title });

/**
 * Checks a submission's fields against its call before any byte of a file is stored: the call
 * takes submissions now, accepts the kind, the letter is within its 字数, a file comes when (and
 * only when) the kind needs one. Field errors name each field.
 */
export function checkSubmission(call: repo.CallRow, fields: SubmissionFields, hasFile: boolean, now: Date) {
  if (!callTakesSubmissions(call, now)) throw new AppError('contribution_call_closed', 409, { opens: chinaTime(call.opens_at), closes: chinaTime(call.closes_at) });
  if (!kindsAccepted(call).includes(fields.kind)) throw new AppError('contribution_kind_not_accepted', 422, { kind: kindLabels[fields.kind] }, [{ field: 'kind', code: 'invalid_option' }]);
  const errors: FieldError[] = [];
  if (fields.kind === 'letter') {
    const text = fields.letterText ?? '';
    const words = countWords(text);
    if (!text) errors.push({ field: 'letterText', code: 'required' });
    else if (words > call.letter_word_limit) errors.push({ field: 'letterText', code: 'too_many_words', params: { max: call.letter_word_limit, count: words } });
    if (hasFile) errors.push({ field: 'file', code: 'letter_without_file' });
  } else if (!hasFile) {
    errors.push({ field: 'file', code: 'file_required_for_kind' });
  }
  if (errors.length) throw invalidFields(errors);
}

export function maxBytesOf(call: repo.CallRow, kind: ContributionKind): number {
  return kind === 'video' ? Number(call.video_max_bytes) : Number(call.photo_max_bytes);
}

function requestHashOf(fields: SubmissionFields, fileName: string | null) {
  const { kind, title, creditName, workUnit, email, letterText } = fields;
  return createHash('sha256').update(JSON.stringify({ kind, title, creditName, workUnit, email: email.toLowerCase(), letterText: letterText ?? null, fileName })).digest('hex');
}

const publicActor = { userId: 0, username: 'public', unitId: 0 };

/**
 * Stores a submission: the work's file (judged by content, size-limited, under a generated name)
 * and the contribution commit together, so a refusal at any step stores nothing. With an
 * Idempotency-Key, a retry gets the first answer (200) without storing again; the same key with
 * other content is refused.
 */
export async function submit(
  db: Db,
  files: FileStore,
  options: { call: repo.CallRow; fields: SubmissionFields; file: { source: Readable; fileName: string } | null; idempotencyKey: string | null; ip: string; now?: Date },
): Promise<{ created: boolean; view: ReturnType<typeof receipt> }> {
  const { call, fields, file } = options;
  const now = options.now ?? new Date();
  const requestHash = requestHashOf(fields, file?.fileName ?? null);
  if (options.idempotencyKey) {
    const existing = await repo.findByIdempotencyKey(db, call.id, options.idempotencyKey);
    if (existing) {
      file?.source.resume();
      if (existing.request_hash !== requestHash) throw new AppError('idempotency_key_reused', 422);
      return { created: false, view: receipt(existing) };
    }
  }
  checkSubmission(call, fields, file !== null, now);
  const base = {
    callId: call.id,
    kind: fields.kind,
    title: fields.title,
    creditName: fields.creditName,
    workUnit: fields.workUnit,
    email: fields.email,
    consentText: consentText(call.unit_name),
    consentedAt: now,
    idempotencyKey: options.idempotencyKey,
    requestHash,
    ip: options.ip,
  };
  const record = async (trx: DbOrTx, fileId: string | null) => {
    const row = await repo.insertContribution(trx, { ...base, letterText: fields.kind === 'letter' ? (fields.letterText ?? '') : null, fileId });
    await insertAuditEntry(trx, { actorUsername: 'public', unitId: call.unit_id, action: 'contribution.submit', targetType: 'contribution', targetId: row.id, ip: options.ip, details: { callId: call.id, kind: fields.kind, fileId } });
    return row;
  };
  try {
    if (!file) return { created: true, view: receipt(await db.transaction().execute((trx) => record(trx, null))) };
    let inserted: Awaited<ReturnType<typeof record>> | undefined;
    await acceptUpload(db, files, {
      actor: publicActor,
      unitId: call.unit_id,
      source: file.source,
      fileName: file.fileName,
      allowedKinds: fileKindsOf[fields.kind as 'video' | 'photo'],
      maxBytes: maxBytesOf(call, fields.kind),
      client: { ip: options.ip, userAgent: null },
      attach: async (trx, row) => {
        inserted = await record(trx, row.id);
      },
    });
    return { created: true, view: receipt(inserted!) };
  } catch (error) {
    // Two retries at once with one key: the loser answers as a retry does.
    if (options.idempotencyKey && (error as { code?: string }).code === '23505') {
      const existing = await repo.findByIdempotencyKey(db, call.id, options.idempotencyKey);
      if (existing && existing.request_hash === requestHash) return { created: false, view: receipt(existing) };
    }
    throw error;
  }
}
