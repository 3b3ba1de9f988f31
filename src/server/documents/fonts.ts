/**
 * Chinese fonts for the PDF renderer.
 *
 * The Noto Serif/Sans SC fonts ship in npm only as WOFF/WOFF2 (@fontsource). pdfkit reads WOFF
 * through fontkit, which re-inflates tables as it goes (≈22 s a page), and does not subset WOFF2.
 * A WOFF file is just an sfnt whose tables were zlib-compressed one by one, so unpacking it into a
 * plain TrueType font once per process costs ≈50 ms and makes pdfkit fast and subsetting.
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { create as createFontkitFont, type Font, type Glyph } from 'fontkit';

const WOFF_SIGNATURE = 0x774f4646; // 'wOFF'
const WOFF2_SIGNATURE = 0x774f4632; // 'wOF2'
const WOFF_HEADER_SIZE = 44;
const WOFF_ENTRY_SIZE = 20;
const SFNT_HEADER_SIZE = 12;
const SFNT_ENTRY_SIZE = 16;
const HEAD_TAG = 0x68656164; // 'head'
const CHECKSUM_MAGIC = 0xb1b0afba;

/** Sum of big-endian 32-bit words, the sfnt table checksum; `data` is padded to 4 bytes. */
function sfntChecksum(data: Buffer): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum = (sum + data.readUInt32BE(i)) >>> 0;
  return sum;
}

/**
 * Converts a WOFF 1.0 font into the TrueType/OpenType (sfnt) file it was made from: header and
 * table directory are rebuilt with fresh offsets and checksums, each table inflated if it was
 * compressed. Metadata and private blocks are dropped: fonts do not need them to render.
 */
export function woffToSfnt(woff: Uint8Array): Buffer {
  const source = Buffer.from(woff.buffer, woff.byteOffset, woff.byteLength);
  if (source.length < WOFF_HEADER_SIZE) throw new Error('Not a WOFF font: file too short');
  const signature = source.readUInt32BE(0);
  if (signature === WOFF2_SIGNATURE) throw new Error('WOFF2 fonts are not supported: use the .woff file');
  if (signature !== WOFF_SIGNATURE) throw new Error('Not a WOFF font: bad signature');
  const flavor = source.readUInt32BE(4);
  const numTables = source.readUInt16BE(12);
  if (numTables === 0 || WOFF_HEADER_SIZE + numTables * WOFF_ENTRY_SIZE > source.length) {
    throw new Error('Not a WOFF font: bad table directory');
  }

  const tables = [];
  for (let i = 0; i < numTables; i++) {
    const entry = WOFF_HEADER_SIZE + i * WOFF_ENTRY_SIZE;
    const tag = source.readUInt32BE(entry);
    const offset = source.readUInt32BE(entry + 4);
    const compLength = source.readUInt32BE(entry + 8);
    const origLength = source.readUInt32BE(entry + 12);
    if (offset + compLength > source.length || compLength > origLength) {
      throw new Error(`Corrupt WOFF table ${source.toString('latin1', entry, entry + 4)}`);
    }
    const stored = source.subarray(offset, offset + compLength);
    // A table is stored raw when compressing would not have made it smaller.
    const data = compLength < origLength ? inflateSync(stored) : stored;
    if (data.length !== origLength) throw new Error(`Corrupt WOFF table ${source.toString('latin1', entry, entry + 4)}: wrong length`);
    tables.push({ tag, data });
  }
  tables.sort((a, b) => a.tag - b.tag); // sfnt directories are sorted by tag for binary search

  const padded = (length: number) => (length + 3) & ~3;
  const directorySize = SFNT_HEADER_SIZE + numTables * SFNT_ENTRY_SIZE;
  const total = tables.reduce((sum, table) => sum + padded(table.data.length), directorySize);
  const out = Buffer.alloc(total); // zero-filled, so padding is already zeros

  let power = 1;
  let log2 = 0;
  while (power * 2 <= numTables) {
    power *= 2;
    log2 += 1;
  }
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(power * 16, 6); // searchRange
  out.writeUInt16BE(log2, 8); // entrySelector
  out.writeUInt16BE(numTables * 16 - power * 16, 10); // rangeShift

  let offset = directorySize;
  let headOffset = -1;
  tables.forEach((table, i) => {
    table.data.copy(out, offset);
    if (table.tag === HEAD_TAG) {
      if (table.data.length < 12) throw new Error('Corrupt WOFF: head table too short');
      headOffset = offset;
      out.writeUInt32BE(0, offset + 8); // checkSumAdjustment is computed over the whole file below
    }
    const entry = SFNT_HEADER_SIZE + i * SFNT_ENTRY_SIZE;
    out.writeUInt32BE(table.tag, entry);
    out.writeUInt32BE(sfntChecksum(out.subarray(offset, offset + padded(table.data.length))), entry + 4);
    out.writeUInt32BE(offset, entry + 8);
    out.writeUInt32BE(table.data.length, entry + 12);
    offset += padded(table.data.length);
  });
  if (headOffset >= 0) out.writeUInt32BE((CHECKSUM_MAGIC - sfntChecksum(out)) >>> 0, headOffset + 8);
  return out;
}

