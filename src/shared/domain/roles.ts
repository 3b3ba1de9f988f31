/** Roles hold over a unit and its whole subtree (see docs/glossary.md). */
export const roles = ['system_admin', 'security_admin', 'audit_admin', 'unit_admin', 'campaign_manager', 'contact', 'reviewer'] as const;
export type Role = (typeof roles)[number];

/**
 * The three administrators of 三员分立 (system, security, audit): granted at the national root, one
 * of them at most per account, and each must sign in with a second factor (decision 010).
 */
export const administratorRoles = ['system_admin', 'security_admin', 'audit_admin'] as const satisfies readonly Role[];
export type AdministratorRole = (typeof administratorRoles)[number];

export function isAdministratorRole(role: Role): role is AdministratorRole {
  return (administratorRoles as readonly Role[]).includes(role);
}

/** The administrator roles in `held` when there are two or more of them (三员分立 forbids it); else empty. */
export function conflictingAdministratorRoles(held: readonly Role[]): AdministratorRole[] {
  const found = [...new Set(held.filter(isAdministratorRole))];
  return found.length > 1 ? found : [];
}

/** Accounts holding any of these roles must enrol TOTP before doing anything else. */
export function requiresSecondFactor(held: readonly Role[]): boolean {
  return held.some(isAdministratorRole);
}

const businessRoles: readonly Role[] = ['unit_admin', 'campaign_manager', 'contact', 'reviewer'];

/**
 * Which roles a holder of `role` may grant to others within its subtree. The system administrator
 * manages the business roles; the three administrator roles are assigned only by the security
 * administrator, so no administrator can make or unmake another of its own kind alone.
 */
export function grantableRoles(role: Role): readonly Role[] {
  switch (role) {
    case 'system_admin':
      return businessRoles;
    case 'security_admin':
      return administratorRoles;
    case 'unit_admin':
      return ['unit_admin', 'campaign_manager', 'contact', 'reviewer'];
    default:
      return [];
  }
}
