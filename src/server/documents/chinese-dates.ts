/**
 * Dates as Chinese official documents write them: 2021年4月20日, ranges 5月10日—25日.
 * GB/T 9704-2012 (7.3.5) requires Arabic numerals without leading zeros for the 成文日期.
 */

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses 'YYYY-MM-DD' strictly: 2021-02-30 is rejected rather than rolled over to March. */
export function parseIsoDate(iso: string): CalendarDate {
  const match = ISO_DATE.exec(iso);
  if (!match) throw new RangeError(`Not an ISO date (YYYY-MM-DD): ${JSON.stringify(iso)}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new RangeError(`Not a calendar date: ${iso}`);
  }
  return { year, month, day };
}

/** '2021-04-20' → '2021年4月20日'. */
export function formatChineseDate(iso: string): string {
  const { year, month, day } = parseIsoDate(iso);
  return `${year}年${month}月${day}日`;
}

export interface DateRangeOptions {
  /** Prefix the year even when both ends share it: 2021年5月10日—25日. */
  withYear?: boolean;
}

/**
 * A range written the way notices write phases: 5月10日—25日 within a month, 5月26日—6月5日 across
 * months, 2021年12月20日—2022年1月5日 across years. The dash is the full-width 一字线 (U+2014).
 */
export function formatChineseDateRange(startIso: string, endIso: string, options: DateRangeOptions = {}): string {
  const start = parseIsoDate(startIso);
  const end = parseIsoDate(endIso);
  if (startIso > endIso) throw new RangeError(`Date range ends before it starts: ${startIso} — ${endIso}`);
  if (start.year !== end.year) {
    return `${formatChineseDate(startIso)}—${formatChineseDate(endIso)}`;
  }
  const year = options.withYear ? `${start.year}年` : '';
  if (startIso === endIso) return `${year}${start.month}月${start.day}日`;
  const endText = start.month === end.month ? `${end.day}日` : `${end.month}月${end.day}日`;
  return `${year}${start.month}月${start.day}日—${endText}`;
}

/** China Standard Time is UTC+8 all year (no daylight saving since 1991). */
export const CHINA_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The calendar date of an instant in China, as 'YYYY-MM-DD': 2021-05-10T17:00Z is 2021-05-11 in Beijing. */
export function isoDateInChina(instant: Date): string {
  return new Date(instant.getTime() + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);
}
