import { z } from 'zod';
import { unitLevels, unitTypes } from '../domain/units';
import { isoDate } from './campaigns';
import { emailText, optionalText, paginationQuery, phoneText, requiredText } from './common';
import { quotaSchema, requiredFileSchema } from '../forms/definition';

export const addresseeRule = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('units_of_type'),
    unitType: z.enum(unitTypes),
    level: z.enum(unitLevels).optional(),
    scope: z.enum(['children', 'subtree']).default('children'),
  }),
  z.object({ kind: z.literal('tag'), tag: requiredText(1, 30) }),
  z.object({ kind: z.literal('units'), unitIds: z.array(z.number().int().positive()).min(1).max(5000) }),
]);

export const noticeContact = z.object({ name: requiredText(1, 30), phone: phoneText, email: emailText });

const quotaRange = z.object({ min: z.number().int().min(0).max(100), max: z.number().int().min(0).max(100) });
export const recommendationQuotaSchema = z.object({
  default: quotaRange,
  byUnitType: z.partialRecord(z.enum(unitTypes), quotaRange).default({}),
});

export const routingRule = z.object({
  unitTypes: z.array(z.enum(unitTypes)).min(1),
  /** A department (or institution) of the collecting unit that receives these submissions. */
  departmentUnitId: z.number().int().positive(),
});

export const taskInput = z.object({
  id: z.number().int().positive().optional(),
  title: requiredText(2, 200),
  description: z.string().trim().max(2000).default(''),
  /** The last day, 'YYYY-MM-DD' (China time, end of day). */
  deadline: isoDate,
  /** For a forward: the upstream task this one passes on (its form and quota come along). */
  upstreamTaskId: z.number().int().positive().nullable().optional(),
  /** The form to fill (a version of a form); none for a plain "submit a file/report by date" task. */
  formVersionId: z.number().int().positive().nullable().optional(),
  quota: quotaSchema.optional(),
  latePolicy: z.enum(['accept_flag', 'close']).default('accept_flag'),
  /** Who must submit: a subset of the recipients; all of them when absent. */
  assigneeUnitIds: z.array(z.number().int().positive()).max(20000).nullable().optional(),
  routing: z.array(routingRule).max(20).default([]),
  /** Files handed in beside the form, e.g. 盖章PDF版 and Word版. */
  requiredFiles: z.array(requiredFileSchema).max(5).default([]),
  /** How many items each kind of unit below may recommend into this task (择优推荐). */
  recommendationQuota: recommendationQuotaSchema.optional(),
});

export const noticeFields = {
  campaignId: z.number().int().positive().nullable().optional(),
  documentNumber: z.string().trim().max(40).optional(),
  title: requiredText(2, 200),
  addresseeRules: z.array(addresseeRule).max(30).default([]),
  /** The addressee line as printed; generated from the rules when empty. */
  addresseeText: optionalText(500),
  bodyHtml: z.string().max(200_000).default(''),
  contacts: z.array(noticeContact).max(10).default([]),
  signature: z.array(requiredText(2, 60)).max(10).optional(),
  issueDate: isoDate.nullable().optional(),
  coIssuerUnitIds: z.array(z.number().int().positive()).max(10).default([]),
  attachments: z.array(z.object({ fileId: z.uuid(), name: requiredText(1, 200) })).max(20).default([]),
  tasks: z.array(taskInput).max(20).default([]),
};

export const createNoticeBody = z.object({
  issuerUnitId: z.number().int().positive(),
  /** A supplementary notice (补充通知) names the issued notice it corrects. */
  supplementsNoticeId: z.number().int().positive().optional(),
  ...noticeFields,
});
export type CreateNoticeInput = z.infer<typeof createNoticeBody>;

export const updateNoticeBody = z.object({ version: z.number().int().positive(), ...noticeFields });
export type UpdateNoticeInput = z.infer<typeof updateNoticeBody>;

export const forwardNoticeBody = z.object({
  /** The receiving unit that forwards (the caller's unit by default). */
  unitId: z.number().int().positive().optional(),
});

export const recipientsPreviewBody = z.object({
  issuerUnitId: z.number().int().positive(),
  addresseeRules: z.array(addresseeRule).max(30),
});
export const recipientsPreview = z.object({
  addresseeText: z.string(),
  count: z.number().int(),
  units: z.array(z.object({ id: z.number().int(), shortName: z.string(), type: z.enum(unitTypes) })),
});

export const noticeStatuses = ['draft', 'pending_approval', 'issued', 'withdrawn'] as const;

export const taskView = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string(),
  deadline: z.string(),
  deadlineDate: z.string(),
  upstreamTaskId: z.number().int().nullable(),
  upstreamDeadline: z.string().nullable(),
  deadlineConflict: z.boolean(),
  formVersionId: z.number().int().nullable(),
  quota: quotaSchema,
  latePolicy: z.enum(['accept_flag', 'close']),
  assigneeUnitIds: z.array(z.number().int()).nullable(),
  routing: z.array(routingRule),
  requiredFiles: z.array(requiredFileSchema),
  recommendationQuota: recommendationQuotaSchema,
  version: z.number().int(),
});

