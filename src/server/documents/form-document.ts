/**
 * A filled form (填报的样表) as a printable document: the input both renderers take, how each value
 * reads as text (the 汇总表 uses the same wording), and the composition step that lays the sample
 * form out as tables on a grid of columns, so the .docx and the .pdf print the same cells.
 *
 * Layout follows the 江苏 sample (附件2): title, 单位盖章 and 报送时间 lines, then per item
 * ("一项一表") a 一、基本信息 table with labels in the left column, ticked modules in cells of their
 * own, target groups ticked inline with a fill-in line, the 联系人 block of three rows under one
 * merged label, then 二、工作方案 with its instructions and a tall cell for the plan.
 */
import type { NamedItem, Phase } from '../../shared/domain/campaigns';
import type {
  ChoiceValue,
  ContactValue,
  FieldDefinition,
  FieldValue,
  FileValue,
  FormDefinition,
  PhaseValue,
  SectionDefinition,
  SubmissionValues,
} from '../../shared/forms/definition';
import { partLabels } from '../../shared/forms/validate';
import { formatChineseDate, formatChineseDateRange, isoDateInChina } from './chinese-dates';
import { FONT_SIZE, LINE_PITCH_PT, TEXT_WIDTH_PT, TITLE_LINE_PITCH_PT, TITLE_MAX_EMS, breakTitle, estimateEms } from './notice-document';

/** The campaign a form is filled for: its phases, modules and target groups. */
export interface FormRenderContext {
  phases: Phase[];
  modules: NamedItem[];
  targetGroups: NamedItem[];
}

export interface FilledFormInput {
  form: FormDefinition;
  context: FormRenderContext;
  /** The submitting unit, e.g. 南京市科学技术协会. */
  unitName: string;
  /** Printed as 报送时间：2021年5月11日 (Beijing date); null for a draft, which gets a blank line. */
  submittedAt: Date | null;
  values: SubmissionValues;
}

// ---------------------------------------------------------------------------------------------
// Values as text.

export type ContactPart = keyof typeof partLabels;
export const contactParts: readonly ContactPart[] = ['name', 'officePhone', 'mobile', 'fax', 'email'];

/**
 * Characters XML 1.0 forbids, and unpaired surrogates: text pasted into a browser may hold either,
 * and a .docx or .xlsx containing one does not open.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const INVALID_XML_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string => (typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '');

/** A date as 2021年5月12日; text that is not an ISO date is shown as it is rather than failing the document. */
function dateText(iso: string): string {
  try {
    return formatChineseDate(iso);
  } catch {
    return iso;
  }
}

function rangeText(start: string, end: string, withYear: boolean): string {
  if (!start && !end) return '';
  try {
    return formatChineseDateRange(start, end, { withYear });
  } catch {
    return [start, end].filter(Boolean).map(dateText).join('—');
  }
}

/** Selected ids or options of a choice-like value; drafts may hold a bare string or array. */
export function choiceOf(value: unknown): ChoiceValue {
  if (Array.isArray(value)) return { selected: value.filter((x): x is string => typeof x === 'string') };
  if (typeof value === 'string') return { selected: value.trim() ? [value.trim()] : [] };
  if (isRecord(value) && Array.isArray(value.selected)) {
    const other = str(value.other);
    return { selected: value.selected.filter((x): x is string => typeof x === 'string'), ...(other && { other }) };
  }
  return { selected: [] };
}

export function contactOf(value: unknown): ContactValue {
  if (!isRecord(value)) return {};
  const contact: ContactValue = {};
  for (const part of contactParts) {
    const text = str(value[part]);
    if (text) contact[part] = text;
  }
  return contact;
}

export function phaseOf(value: unknown): PhaseValue | null {
  if (!isRecord(value) || typeof value.phaseId !== 'string') return null;
  return { phaseId: value.phaseId, startDate: str(value.startDate), endDate: str(value.endDate) };
}

export function filesOf(value: unknown): FileValue[] {
  if (!Array.isArray(value)) return [];
  return value.filter((f): f is FileValue => isRecord(f) && typeof f.name === 'string');
}

