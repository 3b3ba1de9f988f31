/**
 * The 汇总表: every submitted item of a form as one row of a spreadsheet, streamed so that a
 * national campaign's 100,000 activities never sit in memory at once. Values read as in the
 * printed form (fieldText); a contact splits into its parts and a phase into 阶段 and 起止日期 so
 * that the sheet can be sorted and filtered.
 *
 * Text typed by units reaches the sheet as string cells in the Text number format: Excel and
 * LibreOffice show "=HYPERLINK(…)" or "+86 138…" exactly as typed and never evaluate it, even when
 * someone edits the cell later (Excel keeps re-entered text in a Text cell as text).
 */
import type { Stream } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FieldDefinition, FieldValue, FormDefinition } from '../../shared/forms/definition';
import { CHINA_UTC_OFFSET_MS, formatChineseDateRange } from './chinese-dates';
import { INVALID_XML_CHARS, contactOf, contactParts, fieldText, filesOf, phaseName, phaseOf, type FormRenderContext } from './form-document';
import { partLabels } from '../../shared/forms/validate';

export interface SummaryRow {
  unitName: string;
  /** The submission's status as the reader should see it, e.g. 已报送. */
  status: string;
  submittedAt: Date | null;
  /** Hours past the deadline; 0 or less when on time. */
  lateHours: number;
  /** 1-based position of the item within its submission, or null for a form without items. */
  itemIndex: number | null;
  /** The item's fields merged with the unit-level fields. */
  values: Record<string, FieldValue>;
}

export interface SummaryOptions {
  form: FormDefinition;
  context: FormRenderContext;
  /** Printed above the headers, e.g. 2021年“全国科技工作者日”特色亮点活动汇总表. */
  title: string;
  rows: AsyncIterable<SummaryRow>;
}

type CellValue = string | number | Date | null;

interface Column {
  header: string;
  /** Width in characters. */
  width: number;
  kind: 'text' | 'number' | 'datetime';
  value(row: SummaryRow, serial: number): CellValue;
}

