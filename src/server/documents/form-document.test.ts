import { describe, expect, it } from 'vitest';
import type { FieldDefinition, FormDefinition } from '../../shared/forms/definition';
import { jiangsuFeaturedActivityForm, reportForm } from '../../shared/forms/templates';
import { isoDateInChina } from './chinese-dates';
import { chineseNumeral, composeFilledForm, fieldText, type FormBlock, type FormRun, type FormTable } from './form-document';
import { jiangsuSampleInput, sampleContext, shandongSampleInput } from './form-sample.fixture';
import { TEXT_WIDTH_PT } from './notice-document';

const field = (key: string): FieldDefinition => {
  const found = jiangsuFeaturedActivityForm.itemGroup!.sections.flatMap((s) => s.fields).find((f) => f.key === key);
  if (!found) throw new Error(`no field ${key}`);
  return found;
};
const tables = (blocks: FormBlock[]) => blocks.filter((b): b is Extract<FormBlock, { type: 'table' }> => b.type === 'table').map((b) => b.table);
const runText = (run: FormRun) => (run.type === 'option' ? `${run.label}${run.checked ? '☑' : '□'}` : run.text);
const cellTexts = (table: FormTable) => table.rows.map((row) => row.cells.map((cell) => cell.paragraphs.map((p) => p.runs.map(runText).join('')).join('\n')));

describe('fieldText', () => {
  it('writes a phase as its name and dates within the year', () => {
    expect(fieldText(field('time'), { phaseId: 'p1', startDate: '2021-05-10', endDate: '2021-05-12' }, sampleContext)).toBe('第一阶段 5月10日—12日');
    expect(fieldText(field('time'), { phaseId: 'p2', startDate: '2021-05-28', endDate: '2021-06-02' }, sampleContext)).toBe('第二阶段 5月28日—6月2日');
    // A phase the campaign no longer has still shows its dates.
    expect(fieldText(field('time'), { phaseId: 'gone', startDate: '2021-05-18', endDate: '2021-05-18' }, sampleContext)).toBe('5月18日');
  });

  it('names modules and target groups in the campaign order, with the free text last', () => {
    expect(fieldText(field('modules'), ['honour', 'unite'], sampleContext)).toBe('团结引领、表彰发布');
    expect(fieldText(field('audience'), { selected: ['public', 'cadres'], other: '青少年' }, sampleContext)).toBe('科协系统干部、社会公众、青少年');
    expect(fieldText(field('modules'), ['unknown'], sampleContext)).toBe('');
  });

  it('writes contacts by part, numbers with their unit, dates and files', () => {
    expect(fieldText(field('contact'), { name: '王晓明', mobile: '13951612345', email: 'a@b.cn' }, sampleContext)).toBe('姓名：王晓明，手机：13951612345，电子邮箱：a@b.cn');
    expect(fieldText(field('scale'), 200, sampleContext)).toBe('200人');
    expect(fieldText({ key: 'd', label: '日期', kind: 'date', required: false }, '2021-05-12', sampleContext)).toBe('2021年5月12日');
    expect(fieldText({ key: 'r', label: '起止', kind: 'date_range', required: false }, { start: '2021-05-10', end: '2021-05-25' }, sampleContext)).toBe('2021年5月10日—25日');
    const files = reportForm('报告', 1000).unitSections[0]!.fields.find((f) => f.kind === 'files')!;
    expect(fieldText(files, [{ fileId: 'f1', name: '总结报告（盖章）.pdf' }, { fileId: 'f2', name: '照片.jpg' }], sampleContext)).toBe('总结报告（盖章）.pdf、照片.jpg');
  });

  it('gives empty text for missing or malformed values instead of failing', () => {
    expect(fieldText(field('title'), undefined, sampleContext)).toBe('');
    expect(fieldText(field('time'), 'soon' as never, sampleContext)).toBe('');
    expect(fieldText({ key: 'd', label: '日期', kind: 'date', required: false }, '2021-02-30', sampleContext)).toBe('2021-02-30');
    expect(fieldText(field('contact'), { name: ' ', mobile: 42 } as never, sampleContext)).toBe('手机：42');
  });
});