/** The phase's name, e.g. 第一阶段. */
export function phaseName(value: unknown, context: FormRenderContext): string {
  const phase = phaseOf(value);
  if (!phase) return '';
  return context.phases.find((p) => p.id === phase.phaseId)?.name ?? '';
}

/** The phase's dates within the year, e.g. 5月10日—12日. */
export function phaseDates(value: unknown): string {
  const phase = phaseOf(value);
  return phase ? rangeText(phase.startDate, phase.endDate, false) : '';
}

/** Names of the selected ids, in the campaign's order; ids the campaign no longer has are dropped. */
function namesOf(ids: readonly string[], items: readonly NamedItem[]): string[] {
  return items.filter((item) => ids.includes(item.id)).map((item) => item.name);
}

/**
 * How a field's value reads as text, the same in the documents and the 汇总表: a phase as
 * 第一阶段 5月10日—12日, modules and target groups as names joined with 、 (then the free text),
 * a contact as 姓名：…，手机：…, a number with its unit, files by name, dates as 2021年5月12日.
 * Empty or unreadable values give ''.
 */
export function fieldText(field: FieldDefinition, fieldValue: FieldValue | undefined, context: FormRenderContext): string {
  // Stored values are only as well-formed as validation made them; read them as unknown.
  const value: unknown = fieldValue;
  if (value === null || value === undefined) return '';
  switch (field.kind) {
    case 'short_text':
    case 'long_text':
    case 'address':
      return str(value);
    case 'number': {
      const text = str(value);
      return text && field.unit ? `${text}${field.unit}` : text;
    }
    case 'date':
      return typeof value === 'string' && value ? dateText(value.trim()) : '';
    case 'date_range':
      return isRecord(value) ? rangeText(str(value.start), str(value.end), true) : '';
    case 'phase':
      return [phaseName(value, context), phaseDates(value)].filter(Boolean).join(' ');
    case 'module':
      return namesOf(choiceOf(value).selected, context.modules).join('、');
    case 'target_group': {
      const choice = choiceOf(value);
      return [...namesOf(choice.selected, context.targetGroups), ...(choice.other ? [choice.other] : [])].join('、');
    }
    case 'single_choice':
    case 'multi_choice': {
      const choice = choiceOf(value);
      const selected = field.options.filter((option) => choice.selected.includes(option));
      return [...selected, ...(choice.other ? [choice.other] : [])].join('、');
    }
    case 'contact': {
      const contact = contactOf(value);
      return contactParts
        .filter((part) => contact[part])
        .map((part) => `${partLabels[part]}：${contact[part]}`)
        .join('，');
    }
    case 'files':
      return filesOf(value)
        .map((file) => file.name.trim())
        .join('、');
  }
}

// ---------------------------------------------------------------------------------------------
// Measurements. Forms are set smaller than notices: 小四 in the tables so that five module names
// with their boxes fit one row, as in the sample.

export const FORM_SIZE = { title: FONT_SIZE.er, line: FONT_SIZE.san, heading: FONT_SIZE.san, table: 12, small: 10.5 } as const;
export const FORM_PITCH = { title: TITLE_LINE_PITCH_PT, line: LINE_PITCH_PT, heading: LINE_PITCH_PT, table: 18, small: 15 } as const;
export const FORM_CELL_PADDING_PT = { x: 5, y: 3 } as const;
/** Rows are a little taller than one line, leaving room to write by hand on a printed blank form. */
export const FORM_ROW_MIN_HEIGHT_PT = 26;
/** Option cells (one module each) keep less padding so that "团结引领 ☑" stays on one line. */
const OPTION_PADDING_PT = 2;
const LABEL_EMS = { min: 4, max: 6 } as const;
/**
 * Half a character of slack in label columns: a label exactly as wide as its cell wraps in Word and
 * LibreOffice, whose substitute fonts and rounding differ from the estimate by a hair.
 */
const LABEL_SLACK_EMS = 0.5;

export const CHECKED_BOX = '☑';
export const UNCHECKED_BOX = '□';
/** What an empty fill-in line prints, as on the sample (面向群体 … _____). */
export const EMPTY_BLANK = '________';

