/**
 * The cascade of a notice: every unit it reached, directly or through forwards, hanging under the
 * unit it was reached through. Totals roll up each subtree so a province sees each city's rate,
 * then each county's.
 */
export interface CascadeEntry {
  unitId: number;
  parentUnitId: number | null;
  read: boolean;
  acknowledged: boolean;
  forwarded: boolean;
}

export interface CascadeTotals {
  units: number;
  read: number;
  acknowledged: number;
  forwarded: number;
}

export type ReceiptStatus = 'delivered' | 'read' | 'acknowledged' | 'forwarded';

export function receiptStatus(entry: Pick<CascadeEntry, 'read' | 'acknowledged' | 'forwarded'>): ReceiptStatus {
  return entry.forwarded ? 'forwarded' : entry.acknowledged ? 'acknowledged' : entry.read ? 'read' : 'delivered';
}

/** Totals for every entry's subtree (itself included), plus the grand total. */
export function rollUpCascade(entries: readonly CascadeEntry[]): { byUnit: Map<number, CascadeTotals>; total: CascadeTotals } {
  const byUnit = new Map<number, CascadeTotals>();
  const children = new Map<number | null, CascadeEntry[]>();
  for (const entry of entries) {
    const list = children.get(entry.parentUnitId) ?? [];
    list.push(entry);
    children.set(entry.parentUnitId, list);
  }
  const known = new Set(entries.map((e) => e.unitId));
  // Iterative post-order: cascades can be deep and wide; no recursion limits.
  const visit = (root: CascadeEntry) => {
    const stack: [CascadeEntry, boolean][] = [[root, false]];
    while (stack.length > 0) {
      const [entry, expanded] = stack.pop()!;
      if (!expanded) {
        stack.push([entry, true]);
        for (const child of children.get(entry.unitId) ?? []) stack.push([child, false]);
        continue;
      }
      const totals: CascadeTotals = {
        units: 1,
        read: entry.read || entry.acknowledged || entry.forwarded ? 1 : 0,
        acknowledged: entry.acknowledged || entry.forwarded ? 1 : 0,
        forwarded: entry.forwarded ? 1 : 0,
      };
      for (const child of children.get(entry.unitId) ?? []) {
        const c = byUnit.get(child.unitId)!;
        totals.units += c.units;
        totals.read += c.read;
        totals.acknowledged += c.acknowledged;
        totals.forwarded += c.forwarded;
      }
      byUnit.set(entry.unitId, totals);
    }
  };
  const tops = entries.filter((e) => e.parentUnitId === null || !known.has(e.parentUnitId));
  for (const top of tops) visit(top);
  const total: CascadeTotals = { units: 0, read: 0, acknowledged: 0, forwarded: 0 };
  for (const top of tops) {
    const t = byUnit.get(top.unitId)!;
    total.units += t.units;
    total.read += t.read;
    total.acknowledged += t.acknowledged;
    total.forwarded += t.forwarded;
  }
  return { byUnit, total };
}
