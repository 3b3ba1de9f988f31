import { z } from 'zod';
import { roles } from '../domain/roles';
import { emailText, paginationQuery, phoneText, requiredText, queryBoolean } from './common';

export const userView = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  unitId: z.number().int(),
  unitName: z.string(),
  email: z.string().nullable(),
  mobile: z.string().nullable(),
  status: z.enum(['active', 'pending_activation', 'disabled']),
  lockedUntil: z.string().nullable(),
  /** Signs in with an authenticator code (TOTP). */
  totpEnabled: z.boolean(),
  roles: z.array(z.enum(roles)),
  version: z.number().int(),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof userView>;

export const userListQuery = paginationQuery.extend({
  unitId: z.coerce.number().int().positive().optional(),
  includeSubtree: queryBoolean(true),
  q: z.string().trim().max(50).optional(),
});

export const userList = z.object({ items: z.array(userView), total: z.number().int() });

/** How a new account gets its first password: one shown once, or a one-time activation link. */
export const activationMode = z.enum(['initial_password', 'activation_link']);

export const createUserBody = z.object({
  unitId: z.number().int().positive(),
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9._-]{3,64}$/),
  displayName: requiredText(1, 50),
  email: emailText,
  mobile: phoneText,
  roles: z.array(z.enum(roles)).min(1),
  mode: activationMode.default('initial_password'),
});

export const credentialsView = z.object({
  username: z.string(),
  initialPassword: z.string().optional(),
  activationUrl: z.string().optional(),
  activationExpiresAt: z.string().optional(),
});

export const createdUser = z.object({ user: userView, credentials: credentialsView });

export const updateUserBody = z.object({
  version: z.number().int().positive(),
  displayName: requiredText(1, 50).optional(),
  email: emailText,
  mobile: phoneText,
  status: z.enum(['active', 'disabled']).optional(),
  roles: z.array(z.enum(roles)).min(1).optional(),
});

export const resetPasswordBody = z.object({ mode: activationMode.default('initial_password') });

export const bulkCreateUsersBody = z.object({
  unitIds: z.array(z.number().int().positive()).min(1).max(20000),
  role: z.enum(roles),
  mode: activationMode.default('initial_password'),
  usernamePrefix: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9._-]{0,20}$/)
    .default(''),
  /** Skip units that already have an account holding this role, instead of adding another. */
  skipUnitsWithRole: z.boolean().default(true),
});

export const bulkCreateResult = z.object({
  created: z.array(credentialsView.extend({ unitId: z.number().int(), unitName: z.string() })),
  skipped: z.array(z.object({ unitId: z.number().int(), unitName: z.string(), reason: z.string() })),
});
