import { sql } from 'kysely';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import type { Actor } from '../../../shared/domain/access';
import type { AddresseeRule } from '../../../shared/domain/addressees';
import { itemFields, submissionValuesSchema, formDefinitionSchema, type ContactValue } from '../../../shared/forms/definition';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import { createNotice } from '../notices/service';
import { loadManagedRound } from './evaluation';
import { openRow, openSubmissionValues } from '../../crypto/personal-data';
import { requirePersonalDataExport } from '../personal-data-export/service';

const numerals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

async function winners(db: Db, roundId: number) {
  const rows = await db
    .selectFrom('evaluation_candidates as c')
    .innerJoin('evaluation_categories as cat', 'cat.id', 'c.category_id')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .leftJoin('activities as a', 'a.id', 'c.activity_id')
    .leftJoin('submissions as s', 's.id', 'a.submission_id')
    .leftJoin('nominations as n', 'n.id', 'c.nomination_id')
    // A person winner is named by the person (推荐人选); the unit is the nominating unit.
    .select(sql<string | null>`coalesce(a.title, n.person_name)`.as('activity_title'))
    .select([
      'c.id',
      'cat.name as category',
      'cat.sort_order',
      'c.final_rank',
      'u.name as unit_name',
      'u.contact_name',
      'u.contact_office_phone',
      'u.contact_mobile',
      'u.contact_email',
      'u.mailing_address',
      'a.item_key',
      's.values',
      's.values_sealed_with',
      's.form_version_id',
    ])
    .where('cat.round_id', '=', roundId)
    .where('c.selected', '=', true)
    .orderBy('cat.sort_order')
    .orderBy('c.final_rank')
    .execute();
  const cache = new Map();
  // The unit's contact and the winner's own form contact (both sealed at rest).
  return Promise.all(rows.map((r) => openSubmissionValues(db, r.form_version_id, openRow('units', r), cache)));
}

/**
 * Drafts the 通报表扬 in the notices module, listing the winners by category; the organiser edits it
 * and issues it like any notice (GB/T 9704 Word and PDF included).
 */
export async function draftCommendationNotice(db: Db, options: { actor: Actor; roundId: number; client: ClientInfo }) {
  const round = await loadManagedRound(db, options.actor, options.roundId);
  if (round.stage !== 'announced') throw new AppError('evaluation_stage', 409, { stage: '公布前' });
  if (round.commendation_notice_id) return round.commendation_notice_id;
  const list = await winners(db, round.id);
  const categories = [...new Set(list.map((w) => w.category))];
  const body = [
    `<p>根据${escapeHtml(round.unit_full_name)}关于开展评选工作的安排，经资格审查、专家评审、研究决定和公示，现对以下单位和活动予以通报表扬。</p>`,
    ...categories.flatMap((category, i) => {
      const names = list.filter((w) => w.category === category).map((w) => (w.activity_title ? `${w.activity_title}（${w.unit_name}）` : w.unit_name));
      return [`<h2>${numerals[i] ?? i + 1}、${escapeHtml(category)}（${names.length}个）</h2>`, `<p>${names.map(escapeHtml).join('、')}</p>`];
    }),
    '<p>希望受到表扬的单位珍惜荣誉，再接再厉，充分发挥示范引领作用。</p>',
  ].join('');
  const source = round.source_task_id
    ? await db.selectFrom('collection_tasks as t').innerJoin('notices as n', 'n.id', 't.notice_id').select(['n.addressee_rules', 'n.campaign_id']).where('t.id', '=', round.source_task_id).executeTakeFirst()
    : undefined;
  const noticeId = await createNotice(db, {
    actor: options.actor,
    client: options.client,
    input: {
      issuerUnitId: round.unit_id,
      campaignId: source?.campaign_id ?? round.campaign_id,
      title: `关于对${round.title}结果予以通报表扬的通报`,
      addresseeRules: (source?.addressee_rules as AddresseeRule[] | undefined) ?? [{ kind: 'units_of_type', unitType: 'regional_association', scope: 'children' }],
      bodyHtml: body,
      contacts: [],
      coIssuerUnitIds: [],
      attachments: [],
      tasks: [],
    },
  });
  await db.updateTable('evaluation_rounds').set({ commendation_notice_id: noticeId }).where('id', '=', round.id).execute();
  return noticeId;
}

export interface MailingRow {
  /** The evaluation candidate: what the audit names as the exported row. */
  candidateId: number;
  category: string;
  winner: string;
  unit: string;
  recipient: string;
  phone: string;
  mobile: string;
  email: string;
  address: string;
}

