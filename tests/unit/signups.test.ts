import { describe, expect, it } from 'vitest';
import { codeAlphabet, codePattern, isOrganiser, makeCode, normaliseCode, shownScale, signupOpen, statusForNewSignup, toPromote } from '../../src/shared/domain/signups';
import { signupBody } from '../../src/shared/contracts/signups';

describe('sign-up rules', () => {
  it('gives a place while confirmed ones are fewer than the capacity', () => {
    expect(statusForNewSignup(0, 2)).toBe('confirmed');
    expect(statusForNewSignup(1, 2)).toBe('confirmed');
    expect(statusForNewSignup(2, 2)).toBe('waitlisted');
    expect(statusForNewSignup(3, 2)).toBe('waitlisted');
  });

  it('promotes the earliest waiting, as many as free places', () => {
    const waiting = [{ id: 9 }, { id: 4 }, { id: 7 }];
    expect(toPromote(waiting, 1, 2)).toEqual([{ id: 4 }]);
    expect(toPromote(waiting, 0, 5)).toEqual([{ id: 4 }, { id: 7 }, { id: 9 }]);
    expect(toPromote(waiting, 3, 2)).toEqual([]);
  });

  it('is open while enabled and before the deadline', () => {
    const deadline = new Date('2021-05-30T00:00:00Z');
    expect(signupOpen({ enabled: true, deadline }, new Date('2021-05-29T23:59:59Z'))).toBe(true);
    expect(signupOpen({ enabled: true, deadline }, deadline)).toBe(false);
    expect(signupOpen({ enabled: false, deadline }, new Date('2021-05-01T00:00:00Z'))).toBe(false);
    expect(signupOpen(null, new Date())).toBe(false);
  });

  it('makes codes of unambiguous characters and reads them back however typed', () => {
    let i = 0;
    const code = makeCode((max) => i++ % max);
    expect(code).toMatch(codePattern);
    expect(code).toBe(codeAlphabet.slice(0, 10));
    expect(codeAlphabet).not.toMatch(/[01OIL]/);
    expect(normaliseCode(' abcde-fghjk ')).toBe('ABCDEFGHJK');
  });

  it('shows the reported scale, never below the checked-in count', () => {
    expect(shownScale(300, 12)).toBe(300);
    expect(shownScale(null, 12)).toBe(12);
    expect(shownScale(5, 12)).toBe(12);
    expect(shownScale(null, 0)).toBeNull();
  });

  it('counts as organiser only a role at the activity unit itself', () => {
    const actor = (unitPath: string, role: 'contact' | 'campaign_manager' | 'reviewer' | 'system_admin') => ({ userId: 1, username: 'u', unitId: 1, unitPath, grants: [{ role, unitId: 1, unitPath }] });
    expect(isOrganiser(actor('/1/11/103/', 'contact'), '/1/11/103/')).toBe(true);
    expect(isOrganiser(actor('/1/11/', 'campaign_manager'), '/1/11/103/')).toBe(false);
    expect(isOrganiser(actor('/1/11/103/', 'reviewer'), '/1/11/103/')).toBe(false);
    expect(isOrganiser(actor('/1/', 'system_admin'), '/1/')).toBe(false);
  });

  it('accepts a mobile number with spaces or dashes and refuses others', () => {
    expect(signupBody.parse({ attendeeName: ' 李雷 ', mobile: '139-0000 0001' })).toEqual({ attendeeName: '李雷', mobile: '13900000001' });
    expect(signupBody.safeParse({ attendeeName: '李雷', mobile: '12900000001' }).success).toBe(false);
    expect(signupBody.safeParse({ attendeeName: '李雷', mobile: '1390000000' }).success).toBe(false);
  });
});
