import { can, scopeOf, viewingGrants, type Actor } from '../../../shared/domain/access';
import { addresseePhrase, composeAddresseeText, type AddresseeRule } from '../../../shared/domain/addressees';
import { chinaDateOf, endOfChinaDay, fitsUpstream, proposeLocalDeadline } from '../../../shared/domain/deadlines';
import { formatDocumentNumber, nextSerial, parseDocumentNumber } from '../../../shared/domain/document-number';
import type { UnitLevel } from '../../../shared/domain/units';
import type { CreateNoticeInput, UpdateNoticeInput } from '../../../shared/contracts/notices';
import type { Db, DbOrTx } from '../../db/database';
import { AppError, forbidden, invalidFields, notFound, staleVersion, type FieldError } from '../../errors';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { loadReadableCampaign } from '../campaigns/service';
import { enqueueMail, insertNotifications } from '../notifications/repository';
import { loadVisibleUnit } from '../units/service';
import * as repo from './repository';
import type { NoticeRow } from './repository';
import { sanitizeNoticeHtml } from '../../documents/rich-text';
import { openRow } from '../../crypto/personal-data';


// --- Access ------------------------------------------------------------------------------------

export function canManageNotice(actor: Actor, notice: Pick<NoticeRow, 'issuer_path'>): boolean {
  return can(actor, 'campaigns.manage', notice.issuer_path);
}

/**
 * A notice is readable by its issuer's side (drafts only by its managers), by co-issuers, and — once
 * issued — by every unit it reached and the units above those.
 */
export async function loadReadableNotice(db: DbOrTx, actor: Actor, id: number) {
  const notice = await repo.findNotice(db, id);
  if (!notice) throw notFound();
  if (canManageNotice(actor, notice)) return notice;
  const coIssuers = await repo.coIssuersOf(db, notice.id);
  if (notice.status !== 'draft' && coIssuers.some((c) => can(actor, 'campaigns.manage', c.path))) return notice;
  if (notice.status === 'issued' || notice.status === 'withdrawn') {
    if (can(actor, 'units.view', notice.issuer_path)) return notice;
    const reached = await repo.recipientsWithin(db, notice.id, scopeOf(actor, 'units.view'));
    if (reached.length > 0) return notice;
  }
  throw notFound();
}

async function loadManageableNotice(db: DbOrTx, actor: Actor, id: number) {
  const notice = await loadReadableNotice(db, actor, id);
  if (!canManageNotice(actor, notice)) throw forbidden();
  return notice;
}

// --- Drafting ----------------------------------------------------------------------------------

function documentNumberParts(text: string | undefined, field = 'documentNumber') {
  if (!text) return { doc_prefix: null, doc_year: null, doc_serial: null, document_number: null };
  const parsed = parseDocumentNumber(text);
  if (!parsed) throw invalidFields([{ field, code: 'document_number_format' }]);
  return { doc_prefix: parsed.prefix, doc_year: parsed.year, doc_serial: parsed.serial, document_number: formatDocumentNumber(parsed) };
}

async function addresseeTextOf(db: DbOrTx, issuer: { level: UnitLevel }, rules: AddresseeRule[]) {
  const ids = rules.flatMap((r) => (r.kind === 'units' ? r.unitIds : []));
  const names = new Map(
    ids.length > 0 ? (await db.selectFrom('units').select(['id', 'short_name']).where('id', 'in', ids).execute()).map((u) => [u.id, u.short_name]) : [],
  );
  return composeAddresseeText(rules.map((r) => addresseePhrase(r, issuer.level, (list) => list.flatMap((id) => (names.has(id) ? [names.get(id)!] : [])))));
}

