import { describe, expect, it } from 'vitest';
import type { Actor } from './access';
import {
  allowedDemandActions,
  averageRating,
  firstReplyOnTime,
  formatLookupCode,
  isOverdue,
  lookupPattern,
  makeLookupCode,
  mayForwardTo,
  mayHandleDemand,
  nextDemandStatus,
  normaliseLookupCode,
  runningDeadline,
} from './demands';

const actor = (grants: Actor['grants']): Actor => ({ userId: 1, username: 'u', unitId: grants[0]?.unitId ?? 1, unitPath: grants[0]?.unitPath ?? '/1/', grants });

describe('demand state machine', () => {
  it('accepts, forwards, answers and escalates from the open statuses only', () => {
    expect(nextDemandStatus('submitted', 'accept')).toBe('accepted');
    expect(nextDemandStatus('submitted', 'forward')).toBe('submitted');
    expect(nextDemandStatus('submitted', 'answer')).toBe('answered');
    expect(nextDemandStatus('submitted', 'escalate')).toBe('submitted');
    expect(nextDemandStatus('accepted', 'accept')).toBeNull();
    expect(nextDemandStatus('accepted', 'forward')).toBe('submitted');
    expect(nextDemandStatus('accepted', 'escalate')).toBe('submitted');
    expect(nextDemandStatus('accepted', 'answer')).toBe('answered');
    expect(nextDemandStatus('submitted', 'rate')).toBeNull();
    expect(allowedDemandActions('answered')).toEqual(['rate']);
    for (const action of ['accept', 'forward', 'answer', 'escalate'] as const) expect(nextDemandStatus('answered', action)).toBeNull();
  });

  it('runs the accepting limit, then the reply limit, then none', () => {
    const acceptDueAt = new Date('2026-11-25T15:59:59.999Z');
    const replyDueAt = new Date('2026-11-30T15:59:59.999Z');
    expect(runningDeadline({ status: 'submitted', acceptDueAt, replyDueAt })).toBe(acceptDueAt);
    expect(runningDeadline({ status: 'accepted', acceptDueAt, replyDueAt })).toBe(replyDueAt);
    expect(runningDeadline({ status: 'answered', acceptDueAt, replyDueAt })).toBeNull();
    const justAfter = new Date(acceptDueAt.getTime() + 1);
    expect(isOverdue({ status: 'submitted', acceptDueAt, replyDueAt }, acceptDueAt)).toBe(false);
    expect(isOverdue({ status: 'submitted', acceptDueAt, replyDueAt }, justAfter)).toBe(true);
    expect(isOverdue({ status: 'accepted', acceptDueAt, replyDueAt }, justAfter)).toBe(false);
    expect(isOverdue({ status: 'answered', acceptDueAt, replyDueAt }, new Date('2030-01-01'))).toBe(false);
  });

  it('tells whether the first reply was on time', () => {
    const firstReplyDueAt = new Date('2026-11-30T15:59:59.999Z');
    expect(firstReplyOnTime({ firstRepliedAt: null, firstReplyDueAt })).toBeNull();
    expect(firstReplyOnTime({ firstRepliedAt: firstReplyDueAt, firstReplyDueAt })).toBe(true);
    expect(firstReplyOnTime({ firstRepliedAt: new Date(firstReplyDueAt.getTime() + 1), firstReplyDueAt })).toBe(false);
  });
});

describe('who handles and where a demand may go', () => {
  it('is the staff of the handling unit itself, not the units above', () => {
    expect(mayHandleDemand(actor([{ role: 'contact', unitId: 3, unitPath: '/1/2/3/' }]), '/1/2/3/')).toBe(true);
    expect(mayHandleDemand(actor([{ role: 'campaign_manager', unitId: 2, unitPath: '/1/2/' }]), '/1/2/3/')).toBe(false);
    expect(mayHandleDemand(actor([{ role: 'reviewer', unitId: 3, unitPath: '/1/2/3/' }]), '/1/2/3/')).toBe(false);
    expect(mayHandleDemand(actor([{ role: 'audit_admin', unitId: 3, unitPath: '/1/2/3/' }]), '/1/2/3/')).toBe(false);
  });

  it('forwards down its own subtree or up to its parent, never sideways or to itself', () => {
    const handler = { path: '/1/2/3/', parentId: 2 };
    expect(mayForwardTo(handler, { id: 2, path: '/1/2/', active: true })).toBe(true);
    expect(mayForwardTo(handler, { id: 9, path: '/1/2/3/9/', active: true })).toBe(true);
    expect(mayForwardTo(handler, { id: 9, path: '/1/2/3/9/', active: false })).toBe(false);
    expect(mayForwardTo(handler, { id: 3, path: '/1/2/3/', active: true })).toBe(false);
    expect(mayForwardTo(handler, { id: 4, path: '/1/2/4/', active: true })).toBe(false);
    expect(mayForwardTo(handler, { id: 1, path: '/1/', active: true })).toBe(false);
  });
});

describe('lookup codes', () => {
  it('are 16 characters of an unambiguous alphabet, typed loosely', () => {
    let i = 0;
    const code = makeLookupCode((max) => i++ % max);
    expect(code).toMatch(lookupPattern);
    expect(code).not.toMatch(/[01ILO]/);
    expect(normaliseLookupCode(formatLookupCode(code).toLowerCase())).toBe(code);
    expect(formatLookupCode('ABCDEFGHJKMNPQRS')).toBe('ABCD-EFGH-JKMN-PQRS');
  });

  it('averages ratings to one decimal', () => {
    expect(averageRating([])).toBeNull();
    expect(averageRating([5, 4, 4])).toBe(4.3);
  });
});