/**
 * The typefaces the PDF uses, standing in for the Word fonts named in GB/T 9704 practice:
 * serif ≈ 仿宋 (body) and 宋体 (page numbers), serifBold ≈ 方正小标宋 (header, title), bold body
 * text and 楷体 (second-level headings; no Kai font is available as an npm package),
 * sansBold ≈ 黑体 (first-level headings, table headers).
 */
export type FaceName = 'serif' | 'serifBold' | 'sansBold';

export interface FontFace {
  /** The name the face is registered under in a pdfkit document. */
  readonly key: string;
  /** Parsed once per process, for coverage and widths. */
  readonly font: Font;
  /**
   * The font as handed to pdfkit, which subsets it per document. pdfkit accepts a parsed fontkit
   * font as well as a file (its @types omit that): see pdfkitFont.
   */
  readonly pdfkitFont: object;
  has(codePoint: number): boolean;
  /** Advance width in em. */
  advance(codePoint: number): number;
}

const FACE_FILES: Record<FaceName, { file: string; postscriptName: string }> = {
  serif: { file: '@fontsource/noto-serif-sc/files/noto-serif-sc-chinese-simplified-400-normal.woff', postscriptName: 'NotoSerifSC-Regular' },
  serifBold: { file: '@fontsource/noto-serif-sc/files/noto-serif-sc-chinese-simplified-700-normal.woff', postscriptName: 'NotoSerifSC-Bold' },
  sansBold: { file: '@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-700-normal.woff', postscriptName: 'NotoSansSC-Bold' },
};

/**
 * Fonts of the operating system tried, in order, for characters the Noto SC subsets lack (≈7,900
 * characters cover everyday text; rare characters in personal and place names do occur).
 * Debian/Ubuntu's fonts-noto-cjk and Alpine's font-noto-cjk paths.
 */
const FALLBACK_FILES: { path: string; postscriptName: string }[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', postscriptName: 'NotoSerifCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/noto/NotoSerifCJK-Regular.ttc', postscriptName: 'NotoSerifCJKsc-Regular' },
  { path: '/usr/share/fonts/noto/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular' },
];

interface LaidOutRun {
  glyphs: Glyph[];
  positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }[];
  advanceWidth: number;
}

/**
 * The font pdfkit draws with: the parsed font, shared by all documents, with two changes.
 * `layout` maps characters to glyphs one by one instead of running OpenType shaping: pdfkit caches
 * shaping per space-separated word, and Chinese has no spaces, so every line was shaped afresh
 * (≈1 ms each, most of a page's time); Chinese needs no shaping, and per-character advances are
 * also exactly what the line breaker measured. `postscriptName` names the font by its weight,
 * where the @fontsource instances all carry the variable font's default name (…ExtraLight).
 */
