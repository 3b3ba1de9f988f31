import { describe, expect, it } from 'vitest';
import { formatChineseDate, formatChineseDateRange, parseIsoDate } from './chinese-dates';

describe('formatChineseDate', () => {
  it('writes Arabic numerals without leading zeros', () => {
    expect(formatChineseDate('2021-04-20')).toBe('2021年4月20日');
    expect(formatChineseDate('2021-05-30')).toBe('2021年5月30日');
    expect(formatChineseDate('2020-01-01')).toBe('2020年1月1日');
  });

  it('rejects malformed and impossible dates', () => {
    expect(() => formatChineseDate('2021-4-20')).toThrow(RangeError);
    expect(() => formatChineseDate('2021-02-30')).toThrow(/calendar date/);
    expect(() => formatChineseDate('')).toThrow(RangeError);
    expect(() => parseIsoDate('2021-13-01')).toThrow(RangeError);
  });

  it('accepts 29 February only in leap years', () => {
    expect(formatChineseDate('2020-02-29')).toBe('2020年2月29日');
    expect(() => formatChineseDate('2021-02-29')).toThrow(RangeError);
  });
});

describe('formatChineseDateRange', () => {
  it('omits the month at the end of a range within one month', () => {
    expect(formatChineseDateRange('2021-05-10', '2021-05-25')).toBe('5月10日—25日');
  });

  it('repeats the month across months', () => {
    expect(formatChineseDateRange('2021-05-26', '2021-06-05')).toBe('5月26日—6月5日');
  });

  it('writes both years across years', () => {
    expect(formatChineseDateRange('2021-12-20', '2022-01-05')).toBe('2021年12月20日—2022年1月5日');
  });

  it('prefixes the year on request and collapses a one-day range', () => {
    expect(formatChineseDateRange('2021-05-10', '2021-05-25', { withYear: true })).toBe('2021年5月10日—25日');
    expect(formatChineseDateRange('2021-05-30', '2021-05-30')).toBe('5月30日');
  });

  it('rejects a range that ends before it starts', () => {
    expect(() => formatChineseDateRange('2021-06-05', '2021-05-26')).toThrow(RangeError);
  });
});