/** Checks a forward's inherited deadlines against upstream: a later local deadline is refused. */
async function checkTasks(db: DbOrTx, tasks: { deadline: string; upstreamTaskId?: number | null | undefined }[], parentNoticeId: number | null) {
  const upstream = parentNoticeId ? await repo.tasksOf(db, [parentNoticeId]) : [];
  const errors: FieldError[] = [];
  tasks.forEach((task, index) => {
    if (!task.upstreamTaskId) return;
    const up = upstream.find((u) => u.id === task.upstreamTaskId);
    if (!up) errors.push({ field: `tasks.${index}.upstreamTaskId`, code: 'invalid' });
    else if (!fitsUpstream(endOfChinaDay(task.deadline), up.deadline)) {
      errors.push({ field: `tasks.${index}.deadline`, code: 'deadline_after_upstream', params: { upstream: formatChinaDate(up.deadline) } });
    }
  });
  if (errors.length > 0) throw invalidFields(errors);
}

async function checkAttachments(db: DbOrTx, actor: Actor, attachments: UpdateNoticeInput['attachments']) {
  for (const [index, attachment] of attachments.entries()) {
    const file = await db
      .selectFrom('stored_files as f')
      .leftJoin('units as u', 'u.id', 'f.unit_id')
      .select(['f.id', 'u.path'])
      .where('f.id', '=', attachment.fileId)
      .executeTakeFirst();
    if (!file?.path || !can(actor, 'units.view', file.path)) throw invalidFields([{ field: `attachments.${index}.fileId`, code: 'invalid' }]);
  }
}

async function checkCoIssuers(db: DbOrTx, issuerUnitId: number, unitIds: number[]) {
  for (const [index, id] of unitIds.entries()) {
    const unit = await db.selectFrom('units').select(['id', 'active']).where('id', '=', id).executeTakeFirst();
    if (!unit || !unit.active || id === issuerUnitId) throw invalidFields([{ field: `coIssuerUnitIds.${index}`, code: 'invalid' }]);
  }
}

const noQuota = { minItems: 0, maxItems: null, onePerPhase: false };
const defaultRecommendationQuota = { default: { min: 0, max: 2 }, byUnitType: {} };

/**
 * The tasks as stored. A task passing on an upstream one keeps the upstream form and quota: the
 * units below fill the same form the top asked for.
 */
async function taskRecords(db: DbOrTx, tasks: UpdateNoticeInput['tasks'], parentNoticeId: number | null): Promise<repo.TaskRecord[]> {
  const upstream = parentNoticeId ? await repo.tasksOf(db, [parentNoticeId]) : [];
  return tasks.map((t) => {
    const up = t.upstreamTaskId ? upstream.find((u) => u.id === t.upstreamTaskId) : undefined;
    return {
      title: t.title,
      description: t.description,
      deadline: endOfChinaDay(t.deadline),
      upstreamTaskId: t.upstreamTaskId ?? null,
      formVersionId: up ? up.form_version_id : (t.formVersionId ?? null),
      quota: up ? up.quota : (t.quota ?? noQuota),
      latePolicy: t.latePolicy,
      assigneeUnitIds: t.assigneeUnitIds ?? null,
      routing: t.routing,
      requiredFiles: up ? up.required_files : t.requiredFiles,
      recommendationQuota: t.recommendationQuota ?? defaultRecommendationQuota,
    };
  });
}

async function checkTaskForms(db: DbOrTx, actor: Actor, tasks: UpdateNoticeInput['tasks']) {
  for (const [index, task] of tasks.entries()) {
    if (!task.formVersionId || task.upstreamTaskId) continue;
    const version = await db
      .selectFrom('form_versions as v')
      .innerJoin('forms as f', 'f.id', 'v.form_id')
      .innerJoin('units as u', 'u.id', 'f.unit_id')
      .select('u.path')
      .where('v.id', '=', task.formVersionId)
      .executeTakeFirst();
    if (!version || !can(actor, 'units.view', version.path)) throw invalidFields([{ field: `tasks.${index}.formVersionId`, code: 'invalid' }]);
  }
}