// ---------------------------------------------------------------------------------------------
// Composition.

export type FormRun =
  | { type: 'text'; text: string }
  /** An option followed by its box, e.g. 团结引领 ☑; never broken across lines. */
  | { type: 'option'; label: string; checked: boolean }
  /** A fill-in line: the text underlined, or an empty line when the text is ''. */
  | { type: 'blank'; text: string };

export interface FormParagraph {
  runs: FormRun[];
  align: 'left' | 'center' | 'justify';
  size: 'table' | 'small';
  /** Two characters, for the paragraphs of long text. */
  firstLineIndent: boolean;
}

export interface FormCell {
  /** Index of the first grid column and how many it spans. */
  column: number;
  colspan: number;
  rowspan: number;
  role: 'label' | 'value';
  paragraphs: FormParagraph[];
  verticalAlign: 'center' | 'top';
  paddingX: number;
}

export interface FormRow {
  cells: FormCell[];
  minHeight: number;
  /** Only rows of long text may continue on the next page. */
  canSplit: boolean;
}

export interface FormTable {
  /** Grid column widths in points; they add up to the text width. */
  columnWidths: number[];
  rows: FormRow[];
}

export type FormBlock =
  | { type: 'itemHeading'; text: string; pageBreakBefore: boolean }
  | { type: 'heading'; text: string; pageBreakBefore: boolean }
  /** Instructions above a table or a footnote (注：…) below it. */
  | { type: 'note'; text: string; placement: 'before' | 'after' }
  | { type: 'table'; table: FormTable };

export interface ComposedForm {
  title: string;
  /** The title in balanced lines, the same in both formats. */
  titleLines: string[];
  /** 单位盖章 and 报送时间, or null when the form has no seal lines. */
  sealLines: { label: string; value: string }[] | null;
  blocks: FormBlock[];
  metadata: { title: string; author: string; subject: string; keywords: string };
}

const paragraph = (runs: FormRun[], align: FormParagraph['align'] = 'left', extra: Partial<FormParagraph> = {}): FormParagraph => ({
  runs,
  align,
  size: 'table',
  firstLineIndent: false,
  ...extra,
});
const text = (value: string): FormRun[] => (value ? [{ type: 'text', text: value }] : []);

/** A cell before it is placed on the grid: its left and right edges in points from the table's left edge. */
interface DraftCell extends Omit<FormCell, 'column' | 'colspan'> {
  x0: number;
  x1: number;
}
interface DraftRow {
  cells: DraftCell[];
  minHeight: number;
  canSplit: boolean;
}

interface Geometry {
  /** Width of the label column. */
  label: number;
  /** Width of the whole table. */
  width: number;
  /** Label lines no wider than this many ems. */
  labelEms: number;
}

/**
 * breakTitle searches for balanced lines, which costs a few hundred microseconds for a title; forms
 * repeat the same labels and title in every document, so lines are remembered (bounded, as labels
 * come from editable definitions).
 */
const balancedLinesCache = new Map<string, string[]>();
function balancedLines(text: string, maxEms: number): string[] {
  const key = `${maxEms}\u0000${text}`;
  let lines = balancedLinesCache.get(key);
  if (!lines) {
    if (balancedLinesCache.size >= 2000) balancedLinesCache.clear();
    lines = breakTitle(text, maxEms);
    balancedLinesCache.set(key, lines);
  }
  return [...lines];
}

const cellWidthEms = (width: number, padding: number) => (width - 2 * padding) / FORM_SIZE.table;

function labelCell(field: FieldDefinition, geometry: Geometry, rowspan = 1): DraftCell {
  const lines = balancedLines(field.label, geometry.labelEms);
  const paragraphs = lines.map((line) => paragraph(text(line), 'center'));
  if (field.printHint) paragraphs.push(paragraph(text(field.printHint), 'center', { size: 'small' }));
  return { x0: 0, x1: geometry.label, rowspan, role: 'label', paragraphs, verticalAlign: 'center', paddingX: FORM_CELL_PADDING_PT.x };
}

