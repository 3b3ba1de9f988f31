import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import yazl from 'yazl';

/**
 * Hostile (and a few benign look-alike) files, generated rather than checked in, for the unit
 * tests of the inspection and the API upload corpus. Each hostile one names what should refuse it.
 */

/** A minimal PDF whose catalogue carries `catalogExtra`, followed by `objects` (numbered from 3). */
export function pdfWith(catalogExtra: string, objects: (string | Buffer)[] = []): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  parts.push(Buffer.from(`1 0 obj\n<< /Type /Catalog /Pages 2 0 R ${catalogExtra} >>\nendobj\n`));
  parts.push(Buffer.from('2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n'));
  objects.forEach((object, i) => {
    parts.push(Buffer.from(`${i + 3} 0 obj\n`));
    parts.push(typeof object === 'string' ? Buffer.from(object, 'latin1') : object);
    parts.push(Buffer.from('\nendobj\n'));
  });
  parts.push(Buffer.from(`trailer\n<< /Root 1 0 R /Size ${objects.length + 3} >>\n%%EOF\n`));
  return Buffer.concat(parts);
}

/** A stream object with `dict` entries; the length is written directly unless `indirectLength`. */
export function streamObject(dict: string, data: Buffer, indirectLength = false): Buffer {
  const length = indirectLength ? '99 0 R' : String(data.length);
  return Buffer.concat([Buffer.from(`<< ${dict} /Length ${length} >>\nstream\r\n`), data, Buffer.from('\r\nendstream')]);
}

/** An object stream (`/Type /ObjStm`) holding one object, compressed as PDF writers do. */
export function objectStream(object: string, indirectLength = false): Buffer {
  const header = '10 0 ';
  const data = deflateSync(Buffer.from(header + object));
  return streamObject(`/Type /ObjStm /N 1 /First ${header.length} /Filter /FlateDecode`, data, indirectLength);
}

/**
 * A PDF encrypted as writers do it (standard security handler, RC4 40-bit, permissions only: it
 * opens without a password): the trailer names an /Encrypt dictionary and the object stream's
 * bytes are ciphertext, so what they hold cannot be read.
 */
export function encryptedPdf(): Buffer {
  const ciphertext = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 151 + 17) % 256));
  const objects = [
    streamObject('/Type /ObjStm /N 1 /First 5 /Filter /FlateDecode', ciphertext),
    `<< /Filter /Standard /V 1 /R 2 /O <${'a1'.repeat(32)}> /U <${'b2'.repeat(32)}> /P -3904 >>`,
  ];
  const plain = pdfWith('', objects);
  // The /Encrypt reference belongs in the trailer.
  return Buffer.from(plain.toString('latin1').replace('trailer\n<< /Root 1 0 R', `trailer\n<< /Root 1 0 R /Encrypt 4 0 R /ID [<${'c3'.repeat(16)}> <${'c3'.repeat(16)}>]`), 'latin1');
}

/**
 * A realistic "stamped" PDF: Chinese-free standard font text, a red seal drawn as vector art, a
 * photo-like image of `scanBytes` incompressible bytes (about the file's size; the bench's 1–2 MB scans).
 */
export function stampedPdf(scanBytes = 150_000): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', info: { Title: 'Stamped', Creator: 'test' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.fontSize(14).text('Activity plan, stamped by the unit.', 72, 72);
  doc.circle(400, 600, 60).lineWidth(4).strokeColor('#d00').stroke();
  doc.fillColor('#d00').fontSize(10).text('SEAL', 385, 595);
  // Incompressible pixels: the bytes of a scanned page, where "/JS" or "stream" may occur by chance.
  const noise = randomBytes(scanBytes);
  noise.write(' /JS stream endstream ', 1_000, 'latin1');
  doc.image(rawPng(noise), 72, 200, { width: 200 });
  doc.end();
  return done;
}

/** A PNG with the given (incompressible) pixel bytes: 100 px wide RGB rows. */
function rawPng(pixels: Buffer): Buffer {
  const width = 100;
  const rowBytes = width * 3;
  const height = Math.floor(pixels.length / rowBytes);
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) rows.push(Buffer.concat([Buffer.from([0]), pixels.subarray(y * rowBytes, (y + 1) * rowBytes)]));
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 0 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function zipOf(entries: [string, Buffer][], compress = true): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of entries) zip.addBuffer(content, name, { compress });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

const contentTypesXml = Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');

/** A small, valid-looking Word file. */
export function plainDocx(): Promise<Buffer> {
  return zipOf([
    ['[Content_Types].xml', contentTypesXml],
    ['word/document.xml', Buffer.from('<w:document><w:body><w:p><w:r><w:t>活动方案</w:t></w:r></w:p></w:body></w:document>')],
  ]);
}

/**
 * A Word file whose zip directory lies: every entry declares it unpacks to its packed size, so a
 * check trusting the directory sees ratio 1. `megabytes` of spaces really come out.
 */
export async function lyingDirectoryDocx(megabytes: number): Promise<Buffer> {
  const zip = await zipOf([
    ['[Content_Types].xml', contentTypesXml],
    ['word/document.xml', Buffer.alloc(megabytes * 1024 * 1024, 0x20)],
  ]);
  return rewriteCentralDirectory(zip, (entry) => entry.writeUInt32LE(entry.readUInt32LE(20), 24));
}

/**
 * Overlapping entries: `copies` directory entries all pointing at the same compressed part (the
 * "better zip bomb" shape). Each declares a tiny size; together they inflate to copies × the part.
 */