async function saveContent(trx: DbOrTx, noticeId: number, input: UpdateNoticeInput | CreateNoticeInput, parentNoticeId: number | null) {
  await repo.replaceCoIssuers(trx, noticeId, input.coIssuerUnitIds);
  await repo.replaceAttachments(trx, noticeId, input.attachments);
  await repo.replaceTasks(trx, noticeId, await taskRecords(trx, input.tasks, parentNoticeId));
}

function contentColumns(input: UpdateNoticeInput | CreateNoticeInput, addresseeText: string) {
  return {
    campaign_id: input.campaignId ?? null,
    ...documentNumberParts(input.documentNumber),
    title: input.title,
    addressee_text: addresseeText,
    addressee_rules: JSON.stringify(input.addresseeRules),
    body_html: sanitizeNoticeHtml(input.bodyHtml),
    contacts: JSON.stringify(input.contacts.map((c) => ({ name: c.name, phone: c.phone ?? null, email: c.email ?? null }))),
    ...(input.signature ? { signature: input.signature } : {}),
    issue_date: input.issueDate ?? null,
  };
}

export async function createNotice(db: Db, options: { actor: Actor; input: CreateNoticeInput; client: ClientInfo }) {
  const { actor, input } = options;
  const issuer = await loadVisibleUnit(db, actor, input.issuerUnitId);
  if (!can(actor, 'campaigns.manage', issuer.path)) throw forbidden();
  if (input.campaignId) await loadReadableCampaign(db, actor, input.campaignId);
  let supplements: NoticeRow | undefined;
  if (input.supplementsNoticeId) {
    supplements = await loadManageableNotice(db, actor, input.supplementsNoticeId);
    if (supplements.status !== 'issued' || supplements.issuer_unit_id !== issuer.id) {
      throw invalidFields([{ field: 'supplementsNoticeId', code: 'invalid' }]);
    }
  }
  await checkCoIssuers(db, issuer.id, input.coIssuerUnitIds);
  await checkAttachments(db, actor, input.attachments);
  await checkTasks(db, input.tasks, null);
  await checkTaskForms(db, actor, input.tasks);
  const addresseeText = input.addresseeText ?? (await addresseeTextOf(db, issuer, input.addresseeRules));
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('notices')
      .values({
        issuer_unit_id: issuer.id,
        kind: supplements ? 'supplementary' : 'original',
        parent_notice_id: supplements?.id ?? null,
        ...contentColumns(input, addresseeText),
        signature: input.signature ?? [issuer.name],
        created_by: actor.userId || null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('notices').set({ root_notice_id: row.id }).where('id', '=', row.id).execute();
    await saveContent(trx, row.id, input, null);
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: issuer.id,
      action: 'notice.create',
      targetType: 'notice',
      targetId: row.id,
      ip: options.client.ip,
      details: { title: input.title, supplements: supplements?.id ?? null },
    });
    return row.id;
  });
}

export async function updateNotice(db: Db, options: { actor: Actor; id: number; input: UpdateNoticeInput; client: ClientInfo }) {
  const { actor, input } = options;
  const notice = await loadManageableNotice(db, actor, options.id);
  if (notice.status !== 'draft') throw new AppError('notice_not_editable', 409);
  if (input.campaignId) await loadReadableCampaign(db, actor, input.campaignId);
  await checkCoIssuers(db, notice.issuer_unit_id, input.coIssuerUnitIds);
  await checkAttachments(db, actor, input.attachments);
  await checkTasks(db, input.tasks, notice.kind === 'forward' ? notice.parent_notice_id : null);
  await checkTaskForms(db, actor, input.tasks);
  const addresseeText = input.addresseeText ?? (await addresseeTextOf(db, { level: notice.issuer_level as UnitLevel }, input.addresseeRules));
  await db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('notices')
      .set({ ...contentColumns(input, addresseeText), version: (eb) => eb('version', '+', 1), updated_at: new Date() })
      .where('id', '=', notice.id)
      .where('version', '=', input.version)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw staleVersion();
    await saveContent(trx, notice.id, input, notice.kind === 'forward' ? notice.parent_notice_id : null);
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: notice.issuer_unit_id,
      action: 'notice.update',
      targetType: 'notice',
      targetId: notice.id,
      ip: options.client.ip,
    });
  });
}

