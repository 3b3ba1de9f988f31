/**
 * A filled form as a Word document, for units that print, stamp, scan and upload it (Word, WPS and
 * LibreOffice open it alike). The tables are those composeFilledForm lays out; Word wraps the text
 * inside the cells itself.
 *
 * The docx library builds the package once per process: styles with the Chinese fonts and
 * languages, settings, the page-number footer, section properties. The body of each form is then
 * written straight to WordprocessingML and zipped with the cached parts: docx's object model costs
 * about 50 ms to serialise a three-item form (an empty document alone takes 17 ms), and a campaign
 * downloads forms by the hundred. The markup written here is the subset docx itself emits for
 * paragraphs, runs and tables, with child elements in schema order, which Word requires.
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { AlignmentType, Document, Footer, LineRuleType, Packer, PageNumber, Paragraph, TextRun } from 'docx';
import {
  CHECKED_BOX,
  EMPTY_BLANK,
  FORM_CELL_PADDING_PT,
  FORM_PITCH,
  FORM_SIZE,
  INVALID_XML_CHARS,
  UNCHECKED_BOX,
  composeFilledForm,
  type ComposedForm,
  type FilledFormInput,
  type FormBlock,
  type FormParagraph,
  type FormTable,
} from './form-document';
import { FONT_SIZE, PAGE_MM, TABLE_BORDER_PT, WORD_FONTS, mmToPt, ptToTwips } from './notice-document';

/**
 * ☑ is in neither 仿宋_GB2312 nor 宋体; Segoe UI Symbol has ☑ and □ on every Windows since 7, and
 * LibreOffice substitutes a font that has them (DejaVu Sans, OpenSymbol) where it is missing.
 */
const BOX_FONT = 'Segoe UI Symbol';
const NBSP = '\u00a0';

