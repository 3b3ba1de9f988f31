import { z } from 'zod';
import { requiredText } from './common';

/** A person nominated (推荐人选) for 最美科技工作者 or a like award. */
export const nominationFields = z.object({
  personName: requiredText(2, 30),
  gender: z.enum(['male', 'female']),
  birthYear: z.number().int().min(1900).max(2020),
  workUnit: requiredText(2, 100),
  discipline: requiredText(2, 60),
  jobTitle: requiredText(2, 60),
  // The 字数 limit is a submit rule (a draft may run over while it is being cut); this bounds the size.
  achievements: z.string().trim().max(20_000),
  photoFileId: z.uuid().nullable(),
});

export const createNominationBody = nominationFields.extend({
  /** The nominating unit (the caller's unit by default). */
  unitId: z.number().int().positive().optional(),
});
export const updateNominationBody = nominationFields.extend({ version: z.number().int().positive() });
export const versionBody = z.object({ version: z.number().int().positive() });

export const nominationView = z.object({
  id: z.number().int(),
  taskId: z.number().int(),
  unitId: z.number().int(),
  unitName: z.string(),
  personName: z.string(),
  gender: z.enum(['male', 'female']),
  birthYear: z.number().int(),
  workUnit: z.string(),
  discipline: z.string(),
  jobTitle: z.string(),
  achievements: z.string(),
  achievementsWords: z.number().int(),
  photoFileId: z.string().nullable(),
  status: z.enum(['draft', 'submitted', 'withdrawn']),
  submittedAt: z.string().nullable(),
  version: z.number().int(),
});
export type NominationView = z.infer<typeof nominationView>;

export const nominationList = z.object({
  task: z.object({ id: z.number().int(), title: z.string(), issuerName: z.string(), deadline: z.string(), closed: z.boolean() }),
  /** Whether the caller collects the nominations (the issuing unit) rather than making them. */
  collecting: z.boolean(),
  /** For a nominating caller: its unit, the quota and how many are submitted. */
  own: z.object({ unitId: z.number().int(), unitName: z.string(), max: z.number().int(), submitted: z.number().int() }).nullable(),
  items: z.array(nominationView),
});

/** The public gallery of an announced round's persons: what a 事迹 page shows, no personal data. */
export const galleryView = z.object({
  roundId: z.number().int(),
  title: z.string(),
  organiser: z.string(),
  persons: z.array(
    z.object({
      candidateId: z.number().int(),
      category: z.string(),
      personName: z.string(),
      workUnit: z.string(),
      discipline: z.string(),
      jobTitle: z.string(),
      achievements: z.string(),
      hasPhoto: z.boolean(),
    }),
  ),
});
export type GalleryView = z.infer<typeof galleryView>;