export async function previewRecipients(db: Db, actor: Actor, issuerUnitId: number, rules: AddresseeRule[]) {
  const issuer = await loadVisibleUnit(db, actor, issuerUnitId);
  if (!can(actor, 'campaigns.manage', issuer.path)) throw forbidden();
  const units = await repo.resolveAddressees(db, issuer, rules);
  return { addresseeText: await addresseeTextOf(db, issuer, rules), units };
}

export async function suggestNextNumber(db: Db, actor: Actor, issuerUnitId: number, prefix: string, year: number) {
  const issuer = await loadVisibleUnit(db, actor, issuerUnitId);
  if (!can(actor, 'campaigns.manage', issuer.path)) throw forbidden();
  const serial = nextSerial(await repo.usedSerials(db, issuer.id, prefix, year));
  return formatDocumentNumber({ prefix, year, serial });
}

// --- Issuing -----------------------------------------------------------------------------------

/**
 * Issues a draft. The 文号, addressees and tasks are checked field by field; a joint notice waits
 * for every co-issuer's approval, anything else goes out at once.
 */
export async function issueNotice(db: Db, options: { actor: Actor; id: number; version: number; client: ClientInfo }) {
  const { actor } = options;
  const notice = await loadManageableNotice(db, actor, options.id);
  if (notice.status !== 'draft') throw new AppError('notice_not_editable', 409);
  if (notice.version !== options.version) throw staleVersion();
  const errors: FieldError[] = [];
  if (!notice.document_number) errors.push({ field: 'documentNumber', code: 'required' });
  const rules = notice.addressee_rules as AddresseeRule[];
  const recipients = await repo.resolveAddressees(db, { id: notice.issuer_unit_id, path: notice.issuer_path }, rules);
  if (rules.length === 0) errors.push({ field: 'addresseeRules', code: 'required' });
  else if (recipients.length === 0) errors.push({ field: 'addresseeRules', code: 'no_recipients' });
  if (errors.length > 0) throw invalidFields(errors);
  const tasks = await repo.tasksOf(db, [notice.id]);
  await checkTasks(
    db,
    tasks.map((t) => ({ deadline: chinaDateOf(t.deadline), upstreamTaskId: t.upstream_task_id })),
    notice.kind === 'forward' ? notice.parent_notice_id : null,
  );
  const coIssuers = await repo.coIssuersOf(db, notice.id);
  try {
    await db.transaction().execute(async (trx) => {
      const status = coIssuers.length > 0 ? 'pending_approval' : 'issued';
      const result = await trx
        .updateTable('notices')
        .set({ status, version: (eb) => eb('version', '+', 1), updated_at: new Date() })
        .where('id', '=', notice.id)
        .where('version', '=', options.version)
        .where('status', '=', 'draft')
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw staleVersion();
      if (status === 'issued') await deliver(trx, notice, actor);
      else {
        await trx.updateTable('notice_co_issuers').set({ decision: 'pending', decided_at: null, decided_by: null }).where('notice_id', '=', notice.id).execute();
        await insertNotifications(
          trx,
          coIssuers.map((c) => ({ unitId: c.unit_id, kind: 'notice_approval', title: `待会签：${notice.title}`, link: `/notices/${notice.id}` })),
        );
      }
      await insertAuditEntry(trx, {
        ...actorFields(actor),
        unitId: notice.issuer_unit_id,
        action: status === 'issued' ? 'notice.issue' : 'notice.submit_for_approval',
        targetType: 'notice',
        targetId: notice.id,
        ip: options.client.ip,
        details: { documentNumber: notice.document_number, recipients: recipients.length },
      });
    });
  } catch (error) {
    const text = `${(error as { constraint?: string }).constraint ?? ''} ${(error as Error).message}`;
    if (text.includes('notices_document_number_idx')) {
      throw invalidFields([{ field: 'documentNumber', code: 'document_number_taken' }]);
    }
    throw error;
  }
}