describe('composeFilledForm', () => {
  it('prints the seal lines with the Beijing date of submission, blank for a draft', () => {
    const input = jiangsuSampleInput();
    expect(composeFilledForm(input).sealLines).toEqual([
      { label: '单位盖章：', value: '南京市科学技术协会' },
      { label: '报送时间：', value: '2021年5月11日' },
    ]);
    // 17:00 UTC on 10 May is 01:00 on 11 May in Beijing.
    expect(isoDateInChina(new Date('2021-05-10T17:00:00Z'))).toBe('2021-05-11');
    expect(composeFilledForm({ ...input, submittedAt: null }).sealLines![1]!.value).toBe('');
    expect(composeFilledForm({ ...input, form: { ...input.form, sealLines: false } }).sealLines).toBeNull();
  });

  it('gives every item its own page and tables, in the sample form layout', () => {
    const form = composeFilledForm(jiangsuSampleInput());
    const headings = form.blocks.filter((b) => b.type === 'itemHeading');
    expect(headings.map((b) => b.type === 'itemHeading' && b.text)).toEqual(['特色亮点活动一', '特色亮点活动二', '特色亮点活动三']);
    expect(headings.map((b) => b.type === 'itemHeading' && b.pageBreakBefore)).toEqual([false, true, true]);
    expect(tables(form.blocks)).toHaveLength(6);
    expect(form.metadata.subject).toContain('“科创中国”南京产学研对接会');

    // 一、基本信息 → note after the table; 二、工作方案 → instructions in parentheses before it.
    const first = form.blocks.slice(1, 7).map((b) => b.type);
    expect(first).toEqual(['heading', 'table', 'note', 'heading', 'note', 'table']);
    const notes = form.blocks.filter((b) => b.type === 'note').slice(0, 2);
    expect(notes[0]).toMatchObject({ placement: 'after', text: expect.stringMatching(/^注：中国科协/) });
    expect(notes[1]).toMatchObject({ placement: 'before', text: expect.stringMatching(/^（应突出重点.*一项一表。）$/) });
  });

  it('lays out modules as ticked cells, target groups inline with a fill-in line, and the contact as a merged block', () => {
    const [basic, plan] = tables(composeFilledForm(jiangsuSampleInput()).blocks);
    const widthSum = basic!.columnWidths.reduce((a, b) => a + b, 0);
    expect(widthSum).toBeCloseTo(TEXT_WIDTH_PT, 3);
    const texts = cellTexts(basic!);
    // Row 3: label with its print hint, then one cell per module.
    expect(texts[2]).toEqual(['主题活动模块\n(请在相应模块划 √, 可多选)', '团结引领☑', '建家办事□', '为民服务□', '开放合作□', '表彰发布☑']);
    expect(texts[4]).toEqual(['拟举办时间', '第一阶段 5月18日']);
    expect(texts[6]).toEqual(['面向群体', '科协系统干部☑  科技工作者☑  海外同行□  社会公众□  青年科技人才']);
    expect(basic!.rows[6]!.cells[1]!.paragraphs[0]!.runs.at(-1)).toEqual({ type: 'blank', text: '青年科技人才' });
    expect(texts[7]).toEqual(['预计活动规模', '200人']);
    // 主办单位联系人: the label spans three rows; 电子邮箱 spans the rest of the last.
    expect(basic!.rows[8]!.cells[0]).toMatchObject({ rowspan: 3, role: 'label' });
    expect(texts[8]).toEqual(['主办单位\n联系人', '姓名', '王晓明', '办公电话', '025-83621234']);
    expect(texts[9]).toEqual(['手机', '13951612345', '传真', '025-83621235']);
    expect(texts[10]).toEqual(['电子邮箱', 'kexie_xuanchuan@njast.org.cn']);
    const email = basic!.rows[10]!.cells[1]!;
    expect(email.column + email.colspan).toBe(basic!.columnWidths.length);
    // Labels longer than six characters break into balanced lines.
    expect(texts[11]![0]).toBe('主办单位\n邮寄地址');

    // 二、工作方案: one full-width cell, a paragraph per line of the plan, first lines indented.
    expect(plan!.rows).toHaveLength(1);
    const cell = plan!.rows[0]!.cells[0]!;
    expect(cell.colspan).toBe(plan!.columnWidths.length);
    expect(cell.paragraphs).toHaveLength(6);
    expect(cell.paragraphs.every((p) => p.firstLineIndent && p.align === 'justify')).toBe(true);
    expect(plan!.rows[0]!.canSplit).toBe(true);
  });

  it('prints a blank sample form for a draft without items, with room to write the plan', () => {
    const input = { ...jiangsuSampleInput(), submittedAt: null, values: { fields: {}, items: [] } };
    const form = composeFilledForm(input);
    expect(form.blocks.some((b) => b.type === 'itemHeading')).toBe(false);
    const [basic, plan] = tables(form.blocks);
    expect(cellTexts(basic!)[2]!.slice(1)).toEqual(['团结引领□', '建家办事□', '为民服务□', '开放合作□', '表彰发布□']);
    expect(basic!.rows[6]!.cells[1]!.paragraphs[0]!.runs.at(-1)).toEqual({ type: 'blank', text: '' });
    // 500 字 at about 36 characters a line: 16 lines of 18 pt.
    expect(plan!.rows[0]!.minHeight).toBeGreaterThan(15 * 18);
  });

  it('lays out the Shandong variant and unit-level report forms', () => {
    const shandong = composeFilledForm(shandongSampleInput());
    const [basic] = tables(shandong.blocks);
    expect(cellTexts(basic!).map((row) => row[0])).toEqual(['活动名称', '主办单位', '承办单位', '联系人', '手机', '电子邮箱']);

    const report: FormDefinition = reportForm('特色亮点活动情况报告', 1000);
    const composed = composeFilledForm({
      form: report,
      context: sampleContext,
      unitName: '临沂市科学技术协会',
      submittedAt: null,
      values: { fields: { report: '第一段。\n\n　　第二段。', stampedPdf: [{ fileId: 'f', name: '报告.pdf' }] }, items: [] },
    });
    const [table] = tables(composed.blocks);
    const texts = cellTexts(table!);
    expect(texts[0]).toEqual(['报告正文', '第一段。\n第二段。']);
    expect(texts[1]).toEqual(['盖章PDF版', '报告.pdf']);
  });
});

describe('chineseNumeral', () => {
  it('writes item numbers in Chinese', () => {
    expect([1, 9, 10, 11, 20, 21, 99, 100].map(chineseNumeral)).toEqual(['一', '九', '十', '十一', '二十', '二十一', '九十九', '一百']);
  });
});
