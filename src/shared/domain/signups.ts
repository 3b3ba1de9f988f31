import { rolesHaving, type Actor } from './access';

/**
 * Sign-ups for activities that take them (lectures, exhibitions, 科普进校园). Pure rules shared by
 * the server and the browser: who gets a place, who waits, who is promoted, the code's shape.
 */
export const signupStatuses = ['confirmed', 'waitlisted', 'cancelled'] as const;
export type SignupStatus = (typeof signupStatuses)[number];

/** Mainland mobile numbers: 11 digits starting 13–19. */
export const mobilePattern = /^1[3-9]\d{9}$/;

/** Codes avoid characters read alike (0/O, 1/I/L) so one typed at the door is right the first time. */
export const codeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const codeLength = 10;
export const codePattern = new RegExp(`^[${codeAlphabet}]{${codeLength}}$`);

/** A code from `randomIndex` (a uniform integer below its argument; crypto.randomInt on the server). */
export function makeCode(randomIndex: (max: number) => number): string {
  let code = '';
  for (let i = 0; i < codeLength; i++) code += codeAlphabet[randomIndex(codeAlphabet.length)];
  return code;
}

/** What a typed or scanned code becomes: spaces, dashes and case do not matter. */
export function normaliseCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

/** A new sign-up takes a place while confirmed ones are fewer than the capacity, else it waits. */
export function statusForNewSignup(confirmed: number, capacity: number): Exclude<SignupStatus, 'cancelled'> {
  return confirmed < capacity ? 'confirmed' : 'waitlisted';
}

/**
 * Whom to promote when places free up: the earliest waiting (by id), as many as there are free
 * places. `waiting` is in sign-up order.
 */
export function toPromote<T extends { id: number }>(waiting: readonly T[], confirmed: number, capacity: number): T[] {
  const free = Math.max(0, capacity - confirmed);
  return [...waiting].sort((a, b) => a.id - b.id).slice(0, free);
}

/** Sign-up is open while enabled and before the deadline. */
export function signupOpen(settings: { enabled: boolean; deadline: Date } | null | undefined, now: Date): boolean {
  return !!settings && settings.enabled && now.getTime() < settings.deadline.getTime();
}

/**
 * The organising unit's own people (a role at exactly the activity's unit that fills in for it)
 * manage sign-ups and see attendees' names and numbers; units above see them masked.
 */
export function isOrganiser(actor: Actor, unitPath: string): boolean {
  const roles = rolesHaving('notices.acknowledge');
  return actor.grants.some((g) => g.unitPath === unitPath && roles.includes(g.role) && g.role !== 'system_admin');
}

/**
 * The scale shown for an activity: what the unit reported, but never fewer than the people
 * checked in at the door (check-ins are a floor; the report may count walk-ins without sign-up).
 */
export function shownScale(reported: number | null, checkedIn: number): number | null {
  if (reported === null && checkedIn === 0) return null;
  return Math.max(reported ?? 0, checkedIn);
}
