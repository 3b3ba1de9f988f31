import { coveringPaths, isInSubtree } from './units';
import type { Role } from './roles';

/**
 * Who may do what, over the unit tree. A role granted at a unit holds over that unit's whole
 * subtree and nowhere else: a province never sees another province, a county never its siblings.
 * Deny by default: a capability not listed for a role is refused.
 */
export interface RoleGrant {
  role: Role;
  unitId: number;
  unitPath: string;
}

export interface Actor {
  userId: number;
  username: string;
  unitId: number;
  unitPath: string;
  grants: readonly RoleGrant[];
}

export type Capability =
  /** See a unit, its place in the tree and its non-personal details. */
  | 'units.view'
  /** Edit a unit's details (contact, address, tags). */
  | 'units.edit'
  /** Create, move, rename, deactivate units strictly below the grant's unit. */
  | 'units.restructure'
  | 'users.manage'
  /** 安全保密管理员: see accounts, unlock them, reset their TOTP, assign the administrator roles. */
  | 'accounts.security'
  /** Read the audit log: a unit administrator over its subtree, the audit administrator everywhere. */
  | 'audit.view'
  /** Recompute the audit hash chain (安全审计员 only). */
  | 'audit.verify'
  /** See contacts' phones, e-mails and addresses unmasked. */
  | 'personal_data.view'
  /** Create campaigns, issue and forward notices, collect and review. */
  | 'campaigns.manage'
  /** Sign for (签收) a notice received by the unit. */
  | 'notices.acknowledge';

const rolesWith: Record<Capability, readonly Role[]> = {
  'units.view': ['system_admin', 'unit_admin', 'campaign_manager', 'contact', 'reviewer'],
  'units.edit': ['system_admin', 'unit_admin'],
  'units.restructure': ['system_admin', 'unit_admin'],
  'users.manage': ['system_admin', 'unit_admin'],
  'accounts.security': ['security_admin'],
  // 三员分立: the system administrator does not read the audit log (decision 010).
  'audit.view': ['audit_admin', 'unit_admin'],
  'audit.verify': ['audit_admin'],
  'personal_data.view': ['system_admin', 'unit_admin', 'campaign_manager'],
  'campaigns.manage': ['system_admin', 'campaign_manager'],
  'notices.acknowledge': ['system_admin', 'unit_admin', 'campaign_manager', 'contact'],
};

/** Capabilities that act on a unit's place in the tree never apply to the grant's own unit. */
const strictlyBelowGrant: ReadonlySet<Capability> = new Set(['units.restructure']);

export function rolesHaving(capability: Capability): readonly Role[] {
  return rolesWith[capability];
}

/** May `actor` exercise `capability` over the unit at `unitPath`? */
export function can(actor: Actor, capability: Capability, unitPath: string): boolean {
  const allowed = rolesWith[capability];
  return actor.grants.some(
    (grant) =>
      allowed.includes(grant.role) &&
      isInSubtree(unitPath, grant.unitPath) &&
      (!strictlyBelowGrant.has(capability) || unitPath !== grant.unitPath || grant.role === 'system_admin'),
  );
}

/** The subtrees (as paths) over which `actor` holds `capability`; empty when none. */
export function scopeOf(actor: Actor, capability: Capability): string[] {
  const allowed = rolesWith[capability];
  return coveringPaths(actor.grants.filter((g) => allowed.includes(g.role)).map((g) => g.unitPath));
}

/** Personal data of a unit's contact: visible to those who need it and to the unit's own people. */
export function canSeePersonalData(actor: Actor, unitPath: string): boolean {
  return actor.unitPath === unitPath || can(actor, 'personal_data.view', unitPath);
}

export function isSystemAdmin(actor: Actor): boolean {
  return actor.grants.some((g) => g.role === 'system_admin');
}

/**
 * The grants that see units and their business records: all but the security and audit
 * administrators' (三员分立), whose grant at the root must not make campaigns, notices or
 * notifications of the root visible to them.
 */
export function viewingGrants(actor: Actor): readonly RoleGrant[] {
  return actor.grants.filter((g) => rolesWith['units.view'].includes(g.role));
}

/** The audit administrator reads the whole log, whatever unit the grant names. */
export function isAuditAdmin(actor: Actor): boolean {
  return actor.grants.some((g) => g.role === 'audit_admin');
}

/** Roles `actor` may grant at the unit at `unitPath`. */
export function rolesGrantableAt(actor: Actor, unitPath: string, grantable: (role: Role) => readonly Role[]): Set<Role> {
  const result = new Set<Role>();
  for (const grant of actor.grants) {
    if (!isInSubtree(unitPath, grant.unitPath)) continue;
    for (const role of grantable(grant.role)) result.add(role);
  }
  return result;
}
