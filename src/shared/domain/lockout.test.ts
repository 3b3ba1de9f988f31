import { describe, expect, it } from 'vitest';
import { lockedUntilAfterFailure } from './lockout';

describe('lockedUntilAfterFailure', () => {
  const now = new Date('2026-05-30T02:00:00Z');
  it('locks for 30 minutes at the fifth failure in the window, not before', () => {
    expect(lockedUntilAfterFailure(4, now)).toBeNull();
    expect(lockedUntilAfterFailure(5, now)?.toISOString()).toBe('2026-05-30T02:30:00.000Z');
  });
});
