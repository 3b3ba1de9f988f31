import { z } from 'zod';

/**
 * A declarative form: one definition drives the browser form, server validation, the generated
 * Word/PDF and the Excel columns. A form has unit-level fields (filled once per submission, e.g. a
 * summary report and its stamped PDF) and optionally an item group ("一项一表": one filled form per
 * activity, e.g. each featured activity of the Jiangsu sample form).
 */
export const fieldKinds = [
  'short_text',
  'long_text',
  'single_choice',
  'multi_choice',
  'date',
  'date_range',
  'phase',
  'module',
  'target_group',
  'number',
  'contact',
  'address',
  'files',
] as const;
export type FieldKind = (typeof fieldKinds)[number];

/** What a field means for the Activity record made from each submitted item. */
export const activityAttributes = ['title', 'host', 'organiser', 'modules', 'phase', 'place', 'targetGroups', 'scale', 'description', 'contact', 'mailingAddress'] as const;
export type ActivityAttribute = (typeof activityAttributes)[number];

export const uploadKinds = ['pdf', 'docx', 'doc', 'xlsx', 'xls', 'jpg', 'png', 'mp4'] as const;

const key = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/);

const base = {
  key,
  label: z.string().trim().min(1).max(60),
  required: z.boolean().default(false),
  help: z.string().max(300).optional(),
  /** Printed in the generated document beside the label, e.g. "(请在相应模块划 √, 可多选)". */
  printHint: z.string().max(100).optional(),
  maps: z.enum(activityAttributes).optional(),
};

export const fieldSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('short_text'), maxLength: z.number().int().min(1).max(500).default(100) }),
  z.object({ ...base, kind: z.literal('long_text'), maxWords: z.number().int().min(1).max(20000) }),
  z.object({ ...base, kind: z.literal('single_choice'), options: z.array(z.string().min(1).max(60)).min(1).max(50), allowOther: z.boolean().default(false) }),
  z.object({ ...base, kind: z.literal('multi_choice'), options: z.array(z.string().min(1).max(60)).min(1).max(50), allowOther: z.boolean().default(false) }),
  z.object({ ...base, kind: z.literal('date') }),
  z.object({ ...base, kind: z.literal('date_range') }),
  /** A phase of the campaign, with a date range inside it (拟举办时间: 第N阶段 M月D日—M月D日). */
  z.object({ ...base, kind: z.literal('phase') }),
  /** The campaign's modules, ticked (可多选). */
  z.object({ ...base, kind: z.literal('module') }),
  /** The campaign's target groups, ticked, with optional free text (面向群体). */
  z.object({ ...base, kind: z.literal('target_group'), allowOther: z.boolean().default(true) }),
  z.object({ ...base, kind: z.literal('number'), min: z.number().optional(), max: z.number().optional(), integer: z.boolean().default(true), unit: z.string().max(10).optional() }),
  /** 联系人: name, office phone, mobile, fax, e-mail; `requiredParts` names the parts that must be filled. */
  z.object({
    ...base,
    kind: z.literal('contact'),
    requiredParts: z.array(z.enum(['name', 'officePhone', 'mobile', 'fax', 'email'])).default(['name', 'mobile']),
  }),
  z.object({ ...base, kind: z.literal('address') }),
  z.object({
    ...base,
    kind: z.literal('files'),
    kinds: z.array(z.enum(uploadKinds)).min(1),
    minCount: z.number().int().min(0).max(20).default(0),
    maxCount: z.number().int().min(1).max(20).default(1),
    maxBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(20 * 1024 * 1024),
  }),
]);
export type FieldDefinition = z.infer<typeof fieldSchema>;

export const sectionSchema = z.object({
  title: z.string().trim().max(60),
  /** A note printed under the section, e.g. the 工作方案 instructions or the plaque-address note. */
  note: z.string().max(500).optional(),
  fields: z.array(fieldSchema).max(40),
});
export type SectionDefinition = z.infer<typeof sectionSchema>;

