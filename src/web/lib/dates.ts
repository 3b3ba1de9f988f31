import type { Locale } from '../../shared/i18n/messages';

/** The calendar day format of the API ('2021-06-10'). */
export const isoDayFormat = 'YYYY-MM-DD';

/** '2021-06-10' → '2021年6月10日' (as official documents and the server's messages write dates). */
export function chineseDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return iso;
  return `${Number(match[1])}年${Number(match[2])}月${Number(match[3])}日`;
}

/** A calendar day in the UI language: 2021年6月10日, or 2021-06-10 in English. */
export function formatDay(iso: string | null | undefined, language: Locale): string {
  if (!iso) return '';
  return language === 'en' ? iso.slice(0, 10) : chineseDate(iso);
}

/** A range of days: 2021年5月10日—5月25日 (the year once when it is the same). */
export function formatDayRange(start: string | null | undefined, end: string | null | undefined, language: Locale): string {
  if (!start && !end) return '';
  if (!start || !end) return formatDay(start ?? end, language);
  if (language === 'en') return `${start} – ${end}`;
  const full = chineseDate(end);
  return start.slice(0, 4) === end.slice(0, 4) ? `${chineseDate(start)}—${full.replace(/^\d{4}年/, '')}` : `${chineseDate(start)}—${full}`;
}

/** A short range of days without the year, as the sample forms write it: 5月10日—25日, 5月26日—6月5日. */
export function shortDayRange(start: string, end: string, language: Locale): string {
  const a = /^\d{4}-(\d{2})-(\d{2})/.exec(start);
  const b = /^\d{4}-(\d{2})-(\d{2})/.exec(end);
  if (!a || !b) return `${start}—${end}`;
  if (language === 'en') return `${start.slice(5, 10)} – ${end.slice(5, 10)}`;
  const from = `${Number(a[1])}月${Number(a[2])}日`;
  return a[1] === b[1] ? `${from}—${Number(b[2])}日` : `${from}—${Number(b[1])}月${Number(b[2])}日`;
}

/** The China-time calendar day of an instant, as 'YYYY-MM-DD'. */
export function chinaDay(instant: string | Date): string {
  const time = typeof instant === 'string' ? new Date(instant).getTime() : instant.getTime();
  return new Date(time + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Today in China, 'YYYY-MM-DD'. */
export function todayInChina(): string {
  return chinaDay(new Date());
}
