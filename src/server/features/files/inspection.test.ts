import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readZipDirectory } from '../../storage/zip-directory';
import {
  encryptedPdf,
  executables,
  hostilePdfs,
  lyingDirectoryDocx,
  macroContentTypeDocx,
  manyEntriesDocx,
  objectStream,
  overlappingDocx,
  pdfWith,
  plainDocx,
  stampedPdf,
  streamObject,
  vbaDocx,
  word97,
} from './hostile-files.fixture';
import { bufferReader, fileNameProblem, inspectOfficeZip, isExecutable, oleHasMacros, scanPdf } from './inspection';

const limits = { maxEntries: 5_000, maxUncompressedBytes: 300 * 1024 * 1024, maxRatio: 200 };
/** Scans in small chunks, so names and keywords split across chunk boundaries are exercised. */
const scan = (pdf: Buffer, chunk = 7) => scanPdf(Readable.from(Array.from({ length: Math.ceil(pdf.length / chunk) }, (_, i) => pdf.subarray(i * chunk, (i + 1) * chunk))));

describe('executables', () => {
  it.each(Object.entries(executables))('recognises %s', (_label, bytes) => {
    expect(isExecutable(bytes)).toBe(true);
  });
  it('lets documents through', async () => {
    expect(isExecutable(pdfWith(''))).toBe(false);
    expect(isExecutable(await plainDocx())).toBe(false);
  });
});

describe('file names', () => {
  it.each([
    ['../../etc/passwd.pdf', 'path'],
    ['/etc/passwd.pdf', 'path'],
    ['C:\\Users\\张三\\方案.pdf', 'path'],
    ['..\\..\\boot.ini.pdf', 'path'],
    ['方案\u0000.exe.pdf', 'control'],
    ['方案\u0007.pdf', 'control'],
    ['方案\u001b[31m.pdf', 'control'],
    ['方案\u0085.pdf', 'control'],
    ['发票\u202Efdp.exe', 'bidi'],
    ['报告\u2067.pdf', 'bidi'],
  ])('refuses %j (%s)', (name, problem) => {
    expect(fileNameProblem(name)).toBe(problem);
  });
  it.each(['活动方案（盖章）.pdf', 'report v2.final.docx', '..hidden.pdf', '张三 & 李四 <报告>.pdf'])('accepts %j', (name) => {
    expect(fileNameProblem(name)).toBeNull();
  });
});