export const formDefinitionSchema = z
  .object({
    title: z.string().trim().min(2).max(120),
    /** Lines for 单位盖章 and 报送时间 at the top of the printed form. */
    sealLines: z.boolean().default(true),
    unitSections: z.array(sectionSchema).max(10).default([]),
    itemGroup: z
      .object({
        /** What one item is called, e.g. 特色亮点活动. */
        label: z.string().trim().min(1).max(30),
        sections: z.array(sectionSchema).min(1).max(10),
      })
      .nullable()
      .default(null),
  })
  .superRefine((form, ctx) => {
    const keys = new Set<string>();
    const all = [...form.unitSections.flatMap((s) => s.fields), ...(form.itemGroup?.sections.flatMap((s) => s.fields) ?? [])];
    for (const field of all) {
      if (keys.has(field.key)) ctx.addIssue({ code: 'custom', message: `duplicate field key ${field.key}`, path: ['fields', field.key] });
      keys.add(field.key);
    }
    if (all.length === 0) ctx.addIssue({ code: 'custom', message: 'a form needs at least one field', path: ['unitSections'] });
  });
export type FormDefinition = z.infer<typeof formDefinitionSchema>;

/** A file every submission of a task carries besides the form: the stamped PDF, the Word version. */
export const requiredFileSchema = z.object({
  key,
  label: z.string().trim().min(1).max(60),
  kinds: z.array(z.enum(uploadKinds)).min(1),
  required: z.boolean().default(true),
  maxCount: z.number().int().min(1).max(20).default(1),
  maxBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(20 * 1024 * 1024),
});
export type RequiredFile = z.infer<typeof requiredFileSchema>;

/**
 * The form a unit fills for a task: the designer's form plus a section for the task's required
 * files. Printed forms use the designer's form alone (the files are handed in beside it).
 */
export function effectiveForm(form: FormDefinition, requiredFiles: readonly RequiredFile[]): FormDefinition {
  if (requiredFiles.length === 0) return form;
  const fields = requiredFiles.map((f) => ({
    key: f.key,
    label: f.label,
    kind: 'files' as const,
    required: f.required,
    kinds: f.kinds,
    minCount: f.required ? 1 : 0,
    maxCount: f.maxCount,
    maxBytes: f.maxBytes,
  }));
  return { ...form, unitSections: [...form.unitSections, { title: '报送材料', fields }] };
}

/** How many items a task asks for: 1–2 (Shandong); at least 3 with one per phase (Jiangsu). */
export const quotaSchema = z.object({
  minItems: z.number().int().min(0).max(100).default(0),
  maxItems: z.number().int().min(1).max(100).nullable().default(null),
  onePerPhase: z.boolean().default(false),
});
export type Quota = z.infer<typeof quotaSchema>;

export function unitFields(form: FormDefinition): FieldDefinition[] {
  return form.unitSections.flatMap((s) => s.fields);
}
export function itemFields(form: FormDefinition): FieldDefinition[] {
  return form.itemGroup?.sections.flatMap((s) => s.fields) ?? [];
}

// --- Values -----------------------------------------------------------------------------------

export interface ContactValue {
  name?: string;
  officePhone?: string;
  mobile?: string;
  fax?: string;
  email?: string;
}
export interface PhaseValue {
  phaseId: string;
  startDate: string;
  endDate: string;
}
export interface ChoiceValue {
  selected: string[];
  other?: string;
}
export interface FileValue {
  fileId: string;
  name: string;
  size?: number;
}
export type FieldValue = string | number | string[] | ChoiceValue | ContactValue | PhaseValue | { start: string; end: string } | FileValue[] | null;

/** What a submission holds: the unit-level answers and one set of answers per item. */
export interface SubmissionValues {
  fields: Record<string, FieldValue>;
  items: { key: string; fields: Record<string, FieldValue> }[];
}

export const submissionValuesSchema = z.object({
  fields: z.record(z.string(), z.unknown()).default({}),
  items: z
    .array(z.object({ key: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/), fields: z.record(z.string(), z.unknown()).default({}) }))
    .max(100)
    .default([]),
});
