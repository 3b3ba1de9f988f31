/**
 * Deadlines along the cascade. A deadline is the end of a day in China time (the seeds write
 * "5月10日前"); a forwarding unit's own deadline for an inherited requirement may not fall after the
 * upstream one, and by default leaves a margin of days to aggregate before reporting upward.
 */
export const defaultForwardMarginDays = 5;
const chinaOffsetMs = 8 * 3_600_000;
const dayMs = 86_400_000;

/** 23:59:59 China time on the given 'YYYY-MM-DD'. */
export function endOfChinaDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d, 23, 59, 59) - chinaOffsetMs);
}

/** The China-time calendar date of an instant, as 'YYYY-MM-DD'. */
export function chinaDateOf(instant: Date): string {
  return new Date(instant.getTime() + chinaOffsetMs).toISOString().slice(0, 10);
}

/** The default local deadline for a forward: the upstream one less the margin, never before today. */
export function proposeLocalDeadline(upstream: Date, now: Date, marginDays = defaultForwardMarginDays): Date {
  const proposed = new Date(upstream.getTime() - marginDays * dayMs);
  const endOfToday = endOfChinaDay(chinaDateOf(now));
  if (proposed < endOfToday) return upstream < endOfToday ? upstream : endOfToday;
  return proposed;
}

/** True when a downstream deadline respects the upstream one (same moment or earlier). */
export function fitsUpstream(local: Date, upstream: Date): boolean {
  return local.getTime() <= upstream.getTime();
}

/** How late a submission was, in whole hours (0 when on time). */
export function hoursLate(submittedAt: Date, deadline: Date): number {
  return Math.max(0, Math.ceil((submittedAt.getTime() - deadline.getTime()) / 3_600_000));
}
