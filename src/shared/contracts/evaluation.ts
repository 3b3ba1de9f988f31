import { z } from 'zod';
import { evaluationStages } from '../domain/evaluation';
import { editVersion, optionalText, requiredText } from './common';

export const createRoundBody = z.object({
  unitId: z.number().int().positive(),
  title: requiredText(2, 200),
  campaignId: z.number().int().positive().nullable().optional(),
  /** The task whose recommended pool supplies activity candidates and whose units are unit candidates. */
  sourceTaskId: z.number().int().positive().nullable().optional(),
  categories: z
    .array(z.object({ name: requiredText(2, 60), kind: z.enum(['activity', 'unit', 'person']), places: z.number().int().min(1).max(10000) }))
    .min(1)
    .max(20),
  criteria: z
    .array(z.object({ name: requiredText(1, 60), weight: z.number().positive().max(100), minScore: z.number().default(0), maxScore: z.number().default(100) }))
    .min(1)
    .max(20),
  blind: z.boolean().default(false),
  aggregation: z.enum(['mean', 'trimmed_mean']).default('mean'),
  normalise: z.boolean().default(false),
  publicityDays: z.number().int().min(1).max(60).default(5),
});

const candidateView = z.object({
  id: z.number().int(),
  categoryId: z.number().int(),
  activityId: z.number().int().nullable(),
  /** For a person category: the nomination (推荐人选) the candidate is. */
  nominationId: z.number().int().nullable(),
  title: z.string(),
  unitId: z.number().int(),
  unitName: z.string(),
  record: z.record(z.string(), z.number()),
  eligible: z.boolean().nullable(),
  eligibilityNote: z.string().nullable(),
  selected: z.boolean(),
  reviewers: z.array(z.object({ userId: z.number().int(), name: z.string(), submitted: z.boolean(), declined: z.boolean() })),
  /** The candidate's own version: its eligibility and hand-assigned experts. */
  version: z.number().int(),
});

export const roundView = z.object({
  id: z.number().int(),
  unitId: z.number().int(),
  unitName: z.string(),
  title: z.string(),
  stage: z.enum(evaluationStages),
  blind: z.boolean(),
  aggregation: z.enum(['mean', 'trimmed_mean']),
  normalise: z.boolean(),
  publicityDays: z.number().int(),
  publicityStartsAt: z.string().nullable(),
  publicityEndsAt: z.string().nullable(),
  sourceTaskId: z.number().int().nullable(),
  commendationNoticeId: z.number().int().nullable(),
  categories: z.array(z.object({ id: z.number().int(), name: z.string(), kind: z.enum(['activity', 'unit', 'person']), places: z.number().int() })),
  criteria: z.array(z.object({ id: z.number().int(), name: z.string(), weight: z.number(), minScore: z.number(), maxScore: z.number() })),
  reviewers: z.array(z.object({ userId: z.number().int(), name: z.string(), unitName: z.string(), assigned: z.number().int(), submitted: z.number().int() })),
  candidates: z.array(candidateView),
  version: z.number().int(),
});
export type RoundView = z.infer<typeof roundView>;

/** `version`: the candidate's. */
export const eligibilityBody = z.object({ eligible: z.boolean(), note: optionalText(500), version: editVersion });
/** `version`: the round's (its experts) or the candidate's (experts assigned by hand). */
export const reviewersBody = z.object({ userIds: z.array(z.number().int().positive()).max(200), version: editVersion });
export const assignBody = z.object({ perCandidate: z.number().int().min(1).max(20) });
export const stageBody = z.object({ to: z.enum(evaluationStages) });
/** `version`: the round's. */
export const decisionBody = z.object({ categoryId: z.number().int().positive(), candidateIds: z.array(z.number().int().positive()).max(10000), version: editVersion });

export const reviewAssignment = z.object({
  candidateId: z.number().int(),
  roundId: z.number().int(),
  roundTitle: z.string(),
  categoryName: z.string(),
  title: z.string(),
  /** Hidden (null) in a blind review. */
  unitName: z.string().nullable(),
  criteria: z.array(z.object({ id: z.number().int(), name: z.string(), weight: z.number(), minScore: z.number(), maxScore: z.number() })),
  scores: z.array(z.object({ criterionId: z.number().int(), score: z.number() })),
  comment: z.string().nullable(),
  submitted: z.boolean(),
  declined: z.boolean(),
  description: z.string().nullable(),
  /** The expert's assignment's version, sent back with the next save. */
  version: z.number().int(),
});

export const scoreBody = z.object({
  scores: z.array(z.object({ criterionId: z.number().int().positive(), score: z.number() })).max(20),
  comment: optionalText(2000),
  submit: z.boolean().default(false),
  version: editVersion,
});
export const declineBody = z.object({ reason: requiredText(2, 500) });

export const resultsView = z.array(
  z.object({
    categoryId: z.number().int(),
    categoryName: z.string(),
    places: z.number().int(),
    ranking: z.array(
      z.object({
        candidateId: z.number().int(),
        title: z.string(),
        unitName: z.string(),
        score: z.number().nullable(),
        rank: z.number().int().nullable(),
        tied: z.boolean(),
        reviews: z.number().int(),
        selected: z.boolean(),
      }),
    ),
  }),
);

export const objectionBody = z.object({
  candidateId: z.number().int().positive(),
  content: requiredText(2, 2000),
  contact: optionalText(200),
});
export const objectionView = z.object({
  id: z.number().int(),
  candidateId: z.number().int(),
  candidateTitle: z.string(),
  content: z.string(),
  contact: z.string().nullable(),
  receivedAt: z.string(),
  resolution: z.string().nullable(),
  upheld: z.boolean().nullable(),
  resolvedAt: z.string().nullable(),
});
export const resolveObjectionBody = z.object({ resolution: requiredText(2, 2000), upheld: z.boolean() });

export const publicityView = z.object({
  roundId: z.number().int(),
  title: z.string(),
  organiser: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  categories: z.array(z.object({ name: z.string(), candidates: z.array(z.object({ candidateId: z.number().int(), title: z.string(), unitName: z.string() })) })),
});