function valueCell(x0: number, x1: number, paragraphs: FormParagraph[], extra: Partial<DraftCell> = {}): DraftCell {
  return { x0, x1, rowspan: 1, role: 'value', paragraphs, verticalAlign: 'center', paddingX: FORM_CELL_PADDING_PT.x, ...extra };
}

/** Options with their boxes in one cell, separated by two spaces, then the free text's fill-in line. */
function inlineOptions(options: { label: string; checked: boolean }[], other: string | null): FormParagraph {
  const runs: FormRun[] = [];
  for (const option of options) {
    if (runs.length > 0) runs.push({ type: 'text', text: '  ' });
    runs.push({ type: 'option', ...option });
  }
  if (other !== null) {
    if (runs.length > 0) runs.push({ type: 'text', text: '  ' });
    runs.push({ type: 'blank', text: other });
  }
  return paragraph(runs);
}

function paragraphsOf(longText: string): FormParagraph[] {
  return longText
    .split(/\r\n|\r|\n/)
    // Writers indent with spaces or full-width spaces; the paragraph indent replaces them.
    .map((line) => line.replace(/^[\s\u3000]+|[\s\u3000]+$/g, ''))
    .filter(Boolean)
    // Chinese paragraphs open two characters in; a line of links or Latin text stays flush.
    .map((line) => paragraph(text(line), 'justify', { firstLineIndent: !/^[\x21-\x7e]/.test(line) }));
}

function fieldRows(field: FieldDefinition, value: FieldValue | undefined, section: SectionDefinition, context: FormRenderContext, geometry: Geometry): DraftRow[] {
  const { label: L, width: W } = geometry;
  const row = (cells: DraftCell[], minHeight = FORM_ROW_MIN_HEIGHT_PT, canSplit = false): DraftRow => ({ cells, minHeight, canSplit });

  switch (field.kind) {
    case 'module': {
      const selected = choiceOf(value).selected;
      const options = context.modules.map((m) => ({ label: m.name, checked: selected.includes(m.id) }));
      const each = (W - L) / Math.max(1, options.length);
      const fits = options.length > 0 && options.every((o) => estimateEms(`${o.label} ${CHECKED_BOX}`) <= cellWidthEms(each, OPTION_PADDING_PT));
      if (!fits) return [row([labelCell(field, geometry), valueCell(L, W, [inlineOptions(options, null)])])];
      // One cell per module, as the sample prints them.
      const cells = options.map((option, i) =>
        valueCell(L + i * each, i === options.length - 1 ? W : L + (i + 1) * each, [paragraph([{ type: 'option', ...option }], 'center')], {
          paddingX: OPTION_PADDING_PT,
        }),
      );
      return [row([labelCell(field, geometry), ...cells])];
    }
    case 'target_group': {
      const choice = choiceOf(value);
      const options = context.targetGroups.map((g) => ({ label: g.name, checked: choice.selected.includes(g.id) }));
      return [row([labelCell(field, geometry), valueCell(L, W, [inlineOptions(options, field.allowOther ? (choice.other ?? '') : null)])])];
    }
    case 'single_choice':
    case 'multi_choice': {
      const choice = choiceOf(value);
      const options = field.options.map((option) => ({ label: option, checked: choice.selected.includes(option) }));
      return [row([labelCell(field, geometry), valueCell(L, W, [inlineOptions(options, field.allowOther ? (choice.other ?? '') : null)])])];
    }
    case 'contact': {
      // 姓名 | … | 办公电话 | … / 手机 | … | 传真 | … / 电子邮箱 | … (spanning), under one merged label.
      const contact = contactOf(value);
      const sub = (Math.max(...contactParts.map((p) => estimateEms(partLabels[p]))) + LABEL_SLACK_EMS) * FORM_SIZE.table + 2 * FORM_CELL_PADDING_PT.x;
      const valueWidth = (W - L - 2 * sub) / 2;
      const x = [L, L + sub, L + sub + valueWidth, L + 2 * sub + valueWidth, W];
      const part = (name: ContactPart, from: number, to: number): DraftCell[] => [
        valueCell(x[from]!, x[from + 1]!, [paragraph(text(partLabels[name]), 'center')], { role: 'label' }),
        valueCell(x[from + 1]!, x[to]!, [paragraph(text(contact[name] ?? ''))]),
      ];
      return [
        row([labelCell(field, geometry, 3), ...part('name', 0, 2), ...part('officePhone', 2, 4)]),
        row([...part('mobile', 0, 2), ...part('fax', 2, 4)]),
        row([...part('email', 0, 4)]),
      ];
    }
    case 'long_text': {
      // The section title usually names the text (二、工作方案): then the cell takes the full width.
      const full = section.fields.length === 1 || section.title.includes(field.label);
      const x0 = full ? 0 : L;
      // Blank, the cell leaves room to write the whole text by hand; filled, it takes what the text needs.
      const paragraphs = paragraphsOf(str(value));
      const charsPerLine = Math.max(1, Math.floor(cellWidthEms(W - x0, FORM_CELL_PADDING_PT.x)));
      const lines = paragraphs.length > 0 ? 6 : Math.min(24, Math.max(6, Math.ceil(field.maxWords / charsPerLine) + 2));
      const cell = valueCell(x0, W, paragraphs, { verticalAlign: 'top' });
      const minHeight = lines * FORM_PITCH.table + 2 * FORM_CELL_PADDING_PT.y;
      return [row(full ? [cell] : [labelCell(field, geometry), cell], minHeight, true)];
    }
    case 'files': {
      const names = filesOf(value).map((file) => paragraph(text(file.name.trim())));
      return [row([labelCell(field, geometry), valueCell(L, W, names)])];
    }
    default:
      return [row([labelCell(field, geometry), valueCell(L, W, [paragraph(text(fieldText(field, value, context)))])])];
  }
}

