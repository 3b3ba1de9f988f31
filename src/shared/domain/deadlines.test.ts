import { describe, expect, it } from 'vitest';
import { chinaDateOf, endOfChinaDay, fitsUpstream, hoursLate, proposeLocalDeadline } from './deadlines';

describe('deadlines', () => {
  it('ends a day at 23:59:59 China time', () => {
    expect(endOfChinaDay('2021-06-10').toISOString()).toBe('2021-06-10T15:59:59.000Z');
    expect(chinaDateOf(new Date('2021-06-10T16:30:00Z'))).toBe('2021-06-11');
  });

  it('proposes the upstream deadline less five days, as Yantai did for Shandong (6.10 → 6.5)', () => {
    const upstream = endOfChinaDay('2021-06-10');
    expect(chinaDateOf(proposeLocalDeadline(upstream, new Date('2021-05-01T00:00:00Z')))).toBe('2021-06-05');
    expect(chinaDateOf(proposeLocalDeadline(upstream, new Date('2021-05-01T00:00:00Z'), 2))).toBe('2021-06-08');
  });

  it('never proposes a day already past', () => {
    const upstream = endOfChinaDay('2021-06-10');
    expect(chinaDateOf(proposeLocalDeadline(upstream, new Date('2021-06-08T02:00:00Z')))).toBe('2021-06-08');
    expect(proposeLocalDeadline(upstream, new Date('2021-06-20T02:00:00Z'))).toEqual(upstream);
  });

  it('refuses a local deadline after the upstream one', () => {
    expect(fitsUpstream(endOfChinaDay('2021-06-05'), endOfChinaDay('2021-06-10'))).toBe(true);
    expect(fitsUpstream(endOfChinaDay('2021-06-10'), endOfChinaDay('2021-06-10'))).toBe(true);
    expect(fitsUpstream(endOfChinaDay('2021-06-12'), endOfChinaDay('2021-06-10'))).toBe(false);
  });

  it('counts hours late', () => {
    const deadline = endOfChinaDay('2021-05-10');
    expect(hoursLate(new Date(deadline.getTime() - 1000), deadline)).toBe(0);
    expect(hoursLate(new Date(deadline.getTime() + 90 * 60_000), deadline)).toBe(2);
  });
});
