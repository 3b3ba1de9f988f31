import { z } from 'zod';
import { completionStatuses } from '../domain/completion';
import { unitTypes } from '../domain/units';
import { editVersion } from './common';

const counts = z.object({
  units: z.number().int(),
  submitted: z.number().int(),
  ...Object.fromEntries(completionStatuses.map((s) => [s, z.number().int()])),
}) as z.ZodType<Record<string, number>>;

export const completionQuery = z.object({
  filter: z.enum(['all', 'overdue', 'not_submitted']).default('all'),
  /** Only units this many levels below `under` (or the top): 1 gives a national task's provinces, for a rollup. Totals stay the whole tree's. */
  depth: z.coerce.number().int().min(1).max(10).optional(),
  /** Only this unit and units under it (with `depth`: one province's cities). */
  under: z.coerce.number().int().positive().optional(),
});
export type CompletionQuery = z.infer<typeof completionQuery>;

export const completionNode = z.object({
  unitId: z.number().int(),
  parentUnitId: z.number().int().nullable(),
  shortName: z.string(),
  type: z.enum(unitTypes),
  taskId: z.number().int(),
  status: z.enum(completionStatuses),
  submittedAt: z.string().nullable(),
  lateHours: z.number().int(),
  lastRemindedAt: z.string().nullable(),
  totals: counts,
});

export const completionView = z.object({
  taskId: z.number().int(),
  deadline: z.string(),
  totals: counts,
  nodes: z.array(completionNode),
});
export type CompletionView = z.infer<typeof completionView>;

export const timelineView = z.object({
  deadline: z.string(),
  owed: z.number().int(),
  days: z.array(z.object({ date: z.string(), submitted: z.number().int(), onTime: z.number().int(), late: z.number().int() })),
});

export const remindBody = z.object({
  /** The units to remind; every unit that has not submitted when absent. */
  unitIds: z.array(z.number().int().positive()).max(20000).optional(),
  message: z.string().trim().max(1000).default(''),
});

export const reminderPreview = z.object({
  recipients: z.array(z.object({ unitId: z.number().int(), unitName: z.string(), hasEmail: z.boolean() })),
  sample: z.object({ subject: z.string(), body: z.string() }),
});

export const reminderView = z.object({
  unitId: z.number().int(),
  unitName: z.string(),
  kind: z.string(),
  auto: z.boolean(),
  sentAt: z.string(),
  readAt: z.string().nullable(),
  sentBy: z.string().nullable(),
});

export const reminderSettingsBody = z.object({
  enabled: z.boolean(),
  daysBefore: z.array(z.number().int().min(1).max(60)).max(5),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  overdue: z.boolean(),
});

/** The settings saved from the task's version; the answer carries the new version. */
export const saveReminderSettingsBody = reminderSettingsBody.extend({ version: editVersion });
export const savedReminderSettings = reminderSettingsBody.extend({ version: z.number().int() });

export const mailKinds = ['reminder', 'overdue', 'return', 'accept', 'decision'] as const;
/** `version` 0: the unit has not customised this kind (the default text is shown). */
export const mailTemplateView = z.object({ kind: z.enum(mailKinds), subject: z.string(), body: z.string(), custom: z.boolean(), version: z.number().int() });
export const mailTemplateBody = z.object({
  unitId: z.number().int().positive(),
  subject: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(5000),
  version: z.number().int().min(0),
});
