import { z } from 'zod';
import { demandCategories, demandStatuses, normaliseLookupCode } from '../domain/demands';
import { regionCodePattern } from '../domain/units';
import { emailText, MAX_INT4, optionalText } from './common';

/** The demands desk (诉求办理): the public form and code page, the units' desk, statistics. */

const nullableId = z.number().int().positive().max(MAX_INT4).nullable().optional();

// --- Public ---------------------------------------------------------------------------------------

export const demandBody = z.object({
  category: z.enum(demandCategories),
  regionCode: z.string().trim().regex(regionCodePattern),
  /** A society chosen instead of the region's 科协. */
  societyUnitId: nullableId,
  /** 字数 checked by the server (see demands.ts for the limits). */
  description: z.string().trim().min(1).max(6000),
  contactName: optionalText(30),
  contactPhone: z
    .string()
    .trim()
    .regex(/^$|^[0-9+\-() ]{7,20}$/)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional(),
  contactEmail: emailText,
});
export type DemandBody = z.infer<typeof demandBody>;

export const demandReceipt = z.object({
  /** Shown once: the submitter's only key to the demand. */
  code: z.string(),
  unitName: z.string(),
  firstReplyDueAt: z.string(),
});

/**
 * The code in the address: 16 capitals/digits (the page normalises what was typed). Capitals only, so
 * that request logs mask it like any token (log-redaction.ts keeps lower-case words).
 */
const lookupInput = /^[A-HJKMNP-Z2-9]{16}$/;
export const lookupParams = z.object({
  code: z
    .string()
    .refine((c) => lookupInput.test(c), { params: { code: 'lookup_code_format' }, abort: true })
    .regex(lookupInput)
    .transform(normaliseLookupCode),
});

export const publicTimelineEntry = z.object({
  kind: z.enum(['submitted', 'accepted', 'forwarded', 'escalated', 'answered', 'rated']),
  at: z.string(),
  /** The unit concerned (organisations only: never a person). */
  unitName: z.string().nullable(),
});

/** What the submitter sees with the code: no contact, no staff names, no internal notes. */
export const publicDemandView = z.object({
  category: z.enum(demandCategories),
  regionName: z.string(),
  status: z.enum(demandStatuses),
  unitName: z.string(),
  submittedAt: z.string(),
  firstReplyDueAt: z.string(),
  timeline: z.array(publicTimelineEntry),
  answer: z.string().nullable(),
  answeredAt: z.string().nullable(),
  answeredBy: z.string().nullable(),
  rating: z.object({ score: z.number().int(), comment: z.string().nullable(), ratedAt: z.string() }).nullable(),
});
export type PublicDemandView = z.infer<typeof publicDemandView>;

export const ratingBody = z.object({
  score: z.number().int().min(1).max(5),
  comment: optionalText(600),
});

export const regionsQuery = z.object({ parent: z.string().trim().regex(regionCodePattern).optional() });
export const regionsView = z.array(z.object({ code: z.string(), name: z.string(), hasChildren: z.boolean() }));

export const societiesQuery = z.object({ q: z.string().trim().min(1).max(30) });
export const societiesView = z.array(z.object({ id: z.number().int(), name: z.string() }));

export const publicCase = z.object({
  id: z.number().int(),
  title: z.string(),
  summary: z.string(),
  category: z.enum(demandCategories),
  unitName: z.string(),
  regionName: z.string(),
  answeredAt: z.string(),
  publishedAt: z.string(),
});
export const publicCasesQuery = z.object({
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
});
export const publicCasesView = z.object({ items: z.array(publicCase), total: z.number().int() });
export type PublicCase = z.infer<typeof publicCase>;

// --- Signed in ------------------------------------------------------------------------------------

export const demandListQuery = z.object({
  status: z.enum(demandStatuses).optional(),
  /** Only demands the caller's own unit handles now. */
  mine: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  page: z.coerce.number().int().min(1).max(10000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export const demandListItem = z.object({
  id: z.number().int(),
  category: z.enum(demandCategories),
  regionName: z.string(),
  status: z.enum(demandStatuses),
  unitId: z.number().int(),
  unitName: z.string(),
  /** The caller's unit handles it now. */
  handling: z.boolean(),
  excerpt: z.string(),
  submittedAt: z.string(),
  /** The running step's limit (accepting or replying); null once answered. */
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  escalations: z.number().int(),
  forwards: z.number().int(),
  rating: z.number().int().nullable(),
});
export const demandListView = z.object({ items: z.array(demandListItem), total: z.number().int() });

export const demandEventView = z.object({
  kind: z.string(),
  at: z.string(),
  fromUnitName: z.string().nullable(),
  toUnitName: z.string().nullable(),
  note: z.string().nullable(),
});

export const demandDetail = demandListItem.extend({
  description: z.string(),
  /** Unmasked for the handling unit's staff only; masked for units above; null when none was left. */
  contact: z.object({ name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable(), masked: z.boolean() }).nullable(),
  acceptDueAt: z.string(),
  replyDueAt: z.string(),
  firstReplyDueAt: z.string(),
  answer: z.string().nullable(),
  answeredAt: z.string().nullable(),
  ratingComment: z.string().nullable(),
  case: z.object({ title: z.string().nullable(), summary: z.string().nullable(), publishedAt: z.string().nullable() }),
  events: z.array(demandEventView),
  version: z.number().int(),
});
export type DemandDetail = z.infer<typeof demandDetail>;

export const versionBody = z.object({ version: z.number().int().positive().max(MAX_INT4) });
export const forwardBody = versionBody.extend({ unitId: z.number().int().positive().max(MAX_INT4), note: z.string().trim().min(2).max(200) });
export const answerBody = versionBody.extend({ answer: z.string().trim().min(1).max(10000) });
export const caseBody = versionBody.extend({
  title: z.string().trim().min(2).max(60),
  summary: z.string().trim().min(1).max(3000),
  published: z.boolean(),
});

export const forwardTargetsQuery = z.object({ q: z.string().trim().max(30).optional() });
export const forwardTargetsView = z.array(z.object({ id: z.number().int(), shortName: z.string(), relation: z.enum(['parent', 'below']) }));

export const statisticsQuery = z.object({ unitId: z.coerce.number().int().positive().max(MAX_INT4).optional() });
const figures = z.object({
  received: z.number().int(),
  firstReplyOnTime: z.number().int(),
  resolved: z.number().int(),
  rated: z.number().int(),
  averageRating: z.number().nullable(),
});
export const demandStatisticsView = z.object({
  unitId: z.number().int(),
  unitName: z.string(),
  totals: figures,
  byCategory: z.array(figures.extend({ category: z.enum(demandCategories) })),
  byRegion: z.array(figures.extend({ regionCode: z.string(), regionName: z.string() })),
});
export type DemandStatisticsView = z.infer<typeof demandStatisticsView>;

export const timeLimitsView = z.array(z.object({ category: z.enum(demandCategories), acceptDays: z.number().int(), replyDays: z.number().int(), custom: z.boolean() }));
export const timeLimitsBody = z.object({
  limits: z
    .array(z.object({ category: z.enum(demandCategories), acceptDays: z.number().int().min(0).max(30), replyDays: z.number().int().min(1).max(30) }))
    .min(1)
    .max(5),
});
