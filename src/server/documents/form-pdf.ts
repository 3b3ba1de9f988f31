/**
 * A filled form as a PDF, for viewing and archiving beside the stamped scan: the same tables as the
 * .docx (composeFilledForm), drawn with pdfkit and the embedded Noto SC faces.
 *
 * pdfkit's own text wrapping knows neither Chinese line-breaking rules nor cells, so text is cut
 * into lines here; rows grow with their content, bands of rows tied by a merged cell stay on one
 * page, each item starts a page, and a long 工作方案 row continues on the next page with its
 * borders. Tick boxes are drawn as vector squares (the CJK faces have no ☑) wrapped in marked
 * content whose ActualText is ☑ or □, so that copied or extracted text still says which is ticked.
 */
import type { FaceName, FontFace } from './fonts';
import { openCjkPdf, type Fonts } from './pdf-document';
import {
  CHECKED_BOX,
  EMPTY_BLANK,
  FORM_CELL_PADDING_PT,
  FORM_PITCH,
  FORM_SIZE,
  UNCHECKED_BOX,
  composeFilledForm,
  composedText,
  type ComposedForm,
  type FilledFormInput,
  type FormBlock,
  type FormCell,
  type FormParagraph,
  type FormTable,
} from './form-document';
import { FONT_SIZE, NO_LINE_END, NO_LINE_START, PAGE_MM, TABLE_BORDER_PT, TEXT_HEIGHT_PT, TEXT_WIDTH_PT, mmToPt } from './notice-document';

const PAGE = { width: mmToPt(PAGE_MM.width), height: mmToPt(PAGE_MM.height) };
const LEFT = mmToPt(PAGE_MM.left);
const TOP = mmToPt(PAGE_MM.top);
const BOTTOM = TOP + TEXT_HEIGHT_PT;
/** Where the .docx footer puts the page number: 18 mm above the bottom edge. */
const PAGE_NUMBER_BASELINE = PAGE.height - mmToPt(18) - 0.12 * FONT_SIZE.si;
/** CJK glyphs sit in an em box from 0.88 em above the baseline to 0.12 em below it. */
const EM_ASCENT = 0.88;
const BLACK = '#000000';
const IDEOGRAPHIC_SPACE = '\u3000';


// ---------------------------------------------------------------------------------------------
// Text: pieces (a glyph or a tick box) broken into lines.

interface Piece {
  char: string;
  face: FontFace;
  size: number;
  width: number;
  underline: boolean;
  /** A tick box, drawn as a square; checked or not. */
  box?: boolean;
  /** No line break before this piece (an option's box stays with its name). */
  glue: boolean;
}

interface Line {
  pieces: Piece[];
  /** Left offset of each piece within the line. */
  xs: number[];
}

