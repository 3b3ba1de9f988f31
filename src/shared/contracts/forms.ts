import { z } from 'zod';
import { formDefinitionSchema } from '../forms/definition';
import { requiredText } from './common';

export const formTemplateView = z.object({ key: z.string(), name: z.string(), definition: formDefinitionSchema });

export const createFormBody = z
  .object({
    unitId: z.number().int().positive(),
    name: requiredText(1, 100),
    templateKey: z.string().max(60).optional(),
    definition: formDefinitionSchema.optional(),
  })
  .refine((b) => b.templateKey !== undefined || b.definition !== undefined, { message: 'templateKey or definition', path: ['definition'] });

export const saveFormVersionBody = z.object({
  definition: formDefinitionSchema,
  /** The version this edit started from: saving over a newer one is refused. */
  basedOnVersion: z.number().int().positive(),
  name: requiredText(1, 100).optional(),
});

export const formVersionView = z.object({
  id: z.number().int(),
  formId: z.number().int(),
  version: z.number().int(),
  definition: formDefinitionSchema,
  createdAt: z.string(),
});

export const formView = z.object({
  id: z.number().int(),
  unitId: z.number().int(),
  unitName: z.string(),
  name: z.string(),
  templateKey: z.string().nullable(),
  latest: formVersionView,
  versions: z.array(z.object({ id: z.number().int(), version: z.number().int(), createdAt: z.string() })),
  canEdit: z.boolean(),
});
export type FormView = z.infer<typeof formView>;

export const formListQuery = z.object({ unitId: z.coerce.number().int().positive().optional() });
export const formSummary = z.object({
  id: z.number().int(),
  unitId: z.number().int(),
  unitName: z.string(),
  name: z.string(),
  latestVersionId: z.number().int(),
  latestVersion: z.number().int(),
  updatedAt: z.string(),
});
