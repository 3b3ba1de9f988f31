import { z } from 'zod';
import { activityFormats } from '../domain/activity-format';
import { publicationStatuses } from '../domain/showcase';
import { unitTypes } from '../domain/units';
import { publicArticleCard } from './articles';
import { publicSignupInfo } from './signups';

/** The showcase (专题栏目): publication requests and moderation (signed in), and the public column. */

export const mediaLinkKinds = ['video', 'livestream', 'coverage'] as const;

export const mediaLink = z.object({
  kind: z.enum(mediaLinkKinds),
  title: z.string().trim().min(2).max(100),
  url: z.string().trim().max(500),
});

export const publicationBody = z.object({
  description: z.string().trim().min(10).max(3000),
  photos: z.array(z.object({ fileId: z.uuid(), caption: z.string().trim().max(100).optional() })).max(9).default([]),
  mediaLinks: z.array(mediaLink).max(10).default([]),
  /** 活动总结, once the activity has taken place; ≤ 1,000 字 (checked on the server, counted as Word does). */
  finalReport: z.string().trim().max(5000).optional(),
  /** The publication's version when changing one; absent when asking for the first time. */
  version: z.number().int().positive().optional(),
});

export const versionBody = z.object({ version: z.number().int().positive() });
export const approveBody = versionBody.extend({ note: z.string().trim().max(500).optional() });
export const rejectBody = versionBody.extend({ note: z.string().trim().min(2).max(500) });
export const withdrawBody = versionBody.extend({ reason: z.string().trim().min(2).max(500) });