const NBSP = '\u00a0';
const isAsciiWord = (char: string) => /^[A-Za-z0-9_\-.,@/:%+#&=?~'’]$/.test(char);

function pieces(text: string, face: FaceName, size: number, fonts: Fonts, extra: { underline?: boolean; glue?: boolean } = {}): Piece[] {
  const primary = fonts.faces[face];
  const out: Piece[] = [];
  for (const raw of text) {
    const char = raw === '\t' || raw === NBSP ? ' ' : raw;
    const codePoint = char.codePointAt(0)!;
    if (codePoint < 0x20) continue;
    // A character the face lacks comes from a system CJK font if one has it; otherwise the
    // primary face's .notdef box is drawn rather than failing the document.
    const glyphFace = primary.has(codePoint) ? primary : (fonts.fallbacks.find((f) => f.has(codePoint)) ?? primary);
    out.push({ char, face: glyphFace, size, width: glyphFace.advance(codePoint) * size, underline: extra.underline ?? false, glue: (extra.glue ?? false) && out.length === 0 });
  }
  return out;
}

function paragraphPieces(p: FormParagraph, fonts: Fonts, face: FaceName = 'serif'): Piece[] {
  const size = p.size === 'small' ? FORM_SIZE.small : FORM_SIZE.table;
  const out: Piece[] = [];
  for (const part of p.runs) {
    if (part.type === 'text') out.push(...pieces(part.text, face, size, fonts));
    else if (part.type === 'option') {
      out.push(...pieces(part.label, face, size, fonts), ...pieces(' ', face, size, fonts, { glue: true }));
      out.push({ char: part.checked ? CHECKED_BOX : UNCHECKED_BOX, face: fonts.faces[face], size, width: size, underline: false, box: part.checked, glue: true });
    } else if (part.text) out.push(...pieces(` ${part.text} `, face, size, fonts, { underline: true }));
    else out.push(...pieces(EMPTY_BLANK, face, size, fonts));
  }
  return out;
}

function canBreakBefore(before: Piece, after: Piece): boolean {
  if (after.glue) return false;
  if (after.char === ' ') return false; // spaces stay at the end of the line they follow
  if (before.char === ' ') return true;
  if (isAsciiWord(before.char) && isAsciiWord(after.char)) return false;
  return !NO_LINE_START.has(after.char) && !NO_LINE_END.has(before.char);
}

/**
 * Greedy line breaking with the Chinese rules (禁则): closing punctuation never starts a line and
 * opening punctuation never ends one; Latin words and numbers are not split unless longer than a
 * line. Justified paragraphs spread all but their last line to the full width.
 */
function layoutLines(all: Piece[], width: number, align: FormParagraph['align'], firstIndent = 0): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < all.length) {
    const available = width - (lines.length === 0 ? firstIndent : 0);
    let used = 0;
    let end = start;
    let lastBreak = -1;
    while (end < all.length) {
      const piece = all[end]!;
      if (end > start && canBreakBefore(all[end - 1]!, piece)) lastBreak = end;
      if (used + piece.width > available + 0.01 && piece.char !== ' ' && end > start) break;
      used += piece.width;
      end += 1;
    }
    if (end < all.length && lastBreak > start) end = lastBreak;
    let stop = end;
    while (stop > start && all[stop - 1]!.char === ' ' && !all[stop - 1]!.underline) stop -= 1;
    const line = all.slice(start, stop);
    const last = end >= all.length;
    const natural = line.reduce((sum, p) => sum + p.width, 0);
    const slack = available - natural;
    const indent = lines.length === 0 ? firstIndent : 0;
    let x = indent + (align === 'center' ? Math.max(0, slack) / 2 : 0);
    let extra = 0;
    if (align === 'justify' && !last && line.length > 1 && slack > 0) {
      extra = slack / (line.length - 1);
      // A line ended early by a long unbreakable word is left ragged rather than torn apart.
      if (extra > 0.5 * (line[0]?.size ?? FORM_SIZE.table)) extra = 0;
    }
    const xs = line.map((p) => {
      const at = x;
      x += p.width + extra;
      return at;
    });
    lines.push({ pieces: line, xs });
    start = end;
    while (start < all.length && all[start]!.char === ' ' && !all[start]!.underline) start += 1;
  }
  return lines;
}

/** Draws a line with its baseline at `baseline`; runs of glyphs in one face go out as one text call. */
function drawLine(doc: PDFKit.PDFDocument, line: Line, left: number, baseline: number): void {
  let i = 0;
  while (i < line.pieces.length) {
    const first = line.pieces[i]!;
    if (first.box !== undefined) {
      drawBox(doc, first, left + line.xs[i]!, baseline);
      i += 1;
      continue;
    }
    // Extend the segment while face, size and underline stay and the spacing between glyphs is even.
    let j = i + 1;
    const gap = (k: number) => line.xs[k]! - line.xs[k - 1]! - line.pieces[k - 1]!.width;
    while (
      j < line.pieces.length &&
      line.pieces[j]!.box === undefined &&
      line.pieces[j]!.face === first.face &&
      line.pieces[j]!.size === first.size &&
      line.pieces[j]!.underline === first.underline &&
      (j === i + 1 || Math.abs(gap(j) - gap(i + 1)) < 0.001)
    ) {
      j += 1;
    }
    const spacing = j > i + 1 ? gap(i + 1) : 0;
    const text = line.pieces
      .slice(i, j)
      .map((p) => p.char)
      .join('');
    const x = left + line.xs[i]!;
    doc.font(first.face.key).fontSize(first.size).fillColor(BLACK).text(text, x, baseline, { lineBreak: false, baseline: 'alphabetic', characterSpacing: spacing });
    if (first.underline) {
      const end = left + line.xs[j - 1]! + line.pieces[j - 1]!.width;
      const y = baseline + first.size * 0.14;
      doc
        .save()
        .lineWidth(first.size * 0.05)
        .strokeColor(BLACK)
        .moveTo(x, y)
        .lineTo(end, y)
        .stroke()
        .restore();
    }
    i = j;
  }
}

/** The parts of pdfkit's current font the placeholder glyph needs (pdfkit keeps them internal). */
interface PdfkitFontInternals {
  _font: { id: string; ref(): unknown; encode(text: string): [string[], unknown[]] };
  page: { fonts: Record<string, unknown> };
}

