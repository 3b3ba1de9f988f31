/**
 * A notice as a Word document in the GB/T 9704-2012 layout, for offices that edit, print and seal
 * it. Word lays the text out itself; this file sets the page, the grid of 22 lines × 28 characters,
 * the fonts Chinese offices have (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体) and the
 * positions GB/T 9704 fixes.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  DocumentGridType,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  UnderlineType,
  VerticalAlignTable,
  WidthType,
  type IBorderOptions,
  type IParagraphOptions,
} from 'docx';
import {
  CHAR_PITCH_PT,
  FONT_SIZE,
  HEADER_COLOR,
  HEADER_OFFSET_MM,
  LINE_PITCH_PT,
  PAGE_MM,
  PAGE_NUMBER_GAP_MM,
  RULE_GAP_MM,
  RULE_WIDTH_PT,
  SIGNATURE_BLANK_LINES,
  TABLE_BORDER_PT,
  TABLE_CELL_PADDING_PT,
  TABLE_FONT_SIZE_PT,
  TABLE_LINE_PITCH_PT,
  TEXT_WIDTH_PT,
  TITLE_LINE_PITCH_PT,
  WORD_FONTS,
  composeNotice,
  distributeColumnWidths,
  estimateEms,
  issuerFontSize,
  mmToPt,
  ptToTwips,
  signatureGeometry,
  type ComposedNotice,
  type NoticeDocumentInput,
} from './notice-document';
import { runsText, type InlineRun, type NoticeBlock, type TableBlock } from './rich-text';

const BODY_SIZE = FONT_SIZE.san;

/** A font for every script slot: Word and WPS pick the East Asian one for Chinese, the others for digits and Latin. */
function wordFont(name: string) {
  return { ascii: name, hAnsi: name, eastAsia: name, cs: name };
}

function exactLines(pt: number, extra: { before?: number; after?: number } = {}) {
  return { line: ptToTwips(pt), lineRule: LineRuleType.EXACT, before: extra.before ?? 0, after: extra.after ?? 0 };
}

interface RunStyle {
  font: string;
  size: number;
  color?: string;
  bold?: boolean;
  /** Character spacing in twips: body text is set 0.25 pt tight so that 28 characters fill a line. */
  spacing?: number;
}

/**
 * 28 characters of 3号 need 15.79 pt each; −5 twips (−0.25 pt) leaves Word a hair of room so the
 * 28th character is not pushed to the next line by rounding.
 */
const BODY_CHARACTER_SPACING = Math.floor((CHAR_PITCH_PT - FONT_SIZE.san) * 20);
/** The advance of one body character as Word sets it. */
const BODY_CHAR_PT = FONT_SIZE.san + BODY_CHARACTER_SPACING / 20;
const INDENT_2_CHARS = ptToTwips(2 * BODY_CHAR_PT);

/** Text runs for rich runs; '\n' becomes a line break because Word ignores newlines in run text. */
function textRuns(runs: readonly InlineRun[], style: RunStyle): TextRun[] {
  const out: TextRun[] = [];
  let breaks = 0;
  const push = (text: string, run: InlineRun) => {
    out.push(
      new TextRun({
        text,
        ...(breaks > 0 && { break: breaks }),
        font: wordFont(style.font),
        size: style.size * 2,
        ...(style.color && { color: style.color }),
        ...((style.bold || run.bold) && { bold: true }),
        ...(run.italic && { italics: true }),
        ...(run.underline && { underline: { type: UnderlineType.SINGLE } }),
        ...(style.spacing && { characterSpacing: style.spacing }),
      }),
    );
    breaks = 0;
  };
  for (const run of runs) {
    run.text.split('\n').forEach((part, i) => {
      if (i > 0) breaks += 1;
      if (part) push(part, run);
    });
  }
  if (breaks > 0) push('', { text: '' });
  return out;
}

const plain = (text: string): InlineRun[] => [{ text }];

function blankLine(options: Partial<IParagraphOptions> = {}): Paragraph {
  return new Paragraph({ spacing: exactLines(LINE_PITCH_PT), ...options });
}

function bodyParagraph(runs: readonly InlineRun[], font: string, options: Partial<IParagraphOptions> = {}): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.BOTH,
    spacing: exactLines(LINE_PITCH_PT),
    indent: { firstLine: INDENT_2_CHARS },
    children: textRuns(runs, { font, size: BODY_SIZE, spacing: BODY_CHARACTER_SPACING }),
    ...options,
  });
}

function blockParagraph(block: Exclude<NoticeBlock, TableBlock>, keepNext: boolean): Paragraph {
  const keep = keepNext ? { keepNext: true } : {};
  switch (block.type) {
    case 'heading': {
      const font = block.level === 1 ? WORD_FONTS.heading1 : block.level === 2 ? WORD_FONTS.heading2 : WORD_FONTS.body;
      // Headings stay with the text they introduce and show in Word's navigation pane.
      return bodyParagraph(block.runs, font, { keepNext: true, outlineLevel: block.level - 1 });
    }
    case 'listItem': {
      const marker = block.ordered ? block.marker : `${block.marker} `;
      return bodyParagraph([{ text: marker }, ...block.runs], WORD_FONTS.body, keep);
    }
    case 'paragraph':
      return bodyParagraph(block.runs, WORD_FONTS.body, {
        ...keep,
        ...(block.quote && { indent: { left: INDENT_2_CHARS, firstLine: INDENT_2_CHARS } }),
      });
  }
}