/** Excel cells hold at most 32,767 characters. */
const MAX_CELL_CHARS = 32_767;
/** Leading characters that make Excel, LibreOffice and CSV importers read text as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.test(text);
}

function cellText(text: string): string {
  const cleaned = text.replace(INVALID_XML_CHARS, '');
  return cleaned.length > MAX_CELL_CHARS ? cleaned.slice(0, MAX_CELL_CHARS - 1) + '…' : cleaned;
}

const textWidth = (kind: FieldDefinition['kind']) =>
  ({ long_text: 50, address: 36, short_text: 24, files: 30, target_group: 24, module: 20, single_choice: 16, multi_choice: 24, date: 16, date_range: 26 })[
    kind as string
  ] ?? 18;

function fieldColumns(field: FieldDefinition, context: FormRenderContext): Column[] {
  const raw = (row: SummaryRow) => row.values[field.key];
  switch (field.kind) {
    case 'contact':
      // 联系人姓名, then the other parts by their own names, as a 汇总表 header reads.
      return contactParts.map((part, i) => ({
        header: i === 0 ? `${field.label}${partLabels[part]}` : partLabels[part],
        width: part === 'email' ? 28 : part === 'name' ? 12 : 16,
        kind: 'text',
        value: (row) => contactOf(raw(row))[part] ?? '',
      }));
    case 'phase':
      return [
        { header: '阶段', width: 12, kind: 'text', value: (row) => phaseName(raw(row), context) },
        {
          header: '起止日期',
          width: 24,
          kind: 'text',
          value: (row) => {
            const phase = phaseOf(raw(row));
            if (!phase?.startDate || !phase.endDate) return '';
            try {
              return formatChineseDateRange(phase.startDate, phase.endDate, { withYear: true });
            } catch {
              return `${phase.startDate}—${phase.endDate}`;
            }
          },
        },
      ];
    case 'number':
      return [
        {
          header: field.unit ? `${field.label}（${field.unit}）` : field.label,
          width: 14,
          kind: 'number',
          value: (row) => {
            const value = raw(row);
            return typeof value === 'number' && Number.isFinite(value) ? value : typeof value === 'string' ? value : null;
          },
        },
      ];
    case 'files':
      return [{ header: field.label, width: 30, kind: 'text', value: (row) => filesOf(raw(row)).map((f) => f.name.trim()).join('、') }];
    default:
      return [{ header: field.label, width: textWidth(field.kind), kind: 'text', value: (row) => fieldText(field, raw(row), context) }];
  }
}

function lateText(hours: number): string {
  return Number.isFinite(hours) && hours > 0 ? `逾期${Math.ceil(hours)}小时` : '否';
}

function columnsOf(form: FormDefinition, context: FormRenderContext): Column[] {
  const columns: Column[] = [
    { header: '序号', width: 7, kind: 'number', value: (_row, serial) => serial },
    { header: '报送单位', width: 28, kind: 'text', value: (row) => row.unitName },
    { header: '状态', width: 10, kind: 'text', value: (row) => row.status },
    // Beijing wall-clock time: Excel dates have no zone, and exceljs writes them as UTC.
    { header: '报送时间', width: 18, kind: 'datetime', value: (row) => (row.submittedAt ? new Date(row.submittedAt.getTime() + CHINA_UTC_OFFSET_MS) : null) },
    { header: '是否逾期', width: 12, kind: 'text', value: (row) => lateText(row.lateHours) },
  ];
  if (form.itemGroup) columns.push({ header: '项次', width: 6, kind: 'number', value: (row) => row.itemIndex });
  const fields = [...form.unitSections.flatMap((s) => s.fields), ...(form.itemGroup?.sections.flatMap((s) => s.fields) ?? [])];
  for (const field of fields) columns.push(...fieldColumns(field, context));

  // Labels are free text: a repeated header (two contacts' 手机) is told apart by its field or a number.
  const seen = new Map<string, number>();
  for (const column of columns) {
    const count = (seen.get(column.header) ?? 0) + 1;
    seen.set(column.header, count);
    if (count > 1) column.header = `${column.header}（${count}）`;
  }
  return columns;
}

/** The 汇总表's headers, in order: the fixed columns, then one (or, for contacts and phases, several) per field. */
export function summaryColumns(form: FormDefinition, context: FormRenderContext): string[] {
  return columnsOf(form, context).map((c) => c.header);
}

/** A sheet name Excel accepts: at most 31 characters, none of : \ / ? * [ ]. */
function sheetName(title: string): string {
  const name = title.replace(/[:\\/?*[\]]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 31);
  return name || '汇总表';
}

const THIN = { style: 'thin' as const, color: { argb: 'FF999999' } };
const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: { name: '宋体', size: 11, bold: true },
  alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } },
  border: { top: THIN, left: THIN, bottom: THIN, right: THIN },
};
const TEXT_STYLE: Partial<ExcelJS.Style> = { font: { name: '宋体', size: 11 }, numFmt: '@', alignment: { vertical: 'top' } };
const NUMBER_STYLE: Partial<ExcelJS.Style> = { font: { name: '宋体', size: 11 }, alignment: { vertical: 'top' } };
const DATETIME_STYLE: Partial<ExcelJS.Style> = { font: { name: '宋体', size: 11 }, numFmt: 'yyyy-mm-dd hh:mm', alignment: { vertical: 'top' } };
const styleOf = (kind: Column['kind']) => (kind === 'text' ? TEXT_STYLE : kind === 'number' ? NUMBER_STYLE : DATETIME_STYLE);

/** Rows written between checks that compression and the output keep up, so that memory stays bounded. */
const ROWS_PER_BATCH = 200;

/** A writable from node's streams or from the readable-stream package exceljs's zip library uses. */
type Drainable = NodeJS.WritableStream & { writableNeedDrain?: boolean; _writableState?: { needDrain?: boolean } };

