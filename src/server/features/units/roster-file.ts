import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors';

/** One data row of a roster: its 1-based row number in the sheet and its cells by column key. */
export interface RosterRow {
  row: number;
  values: Partial<Record<RosterColumn, string>>;
}

export const rosterColumns = {
  name: { header: '单位全称', aliases: ['单位名称', '全称', 'name', 'full name'] },
  shortName: { header: '单位简称', aliases: ['简称', 'short name', 'shortname'] },
  type: { header: '单位类型', aliases: ['类型', 'type'] },
  level: { header: '级别', aliases: ['level'] },
  parent: { header: '上级单位', aliases: ['上级单位名称', 'parent'] },
  regionCode: { header: '行政区划代码', aliases: ['区划代码', 'region code', 'regioncode'] },
  tags: { header: '标签', aliases: ['tags'] },
  contactName: { header: '联系人', aliases: ['联系人姓名', 'contact'] },
  contactOfficePhone: { header: '办公电话', aliases: ['office phone'] },
  contactMobile: { header: '手机', aliases: ['联系人手机', 'mobile'] },
  contactFax: { header: '传真', aliases: ['fax'] },
  contactEmail: { header: '电子邮箱', aliases: ['邮箱', 'e-mail', 'email'] },
  mailingAddress: { header: '邮寄地址', aliases: ['通讯地址', '地址', 'mailing address'] },
} as const;
export type RosterColumn = keyof typeof rosterColumns;

export const maxRosterBytes = 10 * 1024 * 1024;
export const maxRosterRows = 20_000;

function columnForHeader(header: string): RosterColumn | undefined {
  const h = header.replace(/[*＊\s]/g, '').toLowerCase();
  for (const [key, spec] of Object.entries(rosterColumns)) {
    if (spec.header === h || spec.aliases.some((a) => a.replace(/\s/g, '') === h)) return key as RosterColumn;
  }
  return undefined;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('').trim();
    if ('text' in value) return String(value.text).trim();
    if ('result' in value) return String(value.result ?? '').trim();
    if (value instanceof Date) return value.toISOString().slice(0, 10);
  }
  return String(value).trim();
}

/** CSV files saved by Excel in China are often GB18030; UTF-8 (with or without BOM) is tried first. */
function decodeText(buffer: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(buffer);
  }
}

const isZip = (b: Buffer) => b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** Reads a roster from .xlsx or .csv bytes, judged by content rather than by the file name. */
export async function parseRoster(buffer: Buffer): Promise<RosterRow[]> {
  const workbook = new ExcelJS.Workbook();
  let sheet: ExcelJS.Worksheet | undefined;
  if (isZip(buffer)) {
    try {
      await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    } catch {
      throw new AppError('unsupported_file', 415, { allowed: '.xlsx 或 .csv' });
    }
    sheet = workbook.worksheets[0];
  } else {
    if (buffer.includes(0)) throw new AppError('unsupported_file', 415, { allowed: '.xlsx 或 .csv' });
    sheet = await workbook.csv.read(Readable.from([decodeText(buffer)]), { parserOptions: { trim: true } } as never);
  }
  if (!sheet) throw new AppError('import_empty', 422);

  const headerRow = sheet.getRow(1);
  const columns = new Map<number, RosterColumn>();
  headerRow.eachCell((cell, col) => {
    const key = columnForHeader(cellText(cell.value));
    if (key) columns.set(col, key);
  });
  const rows: RosterRow[] = [];
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const values: RosterRow['values'] = {};
    let any = false;
    for (const [col, key] of columns) {
      const text = cellText(row.getCell(col).value);
      if (text !== '') {
        values[key] = text;
        any = true;
      }
    }
    if (any) rows.push({ row: rowNumber, values });
  });
  if (rows.length === 0) throw new AppError('import_empty', 422);
  if (rows.length > maxRosterRows) throw new AppError('file_too_large', 413, { max: `${maxRosterRows} 行` });
  return rows;
}

export async function receiveRosterFile(request: FastifyRequest): Promise<RosterRow[]> {
  const file = await request.file({ limits: { fileSize: maxRosterBytes, files: 1 } });
  if (!file) throw new AppError('validation_failed', 422, {}, [{ field: 'file', code: 'required' }]);
  const buffer = await file.toBuffer();
  return parseRoster(buffer);
}

export async function rosterTemplate(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('单位名册');
  sheet.columns = Object.values(rosterColumns).map((c) => ({ header: c.header, width: c.header.length > 4 ? 24 : 14 }));
  sheet.addRow(['南京市计算机学会', '南京市计算机学会', '学会', '市级', '南京市科协', '', '信息技术', '张三', '025-12345678', '13800000000', '', 'contact@example.cn', '南京市玄武区北京东路1号']);
  sheet.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
