import { z } from 'zod';
import { codePattern, mobilePattern, normaliseCode, signupStatuses } from '../domain/signups';

/** Sign-ups: the organiser's settings and check-in (signed in), the public form and the code's page. */

export const signupSettingsBody = z.object({
  enabled: z.boolean(),
  capacity: z.number().int().min(1).max(100000),
  /** When sign-up closes, as an ISO date-time. */
  deadline: z.iso.datetime({ offset: true }),
  /** The settings' version when changing them; absent the first time. */
  version: z.number().int().positive().optional(),
});

export const signupCounts = z.object({ confirmed: z.number().int(), waitlisted: z.number().int(), checkedIn: z.number().int() });

export const signupSettingsView = z.object({
  enabled: z.boolean(),
  capacity: z.number().int(),
  deadline: z.string(),
  open: z.boolean(),
  version: z.number().int(),
});

export const signupListQuery = z.object({
  status: z.enum(signupStatuses).optional(),
  page: z.coerce.number().int().min(1).max(10000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const signupItem = z.object({
  id: z.number().int(),
  /** Masked (张*, 139****0000) unless the caller is of the organising unit. */
  attendeeName: z.string(),
  mobile: z.string(),
  affiliation: z.string().nullable(),
  status: z.enum(signupStatuses),
  /** Place in the waiting list (1 = next), for those waiting. */
  position: z.number().int().nullable(),
  checkedInAt: z.string().nullable(),
  createdAt: z.string(),
});

export const activitySignupsView = z.object({
  activityId: z.number().int(),
  title: z.string(),
  unitName: z.string(),
  published: z.boolean(),
  organiser: z.boolean(),
  settings: signupSettingsView.nullable(),
  counts: signupCounts,
  items: z.array(signupItem),
  total: z.number().int(),
});

export const checkInBody = z.object({ signupCode: z.string().trim().min(1).max(40) });
export const checkInView = z.object({
  id: z.number().int(),
  attendeeName: z.string(),
  affiliation: z.string().nullable(),
  checkedInAt: z.string(),
  /** True when the code had already been checked in (scanning twice changes nothing). */
  already: z.boolean(),
  counts: signupCounts,
});

// --- Public ---------------------------------------------------------------------------------------

export const signupBody = z.object({
  attendeeName: z.string().trim().min(1).max(30),
  mobile: z
    .string()
    .trim()
    .transform((m) => m.replace(/[\s-]/g, ''))
    .refine((m) => mobilePattern.test(m), { params: { code: 'mobile_format' } }),
  affiliation: z.string().trim().max(60).optional(),
});

export const codeParams = z.object({
  code: z
    .string()
    .max(40)
    .transform(normaliseCode)
    .refine((c) => codePattern.test(c), { params: { code: 'signup_code_format' } }),
});

/** What the attendee sees: no name, no number — the code is the key. */
export const publicSignupView = z.object({
  code: z.string(),
  status: z.enum(signupStatuses),
  position: z.number().int().nullable(),
  checkedIn: z.boolean(),
  activity: z.object({ id: z.number().int(), title: z.string(), startDate: z.string().nullable(), place: z.string().nullable() }),
  /** The check-in QR code (of the code itself) as an SVG document. */
  qrSvg: z.string(),
});

export const publicSignupInfo = z.object({
  open: z.boolean(),
  capacity: z.number().int(),
  deadline: z.string(),
  confirmed: z.number().int(),
  waitlisted: z.number().int(),
  checkedIn: z.number().int(),
});

export type SignupSettingsBody = z.infer<typeof signupSettingsBody>;
export type ActivitySignupsView = z.infer<typeof activitySignupsView>;
export type PublicSignupView = z.infer<typeof publicSignupView>;
export type PublicSignupInfo = z.infer<typeof publicSignupInfo>;
export type CheckInView = z.infer<typeof checkInView>;
