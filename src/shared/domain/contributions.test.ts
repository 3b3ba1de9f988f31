import { describe, expect, it } from 'vitest';
import type { Actor } from './access';
import { callTakesSubmissions, consentText, kindsAccepted, mayModerateContribution, mayReadContributorEmail } from './contributions';
import type { Role } from './roles';

const actorAt = (unitPath: string, ...roles: Role[]): Actor => ({
  userId: 7,
  username: 'u',
  unitId: Number(unitPath.split('/').at(-2)),
  unitPath,
  grants: roles.map((role) => ({ role, unitId: Number(unitPath.split('/').at(-2)), unitPath })),
});

describe('a call’s window', () => {
  const call = { status: 'published', opens_at: new Date('2026-05-01T00:00:00+08:00'), closes_at: new Date('2026-05-31T00:00:00+08:00') };
  it('opens at its start (inclusive) and closes at its end (exclusive), and only when published', () => {
    expect(callTakesSubmissions(call, new Date('2026-04-30T23:59:59+08:00'))).toBe(false);
    expect(callTakesSubmissions(call, new Date('2026-05-01T00:00:00+08:00'))).toBe(true);
    expect(callTakesSubmissions(call, new Date('2026-05-30T23:59:59+08:00'))).toBe(true);
    expect(callTakesSubmissions(call, new Date('2026-05-31T00:00:00+08:00'))).toBe(false);
    expect(callTakesSubmissions({ ...call, status: 'draft' }, new Date('2026-05-10T00:00:00+08:00'))).toBe(false);
  });
  it('lists the kinds it accepts in a fixed order', () => {
    expect(kindsAccepted({ accepts_video: false, accepts_photo: true, accepts_letter: true })).toEqual(['photo', 'letter']);
  });
  it('names the organiser in the consent text', () => {
    expect(consentText('江苏省科学技术协会')).toMatch(/^我同意江苏省科学技术协会/);
  });
});

describe('who moderates works sent to a column', () => {
  const jiangsu = '/1/11/';
  it('the issuing unit’s campaign managers or above, moderator units, not units below or other roles', () => {
    expect(mayModerateContribution(actorAt(jiangsu, 'campaign_manager'), jiangsu, [])).toBe(true);
    expect(mayModerateContribution(actorAt('/1/', 'campaign_manager'), jiangsu, [])).toBe(true);
    expect(mayModerateContribution(actorAt('/1/11/103/', 'campaign_manager'), jiangsu, [])).toBe(false);
    expect(mayModerateContribution(actorAt(jiangsu, 'contact'), jiangsu, [])).toBe(false);
    expect(mayModerateContribution(actorAt('/1/11/200/', 'campaign_manager'), jiangsu, ['/1/11/200/'])).toBe(true);
  });
  it('a moderator unit does not read the contributor’s e-mail in full; the managers do', () => {
    expect(mayReadContributorEmail(actorAt('/1/11/200/', 'campaign_manager'), jiangsu)).toBe(false);
    expect(mayReadContributorEmail(actorAt(jiangsu, 'campaign_manager'), jiangsu)).toBe(true);
  });
});
