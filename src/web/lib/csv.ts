/**
 * CSV for Excel users in China: UTF-8 with a byte-order mark (without it Excel reads the file as
 * GBK and garbles Chinese), CRLF line ends, RFC 4180 quoting.
 */
export type CsvCell = string | number | null | undefined | { exact: string };

const formulaStart = /^[=+\-@\t\r]/;

function cellText(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'object') {
    // A value that must reach the reader unchanged (a generated password may begin with "=" or
    // "+"): written as the text formula ="…", which Excel and WPS display exactly.
    return formulaStart.test(cell.exact) ? `="${cell.exact.replace(/"/g, '""')}"` : cell.exact;
  }
  const text = String(cell);
  // Text from users (unit names) must not run as a formula when opened (CSV injection).
  return typeof cell === 'string' && formulaStart.test(text) ? `'${text}` : text;
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return `\uFEFF${rows.map((row) => row.map((cell) => quote(cellText(cell))).join(',')).join('\r\n')}\r\n`;
}

export function csvBlob(rows: readonly (readonly CsvCell[])[]): Blob {
  return new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' });
}
