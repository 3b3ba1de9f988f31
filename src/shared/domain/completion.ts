/**
 * Where each unit stands on a collection task it owes, as collecting offices phone around to learn
 * today: from "not read" to "accepted", or "missing" once the deadline has passed.
 */
export const completionStatuses = [
  'not_read',
  'read',
  'acknowledged',
  'forwarded',
  'draft',
  'submitted_on_time',
  'submitted_late',
  'returned',
  'accepted',
  'missing',
] as const;
export type CompletionStatus = (typeof completionStatuses)[number];

export interface UnitProgress {
  readAt: Date | null;
  acknowledgedAt: Date | null;
  forwardedAt: Date | null;
  submissionStatus: 'draft' | 'submitted' | 'returned' | 'accepted' | null;
  lateHours: number;
}

/** The one status that best says where a unit stands. */
export function completionStatus(p: UnitProgress, deadline: Date, now: Date): CompletionStatus {
  switch (p.submissionStatus) {
    case 'accepted':
      return 'accepted';
    case 'returned':
      return 'returned';
    case 'submitted':
      return p.lateHours > 0 ? 'submitted_late' : 'submitted_on_time';
    default:
      break;
  }
  if (now > deadline) return 'missing';
  if (p.submissionStatus === 'draft') return 'draft';
  if (p.forwardedAt) return 'forwarded';
  if (p.acknowledgedAt) return 'acknowledged';
  if (p.readAt) return 'read';
  return 'not_read';
}

/** Has the unit handed in (whatever the collector then decided)? */
export function hasSubmitted(status: CompletionStatus): boolean {
  return status === 'submitted_on_time' || status === 'submitted_late' || status === 'returned' || status === 'accepted';
}

export type CompletionCounts = Record<CompletionStatus, number> & { units: number; submitted: number };

const countKeys = [...completionStatuses, 'units', 'submitted'] as const;

/**
 * A literal, not built from the list: objects of one fixed shape keep V8's fast property access.
 * Built with Object.fromEntries they did not, and the national rollup (≈10,000 units, issue 8 W3)
 * spent ~150 ms adding counts up.
 */
export function emptyCounts(): CompletionCounts {
  return {
    not_read: 0,
    read: 0,
    acknowledged: 0,
    forwarded: 0,
    draft: 0,
    submitted_on_time: 0,
    submitted_late: 0,
    returned: 0,
    accepted: 0,
    missing: 0,
    units: 0,
    submitted: 0,
  };
}

function addCounts(into: CompletionCounts, from: CompletionCounts) {
  for (const key of countKeys) into[key] += from[key];
}

/**
 * Counts per subtree of the completion tree (a unit hangs under the unit it owes the task to), so
 * a province sees each city's rate, then each county's. Iterative: no recursion limit.
 */
export function rollUpCompletion(entries: readonly { unitId: number; parentUnitId: number | null; status: CompletionStatus }[]) {
  type Entry = (typeof entries)[number];
  const known = new Set(entries.map((e) => e.unitId));
  const children = new Map<number, Entry[]>();
  // Tops first, then each level below: walked backwards, every child is counted before its parent.
  const order: Entry[] = [];
  for (const e of entries) {
    if (e.parentUnitId === null || !known.has(e.parentUnitId)) {
      order.push(e);
      continue;
    }
    const siblings = children.get(e.parentUnitId);
    if (siblings) siblings.push(e);
    else children.set(e.parentUnitId, [e]);
  }
  const tops = order.length;
  for (let i = 0; i < order.length; i++) for (const child of children.get(order[i]!.unitId) ?? []) order.push(child);
  const byUnit = new Map<number, CompletionCounts>();
  for (let i = order.length - 1; i >= 0; i--) {
    const entry = order[i]!;
    const counts = emptyCounts();
    counts.units = 1;
    counts[entry.status] = 1;
    counts.submitted = hasSubmitted(entry.status) ? 1 : 0;
    for (const child of children.get(entry.unitId) ?? []) addCounts(counts, byUnit.get(child.unitId)!);
    byUnit.set(entry.unitId, counts);
  }
  const total = emptyCounts();
  for (let i = 0; i < tops; i++) addCounts(total, byUnit.get(order[i]!.unitId)!);
  return { byUnit, total };
}