/** Sends an issued notice to its recipients: inbox rows, notifications, e-mail to contacts. */
async function deliver(trx: DbOrTx, notice: NoticeRow, actor: Actor) {
  const rules = notice.addressee_rules as AddresseeRule[];
  const recipients = await repo.resolveAddressees(trx, { id: notice.issuer_unit_id, path: notice.issuer_path }, rules);
  const rootId = notice.kind === 'forward' ? (notice.root_notice_id ?? notice.id) : notice.id;
  const now = new Date();
  await trx
    .updateTable('notices')
    .set({ issued_at: now, issued_by: actor.userId || null, issue_date: notice.issue_date ?? chinaDateOf(now) })
    .where('id', '=', notice.id)
    .execute();
  await repo.insertRecipients(trx, notice.id, rootId, recipients.map((r) => r.id));
  if (notice.kind === 'forward' && notice.parent_notice_id) {
    await repo.markForwarded(trx, notice.parent_notice_id, notice.issuer_unit_id, notice.id);
  }
  const label = `${notice.issuer_short_name}${notice.document_number ? `（${notice.document_number}）` : ''}`;
  await insertNotifications(
    trx,
    recipients.map((r) => ({ unitId: r.id, kind: 'notice', title: `新通知：${notice.title}`, body: label, link: `/notices/${notice.id}` })),
  );
  await enqueueMail(
    trx,
    recipients
      .filter((r) => r.contact_email)
      .map((r) => ({
        dedupeKey: `notice:${notice.id}:unit:${r.id}`,
        to: r.contact_email!,
        subject: `【汇聚】新通知：${notice.title}`,
        text: `${r.short_name}：\n\n${label}发来通知《${notice.title}》，请登录汇聚平台查看并签收。\n`,
        unitId: r.id,
      })),
  );
}

export async function decideApproval(
  db: Db,
  options: { actor: Actor; id: number; decision: 'approved' | 'rejected'; comment?: string | null | undefined; client: ClientInfo },
) {
  const { actor } = options;
  const notice = await loadReadableNotice(db, actor, options.id);
  const coIssuers = await repo.coIssuersOf(db, notice.id);
  const mine = coIssuers.find((c) => c.decision === 'pending' && can(actor, 'campaigns.manage', c.path));
  if (notice.status !== 'pending_approval' || !mine) throw new AppError('approval_not_pending', 409);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('notice_co_issuers')
      .set({ decision: options.decision, decided_by: actor.userId || null, decided_at: new Date(), comment: options.comment ?? null })
      .where('notice_id', '=', notice.id)
      .where('unit_id', '=', mine.unit_id)
      .execute();
    const others = coIssuers.filter((c) => c.unit_id !== mine.unit_id);
    if (options.decision === 'rejected') {
      // Back to the lead issuer to revise; every co-issuer decides again on the new text.
      await trx.updateTable('notices').set({ status: 'draft', version: (eb) => eb('version', '+', 1), updated_at: new Date() }).where('id', '=', notice.id).execute();
      await insertNotifications(trx, [
        { unitId: notice.issuer_unit_id, kind: 'notice_rejected', title: `${mine.short_name}未同意会签：${notice.title}`, body: options.comment ?? '', link: `/notices/${notice.id}` },
      ]);
    } else if (others.every((c) => c.decision === 'approved')) {
      await trx.updateTable('notices').set({ status: 'issued', version: (eb) => eb('version', '+', 1), updated_at: new Date() }).where('id', '=', notice.id).execute();
      await deliver(trx, notice, actor);
    }
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: mine.unit_id,
      action: `notice.co_issuer_${options.decision}`,
      targetType: 'notice',
      targetId: notice.id,
      ip: options.client.ip,
      details: { comment: options.comment ?? null },
    });
  });
}