describe('PDF active content', () => {
  it.each(hostilePdfs)('refuses %s', async (_label, pdf, name) => {
    expect(await scan(pdf)).toEqual({ ok: false, reason: 'active', name });
    expect(await scan(pdf, 64 * 1024)).toEqual({ ok: false, reason: 'active', name });
  });

  it('accepts a real PDF with fonts, vector art and incompressible image data (where /JS and "stream" occur by chance)', async () => {
    const pdf = await stampedPdf();
    expect(pdf.includes(Buffer.from(' /JS '))).toBe(true);
    expect(await scan(pdf, 4096)).toEqual({ ok: true });
  });

  it('accepts an OpenAction that only opens a page, links, and a clean object stream', async () => {
    expect(await scan(pdfWith('/OpenAction [2 0 R /Fit] /URI << /Base (https://example.cn/) >>', [objectStream('<< /Type /Annot /Subtype /Link >>')]))).toEqual({ ok: true });
    expect(await scan(pdfWith('', [objectStream('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>', true)]))).toEqual({ ok: true });
  });

  it('treats /JS inside binary stream data as data, but an object there naming JavaScript is refused', async () => {
    expect(await scan(pdfWith('', [streamObject('/Subtype /Image', Buffer.from('\x01/JS\x02/JS (x)'))]))).toEqual({ ok: true });
  });

  it('refuses an object stream that does not inflate, and any encrypted PDF (its streams cannot be read without its key)', async () => {
    const broken = streamObject('/Type /ObjStm /N 1 /First 5 /Filter /FlateDecode', Buffer.from('not deflate data'));
    expect(await scan(pdfWith('', [broken]))).toEqual({ ok: false, reason: 'malformed' });
    expect(await scan(pdfWith('/Encrypt 9 0 R', [broken]))).toEqual({ ok: false, reason: 'encrypted' });
    expect(await scan(encryptedPdf(), 64)).toEqual({ ok: false, reason: 'encrypted' });
    // Not to be confused with the metadata flag inside an encryption dictionary's neighbours.
    expect(await scan(pdfWith('/EncryptMetadata false'))).toEqual({ ok: true });
  });

  it('refuses an object stream that inflates past its limit', async () => {
    const huge = streamObject('/Type /ObjStm /N 1 /First 5 /Filter /FlateDecode', (await import('node:zlib')).deflateSync(Buffer.alloc(65 * 1024 * 1024, 0x20)));
    expect(await scan(pdfWith('', [huge]), 64 * 1024)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('Office zips', () => {
  it('accepts a plain Word file and counts what it really inflates', async () => {
    const docx = await plainDocx();
    expect(await inspectOfficeZip(bufferReader(docx), limits)).toMatchObject({ ok: true, kind: 'docx' });
  });

  it('refuses a bomb whose directory lies about its sizes, counting the bytes really inflated', async () => {
    const bomb = await lyingDirectoryDocx(40);
    const declared = readZipDirectory(bomb, bomb.length)!;
    // What a check of the directory alone would see: nothing unpacks to more than it weighs.
    expect(declared.every((e) => e.uncompressedSize === e.compressedSize)).toBe(true);
    expect(await inspectOfficeZip(bufferReader(bomb), limits)).toEqual({ ok: false, reason: 'bomb', detail: 'ratio' });
  });

  it('refuses past the limit on inflated bytes, whatever the ratio', async () => {
    const docx = await lyingDirectoryDocx(2);
    expect(await inspectOfficeZip(bufferReader(docx), { ...limits, maxUncompressedBytes: 1024 * 1024, maxRatio: 1_000_000 })).toEqual({
      ok: false,
      reason: 'bomb',
      detail: 'bytes',
    });
  });

  it('refuses overlapping entries that each inflate the same data', async () => {
    const bomb = await overlappingDocx(400, 1);
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(await inspectOfficeZip(bufferReader(bomb), limits)).toEqual({ ok: false, reason: 'bomb', detail: 'ratio' });
  });

  it('accepts many entries up to the limit, and refuses one more', async () => {
    expect(await inspectOfficeZip(bufferReader(manyEntriesDocx(4_999)), limits)).toMatchObject({ ok: true, kind: 'docx' });
    expect(await inspectOfficeZip(bufferReader(manyEntriesDocx(5_001)), limits)).toEqual({ ok: false, reason: 'bomb', detail: 'entries' });
  });

  it('refuses macros: a VBA project, or a macro-enabled content type', async () => {
    expect(await inspectOfficeZip(bufferReader(await vbaDocx()), limits)).toEqual({ ok: false, reason: 'macros' });
    expect(await inspectOfficeZip(bufferReader(await macroContentTypeDocx()), limits)).toEqual({ ok: false, reason: 'macros' });
  });

  it('refuses a zip that is not one', async () => {
    const docx = await plainDocx();
    expect(await inspectOfficeZip(bufferReader(docx.subarray(0, docx.length - 30)), limits)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('Word 97 and Excel 97 files', () => {
  const inChunks = (data: Buffer, size: number) => Readable.from(Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)));
  it('finds a VBA project named anywhere in the file, even split between chunks', async () => {
    const file = word97(true);
    for (const size of [5, 13, 4096, 1 << 20]) expect(await oleHasMacros(inChunks(file, size))).toBe(true);
  });
  it('accepts one without', async () => {
    expect(await oleHasMacros(inChunks(word97(false), 7))).toBe(false);
  });
});
