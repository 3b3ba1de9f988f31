/**
 * 调查报告: a survey's figures as a Word document a leader edits and releases (Word, WPS,
 * LibreOffice). Charts are drawn as tables — each option's bar is a shaded cell whose width is its
 * share — so they stay editable text and need no browser or image renderer; the numbers sit
 * beside each bar. Sections: 调查基本情况, 调查结果 (per question), 交叉分析, 意见建议摘录, and an
 * empty 分析与建议 for the author.
 */
import { AlignmentType, BorderStyle, Document, HeadingLevel, Packer, Paragraph, ShadingType, Table, TableCell, TableLayoutType, TableRow, TextRun, VerticalAlignTable, WidthType } from 'docx';
import type { CrossTab, OptionCount, QuestionResult } from '../../shared/forms/survey';
import { CHINA_UTC_OFFSET_MS } from './chinese-dates';
import { INVALID_XML_CHARS } from './form-document';

export interface SurveyReportInput {
  title: string;
  unitName: string;
  opensAt: Date;
  closesAt: Date;
  responses: number;
  targetRegionNames: string[];
  tally: QuestionResult[];
  crossTabs: CrossTab[];
  generatedAt: Date;
}

const font = (name: string) => ({ ascii: name, hAnsi: name, eastAsia: name, cs: name });
const clean = (text: string) => text.replace(INVALID_XML_CHARS, '');
const BAR_COLOR = '3A6FB0';
/** Text width of an A4 page with 2.5 cm margins, in twentieths of a point. */
const TEXT_WIDTH = 9070;
const BAR_WIDTH = 3600;
const thin = { style: BorderStyle.SINGLE, size: 4, color: '999999' };
const none = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const cellBorders = { top: thin, bottom: thin, left: thin, right: thin };
const noBorders = { top: none, bottom: none, left: none, right: none };

const run = (text: string, options: { size?: number; bold?: boolean; font?: string } = {}) =>
  new TextRun({ text: clean(text), font: font(options.font ?? '仿宋_GB2312'), size: (options.size ?? 14) * 2, bold: options.bold ?? false });

const para = (text: string, options: { size?: number; bold?: boolean; font?: string; align?: (typeof AlignmentType)[keyof typeof AlignmentType]; indent?: boolean } = {}) =>
  new Paragraph({
    alignment: options.align ?? AlignmentType.JUSTIFIED,
    spacing: { line: 360, after: 60 },
    ...(options.indent && { indent: { firstLine: 560 } }),
    children: [run(text, options)],
  });

const heading = (text: string, level: 1 | 2) =>
  new Paragraph({
    heading: level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2,
    spacing: { before: 240, after: 120 },
    children: [run(text, { font: level === 1 ? '黑体' : '楷体_GB2312', size: level === 1 ? 16 : 15, bold: level === 2 })],
  });

function textCell(text: string, width: number, options: { header?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {}) {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    borders: cellBorders,
    verticalAlign: VerticalAlignTable.CENTER,
    ...(options.header && { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'E8EEF7' } }),
    children: [new Paragraph({ alignment: options.align ?? AlignmentType.LEFT, children: [run(text, { size: 10.5, font: options.header ? '黑体' : '宋体' })] })],
  });
}

/** The bar: a borderless one-row table whose first cell is shaded over `percent` of the width. */
function barCell(percent: number) {
  const filled = Math.round((BAR_WIDTH * Math.min(100, Math.max(0, percent))) / 100);
  const cells: TableCell[] = [];
  const segment = (width: number, fill: string | null) =>
    new TableCell({
      width: { size: width, type: WidthType.DXA },
      borders: noBorders,
      ...(fill && { shading: { type: ShadingType.CLEAR, color: 'auto', fill } }),
      children: [new Paragraph({ children: [run('', { size: 9 })] })],
    });
  if (filled > 0) cells.push(segment(filled, BAR_COLOR));
  if (BAR_WIDTH - filled > 0) cells.push(segment(BAR_WIDTH - filled, null));
  return new TableCell({
    width: { size: BAR_WIDTH + 200, type: WidthType.DXA },
    borders: cellBorders,
    verticalAlign: VerticalAlignTable.CENTER,
    children: [
      new Table({
        layout: TableLayoutType.FIXED,
        width: { size: BAR_WIDTH, type: WidthType.DXA },
        columnWidths: cells.length === 2 ? [filled, BAR_WIDTH - filled] : [BAR_WIDTH],
        borders: { ...noBorders, insideHorizontal: none, insideVertical: none },
        rows: [new TableRow({ children: cells })],
      }),
      new Paragraph({ children: [run('', { size: 2 })] }),
    ],
  });
}

const widths = [3270, 1000, 1000, BAR_WIDTH + 200];

