/**
 * File kinds recognised by their content (magic bytes), never by their name. An upload is accepted
 * only when its content is one of the kinds a field allows and its name's extension agrees.
 */
export const fileKinds = ['pdf', 'docx', 'doc', 'xlsx', 'xls', 'jpg', 'png', 'mp4'] as const;
export type FileKind = (typeof fileKinds)[number];

export const contentTypes: Record<FileKind, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  doc: 'application/msword',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  jpg: 'image/jpeg',
  png: 'image/png',
  mp4: 'video/mp4',
};

export const extensionsOf: Record<FileKind, string[]> = {
  pdf: ['pdf'],
  docx: ['docx'],
  doc: ['doc'],
  xlsx: ['xlsx'],
  xls: ['xls'],
  jpg: ['jpg', 'jpeg'],
  png: ['png'],
  mp4: ['mp4'],
};

const startsWith = (head: Uint8Array, bytes: number[], offset = 0) => bytes.every((b, i) => head[offset + i] === b);
const ascii = (head: Uint8Array, from: number, to: number) => String.fromCharCode(...head.subarray(from, to));

/**
 * The kind of a file from its first bytes (≥ 4 KB for Office files, whose zip directory entries
 * name their parts), or null when it is none of the known kinds.
 */
export function sniffFileKind(head: Uint8Array): FileKind | null {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(head, 4, 8) === 'ftyp') return 'mp4';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    // OLE compound file: Word 97 or Excel 97; the stream names tell which.
    const text = Buffer.from(head).toString('utf16le');
    if (text.includes('Workbook') || text.includes('Book')) return 'xls';
    return 'doc';
  }
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
    const text = Buffer.from(head).toString('latin1');
    if (text.includes('word/')) return 'docx';
    if (text.includes('xl/')) return 'xlsx';
    // [Content_Types].xml first and the part names later: decide by the central directory if we have it.
    return null;
  }
  return null;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** A file name safe to store as metadata and to send back: no paths, no control characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '').replace(/^\.+/, '').trim();
  return cleaned.slice(0, 200) || 'file';
}