/**
 * A tick box as a square, with a check mark when ticked. An ideographic space under marked content
 * whose ActualText is ☑ or □ gives text extraction and screen readers the character: poppler
 * reports ActualText only for spans that show a glyph, and places it with the transformation in
 * force at the span's end, so the glyph is written here in page space (pdfkit's text() would wrap
 * it in a transformation of its own and the ☑ would be reported a line away).
 */
function drawBox(doc: PDFKit.PDFDocument, piece: Piece, x: number, baseline: number): void {
  const size = piece.size;
  doc.font(piece.face.key).fontSize(size);
  const internals = doc as unknown as PdfkitFontInternals;
  const font = internals._font;
  internals.page.fonts[font.id] ??= font.ref();
  const [encoded] = font.encode(IDEOGRAPHIC_SPACE);
  doc.markContent('Span', { actual: piece.box ? CHECKED_BOX : UNCHECKED_BOX });
  // The page's transformation flips y; the text matrix flips it back so that the glyph is upright.
  doc.addContent(`BT 1 0 0 -1 ${x.toFixed(3)} ${baseline.toFixed(3)} Tm /${font.id} ${size} Tf <${encoded.join('')}> Tj ET`);
  doc.endMarkedContent();

  const side = 0.72 * size;
  const left = x + (size - side) / 2;
  const top = baseline - EM_ASCENT * size + (size - side) / 2;
  doc.save().lineWidth(0.6).strokeColor(BLACK).rect(left, top, side, side).stroke();
  if (piece.box) {
    doc
      .lineWidth(1.1)
      .lineJoin('round')
      .lineCap('round')
      .moveTo(left + 0.18 * side, top + 0.52 * side)
      .lineTo(left + 0.42 * side, top + 0.78 * side)
      .lineTo(left + 0.84 * side, top + 0.2 * side)
      .stroke();
  }
  doc.restore();
}

/** Baseline offset that centres a CJK em box of `size` in a line of `pitch`. */
const baselineIn = (pitch: number, size: number) => (pitch - size) / 2 + EM_ASCENT * size;

// ---------------------------------------------------------------------------------------------
// Flow items and pagination.

interface Item {
  height: number;
  draw(doc: PDFKit.PDFDocument, top: number): void;
  keepWithNext?: boolean;
  pageBreakBefore?: boolean;
  /** Height of the smallest first part when the item may split across pages. */
  minFirst?: number;
  /** Splits the item into a part at most `available` high and the rest, or null when it cannot. */
  split?: (available: number) => [Item, Item] | null;
}

interface TextLine {
  line: Line;
  pitch: number;
  size: number;
}

function textItems(lines: TextLine[], keepTogether: boolean, extra: Partial<Item> = {}): Item[] {
  return lines.map((l, i) => ({
    height: l.pitch,
    keepWithNext: keepTogether ? i < lines.length - 1 || (extra.keepWithNext ?? false) : (extra.keepWithNext ?? false) && i === lines.length - 1,
    ...(i === 0 && extra.pageBreakBefore && { pageBreakBefore: true }),
    draw: (doc, top) => drawLine(doc, l.line, LEFT, top + baselineIn(l.pitch, l.size)),
  }));
}

const spacer = (height: number, extra: Partial<Item> = {}): Item => ({ height, draw: () => {}, ...extra });

interface LaidCell {
  cell: FormCell;
  x: number;
  width: number;
  lines: TextLine[];
  contentHeight: number;
}

function layoutCell(cell: FormCell, x: number, width: number, fonts: Fonts): LaidCell {
  const lines: TextLine[] = [];
  for (const p of cell.paragraphs) {
    const size = p.size === 'small' ? FORM_SIZE.small : FORM_SIZE.table;
    const pitch = p.size === 'small' ? FORM_PITCH.small : FORM_PITCH.table;
    const laid = layoutLines(paragraphPieces(p, fonts), width - 2 * cell.paddingX, p.align, p.firstLineIndent ? 2 * size : 0);
    for (const line of laid.length > 0 ? laid : [{ pieces: [], xs: [] }]) lines.push({ line, pitch, size });
  }
  const textHeight = lines.reduce((sum, l) => sum + l.pitch, 0);
  return { cell, x, width, lines, contentHeight: Math.max(textHeight, FORM_PITCH.table) + 2 * FORM_CELL_PADDING_PT.y };
}

