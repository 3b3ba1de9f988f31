import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { convertWithLibreOffice, libreOfficeAvailable } from '../../../tests/support/libreoffice';
import type { FieldValue } from '../../shared/forms/definition';
import { jiangsuFeaturedActivityForm, reportForm, shandongFeaturedActivityForm } from '../../shared/forms/templates';
import { jiangsuSampleValues, sampleContext } from './form-sample.fixture';
import { looksLikeFormula, summaryColumns, writeSummaryWorkbook, type SummaryRow } from './summary-xlsx';

const jiangsuHeaders = [
  '序号',
  '报送单位',
  '状态',
  '报送时间',
  '是否逾期',
  '项次',
  '主办单位名称',
  '主题活动名称',
  '主题活动模块',
  '承办单位名称',
  '阶段',
  '起止日期',
  '拟举办地点',
  '面向群体',
  '预计活动规模（人）',
  '主办单位联系人姓名',
  '办公电话',
  '手机',
  '传真',
  '电子邮箱',
  '主办单位邮寄地址',
  '工作方案',
];

const submittedAt = new Date('2021-05-11T06:30:00Z');
/** Text a unit might type that spreadsheet programs would take for a formula. */
const hostile = {
  place: '=1+1',
  organiser: '=HYPERLINK("http://evil.example/","点击领奖")',
  host: '+86 138 0000 0000',
  title: '-2+3 创新论坛',
  mailingAddress: '@SUM(A1:A2)',
};

function sampleRows(): SummaryRow[] {
  const items = jiangsuSampleValues().items;
  const rows: SummaryRow[] = items.map((item, i) => ({
    unitName: '南京市科学技术协会',
    status: '已报送',
    submittedAt,
    lateHours: 0,
    itemIndex: i + 1,
    values: item.fields,
  }));
  rows.push({
    unitName: '无锡市科学技术协会',
    status: '逾期报送',
    submittedAt: new Date('2021-05-12T20:10:00Z'),
    lateHours: 12.2,
    itemIndex: 1,
    values: { ...items[0]!.fields, ...hostile, contact: { name: '\t=cmd', mobile: '13900000000' } },
  });
  return rows;
}

async function* iterate<T>(items: Iterable<T>): AsyncIterable<T> {
  for (const item of items) yield item;
}

async function toBuffer(rows: SummaryRow[]): Promise<{ buffer: Buffer; count: number }> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const { rows: count } = await writeSummaryWorkbook(output, {
    form: jiangsuFeaturedActivityForm,
    context: sampleContext,
    title: '2021年“全国科技工作者日”特色亮点活动汇总表',
    rows: iterate(rows),
  });
  return { buffer: Buffer.concat(chunks), count };
}

/** One entry of a zip archive, inflated. */
function zipEntry(zip: Buffer, wanted: string): string {
  let eocd = zip.length - 22;
  while (zip.readUInt32LE(eocd) !== 0x06054b50) eocd -= 1;
  let position = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < zip.readUInt16LE(eocd + 10); i++) {
    const nameLength = zip.readUInt16LE(position + 28);
    const name = zip.toString('utf8', position + 46, position + 46 + nameLength);
    if (name === wanted) {
      const local = zip.readUInt32LE(position + 42);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const raw = zip.subarray(start, start + zip.readUInt32LE(position + 20));
      return (zip.readUInt16LE(position + 10) === 8 ? inflateRawSync(raw) : raw).toString('utf8');
    }
    position += 46 + nameLength + zip.readUInt16LE(position + 30) + zip.readUInt16LE(position + 32);
  }
  throw new Error(`${wanted} not in archive`);
}

const tempFiles: string[] = [];
afterAll(() => {
  for (const file of tempFiles) fs.rmSync(file, { force: true });
});

