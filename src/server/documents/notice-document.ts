/**
 * A notice (通知) as a printable official document: the input both renderers take, the
 * GB/T 9704-2012 (党政机关公文格式) measurements they share, and the composition step that turns
 * the input into the exact lines to print, so the .docx and the .pdf say the same thing.
 */
import { formatChineseDate } from './chinese-dates';
import { parseNoticeHtml, type NoticeBlock } from './rich-text';

export interface NoticeContact {
  name: string;
  phone?: string | null;
  email?: string | null;
}

export interface ForwardedNotice {
  documentNumber: string;
  title: string;
  issuer: string;
}

export interface NoticeDocumentInput {
  /** Full names of the issuing bodies (joint notices have several), e.g. ['山东省科学技术协会'] or ['江苏省科学技术协会', '江苏省科学技术厅']. */
  issuers: string[];
  /** 文号, e.g. 鲁科协发〔2021〕12号 (joint notices carry the lead issuer's number). */
  documentNumber: string;
  /** e.g. 关于开展2021年“全国科技工作者日”活动的通知 */
  title: string;
  /** 主送机关, e.g. 各市科协，各省级学会，各企业科协，各高校科协，机关各部室，各直属单位 — rendered followed by a full-width colon "：". */
  addressees: string;
  /** Body as rich-text HTML; it is sanitized again before rendering. */
  bodyHtml: string;
  /** 附件 names in order; rendered as "附件：1.…" lines after the body. */
  attachments: string[];
  /** Contact lines, rendered as paragraphs at the end of the body: 联系人：张三，电话：…，电子邮箱：… */
  contacts: NoticeContact[];
  /** ISO date 'YYYY-MM-DD', rendered 2021年4月20日 (成文日期). */
  issueDate: string;
  /** 发文机关署名, defaults to issuers. */
  signature?: string[];
  /** For a forward (转发): the upstream notice. Its mention in the text is part of bodyHtml; here it only feeds document metadata. */
  forwardOf?: ForwardedNotice | null;
}

// ---------------------------------------------------------------------------------------------
// Measurements. GB/T 9704-2012 gives them in millimetres and 号 sizes; renderers need points
// (pdfkit) and twentieths of a point (Word's twips).

export const POINTS_PER_MM = 72 / 25.4;
export const mmToPt = (mm: number) => mm * POINTS_PER_MM;
export const ptToTwips = (pt: number) => Math.round(pt * 20);

/** Chinese type sizes (字号) in points. */
export const FONT_SIZE = {
  chu: 42, // 初号
  xiaoChu: 36, // 小初
  er: 22, // 2号: title
  san: 16, // 3号: body
  si: 14, // 4号: page numbers, tables
} as const;

/** A4 with the 版心 of 156 mm × 225 mm (GB/T 9704-2012 5.2.1). */
export const PAGE_MM = { width: 210, height: 297, top: 37, bottom: 35, left: 28, right: 26 } as const;
export const TEXT_WIDTH_PT = mmToPt(PAGE_MM.width - PAGE_MM.left - PAGE_MM.right);
export const TEXT_HEIGHT_PT = mmToPt(PAGE_MM.height - PAGE_MM.top - PAGE_MM.bottom);

/** 22 lines of 28 characters a page (5.2.2). */
export const LINES_PER_PAGE = 22;
export const CHARS_PER_LINE = 28;
/** Word templates for the standard use 579 twips (28.95 pt): 22 lines fit the 225 mm 版心. */
export const LINE_PITCH_PT = 28.95;
/** Body character pitch: 28 characters across 156 mm means 3号 characters set slightly tight. */
export const CHAR_PITCH_PT = TEXT_WIDTH_PT / CHARS_PER_LINE;

/** 发文机关标志: 35 mm below the top of the 版心 (7.2.4), red, 小标宋. */
export const HEADER_OFFSET_MM = 35;
export const HEADER_COLOR = 'E60012';
/** The red 分隔线 (反线) sits 4 mm under the 文号 (7.2.6). */
export const RULE_GAP_MM = 4;
export const RULE_WIDTH_PT = 1.5;
/** Title (2号) lines are set a little more open than body lines. */
export const TITLE_LINE_PITCH_PT = 35;
/**
 * Title lines are broken ahead of layout so both formats agree; the 1.5 em spare absorbs the space
 * Word and WPS add between Chinese and digits, and font differences.
 */
