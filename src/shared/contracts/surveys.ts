import { z } from 'zod';
import { MAX_INT4 } from './common';
import { surveyQuestionsSchema } from '../forms/survey-schema';

const regionCode = z.string().regex(/^\d{2}(\d{2}(\d{2})?)?$/);

export const surveyBody = z.object({
  unitId: z.number().int().positive().max(MAX_INT4),
  title: z.string().trim().min(2).max(100),
  intro: z.string().trim().max(2000).default(''),
  questions: surveyQuestionsSchema,
  targetRegions: z.array(regionCode).min(1).max(50),
  opensAt: z.iso.datetime({ offset: true }),
  closesAt: z.iso.datetime({ offset: true }),
  /** When changing: the version read. */
  version: z.number().int().positive().optional(),
});
export type SurveyBody = z.input<typeof surveyBody>;

export const surveyStatusBody = z.object({ version: z.number().int().positive() });

const surveyStatus = z.enum(['draft', 'published', 'closed']);

export const surveySummary = z.object({
  id: z.number(),
  unitId: z.number(),
  unitName: z.string(),
  title: z.string(),
  status: surveyStatus,
  open: z.boolean(),
  opensAt: z.string(),
  closesAt: z.string(),
  responses: z.number(),
  version: z.number(),
});
export const surveyListView = z.array(surveySummary);

export const surveyView = surveySummary.extend({
  intro: z.string(),
  questions: z.array(z.record(z.string(), z.unknown())),
  targetRegions: z.array(z.object({ code: z.string(), name: z.string() })),
  token: z.string(),
  publicUrl: z.string(),
  /** Whether the caller may see contacts in clear (the surveying unit's own managers). */
  organiser: z.boolean(),
});

const optionCount = z.object({ label: z.string(), count: z.number(), percent: z.number() });
export const surveyResultsView = z.object({
  surveyId: z.number(),
  title: z.string(),
  responses: z.number(),
  questions: z.array(
    z.object({
      key: z.string(),
      kind: z.string(),
      label: z.string(),
      answered: z.number(),
      options: z.array(optionCount).optional(),
      mean: z.number().nullable().optional(),
      rows: z.array(z.object({ label: z.string(), options: z.array(optionCount), mean: z.number().nullable() })).optional(),
      texts: z.array(z.string()).optional(),
    }),
  ),
  crossTabs: z.array(
    z.object({
      questionKey: z.string(),
      questionLabel: z.string(),
      by: z.enum(['region', 'unit_type']),
      columns: z.array(z.string()),
      rows: z.array(z.object({ label: z.string(), total: z.number(), counts: z.array(z.number()) })),
    }),
  ),
});

export const surveyContactsView = z.object({
  organiser: z.boolean(),
  items: z.array(z.object({ responseId: z.number(), name: z.string().nullable(), mobile: z.string().nullable(), email: z.string().nullable(), createdAt: z.string() })),
});

export const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16,43}$/) });

export const publicSurveyView = z.object({
  title: z.string(),
  intro: z.string(),
  unitName: z.string(),
  open: z.boolean(),
  opensAt: z.string(),
  closesAt: z.string(),
  questions: z.array(z.record(z.string(), z.unknown())),
  /** The region picker's choices: the target regions and everything under them down to counties. */
  regions: z.array(z.object({ code: z.string(), name: z.string(), parentCode: z.string().nullable(), level: z.enum(['provincial', 'city', 'county']) })),
  unitTypes: z.array(z.string()),
  consentText: z.string(),
});

export const surveyResponseBody = z.object({
  responseKey: z.uuid(),
  /** A random token the page keeps in localStorage (and a cookie): one response per device. */
  deviceToken: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  answers: z.record(z.string().max(40), z.unknown()),
  consent: z.boolean().default(false),
});
export type SurveyResponseBody = z.infer<typeof surveyResponseBody>;

export const surveyReceiptView = z.object({ receipt: z.string(), submittedAt: z.string() });
