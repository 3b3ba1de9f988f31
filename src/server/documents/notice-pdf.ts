/**
 * A notice as a PDF in the GB/T 9704-2012 layout, for viewing, printing and archiving.
 *
 * pdfkit draws; the layout is done here because pdfkit's own line wrapper knows neither Chinese
 * line-breaking rules (no 。 at a line start), nor justification without spaces, nor a fixed
 * 28.95 pt line pitch across mixed fonts. Text is cut into lines, lines are stacked into items,
 * items are paginated with keep-with-next chains (headings, the 署名 with the text above it) and
 * each page gets its "— n —" number.
 */
import type { FaceName, FontFace } from './fonts';
import { openCjkPdf, type Fonts } from './pdf-document';
import {
  CHAR_PITCH_PT,
  FONT_SIZE,
  HEADER_COLOR,
  HEADER_OFFSET_MM,
  LINE_PITCH_PT,
  NO_LINE_END,
  NO_LINE_START,
  PAGE_MM,
  PAGE_NUMBER_GAP_MM,
  RULE_GAP_MM,
  RULE_WIDTH_PT,
  SIGNATURE_BLANK_LINES,
  TABLE_BORDER_PT,
  TABLE_CELL_PADDING_PT,
  TABLE_FONT_SIZE_PT,
  TABLE_LINE_PITCH_PT,
  TEXT_HEIGHT_PT,
  TEXT_WIDTH_PT,
  TITLE_LINE_PITCH_PT,
  composeNotice,
  distributeColumnWidths,
  issuerFontSize,
  mmToPt,
  signatureGeometry,
  type ComposedNotice,
  type NoticeDocumentInput,
} from './notice-document';
import type { InlineRun, NoticeBlock, TableBlock } from './rich-text';

const PAGE = { width: mmToPt(PAGE_MM.width), height: mmToPt(PAGE_MM.height) };
const LEFT = mmToPt(PAGE_MM.left);
const TOP = mmToPt(PAGE_MM.top);
const BOTTOM = TOP + TEXT_HEIGHT_PT;
const BODY_SIZE = FONT_SIZE.san;
/** Body text is set 0.2 pt tight so that exactly 28 characters fill a line. */
const BODY_SPACING = CHAR_PITCH_PT - BODY_SIZE;
const BLACK = '#000000';
const RED = `#${HEADER_COLOR}`;
/** CJK glyphs sit in an em box from 0.88 em above the baseline to 0.12 em below it. */
const EM_ASCENT = 0.88;

// ---------------------------------------------------------------------------------------------
// Text: styled glyphs, broken into lines.

interface TextStyle {
  face: FaceName;
  size: number;
  color: string;
  underline?: boolean;
  oblique?: boolean;
  /** Added after every character, as PDF character spacing (Tc). */
  spacing: number;
}

interface Glyph {
  char: string;
  face: FontFace;
  style: TextStyle;
  /** Advance including the style's spacing. */
  width: number;
  forcedBreak?: boolean;
}

interface Segment {
  text: string;
  face: FontFace;
  style: TextStyle;
  x: number;
  /** From the first glyph's left edge to the last glyph's right edge. */
  width: number;
  /** Character spacing after each glyph but the last. */
  tc: number;
}

interface Line {
  segments: Segment[];
}