export const TITLE_MAX_EMS = TEXT_WIDTH_PT / FONT_SIZE.er - 1.5;
/** Table text is 4号 with its own, tighter pitch; cells keep a little padding. */
export const TABLE_FONT_SIZE_PT = FONT_SIZE.si;
export const TABLE_LINE_PITCH_PT = 21;
export const TABLE_CELL_PADDING_PT = { x: 5.5, y: 3 } as const;
export const TABLE_BORDER_PT = 0.75;
/** Page numbers "— 1 —": 4号宋体, 7 mm below the 版心, outer side one character in (7.5). */
export const PAGE_NUMBER_GAP_MM = 7;
/** 成文日期 right-indented four characters (7.3.5.1, sealed documents). */
export const DATE_RIGHT_INDENT_CHARS = 4;
/** Blank lines between the body (or 附件说明) and the 署名, leaving room for the seal. */
export const SIGNATURE_BLANK_LINES = 2;

/** Word font names that Chinese offices have installed (and that WPS maps). */
export const WORD_FONTS = {
  header: '方正小标宋简体',
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  heading1: '黑体',
  heading2: '楷体_GB2312',
  pageNumber: '宋体',
  tableHeader: '黑体',
} as const;

// ---------------------------------------------------------------------------------------------
// Width estimates for Word, which lays out text itself: CJK fonts set CJK characters and
// full-width punctuation one em wide and ASCII half an em (true of 仿宋_GB2312 and 宋体).

const WIDE_PUNCTUATION = new Set([0x2014, 0x2018, 0x2019, 0x201c, 0x201d, 0x2026]);

export function isWideChar(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  // CJK blocks from 0x2E80 up, plus the GB2312 punctuation and symbols below them.
  return code >= 0x2e80 || WIDE_PUNCTUATION.has(code) || (code >= 0x2460 && code <= 0x27bf);
}

/** Estimated width in ems. */
export function estimateEms(text: string): number {
  let ems = 0;
  for (const char of text) ems += isWideChar(char) ? 1 : 0.5;
  return ems;
}

/** Characters that must not begin a line (closing punctuation) or end one (opening punctuation). */
export const NO_LINE_START = new Set([...'，。、；：？！）》」』”’〕】〉…—·%％,.;:?!)]}']);
export const NO_LINE_END = new Set([...'（《「『“‘〔【〈([{']);
const OPENERS = new Set([...'《“（(「『〔【〈‘']);
const CLOSERS = new Set([...'》”）)」』〕】〉’']);
const isAsciiWordChar = (char: string) => /^[A-Za-z0-9]$/.test(char);
const titleSegmenter = new Intl.Segmenter('zh', { granularity: 'word' });
/** Costs of a break, in the squared ems by which line lengths miss the even length. */
const QUOTE_BREAK_COST = 80;
/** One line more than the fewest possible, when that avoids bad breaks. */
const EXTRA_LINE_COST = 100;
const WORD_BREAK_COST = 25;
/** Titles read best as a trapezoid, long line first: a line longer than the one above costs per em. */
const LONGER_LINE_COST = 6;

/**
 * Breaks a title into balanced lines (GB/T 9704-2012 7.3.2 asks for a trapezoid or diamond with the
 * meaning kept intact rather than one full line and a stub): each line at most `maxEms` wide,
 * lengths as even as possible, never inside a number, and preferably neither inside a word (by
 * Intl.Segmenter's dictionary) nor inside 《》 or “” — so 关于开展2021年“全国科技工作者日” / 活动的通知
 * rather than two equal halves that split a quoted name.
 */
