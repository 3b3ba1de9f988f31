import { z } from 'zod';
import { contributionKinds, contributionStatuses } from '../domain/contributions';

export const callStatuses = ['draft', 'published', 'withdrawn'] as const;

const mb = 1024 * 1024;

/** A call (征集) as its managers write it. Sizes in MB for people; stored in bytes. */
export const callBody = z.object({
  title: z.string().trim().min(2).max(100),
  description: z.string().trim().max(2000).default(''),
  kinds: z.array(z.enum(contributionKinds)).min(1).max(3),
  letterWordLimit: z.number().int().min(50).max(5000).default(800),
  videoMaxMb: z.number().int().min(1).max(200).default(100),
  photoMaxMb: z.number().int().min(1).max(5).default(5),
  opensAt: z.iso.datetime({ offset: true }),
  closesAt: z.iso.datetime({ offset: true }),
  /** The call's version when changing it; absent when creating. */
  version: z.number().int().positive().optional(),
});
export type CallBody = z.infer<typeof callBody>;
export const bytesOfMb = (value: number) => value * mb;

export const callView = z.object({
  id: z.number().int(),
  campaignId: z.number().int(),
  title: z.string(),
  description: z.string(),
  kinds: z.array(z.enum(contributionKinds)),
  letterWordLimit: z.number().int(),
  videoMaxMb: z.number().int(),
  photoMaxMb: z.number().int(),
  opensAt: z.string(),
  closesAt: z.string(),
  status: z.enum(callStatuses),
  open: z.boolean(),
  counts: z.object({ pending: z.number().int(), approved: z.number().int(), rejected: z.number().int(), withdrawn: z.number().int() }),
  /** May the caller change, publish and withdraw the call (or only moderate its works)? */
  manages: z.boolean(),
  version: z.number().int(),
});
export const callListView = z.array(callView);

export const contributionView = z.object({
  id: z.number().int(),
  callId: z.number().int(),
  kind: z.enum(contributionKinds),
  title: z.string(),
  creditName: z.string(),
  workUnit: z.string(),
  /** In full for the call's managers, masked for other moderators. */
  email: z.string(),
  letterText: z.string().nullable(),
  file: z.object({ id: z.string(), name: z.string(), size: z.number().int(), contentType: z.string() }).nullable(),
  /** Where a moderator sees the work (signed-in, also before approval). */
  mediaUrl: z.string().nullable(),
  status: z.enum(contributionStatuses),
  decisionReason: z.string().nullable(),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
  version: z.number().int(),
});
export const contributionListQuery = z.object({
  status: z.enum(contributionStatuses).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export const contributionListView = z.object({ total: z.number().int(), items: z.array(contributionView), moderates: z.boolean() });

export const decisionBody = z.object({ version: z.number().int().positive() });
export const reasonBody = z.object({ version: z.number().int().positive(), reason: z.string().trim().min(2).max(500) });

/** The fields of a public submission (multipart form fields; the work's file follows them). */
export const submissionFields = z.object({
  kind: z.enum(contributionKinds),
  title: z.string().trim().min(2).max(60),
  creditName: z.string().trim().min(1).max(30),
  workUnit: z.string().trim().min(2).max(60),
  email: z.string().trim().pipe(z.email().max(200)),
  letterText: z.string().trim().max(20000).optional(),
  consent: z.string().refine((v) => v === 'true', { params: { code: 'publish_consent_required' } }),
});
export type SubmissionFields = z.infer<typeof submissionFields>;

export const publicCallView = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string(),
  kinds: z.array(z.enum(contributionKinds)),
  letterWordLimit: z.number().int(),
  videoMaxMb: z.number().int(),
  photoMaxMb: z.number().int(),
  opensAt: z.string(),
  closesAt: z.string(),
  open: z.boolean(),
  consentText: z.string(),
  column: z.object({ unitId: z.number().int(), unitName: z.string(), year: z.number().int() }),
});
export const publicCallListView = z.array(publicCallView.pick({ id: true, title: true, open: true, opensAt: true, closesAt: true, kinds: true }));

const srcset = z.object({ jpeg: z.string(), webp: z.string() });
export const publicWork = z.object({
  id: z.number().int(),
  kind: z.enum(contributionKinds),
  title: z.string(),
  creditName: z.string(),
  workUnit: z.string(),
  letterText: z.string().nullable(),
  mediaUrl: z.string().nullable(),
  srcset: srcset.nullable(),
  approvedAt: z.string(),
});
export const publicWorksQuery = z.object({
  kind: z.enum(contributionKinds).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(24),
});
export const publicWorksView = z.object({ items: z.array(publicWork), total: z.number().int() });

/** What the submitter sees after sending: no personal data is echoed back. */
export const receiptView = z.object({ id: z.number().int(), status: z.enum(contributionStatuses), callId: z.number().int(), kind: z.enum(contributionKinds), title: z.string() });