export async function overlappingDocx(copies: number, megabytesPerCopy: number): Promise<Buffer> {
  const zip = await zipOf([['word/document.xml', Buffer.alloc(megabytesPerCopy * 1024 * 1024, 0x20)]]);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const directoryOffset = zip.readUInt32LE(eocd + 16);
  const first = zip.subarray(directoryOffset, eocd);
  const entries: Buffer[] = [];
  for (let i = 0; i < copies; i++) {
    const name = Buffer.from(`word/part${String(i).padStart(4, '0')}.xml`);
    const entry = Buffer.concat([first.subarray(0, 46), name]);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt16LE(0, 30);
    entry.writeUInt16LE(0, 32);
    entry.writeUInt32LE(entry.readUInt32LE(20), 24); // and lie about the size too
    entries.push(entry);
  }
  const directory = Buffer.concat(entries);
  const end = Buffer.from(zip.subarray(eocd, eocd + 22));
  end.writeUInt16LE(copies, 8);
  end.writeUInt16LE(copies, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(directoryOffset, 16);
  return Buffer.concat([zip.subarray(0, directoryOffset), directory, end]);
}

/** Applies `edit` to every central directory entry (46-byte fixed part) of a zip. */
function rewriteCentralDirectory(zip: Buffer, edit: (entry: Buffer) => void): Buffer {
  const out = Buffer.from(zip);
  const eocd = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let position = out.readUInt32LE(eocd + 16);
  const count = out.readUInt16LE(eocd + 10);
  for (let i = 0; i < count; i++) {
    const entry = out.subarray(position, position + 46);
    edit(entry);
    position += 46 + entry.readUInt16LE(28) + entry.readUInt16LE(30) + entry.readUInt16LE(32);
  }
  return out;
}

/** A Word file of `count` tiny stored parts (written directly: a zip library takes seconds for thousands). */
export function manyEntriesDocx(count: number): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const add = (name: string, data: Buffer) => {
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data) >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data) >>> 0, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  };
  add('[Content_Types].xml', contentTypesXml);
  for (let i = 0; i < count; i++) add(`word/media/p${i}.xml`, Buffer.from('x'));
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(count + 1, 0xffff), 8);
  end.writeUInt16LE(Math.min(count + 1, 0xffff), 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A Word file with a VBA project, as Word writes a .docm. */
export function vbaDocx(): Promise<Buffer> {
  return zipOf([
    ['[Content_Types].xml', contentTypesXml],
    ['word/document.xml', Buffer.from('<w:document/>')],
    ['word/vbaProject.bin', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1, 2, 3])],
  ]);
}

/** A macro-enabled document whose VBA part was renamed: its content type still says so. */
export function macroContentTypeDocx(): Promise<Buffer> {
  return zipOf([
    [
      '[Content_Types].xml',
      Buffer.from(
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>' +
          '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
      ),
    ],
    ['word/document.xml', Buffer.from('<w:document/>')],
    ['word/extra.bin', Buffer.from('macro')],
  ]);
}

export const executables = {
  /** A Windows program: "MZ", then a PE header. */
  pe: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(400, 1)]),
  elf: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(500, 1)]),
  machO: Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe]), Buffer.alloc(500, 1)]),
  script: Buffer.from('#!/bin/sh\nrm -rf ~\n'),
};

/** The hostile PDFs, each with the name that must refuse it. */
export const hostilePdfs: [label: string, file: Buffer, name: string][] = [
  ['an OpenAction running JavaScript', pdfWith('/OpenAction << /S /JavaScript /JS (app.alert(1)) >>'), 'JavaScript'],
  ['a /JS key alone', pdfWith('/AA << /WC << /JS (this.print()) >> >>'), 'JS'],
  ['a Launch action', pdfWith('/OpenAction << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>'), 'Launch'],
  [
    'an embedded file',
    pdfWith('/Names << /EmbeddedFiles << /Names [(run.exe) 3 0 R] >> >>', [streamObject('/Type /EmbeddedFile', Buffer.from('MZ...'))]),
    'EmbeddedFiles',
  ],
  ['a hex-escaped /J#61vaScript', pdfWith('/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>'), 'JavaScript'],
  ['a fully hex-escaped /#4A#53', pdfWith('/AA << /O << /#4A#53 (x) >> >>'), 'JS'],
  ['JavaScript hidden in a compressed object stream', pdfWith('', [objectStream('<< /S /JavaScript /JS (app.alert(1)) >>')]), 'JavaScript'],
  ['JavaScript in an object stream with an indirect length', pdfWith('', [objectStream('<< /S /Launch /F (a.exe) >>', true)]), 'Launch'],
  ['an object planted inside another stream', pdfWith('', [streamObject('/Subtype /Image', Buffer.from('\n9 0 obj << /S /JavaScript /JS (x) >> endobj\n'))]), 'JavaScript'],
  ['rich media', pdfWith('/Names << /RichMedia 3 0 R >>'), 'RichMedia'],
];

/**
 * A Word 97 file shape: the compound-file signature, then directory entries in UTF-16LE naming
 * its streams (with a VBA project, the `Macros` storage and its `_VBA_PROJECT` stream).
 */
export function word97(withMacros: boolean, padding = 8192): Buffer {
  const entry = (name: string) => {
    const e = Buffer.alloc(128);
    e.write(name, 0, 'utf16le');
    e.writeUInt16LE((name.length + 1) * 2, 64);
    return e;
  };
  return Buffer.concat([
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
    Buffer.alloc(padding, 0),
    entry('Root Entry'),
    entry('WordDocument'),
    entry('1Table'),
    ...(withMacros ? [entry('Macros'), entry('VBA'), entry('_VBA_PROJECT')] : []),
  ]);
}