function drawCellText(doc: PDFKit.PDFDocument, laid: LaidCell, lines: readonly TextLine[], top: number, height: number, align: 'center' | 'top'): void {
  const textHeight = lines.reduce((sum, l) => sum + l.pitch, 0);
  let y = align === 'top' ? top + FORM_CELL_PADDING_PT.y : top + (height - textHeight) / 2;
  for (const l of lines) {
    drawLine(doc, l.line, laid.x + laid.cell.paddingX, y + baselineIn(l.pitch, l.size));
    y += l.pitch;
  }
}

const strokeRect = (doc: PDFKit.PDFDocument, x: number, y: number, width: number, height: number) =>
  doc.save().lineWidth(TABLE_BORDER_PT).strokeColor(BLACK).rect(x, y, width, height).stroke().restore();

function tableItems(table: FormTable, fonts: Fonts): Item[] {
  const columnX = table.columnWidths.reduce<number[]>((xs, w) => [...xs, xs.at(-1)! + w], [0]);
  const cells = table.rows.map((row) =>
    row.cells.map((cell) => layoutCell(cell, LEFT + columnX[cell.column]!, columnX[cell.column + cell.colspan]! - columnX[cell.column]!, fonts)),
  );
  // Rows take their tallest single-row cell; a merged cell that needs more grows its last row.
  const heights = table.rows.map((row, r) => Math.max(row.minHeight, ...cells[r]!.filter((c) => c.cell.rowspan === 1).map((c) => c.contentHeight)));
  cells.forEach((row, r) =>
    row.forEach((c) => {
      if (c.cell.rowspan === 1) return;
      const spanned = heights.slice(r, r + c.cell.rowspan).reduce((a, b) => a + b, 0);
      if (spanned < c.contentHeight) heights[r + c.cell.rowspan - 1]! += c.contentHeight - spanned;
    }),
  );

  const items: Item[] = [];
  for (let start = 0; start < table.rows.length; ) {
    // A band: rows that merged cells tie together, kept on one page.
    let end = start + 1;
    for (let r = start; r < end; r++) for (const cell of table.rows[r]!.cells) end = Math.max(end, r + cell.rowspan);
    const band = { start, end };
    const height = heights.slice(start, end).reduce((a, b) => a + b, 0);
    const single = end - start === 1 && table.rows[start]!.canSplit;
    items.push(
      single
        ? splittableRow(cells[start]!, height)
        : {
            height,
            draw: (doc, top) => {
              const rowTop = (r: number) => top + heights.slice(band.start, r).reduce((a, b) => a + b, 0);
              for (let r = band.start; r < band.end; r++) {
                for (const laid of cells[r]!) {
                  const y = rowTop(r);
                  const h = rowTop(r + laid.cell.rowspan) - y;
                  strokeRect(doc, laid.x, y, laid.width, h);
                  drawCellText(doc, laid, laid.lines, y, h, laid.cell.verticalAlign);
                }
              }
            },
          },
    );
    start = end;
  }
  return items;
}

/**
 * A row of long text that may continue on the next page: each part shows the lines that fit, with
 * the cell borders closed at the page foot and reopened at the next page's head. Cells other than
 * the tallest (a label) show in the first part.
 */
function splittableRow(row: LaidCell[], height: number, continued = false): Item {
  const pad = FORM_CELL_PADDING_PT.y;
  const tallest = row.reduce((a, b) => (b.lines.length > a.lines.length ? b : a));
  const draw = (doc: PDFKit.PDFDocument, top: number) => {
    for (const laid of row) {
      strokeRect(doc, laid.x, top, laid.width, height);
      drawCellText(doc, laid, laid.lines, top, height, continued ? 'top' : laid.cell.verticalAlign);
    }
  };
  const firstLine = tallest.lines[0]?.pitch ?? FORM_PITCH.table;
  return {
    height,
    draw,
    minFirst: Math.min(height, 2 * pad + 3 * firstLine),
    split: (available) => {
      let used = 2 * pad;
      let count = 0;
      while (count < tallest.lines.length && used + tallest.lines[count]!.pitch <= available) used += tallest.lines[count++]!.pitch;
      // At least three lines before the break and one after, or the row moves to the next page whole.
      if (count < 3 || count >= tallest.lines.length) return null;
      const restLines = tallest.lines.slice(count);
      const restHeight = Math.max(height - used, restLines.reduce((s, l) => s + l.pitch, 0) + 2 * pad);
      const first = row.map((laid) => (laid === tallest ? { ...laid, lines: tallest.lines.slice(0, count) } : laid));
      const rest = row.map((laid) => (laid === tallest ? { ...laid, lines: restLines } : { ...laid, lines: [] }));
      return [splittableRow(first, available, continued), splittableRow(rest, restHeight, true)];
    },
  };
}