export function breakTitle(title: string, maxEms: number, measure: (text: string) => number = estimateEms): string[] {
  const chars = [...title];
  const widths = chars.map((char) => measure(char));
  const total = widths.reduce((a, b) => a + b, 0);
  if (total <= maxEms || chars.length < 2) return [title];

  // offset[i]: width before chars[i]; depth[i]: how many 《“（ are open just before chars[i].
  const offset = [0];
  const depth = [0];
  chars.forEach((char, i) => {
    offset.push(offset[i]! + widths[i]!);
    depth.push(Math.max(0, depth[i]! + (OPENERS.has(char) ? 1 : CLOSERS.has(char) ? -1 : 0)));
  });
  const wordStarts = new Set<number>();
  let position = 0;
  for (const segment of titleSegmenter.segment(title)) {
    wordStarts.add(position);
    position += [...segment.segment].length;
  }
  const canBreakBefore = (i: number) => {
    const before = chars[i - 1]!;
    const after = chars[i]!;
    return !(isAsciiWordChar(before) && isAsciiWordChar(after)) && !NO_LINE_START.has(after) && !NO_LINE_END.has(before);
  };

  const breakCost = (i: number) => (i < chars.length ? (depth[i]! > 0 ? QUOTE_BREAK_COST : 0) + (wordStarts.has(i) ? 0 : WORD_BREAK_COST) : 0);
  const n = chars.length;
  const fewest = Math.ceil(total / maxEms);
  let chosen: { lines: string[]; cost: number } | null = null;
  for (let lineCount = fewest; lineCount <= n && (chosen === null || lineCount <= fewest + 1); lineCount++) {
    const target = total / lineCount;
    // cost[k].get(start * (n + 1) + end): least cost of k lines ending with the line chars[start..end);
    // the state keeps the last line so that a line longer than the one above can cost extra.
    const cost: Map<number, number>[] = Array.from({ length: lineCount + 1 }, () => new Map());
    const back: Map<number, number>[] = Array.from({ length: lineCount + 1 }, () => new Map());
    const key = (start: number, end: number) => start * (n + 1) + end;
    for (let k = 1; k <= lineCount; k++) {
      for (let end = 1; end <= n; end++) {
        if (end < n && !canBreakBefore(end)) continue;
        for (let start = end - 1; start >= 0; start--) {
          const width = offset[end]! - offset[start]!;
          if (width > maxEms) break;
          if ((k === 1) !== (start === 0)) continue;
          const line = (width - target) ** 2 + breakCost(end);
          if (k === 1) {
            cost[1]!.set(key(0, end), line);
            continue;
          }
          for (const [previous, previousCost] of cost[k - 1]!) {
            if (previous % (n + 1) !== start) continue;
            const previousWidth = offset[start]! - offset[Math.floor(previous / (n + 1))]!;
            const total = previousCost + line + LONGER_LINE_COST * Math.max(0, width - previousWidth);
            if (total < (cost[k]!.get(key(start, end)) ?? Infinity)) {
              cost[k]!.set(key(start, end), total);
              back[k]!.set(key(start, end), previous);
            }
          }
        }
      }
    }
    let bestKey = -1;
    let bestCost = Infinity;
    for (const [state, value] of cost[lineCount]!) {
      if (state % (n + 1) === n && value < bestCost) [bestKey, bestCost] = [state, value];
    }
    if (bestKey < 0) continue;
    bestCost += EXTRA_LINE_COST * (lineCount - fewest);
    if (chosen && chosen.cost <= bestCost) continue;
    const lines: string[] = [];
    for (let k = lineCount, state = bestKey; k > 0; k--) {
      lines.unshift(chars.slice(Math.floor(state / (n + 1)), state % (n + 1)).join(''));
      state = back[k]!.get(state) ?? -1;
    }
    chosen = { lines, cost: bestCost };
  }
  return chosen?.lines ?? [title];
}

/** 发文机关标志 size: as large as 初号, shrunk so the longest name fills at most 90% of the line. */
export function issuerFontSize(issuers: readonly string[], measureEms: (text: string) => number = estimateEms): number {
  const longest = Math.max(1, ...issuers.map((name) => measureEms(name)));
  const fitting = (TEXT_WIDTH_PT * 0.9) / longest;
  return Math.max(FONT_SIZE.er, Math.min(FONT_SIZE.chu, Math.floor(fitting)));
}

/**
 * Where the 署名 and 成文日期 sit, as distances from the right edge of the 版心: the date is four
 * characters in and each 署名 line is centred over the date; a 署名 too long for that moves the
 * shared centre left so it keeps two characters of margin.
 */
export function signatureGeometry(signatureWidths: readonly number[], dateWidth: number, charWidth: number) {
  const widest = Math.max(0, ...signatureWidths);
  const centre = Math.max(DATE_RIGHT_INDENT_CHARS * charWidth + dateWidth / 2, widest / 2 + 2 * charWidth);
  return {
    dateRight: centre - dateWidth / 2,
    signatureRights: signatureWidths.map((width) => centre - width / 2),
  };
}