/** Where each plaque goes: the contact and address from the winner's own form, else its unit's. */
async function mailingRows(db: Db, roundId: number): Promise<MailingRow[]> {
  const list = await winners(db, roundId);
  const forms = new Map<number, ReturnType<typeof formDefinitionSchema.parse>>();
  const rows: MailingRow[] = [];
  for (const w of list) {
    let contact: ContactValue = {};
    let address: string | null = null;
    if (w.values && w.form_version_id) {
      if (!forms.has(w.form_version_id)) {
        const v = await db.selectFrom('form_versions').select('definition').where('id', '=', w.form_version_id).executeTakeFirstOrThrow();
        forms.set(w.form_version_id, formDefinitionSchema.parse(v.definition));
      }
      const form = forms.get(w.form_version_id)!;
      const item = submissionValuesSchema.parse(w.values).items.find((i) => i.key === w.item_key);
      const contactField = itemFields(form).find((f) => f.maps === 'contact');
      const addressField = itemFields(form).find((f) => f.maps === 'mailingAddress');
      if (item && contactField) contact = (item.fields[contactField.key] as ContactValue | undefined) ?? {};
      if (item && addressField) address = (item.fields[addressField.key] as string | undefined) ?? null;
    }
    rows.push({
      candidateId: w.id,
      category: w.category,
      winner: w.activity_title ?? w.unit_name,
      unit: w.unit_name,
      recipient: contact.name || w.contact_name || '',
      phone: contact.officePhone || w.contact_office_phone || '',
      mobile: contact.mobile || w.contact_mobile || '',
      email: contact.email || w.contact_email || '',
      address: address || w.mailing_address || '',
    });
  }
  return rows;
}

async function auditExport(db: Db, actor: Actor, roundId: number, unitId: number, format: string, rows: MailingRow[], client: ClientInfo) {
  await insertAuditEntry(db, {
    ...actorFields(actor),
    unitId,
    action: 'evaluation.personal_data_export',
    targetType: 'evaluation_round',
    targetId: roundId,
    ip: client.ip,
    details: {
      format,
      rows: rows.length,
      fields: ['recipient', 'phone', 'mobile', 'email', 'address'],
      candidateIds: rows.map((r) => r.candidateId),
      winners: rows.map((r) => r.winner),
    },
  });
}

export async function mailingWorkbook(db: Db, options: { actor: Actor; sessionId: string; roundId: number; client: ClientInfo }) {
  const round = await loadManagedRound(db, options.actor, options.roundId);
  // Names, phones and addresses of every winner: the separate permission and a fresh password.
  await requirePersonalDataExport(db, { actor: options.actor, sessionId: options.sessionId, what: 'evaluation.mailing', client: options.client });
  const rows = await mailingRows(db, round.id);
  await auditExport(db, options.actor, round.id, round.unit_id, 'xlsx', rows, options.client);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('牌匾邮寄');
  sheet.addRow(['类别', '获奖名称', '单位', '收件人', '办公电话', '手机', '电子邮箱', '邮寄地址']).font = { bold: true };
  for (const r of rows) sheet.addRow([r.category, r.winner, r.unit, r.recipient, r.phone, r.mobile, r.email, r.address]);
  sheet.columns.forEach((c, i) => (c.width = [14, 30, 24, 10, 16, 14, 24, 40][i]));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Address labels, 2 × 6 on A4, in the embedded Chinese font. */
export async function mailingLabels(db: Db, options: { actor: Actor; sessionId: string; roundId: number; client: ClientInfo }) {
  const round = await loadManagedRound(db, options.actor, options.roundId);
  // Names, phones and addresses of every winner: the separate permission and a fresh password.
  await requirePersonalDataExport(db, { actor: options.actor, sessionId: options.sessionId, what: 'evaluation.mailing', client: options.client });
  const rows = await mailingRows(db, round.id);
  await auditExport(db, options.actor, round.id, round.unit_id, 'labels.pdf', rows, options.client);
  const { loadNoticeFaces } = await import('../../documents/fonts');
  const faces = await loadNoticeFaces();
  const doc = new PDFDocument({ size: 'A4', margin: 0, info: { Title: `${round.title} 牌匾邮寄标签` } });
  doc.registerFont('serif', faces.serif.pdfkitFont as Buffer);
  doc.registerFont('bold', faces.sansBold.pdfkitFont as Buffer);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  const [w, h] = [595.28, 841.89];
  const cols = 2;
  const perPage = 12;
  const labelW = (w - 40) / cols;
  const labelH = (h - 40) / (perPage / cols);
  rows.forEach((r, i) => {
    if (i > 0 && i % perPage === 0) doc.addPage();
    const slot = i % perPage;
    const x = 20 + (slot % cols) * labelW;
    const y = 20 + Math.floor(slot / cols) * labelH;
    doc.rect(x + 4, y + 4, labelW - 8, labelH - 8).lineWidth(0.5).dash(3, { space: 3 }).stroke().undash();
    doc.font('serif').fontSize(11).text(r.address || '（未填写邮寄地址）', x + 16, y + 18, { width: labelW - 32 });
    doc.font('bold').fontSize(14).text(r.unit, x + 16, y + 58, { width: labelW - 32 });
    doc.font('serif').fontSize(11).text(`${r.recipient} 收\u3000${r.mobile || r.phone}`, x + 16, y + 88, { width: labelW - 32 });
  });
  if (rows.length === 0) doc.font('serif').fontSize(12).text('尚无获奖名单', 40, 40);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
