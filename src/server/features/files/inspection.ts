import { Readable } from 'node:stream';
import { createInflateRaw, inflateSync } from 'node:zlib';
import { readZipDirectory } from '../../storage/zip-directory';

/**
 * Content checks of an upload, independent of where it is stored: executables, file names, PDF
 * active content and Office zips (bombs judged on the bytes really inflated, macros). The caller
 * turns a verdict into a refusal; nothing here touches the database.
 */

/** Random access to an uploaded file (the store's file in production, a Buffer in unit tests). */
export interface UploadReader {
  size: number;
  read(position: number, length: number): Promise<Buffer>;
  /** Bytes from `start` (inclusive) to `end` (exclusive), streamed. */
  stream(start: number, end: number): Readable;
}

export function bufferReader(data: Buffer): UploadReader {
  return {
    size: data.length,
    read: async (position, length) => data.subarray(position, position + length),
    stream: (start, end) => {
      // Chunked like a file stream, so the streaming code paths are the ones under test.
      const chunks: Buffer[] = [];
      for (let at = start; at < end; at += 64 * 1024) chunks.push(data.subarray(at, Math.min(end, at + 64 * 1024)));
      return Readable.from(chunks);
    },
  };
}

// --- Executables ----------------------------------------------------------------------------

const startsWith = (head: Uint8Array, bytes: number[]) => bytes.every((b, i) => head[i] === b);

/** Windows (MZ), Linux (ELF), macOS (Mach-O, fat) executables and scripts with a #! line. */
export function isExecutable(head: Uint8Array): boolean {
  return (
    startsWith(head, [0x4d, 0x5a]) ||
    startsWith(head, [0x7f, 0x45, 0x4c, 0x46]) ||
    startsWith(head, [0xfe, 0xed, 0xfa, 0xce]) ||
    startsWith(head, [0xfe, 0xed, 0xfa, 0xcf]) ||
    startsWith(head, [0xce, 0xfa, 0xed, 0xfe]) ||
    startsWith(head, [0xcf, 0xfa, 0xed, 0xfe]) ||
    startsWith(head, [0xca, 0xfe, 0xba, 0xbe]) ||
    startsWith(head, [0x23, 0x21])
  );
}

// --- File names -----------------------------------------------------------------------------

/**
 * Why a file name as sent is refused, or null. Path separators and `..` (traversal), C0/C1
 * control characters (NUL included) and the bidirectional overrides that disguise an extension
 * (`invoice\u202Efdp.exe` shows as `invoiceexe.pdf`) are refused rather than silently repaired:
 * the sender sees what is wrong. Storage names are generated, so none of this reaches a path.
 */
export function fileNameProblem(name: string): 'path' | 'control' | 'bidi' | null {
  if (/[\\/]/.test(name) || name.split(/[\\/]/).includes('..')) return 'path';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'control';
  if (/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(name)) return 'bidi';
  return null;
}

// --- PDF ------------------------------------------------------------------------------------

/**
 * PDF names that make a document act rather than be read: scripts (a JavaScript action always
 * names `/S /JavaScript`; `/JS` is its key), launching programs, files carried inside, rich media.
 * `/OpenAction` alone (open at page 1) is harmless and allowed; an OpenAction running a script is
 * caught by its `/JavaScript`.
 */
