import { z } from 'zod';
import { regionCodePattern, unitLevels, unitTypes } from '../domain/units';
import { emailText, optionalText, phoneText, requiredText, queryBoolean } from './common';

export const unitSummary = z.object({
  id: z.number().int(),
  parentId: z.number().int().nullable(),
  name: z.string(),
  shortName: z.string(),
  type: z.enum(unitTypes),
  level: z.enum(unitLevels),
  regionCode: z.string().nullable(),
  active: z.boolean(),
  childCount: z.number().int(),
});
export type UnitSummary = z.infer<typeof unitSummary>;

export const unitRef = z.object({ id: z.number().int(), shortName: z.string() });

export const contactView = z.object({
  name: z.string().nullable(),
  officePhone: z.string().nullable(),
  mobile: z.string().nullable(),
  fax: z.string().nullable(),
  email: z.string().nullable(),
});

export const unitDetail = unitSummary.extend({
  tags: z.array(z.string()),
  contact: contactView,
  mailingAddress: z.string().nullable(),
  /** True when phones, e-mails and the address were masked for this viewer. */
  personalDataMasked: z.boolean(),
  /** The visible ancestors, root first (the viewer's own scope may start below the national root). */
  ancestors: z.array(unitRef),
  canEdit: z.boolean(),
  canRestructure: z.boolean(),
  version: z.number().int(),
  updatedAt: z.string(),
});
export type UnitDetail = z.infer<typeof unitDetail>;

const tagList = z.array(z.string().trim().min(1).max(30)).max(20);

const unitFields = {
  name: requiredText(2, 100),
  shortName: requiredText(2, 50),
  type: z.enum(unitTypes),
  level: z.enum(unitLevels).optional(),
  regionCode: z
    .string()
    .trim()
    .regex(regionCodePattern)
    .or(z.literal('').transform(() => null))
    .nullable()
    .optional(),
  tags: tagList.optional(),
  contactName: optionalText(50),
  contactOfficePhone: phoneText,
  contactMobile: phoneText,
  contactFax: phoneText,
  contactEmail: emailText,
  mailingAddress: optionalText(200),
};

export const createUnitBody = z.object({ parentId: z.number().int().positive(), ...unitFields });
export type CreateUnitInput = z.infer<typeof createUnitBody>;

export const updateUnitBody = z
  .object({ version: z.number().int().positive() })
  .extend(
    Object.fromEntries(Object.entries(unitFields).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof unitFields]: z.ZodOptional<(typeof unitFields)[K]>;
    },
  );
export type UpdateUnitInput = z.infer<typeof updateUnitBody>;

export const moveUnitBody = z.object({ version: z.number().int().positive(), newParentId: z.number().int().positive() });
export const versionBody = z.object({ version: z.number().int().positive() });

export const unitSearchQuery = z.object({
  q: z.string().trim().min(1).max(50),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  includeInactive: queryBoolean(false),
});

export const unitSearchHit = unitSummary.extend({ ancestors: z.array(unitRef) });

export const unitChildrenQuery = z.object({ includeInactive: queryBoolean(false) });

export const importRowReport = z.object({
  row: z.number().int(),
  name: z.string(),
  outcome: z.enum(['create', 'update', 'rejected']),
  problems: z.array(z.string()),
});

export const importReport = z.object({
  applied: z.boolean(),
  created: z.number().int(),
  updated: z.number().int(),
  rejected: z.number().int(),
  rows: z.array(importRowReport),
});
export type ImportReport = z.infer<typeof importReport>;