/**
 * The units of a completion tree at most `depth` levels below `under` (itself included), or below
 * the top when `under` is absent: depth 1 of a national task is the provinces owing it; depth 1
 * under a province is the province and its cities. Rollups need these rows, not the whole tree.
 * A unit whose parent is not in the tree counts as a top, as in rollUpCompletion.
 */
export function unitsWithinLevels(entries: readonly { unitId: number; parentUnitId: number | null }[], depth: number, under?: number): Set<number> {
  const parentOf = new Map(entries.map((e) => [e.unitId, e.parentUnitId]));
  const levelOf = new Map<number, number>();
  const level = (unitId: number): number => {
    const chain: number[] = [];
    let current: number | null | undefined = unitId;
    while (current != null && parentOf.has(current) && !levelOf.has(current)) {
      chain.push(current);
      current = parentOf.get(current);
    }
    let reached = current != null ? (levelOf.get(current) ?? 0) : 0;
    for (const id of chain.reverse()) levelOf.set(id, ++reached);
    return levelOf.get(unitId)!;
  };
  const kept = new Set<number>();
  if (under !== undefined && !parentOf.has(under)) return kept;
  const base = under === undefined ? 0 : level(under);
  for (const { unitId } of entries) {
    if (level(unitId) - base > depth) continue;
    if (under !== undefined) {
      let current: number | null | undefined = unitId;
      while (current != null && current !== under) current = parentOf.get(current);
      if (current !== under) continue;
    }
    kept.add(unitId);
  }
  return kept;
}

// --- Automatic reminders ------------------------------------------------------------------------

export interface ReminderSettings {
  enabled: boolean;
  /** Days before the deadline to remind, e.g. [3, 1]. */
  daysBefore: number[];
  /** China time of day, 'HH:MM'. */
  time: string;
  overdue: boolean;
}

export const defaultReminderSettings: ReminderSettings = { enabled: true, daysBefore: [3, 1], time: '10:00', overdue: true };

export type ReminderKind = `before_${number}d` | 'overdue';

const chinaOffsetMs = 8 * 3_600_000;

/** The instant of `time` (China) on the China-calendar day `days` away from the deadline's day. */
function atChinaTime(deadline: Date, days: number, time: string): Date {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const deadlineDay = new Date(deadline.getTime() + chinaOffsetMs);
  const day = Date.UTC(deadlineDay.getUTCFullYear(), deadlineDay.getUTCMonth(), deadlineDay.getUTCDate() + days, h, m);
  return new Date(day - chinaOffsetMs);
}

export function reminderSchedule(deadline: Date, settings: ReminderSettings): { kind: ReminderKind; at: Date }[] {
  if (!settings.enabled) return [];
  const before = [...new Set(settings.daysBefore)]
    .filter((d) => d > 0)
    .sort((a, b) => b - a)
    .map((d) => ({ kind: `before_${d}d` as ReminderKind, at: atChinaTime(deadline, -d, settings.time) }));
  const overdue = settings.overdue ? [{ kind: 'overdue' as const, at: atChinaTime(deadline, 1, settings.time) }] : [];
  return [...before, ...overdue];
}

/**
 * The reminder to send now, if any: the latest one whose time has come. Earlier ones that were
 * missed (the server was down) are not sent late once a later one is due, and "before" reminders
 * are never sent after the deadline.
 */
export function dueReminder(deadline: Date, settings: ReminderSettings, now: Date): ReminderKind | null {
  const due = reminderSchedule(deadline, settings).filter((r) => r.at <= now && (r.kind === 'overdue' || now <= deadline));
  return due.at(-1)?.kind ?? null;
}
