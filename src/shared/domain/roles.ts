/** Roles hold over a unit and its whole subtree (see docs/glossary.md). */
export const roles = ['system_admin', 'unit_admin', 'campaign_manager', 'contact', 'reviewer'] as const;
export type Role = (typeof roles)[number];

/** Which roles a holder of `role` may grant to others within its subtree. */
export function grantableRoles(role: Role): readonly Role[] {
  switch (role) {
    case 'system_admin':
      return roles;
    case 'unit_admin':
      return ['unit_admin', 'campaign_manager', 'contact', 'reviewer'];
    default:
      return [];
  }
}
