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

export function emptyCounts(): CompletionCounts {
  return Object.fromEntries([...completionStatuses.map((s) => [s, 0]), ['units', 0], ['submitted', 0]]) as CompletionCounts;
}

/**
 * Counts per subtree of the completion tree (a unit hangs under the unit it owes the task to), so
 * a province sees each city's rate, then each county's. Iterative: no recursion limit.
 */
export function rollUpCompletion(entries: readonly { unitId: number; parentUnitId: number | null; status: CompletionStatus }[]) {
  const children = new Map<number | null, typeof entries[number][]>();
  for (const e of entries) {
    const siblings = children.get(e.parentUnitId);
    if (siblings) siblings.push(e);
    else children.set(e.parentUnitId, [e]);
  }
  const known = new Set(entries.map((e) => e.unitId));
  const byUnit = new Map<number, CompletionCounts>();
  const tops = entries.filter((e) => e.parentUnitId === null || !known.has(e.parentUnitId));
  for (const top of tops) {
    const stack: [typeof top, boolean][] = [[top, false]];
    while (stack.length > 0) {
      const [entry, done] = stack.pop()!;
      if (!done) {
        stack.push([entry, true]);
        for (const child of children.get(entry.unitId) ?? []) stack.push([child, false]);
        continue;
      }
      const counts = emptyCounts();
      counts.units = 1;
      counts[entry.status] = 1;
      counts.submitted = hasSubmitted(entry.status) ? 1 : 0;
      for (const child of children.get(entry.unitId) ?? []) {
        const c = byUnit.get(child.unitId)!;
        for (const key of Object.keys(counts) as (keyof CompletionCounts)[]) counts[key] += c[key];
      }
      byUnit.set(entry.unitId, counts);
    }
  }
  const total = emptyCounts();
  for (const top of tops) {
    const c = byUnit.get(top.unitId)!;
    for (const key of Object.keys(total) as (keyof CompletionCounts)[]) total[key] += c[key];
  }
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
