import { describe, expect, it } from 'vitest';
import { addWorkingDays, calendarKnows, chinaDate, endOfChinaDate, isWorkingDay, workingDaysBetween } from './working-days';

const at = (iso: string) => new Date(iso);

describe('working days of 2026 (国务院办公厅 2026 年部分节假日安排)', () => {
  it('knows the holidays and the make-up working days', () => {
    // 元旦 1–3 January off, Sunday 4 January worked.
    expect(['2026-01-01', '2026-01-02', '2026-01-03'].map(isWorkingDay)).toEqual([false, false, false]);
    expect(isWorkingDay('2026-01-04')).toBe(true);
    // 春节 15–23 February off; Saturdays 14 and 28 February worked.
    expect(isWorkingDay('2026-02-14')).toBe(true);
    for (let d = 15; d <= 23; d++) expect(isWorkingDay(`2026-02-${d}`)).toBe(false);
    expect(isWorkingDay('2026-02-24')).toBe(true);
    expect(isWorkingDay('2026-02-28')).toBe(true);
    // 劳动节 1–5 May off, Saturday 9 May worked; 国庆 1–7 October off, 20 September and 10 October worked.
    expect(isWorkingDay('2026-05-05')).toBe(false);
    expect(isWorkingDay('2026-05-09')).toBe(true);
    expect(isWorkingDay('2026-09-20')).toBe(true);
    expect(isWorkingDay('2026-10-07')).toBe(false);
    expect(isWorkingDay('2026-10-10')).toBe(true);
    // Ordinary weekends and weekdays.
    expect(isWorkingDay('2026-11-21')).toBe(false);
    expect(isWorkingDay('2026-11-23')).toBe(true);
  });

  it('counts a limit from the day after arrival, ending at midnight China time', () => {
    // Monday 23 November 2026, 10:00 China time: 5 working days end on Monday 30 November.
    const limit = addWorkingDays(at('2026-11-23T02:00:00Z'), 5);
    expect(limit.toISOString()).toBe('2026-11-30T15:59:59.999Z');
    expect(chinaDate(limit)).toBe('2026-11-30');
    // Late on Friday evening in China (already Saturday 00:30 China time = Friday 16:30 UTC).
    expect(chinaDate(addWorkingDays(at('2026-11-20T16:30:00Z'), 1))).toBe('2026-11-23');
    expect(chinaDate(addWorkingDays(at('2026-11-20T15:30:00Z'), 1))).toBe('2026-11-23');
    expect(addWorkingDays(at('2026-11-23T02:00:00Z'), 0)).toEqual(endOfChinaDate('2026-11-23'));
  });

  it('skips the Spring Festival and counts its make-up Saturdays', () => {
    // Friday 13 February: 14 (Sat, worked) is day 1, then 24, 25, 26, 27 → day 5 is 27 February.
    expect(chinaDate(addWorkingDays(at('2026-02-13T02:00:00Z'), 5))).toBe('2026-02-27');
    // From 27 February: 28 (Sat, worked), then 2 March.
    expect(chinaDate(addWorkingDays(at('2026-02-27T02:00:00Z'), 2))).toBe('2026-03-02');
    // National Day: Wednesday 30 September, 3 days → 8 (Thu), 9 (Fri), 10 (Sat, worked).
    expect(chinaDate(addWorkingDays(at('2026-09-30T02:00:00Z'), 3))).toBe('2026-10-10');
    expect(workingDaysBetween(at('2026-02-13T02:00:00Z'), at('2026-02-27T02:00:00Z'))).toBe(5);
  });

  it('falls back to Monday to Friday for a year the calendar does not know yet', () => {
    expect(calendarKnows('2026-12-31')).toBe(true);
    expect(calendarKnows('2027-01-01')).toBe(false);
    expect(isWorkingDay('2027-01-01')).toBe(true); // a Friday; the 2027 notice is not out
    expect(isWorkingDay('2027-01-02')).toBe(false);
    expect(() => addWorkingDays(new Date(), -1)).toThrow(RangeError);
  });
});
