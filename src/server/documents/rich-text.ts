/**
 * The notice body's rich text: what the editor may store (sanitizeNoticeHtml) and the small block
 * model that both the DOCX and the PDF renderer draw (parseNoticeHtml).
 *
 * Official documents have a narrow vocabulary — paragraphs, numbered headings, lists, tables — so
 * anything else (styles, links, images, scripts) is dropped rather than approximated.
 */
import { Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';

export interface InlineRun {
  /** Text of the run; '\n' marks a line break (<br>) inside the paragraph. */
  text: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
}

export interface ParagraphBlock {
  type: 'paragraph';
  runs: InlineRun[];
  /** From <blockquote>: indented further than ordinary paragraphs. */
  quote?: boolean;
}

/**
 * Levels follow GB/T 9704-2012 7.3.3: 一、(黑体) / （一）(楷体) / 1. / （1）(仿宋). The text carries its
 * own numbering; the renderers only pick the typeface.
 */
export interface HeadingBlock {
  type: 'heading';
  level: 1 | 2 | 3 | 4;
  runs: InlineRun[];
}

export interface ListItemBlock {
  type: 'listItem';
  ordered: boolean;
  /** The visible number or bullet, e.g. '1.', '（2）', '③', '•'. */
  marker: string;
  /** 0 for a top-level list. */
  depth: number;
  runs: InlineRun[];
}

export interface TableCellModel {
  /** First grid column the cell occupies (0-based), after rowspans from rows above are placed. */
  column: number;
  colspan: number;
  rowspan: number;
  header: boolean;
  paragraphs: InlineRun[][];
}

export interface TableBlock {
  type: 'table';
  columnCount: number;
  /** Leading rows that came from <thead> (or consist only of <th>): repeated on each page. */
  headerRowCount: number;
  /** Each row lists the cells that start in it, ordered by column; gaps are padded with empty cells. */
  rows: TableCellModel[][];
}

export type NoticeBlock = ParagraphBlock | HeadingBlock | ListItemBlock | TableBlock;

const ALLOWED_TAGS = [
  'p', 'br', 'strong', 'b', 'em', 'i', 'u', 'h1', 'h2', 'h3', 'h4', 'ol', 'ul', 'li',
  'table', 'thead', 'tbody', 'tr', 'th', 'td', 'blockquote',
];

const SPAN_LIMIT = { colspan: 64, rowspan: 1000 } as const;

/** Keeps colspan/rowspan only when they are plain positive integers. */
function cleanSpans(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const kept: sanitizeHtml.Attributes = {};
  for (const name of ['colspan', 'rowspan'] as const) {
    const value = attribs[name]?.trim();
    if (value && /^\d{1,4}$/.test(value) && Number(value) > 1) kept[name] = String(Math.min(Number(value), SPAN_LIMIT[name]));
  }
  return { tagName, attribs: kept };
}

/**
 * Reduces editor or pasted HTML (Word, WPS, web pages) to the tags a notice body may hold.
 * Block wrappers (div, section) become paragraphs so pasted text keeps its paragraph breaks;
 * links keep their text; images, scripts, styles and event handlers disappear.
 */
export function sanitizeNoticeHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'], ol: ['start'] },
    allowedSchemes: [],
    disallowedTagsMode: 'discard',
    // Their content is code or metadata, never body text (Word's paste carries <xml> and <style>).
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template', 'xml', 'svg', 'math', 'iframe', 'object'],
    transformTags: {
      div: 'p',
      section: 'p',
      article: 'p',
      header: 'p',
      footer: 'p',
      h5: 'h4',
      h6: 'h4',
      tfoot: 'tbody',
      td: cleanSpans,
      th: cleanSpans,
      ol: (tagName, attribs): sanitizeHtml.Tag => ({ tagName, attribs: attribs.start && /^\d{1,5}$/.test(attribs.start) ? { start: attribs.start } : {} }),
    },
  });
}

interface HtmlElement {
  tag: string;
  attrs: Record<string, string>;
  children: HtmlNode[];
}
type HtmlNode = HtmlElement | string;

