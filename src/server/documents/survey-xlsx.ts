/**
 * A survey's answers and figures as an .xlsx workbook: 答卷明细 (one row per response, one column
 * per question or matrix row, contacts masked), 统计 (counts and percentages per option) and
 * 交叉分析 (by region and unit type). Text cells carry the Text format, so nothing a respondent
 * typed (=HYPERLINK…) is ever read as a formula, as in the collection summary (summary-xlsx.ts).
 */
import ExcelJS from 'exceljs';
import { surveyColumns, type CrossTab, type QuestionResult, type SurveyAnswer, type SurveyQuestion } from '../../shared/forms/survey';
import { CHINA_UTC_OFFSET_MS } from './chinese-dates';
import { INVALID_XML_CHARS } from './form-document';

const MAX_CELL_CHARS = 32_767;
const TEXT_STYLE: Partial<ExcelJS.Style> = { font: { name: '宋体', size: 11 }, numFmt: '@', alignment: { vertical: 'top', wrapText: true } };
const NUMBER_STYLE: Partial<ExcelJS.Style> = { font: { name: '宋体', size: 11 }, alignment: { vertical: 'top' } };
const PERCENT_STYLE: Partial<ExcelJS.Style> = { font: { name: '宋体', size: 11 }, numFmt: '0.0"%"', alignment: { vertical: 'top' } };
const DATETIME_STYLE: Partial<ExcelJS.Style> = { font: { name: '宋体', size: 11 }, numFmt: 'yyyy-mm-dd hh:mm', alignment: { vertical: 'top' } };
const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: { name: '黑体', size: 11, bold: true },
  numFmt: '@',
  alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } },
  border: { bottom: { style: 'thin' } },
};

function cellText(text: string): string {
  const cleaned = text.replace(INVALID_XML_CHARS, '');
  return cleaned.length > MAX_CELL_CHARS ? cleaned.slice(0, MAX_CELL_CHARS - 1) + '…' : cleaned;
}

function put(cell: ExcelJS.Cell, value: string | number | Date | null, style?: Partial<ExcelJS.Style>) {
  if (value === null || value === '') return;
  cell.value = typeof value === 'string' ? cellText(value) : value;
  cell.style = style ?? (typeof value === 'string' ? TEXT_STYLE : value instanceof Date ? DATETIME_STYLE : NUMBER_STYLE);
}

function headerRow(sheet: ExcelJS.Worksheet, rowNumber: number, headers: string[]) {
  const row = sheet.getRow(rowNumber);
  headers.forEach((h, i) => put(row.getCell(i + 1), h, HEADER_STYLE));
}

/** Excel shows stored times as they are: China time, as the offices read them. */
const chinaTime = (date: Date) => new Date(date.getTime() + CHINA_UTC_OFFSET_MS);

export interface SurveyWorkbookInput {
  title: string;
  questions: SurveyQuestion[];
  responses: { id: number; answers: Record<string, SurveyAnswer>; createdAt: Date; contact: string | null }[];
  tally: QuestionResult[];
  crossTabs: CrossTab[];
  regionName: (code: string) => string;
}

export async function surveyWorkbook(input: SurveyWorkbookInput): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '汇聚';

  const answers = workbook.addWorksheet('答卷明细', { views: [{ state: 'frozen', ySplit: 2 }] });
  put(answers.getCell(1, 1), `${input.title}——答卷明细（共 ${input.responses.length} 份）`, { ...TEXT_STYLE, font: { name: '宋体', size: 14, bold: true } });
  const columns = surveyColumns(input.questions, input.regionName);
  const hasContact = input.questions.some((q) => q.kind === 'contact');
  const headers = ['序号', '提交时间', ...columns.map((c) => c.header), ...(hasContact ? ['联系方式（已遮蔽）'] : [])];
  headerRow(answers, 2, headers);
  answers.columns = headers.map((_, i) => ({ width: i === 0 ? 6 : i === 1 ? 17 : (columns[i - 2]?.width ?? 24) }));
  input.responses.forEach((response, r) => {
    const row = answers.getRow(r + 3);
    put(row.getCell(1), r + 1);
    put(row.getCell(2), chinaTime(response.createdAt));
    columns.forEach((c, i) => put(row.getCell(i + 3), c.value(response.answers)));
    if (hasContact) put(row.getCell(columns.length + 3), response.contact);
  });

  const figures = workbook.addWorksheet('统计');
  figures.columns = [{ width: 40 }, { width: 30 }, { width: 10 }, { width: 10 }, { width: 10 }];
  put(figures.getCell(1, 1), `${input.title}——统计（共 ${input.responses.length} 份）`, { ...TEXT_STYLE, font: { name: '宋体', size: 14, bold: true } });
  headerRow(figures, 2, ['题目', '选项', '人数', '占比', '平均分']);
  let line = 3;
  input.tally.forEach((q, i) => {
    const title = `${i + 1}. ${q.label}`;
    const optionRows = (label: string, options: { label: string; count: number; percent: number }[], mean?: number | null) => {
      options.forEach((o, j) => {
        const row = figures.getRow(line++);
        put(row.getCell(1), j === 0 ? label : null);
        put(row.getCell(2), o.label);
        put(row.getCell(3), o.count);
        put(row.getCell(4), o.percent, PERCENT_STYLE);
        if (j === 0 && mean !== undefined && mean !== null) put(row.getCell(5), mean);
      });
    };
    if ('options' in q) optionRows(`${title}（${q.answered} 人作答）`, q.options, 'mean' in q ? q.mean : undefined);
    else if (q.kind === 'matrix') q.rows.forEach((r) => optionRows(`${title}—${r.label}`, r.options, r.mean));
    else {
      const row = figures.getRow(line++);
      put(row.getCell(1), title);
      put(row.getCell(2), q.kind === 'text' ? '填写人数' : '留下联系方式人数');
      put(row.getCell(3), q.answered);
    }
  });

  const tabs = workbook.addWorksheet('交叉分析');
  tabs.columns = [{ width: 24 }, ...Array.from({ length: 31 }, () => ({ width: 12 }))];
  line = 1;
  for (const tab of input.crossTabs) {
    put(tabs.getCell(line++, 1), `${tab.questionLabel}（按${tab.by === 'region' ? '地区' : '单位类型'}）`, { ...TEXT_STYLE, font: { name: '宋体', size: 11, bold: true } });
    headerRow(tabs, line++, [tab.by === 'region' ? '地区' : '单位类型', '作答人数', ...tab.columns]);
    for (const r of tab.rows) {
      const row = tabs.getRow(line++);
      put(row.getCell(1), r.label);
      put(row.getCell(2), r.total);
      r.counts.forEach((c, i) => put(row.getCell(i + 3), c));
    }
    line++;
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
