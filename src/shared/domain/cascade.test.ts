import { describe, expect, it } from 'vitest';
import { receiptStatus, rollUpCascade, type CascadeEntry } from './cascade';

const entry = (unitId: number, parentUnitId: number | null, state: Partial<CascadeEntry> = {}): CascadeEntry => ({
  unitId,
  parentUnitId,
  read: false,
  acknowledged: false,
  forwarded: false,
  ...state,
});

describe('rollUpCascade', () => {
  it('rolls the Shandong → Yantai → counties cascade up by subtree', () => {
    // 1 = 山东省科协 (issuer); 2 = 烟台 forwarded; 3 = 青岛 read; 4, 5 = counties under 烟台, one acknowledged.
    const entries = [
      entry(2, 1, { read: true, acknowledged: true, forwarded: true }),
      entry(3, 1, { read: true }),
      entry(4, 2, { read: true, acknowledged: true }),
      entry(5, 2),
    ];
    const { byUnit, total } = rollUpCascade(entries);
    expect(byUnit.get(2)).toEqual({ units: 3, read: 2, acknowledged: 2, forwarded: 1 });
    expect(byUnit.get(5)).toEqual({ units: 1, read: 0, acknowledged: 0, forwarded: 0 });
    expect(total).toEqual({ units: 4, read: 3, acknowledged: 2, forwarded: 1 });
  });

  it('handles thousands of units without recursion', () => {
    const entries = Array.from({ length: 5000 }, (_, i) => entry(i + 2, i + 1, { read: i % 2 === 0 }));
    expect(rollUpCascade(entries).total).toEqual({ units: 5000, read: 2500, acknowledged: 0, forwarded: 0 });
  });

  it('names the furthest state reached', () => {
    expect(receiptStatus({ read: true, acknowledged: false, forwarded: false })).toBe('read');
    expect(receiptStatus({ read: true, acknowledged: true, forwarded: true })).toBe('forwarded');
    expect(receiptStatus({ read: false, acknowledged: false, forwarded: false })).toBe('delivered');
  });
});