export async function withdrawNotice(db: Db, options: { actor: Actor; id: number; reason: string; client: ClientInfo }) {
  const { actor } = options;
  const notice = await loadManageableNotice(db, actor, options.id);
  if (notice.status !== 'issued' && notice.status !== 'pending_approval') throw new AppError('notice_not_editable', 409);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('notices')
      .set({ status: 'withdrawn', withdrawn_at: new Date(), withdrawn_by: actor.userId || null, withdrawn_reason: options.reason, version: (eb) => eb('version', '+', 1) })
      .where('id', '=', notice.id)
      .execute();
    const recipients = await trx.selectFrom('notice_recipients').select('unit_id').where('notice_id', '=', notice.id).execute();
    await insertNotifications(
      trx,
      recipients.map((r) => ({ unitId: r.unit_id, kind: 'notice_withdrawn', title: `通知已撤回：${notice.title}`, body: options.reason, link: `/notices/${notice.id}` })),
    );
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: notice.issuer_unit_id,
      action: 'notice.withdraw',
      targetType: 'notice',
      targetId: notice.id,
      ip: options.client.ip,
      details: { reason: options.reason },
    });
  });
}

// --- Receiving ---------------------------------------------------------------------------------

/**
 * The caller's own unit as a recipient: a notice is signed for by the unit it reached, by someone
 * holding a role there — an upper level never signs on behalf of its subordinates.
 */
export async function receiptOf(db: DbOrTx, actor: Actor, noticeId: number) {
  const grants = viewingGrants(actor);
  const ownUnits = [...new Set(grants.map((g) => g.unitPath))];
  const reached = (await repo.recipientsWithin(db, noticeId, ownUnits)).filter((r) => grants.some((g) => g.unitId === r.unit_id));
  const own = reached[0];
  return own ? repo.findRecipient(db, noticeId, own.unit_id) : undefined;
}

/** Opening a notice marks it read for the caller's receiving unit. */
export async function openNotice(db: Db, actor: Actor, id: number) {
  const notice = await loadReadableNotice(db, actor, id);
  const receipt = await receiptOf(db, actor, notice.id);
  if (receipt && !receipt.read_at) {
    await repo.markRead(db, notice.id, receipt.unit_id, actor.userId);
  }
  return notice;
}

export async function acknowledgeNotice(db: Db, options: { actor: Actor; id: number; client: ClientInfo }) {
  const { actor } = options;
  const notice = await loadReadableNotice(db, actor, options.id);
  const receipt = await receiptOf(db, actor, notice.id);
  if (!receipt || notice.status === 'draft') throw new AppError('notice_not_received', 409);
  const unit = await loadVisibleUnit(db, actor, receipt.unit_id);
  if (!can(actor, 'notices.acknowledge', unit.path)) throw forbidden();
  await db.transaction().execute(async (trx) => {
    if (await repo.acknowledge(trx, notice.id, receipt.unit_id, actor.userId)) {
      await insertAuditEntry(trx, {
        ...actorFields(actor),
        unitId: receipt.unit_id,
        action: 'notice.acknowledge',
        targetType: 'notice',
        targetId: notice.id,
        ip: options.client.ip,
      });
    }
  });
}

/**
 * Starts a forward (转发): a draft notice of the receiving unit citing the upstream one, with each
 * upstream task carried over at a proposed earlier deadline. Calling again returns the same draft.
 */