function parseTree(html: string): HtmlElement {
  const root: HtmlElement = { tag: '#root', attrs: {}, children: [] };
  const stack: HtmlElement[] = [root];
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const element: HtmlElement = { tag: name, attrs, children: [] };
        stack[stack.length - 1]!.children.push(element);
        stack.push(element);
      },
      onclosetag() {
        if (stack.length > 1) stack.pop();
      },
      ontext(text) {
        const children = stack[stack.length - 1]!.children;
        const last = children[children.length - 1];
        if (typeof last === 'string') children[children.length - 1] = last + text;
        else children.push(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.end(html);
  return root;
}

interface Style {
  bold: boolean;
  italic: boolean;
  underline: boolean;
}
const PLAIN: Style = { bold: false, italic: false, underline: false };

/** A raw run before whitespace is collapsed; `br` marks <br>. */
type RawRun = { text: string; style: Style } | { br: true };

type PendingKind =
  | { type: 'paragraph'; quote: boolean }
  | { type: 'heading'; level: 1 | 2 | 3 | 4 }
  | { type: 'listItem'; ordered: boolean; marker: string; depth: number };

const ASCII_SPACE = /[\t\n\r\f ]/;
const LEADING_INDENT = /[\u3000\u00a0]/;

function sameStyle(a: InlineRun, b: Style): boolean {
  return !!a.bold === b.bold && !!a.italic === b.italic && !!a.underline === b.underline;
}

/**
 * Collapses HTML whitespace the way a browser would, with two Chinese twists: a source line break
 * between two CJK characters vanishes (a space there would show in print), and the full-width
 * spaces people type to indent a paragraph are dropped because the layout indents it already.
 */
function normalizeRuns(raw: RawRun[]): InlineRun[] {
  const out: InlineRun[] = [];
  let lastChar: string | null = null; // null at the paragraph start and after a break
  let pendingSpace = null as { style: Style; newline: boolean } | null;

  const emit = (text: string, style: Style) => {
    const last = out[out.length - 1];
    if (last && last.text !== '\n' && sameStyle(last, style)) last.text += text;
    else out.push({ text, ...(style.bold && { bold: true }), ...(style.italic && { italic: true }), ...(style.underline && { underline: true }) });
  };

  for (const run of raw) {
    if ('br' in run) {
      pendingSpace = null;
      lastChar = null;
      out.push({ text: '\n' });
      continue;
    }
    for (const char of run.text) {
      if (ASCII_SPACE.test(char)) {
        if (lastChar !== null) {
          pendingSpace = { style: pendingSpace?.style ?? run.style, newline: (pendingSpace?.newline ?? false) || char === '\n' || char === '\r' };
        }
        continue;
      }
      if (lastChar === null && LEADING_INDENT.test(char)) continue;
      if (pendingSpace) {
        const joinsCjk = pendingSpace.newline && lastChar !== null && lastChar > '\u2e7f' && char > '\u2e7f';
        if (!joinsCjk) emit(' ', pendingSpace.style);
        pendingSpace = null;
      }
      emit(char, run.style);
      lastChar = char;
    }
  }
  // Breaks at either end of a paragraph carry no text: editors leave them behind.
  while (out[0]?.text === '\n') out.shift();
  while (out[out.length - 1]?.text === '\n') out.pop();
  return out;
}

function listMarker(ordered: boolean, depth: number, n: number): string {
  if (!ordered) return '•';
  if (depth === 0) return `${n}.`;
  if (depth === 1) return `（${n}）`;
  return n >= 1 && n <= 20 ? String.fromCodePoint(0x2460 + n - 1) : `${n})`;
}

interface ListContext {
  ordered: boolean;
  counter: number;
}

class BlockBuilder {
  readonly blocks: NoticeBlock[] = [];
  private raw: RawRun[] = [];
  private kind: PendingKind;
  private readonly lists: ListContext[] = [];

  constructor(private readonly base: { type: 'paragraph'; quote: boolean } = { type: 'paragraph', quote: false }) {
    this.kind = base;
  }

  /** Emits the text gathered so far as one block of the pending kind. */
  private flush(): void {
    const runs = normalizeRuns(this.raw);
    this.raw = [];
    if (runs.length === 0) return;
    const kind = this.kind;
    if (kind.type === 'paragraph') this.blocks.push({ type: 'paragraph', runs, ...(kind.quote && { quote: true }) });
    else if (kind.type === 'heading') this.blocks.push({ type: 'heading', level: kind.level, runs });
    else this.blocks.push({ type: 'listItem', ordered: kind.ordered, marker: kind.marker, depth: kind.depth, runs });
    // Text after a heading or a list item's first paragraph is an ordinary paragraph.
    this.kind = this.base;
  }

  private withKind(kind: PendingKind, children: HtmlNode[], style: Style): void {
    this.flush();
    const outer = this.kind;
    this.kind = kind;
    this.walkAll(children, style);
    this.flush();
    // A list item's own first paragraph is spent once written; anything else resumes the outer kind.
    this.kind = outer === kind ? this.base : outer;
  }

  walkAll(nodes: HtmlNode[], style: Style): void {
    for (const node of nodes) this.walk(node, style);
  }

  finish(): NoticeBlock[] {
    this.flush();
    return this.blocks;
  }

  private walk(node: HtmlNode, style: Style): void {
    if (typeof node === 'string') {
      this.raw.push({ text: node, style });
      return;
    }
    switch (node.tag) {
      case 'br':
        this.raw.push({ br: true });
        return;
      case 'strong':
      case 'b':
        this.walkAll(node.children, { ...style, bold: true });
        return;
      case 'em':
      case 'i':
        this.walkAll(node.children, { ...style, italic: true });
        return;
      case 'u':
        this.walkAll(node.children, { ...style, underline: true });
        return;
      case 'h1':
      case 'h2':
      case 'h3':
      case 'h4':
        this.withKind({ type: 'heading', level: Number(node.tag[1]) as 1 | 2 | 3 | 4 }, node.children, style);
        return;
      case 'p': {
        // The first paragraph inside a list item carries the item's number.
        const keepsItem = this.kind.type === 'listItem' && this.raw.length === 0;
        this.withKind(keepsItem ? this.kind : this.base, node.children, style);
        return;
      }
      case 'blockquote': {
        this.flush();
        const inner = new BlockBuilder({ type: 'paragraph', quote: true });
        inner.walkAll(node.children, style);
        this.blocks.push(...inner.finish());
        return;
      }
      case 'ol':
      case 'ul': {
        this.flush();
        const start = node.tag === 'ol' && node.attrs.start ? Number(node.attrs.start) : 1;
        this.lists.push({ ordered: node.tag === 'ol', counter: Number.isFinite(start) ? start - 1 : 0 });
        // Only <li> children count as items; stray text becomes its own paragraph.
        this.walkAll(node.children, style);
        this.flush();
        this.lists.pop();
        return;
      }
      case 'li': {
        const list = this.lists[this.lists.length - 1] ?? { ordered: false, counter: 0 };
        list.counter += 1;
        const depth = Math.max(0, this.lists.length - 1);
        this.withKind({ type: 'listItem', ordered: list.ordered, marker: listMarker(list.ordered, depth, list.counter), depth }, node.children, style);
        return;
      }
      case 'table': {
        this.flush();
        const table = buildTable(node, style);
        if (table) this.blocks.push(table);
        return;
      }
      default:
        this.walkAll(node.children, style);
    }
  }
}

/** A cell's content as plain paragraphs: the table renderers have no nested block layout. */
function cellParagraphs(cell: HtmlElement, style: Style): InlineRun[][] {
  const builder = new BlockBuilder();
  builder.walkAll(cell.children, style);
  const paragraphs: InlineRun[][] = [];
  for (const block of builder.finish()) {
    if (block.type === 'listItem') paragraphs.push([{ text: `${block.marker} ` }, ...block.runs]);
    else if (block.type === 'table') {
      for (const row of block.rows) {
        const text = row.map((c) => c.paragraphs.map((p) => p.map((r) => r.text).join('')).join(' ')).join(' ').trim();
        if (text) paragraphs.push([{ text }]);
      }
    } else paragraphs.push(block.runs);
  }
  return paragraphs;
}

function collectRows(node: HtmlElement, inHead: boolean, rows: { cells: HtmlElement[]; head: boolean }[]): void {
  for (const child of node.children) {
    if (typeof child === 'string') continue;
    if (child.tag === 'tr') {
      rows.push({ cells: child.children.filter((c): c is HtmlElement => typeof c !== 'string' && (c.tag === 'td' || c.tag === 'th')), head: inHead });
    } else if (child.tag === 'thead' || child.tag === 'tbody') {
      collectRows(child, child.tag === 'thead', rows);
    }
  }
}

function spanOf(element: HtmlElement, name: 'colspan' | 'rowspan'): number {
  const value = Number.parseInt(element.attrs[name] ?? '1', 10);
  return Number.isFinite(value) && value > 1 ? Math.min(value, SPAN_LIMIT[name]) : 1;
}

/**
 * Places cells on a grid the way HTML does (rowspans push later cells right), clips spans that run
 * past the table, and pads short rows, so that renderers can trust every row covers every column.
 */
function buildTable(node: HtmlElement, style: Style): TableBlock | null {
  const sourceRows: { cells: HtmlElement[]; head: boolean }[] = [];
  collectRows(node, false, sourceRows);
  if (sourceRows.length === 0) return null;

  const occupied: boolean[][] = sourceRows.map(() => []);
  const rows: TableCellModel[][] = sourceRows.map(() => []);
  sourceRows.forEach((source, r) => {
    let column = 0;
    for (const cell of source.cells) {
      while (occupied[r]![column]) column += 1;
      const colspan = spanOf(cell, 'colspan');
      const rowspan = Math.min(spanOf(cell, 'rowspan'), sourceRows.length - r);
      for (let dr = 0; dr < rowspan; dr++) {
        for (let dc = 0; dc < colspan; dc++) occupied[r + dr]![column + dc] = true;
      }
      rows[r]!.push({ column, colspan, rowspan, header: cell.tag === 'th' || source.head, paragraphs: cellParagraphs(cell, style) });
      column += colspan;
    }
  });

  const columnCount = Math.max(1, ...occupied.map((row) => row.length));
  rows.forEach((row, r) => {
    for (let column = 0; column < columnCount; column++) {
      if (!occupied[r]![column]) row.push({ column, colspan: 1, rowspan: 1, header: false, paragraphs: [] });
    }
    row.sort((a, b) => a.column - b.column);
  });

  let headerRowCount = 0;
  while (
    headerRowCount < rows.length - 1 &&
    (sourceRows[headerRowCount]!.head || rows[headerRowCount]!.every((cell) => cell.header)) &&
    // A header row must not start a rowspan that reaches into the body.
    rows[headerRowCount]!.every((cell) => cell.rowspan === 1)
  ) {
    headerRowCount += 1;
  }
  return { type: 'table', columnCount, headerRowCount, rows };
}

/** Sanitizes, then reads the body into blocks. Empty paragraphs are dropped: the layout sets spacing. */
export function parseNoticeHtml(html: string): NoticeBlock[] {
  const builder = new BlockBuilder();
  builder.walkAll(parseTree(sanitizeNoticeHtml(html)).children, PLAIN);
  return builder.finish();
}

/** The plain text of a run list ('\n' for breaks). */
export function runsText(runs: readonly InlineRun[]): string {
  return runs.map((run) => run.text).join('');
}

/** The body as plain text, one block a line, for previews, search and checks. */
export function blocksToPlainText(blocks: readonly NoticeBlock[]): string {
  return blocks
    .map((block) => {
      if (block.type === 'table') return block.rows.map((row) => row.map((cell) => cell.paragraphs.map(runsText).join(' ')).join('\t')).join('\n');
      if (block.type === 'listItem') return `${block.marker}${block.ordered ? '' : ' '}${runsText(block.runs)}`;
      return runsText(block.runs);
    })
    .join('\n');
}