// ---------------------------------------------------------------------------------------------
// WordprocessingML.

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function escapeXml(text: string): string {
  return text.replace(INVALID_XML_CHARS, '').replace(/[&<>"]/g, (c) => XML_ESCAPES[c]!);
}

interface RunStyle {
  font?: string;
  size?: number;
  underline?: boolean;
}

/** A run; the document defaults (仿宋_GB2312, 小四) need no properties. */
function run(text: string, style: RunStyle = {}, lineBreakBefore = false): string {
  let props = '';
  if (style.font && style.font !== WORD_FONTS.body) {
    const f = escapeXml(style.font);
    props += `<w:rFonts w:ascii="${f}" w:hAnsi="${f}" w:eastAsia="${f}" w:cs="${f}"/>`;
  }
  if (style.size && style.size !== FORM_SIZE.table) {
    const half = Math.round(style.size * 2);
    props += `<w:sz w:val="${half}"/><w:szCs w:val="${half}"/>`;
  }
  if (style.underline) props += '<w:u w:val="single"/>';
  return `<w:r>${props && `<w:rPr>${props}</w:rPr>`}${lineBreakBefore ? '<w:br/>' : ''}<w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r>`;
}

interface ParagraphStyle {
  keepNext?: boolean;
  pageBreakBefore?: boolean;
  /** Exact line pitch in points, with space before and after; the default is the table pitch. */
  pitch?: number;
  before?: number;
  after?: number;
  firstLineIndent?: number;
  align?: 'left' | 'center' | 'justify';
}

const JC = { left: 'left', center: 'center', justify: 'both' } as const;

function paragraph(runs: string, style: ParagraphStyle = {}): string {
  let props = '';
  if (style.keepNext) props += '<w:keepNext/>';
  if (style.pageBreakBefore) props += '<w:pageBreakBefore/>';
  if (style.pitch !== undefined || style.before || style.after) {
    props += `<w:spacing w:before="${ptToTwips(style.before ?? 0)}" w:after="${ptToTwips(style.after ?? 0)}" w:line="${ptToTwips(style.pitch ?? FORM_PITCH.table)}" w:lineRule="exact"/>`;
  }
  if (style.firstLineIndent) props += `<w:ind w:firstLine="${ptToTwips(style.firstLineIndent)}"/>`;
  if (style.align && style.align !== 'left') props += `<w:jc w:val="${JC[style.align]}"/>`;
  return `<w:p>${props && `<w:pPr>${props}</w:pPr>`}${runs}</w:p>`;
}

function cellParagraph(p: FormParagraph, keepNext = false): string {
  const size = p.size === 'small' ? FORM_SIZE.small : FORM_SIZE.table;
  // Between an option and its box a no-break space, so a wrapped list never strands a box.
  const joiner = p.runs.length > 1 ? NBSP : ' ';
  let runs = '';
  for (const part of p.runs) {
    if (part.type === 'text') runs += run(part.text, { size });
    else if (part.type === 'option') runs += run(`${part.label}${joiner}`, { size }) + run(part.checked ? CHECKED_BOX : UNCHECKED_BOX, { size, font: BOX_FONT });
    else if (part.text) runs += run(`${NBSP}${part.text}${NBSP}`, { size, underline: true });
    else runs += run(EMPTY_BLANK, { size });
  }
  return paragraph(runs, {
    keepNext,
    align: p.align,
    ...(p.size === 'small' && { pitch: FORM_PITCH.small }),
    ...(p.firstLineIndent && { firstLineIndent: 2 * size }),
  });
}

const BORDER = `w:val="single" w:sz="${Math.round(TABLE_BORDER_PT * 8)}" w:space="0" w:color="000000"`;
const TABLE_BORDERS = ['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map((side) => `<w:${side} ${BORDER}/>`).join('');
const CELL_MARGINS = (x: number) =>
  `<w:top w:w="${ptToTwips(FORM_CELL_PADDING_PT.y)}" w:type="dxa"/><w:left w:w="${ptToTwips(x)}" w:type="dxa"/>` +
  `<w:bottom w:w="${ptToTwips(FORM_CELL_PADDING_PT.y)}" w:type="dxa"/><w:right w:w="${ptToTwips(x)}" w:type="dxa"/>`;

function cellXml(width: number, colspan: number, vMerge: '' | 'restart' | 'continue', paddingX: number, valign: 'center' | 'top', content: string): string {
  let props = `<w:tcW w:w="${width}" w:type="dxa"/>`;
  if (colspan > 1) props += `<w:gridSpan w:val="${colspan}"/>`;
  if (vMerge === 'restart') props += '<w:vMerge w:val="restart"/>';
  else if (vMerge === 'continue') props += '<w:vMerge/>';
  if (paddingX !== FORM_CELL_PADDING_PT.x) props += `<w:tcMar>${CELL_MARGINS(paddingX)}</w:tcMar>`;
  props += `<w:vAlign w:val="${valign}"/>`;
  return `<w:tc><w:tcPr>${props}</w:tcPr>${content}</w:tc>`;
}

/** A table on the composed grid; a cell spanning rows becomes a vMerge restart and continuations below it. */
function tableXml(table: FormTable): string {
  // Column edges are rounded, not widths, so that the grid adds up to the table width exactly.
  const edges = table.columnWidths.reduce<number[]>((xs, w) => [...xs, xs.at(-1)! + w], [0]).map(ptToTwips);
  const widthOf = (column: number, colspan: number) => edges[column + colspan]! - edges[column]!;
  let xml = `<w:tbl><w:tblPr><w:tblW w:w="${edges.at(-1)}" w:type="dxa"/><w:tblBorders>${TABLE_BORDERS}</w:tblBorders>`;
  xml += `<w:tblLayout w:type="fixed"/><w:tblCellMar>${CELL_MARGINS(FORM_CELL_PADDING_PT.x)}</w:tblCellMar></w:tblPr><w:tblGrid>`;
  for (let c = 0; c + 1 < edges.length; c++) xml += `<w:gridCol w:w="${widthOf(c, 1)}"/>`;
  xml += '</w:tblGrid>';

  // Merged cells still open in later rows: grid column → rows left and the merged cell's shape.
  const open = new Map<number, { rowsLeft: number; colspan: number; paddingX: number; valign: 'center' | 'top' }>();
  // Rows that a merged cell ties to the next one keep with it, as a band does in the PDF.
  const tiedToNext = table.rows.map(() => false);
  table.rows.forEach((row, r) => {
    for (const cell of row.cells) for (let k = r; k < r + cell.rowspan - 1 && k < tiedToNext.length; k++) tiedToNext[k] = true;
  });
  table.rows.forEach((row, r) => {
    xml += `<w:tr><w:trPr>${row.canSplit ? '' : '<w:cantSplit/>'}<w:trHeight w:val="${ptToTwips(row.minHeight)}" w:hRule="atLeast"/></w:trPr>`;
    const pieces: { column: number; xml: string }[] = [];
    for (const [column, merged] of open) {
      const empty = paragraph('', { keepNext: tiedToNext[r]! });
      pieces.push({ column, xml: cellXml(widthOf(column, merged.colspan), merged.colspan, 'continue', merged.paddingX, merged.valign, empty) });
      if (--merged.rowsLeft === 0) open.delete(column);
    }
    for (const cell of row.cells) {
      const keep = tiedToNext[r]!;
      const content = cell.paragraphs.length > 0 ? cell.paragraphs.map((p) => cellParagraph(p, keep)).join('') : paragraph('', { keepNext: keep });
      const vMerge = cell.rowspan > 1 ? 'restart' : '';
      pieces.push({ column: cell.column, xml: cellXml(widthOf(cell.column, cell.colspan), cell.colspan, vMerge, cell.paddingX, cell.verticalAlign, content) });
      if (cell.rowspan > 1) open.set(cell.column, { rowsLeft: cell.rowspan - 1, colspan: cell.colspan, paddingX: cell.paddingX, valign: cell.verticalAlign });
    }
    pieces.sort((a, b) => a.column - b.column);
    xml += `${pieces.map((p) => p.xml).join('')}</w:tr>`;
  });
  return `${xml}</w:tbl>`;
}

function blockXml(block: FormBlock): string {
  switch (block.type) {
    case 'itemHeading':
    case 'heading':
      return paragraph(run(block.text, { font: WORD_FONTS.heading1, size: FORM_SIZE.heading }), {
        keepNext: true,
        pageBreakBefore: block.pageBreakBefore,
        pitch: FORM_PITCH.heading,
        before: block.type === 'heading' ? 6 : 0,
        align: block.type === 'itemHeading' ? 'center' : 'left',
      });
    case 'note':
      // Instructions stay with the table they introduce; a footnote follows its table anyway.
      return paragraph(run(block.text, { size: FORM_SIZE.small }), { pitch: FORM_PITCH.small, before: 3, after: 3, align: 'justify', keepNext: block.placement === 'before' });
    case 'table':
      return tableXml(block.table);
  }
}

function bodyXml(form: ComposedForm): string {
  // Balanced title lines chosen by composeFilledForm rather than Word's greedy wrap.
  const title = form.titleLines.map((line, i) => run(line, { font: WORD_FONTS.title, size: FORM_SIZE.title }, i > 0)).join('');
  let xml = paragraph(title, { keepNext: true, pitch: FORM_PITCH.title, after: FORM_PITCH.line / 2, align: 'center' });
  for (const line of form.sealLines ?? []) xml += paragraph(run(`${line.label}${line.value}`, { size: FORM_SIZE.line }), { pitch: FORM_PITCH.line });
  for (const block of form.blocks) xml += blockXml(block);
  // Word needs a paragraph after a final table.
  return `${xml}${paragraph('', { pitch: FORM_PITCH.small })}`;
}

// ---------------------------------------------------------------------------------------------
// The package: built once by docx, then reused with each form's document and core properties.

const SENTINEL = { title: 'HUIJU-TITLE-7f3a', creator: 'HUIJU-CREATOR-7f3a', subject: 'HUIJU-SUBJECT-7f3a', keywords: 'HUIJU-KEYWORDS-7f3a' } as const;
const DOCUMENT_PART = 'word/document.xml';
const CORE_PART = 'docProps/core.xml';

function wordFont(name: string) {
  return { ascii: name, hAnsi: name, eastAsia: name, cs: name };
}

function skeletonDocument(): Document {
  return new Document({
    title: SENTINEL.title,
    creator: SENTINEL.creator,
    subject: SENTINEL.subject,
    keywords: SENTINEL.keywords,
    lastModifiedBy: 'Huiju',
    styles: {
      default: {
        document: {
          // Latin text is English so that LibreOffice does not break numbers and e-mail addresses like Chinese.
          run: { font: wordFont(WORD_FONTS.body), size: FORM_SIZE.table * 2, language: { value: 'en-US', eastAsia: 'zh-CN' } },
          paragraph: { spacing: { line: ptToTwips(FORM_PITCH.table), lineRule: LineRuleType.EXACT, before: 0, after: 0 } },
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
              footer: ptToTwips(mmToPt(18)),
            },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                spacing: { before: 0, after: 0 },
                children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font: wordFont(WORD_FONTS.pageNumber), size: FONT_SIZE.si * 2 })],
              }),
            ],
          }),
        },
        children: [new Paragraph({ children: [] })],
      },
    ],
  });
}