/**
 * Column widths for a table that fills the line, in the spirit of HTML's automatic layout: short
 * labels stay on one line when they can (up to eight characters), long text takes what is left.
 * `natural[c]` is the widest single-column content of column c, unwrapped; `minimum[c]` the width
 * below which a column's labels would wrap.
 */
export function distributeColumnWidths(natural: readonly number[], minimum: readonly number[], total: number): number[] {
  const count = natural.length;
  if (count === 0) return [];
  const floor = total / count / 4; // never squeeze a column to nothing
  const max = natural.map((width, c) => Math.max(width, minimum[c] ?? 0, floor));
  const min = minimum.map((width) => Math.max(width, floor));
  const sumMax = max.reduce((a, b) => a + b, 0);
  const sumMin = min.reduce((a, b) => a + b, 0);
  if (sumMax <= total) return max.map((width) => (width / sumMax) * total);
  if (sumMin >= total) return min.map((width) => (width / sumMin) * total);
  const spare = total - sumMin;
  const wants = max.reduce((sum, width, c) => sum + (width - min[c]!), 0);
  return min.map((width, c) => width + ((max[c]! - width) / wants) * spare);
}

// ---------------------------------------------------------------------------------------------
// Composition.

export interface AttachmentLine {
  /** '附件：' on the first line only. */
  label: string;
  /** '1.' when there are several attachments, '' for a single one (7.3.4). */
  number: string;
  name: string;
}

export interface ComposedNotice {
  issuers: string[];
  documentNumber: string;
  title: string;
  /** The title in balanced lines, the same in both formats. */
  titleLines: string[];
  /** 主送机关 ending in '：', or null when there is none. */
  addressees: string | null;
  /** The body blocks followed by one paragraph per contact. */
  body: NoticeBlock[];
  attachments: AttachmentLine[];
  signature: string[];
  /** 成文日期, e.g. 2021年4月20日. */
  date: string;
  metadata: { title: string; author: string; subject: string; keywords: string };
}

const clean = (text: string) => text.replace(/\s+/g, ' ').trim();

export function contactLine(contact: NoticeContact): string {
  const parts = [`联系人：${clean(contact.name)}`];
  if (contact.phone?.trim()) parts.push(`电话：${clean(contact.phone)}`);
  if (contact.email?.trim()) parts.push(`电子邮箱：${clean(contact.email)}`);
  return parts.join('，');
}

/**
 * Validates the input and produces what is printed, in order. Throws TypeError for missing parts
 * and RangeError for a bad date: a notice without an issuer or a title cannot be laid out.
 */
export function composeNotice(input: NoticeDocumentInput): ComposedNotice {
  const issuers = input.issuers.map(clean).filter(Boolean);
  if (issuers.length === 0) throw new TypeError('A notice needs at least one issuer');
  const title = clean(input.title);
  if (!title) throw new TypeError('A notice needs a title');
  const date = formatChineseDate(input.issueDate);

  const addresseeText = clean(input.addressees).replace(/[：:，,。；;\s]+$/u, '');
  const body = parseNoticeHtml(input.bodyHtml);
  for (const contact of input.contacts) {
    if (contact.name.trim()) body.push({ type: 'paragraph', runs: [{ text: contactLine(contact) }] });
  }

  // 附件名称后不加标点符号 (7.3.4).
  const names = input.attachments.map((name) => clean(name).replace(/[。．.，,；;：:]+$/u, '')).filter(Boolean);
  const attachments = names.map((name, i) => ({
    label: i === 0 ? '附件：' : '',
    number: names.length > 1 ? `${i + 1}.` : '',
    name,
  }));

  const signature = (input.signature ?? []).map(clean).filter(Boolean);
  const forward = input.forwardOf;
  return {
    issuers,
    documentNumber: clean(input.documentNumber),
    title,
    titleLines: breakTitle(title, TITLE_MAX_EMS),
    addressees: addresseeText ? `${addresseeText}：` : null,
    body,
    attachments,
    signature: signature.length > 0 ? signature : issuers,
    date,
    metadata: {
      title,
      author: issuers.join('、'),
      subject: forward ? `转发${forward.issuer}《${clean(forward.title)}》（${clean(forward.documentNumber)}）` : clean(input.documentNumber),
      keywords: ['通知', clean(input.documentNumber)].filter(Boolean).join(', '),
    },
  };
}