/** Places draft cells on the grid of all their edges, so merged cells become column spans. */
function toTable(rows: DraftRow[], width: number): FormTable {
  const edges: number[] = [];
  const near = (a: number, b: number) => Math.abs(a - b) < 0.5;
  for (const row of rows) {
    for (const cell of row.cells) {
      for (const x of [cell.x0, cell.x1]) if (!edges.some((e) => near(e, x))) edges.push(x);
    }
  }
  if (!edges.some((e) => near(e, 0))) edges.push(0);
  if (!edges.some((e) => near(e, width))) edges.push(width);
  edges.sort((a, b) => a - b);
  const index = (x: number) => edges.findIndex((e) => near(e, x));
  return {
    columnWidths: edges.slice(1).map((e, i) => e - edges[i]!),
    rows: rows.map((row) => ({
      minHeight: row.minHeight,
      canSplit: row.canSplit,
      cells: row.cells.map(({ x0, x1, ...cell }) => ({ ...cell, column: index(x0), colspan: index(x1) - index(x0) })),
    })),
  };
}

/**
 * Where a section's note goes: a footnote (注：…) under the table, as the sample prints the plaque
 * note; instructions above it, in parentheses, as the sample prints the 工作方案 guidance.
 */
function notePlacement(note: string): { before: string | null; after: string | null } {
  const trimmed = note.trim();
  if (!trimmed) return { before: null, after: null };
  if (/^注[：:]/.test(trimmed)) return { before: null, after: trimmed };
  return { before: /^[（(]/.test(trimmed) ? trimmed : `（${trimmed}）`, after: null };
}

function sectionBlocks(sections: readonly SectionDefinition[], fields: Record<string, FieldValue>, context: FormRenderContext, geometry: Geometry): FormBlock[] {
  const blocks: FormBlock[] = [];
  for (const section of sections) {
    const note = notePlacement(section.note ?? '');
    if (section.title.trim()) blocks.push({ type: 'heading', text: section.title.trim(), pageBreakBefore: false });
    if (note.before) blocks.push({ type: 'note', text: note.before, placement: 'before' });
    const rows = section.fields.flatMap((field) => fieldRows(field, fields[field.key], section, context, geometry));
    if (rows.length > 0) blocks.push({ type: 'table', table: toTable(rows, geometry.width) });
    if (note.after) blocks.push({ type: 'note', text: note.after, placement: 'after' });
  }
  return blocks;
}

const NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (items number at most 100). */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 100) return String(n);
  if (n === 100) return '一百';
  if (n < 10) return NUMERALS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : NUMERALS[tens]}十${ones === 0 ? '' : NUMERALS[ones]}`;
}

function geometryOf(form: FormDefinition): Geometry {
  const sections = [...form.unitSections, ...(form.itemGroup?.sections ?? [])];
  // Labels of the left column: one to six characters wide, longer ones broken into balanced lines.
  const labels = sections.flatMap((s) => s.fields.filter((f) => f.kind !== 'long_text' || s.fields.length > 1).map((f) => estimateEms(f.label)));
  const labelEms = Math.min(LABEL_EMS.max, Math.max(LABEL_EMS.min, Math.ceil(Math.max(0, ...labels))));
  return { label: (labelEms + LABEL_SLACK_EMS) * FORM_SIZE.table + 2 * FORM_CELL_PADDING_PT.x, width: TEXT_WIDTH_PT, labelEms };
}

const clean = (value: string) => value.replace(/\s+/g, ' ').trim();

/**
 * Lays the form out: unit-level sections first, then each item on a page of its own. A submission
 * with an item group but no items yet prints one blank item, i.e. the sample form itself.
 */
export function composeFilledForm(input: FilledFormInput): ComposedForm {
  const { form, context, values } = input;
  const title = clean(form.title);
  if (!title) throw new TypeError('A form needs a title');
  const geometry = geometryOf(form);
  const unitName = clean(input.unitName);

  const blocks: FormBlock[] = sectionBlocks(form.unitSections, values.fields ?? {}, context, geometry);
  const group = form.itemGroup;
  const itemTitles: string[] = [];
  if (group) {
    const items = values.items.length > 0 ? values.items : [{ key: 'blank', fields: {} }];
    const titleField = group.sections.flatMap((s) => s.fields).find((f) => f.maps === 'title');
    items.forEach((item, index) => {
      const itemBlocks = sectionBlocks(group.sections, item.fields ?? {}, context, geometry);
      if (titleField) {
        const name = fieldText(titleField, item.fields[titleField.key], context);
        if (name) itemTitles.push(name);
      }
      const pageBreakBefore = blocks.length > 0;
      if (items.length > 1) {
        blocks.push({ type: 'itemHeading', text: `${clean(group.label)}${chineseNumeral(index + 1)}`, pageBreakBefore });
      } else {
        const first = itemBlocks[0];
        if (first?.type === 'heading') first.pageBreakBefore = pageBreakBefore;
        else if (pageBreakBefore) blocks.push({ type: 'itemHeading', text: clean(group.label), pageBreakBefore });
      }
      blocks.push(...itemBlocks);
    });
  }

  return {
    title,
    titleLines: balancedLines(title, TITLE_MAX_EMS),
    sealLines: form.sealLines
      ? [
          { label: '单位盖章：', value: unitName },
          { label: '报送时间：', value: input.submittedAt ? formatChineseDate(isoDateInChina(input.submittedAt)) : '' },
        ]
      : null,
    blocks,
    metadata: {
      title,
      author: unitName,
      subject: itemTitles.join('；'),
      keywords: [group?.label ?? '', unitName].filter(Boolean).join(', '),
    },
  };
}

/** Every character the composed form prints, so a renderer can tell whether it needs fallback fonts. */
export function composedText(form: ComposedForm): string {
  const parts: string[] = [form.title, ...(form.sealLines ?? []).flatMap((l) => [l.label, l.value])];
  for (const block of form.blocks) {
    if (block.type !== 'table') {
      parts.push(block.text);
      continue;
    }
    for (const row of block.table.rows) {
      for (const cell of row.cells) {
        for (const p of cell.paragraphs) {
          for (const run of p.runs) parts.push(run.type === 'option' ? run.label : run.text);
        }
      }
    }
  }
  return parts.join('');
}