describe('summaryColumns', () => {
  it('lists the fixed columns, then each field in definition order, contacts and phases split', () => {
    expect(summaryColumns(jiangsuFeaturedActivityForm, sampleContext)).toEqual(jiangsuHeaders);
    expect(summaryColumns(shandongFeaturedActivityForm, sampleContext)).toEqual([
      ...jiangsuHeaders.slice(0, 6),
      '活动名称',
      '主办单位',
      '承办单位',
      '联系人姓名',
      '办公电话',
      '手机',
      '传真',
      '电子邮箱',
      '工作方案',
    ]);
    // A form without items has no 项次.
    expect(summaryColumns(reportForm('报告', 1000), sampleContext)).toEqual([
      ...jiangsuHeaders.slice(0, 5),
      '报告正文',
      '盖章PDF版',
      'Word版',
      '活动照片',
      '活动视频',
      '媒体报道链接',
    ]);
  });

  it('tells repeated headers apart', () => {
    const form = structuredClone(shandongFeaturedActivityForm);
    form.itemGroup!.sections[0]!.fields.push({ key: 'contact2', label: '备用联系人', kind: 'contact', required: false, requiredParts: ['name'] });
    const headers = summaryColumns(form, sampleContext);
    expect(headers).toContain('备用联系人姓名');
    expect(headers).toContain('手机（2）');
    expect(new Set(headers).size).toBe(headers.length);
  });
});

