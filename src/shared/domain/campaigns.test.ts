import { describe, expect, it } from 'vitest';
import { checkPhases, defaultPhases, ordinalOfYear, shiftYear } from './campaigns';

describe('campaign structure', () => {
  it('numbers the festival from 2017', () => {
    expect(ordinalOfYear(2021)).toBe(5);
    expect(ordinalOfYear(2017)).toBe(1);
  });

  it('shifts dates by years for a copy of last year’s campaign', () => {
    expect(shiftYear('2021-05-10', 1)).toBe('2022-05-10');
    expect(shiftYear('2024-02-29', 1)).toBe('2025-02-28');
  });

  it('accepts the default phases and a narrowing of the upper level’s', () => {
    const national = defaultPhases(2021);
    expect(checkPhases(national)).toEqual([]);
    const province = national.map((p, i) => (i === 0 ? { ...p, startDate: '2021-05-12' } : p));
    expect(checkPhases(province, national)).toEqual([]);
  });

  it('refuses phases that widen the upper level’s, overlap or run backwards', () => {
    const national = defaultPhases(2021);
    const wider = national.map((p, i) => (i === 2 ? { ...p, endDate: '2021-07-10' } : p));
    expect(checkPhases(wider, national)).toEqual([{ index: 2, problem: 'outside_parent' }]);
    const overlapping = national.map((p, i) => (i === 1 ? { ...p, startDate: '2021-05-20' } : p));
    expect(checkPhases(overlapping)).toEqual([{ index: 1, problem: 'overlaps_previous' }]);
    const backwards = [{ id: 'p1', name: '一', startDate: '2021-05-10', endDate: '2021-05-01' }];
    expect(checkPhases(backwards)).toEqual([{ index: 0, problem: 'end_before_start' }]);
  });
});
