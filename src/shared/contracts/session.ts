import { z } from 'zod';
import { roles } from '../domain/roles';

export const signInBody = z.object({
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const grantView = z.object({
  role: z.enum(roles),
  unitId: z.number().int(),
  unitName: z.string(),
});

export const sessionView = z.object({
  user: z.object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    unitId: z.number().int(),
    unitName: z.string(),
    mustChangePassword: z.boolean(),
  }),
  grants: z.array(grantView),
  /** Sent back in the X-CSRF-Token header of every state-changing request. */
  csrfToken: z.string(),
  idleTimeoutMinutes: z.number().int(),
});
export type SessionView = z.infer<typeof sessionView>;

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});

export const activateAccountBody = z.object({
  token: z.string().min(20).max(200),
  password: z.string().min(1).max(256),
});

export const activationInfoQuery = z.object({ token: z.string().min(20).max(200) });
export const activationInfo = z.object({ username: z.string(), displayName: z.string(), unitName: z.string() });
