import { z } from 'zod';

/** The zod schema of survey questions (./survey.ts holds the pure logic the answering page also runs). */
const key = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/);
const option = z.string().trim().min(1).max(60);
const base = {
  key,
  label: z.string().trim().min(1).max(120),
  required: z.boolean().default(true),
  help: z.string().trim().max(300).optional(),
};

export const surveyQuestionSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('single_choice'), options: z.array(option).min(2).max(30) }),
  z.object({ ...base, kind: z.literal('multi_choice'), options: z.array(option).min(2).max(30), maxSelected: z.number().int().min(1).max(30).optional() }),
  z.object({ ...base, kind: z.literal('scale'), lowLabel: z.string().trim().max(20).optional(), highLabel: z.string().trim().max(20).optional() }),
  z.object({ ...base, kind: z.literal('matrix'), rows: z.array(option).min(1).max(20), scaleLabels: z.array(z.string().trim().min(1).max(12)).length(5).optional() }),
  z.object({ ...base, kind: z.literal('text'), maxWords: z.number().int().min(1).max(5000).default(200) }),
  /** 所在地区: picked down to a county (区、县) inside the survey's target regions. */
  z.object({ ...base, kind: z.literal('region') }),
  z.object({ ...base, kind: z.literal('unit_type') }),
  /** 联系方式 (optional by nature): kept only when the respondent ticks the consent. */
  z.object({ ...base, required: z.literal(false).default(false), kind: z.literal('contact') }),
]);
export type SurveyQuestion = z.infer<typeof surveyQuestionSchema>;

export const surveyQuestionsSchema = z
  .array(surveyQuestionSchema)
  .min(1)
  .max(60)
  .superRefine((questions, ctx) => {
    const keys = new Set<string>();
    questions.forEach((q, i) => {
      if (keys.has(q.key)) ctx.addIssue({ code: 'custom', message: `duplicate question key ${q.key}`, path: [i, 'key'] });
      keys.add(q.key);
      if ('options' in q && new Set(q.options).size !== q.options.length) ctx.addIssue({ code: 'custom', message: 'duplicate option', path: [i, 'options'] });
      if (q.kind === 'matrix' && new Set(q.rows).size !== q.rows.length) ctx.addIssue({ code: 'custom', message: 'duplicate row', path: [i, 'rows'] });
    });
    for (const kind of ['region', 'unit_type', 'contact'] as const) {
      if (questions.filter((q) => q.kind === kind).length > 1) ctx.addIssue({ code: 'custom', message: `at most one ${kind} question`, path: [] });
    }
  });

