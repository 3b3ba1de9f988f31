import { z } from 'zod';
import { optionalText, requiredText } from './common';

export const isoDate = z.iso.date();

const namedItem = z.object({
  id: z.string().trim().regex(/^[a-z0-9_-]{1,30}$/).optional(),
  name: requiredText(1, 30),
});

export const phaseInput = z.object({
  id: z.string().trim().regex(/^[a-z0-9_-]{1,30}$/).optional(),
  name: requiredText(1, 30),
  startDate: isoDate,
  endDate: isoDate,
});

export const campaignBody = z.object({
  unitId: z.number().int().positive(),
  year: z.number().int().min(2017).max(2100),
  ordinal: z.number().int().min(1).max(100).nullable().optional(),
  theme: requiredText(2, 100),
  modules: z.array(namedItem).min(1).max(12),
  phases: z.array(phaseInput).min(1).max(8),
  targetGroups: z.array(namedItem).min(1).max(12),
  keyDates: z.array(z.object({ name: requiredText(1, 50), date: isoDate })).max(20).default([]),
  /** Inherit theme, modules and phases from the upper level's campaign of the same year. */
  parentCampaignId: z.number().int().positive().nullable().optional(),
});
export type CampaignInput = z.infer<typeof campaignBody>;

export const updateCampaignBody = campaignBody.omit({ unitId: true, year: true, parentCampaignId: true }).extend({
  version: z.number().int().positive(),
});

/** Start a new campaign as a copy of an earlier one (dates moved to the new year) or of the upper level's. */
export const campaignStartBody = z.object({
  unitId: z.number().int().positive(),
  year: z.number().int().min(2017).max(2100),
  copyFromId: z.number().int().positive().optional(),
  parentCampaignId: z.number().int().positive().optional(),
});

const namedItemView = z.object({ id: z.string(), name: z.string() });
const phaseView = z.object({ id: z.string(), name: z.string(), startDate: z.string(), endDate: z.string() });

export const campaignView = z.object({
  id: z.number().int(),
  unitId: z.number().int(),
  unitName: z.string(),
  year: z.number().int(),
  ordinal: z.number().int().nullable(),
  theme: z.string(),
  modules: z.array(namedItemView),
  phases: z.array(phaseView),
  targetGroups: z.array(namedItemView),
  keyDates: z.array(z.object({ name: z.string(), date: z.string() })),
  parentCampaign: z.object({ id: z.number().int(), unitName: z.string(), theme: z.string() }).nullable(),
  canManage: z.boolean(),
  version: z.number().int(),
});
export type CampaignView = z.infer<typeof campaignView>;

export const campaignListQuery = z.object({
  unitId: z.coerce.number().int().positive().optional(),
  year: z.coerce.number().int().optional(),
});

export const activityStatuses = ['planned', 'preparing', 'held', 'reported'] as const;

const activityFields = {
  title: requiredText(2, 200),
  moduleId: z.string().min(1).max(30),
  startDate: isoDate.nullable().optional(),
  endDate: isoDate.nullable().optional(),
  place: optionalText(200),
  description: optionalText(2000),
  departmentUnitIds: z.array(z.number().int().positive()).max(20),
  status: z.enum(activityStatuses),
};

export const campaignActivityBody = z.object({
  ...activityFields,
  departmentUnitIds: activityFields.departmentUnitIds.default([]),
  status: activityFields.status.default('planned'),
});

// No defaults here: a field left out of an update stays as it is.
export const updateCampaignActivityBody = z.object(activityFields).partial().extend({ version: z.number().int().positive() });

export const campaignActivityView = z.object({
  id: z.number().int(),
  campaignId: z.number().int(),
  campaignTitle: z.string(),
  title: z.string(),
  moduleId: z.string(),
  moduleName: z.string(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  place: z.string().nullable(),
  description: z.string().nullable(),
  status: z.enum(activityStatuses),
  departments: z.array(z.object({ id: z.number().int(), shortName: z.string() })),
  canEdit: z.boolean(),
  version: z.number().int(),
});
export type CampaignActivityView = z.infer<typeof campaignActivityView>;

export const activityStatusBody = z.object({ status: z.enum(activityStatuses), version: z.number().int().positive() });
