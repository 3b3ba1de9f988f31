import { z } from 'zod';
import { formDefinitionSchema, quotaSchema, submissionValuesSchema } from '../forms/definition';
import { submissionStatuses } from '../domain/submission-status';
import { optionalText, paginationQuery } from './common';
import { reminderSettingsBody } from './supervision';

const namedItem = z.object({ id: z.string(), name: z.string() });
export const formContextView = z.object({
  phases: z.array(z.object({ id: z.string(), name: z.string(), startDate: z.string(), endDate: z.string() })),
  modules: z.array(namedItem),
  targetGroups: z.array(namedItem),
});

export const reviewComments = z.object({
  general: z.string().nullable(),
  items: z.record(z.string(), z.string()),
});

export const submissionView = z.object({
  id: z.number().int(),
  taskId: z.number().int(),
  unitId: z.number().int(),
  unitName: z.string(),
  status: z.enum(submissionStatuses),
  values: submissionValuesSchema,
  formVersionId: z.number().int().nullable(),
  firstSubmittedAt: z.string().nullable(),
  submittedAt: z.string().nullable(),
  lateHours: z.number().int(),
  reviewComments: reviewComments.nullable(),
  routedTo: z.string().nullable(),
  version: z.number().int(),
  updatedAt: z.string(),
});
export type SubmissionView = z.infer<typeof submissionView>;

export const taskDetail = z.object({
  task: z.object({
    id: z.number().int(),
    title: z.string(),
    description: z.string(),
    deadline: z.string(),
    deadlineDate: z.string(),
    latePolicy: z.enum(['accept_flag', 'close']),
    quota: quotaSchema,
    noticeId: z.number().int(),
    noticeTitle: z.string(),
    documentNumber: z.string().nullable(),
    issuerName: z.string(),
    /** True when the deadline has passed, the task closes then, and the caller's unit has no exception. */
    closed: z.boolean(),
    /** The automatic reminders, for the task's collectors only (null for others). */
    reminderSettings: reminderSettingsBody.nullable(),
    /** The task's version, sent back with an edit of its reminder settings or deadline. */
    version: z.number().int(),
  }),
  formVersionId: z.number().int().nullable(),
  form: formDefinitionSchema.nullable(),
  context: formContextView,
  /** The caller's unit that submits, with its submission when one exists. */
  submitter: z.object({ unitId: z.number().int(), unitName: z.string() }).nullable(),
  submission: submissionView.nullable(),
  canCollect: z.boolean(),
});
export type TaskDetail = z.infer<typeof taskDetail>;

export const saveSubmissionBody = z.object({
  values: submissionValuesSchema,
  /** The version being edited; absent for the first save. A stale version is refused (409). */
  version: z.number().int().positive().optional(),
});

export const submitBody = z.object({ version: z.number().int().positive() });
export const returnBody = z.object({
  version: z.number().int().positive(),
  comment: z.string().trim().min(1).max(2000),
  itemComments: z.record(z.string(), z.string().trim().max(2000)).default({}),
});
export const acceptBody = z.object({ version: z.number().int().positive(), comment: optionalText(2000) });

export const revisionView = z.object({
  version: z.number().int(),
  status: z.string(),
  action: z.string(),
  actorName: z.string().nullable(),
  createdAt: z.string(),
  comment: reviewComments.nullable(),
});

export const diffQuery = z.object({ from: z.coerce.number().int().positive(), to: z.coerce.number().int().positive() });
export const diffView = z.array(z.object({ path: z.string(), label: z.string(), before: z.string(), after: z.string() }));

export const collectQuery = paginationQuery.extend({
  status: z.enum(submissionStatuses).optional(),
  unitId: z.coerce.number().int().positive().optional(),
  moduleId: z.string().max(30).optional(),
  phaseId: z.string().max(30).optional(),
  late: z.enum(['true', 'false']).optional(),
});
export const collectedSubmission = z.object({
  id: z.number().int(),
  taskId: z.number().int(),
  unitId: z.number().int(),
  unitName: z.string(),
  /** The unit the submission reached through: the collecting unit itself, or a forwarding unit below it. */
  collectedBy: z.string(),
  status: z.enum(submissionStatuses),
  submittedAt: z.string().nullable(),
  lateHours: z.number().int(),
  itemCount: z.number().int(),
  itemTitles: z.array(z.string()),
  routedTo: z.string().nullable(),
});
export const collectedList = z.object({ items: z.array(collectedSubmission), total: z.number().int() });

export const exceptionBody = z.object({
  unitId: z.number().int().positive(),
  until: z.iso.datetime({ offset: true }),
  reason: z.string().trim().min(2).max(500),
});

export const myTasksQuery = paginationQuery.extend({ state: z.enum(['open', 'all']).default('open') });
export const myTask = z.object({
  taskId: z.number().int(),
  title: z.string(),
  noticeId: z.number().int(),
  noticeTitle: z.string(),
  issuerName: z.string(),
  deadline: z.string(),
  unitId: z.number().int(),
  unitName: z.string(),
  status: z.enum(['not_started', ...submissionStatuses]),
  hasForm: z.boolean(),
});
export const myTaskList = z.object({ items: z.array(myTask), total: z.number().int() });
