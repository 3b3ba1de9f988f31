/**
 * 文号 (document numbers) as GB/T 9704-2012 writes them: 机关代字〔年份〕序号号, e.g. 苏科协发〔2021〕55号.
 * The year sits in hexagonal brackets 〔〕; people often type [] ［］ () （） 【】 instead, which
 * normalizeDocumentNumber converts before validation.
 */
export interface DocumentNumber {
  prefix: string;
  year: number;
  serial: number;
}

const pattern = /^([\u4e00-\u9fa5A-Za-z]{1,20})〔(\d{4})〕(\d{1,5})号$/;

export function normalizeDocumentNumber(text: string): string {
  return text
    .trim()
    .replace(/\s+/g, '')
    .replace(/^(.+?)[[［(（【〔](\d{4})[\]］)）】〕]/, '$1〔$2〕')
    .replace(/^(.+〕)0+(\d)/, '$1$2');
}

export function parseDocumentNumber(text: string): DocumentNumber | null {
  const match = pattern.exec(normalizeDocumentNumber(text));
  if (!match) return null;
  const year = Number(match[2]);
  const serial = Number(match[3]);
  if (year < 1949 || year > 2100 || serial < 1) return null;
  return { prefix: match[1]!, year, serial };
}

export function formatDocumentNumber(number: DocumentNumber): string {
  return `${number.prefix}〔${number.year}〕${number.serial}号`;
}

/** The next serial for an issuer's prefix and year: one past the highest used. */
export function nextSerial(usedSerials: readonly number[]): number {
  return usedSerials.reduce((max, s) => Math.max(max, s), 0) + 1;
}