export const noticeView = z.object({
  id: z.number().int(),
  kind: z.enum(['original', 'forward', 'supplementary']),
  status: z.enum(noticeStatuses),
  issuerUnitId: z.number().int(),
  issuerName: z.string(),
  issuerFullName: z.string(),
  coIssuers: z.array(z.object({ unitId: z.number().int(), name: z.string(), decision: z.enum(['pending', 'approved', 'rejected']), comment: z.string().nullable() })),
  campaignId: z.number().int().nullable(),
  documentNumber: z.string().nullable(),
  title: z.string(),
  addresseeText: z.string(),
  addresseeRules: z.array(addresseeRule),
  bodyHtml: z.string(),
  contacts: z.array(z.object({ name: z.string(), phone: z.string().nullable(), email: z.string().nullable() })),
  signature: z.array(z.string()),
  issueDate: z.string().nullable(),
  issuedAt: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
  withdrawnReason: z.string().nullable(),
  attachments: z.array(z.object({ fileId: z.string(), name: z.string(), size: z.number() })),
  tasks: z.array(taskView),
  /** The chain upward: 根据《…》（文号）转发. */
  upstream: z.array(z.object({ id: z.number().int(), documentNumber: z.string().nullable(), title: z.string(), issuerName: z.string() })),
  supplements: z.object({ id: z.number().int(), documentNumber: z.string().nullable(), title: z.string() }).nullable(),
  supplementedBy: z.array(z.object({ id: z.number().int(), documentNumber: z.string().nullable(), title: z.string() })),
  /** The caller's unit as a recipient: its state and what it may do. */
  receipt: z
    .object({
      unitId: z.number().int(),
      readAt: z.string().nullable(),
      acknowledgedAt: z.string().nullable(),
      acknowledgedBy: z.string().nullable(),
      forwardedNoticeId: z.number().int().nullable(),
      canAcknowledge: z.boolean(),
      canForward: z.boolean(),
    })
    .nullable(),
  canEdit: z.boolean(),
  canApprove: z.boolean(),
  canWithdraw: z.boolean(),
  version: z.number().int(),
});
export type NoticeView = z.infer<typeof noticeView>;

export const noticeSummary = z.object({
  id: z.number().int(),
  kind: z.enum(['original', 'forward', 'supplementary']),
  status: z.enum(noticeStatuses),
  issuerName: z.string(),
  documentNumber: z.string().nullable(),
  title: z.string(),
  issuedAt: z.string().nullable(),
  updatedAt: z.string(),
  nextDeadline: z.string().nullable(),
});

export const noticeListQuery = paginationQuery.extend({
  issuerUnitId: z.coerce.number().int().positive().optional(),
  status: z.enum(noticeStatuses).optional(),
  campaignId: z.coerce.number().int().positive().optional(),
});
export const noticeList = z.object({ items: z.array(noticeSummary), total: z.number().int() });

export const inboxQuery = paginationQuery.extend({
  state: z.enum(['unread', 'read', 'acknowledged', 'all']).default('all'),
});
export const inboxItem = noticeSummary.extend({
  unitId: z.number().int(),
  unitName: z.string(),
  readAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  forwardedNoticeId: z.number().int().nullable(),
});
export const inboxList = z.object({ items: z.array(inboxItem), total: z.number().int(), unread: z.number().int() });

export const issueNoticeBody = z.object({ version: z.number().int().positive() });
export const approvalBody = z.object({ decision: z.enum(['approved', 'rejected']), comment: optionalText(500) });
export const withdrawBody = z.object({ reason: requiredText(2, 500) });
export const nextNumberQuery = z.object({
  issuerUnitId: z.coerce.number().int().positive(),
  prefix: z.string().trim().min(1).max(20),
  year: z.coerce.number().int().min(1949).max(2100),
});
export const changeDeadlineBody = z.object({ deadline: isoDate, version: z.number().int().positive() });

export const cascadeQuery = z.object({
  filter: z.enum(['all', 'not_acknowledged', 'not_read']).default('all'),
});

export const cascadeNode = z.object({
  unitId: z.number().int(),
  /** The unit it was reached through (the issuer, or the unit that forwarded to it). */
  parentUnitId: z.number().int().nullable(),
  shortName: z.string(),
  type: z.enum(unitTypes),
  noticeId: z.number().int(),
  deliveredAt: z.string(),
  readAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  forwardedAt: z.string().nullable(),
  forwardedNoticeId: z.number().int().nullable(),
  status: z.enum(['delivered', 'read', 'acknowledged', 'forwarded']),
  /** Counts over this unit and everything reached through it. */
  totals: z.object({ units: z.number().int(), read: z.number().int(), acknowledged: z.number().int(), forwarded: z.number().int() }),
});
export const cascadeView = z.object({
  noticeId: z.number().int(),
  issuerUnitId: z.number().int(),
  totals: z.object({ units: z.number().int(), read: z.number().int(), acknowledged: z.number().int(), forwarded: z.number().int() }),
  nodes: z.array(cascadeNode),
});
export type CascadeView = z.infer<typeof cascadeView>;