/** Characters of Latin words, numbers, e-mail addresses and URLs, which lines do not split. */
const isAsciiWord = (char: string) => /^[A-Za-z0-9_\-.,@/:%+#&=?~']$/.test(char);
const HANGING = new Set([...'，。、；：？！,.']);

/** Styled glyphs for runs; bold text in the serif body face uses the bold serif face. */
function toGlyphs(runs: readonly InlineRun[], base: TextStyle, fonts: Fonts): Glyph[] {
  const glyphs: Glyph[] = [];
  for (const run of runs) {
    const style: TextStyle = {
      ...base,
      ...(run.bold && base.face === 'serif' && { face: 'serifBold' as const }),
      ...(run.underline && { underline: true }),
      ...(run.italic && { oblique: true }),
    };
    const primary = fonts.faces[style.face];
    for (const char of run.text) {
      if (char === '\n') {
        glyphs.push({ char, face: primary, style, width: 0, forcedBreak: true });
        continue;
      }
      const text = char === '\t' ? ' ' : char;
      const codePoint = text.codePointAt(0)!;
      if (codePoint < 0x20) continue;
      // A character the face lacks comes from a system CJK font if one has it; otherwise the
      // primary face's .notdef box is drawn rather than failing the document.
      const face = primary.has(codePoint) ? primary : (fonts.fallbacks.find((f) => f.has(codePoint)) ?? primary);
      glyphs.push({ char: text, face, style, width: face.advance(codePoint) * style.size + style.spacing });
    }
  }
  return glyphs;
}

function canBreakBetween(before: Glyph, after: Glyph): boolean {
  if (after.char === ' ') return false; // spaces stay at the end of the line they follow
  if (before.char === ' ') return true;
  if (isAsciiWord(before.char) && isAsciiWord(after.char)) return false;
  return !NO_LINE_START.has(after.char) && !NO_LINE_END.has(before.char);
}

/** Inside an e-mail address or URL: after @ . / _ and before a letter or digit. */
function softBreakBetween(before: Glyph, after: Glyph): boolean {
  return /^[@./_]$/.test(before.char) && /^[A-Za-z0-9]$/.test(after.char);
}

/** Glyphs that may be spread apart when a line is justified: never inside a Latin word or number. */
function stretchableGap(before: Glyph, after: Glyph): boolean {
  return !(isAsciiWord(before.char) && isAsciiWord(after.char));
}

interface LayoutOptions {
  width: number;
  firstIndent?: number;
  restIndent?: number;
  align?: 'justify' | 'left' | 'center' | 'right';
}

/**
 * Greedy line breaking with the Chinese rules (禁则): closing punctuation never starts a line and
 * opening punctuation never ends one; a comma or full stop that does not fit may hang in the
 * margin, as Word lets it. Lines other than a paragraph's last are justified.
 */
function layoutGlyphs(glyphs: Glyph[], options: LayoutOptions): Line[] {
  const { width, firstIndent = 0, restIndent = 0, align = 'justify' } = options;
  const ranges: { start: number; end: number; last: boolean }[] = [];
  let start = 0;
  while (start < glyphs.length) {
    const available = width - (ranges.length === 0 ? firstIndent : restIndent);
    let used = 0;
    let lastBreak = -1;
    let usedAtBreak = 0;
    let lastSoftBreak = -1;
    let end = start;
    let forced = false;
    while (end < glyphs.length) {
      const glyph = glyphs[end]!;
      if (glyph.forcedBreak) {
        forced = true;
        break;
      }
      if (end > start && canBreakBetween(glyphs[end - 1]!, glyph)) {
        lastBreak = end;
        usedAtBreak = used;
      } else if (end > start && softBreakBetween(glyphs[end - 1]!, glyph)) {
        lastSoftBreak = end;
      }
      const fits = used + glyph.width <= available + 0.01 || glyph.char === ' ';
      // A comma or full stop that does not fit hangs in the margin instead of starting a line.
      const hangs = !fits && HANGING.has(glyph.char) && end > start;
      if (!fits && !hangs) break;
      used += glyph.width;
      end += 1;
      if (hangs) break;
    }
    if (!forced && end > start && end < glyphs.length && !canBreakBetween(glyphs[end - 1]!, glyphs[end]!)) {
      // Back up to the last place a line may end; an e-mail address or URL may break after @ . /
      // when ending the line before it would leave it more than two characters short.
      const shortBy = available - usedAtBreak;
      const size = glyphs[start]!.style.size;
      if (lastSoftBreak > Math.max(start, lastBreak) && (lastBreak <= start || shortBy > 2 * size)) end = lastSoftBreak;
      else if (lastBreak > start && lastBreak < end) end = lastBreak;
    }
    if (end === start && !forced) end = start + 1; // a glyph wider than the line still gets its own
    ranges.push({ start, end, last: forced || end >= glyphs.length });
    start = forced ? end + 1 : end;
    while (!forced && start < glyphs.length && glyphs[start]!.char === ' ') start += 1;
  }

  return ranges.map((range, index) => {
    let end = range.end;
    while (end > range.start && glyphs[end - 1]!.char === ' ') end -= 1;
    const lineGlyphs = glyphs.slice(range.start, end);
    const indent = index === 0 ? firstIndent : restIndent;
    const available = width - indent;
    const natural = lineGlyphs.reduce((sum, g) => sum + g.width, 0) - (lineGlyphs.at(-1)?.style.spacing ?? 0);
    const gaps = lineGlyphs.slice(1).filter((g, i) => stretchableGap(lineGlyphs[i]!, g)).length;
    const hanging = lineGlyphs.length > 0 && HANGING.has(lineGlyphs.at(-1)!.char) && natural > available + 0.01;
    const slack = available - natural;
    let extra = 0;
    if (align === 'justify' && !range.last && gaps > 0 && slack > 0 && !hanging) {
      extra = slack / gaps;
      // A line ended early by a long unbreakable word is left ragged rather than torn apart.
      if (extra > (lineGlyphs[0]?.style.size ?? BODY_SIZE)) extra = 0;
    }
    let x = indent;
    if (align === 'center') x += Math.max(0, slack) / 2;
    else if (align === 'right') x += Math.max(0, slack);

    // One segment per stretch of glyphs drawn with the same face, style and spacing after each glyph.
    const segments: Segment[] = [];
    let current: Segment | null = null;
    let previousAfter = 0;
    lineGlyphs.forEach((glyph, i) => {
      const next = lineGlyphs[i + 1];
      const after = glyph.style.spacing + (next && stretchableGap(glyph, next) ? extra : 0);
      const advance = glyph.width - glyph.style.spacing;
      if (current && current.face === glyph.face && current.style === glyph.style && previousAfter === current.tc) {
        current.text += glyph.char;
        current.width += previousAfter + advance;
      } else {
        current = { text: glyph.char, face: glyph.face, style: glyph.style, x, width: advance, tc: after };
        segments.push(current);
      }
      previousAfter = after;
      x += advance + after;
    });
    return { segments };
  });
}

// ---------------------------------------------------------------------------------------------
// Items: what pagination stacks.

interface Item {
  height: number;
  draw(doc: PDFKit.PDFDocument, top: number): void;
  keepWithNext?: boolean;
  /** Blank space that is dropped when it would open a page. */
  collapsible?: boolean;
  /** Table header rows, drawn again when this item opens a page. */
  repeat?: Item[];
}

function drawSegments(doc: PDFKit.PDFDocument, segments: readonly Segment[], left: number, baseline: number): void {
  for (const segment of segments) {
    const { style } = segment;
    doc
      .font(segment.face.key)
      .fontSize(style.size)
      .fillColor(style.color)
      .text(segment.text, left + segment.x, baseline, {
        lineBreak: false,
        baseline: 'alphabetic',
        characterSpacing: segment.tc,
        ...(style.oblique && { oblique: 12 }),
      });
    if (style.underline) {
      const y = baseline + style.size * 0.14;
      doc
        .save()
        .lineWidth(style.size * 0.05)
        .strokeColor(style.color)
        .moveTo(left + segment.x, y)
        .lineTo(left + segment.x + segment.width, y)
        .stroke()
        .restore();
    }
  }
}

/** Baseline offset that centres a CJK em box of `size` in a line of `pitch`. */
const baselineIn = (pitch: number, size: number) => (pitch - size) / 2 + EM_ASCENT * size;

function lineItems(lines: Line[], pitch: number, size: number, options: { keepTogether?: boolean } = {}): Item[] {
  return lines.map((line, i) => ({
    height: pitch,
    // Widow and orphan control: a paragraph's first line stays with its second, the last with the one before.
    keepWithNext: options.keepTogether || (lines.length > 1 && (i === 0 || i === lines.length - 2)),
    draw: (doc, top) => drawSegments(doc, line.segments, LEFT, top + baselineIn(pitch, size)),
  }));
}

const spacer = (height: number, extra: Partial<Item> = {}): Item => ({ height, draw: () => {}, ...extra });

function bodyStyle(face: FaceName = 'serif'): TextStyle {
  return { face, size: BODY_SIZE, color: BLACK, spacing: BODY_SPACING };
}

function blockItems(block: Exclude<NoticeBlock, TableBlock>, fonts: Fonts): Item[] {
  const indent = 2 * CHAR_PITCH_PT;
  switch (block.type) {
    case 'heading': {
      // 黑体 for 一、 and 楷体 for （一） in Word; here the sans bold and serif bold faces.
      const face: FaceName = block.level === 1 ? 'sansBold' : block.level === 2 ? 'serifBold' : 'serif';
      const lines = layoutGlyphs(toGlyphs(block.runs, bodyStyle(face), fonts), { width: TEXT_WIDTH_PT, firstIndent: indent });
      return lineItems(lines, LINE_PITCH_PT, BODY_SIZE, { keepTogether: true });
    }
    case 'listItem': {
      const runs = [{ text: block.ordered ? block.marker : `${block.marker} ` }, ...block.runs];
      return lineItems(layoutGlyphs(toGlyphs(runs, bodyStyle(), fonts), { width: TEXT_WIDTH_PT, firstIndent: indent }), LINE_PITCH_PT, BODY_SIZE);
    }
    case 'paragraph': {
      const options = block.quote ? { width: TEXT_WIDTH_PT, firstIndent: 2 * indent, restIndent: indent } : { width: TEXT_WIDTH_PT, firstIndent: indent };
      return lineItems(layoutGlyphs(toGlyphs(block.runs, bodyStyle(), fonts), options), LINE_PITCH_PT, BODY_SIZE);
    }
  }
}

const glyphsWidth = (glyphs: readonly Glyph[]) => glyphs.reduce((sum, g) => sum + g.width, 0) - (glyphs.at(-1)?.style.spacing ?? 0);

function tableItems(table: TableBlock, fonts: Fonts): Item[] {
  const padX = TABLE_CELL_PADDING_PT.x;
  const padY = TABLE_CELL_PADDING_PT.y;
  const style = (header: boolean): TextStyle => ({ face: header ? 'sansBold' : 'serif', size: TABLE_FONT_SIZE_PT, color: BLACK, spacing: 0 });
  const cellGlyphs = table.rows.map((row) => row.map((cell) => cell.paragraphs.map((runs) => toGlyphs(runs, style(cell.header), fonts))));

  const natural = new Array<number>(table.columnCount).fill(0);
  const minimum = new Array<number>(table.columnCount).fill(0);
  table.rows.forEach((row, r) =>
    row.forEach((cell, c) => {
      if (cell.colspan !== 1) return;
      for (const glyphs of cellGlyphs[r]![c]!) {
        const width = glyphsWidth(glyphs);
        natural[cell.column] = Math.max(natural[cell.column]!, width + 2 * padX);
        minimum[cell.column] = Math.max(minimum[cell.column]!, Math.min(width, 8 * TABLE_FONT_SIZE_PT) + 2 * padX);
      }
    }),
  );
  const widths = distributeColumnWidths(natural, minimum, TEXT_WIDTH_PT);
  const columnX = widths.reduce<number[]>((xs, w) => [...xs, xs.at(-1)! + w], [0]);

  const cells = table.rows.map((row, r) =>
    row.map((cell, c) => {
      const width = columnX[cell.column + cell.colspan]! - columnX[cell.column]!;
      const lines = cellGlyphs[r]![c]!.flatMap((glyphs) => layoutGlyphs(glyphs, { width: width - 2 * padX, align: cell.header ? 'center' : 'justify' }));
      return { cell, width, lines, contentHeight: Math.max(1, lines.length) * TABLE_LINE_PITCH_PT + 2 * padY };
    }),
  );

  // Rows take the height of their tallest single-row cell; a merged cell that needs more grows its last row.
  const heights = cells.map((row) => Math.max(TABLE_LINE_PITCH_PT + 2 * padY, ...row.filter((x) => x.cell.rowspan === 1).map((x) => x.contentHeight)));
  cells.forEach((row, r) =>
    row.forEach((x) => {
      if (x.cell.rowspan === 1) return;
      const spanned = heights.slice(r, r + x.cell.rowspan).reduce((a, b) => a + b, 0);
      if (spanned < x.contentHeight) heights[r + x.cell.rowspan - 1]! += x.contentHeight - spanned;
    }),
  );

  // Bands: runs of rows that merged cells tie together, kept on one page.
  const bands: { start: number; end: number }[] = [];
  for (let start = 0; start < table.rows.length; ) {
    let end = start + 1;
    for (let r = start; r < end; r++) {
      for (const cell of table.rows[r]!) end = Math.max(end, r + cell.rowspan);
    }
    bands.push({ start, end });
    start = end;
  }

  const bandItem = (band: { start: number; end: number }): Item => ({
    height: heights.slice(band.start, band.end).reduce((a, b) => a + b, 0),
    draw: (doc, top) => {
      const rowTop = (r: number) => top + heights.slice(band.start, r).reduce((a, b) => a + b, 0);
      for (let r = band.start; r < band.end; r++) {
        for (const { cell, width, lines } of cells[r]!) {
          const x = LEFT + columnX[cell.column]!;
          const y = rowTop(r);
          const height = rowTop(r + cell.rowspan) - y;
          doc.save().lineWidth(TABLE_BORDER_PT).strokeColor(BLACK).rect(x, y, width, height).stroke().restore();
          // Cell text is centred vertically, as the Word version sets it.
          const textTop = y + (height - lines.length * TABLE_LINE_PITCH_PT) / 2;
          lines.forEach((line, i) => drawSegments(doc, line.segments, x + padX, textTop + i * TABLE_LINE_PITCH_PT + baselineIn(TABLE_LINE_PITCH_PT, TABLE_FONT_SIZE_PT)));
        }
      }
    },
  });

  const headerBands = bands.filter((band) => band.end <= table.headerRowCount);
  const headerItems = headerBands.map((band) => ({ ...bandItem(band), keepWithNext: true }));
  const bodyItems = bands.filter((band) => band.end > table.headerRowCount).map((band) => ({ ...bandItem(band), ...(headerItems.length > 0 && { repeat: headerItems }) }));
  return [...headerItems, ...bodyItems];
}

function noticeItems(notice: ComposedNotice, fonts: Fonts): Item[] {
  const items: Item[] = [];
  const { faces } = fonts;
  const emsOf = (face: FontFace) => (text: string) => [...text].reduce((sum, char) => sum + face.advance(char.codePointAt(0)!), 0);

  // 版头: 发文机关标志 35 mm into the 版心, 文号 two lines below, the red rule 4 mm under it.
  items.push(spacer(mmToPt(HEADER_OFFSET_MM)));
  const issuerSize = issuerFontSize(notice.issuers, emsOf(faces.serifBold));
  for (const name of notice.issuers) {
    const lines = layoutGlyphs(toGlyphs([{ text: name }], { face: 'serifBold', size: issuerSize, color: RED, spacing: 0 }, fonts), { width: TEXT_WIDTH_PT, align: 'center' });
    items.push(...lineItems(lines, issuerSize * 1.25, issuerSize, { keepTogether: true }));
  }
  items.push(spacer(2 * LINE_PITCH_PT));
  const numberLines = layoutGlyphs(toGlyphs([{ text: notice.documentNumber }], { face: 'serif', size: BODY_SIZE, color: BLACK, spacing: 0 }, fonts), { width: TEXT_WIDTH_PT, align: 'center' });
  // Without a 文号 its line stays empty, so the rule keeps its place.
  items.push(...(numberLines.length > 0 ? lineItems(numberLines, LINE_PITCH_PT, BODY_SIZE) : [spacer(LINE_PITCH_PT)]));
  const textBottom = baselineIn(LINE_PITCH_PT, BODY_SIZE) + (1 - EM_ASCENT) * BODY_SIZE - LINE_PITCH_PT;
  const ruleOffset = textBottom + mmToPt(RULE_GAP_MM);
  items.push({
    height: ruleOffset + RULE_WIDTH_PT,
    draw: (doc, top) => {
      const y = top + ruleOffset;
      doc.save().lineWidth(RULE_WIDTH_PT).strokeColor(RED).moveTo(LEFT, y).lineTo(LEFT + TEXT_WIDTH_PT, y).stroke().restore();
    },
  });
  items.push(spacer(2 * LINE_PITCH_PT));

  // Title in balanced lines, one blank line, then the 主送机关 flush left.
  for (const text of notice.titleLines) {
    const lines = layoutGlyphs(toGlyphs([{ text }], { face: 'serifBold', size: FONT_SIZE.er, color: BLACK, spacing: 0 }, fonts), { width: TEXT_WIDTH_PT, align: 'center' });
    items.push(...lineItems(lines, TITLE_LINE_PITCH_PT, FONT_SIZE.er, { keepTogether: true }));
  }
  items.push(spacer(LINE_PITCH_PT, { keepWithNext: true }));
  if (notice.addressees) {
    items.push(...lineItems(layoutGlyphs(toGlyphs([{ text: notice.addressees }], bodyStyle(), fonts), { width: TEXT_WIDTH_PT }), LINE_PITCH_PT, BODY_SIZE));
  }

  for (const block of notice.body) items.push(...(block.type === 'table' ? tableItems(block, fonts) : blockItems(block, fonts)));

  // 附件说明: one blank line, 附件：1.… two characters in; names that wrap align with their first character.
  if (notice.attachments.length > 0) {
    items.push(spacer(LINE_PITCH_PT, { collapsible: true }));
    const measure = (text: string) => glyphsWidth(toGlyphs([{ text }], bodyStyle(), fonts)) + BODY_SPACING;
    const labelWidth = measure('附件：');
    for (const [i, line] of notice.attachments.entries()) {
      const first = 2 * CHAR_PITCH_PT + (i === 0 ? 0 : labelWidth);
      const rest = 2 * CHAR_PITCH_PT + labelWidth + (line.number ? measure(line.number) : 0);
      const glyphs = toGlyphs([{ text: `${line.label}${line.number}${line.name}` }], bodyStyle(), fonts);
      items.push(...lineItems(layoutGlyphs(glyphs, { width: TEXT_WIDTH_PT, firstIndent: first, restIndent: rest }), LINE_PITCH_PT, BODY_SIZE));
    }
  }

  // 署名 and 成文日期: the last line above keeps them company, so the seal never sits alone on a page.
  const last = items.at(-1);
  if (last) last.keepWithNext = true;
  const lineGlyphs = (text: string) => toGlyphs([{ text }], bodyStyle(), fonts);
  const signatureGlyphs = notice.signature.map(lineGlyphs);
  const dateGlyphs = lineGlyphs(notice.date);
  const { dateRight, signatureRights } = signatureGeometry(signatureGlyphs.map(glyphsWidth), glyphsWidth(dateGlyphs), CHAR_PITCH_PT);
  items.push(spacer(SIGNATURE_BLANK_LINES * LINE_PITCH_PT, { keepWithNext: true, collapsible: true }));
  const rightAligned = (glyphs: Glyph[], right: number): Item[] =>
    layoutGlyphs(glyphs, { width: TEXT_WIDTH_PT - right, align: 'right' }).map((line) => ({
      height: LINE_PITCH_PT,
      keepWithNext: true,
      draw: (doc, top) => drawSegments(doc, line.segments, LEFT, top + baselineIn(LINE_PITCH_PT, BODY_SIZE)),
    }));
  signatureGlyphs.forEach((glyphs, i) => items.push(...rightAligned(glyphs, signatureRights[i]!)));
  items.push(...rightAligned(dateGlyphs, dateRight));
  items.at(-1)!.keepWithNext = false;
  return items;
}

// ---------------------------------------------------------------------------------------------
// Pagination and output.

function drawPageNumber(doc: PDFKit.PDFDocument, page: number, fonts: Fonts): void {
  const style: TextStyle = { face: 'serif', size: FONT_SIZE.si, color: BLACK, spacing: 0 };
  const glyphs = toGlyphs([{ text: `— ${page} —` }], style, fonts);
  const width = glyphsWidth(glyphs);
  // Odd pages on the right, even pages on the left, one character in from the 版心 edge (7.5).
  const x = page % 2 === 1 ? LEFT + TEXT_WIDTH_PT - FONT_SIZE.si - width : LEFT + FONT_SIZE.si;
  const [line] = layoutGlyphs(glyphs, { width: PAGE.width, align: 'left' });
  drawSegments(doc, line?.segments ?? [], x, BOTTOM + mmToPt(PAGE_NUMBER_GAP_MM) + EM_ASCENT * FONT_SIZE.si);
}

function paginate(doc: PDFKit.PDFDocument, items: readonly Item[], fonts: Fonts): number {
  let page = 1;
  let y = TOP;
  let pageHasContent = false;
  drawPageNumber(doc, page, fonts);
  const newPage = () => {
    doc.addPage();
    page += 1;
    y = TOP;
    pageHasContent = false;
    drawPageNumber(doc, page, fonts);
  };
  items.forEach((item, i) => {
    if (item.collapsible && !pageHasContent && page > 1) return;
    let chain = item.height;
    for (let j = i; items[j]?.keepWithNext && j + 1 < items.length && chain < TEXT_HEIGHT_PT; j++) chain += items[j + 1]!.height;
    if (pageHasContent && y + Math.min(chain, TEXT_HEIGHT_PT) > BOTTOM + 0.01) {
      newPage();
      if (item.collapsible) return;
      for (const header of item.repeat ?? []) {
        header.draw(doc, y);
        y += header.height;
      }
    }
    item.draw(doc, y);
    y += item.height;
    if (!item.collapsible && item.height > 0) pageHasContent = true;
  });
  return page;
}

function characters(notice: ComposedNotice): string {
  const parts = [notice.documentNumber, notice.title, notice.addressees ?? '', notice.date, ...notice.issuers, ...notice.signature];
  for (const line of notice.attachments) parts.push(line.label, line.number, line.name);
  const runs = (block: NoticeBlock): InlineRun[] => (block.type === 'table' ? block.rows.flat().flatMap((cell) => cell.paragraphs.flat()) : block.runs);
  for (const block of notice.body) parts.push(...runs(block).map((run) => run.text));
  return parts.join('');
}

/** Renders the notice as a PDF with the Noto SC faces embedded as subsets. */
export async function renderNoticePdf(input: NoticeDocumentInput): Promise<Buffer> {
  const notice = composeNotice(input);
  const { doc, fonts, done } = await openCjkPdf(characters(notice), notice.metadata);
  paginate(doc, noticeItems(notice, fonts), fonts);
  doc.end();
  return done;
}
