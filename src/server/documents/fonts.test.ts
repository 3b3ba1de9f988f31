import fs from 'node:fs';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { create } from 'fontkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFallbackFaces, loadNoticeFaces, woffToSfnt } from './fonts';

const require = createRequire(import.meta.url);
const serifWoff = fs.readFileSync(require.resolve('@fontsource/noto-serif-sc/files/noto-serif-sc-chinese-simplified-400-normal.woff'));

/** Packs an sfnt into WOFF 1.0 the way font tools do: each table zlib-compressed unless that does not help. */
function sfntToWoff(sfnt: Buffer): Buffer {
  const numTables = sfnt.readUInt16BE(4);
  const entries = [];
  for (let i = 0; i < numTables; i++) {
    const record = 12 + i * 16;
    const offset = sfnt.readUInt32BE(record + 8);
    const length = sfnt.readUInt32BE(record + 12);
    const data = sfnt.subarray(offset, offset + length);
    const compressed = deflateSync(data);
    entries.push({ tag: sfnt.readUInt32BE(record), checksum: sfnt.readUInt32BE(record + 4), length, stored: compressed.length < length ? compressed : data });
  }
  const directoryEnd = 44 + numTables * 20;
  const total = entries.reduce((sum, e) => sum + ((e.stored.length + 3) & ~3), directoryEnd);
  const woff = Buffer.alloc(total);
  woff.writeUInt32BE(0x774f4646, 0);
  woff.writeUInt32BE(sfnt.readUInt32BE(0), 4);
  woff.writeUInt32BE(total, 8);
  woff.writeUInt16BE(numTables, 12);
  woff.writeUInt32BE(sfnt.length, 16);
  let offset = directoryEnd;
  entries.forEach((e, i) => {
    const entry = 44 + i * 20;
    woff.writeUInt32BE(e.tag, entry);
    woff.writeUInt32BE(offset, entry + 4);
    woff.writeUInt32BE(e.stored.length, entry + 8);
    woff.writeUInt32BE(e.length, entry + 12);
    woff.writeUInt32BE(e.checksum, entry + 16);
    e.stored.copy(woff, offset);
    offset += (e.stored.length + 3) & ~3;
  });
  return woff;
}

function wholeFileChecksum(data: Buffer): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum = (sum + data.readUInt32BE(i)) >>> 0;
  return sum;
}

describe('woffToSfnt', () => {
  let sfnt: Buffer;
  beforeAll(() => {
    sfnt = woffToSfnt(serifWoff);
  });

  it('produces a TrueType font that fontkit parses, with a glyph for 科', () => {
    expect(sfnt.readUInt32BE(0)).toBe(0x00010000);
    const font = create(sfnt);
    if ('fonts' in font) throw new Error('expected a single font');
    expect(font.hasGlyphForCodePoint('科'.codePointAt(0)!)).toBe(true);
    expect(font.hasGlyphForCodePoint('〔'.codePointAt(0)!)).toBe(true);
    expect(font.characterSet.length).toBeGreaterThan(7000);
    expect(font.glyphForCodePoint('科'.codePointAt(0)!).advanceWidth).toBe(font.unitsPerEm);
  });

  it('rebuilds every table with the checksum the WOFF recorded, and a valid whole-file checksum', () => {
    const numTables = serifWoff.readUInt16BE(12);
    const recorded = new Map<number, number>();
    for (let i = 0; i < numTables; i++) recorded.set(serifWoff.readUInt32BE(44 + i * 20), serifWoff.readUInt32BE(44 + i * 20 + 16));
    expect(sfnt.readUInt16BE(4)).toBe(numTables);
    for (let i = 0; i < numTables; i++) {
      const record = 12 + i * 16;
      expect(sfnt.readUInt32BE(record + 4)).toBe(recorded.get(sfnt.readUInt32BE(record)));
    }
    expect(wholeFileChecksum(sfnt)).toBe(0xb1b0afba);
  });

  it('round-trips: packing the result into WOFF again and unpacking gives the same bytes', () => {
    expect(woffToSfnt(sfntToWoff(sfnt)).equals(sfnt)).toBe(true);
  });

  it('rejects files that are not WOFF 1.0', () => {
    expect(() => woffToSfnt(Buffer.from('not a font'))).toThrow(/too short/);
    expect(() => woffToSfnt(Buffer.alloc(64))).toThrow(/bad signature/);
    const woff2 = Buffer.alloc(64);
    woff2.write('wOF2', 0, 'latin1');
    expect(() => woffToSfnt(woff2)).toThrow(/WOFF2/);
    const truncated = Buffer.from(serifWoff.subarray(0, 2000));
    expect(() => woffToSfnt(truncated)).toThrow(/Corrupt WOFF/);
  });
});

describe('loadNoticeFaces', () => {
  it('loads the three faces once per process', async () => {
    const first = await loadNoticeFaces();
    const again = await loadNoticeFaces();
    expect(again.serif).toBe(first.serif);
    for (const face of Object.values(first)) {
      expect(face.has('科'.codePointAt(0)!)).toBe(true);
      expect(face.advance('科'.codePointAt(0)!)).toBe(1);
      expect(face.has(0x20000)).toBe(false); // 𠀀 is beyond the subset
    }
  });

  it('finds system fallback faces only where they are installed', async () => {
    const fallbacks = await loadFallbackFaces();
    if (fs.existsSync('/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc')) {
      expect(fallbacks.length).toBeGreaterThan(0);
      // ① is missing from the Noto SC subsets but present in the full CJK fonts.
      expect(fallbacks[0]!.has(0x2460)).toBe(true);
    }
    for (const face of fallbacks) expect(face.has('科'.codePointAt(0)!)).toBe(true);
  });
});