const needsDrain = (stream: Drainable) => stream.writableNeedDrain ?? stream._writableState?.needDrain ?? false;

/**
 * Waits until the sheet's compressor and the destination have taken what was written. exceljs
 * writes a sheet into its zip entry's deflate stream without heeding backpressure, so a producer
 * faster than zlib piles the sheet up in memory (≈270 MB for 100,000 rows). The deflate stream is
 * reached through the sheet's internal buffer; should a later exceljs hide it, only the output
 * is waited for.
 */
async function keepUp(sheet: ExcelJS.Worksheet, output: NodeJS.WritableStream): Promise<void> {
  const internal = sheet as unknown as { stream?: { pipes?: Drainable[] } };
  for (const target of [...(internal.stream?.pipes ?? []), output as Drainable]) {
    if (needsDrain(target)) await drained(target, output);
  }
}

/** Resolves on 'drain'; fails if the output breaks or closes first (a client that went away), so the rows stop. */
function drained(target: Drainable, output: NodeJS.WritableStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      target.removeListener('drain', onDrain);
      output.removeListener('error', onError);
      output.removeListener('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => finish();
    const onError = (error: Error) => finish(error);
    const onClose = () => finish(new Error('The summary workbook output closed before the workbook was complete'));
    target.once('drain', onDrain);
    output.once('error', onError);
    output.once('close', onClose);
  });
}

/**
 * Streams the 汇总表 to `output` as an .xlsx: a title row, a bold, frozen header row with a filter,
 * then one row per item (or per submission for a form without items), each committed as it is
 * written. Resolves when the workbook is complete, with the number of data rows.
 */
export async function writeSummaryWorkbook(output: NodeJS.WritableStream, options: SummaryOptions): Promise<{ rows: number }> {
  const columns = columnsOf(options.form, options.context);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output as unknown as Stream, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Huiju';
  workbook.title = options.title;
  // The headers and the unit column stay in view while scrolling.
  const sheet = workbook.addWorksheet(sheetName(options.title), { views: [{ state: 'frozen', xSplit: 2, ySplit: 2, topLeftCell: 'C3' }] });
  sheet.columns = columns.map((column, i) => ({ key: `c${i}`, width: column.width, style: styleOf(column.kind) }));

  const titleRow = sheet.getRow(1);
  titleRow.height = 30;
  const titleCell = titleRow.getCell(1);
  titleCell.value = cellText(options.title);
  // Left-aligned and not merged: a title centred over twenty columns sits off screen, and a merged
  // cell across the frozen columns scrolls apart. The text runs on over the empty cells beside it.
  titleCell.style = { font: { name: '宋体', size: 16, bold: true }, alignment: { vertical: 'middle', horizontal: 'left' }, numFmt: '@' };
  titleRow.commit();

  const headerRow = sheet.getRow(2);
  headerRow.height = 32;
  columns.forEach((column, i) => {
    const cell = headerRow.getCell(i + 1);
    cell.value = cellText(column.header);
    cell.style = HEADER_STYLE;
  });
  headerRow.commit();
  sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: columns.length } };

  let count = 0;
  for await (const source of options.rows) {
    count += 1;
    const row = sheet.getRow(count + 2);
    columns.forEach((column, i) => {
      const value = column.value(source, count);
      if (value === null || value === '') return;
      // Text is in the Text format, so nothing typed by a unit is read as a formula; a number
      // field holding text (a draft's) gets the Text format too.
      const cell = row.getCell(i + 1);
      cell.value = typeof value === 'string' ? cellText(value) : value;
      // One shared style object per kind: exceljs remembers a style's id by object identity, where
      // each cell's own merged copy would be serialised again to find it (a third of the time).
      cell.style = typeof value === 'string' ? TEXT_STYLE : styleOf(column.kind);
    });
    row.commit();
    if (count % ROWS_PER_BATCH === 0) await keepUp(sheet, output);
  }
  sheet.commit();
  await workbook.commit();
  return { rows: count };
}
