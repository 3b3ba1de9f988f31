import { describe, expect, it } from 'vitest';
import { nextStatus } from './submission-status';

describe('submission status', () => {
  it('follows draft → submitted → returned → submitted → accepted', () => {
    expect(nextStatus('draft', 'save')).toBe('draft');
    expect(nextStatus('draft', 'submit')).toBe('submitted');
    expect(nextStatus('submitted', 'return')).toBe('returned');
    expect(nextStatus('returned', 'save')).toBe('returned');
    expect(nextStatus('returned', 'submit')).toBe('submitted');
    expect(nextStatus('submitted', 'accept')).toBe('accepted');
  });
  it('refuses what the flow does not allow', () => {
    expect(nextStatus('submitted', 'save')).toBeNull();
    expect(nextStatus('accepted', 'submit')).toBeNull();
    expect(nextStatus('draft', 'accept')).toBeNull();
    expect(nextStatus('accepted', 'return')).toBeNull();
  });
});
