/**
 * Reads the central directory of a zip file (docx and xlsx are zips) from the file's tail, without
 * inflating anything: the part names tell a Word file from an Excel one, and each entry's method
 * and local header offset let uploads inflate it to count its real size (declared sizes can lie).
 */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  /** 0 stored, 8 deflated. */
  method: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;

/** `tail` holds the last bytes of the file; `fileSize` is the whole file's size. Null when not a readable zip. */
export function readZipDirectory(tail: Buffer, fileSize: number): ZipEntry[] | null {
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0 && i >= tail.length - 22 - 65_535; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entryCount = tail.readUInt16LE(eocd + 10);
  const directorySize = tail.readUInt32LE(eocd + 12);
  const directoryOffset = tail.readUInt32LE(eocd + 16);
  const tailStart = fileSize - tail.length;
  let position = directoryOffset - tailStart;
  if (position < 0 || directoryOffset + directorySize > fileSize) return null;
  const entries: ZipEntry[] = [];
  for (let i = 0; i < entryCount; i++) {
    if (position + 46 > tail.length || tail.readUInt32LE(position) !== CENTRAL_SIGNATURE) return null;
    const method = tail.readUInt16LE(position + 10);
    const compressedSize = tail.readUInt32LE(position + 20);
    const uncompressedSize = tail.readUInt32LE(position + 24);
    const nameLength = tail.readUInt16LE(position + 28);
    const extraLength = tail.readUInt16LE(position + 30);
    const commentLength = tail.readUInt16LE(position + 32);
    const localHeaderOffset = tail.readUInt32LE(position + 42);
    const name = tail.toString('utf8', position + 46, position + 46 + nameLength);
    entries.push({ name, compressedSize, uncompressedSize, method, localHeaderOffset });
    position += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
