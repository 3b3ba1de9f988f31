import chineseDays from 'chinese-days';

/**
 * Working days (工作日) in mainland China: Monday to Friday, less the public holidays, plus the
 * make-up working days (调休) on weekends, as the State Council announces them each year. The
 * calendar comes from the npm package chinese-days (MIT), which carries the notices up to 2026
 * (for 2026 the notice of November 2025, www.gov.cn …/202511/content_7047091); a year it does not know yet counts Monday to Friday only, and
 * `calendarKnows` says so (update the package when the next notice is out, each November).
 */

/** Dates as 'YYYY-MM-DD' in China time (UTC+8, no summer time). */
const chinaOffsetMs = 8 * 3_600_000;
const dayMs = 86_400_000;

export const lastKnownCalendarYear = 2026;

export function calendarKnows(date: string): boolean {
  return Number(date.slice(0, 4)) <= lastKnownCalendarYear;
}

/** The calendar date in China of an instant. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + chinaOffsetMs).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string): boolean {
  if (!calendarKnows(date)) {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }
  return chineseDays.isWorkday(date);
}

function nextDate(date: string, step = 1): string {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + step * dayMs).toISOString().slice(0, 10);
}

/** The end (23:59:59.999 China time) of a date. */
export function endOfChinaDate(date: string): Date {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + dayMs - 1 - chinaOffsetMs);
}

/**
 * The time limit of `days` working days from `start`: the day of arrival does not count (a demand
 * received on Friday evening has the whole of its working days), so the limit is the end of the
 * `days`-th working day after the date of `start`. 0 days: the end of that same date.
 */
export function addWorkingDays(start: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError('days must be a non-negative integer');
  let date = chinaDate(start);
  let left = days;
  // At most a few holidays in a row: bounded so a calendar error can never loop forever.
  for (let guard = 0; left > 0 && guard < days * 7 + 60; guard++) {
    date = nextDate(date);
    if (isWorkingDay(date)) left--;
  }
  return endOfChinaDate(date);
}

/** Working days between two instants' dates: those after `from`'s date up to and including `to`'s. */
export function workingDaysBetween(from: Date, to: Date): number {
  const last = chinaDate(to);
  let count = 0;
  for (let date = nextDate(chinaDate(from)); date <= last; date = nextDate(date)) if (isWorkingDay(date)) count++;
  return count;
}
