import type { Writable } from 'node:stream';
import yazl from 'yazl';
import { z } from 'zod';
import type { Actor } from '../../../shared/domain/access';
import { personalDataFields, maskPersonalValues } from '../../../shared/forms/personal-values';
import { submissionValuesSchema, type FieldValue } from '../../../shared/forms/definition';
import type { DbOrTx } from '../../db/database';
import type { FileStore } from '../../storage/file-store';
import { cleanFileName } from '../../storage/file-types';
import type { ClientInfo } from '../accounts/service';
import { actorFields, insertAuditEntry } from '../audit/repository';
import * as repo from './repository';
import type { SubmissionWithUnit, TaskWithNotice } from './repository';
import { formContextOf, formOf, printedFormOf } from './service';

const statusLabels: Record<string, string> = { draft: '草稿', submitted: '已报送', returned: '已退回', accepted: '已通过' };
const exportedStatuses = ['submitted', 'returned', 'accepted'];

/** `full`: contacts' numbers, e-mail and addresses unmasked (the personal-data export permission and re-authentication). */
export const summaryExportQuery = z.object({ personalData: z.enum(['masked', 'full']).default('masked') });

/**
 * Records a 汇总表 export before it starts: which submissions (units) and which fields of personal
 * data went out, and whether masked or in full.
 */
export async function auditSummaryExport(db: DbOrTx, options: { actor: Actor; task: TaskWithNotice; full: boolean; client: ClientInfo }) {
  const [form, taskIds] = await Promise.all([formOf(db, options.task), repo.taskTreeIds(db, options.task.id)]);
  const exported = await db.selectFrom('submissions').select(['id', 'unit_id']).where('task_id', 'in', taskIds).where('status', 'in', ['submitted', 'returned', 'accepted']).orderBy('id').execute();
  await insertAuditEntry(db, {
    ...actorFields(options.actor),
    unitId: options.task.issuer_unit_id,
    action: options.full ? 'task.personal_data_export' : 'task.export_summary',
    targetType: 'collection_task',
    targetId: options.task.id,
    ip: options.client.ip,
    details: {
      format: 'summary.xlsx',
      personalData: options.full ? 'full' : 'masked',
      fields: personalDataFields(form).map((f) => f.key),
      submissionIds: exported.map((s) => s.id),
      units: new Set(exported.map((s) => s.unit_id)).size,
    },
  });
}

/** The 汇总表: one row per activity item (or per submission), columns from the form, streamed. */
export async function exportSummary(db: DbOrTx, task: TaskWithNotice, output: Writable, options: { maskPersonalData: boolean }) {
  const [form, context, taskIds] = await Promise.all([formOf(db, task), formContextOf(db, task), repo.taskTreeIds(db, task.id)]);
  const { writeSummaryWorkbook } = await import('../../documents/summary-xlsx');
  async function* rows() {
    for await (const s of repo.submissionsForExport(db, taskIds, exportedStatuses)) {
      const values = submissionValuesSchema.parse(s.values);
      const shown = (fields: Record<string, unknown>) => (options.maskPersonalData ? maskPersonalValues(form, fields as Record<string, FieldValue>) : (fields as Record<string, FieldValue>));
      const base = { unitName: s.unit_name, status: statusLabels[s.status] ?? s.status, submittedAt: s.submitted_at, lateHours: s.late_hours };
      if (form.itemGroup && values.items.length > 0) {
        for (const [index, item] of values.items.entries()) {
          yield { ...base, itemIndex: index, values: shown({ ...values.fields, ...item.fields }) };
        }
      } else {
        yield { ...base, itemIndex: null, values: shown(values.fields) };
      }
    }
  }
  return writeSummaryWorkbook(output, { form, context, title: `${task.title}汇总表`, rows: rows() });
}

/**
 * All files of the task's submissions in one zip, a folder per unit. Entries are stored, not
 * recompressed (PDFs, Office files and photos are compressed already), so the final size is known
 * before the first byte and nothing is held in memory.
 */
export async function exportZip(db: DbOrTx, files: FileStore, task: TaskWithNotice) {
  const taskIds = await repo.taskTreeIds(db, task.id);
  const rows = await db
    .selectFrom('submission_files as sf')
    .innerJoin('submissions as s', 's.id', 'sf.submission_id')
    .innerJoin('stored_files as f', 'f.id', 'sf.file_id')
    .innerJoin('units as u', 'u.id', 's.unit_id')
    .select(['u.short_name as unit_name', 'f.original_name', 'f.storage_key', 'f.size_bytes', 'f.created_at'])
    .where('s.task_id', 'in', taskIds)
    .where('s.status', 'in', ['submitted', 'returned', 'accepted'])
    .orderBy('u.path')
    .orderBy('f.created_at')
    .execute();
  const zip = new yazl.ZipFile();
  const used = new Set<string>();
  for (const row of rows) {
    let name = `${cleanFileName(row.unit_name)}/${cleanFileName(row.original_name)}`;
    for (let n = 2; used.has(name); n++) name = `${cleanFileName(row.unit_name)}/(${n}) ${cleanFileName(row.original_name)}`;
    used.add(name);
    zip.addReadStream(files.read(row.storage_key), name, { compress: false, size: Number(row.size_bytes), mtime: row.created_at });
  }
  // yazl reports the final size when every entry's size is known and nothing is compressed
  // (its type definitions omit the callback's argument).
  const totalBytes = await new Promise<number>((resolve) => (zip.end as (options: object, callback: (size: number) => void) => void)({}, resolve));
  return { stream: zip.outputStream, totalBytes, files: rows.length, units: new Set(rows.map((r) => r.unit_name)).size };
}

export async function filledFormDocument(db: DbOrTx, format: 'docx' | 'pdf', submission: SubmissionWithUnit, task: TaskWithNotice) {
  const [form, context] = await Promise.all([printedFormOf(db, { form_version_id: submission.form_version_id, title: task.title }), formContextOf(db, task)]);
  const input = { form, context, unitName: submission.unit_full_name, submittedAt: submission.submitted_at, values: submissionValuesSchema.parse(submission.values) };
  if (format === 'docx') {
    const { renderFilledFormDocx } = await import('../../documents/form-docx');
    return { buffer: await renderFilledFormDocx(input as never), contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' };
  }
  const { renderFilledFormPdf } = await import('../../documents/form-pdf');
  return { buffer: await renderFilledFormPdf(input as never), contentType: 'application/pdf' };
}