export async function forwardNotice(
  db: Db,
  options: { actor: Actor; id: number; unitId?: number | undefined; marginDays: number; client: ClientInfo },
) {
  const { actor } = options;
  const notice = await loadReadableNotice(db, actor, options.id);
  if (notice.status !== 'issued') throw new AppError('notice_not_received', 409);
  const receipt = options.unitId ? await repo.findRecipient(db, notice.id, options.unitId) : await receiptOf(db, actor, notice.id);
  if (!receipt) throw new AppError('notice_not_received', 409);
  const unit = await loadVisibleUnit(db, actor, receipt.unit_id);
  if (!can(actor, 'campaigns.manage', unit.path)) throw forbidden();
  const existing = await repo.findForwardBy(db, notice.id, unit.id);
  if (existing) {
    if (existing.status !== 'draft') throw new AppError('notice_already_forwarded', 409);
    return existing.id;
  }
  const upstreamTasks = await repo.tasksOf(db, [notice.id]);
  const now = new Date();
  const cover = `<p>现将${notice.issuer_short_name}《${escapeHtml(innerTitle(notice.title))}》${notice.document_number ? `（${notice.document_number}）` : ''}转发给你们，请结合实际，认真贯彻落实。</p>`;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('notices')
      .values({
        issuer_unit_id: unit.id,
        campaign_id: notice.campaign_id,
        kind: 'forward',
        parent_notice_id: notice.id,
        root_notice_id: notice.root_notice_id ?? notice.id,
        title: `关于转发《${innerTitle(notice.title)}》的通知`,
        body_html: cover,
        signature: [unit.name],
        created_by: actor.userId || null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await repo.replaceTasks(
      trx,
      row.id,
      upstreamTasks.map((t) => ({
        title: t.title,
        description: t.description,
        deadline: endOfChinaDay(chinaDateOf(proposeLocalDeadline(t.deadline, now, options.marginDays))),
        upstreamTaskId: t.id,
        formVersionId: t.form_version_id,
        quota: t.quota,
        latePolicy: t.late_policy,
        assigneeUnitIds: null,
        routing: [],
        requiredFiles: t.required_files,
        recommendationQuota: defaultRecommendationQuota,
      })),
    );
    await repo.acknowledge(trx, notice.id, unit.id, actor.userId);
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: unit.id,
      action: 'notice.forward_draft',
      targetType: 'notice',
      targetId: row.id,
      ip: options.client.ip,
      details: { upstreamNoticeId: notice.id },
    });
    return row.id;
  });
}

// --- Deadlines after issuing ---------------------------------------------------------------------

/**
 * Moves a task's deadline on an issued notice. Downstream units whose own deadline now falls after
 * it are flagged and told at once; moving a deadline later than its own upstream one is refused.
 */
export async function changeTaskDeadline(db: Db, options: { actor: Actor; taskId: number; deadline: string; version: number; client: ClientInfo }) {
  const { actor } = options;
  const task = await repo.findTask(db, options.taskId);
  if (!task) throw notFound();
  const notice = await loadManageableNotice(db, actor, task.notice_id);
  const deadline = endOfChinaDay(options.deadline);
  if (task.upstream_task_id) {
    const upstream = await repo.findTask(db, task.upstream_task_id);
    if (upstream && !fitsUpstream(deadline, upstream.deadline)) {
      throw invalidFields([{ field: 'deadline', code: 'deadline_after_upstream', params: { upstream: formatChinaDate(upstream.deadline) } }]);
    }
  }
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('collection_tasks')
      .set({ deadline, deadline_conflict: false, version: (eb) => eb('version', '+', 1), updated_at: new Date() })
      .where('id', '=', task.id)
      .where('version', '=', options.version)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw staleVersion();
    const downstream = await repo.downstreamTasks(trx, task.id);
    const newlyConflicting = downstream.filter((d) => d.deadline > d.upstream_deadline && !d.deadline_conflict);
    for (const d of downstream) {
      const conflict = d.deadline > d.upstream_deadline;
      if (conflict !== d.deadline_conflict) await trx.updateTable('collection_tasks').set({ deadline_conflict: conflict }).where('id', '=', d.id).execute();
    }
    const affected = newlyConflicting.length
      ? await trx
          .selectFrom('notices as n')
          .innerJoin('units as u', 'u.id', 'n.issuer_unit_id')
          .select(['n.id', 'n.title', 'u.id as unit_id', 'u.short_name', 'u.contact_email'])
          .where('n.id', 'in', newlyConflicting.map((d) => d.notice_id))
          .execute()
          .then((rows) => rows.map((r) => openRow('units', r)))
      : [];
    const message = `上级通知《${notice.title}》中“${task.title}”的截止时间已调整为 ${formatChinaDate(deadline)}，早于本单位规定的截止时间，请尽快调整。`;
    await insertNotifications(trx, affected.map((a) => ({ unitId: a.unit_id, kind: 'deadline_conflict', title: `截止时间需调整：${a.title}`, body: message, link: `/notices/${a.id}` })));
    await enqueueMail(
      trx,
      affected
        .filter((a) => a.contact_email)
        .map((a) => ({
          dedupeKey: `deadline:${task.id}:${deadline.toISOString()}:notice:${a.id}`,
          to: a.contact_email!,
          subject: `【汇聚】截止时间需调整：${a.title}`,
          text: `${a.short_name}：\n\n${message}\n`,
          unitId: a.unit_id,
        })),
    );
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: notice.issuer_unit_id,
      action: 'notice.change_deadline',
      targetType: 'collection_task',
      targetId: task.id,
      ip: options.client.ip,
      details: { from: task.deadline.toISOString(), to: deadline.toISOString(), flagged: newlyConflicting.map((d) => d.id) },
    });
    return { flagged: newlyConflicting.length };
  });
}