const activeNames = new Set(['JavaScript', 'JS', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia']);
/** Names long enough to be matched even inside binary stream data without false alarms. */
const longActiveNames = new Set(['JavaScript', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia']);

const isDelimiter = (b: number) =>
  b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00 ||
  b === 0x28 || b === 0x29 || b === 0x3c || b === 0x3e || b === 0x5b || b === 0x5d || b === 0x7b || b === 0x7d || b === 0x2f || b === 0x25;
const hexValue = (b: number) => (b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x41 && b <= 0x46 ? b - 0x37 : b >= 0x61 && b <= 0x66 ? b - 0x57 : -1);

export type PdfVerdict = { ok: true } | { ok: false; reason: 'active'; name: string } | { ok: false; reason: 'malformed' } | { ok: false; reason: 'encrypted' };

/** Limits on object streams, which are inflated to be read (they can hide dictionaries). */
const maxObjectStreamBytes = 32 * 1024 * 1024;
const maxObjectStreamInflated = 64 * 1024 * 1024;

/**
 * Reads a PDF as a stream of bytes, never whole: every name token (with `#xx` escapes decoded,
 * so `/J#61vaScript` is `/JavaScript`) is checked against the active names. Stream data is opaque
 * binary: there only the long names are matched (a PDF reader follows cross-reference offsets and
 * could find an object planted inside another stream), and object streams (`/Type /ObjStm`),
 * which hold compressed dictionaries, are inflated and read as well; one that does not inflate
 * completely is refused as malformed. An encrypted PDF (an `/Encrypt` dictionary, whether a
 * password opens it or only permissions are restricted) is refused: its strings and object
 * streams cannot be read without its key, so its scripts and embedded files could not be found
 * (decision 022; signed PDFs carry `/Sig`, not `/Encrypt`, and are accepted).
 */
export class PdfScanner {
  private name: number[] | null = null;
  private hex = -1; // -1 none; -2 just after '#'; ≥ 0 the first hex digit
  private tokens: string[] = [];
  private inComment = false;
  private keyword = '';
  private inStream = false;
  private skipLf = false;
  private streamIsObjStm = false;
  private streamLength: number | null = null;
  private streamBytes = 0;
  private objStm: Buffer[] = [];
  private objStmSize = 0;
  private readonly ring = new Uint8Array(9);
  private undecodable = 0;
  private encrypted = false;
  private found: string | null = null;
  private malformed = false;

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && !this.done()) {
      if (!this.inStream) {
        this.byte(chunk[i]!, false);
        i++;
        continue;
      }
      if (this.skipLf) {
        this.skipLf = false;
        if (chunk[i] === 0x0a) i++;
        continue;
      }
      const start = i;
      let ended = false;
      while (i < chunk.length && !ended && !this.done()) {
        const skipTo = this.name ? i : this.quietUntil(chunk, i);
        if (skipTo > i) {
          this.skipQuiet(chunk, i, skipTo);
          i = skipTo;
          continue;
        }
        ended = this.streamByte(chunk[i++]!);
      }
      if (this.streamIsObjStm) {
        this.objStm.push(chunk.subarray(start, i));
        this.objStmSize += i - start;
        if (this.objStmSize > maxObjectStreamBytes) this.malformed = true;
      }
      if (ended) this.endStream();
    }
  }

  /** The verdict once something is found; null while the file still reads clean. */
  early(): PdfVerdict | null {
    if (this.found) return { ok: false, reason: 'active', name: this.found };
    if (this.encrypted) return { ok: false, reason: 'encrypted' };
    if (this.malformed) return { ok: false, reason: 'malformed' };
    return null;
  }

  finish(): PdfVerdict {
    if (!this.found && this.name) this.endName(this.inStream);
    if (!this.found && this.inStream && this.streamIsObjStm) this.flushObjStm(false);
    const early = this.early();
    if (early) return early;
    if (this.undecodable > 0) return { ok: false, reason: 'malformed' };
    return { ok: true };
  }

  private done(): boolean {
    return this.found !== null || this.encrypted || this.malformed;
  }

  /**
   * Stream data is mostly image and font bytes: runs holding no '/' (no name can start) and, when
   * the end is found by keyword, no 'm' (no "endstream" can end), stopping short of the declared
   * end, are skipped with native searches instead of byte by byte.
   */
  private quietUntil(chunk: Buffer, i: number): number {
    let end = chunk.length;
    if (this.streamLength !== null) end = Math.min(end, i + (this.streamLength - this.streamBytes) - 1);
    const slash = chunk.indexOf(0x2f, i);
    if (slash >= 0 && slash < end) end = slash;
    if (this.streamLength === null) {
      const m = chunk.indexOf(0x6d, i);
      if (m >= 0 && m < end) end = m;
    }
    return Math.max(i, end);
  }

  private skipQuiet(chunk: Buffer, from: number, to: number): void {
    this.streamBytes += to - from;
    if (this.streamLength !== null) return;
    const tail = chunk.subarray(Math.max(from, to - 9), to);
    this.ring.copyWithin(0, tail.length);
    this.ring.set(tail, 9 - tail.length);
  }

  /** One byte of stream data; true when it is the last one. */
  private streamByte(b: number): boolean {
    this.streamBytes++;
    this.byte(b, true);
    if (this.streamLength !== null) return this.streamBytes >= this.streamLength;
    this.ring.copyWithin(0, 1);
    this.ring[8] = b;
    return b === 0x6d && Buffer.from(this.ring).toString('latin1') === 'endstream';
  }

  private endStream(): void {
    if (this.streamIsObjStm) this.flushObjStm(this.streamLength === null);
    this.inStream = false;
    this.name = null;
    this.hex = -1;
    this.keyword = '';
    this.tokens = [];
  }

  private flushObjStm(endedByKeyword: boolean): void {
    let data = Buffer.concat(this.objStm);
    // Found by its keyword: the keyword is not data (zlib ignores any end-of-line before it).
    if (endedByKeyword) data = data.subarray(0, Math.max(0, data.length - 9));
    this.objStm = [];
    this.objStmSize = 0;
    let inflated: Buffer;
    try {
      inflated = inflateSync(data, { maxOutputLength: maxObjectStreamInflated });
    } catch (error) {
      if (error instanceof RangeError) this.malformed = true;
      else this.undecodable++;
      return;
    }
    const inner = new PdfScanner();
    inner.push(inflated);
    const verdict = inner.finish();
    if (!verdict.ok && verdict.reason === 'active') this.found = verdict.name;
  }

  private byte(b: number, binary: boolean): void {
    if (this.name) {
      if (this.hex === -2) {
        const v = hexValue(b);
        this.hex = v;
        if (v >= 0) return;
      } else if (this.hex >= 0) {
        const v = hexValue(b);
        const first = this.hex;
        this.hex = -1;
        if (v >= 0) {
          this.name.push(first * 16 + v);
          return;
        }
      }
      if (b === 0x23) {
        this.hex = -2;
        return;
      }
      if (!isDelimiter(b)) {
        if (this.name.length < 64) this.name.push(b);
        else if (binary) this.name = null; // far longer than any active name (hex is -1 here)
        return;
      }
      this.endName(binary);
      if (this.found) return;
    }
    if (binary) {
      if (b === 0x2f) this.name = [];
      return;
    }
    if (this.inComment) {
      if (b === 0x0a || b === 0x0d) this.inComment = false;
      return;
    }
    if (b === 0x25) {
      this.endKeyword(b);
      this.inComment = true;
      return;
    }
    if (b === 0x2f) {
      this.endKeyword(b);
      this.name = [];
      return;
    }
    if (isDelimiter(b)) {
      this.endKeyword(b);
      return;
    }
    if (this.keyword.length < 32) this.keyword += String.fromCharCode(b);
  }

  private endKeyword(delimiter: number): void {
    const word = this.keyword;
    this.keyword = '';
    if (!word) return;
    if (word === 'obj') this.tokens = [];
    else this.remember(word);
    if (word === 'stream' && (delimiter === 0x0a || delimiter === 0x0d)) this.startStream(delimiter);
  }

  private remember(token: string): void {
    this.tokens.push(token);
    if (this.tokens.length > 64) this.tokens.shift();
  }

  private startStream(eol: number): void {
    this.inStream = true;
    this.skipLf = eol === 0x0d; // CRLF: the LF is not data
    this.streamIsObjStm = this.tokens.includes('/ObjStm');
    // A direct `/Length n` says where the data ends; an indirect one (`n 0 R`) falls back to "endstream".
    const at = this.tokens.lastIndexOf('/Length');
    const [n, generation, r] = at < 0 ? [] : this.tokens.slice(at + 1, at + 4);
    const direct = n !== undefined && /^\d+$/.test(n) && !(generation !== undefined && /^\d+$/.test(generation) && r === 'R');
    this.streamLength = direct ? Number(n) : null;
    this.streamBytes = 0;
    this.ring.fill(0);
    this.objStm = [];
    this.objStmSize = 0;
    if (this.streamLength === 0) this.endStream();
  }

  private endName(binary: boolean): void {
    // In binary data most "names" are noise: only lengths of a long active name are worth a look.
    if (binary && this.name && (this.name.length < 6 || this.name.length > 13)) {
      this.name = null;
      this.hex = -1;
      return;
    }
    const text = Buffer.from(this.name ?? []).toString('latin1');
    this.name = null;
    this.hex = -1;
    if ((binary ? longActiveNames : activeNames).has(text)) {
      this.found = text;
      return;
    }
    if (binary) return;
    if (text === 'Encrypt') {
      this.encrypted = true;
      return;
    }
    this.remember(`/${text}`);
  }
}

export async function scanPdf(source: AsyncIterable<Buffer>): Promise<PdfVerdict> {
  const scanner = new PdfScanner();
  for await (const chunk of source) {
    scanner.push(chunk);
    const early = scanner.early();
    if (early) return early;
  }
  return scanner.finish();
}

// --- Word 97 / Excel 97 ---------------------------------------------------------------------

/** Directory entries of a compound file name their streams in UTF-16LE; a VBA project's is `_VBA_PROJECT`. */
const vbaStreamName = Buffer.from('_VBA_PROJECT', 'utf16le');

/**
 * True when a Word 97 or Excel 97 file (OLE compound file) carries a VBA project: its directory,
 * which may sit anywhere in the file, names the `_VBA_PROJECT` stream (`_VBA_PROJECT_CUR` in Excel).
 * Read as a stream, keeping the last bytes of each chunk so a name split between chunks is found.
 */
export async function oleHasMacros(source: AsyncIterable<Buffer>): Promise<boolean> {
  let carry = Buffer.alloc(0);
  for await (const chunk of source) {
    const window = Buffer.concat([carry, chunk]);
    if (window.includes(vbaStreamName)) return true;
    carry = window.subarray(Math.max(0, window.length - (vbaStreamName.length - 1)));
  }
  return false;
}

// --- Office zips ----------------------------------------------------------------------------

export interface ZipLimits {
  maxEntries: number;
  /** Bytes really produced by inflating every entry, whatever the directory declares. */
  maxUncompressedBytes: number;
  /** Inflated bytes per byte of the file. */
  maxRatio: number;
}

export type ZipVerdict =
  | { ok: true; kind: 'docx' | 'xlsx' | null; inflatedBytes: number }
  | { ok: false; reason: 'bomb'; detail: 'entries' | 'bytes' | 'ratio' }
  | { ok: false; reason: 'macros' }
  | { ok: false; reason: 'malformed' };

const LOCAL_SIGNATURE = 0x04034b50;

/**
 * Judges an Office zip by inflating every entry and counting the bytes that really come out: a
 * directory may lie about sizes, and several entries may point at the same data (overlapping
 * bombs), so declared sizes are never trusted. Inflation stops at the first limit passed; the
 * output is discarded as it comes. Macros: a vbaProject part, or a macro-enabled content type.
 */
export async function inspectOfficeZip(file: UploadReader, limits: ZipLimits): Promise<ZipVerdict> {
  const tail = await file.read(Math.max(0, file.size - 1024 * 1024), Math.min(file.size, 1024 * 1024));
  const entries = readZipDirectory(tail, file.size);
  if (!entries) return { ok: false, reason: 'malformed' };
  if (entries.length > limits.maxEntries) return { ok: false, reason: 'bomb', detail: 'entries' };
  const names = entries.map((e) => e.name);
  if (names.some((n) => /(^|\/)vbaProject\.bin$|(^|\/)vbaData\.xml$/i.test(n))) return { ok: false, reason: 'macros' };
  const budget = Math.min(limits.maxUncompressedBytes, Math.max(file.size, 1) * limits.maxRatio);
  let total = 0;
  let contentTypes = '';
  for (const entry of entries) {
    const header = await file.read(entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE) return { ok: false, reason: 'malformed' };
    const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (dataStart > file.size) return { ok: false, reason: 'malformed' };
    const keep = entry.name === '[Content_Types].xml';
    let produced: number;
    let kept: Buffer = Buffer.alloc(0);
    if (entry.method === 0) {
      // Stored: the bytes are the entry; a declared size past the file's end is a lie.
      const end = dataStart + entry.compressedSize;
      if (end > file.size) return { ok: false, reason: 'malformed' };
      produced = entry.compressedSize;
      if (keep) kept = await file.read(dataStart, Math.min(entry.compressedSize, 1024 * 1024));
    } else if (entry.method === 8) {
      const result = await inflateCounting(file.stream(dataStart, file.size), budget - total, keep);
      if (result === 'malformed') return { ok: false, reason: 'malformed' };
      if (result === 'over') return { ok: false, reason: 'bomb', detail: budgetDetail(limits, file.size) };
      produced = result.bytes;
      kept = result.kept;
    } else {
      return { ok: false, reason: 'malformed' };
    }
    total += produced;
    if (total > budget) return { ok: false, reason: 'bomb', detail: budgetDetail(limits, file.size) };
    if (keep) contentTypes = kept.toString('utf8');
  }
  if (/macroEnabled|vbaProject/i.test(contentTypes)) return { ok: false, reason: 'macros' };
  const kind = names.some((n) => n.startsWith('word/')) ? 'docx' : names.some((n) => n.startsWith('xl/')) ? 'xlsx' : null;
  return { ok: true, kind, inflatedBytes: total };
}

const budgetDetail = (limits: ZipLimits, size: number): 'bytes' | 'ratio' =>
  Math.max(size, 1) * limits.maxRatio < limits.maxUncompressedBytes ? 'ratio' : 'bytes';

/** Inflates one raw-deflate entry until its own end, counting output and giving up past `budget`. */
function inflateCounting(source: Readable, budget: number, keep: boolean): Promise<{ bytes: number; kept: Buffer } | 'over' | 'malformed'> {
  return new Promise((resolve) => {
    const inflate = createInflateRaw();
    const kept: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (value: { bytes: number; kept: Buffer } | 'over' | 'malformed') => {
      if (settled) return;
      settled = true;
      inflate.destroy();
      source.destroy();
      resolve(value);
    };
    inflate.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (keep && bytes <= 1024 * 1024) kept.push(chunk);
      if (bytes > budget) settle('over');
    });
    inflate.on('end', () => settle({ bytes, kept: Buffer.concat(kept) }));
    inflate.on('error', () => settle('malformed'));
    (async () => {
      try {
        for await (const chunk of source) {
          if (settled) return;
          if (!inflate.write(chunk)) await new Promise<void>((r) => inflate.once('drain', r));
          // The deflate stream ended inside this chunk: zlib ignores what follows.
          if (settled) return;
        }
        if (!settled) inflate.end();
      } catch {
        settle('malformed');
      }
    })();
  });
}