const tableBorder: IBorderOptions = { style: BorderStyle.SINGLE, size: Math.round(TABLE_BORDER_PT * 8), color: '000000' };

function tableColumnWidthsPt(table: TableBlock): number[] {
  const padding = 2 * TABLE_CELL_PADDING_PT.x;
  const natural = new Array<number>(table.columnCount).fill(0);
  const minimum = new Array<number>(table.columnCount).fill(0);
  for (const row of table.rows) {
    for (const cell of row) {
      if (cell.colspan !== 1) continue;
      for (const paragraph of cell.paragraphs) {
        const ems = estimateEms(runsText(paragraph));
        natural[cell.column] = Math.max(natural[cell.column]!, ems * TABLE_FONT_SIZE_PT + padding);
        minimum[cell.column] = Math.max(minimum[cell.column]!, Math.min(ems, 8) * TABLE_FONT_SIZE_PT + padding);
      }
    }
  }
  return distributeColumnWidths(natural, minimum, TEXT_WIDTH_PT);
}

function wordTable(table: TableBlock): Table {
  const widths = tableColumnWidthsPt(table).map(ptToTwips);
  const rows = table.rows.map(
    (row, r) =>
      new TableRow({
        cantSplit: true,
        ...(r < table.headerRowCount && { tableHeader: true }),
        children: row.map((cell) => {
          const width = widths.slice(cell.column, cell.column + cell.colspan).reduce((a, b) => a + b, 0);
          const paragraphs = cell.paragraphs.length > 0 ? cell.paragraphs : [[]];
          return new TableCell({
            ...(cell.colspan > 1 && { columnSpan: cell.colspan }),
            ...(cell.rowspan > 1 && { rowSpan: cell.rowspan }),
            width: { size: width, type: WidthType.DXA },
            verticalAlign: VerticalAlignTable.CENTER,
            margins: {
              top: ptToTwips(TABLE_CELL_PADDING_PT.y),
              bottom: ptToTwips(TABLE_CELL_PADDING_PT.y),
              left: ptToTwips(TABLE_CELL_PADDING_PT.x),
              right: ptToTwips(TABLE_CELL_PADDING_PT.x),
            },
            children: paragraphs.map(
              (runs) =>
                new Paragraph({
                  alignment: cell.header ? AlignmentType.CENTER : AlignmentType.BOTH,
                  spacing: exactLines(TABLE_LINE_PITCH_PT),
                  children: textRuns(runs, {
                    font: cell.header ? WORD_FONTS.tableHeader : WORD_FONTS.body,
                    size: TABLE_FONT_SIZE_PT,
                  }),
                }),
            ),
          });
        }),
      }),
  );
  return new Table({
    rows,
    width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: { top: tableBorder, bottom: tableBorder, left: tableBorder, right: tableBorder, insideHorizontal: tableBorder, insideVertical: tableBorder },
  });
}

function headerParagraphs(notice: ComposedNotice): Paragraph[] {
  const size = issuerFontSize(notice.issuers);
  const issuers = notice.issuers.map(
    (name, i) =>
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: exactLines(size * 1.25, { before: i === 0 ? ptToTwips(mmToPt(HEADER_OFFSET_MM)) : 0 }),
        children: textRuns(plain(name), { font: WORD_FONTS.header, size, color: HEADER_COLOR }),
      }),
  );
  // The 反线 is the bottom border of the 文号 line: as wide as the 版心, 4 mm under the text.
  const documentNumber = new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: exactLines(LINE_PITCH_PT),
    border: { bottom: { style: BorderStyle.SINGLE, size: Math.round(RULE_WIDTH_PT * 8), color: HEADER_COLOR, space: Math.round(mmToPt(RULE_GAP_MM)) } },
    children: textRuns(plain(notice.documentNumber || ' '), { font: WORD_FONTS.body, size: BODY_SIZE }),
  });
  return [...issuers, blankLine(), blankLine(), documentNumber, blankLine(), blankLine()];
}

function attachmentParagraphs(notice: ComposedNotice): Paragraph[] {
  const labelWidth = estimateEms('附件：') * BODY_CHAR_PT;
  return notice.attachments.map((line, i) => {
    const numberWidth = estimateEms(line.number) * BODY_CHAR_PT;
    // Wrapped lines align with the first character of the name (7.3.4).
    const left = ptToTwips(2 * BODY_CHAR_PT + labelWidth + numberWidth);
    const hanging = ptToTwips((i === 0 ? labelWidth : 0) + numberWidth);
    return new Paragraph({
      alignment: AlignmentType.BOTH,
      // One blank line above 附件 (7.3.4) as spacing, which Word drops at the top of a page.
      spacing: exactLines(LINE_PITCH_PT, { before: i === 0 ? ptToTwips(LINE_PITCH_PT) : 0 }),
      indent: { left, hanging },
      // The last line keeps the 署名 company.
      keepNext: i === notice.attachments.length - 1,
      children: textRuns(plain(`${line.label}${line.number}${line.name}`), { font: WORD_FONTS.body, size: BODY_SIZE, spacing: BODY_CHARACTER_SPACING }),
    });
  });
}

