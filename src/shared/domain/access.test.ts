import { describe, expect, it } from 'vitest';
import { can, canSeePersonalData, rolesGrantableAt, scopeOf, type Actor } from './access';
import { grantableRoles, type Role } from './roles';

// A small tree: 1 national / 11 Jiangsu / 103 Nanjing / 1128 Xuanwu, 1129 Qinhuai / 12 Zhejiang.
const paths = {
  national: '/1/',
  jiangsu: '/1/11/',
  nanjing: '/1/11/103/',
  xuanwu: '/1/11/103/1128/',
  qinhuai: '/1/11/103/1129/',
  zhejiang: '/1/12/',
};

const actorAt = (unitPath: string, ...roles: Role[]): Actor => ({
  userId: 7,
  username: 'u',
  unitId: Number(unitPath.split('/').at(-2)),
  unitPath,
  grants: roles.map((role) => ({ role, unitId: Number(unitPath.split('/').at(-2)), unitPath })),
});

describe('can', () => {
  it('lets a role act over its own unit and everything below it, nothing else', () => {
    const nanjingAdmin = actorAt(paths.nanjing, 'unit_admin');
    expect(can(nanjingAdmin, 'units.view', paths.nanjing)).toBe(true);
    expect(can(nanjingAdmin, 'units.view', paths.xuanwu)).toBe(true);
    expect(can(nanjingAdmin, 'units.view', paths.jiangsu)).toBe(false);
    expect(can(nanjingAdmin, 'units.view', paths.zhejiang)).toBe(false);
  });

  it('keeps a county out of its siblings', () => {
    const xuanwu = actorAt(paths.xuanwu, 'unit_admin', 'contact');
    expect(can(xuanwu, 'units.view', paths.qinhuai)).toBe(false);
    expect(can(xuanwu, 'users.manage', paths.qinhuai)).toBe(false);
  });

  it('does not confuse a path prefix of digits with an ancestor', () => {
    const actor = actorAt('/1/11/10/', 'unit_admin');
    expect(can(actor, 'units.view', '/1/11/103/')).toBe(false);
  });

  it('denies what a role is not listed for', () => {
    const contact = actorAt(paths.nanjing, 'contact');
    expect(can(contact, 'units.view', paths.nanjing)).toBe(true);
    expect(can(contact, 'units.edit', paths.nanjing)).toBe(false);
    expect(can(contact, 'users.manage', paths.xuanwu)).toBe(false);
    expect(can(contact, 'audit.view', paths.nanjing)).toBe(false);
    expect(can(actorAt(paths.nanjing), 'units.view', paths.nanjing)).toBe(false);
  });

  it('restructures only strictly below the grant, except for the system administrator', () => {
    expect(can(actorAt(paths.nanjing, 'unit_admin'), 'units.restructure', paths.nanjing)).toBe(false);
    expect(can(actorAt(paths.nanjing, 'unit_admin'), 'units.restructure', paths.xuanwu)).toBe(true);
    expect(can(actorAt(paths.national, 'system_admin'), 'units.restructure', paths.jiangsu)).toBe(true);
  });
});

describe('scopeOf', () => {
  it('returns the smallest set of subtrees covering the grants', () => {
    const actor: Actor = {
      ...actorAt(paths.jiangsu, 'unit_admin'),
      grants: [
        { role: 'unit_admin', unitId: 11, unitPath: paths.jiangsu },
        { role: 'unit_admin', unitId: 103, unitPath: paths.nanjing },
        { role: 'contact', unitId: 12, unitPath: paths.zhejiang },
      ],
    };
    expect(scopeOf(actor, 'users.manage')).toEqual([paths.jiangsu]);
    expect(scopeOf(actor, 'units.view').sort()).toEqual([paths.jiangsu, paths.zhejiang].sort());
  });
});

describe('canSeePersonalData', () => {
  it('shows contacts to managers above and to the unit itself, masks them for reviewers elsewhere', () => {
    expect(canSeePersonalData(actorAt(paths.jiangsu, 'campaign_manager'), paths.xuanwu)).toBe(true);
    expect(canSeePersonalData(actorAt(paths.jiangsu, 'reviewer'), paths.xuanwu)).toBe(false);
    expect(canSeePersonalData(actorAt(paths.xuanwu, 'contact'), paths.xuanwu)).toBe(true);
  });
});

describe('rolesGrantableAt', () => {
  it('lets unit administrators grant everything but system administration, within their subtree', () => {
    const admin = actorAt(paths.nanjing, 'unit_admin');
    expect([...rolesGrantableAt(admin, paths.xuanwu, grantableRoles)].sort()).toEqual(
      ['campaign_manager', 'contact', 'reviewer', 'unit_admin'].sort(),
    );
    expect(rolesGrantableAt(admin, paths.zhejiang, grantableRoles).size).toBe(0);
    expect(rolesGrantableAt(actorAt(paths.nanjing, 'contact'), paths.nanjing, grantableRoles).size).toBe(0);
  });
});