describe('writeSummaryWorkbook', () => {
  it('writes a title, bold frozen headers and one row per item, read back by exceljs', async () => {
    const rows = sampleRows();
    const { buffer, count } = await toBuffer(rows);
    expect(count).toBe(4);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getCell('A1').value).toBe('2021年“全国科技工作者日”特色亮点活动汇总表');
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    const headers = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(headers).toEqual(jiangsuHeaders);
    expect(sheet.getCell('A2').font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: 2 });
    expect(sheet.rowCount).toBe(6);

    const row = (n: number) => Object.fromEntries(jiangsuHeaders.map((h, i) => [h, sheet.getRow(n + 2).getCell(i + 1).value]));
    const first = row(1);
    expect(first).toMatchObject({
      序号: 1,
      报送单位: '南京市科学技术协会',
      状态: '已报送',
      是否逾期: '否',
      项次: 1,
      主题活动名称: '“众心向党、自立自强”南京科技工作者座谈会',
      主题活动模块: '团结引领、表彰发布',
      阶段: '第一阶段',
      起止日期: '2021年5月18日',
      面向群体: '科协系统干部、科技工作者、青年科技人才',
      '预计活动规模（人）': 200,
      主办单位联系人姓名: '王晓明',
      办公电话: '025-83621234',
      传真: '025-83621235',
      电子邮箱: 'kexie_xuanchuan@njast.org.cn',
    });
    // Beijing wall-clock time: 06:30 UTC is 14:30 in Beijing.
    expect(first['报送时间']).toEqual(new Date('2021-05-11T14:30:00Z'));
    expect(sheet.getRow(3).getCell(4).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(String(first['工作方案'])).toContain('\n一、活动主题。');
    expect(row(2)['起止日期']).toBe('2021年5月28日—29日');
    expect(row(3)['预计活动规模（人）']).toBe(10000);
    expect(row(4)).toMatchObject({ 序号: 4, 状态: '逾期报送', 是否逾期: '逾期13小时' });
  });

  it('keeps text that looks like a formula as text', async () => {
    const { buffer } = await toBuffer(sampleRows());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const cells = new Map(jiangsuHeaders.map((h, i) => [h, sheet.getRow(6).getCell(i + 1)]));
    const expected: Record<string, string> = {
      拟举办地点: hostile.place,
      承办单位名称: hostile.organiser,
      主办单位名称: hostile.host,
      主题活动名称: hostile.title,
      主办单位邮寄地址: hostile.mailingAddress,
      // Values are trimmed, so the tab goes and the = stays.
      主办单位联系人姓名: '=cmd',
    };
    for (const [header, text] of Object.entries(expected)) {
      const cell = cells.get(header)!;
      expect(looksLikeFormula(text)).toBe(true);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(text);
      expect(cell.formula).toBeUndefined();
      // The Text format keeps it text when someone edits the cell in Excel.
      expect(cell.numFmt).toBe('@');
    }
    // Inline strings only: no formula element anywhere in the sheet.
    const xml = zipEntry(buffer, 'xl/worksheets/sheet1.xml');
    expect(xml).not.toContain('<f>');
    expect(xml).toContain('=HYPERLINK(&quot;http://evil.example/&quot;,&quot;点击领奖&quot;)');
  });

  it('is read by LibreOffice as text, never evaluated', { timeout: 120_000 }, async () => {
    if (!libreOfficeAvailable()) return;
    const { buffer } = await toBuffer(sampleRows());
    const csv = (await convertWithLibreOffice(buffer, 'xlsx', 'txt')).toString('utf8');
    const lines = csv.split(/\r?\n/);
    expect(lines[1]).toContain('序号,报送单位,状态,报送时间');
    const hostileLine = lines.find((line) => line.includes('无锡市科学技术协会'))!;
    expect(hostileLine).toContain('=1+1');
    expect(hostileLine).toContain('=HYPERLINK(""http://evil.example/"",""点击领奖"")');
    expect(hostileLine).toContain('@SUM(A1:A2)');
    expect(hostileLine).toContain('-2+3 创新论坛');
    expect(hostileLine).toContain('2021-05-13 04:10');
    // An evaluated =1+1 would read 2 between commas.
    expect(hostileLine).not.toMatch(/,2,/);
    expect(csv).toContain('南京市科学技术协会');
  });

  // Time and memory for large exports are measured by bench/documents.ts.
  it('streams 10,000 rows to a file, every row in place', { timeout: 60_000 }, async () => {
    const items = jiangsuSampleValues().items;
    const total = 10_000;
    async function* rows(): AsyncIterable<SummaryRow> {
      for (let i = 0; i < total; i++) {
        const values: Record<string, FieldValue> = { ...items[i % 3]!.fields, title: `第${i + 1}项活动` };
        yield { unitName: `第${Math.floor(i / 3) + 1}号科学技术协会`, status: '已报送', submittedAt, lateHours: i % 10 === 0 ? 3 : 0, itemIndex: (i % 3) + 1, values };
      }
    }
    const file = path.join(os.tmpdir(), `huiju-summary-${process.pid}-${Date.now()}.xlsx`);
    tempFiles.push(file);
    const result = await writeSummaryWorkbook(fs.createWriteStream(file), { form: jiangsuFeaturedActivityForm, context: sampleContext, title: '汇总表', rows: rows() });
    expect(result.rows).toBe(total);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(total + 2);
    expect(sheet.getRow(total + 2).getCell(1).value).toBe(total);
    expect(sheet.getRow(total + 2).getCell(8).value).toBe(`第${total}项活动`);
  });
});

describe('writeSummaryWorkbook and a destination that goes away', () => {
  it('stops reading rows when the output closes early', { timeout: 30_000 }, async () => {
    const output = new PassThrough({ highWaterMark: 1024 }); // never read: backpressure builds up
    let produced = 0;
    const items = jiangsuSampleValues().items;
    async function* rows(): AsyncIterable<SummaryRow> {
      for (;;) {
        produced += 1;
        yield { unitName: '单位', status: '已报送', submittedAt, lateHours: 0, itemIndex: 1, values: items[0]!.fields };
      }
    }
    const writing = writeSummaryWorkbook(output, { form: jiangsuFeaturedActivityForm, context: sampleContext, title: '汇总表', rows: rows() });
    setTimeout(() => output.destroy(), 200);
    await expect(writing).rejects.toThrow(/closed before the workbook was complete/);
    const stoppedAt = produced;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(produced).toBe(stoppedAt);
  });
});