function signatureParagraphs(notice: ComposedNotice): Paragraph[] {
  const { dateRight, signatureRights } = signatureGeometry(
    notice.signature.map((name) => estimateEms(name) * BODY_CHAR_PT),
    estimateEms(notice.date) * BODY_CHAR_PT,
    BODY_CHAR_PT,
  );
  const line = (text: string, right: number, first: boolean, keepNext: boolean) =>
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      // Blank lines above the 署名 leave room for the seal, as spacing so that they vanish at a page top.
      spacing: exactLines(LINE_PITCH_PT, { before: first ? ptToTwips(SIGNATURE_BLANK_LINES * LINE_PITCH_PT) : 0 }),
      indent: { right: ptToTwips(right) },
      keepNext,
      children: textRuns(plain(text), { font: WORD_FONTS.body, size: BODY_SIZE, spacing: BODY_CHARACTER_SPACING }),
    });
  return [...notice.signature.map((name, i) => line(name, signatureRights[i]!, i === 0, true)), line(notice.date, dateRight, false, false)];
}

function pageNumberFooter(side: 'odd' | 'even'): Footer {
  const oneChar = ptToTwips(FONT_SIZE.si);
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: oneChar } : { left: oneChar },
        spacing: { before: 0, after: 0 },
        children: [
          new TextRun({
            children: ['— ', PageNumber.CURRENT, ' —'],
            font: wordFont(WORD_FONTS.pageNumber),
            size: FONT_SIZE.si * 2,
          }),
        ],
      }),
    ],
  });
}

function bodyChildren(notice: ComposedNotice): (Paragraph | Table)[] {
  const children: (Paragraph | Table)[] = [];
  notice.body.forEach((block, i) => {
    // The last paragraph before the signature keeps it company: a 署名 alone on a page is not allowed.
    const last = i === notice.body.length - 1 && notice.attachments.length === 0;
    children.push(block.type === 'table' ? wordTable(block) : blockParagraph(block, last));
  });
  children.push(...attachmentParagraphs(notice));
  return children;
}

function buildDocument(notice: ComposedNotice): Document {
  const children: (Paragraph | Table)[] = [
    ...headerParagraphs(notice),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: exactLines(TITLE_LINE_PITCH_PT),
      keepNext: true,
      // Balanced lines chosen here rather than Word's greedy wrap, which leaves a stub line.
      children: textRuns(plain(notice.titleLines.join('\n')), { font: WORD_FONTS.title, size: FONT_SIZE.er }),
    }),
    blankLine(),
  ];
  if (notice.addressees) {
    children.push(
      new Paragraph({
        alignment: AlignmentType.BOTH,
        spacing: exactLines(LINE_PITCH_PT),
        children: textRuns(plain(notice.addressees), { font: WORD_FONTS.body, size: BODY_SIZE, spacing: BODY_CHARACTER_SPACING }),
      }),
    );
  }
  children.push(...bodyChildren(notice), ...signatureParagraphs(notice));

  const footerFromBottom = mmToPt(PAGE_MM.bottom - PAGE_NUMBER_GAP_MM) - FONT_SIZE.si * 1.3;
  return new Document({
    title: notice.metadata.title,
    creator: notice.metadata.author,
    subject: notice.metadata.subject,
    keywords: notice.metadata.keywords,
    lastModifiedBy: 'Huiju',
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: {
          run: { font: wordFont(WORD_FONTS.body), size: BODY_SIZE * 2, language: { value: 'en-US', eastAsia: 'zh-CN' } },
          paragraph: { spacing: exactLines(LINE_PITCH_PT) },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: ptToTwips(mmToPt(PAGE_MM.width)), height: ptToTwips(mmToPt(PAGE_MM.height)) },
            margin: {
              top: ptToTwips(mmToPt(PAGE_MM.top)),
              bottom: ptToTwips(mmToPt(PAGE_MM.bottom)),
              left: ptToTwips(mmToPt(PAGE_MM.left)),
              right: ptToTwips(mmToPt(PAGE_MM.right)),
              header: ptToTwips(mmToPt(15)),
              footer: ptToTwips(footerFromBottom),
            },
          },
          // No document grid: every paragraph has exact line spacing (22 lines a page), and a grid
          // makes LibreOffice snap the larger title and header lines to two grid lines each. The
          // 28 characters a line come from the body runs' character spacing.
          grid: { type: DocumentGridType.DEFAULT, linePitch: ptToTwips(LINE_PITCH_PT) },
        },
        footers: { default: pageNumberFooter('odd'), even: pageNumberFooter('even') },
        children,
      },
    ],
  });
}

/** Renders the notice as a .docx file. */
export async function renderNoticeDocx(input: NoticeDocumentInput): Promise<Buffer> {
  return Packer.toBuffer(buildDocument(composeNotice(input)));
}