export function formatChinaDate(instant: Date): string {
  const [y, m, d] = chinaDateOf(instant).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** A title quoted inside 《》 takes 〈〉 for its own book-title marks, as official documents write it. */
export function innerTitle(title: string): string {
  return title.replace(/《/g, '〈').replace(/》/g, '〉');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** Everything shown with a notice besides its own row. */
export async function loadNoticeParts(db: DbOrTx, actor: Actor, notice: NoticeRow) {
  const [coIssuers, attachments, tasks, upstream, supplementedBy, receipt] = await Promise.all([
    repo.coIssuersOf(db, notice.id),
    repo.attachmentsOf(db, notice.id),
    repo.tasksOf(db, [notice.id]),
    notice.kind === 'forward' ? repo.upstreamChain(db, notice.id) : Promise.resolve([]),
    db.selectFrom('notices').select(['id', 'document_number', 'title']).where('parent_notice_id', '=', notice.id).where('kind', '=', 'supplementary').where('status', 'in', ['issued', 'withdrawn']).execute(),
    receiptOf(db, actor, notice.id),
  ]);
  const supplements =
    notice.kind === 'supplementary' && notice.parent_notice_id
      ? ((await db.selectFrom('notices').select(['id', 'document_number', 'title']).where('id', '=', notice.parent_notice_id).executeTakeFirst()) ?? null)
      : null;
  const receiptUnit = receipt ? await db.selectFrom('units').select('path').where('id', '=', receipt.unit_id).executeTakeFirst() : undefined;
  return {
    coIssuers,
    attachments,
    tasks,
    upstream,
    supplements,
    supplementedBy,
    receipt: receipt && receiptUnit ? { ...receipt, unit_path: receiptUnit.path } : undefined,
  };
}

export async function listInbox(db: Db, actor: Actor, query: { state: string; page: number; pageSize: number }) {
  // The inbox of the units where the caller holds a role that signs for notices.
  const unitIds = [...new Set(actor.grants.filter((g) => can(actor, 'notices.acknowledge', g.unitPath)).map((g) => g.unitId))];
  return repo.inbox(db, { unitIds, ...query });
}

export async function listNotices(
  db: Db,
  actor: Actor,
  query: { issuerUnitId?: number | undefined; status?: string | undefined; campaignId?: number | undefined; page: number; pageSize: number },
) {
  return repo.listIssued(db, { ...query, scopePaths: scopeOf(actor, 'campaigns.manage') });
}

/** The cascade below a notice, for those who manage it or the units above its issuer. */
export async function cascadeOf(db: Db, actor: Actor, id: number) {
  const notice = await loadReadableNotice(db, actor, id);
  if (!canManageNotice(actor, notice) && !can(actor, 'units.view', notice.issuer_path)) throw forbidden();
  return { notice, rows: await repo.cascadeOf(db, notice.id) };
}
