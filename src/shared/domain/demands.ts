import type { Actor } from './access';
import { isInSubtree } from './units';

/**
 * The demands desk (诉求办理): a 科技工作者 submits a demand or suggestion without an account; the
 * 科协 of the chosen region (or a chosen society) accepts it (受理), forwards it to a better-placed
 * unit (转办) or answers it (答复); a missed time limit escalates it to the unit above (督办升级).
 * Pure rules shared by the server and the browser; decision 015 explains the choices.
 */
export const demandCategories = ['title_review', 'talent_policy', 'research_funding', 'rights', 'other'] as const;
export type DemandCategory = (typeof demandCategories)[number];

export const demandCategoryLabels: Record<DemandCategory, string> = {
  title_review: '职称评审',
  talent_policy: '人才政策',
  research_funding: '科研经费',
  rights: '权益保障',
  other: '其他',
};

/** submitted: waiting at a unit to be accepted; accepted: being handled; answered: replied (办结). */
export const demandStatuses = ['submitted', 'accepted', 'answered'] as const;
export type DemandStatus = (typeof demandStatuses)[number];

export const demandActions = ['accept', 'forward', 'answer', 'escalate', 'rate'] as const;
export type DemandAction = (typeof demandActions)[number];

export interface DemandTimeLimits {
  /** Working days a unit has to accept (or forward, or answer) a demand that reached it. */
  acceptDays: number;
  /** Working days from arrival at a unit to the reply. */
  replyDays: number;
}

/** Defaults: 2 working days to accept, 5 to reply (10 for funding questions that need checking). */
export const defaultTimeLimits: Record<DemandCategory, DemandTimeLimits> = {
  title_review: { acceptDays: 2, replyDays: 5 },
  talent_policy: { acceptDays: 2, replyDays: 5 },
  research_funding: { acceptDays: 2, replyDays: 10 },
  rights: { acceptDays: 1, replyDays: 5 },
  other: { acceptDays: 2, replyDays: 5 },
};
export const maxLimitDays = 30;

/** 字数 limits (counted as Word does, see word-count.ts). */
export const descriptionMaxWords = 1000;
export const descriptionMinWords = 10;
export const answerMaxWords = 2000;
export const caseSummaryMaxWords = 500;
export const ratingCommentMaxWords = 200;
/** A demand forwarded more often than this is answered where it is (no endless passing on). */
export const maxForwards = 5;

/**
 * The state machine: which actions each status allows. Escalation moves a demand that was not
 * answered in time to the unit above, where it waits to be accepted again; rating follows an answer.
 */
const transitions: Record<DemandStatus, Partial<Record<DemandAction, DemandStatus>>> = {
  submitted: { accept: 'accepted', forward: 'submitted', answer: 'answered', escalate: 'submitted' },
  accepted: { forward: 'submitted', answer: 'answered', escalate: 'submitted' },
  answered: { rate: 'answered' },
};

/** The status after `action`, or null when the action is not allowed in `status`. */
export function nextDemandStatus(status: DemandStatus, action: DemandAction): DemandStatus | null {
  return transitions[status][action] ?? null;
}

export function allowedDemandActions(status: DemandStatus): DemandAction[] {
  return demandActions.filter((a) => transitions[status][a] !== undefined);
}

/** The deadline that runs in a status: accepting while submitted, replying while accepted, none once answered. */
export function runningDeadline(demand: { status: DemandStatus; acceptDueAt: Date; replyDueAt: Date }): Date | null {
  if (demand.status === 'submitted') return demand.acceptDueAt;
  if (demand.status === 'accepted') return demand.replyDueAt;
  return null;
}

/** Has the running step's time limit passed at `now`? (Then the demand escalates, once per step.) */
export function isOverdue(demand: { status: DemandStatus; acceptDueAt: Date; replyDueAt: Date }, now: Date): boolean {
  const due = runningDeadline(demand);
  return due !== null && due.getTime() < now.getTime();
}

/** Was the first reply within the first-reply limit set at submission? null while there is no reply. */
export function firstReplyOnTime(demand: { firstRepliedAt: Date | null; firstReplyDueAt: Date }): boolean | null {
  if (!demand.firstRepliedAt) return null;
  return demand.firstRepliedAt.getTime() <= demand.firstReplyDueAt.getTime();
}

/** Roles whose holders handle the demands of the very unit where the role is granted. */
const handlingRoles = ['system_admin', 'unit_admin', 'campaign_manager', 'contact'] as const;

/**
 * The handling unit's own staff act on a demand (and see the contact in clear); units above only
 * see it, with the contact masked. A grant at an ancestor does not handle: the upper unit acts only
 * once the demand is escalated or forwarded to it.
 */
export function mayHandleDemand(actor: Actor, unitPath: string): boolean {
  return actor.grants.some((g) => (handlingRoles as readonly string[]).includes(g.role) && g.unitPath === unitPath);
}

/**
 * Where the handling unit may forward a demand: a unit in its own subtree (other than itself),
 * which it can see and knows, or its parent (when the demand belongs higher up). Never sideways
 * to a sibling or another region it cannot see: the parent does that if needed.
 */
export function mayForwardTo(handler: { path: string; parentId: number | null }, target: { id: number; path: string; active: boolean }): boolean {
  if (!target.active) return false;
  if (target.path === handler.path) return false;
  return target.id === handler.parentId || isInSubtree(target.path, handler.path);
}

/**
 * Lookup codes: 16 characters of 31 (about 79 bits), given once to the submitter, who follows the
 * demand and rates it with it. Grouped by four for reading out; spaces, dashes and case do not matter.
 */
export const lookupAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const lookupLength = 16;
export const lookupPattern = new RegExp(`^[${lookupAlphabet}]{${lookupLength}}$`);

export function makeLookupCode(randomIndex: (max: number) => number): string {
  let code = '';
  for (let i = 0; i < lookupLength; i++) code += lookupAlphabet[randomIndex(lookupAlphabet.length)];
  return code;
}

export function normaliseLookupCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

export function formatLookupCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, '$1-');
}

/** Average of ratings to one decimal, null when none. */
export function averageRating(ratings: readonly number[]): number | null {
  if (ratings.length === 0) return null;
  return Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 10) / 10;
}