function pdfkitFont(font: Font, postscriptName: string): object {
  const layout = (text: string): LaidOutRun => {
    const glyphs: Glyph[] = [];
    const positions: LaidOutRun['positions'] = [];
    let advanceWidth = 0;
    for (const char of text) {
      const glyph = font.glyphForCodePoint(char.codePointAt(0)!);
      glyphs.push(glyph);
      // Fresh objects: pdfkit scales positions in place.
      positions.push({ xAdvance: glyph.advanceWidth, yAdvance: 0, xOffset: 0, yOffset: 0 });
      advanceWidth += glyph.advanceWidth;
    }
    return { glyphs, positions, advanceWidth };
  };
  return new Proxy(font, {
    get(target, property) {
      if (property === 'layout') return layout;
      if (property === 'postscriptName') return postscriptName;
      return Reflect.get(target, property, target);
    },
  });
}

function makeFace(key: string, font: Font, postscriptName: string): FontFace {
  const advances = new Map<number, number>();
  const coverage = new Map<number, boolean>();
  const unitsPerEm = font.unitsPerEm;
  return {
    key,
    font,
    pdfkitFont: pdfkitFont(font, postscriptName),
    has(codePoint) {
      let known = coverage.get(codePoint);
      if (known === undefined) {
        known = font.hasGlyphForCodePoint(codePoint);
        coverage.set(codePoint, known);
      }
      return known;
    },
    advance(codePoint) {
      let width = advances.get(codePoint);
      if (width === undefined) {
        width = font.glyphForCodePoint(codePoint).advanceWidth / unitsPerEm;
        advances.set(codePoint, width);
      }
      return width;
    },
  };
}

function asSingleFont(parsed: ReturnType<typeof createFontkitFont>, what: string): Font {
  if ('fonts' in parsed) throw new Error(`${what} is a font collection; name the font in it`);
  return parsed;
}

const require = createRequire(import.meta.url);
const faceCache = new Map<FaceName, Promise<FontFace>>();

async function loadFace(name: FaceName): Promise<FontFace> {
  const { file, postscriptName } = FACE_FILES[name];
  const path = require.resolve(file);
  const sfnt = woffToSfnt(await fs.readFile(path));
  return makeFace(name, asSingleFont(createFontkitFont(sfnt), path), postscriptName);
}

/** The three faces, converted on first use and kept for the life of the process. */
export async function loadNoticeFaces(): Promise<Record<FaceName, FontFace>> {
  const names: FaceName[] = ['serif', 'serifBold', 'sansBold'];
  const faces = await Promise.all(
    names.map((name) => {
      let pending = faceCache.get(name);
      if (!pending) {
        pending = loadFace(name);
        // A failed load is retried next time instead of being cached.
        pending.catch(() => faceCache.delete(name));
        faceCache.set(name, pending);
      }
      return pending;
    }),
  );
  return { serif: faces[0]!, serifBold: faces[1]!, sansBold: faces[2]! };
}

let fallbackCache: Promise<FontFace[]> | null = null;

/**
 * System CJK fonts for characters the primary faces lack; empty when none is installed (pdfkit
 * then draws the primary font's blank .notdef glyph). Loaded only when a document needs one.
 */
export function loadFallbackFaces(): Promise<FontFace[]> {
  fallbackCache ??= (async () => {
    const faces: FontFace[] = [];
    for (const [index, candidate] of FALLBACK_FILES.entries()) {
      let data: Buffer;
      try {
        data = await fs.readFile(candidate.path);
      } catch {
        continue; // not installed here
      }
      try {
        const parsed = createFontkitFont(data, candidate.postscriptName);
        if (parsed) faces.push(makeFace(`fallback${index}`, asSingleFont(parsed, candidate.path), candidate.postscriptName));
      } catch {
        // An unreadable system font only costs the characters it would have supplied.
      }
    }
    return faces;
  })();
  return fallbackCache;
}