function optionTable(options: readonly OptionCount[], firstHeader = '选项') {
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    rows: [
      new TableRow({ tableHeader: true, children: [firstHeader, '人数', '占比', '图示'].map((h, i) => textCell(h, widths[i]!, { header: true, align: AlignmentType.CENTER })) }),
      ...options.map(
        (o) =>
          new TableRow({
            children: [textCell(o.label, widths[0]!), textCell(String(o.count), widths[1]!, { align: AlignmentType.RIGHT }), textCell(`${o.percent.toFixed(1)}%`, widths[2]!, { align: AlignmentType.RIGHT }), barCell(o.percent)],
          }),
      ),
    ],
  });
}

function crossTable(tab: CrossTab) {
  const first = 2200;
  const rest = Math.floor((TEXT_WIDTH - first - 900) / Math.max(1, tab.columns.length));
  const columnWidths = [first, 900, ...tab.columns.map(() => rest)];
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths,
    rows: [
      new TableRow({ tableHeader: true, children: [tab.by === 'region' ? '地区' : '单位类型', '人数', ...tab.columns].map((h, i) => textCell(h, columnWidths[i]!, { header: true, align: AlignmentType.CENTER })) }),
      ...tab.rows.map(
        (r) =>
          new TableRow({
            children: [textCell(r.label, first), textCell(String(r.total), 900, { align: AlignmentType.RIGHT }), ...r.counts.map((c) => textCell(r.total ? `${c}（${((c * 100) / r.total).toFixed(1)}%）` : '0', rest, { align: AlignmentType.RIGHT }))],
          }),
      ),
    ],
  });
}

const chinaDate = (d: Date) => {
  const c = new Date(d.getTime() + CHINA_UTC_OFFSET_MS);
  return `${c.getUTCFullYear()}年${c.getUTCMonth() + 1}月${c.getUTCDate()}日`;
};

export async function surveyReportDocx(input: SurveyReportInput): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [
    para(`${input.title}调查报告`, { font: '方正小标宋简体', size: 22, align: AlignmentType.CENTER }),
    para(`${input.unitName}\u3000${chinaDate(input.generatedAt)}`, { font: '楷体_GB2312', size: 16, align: AlignmentType.CENTER }),
    heading('一、调查基本情况', 1),
    para(
      `本次调查由${input.unitName}组织，于${chinaDate(input.opensAt)}至${chinaDate(input.closesAt)}面向${input.targetRegionNames.join('、')}的科技工作者在线开展，采用匿名问卷，共回收有效问卷 ${input.responses} 份。以下百分比均为占该题作答人数的比例。`,
      { indent: true },
    ),
    heading('二、调查结果', 1),
  ];
  const texts: { label: string; texts: string[] }[] = [];
  input.tally.forEach((q, i) => {
    if (q.kind === 'contact') return;
    children.push(heading(`（${i + 1}）${q.label}`, 2));
    if (q.kind === 'text') {
      children.push(para(`共有 ${q.answered} 人填写，原文摘录见第四部分。`, { indent: true }));
      texts.push({ label: q.label, texts: q.texts });
      return;
    }
    if (q.kind === 'matrix') {
      children.push(para(`共 ${q.answered} 人作答。各项平均分（满分 5 分）：${q.rows.map((r) => `${r.label} ${r.mean ?? '—'} 分`).join('，')}。`, { indent: true }));
      for (const row of q.rows) {
        children.push(para(row.label, { size: 12, bold: true }), optionTable(row.options, '评价'));
      }
      return;
    }
    const top = [...q.options].sort((a, b) => b.count - a.count)[0];
    const summary = `共 ${q.answered} 人作答${top && top.count > 0 ? `，选择“${top.label}”的最多，占 ${top.percent.toFixed(1)}%` : ''}${q.kind === 'scale' && q.mean !== null ? `，平均 ${q.mean} 分（满分 5 分）` : ''}。`;
    children.push(para(summary, { indent: true }), optionTable(q.options, q.kind === 'region' ? '地区' : q.kind === 'scale' ? '评分' : '选项'));
  });
  children.push(heading('三、交叉分析', 1));
  if (input.crossTabs.length === 0) children.push(para('本问卷未设地区或单位类型题，无交叉分析。', { indent: true }));
  for (const tab of input.crossTabs) {
    children.push(heading(`${tab.questionLabel}（按${tab.by === 'region' ? '地区' : '单位类型'}）`, 2), crossTable(tab));
  }
  children.push(heading('四、意见建议摘录', 1));
  if (texts.every((t) => t.texts.length === 0)) children.push(para('无。', { indent: true }));
  for (const t of texts) {
    if (t.texts.length === 0) continue;
    children.push(heading(t.label, 2), ...t.texts.map((text, i) => para(`${i + 1}. ${text}`, { size: 12 })));
  }
  children.push(heading('五、分析与建议', 1), para('（请在此填写对调查结果的分析和工作建议。）', { indent: true }));

  const document = new Document({
    creator: '汇聚',
    title: `${input.title}调查报告`,
    styles: { default: { document: { run: { font: font('仿宋_GB2312'), size: 28 } } } },
    sections: [{ properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1418, bottom: 1418, left: 1418, right: 1418 } } }, children }],
  });
  return Packer.toBuffer(document);
}