/** Entries of a zip archive (docx's own output: stored or deflated, no zip64). */
function readZip(zip: Buffer): { name: string; data: Buffer }[] {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd -= 1;
  if (eocd < 0) throw new Error('docx produced no zip archive');
  const count = zip.readUInt16LE(eocd + 10);
  let position = zip.readUInt32LE(eocd + 16);
  const entries: { name: string; data: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(position + 10);
    const size = zip.readUInt32LE(position + 20);
    const nameLength = zip.readUInt16LE(position + 28);
    const skip = nameLength + zip.readUInt16LE(position + 30) + zip.readUInt16LE(position + 32);
    const local = zip.readUInt32LE(position + 42);
    const name = zip.toString('utf8', position + 46, position + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + size);
    entries.push({ name, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
    position += 46 + skip;
  }
  return entries;
}

interface ZipEntry {
  name: Buffer;
  crc: number;
  size: number;
  deflated: Buffer;
}

function zipEntry(name: string, data: Buffer): ZipEntry {
  return { name: Buffer.from(name, 'utf8'), crc: crc32(data), size: data.length, deflated: deflateRawSync(data, { level: 6 }) };
}

/** A zip archive of deflated entries, names in UTF-8, dated 1980-01-01 so that output is reproducible. */
function writeZip(entries: readonly ZipEntry[]): Buffer {
  const DOS_DATE = 0x21; // 1980-01-01
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: deflate
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(entry.crc, 14);
    local.writeUInt32LE(entry.deflated.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(entry.name.length, 26);
    local.writeUInt16LE(0, 28);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(8, 10);
    header.writeUInt16LE(0, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(entry.crc, 16);
    header.writeUInt32LE(entry.deflated.length, 20);
    header.writeUInt32LE(entry.size, 24);
    header.writeUInt16LE(entry.name.length, 28);
    header.writeUInt32LE(offset, 42);
    chunks.push(local, entry.name, entry.deflated);
    central.push(header, entry.name);
    offset += local.length + entry.name.length + entry.deflated.length;
  }
  const centralSize = central.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}

interface Skeleton {
  /** Package parts in docx's order; the two part names mark where each form's own parts go. */
  parts: (ZipEntry | typeof DOCUMENT_PART | typeof CORE_PART)[];
  documentHead: string;
  documentTail: string;
  core: string;
}

let skeleton: Promise<Skeleton> | null = null;

async function buildSkeleton(): Promise<Skeleton> {
  const entries = readZip(await Packer.toBuffer(skeletonDocument()));
  const text = (name: string) => {
    const entry = entries.find((e) => e.name === name);
    if (!entry) throw new Error(`docx produced no ${name}`);
    return entry.data.toString('utf8');
  };
  const document = text(DOCUMENT_PART);
  const bodyStart = document.indexOf('<w:body>') + '<w:body>'.length;
  const sectPr = document.lastIndexOf('<w:sectPr');
  if (bodyStart < '<w:body>'.length || sectPr < bodyStart) throw new Error('Unexpected document.xml from docx');
  return {
    parts: entries.map((e) => (e.name === DOCUMENT_PART || e.name === CORE_PART ? e.name : zipEntry(e.name, e.data))) as Skeleton['parts'],
    documentHead: document.slice(0, bodyStart),
    documentTail: document.slice(sectPr),
    core: text(CORE_PART),
  };
}

function loadSkeleton(): Promise<Skeleton> {
  if (!skeleton) {
    skeleton = buildSkeleton();
    skeleton.catch(() => (skeleton = null)); // a failed build is retried next time
  }
  return skeleton;
}

function coreXml(template: string, form: ComposedForm, now: Date): string {
  const stamp = now.toISOString();
  return template
    // Replacer functions, so that a $ in a title is not read as a replacement pattern.
    .replace(SENTINEL.title, () => escapeXml(form.metadata.title))
    .replace(SENTINEL.creator, () => escapeXml(form.metadata.author || 'Huiju'))
    .replace(SENTINEL.subject, () => escapeXml(form.metadata.subject))
    .replace(SENTINEL.keywords, () => escapeXml(form.metadata.keywords))
    .replace(/(<dcterms:(?:created|modified)[^>]*>)[^<]*/g, `$1${stamp}`);
}

/** Renders the filled form as a .docx file: title, seal lines, and one set of tables per item. */
export async function renderFilledFormDocx(input: FilledFormInput): Promise<Buffer> {
  const form = composeFilledForm(input);
  const { parts, documentHead, documentTail, core } = await loadSkeleton();
  const document = zipEntry(DOCUMENT_PART, Buffer.from(documentHead + bodyXml(form) + documentTail, 'utf8'));
  const properties = zipEntry(CORE_PART, Buffer.from(coreXml(core, form, new Date()), 'utf8'));
  return writeZip(parts.map((part) => (part === DOCUMENT_PART ? document : part === CORE_PART ? properties : part)));
}