function blockItems(block: FormBlock, fonts: Fonts): Item[] {
  switch (block.type) {
    case 'itemHeading':
    case 'heading': {
      const size = FORM_SIZE.heading;
      const align = block.type === 'itemHeading' ? 'center' : 'left';
      const lines = layoutLines(pieces(block.text, 'sansBold', size, fonts), TEXT_WIDTH_PT, align).map((line) => ({ line, pitch: FORM_PITCH.heading, size }));
      const before = block.type === 'heading' ? [spacer(6, { keepWithNext: true, ...(block.pageBreakBefore && { pageBreakBefore: true }) })] : [];
      return [...before, ...textItems(lines, true, { keepWithNext: true, ...(block.pageBreakBefore && before.length === 0 && { pageBreakBefore: true }) })];
    }
    case 'note': {
      const size = FORM_SIZE.small;
      const lines = layoutLines(pieces(block.text, 'serif', size, fonts), TEXT_WIDTH_PT, 'justify').map((line) => ({ line, pitch: FORM_PITCH.small, size }));
      const keep = block.placement === 'before';
      return [spacer(3, { keepWithNext: true }), ...textItems(lines, keep, { keepWithNext: keep }), spacer(3, { keepWithNext: keep })];
    }
    case 'table':
      return tableItems(block.table, fonts);
  }
}

function formItems(form: ComposedForm, fonts: Fonts): Item[] {
  const items: Item[] = [];
  const title = form.titleLines.flatMap((text) =>
    layoutLines(pieces(text, 'serifBold', FORM_SIZE.title, fonts), TEXT_WIDTH_PT, 'center').map((line) => ({ line, pitch: FORM_PITCH.title, size: FORM_SIZE.title })),
  );
  items.push(...textItems(title, true, { keepWithNext: true }), spacer(FORM_PITCH.line / 2, { keepWithNext: true }));
  for (const seal of form.sealLines ?? []) {
    const lines = layoutLines(pieces(`${seal.label}${seal.value}`, 'serif', FORM_SIZE.line, fonts), TEXT_WIDTH_PT, 'left');
    items.push(...textItems(lines.map((line) => ({ line, pitch: FORM_PITCH.line, size: FORM_SIZE.line })), true, { keepWithNext: true }));
  }
  for (const block of form.blocks) items.push(...blockItems(block, fonts));
  return items;
}

function drawPageNumber(doc: PDFKit.PDFDocument, page: number, fonts: Fonts): void {
  const [line] = layoutLines(pieces(`— ${page} —`, 'serif', FONT_SIZE.si, fonts), TEXT_WIDTH_PT, 'center');
  if (line) drawLine(doc, line, LEFT, PAGE_NUMBER_BASELINE);
}

function paginate(doc: PDFKit.PDFDocument, source: readonly Item[], fonts: Fonts): number {
  const items = [...source];
  let page = 1;
  let y = TOP;
  const atTop = () => y <= TOP + 0.01;
  const overflows = (height: number) => y + height > BOTTOM + 0.01;
  drawPageNumber(doc, page, fonts);
  const newPage = () => {
    doc.addPage();
    page += 1;
    y = TOP;
    drawPageNumber(doc, page, fonts);
  };
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.pageBreakBefore && !atTop()) newPage();
    // The chain of items kept together; a splittable item counts only its smallest first part.
    let chain = item.minFirst ?? item.height;
    for (let j = i; items[j]?.keepWithNext && j + 1 < items.length && chain < TEXT_HEIGHT_PT; j++) {
      const next = items[j + 1]!;
      chain += next.minFirst ?? next.height;
    }
    if (!atTop() && overflows(Math.min(chain, TEXT_HEIGHT_PT))) newPage();
    if (overflows(item.height) && item.split) {
      const parts = item.split(BOTTOM - y);
      if (parts) {
        parts[0].draw(doc, y);
        newPage();
        items.splice(i + 1, 0, parts[1]);
        continue;
      }
      if (!atTop()) {
        // Too little room for a useful first part here: try again at the top of the next page.
        newPage();
        i -= 1;
        continue;
      }
    }
    // What is still too tall for a page (it cannot split) overflows rather than being lost.
    item.draw(doc, y);
    y += item.height;
  }
  return page;
}

/** Renders the filled form as a PDF with the Noto SC faces embedded as subsets. */
export async function renderFilledFormPdf(input: FilledFormInput): Promise<Buffer> {
  const form = composeFilledForm(input);
  const { doc, fonts, done } = await openCjkPdf(composedText(form), form.metadata);
  paginate(doc, formItems(form, fonts), fonts);
  doc.end();
  return done;
}
