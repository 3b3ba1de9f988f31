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
    /** The account signs in with an authenticator code (TOTP). */
    totpEnabled: z.boolean(),
    /** An administrator without TOTP: the session may only set it up (and change its password). */
    totpEnrolmentRequired: z.boolean(),
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

/** A 6-digit authenticator code, or (where accepted) a recovery code such as abcde-fghjk. */
const totpCodeField = z.string().trim().min(6).max(20);

/** The password was right; the account's authenticator code is asked next (POST /session/totp). */
export const totpChallengeView = z.object({
  status: z.literal('totp_required'),
  challengeToken: z.string(),
  expiresAt: z.string(),
});
export type TotpChallengeView = z.infer<typeof totpChallengeView>;

export const totpSignInBody = z.object({
  challengeToken: z.string().min(20).max(200),
  totpCode: totpCodeField,
});

export const totpStatusView = z.object({
  enabled: z.boolean(),
  enabledAt: z.string().nullable(),
  /** Administrators must keep TOTP on. */
  required: z.boolean(),
  recoveryCodesLeft: z.number().int(),
});
export type TotpStatusView = z.infer<typeof totpStatusView>;

export const totpEnrolmentView = z.object({
  /** Base32, for typing into an app that cannot scan. */
  secret: z.string(),
  uri: z.string(),
  /** The otpauth:// URI as a PNG data URL. */
  qrCode: z.string(),
});
export type TotpEnrolmentView = z.infer<typeof totpEnrolmentView>;

export const totpCodeBody = z.object({ totpCode: totpCodeField });

export const recoveryCodesView = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodesView = z.infer<typeof recoveryCodesView>;

export const totpDisableBody = z.object({
  password: z.string().min(1).max(256),
  totpCode: totpCodeField,
});