export const publicationView = z.object({
  id: z.number().int(),
  activityId: z.number().int(),
  campaignId: z.number().int(),
  unitId: z.number().int(),
  unitName: z.string(),
  title: z.string(),
  status: z.enum(publicationStatuses),
  description: z.string(),
  photos: z.array(z.object({ fileId: z.string(), name: z.string(), caption: z.string().nullable() })),
  mediaLinks: z.array(mediaLink),
  finalReport: z.string().nullable(),
  requestedAt: z.string(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  publishedAt: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
  withdrawReason: z.string().nullable(),
  mayModerate: z.boolean(),
  mayRequest: z.boolean(),
  version: z.number().int(),
});

export const myActivitiesQuery = z.object({
  status: z.enum([...publicationStatuses, 'none']).optional(),
  q: z.string().trim().max(50).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const myActivityItem = z.object({
  activityId: z.number().int(),
  title: z.string(),
  unitId: z.number().int(),
  unitName: z.string(),
  campaignId: z.number().int().nullable(),
  campaignTitle: z.string().nullable(),
  phaseId: z.string().nullable(),
  startDate: z.string().nullable(),
  publication: z.object({ id: z.number().int(), status: z.enum(publicationStatuses), version: z.number().int(), decisionNote: z.string().nullable() }).nullable(),
});
export const myActivitiesView = z.object({ items: z.array(myActivityItem), total: z.number().int() });

export const reviewQueueQuery = z.object({
  status: z.enum(publicationStatuses).default('pending'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export const reviewQueueView = z.object({ items: z.array(publicationView), total: z.number().int() });

/** `version`: the list's, as read with it. */
export const moderatorsBody = z.object({ unitIds: z.array(z.number().int().positive()).max(20), version: z.number().int().positive() });
export const moderatorsView = z.object({ units: z.array(z.object({ unitId: z.number().int(), unitName: z.string() })), version: z.number().int() });

// --- Public (no sign-in, never personal data) ----------------------------------------------------

export const columnParams = z.object({ unitId: z.coerce.number().int().positive(), year: z.coerce.number().int().min(2016).max(2100) });

const named = z.object({ id: z.string(), name: z.string() });

export const publicActivityCard = z.object({
  id: z.number().int(),
  title: z.string(),
  unitName: z.string(),
  modules: z.array(named),
  phase: named.nullable(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  place: z.string().nullable(),
  format: z.enum(activityFormats),
  excerpt: z.string(),
  photo: z.string().nullable(),
  /** `srcset` values of the photo's resized copies (480, 960, 1600 px wide), per format. */
  photoSrcset: z.object({ jpeg: z.string(), webp: z.string() }).nullable(),
  publishedAt: z.string(),
});

export const publicColumnView = z.object({
  unitId: z.number().int(),
  unitName: z.string(),
  year: z.number().int(),
  ordinal: z.number().int().nullable(),
  theme: z.string(),
  modules: z.array(named),
  phases: z.array(named.extend({ startDate: z.string(), endDate: z.string(), current: z.boolean(), activities: z.number().int() })),
  figures: z.object({ activities: z.number().int(), units: z.number().int(), participants: z.number().int() }),
  latest: z.array(publicActivityCard),
  /** Published activities awarded in an announced evaluation round (with the award) or recommended upward. */
  /** 表彰名单: activities and units selected in the column's announced evaluation rounds, by round and category. */
  commendations: z.array(
    z.object({
      round: z.string(),
      categories: z.array(z.object({ name: z.string(), kind: z.enum(['activity', 'unit']), winners: z.array(z.object({ activityId: z.number().int().nullable(), title: z.string().nullable(), unitName: z.string() })) })),
    }),
  ),
  featured: z.array(publicActivityCard.extend({ badge: z.enum(['awarded', 'recommended']), award: z.string().nullable() })),
  /** 最美科技工作者风采: the column's announced rounds that selected persons, each a gallery page (/gallery/:roundId). */
  galleries: z.array(z.object({ roundId: z.number().int(), title: z.string(), persons: z.number().int() })),
  /** The latest published articles (news, 倡议书, letters, posters, videos). */
  articles: z.array(publicArticleCard),
  years: z.array(z.number().int()),
});

export const publicListQuery = z.object({
  q: z.string().trim().max(50).optional(),
  module: z.string().trim().max(40).optional(),
  phase: z.string().trim().max(40).optional(),
  region: z
    .string()
    .trim()
    .regex(/^\d{2}(\d{2}(\d{2})?)?$/)
    .optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  /** The publishing unit's type (高校科协, 学会 …). */
  unitType: z.enum(unitTypes).optional(),
  /** 线上 or 线下, as read from the place. */
  format: z.enum(activityFormats).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(12),
});

export const publicListView = z.object({
  items: z.array(publicActivityCard),
  total: z.number().int(),
  /** A search counts at most 1,000 matches: true when there are more than `total`. */
  totalCapped: z.boolean(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const publicActivityView = z.object({
  id: z.number().int(),
  title: z.string(),
  unitName: z.string(),
  host: z.string().nullable(),
  organiser: z.string().nullable(),
  modules: z.array(named),
  phase: named.nullable(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  place: z.string().nullable(),
  description: z.string(),
  /** `url` is the original as uploaded; `srcset` its resized copies without metadata, per format. */
  photos: z.array(z.object({ url: z.string(), caption: z.string().nullable(), srcset: z.object({ jpeg: z.string(), webp: z.string() }) })),
  mediaLinks: z.array(mediaLink),
  /** 活动总结, once the unit has added it and it was approved with the publication. */
  finalReport: z.string().nullable(),
  /** Participants: the reported scale, never below the people checked in (null when neither). */
  scale: z.number().int().nullable(),
  /** Sign-up (places, counts, deadline) when the activity takes sign-ups. */
  signup: publicSignupInfo.nullable(),
  publishedAt: z.string(),
  column: z.object({ unitId: z.number().int(), unitName: z.string(), year: z.number().int(), theme: z.string() }),
});

export const publicColumnsView = z.array(z.object({ unitId: z.number().int(), unitName: z.string(), years: z.array(z.number().int()) }));

export type PublicationBody = z.infer<typeof publicationBody>;
export type PublicListQuery = z.infer<typeof publicListQuery>;
export type PublicationView = z.infer<typeof publicationView>;
export type MyActivitiesView = z.infer<typeof myActivitiesView>;
export type PublicColumnView = z.infer<typeof publicColumnView>;
export type PublicListView = z.infer<typeof publicListView>;
export type PublicActivityView = z.infer<typeof publicActivityView>;
export type PublicActivityCard = z.infer<typeof publicActivityCard>;
