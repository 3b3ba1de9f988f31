import { countWords } from '../domain/word-count';
import { maskEmail, maskName, maskPhone } from '../domain/masking';
import type { SurveyQuestion } from './survey-schema';

export type { SurveyQuestion } from './survey-schema';

/**
 * A survey (问卷调查) as one declarative definition, in the spirit of ./definition.ts: the same
 * zod-checked list of questions drives the public answering page, the server's validation of an
 * answer, the columns of the .xlsx export, the results page and the .docx report. Pure: no
 * framework, no database, no zod (the answering page bundles it; the schemas are in
 * ./survey-schema.ts); regions come in through a context (the server reads GB/T 2260 data).
 */
export const surveyQuestionKinds = ['single_choice', 'multi_choice', 'scale', 'matrix', 'text', 'region', 'unit_type', 'contact'] as const;
export type SurveyQuestionKind = (typeof surveyQuestionKinds)[number];

/** The points of every scale question and matrix row: 1 (lowest) to 5 (highest). */
export const scalePoints = [1, 2, 3, 4, 5] as const;
export const defaultScaleLabels = ['非常不满意', '不满意', '一般', '满意', '非常满意'] as const;

/** 单位类型 of a respondent's employer (not the 科协 unit types of the platform). */
export const respondentUnitTypes = ['高等院校', '科研院所', '企业', '医疗卫生机构', '中小学校', '党政机关', '其他事业单位', '社会组织', '其他'] as const;

/** Shown beside the consent box of a contact question (PIPL 第十四条: informed, specific consent). */
export const contactConsentText =
  '我同意发起单位收集上述联系方式，仅用于就本次调查回访联系；联系方式加密保存，只有发起单位的调查负责人可以查看，不公开、不对外提供。不同意则不填写联系方式，问卷仍以匿名方式提交。';

export interface ContactAnswer {
  name?: string | undefined;
  mobile?: string | undefined;
  email?: string | undefined;
}
export type SurveyAnswer = string | string[] | number | (number | null)[] | ContactAnswer | null;
export type SurveyAnswers = Record<string, SurveyAnswer | undefined>;

/** Regions a survey's region question accepts: counties under the target regions, with names. */
export interface RegionContext {
  /** County code → its name with its city, e.g. 370212 → 青岛市崂山区. */
  counties: Map<string, string>;
}

export interface SurveyProblem {
  field: string;
  code:
    | 'required'
    | 'invalid'
    | 'invalid_option'
    | 'too_long'
    | 'too_many_words'
    | 'too_many_selected'
    | 'matrix_row_missing'
    | 'region_not_county'
    | 'region_outside'
    | 'mobile_format'
    | 'consent_required';
  params: Record<string, string | number>;
}

/** How a question is named in messages: 第3题“您的单位类型”. */
export const questionLabel = (questions: readonly SurveyQuestion[], q: SurveyQuestion) => `第${questions.indexOf(q) + 1}题“${q.label}”`;

const mobilePattern = /^1[3-9]\d{9}$/;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const normaliseMobile = (mobile: string) => mobile.replace(/[\s-]/g, '');

function isBlank(value: SurveyAnswer | undefined): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.every((v) => v === null || (typeof v === 'string' && v.trim() === ''));
  if (typeof value === 'object') {
    const c = value as Record<string, unknown>;
    return ['name', 'mobile', 'email'].every((part) => c[part] === undefined || c[part] === null || (typeof c[part] === 'string' && c[part].trim() === ''));
  }
  return false;
}

/**
 * Checks one response: every problem names its question (answers.<key>), in the order of the
 * questions. `consent` is the respondent's tick under the contact question.
 */
export function validateSurveyAnswers(questions: readonly SurveyQuestion[], answers: SurveyAnswers, consent: boolean, regions: RegionContext): SurveyProblem[] {
  const problems: SurveyProblem[] = [];
  const known = new Set(questions.map((q) => q.key));
  for (const k of Object.keys(answers)) if (!known.has(k)) problems.push({ field: `answers.${k}`, code: 'invalid', params: { label: `答案“${k.slice(0, 40)}”` } });
  for (const q of questions) {
    const label = questionLabel(questions, q);
    const value = answers[q.key];
    const add = (code: SurveyProblem['code'], params: Record<string, string | number> = {}) => problems.push({ field: `answers.${q.key}`, code, params: { label, ...params } });
    if (isBlank(value)) {
      if (q.required) add('required');
      continue;
    }
    switch (q.kind) {
      case 'single_choice':
        if (typeof value !== 'string') add('invalid');
        else if (!q.options.includes(value)) add('invalid_option');
        break;
      case 'unit_type':
        if (typeof value !== 'string') add('invalid');
        else if (!(respondentUnitTypes as readonly string[]).includes(value)) add('invalid_option');
        break;
      case 'multi_choice':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) add('invalid');
        else if (value.some((v) => !q.options.includes(v as string)) || new Set(value as string[]).size !== value.length) add('invalid_option');
        else if (q.maxSelected !== undefined && value.length > q.maxSelected) add('too_many_selected', { max: q.maxSelected });
        break;
      case 'scale':
        if (typeof value !== 'number' || !(scalePoints as readonly number[]).includes(value)) add('invalid_option');
        break;
      case 'matrix': {
        if (!Array.isArray(value) || value.length !== q.rows.length) {
          add('invalid');
          break;
        }
        const missing = value.findIndex((v) => v === null);
        if (value.some((v) => v !== null && !(scalePoints as readonly unknown[]).includes(v))) add('invalid_option');
        else if (missing >= 0 && q.required) add('matrix_row_missing', { row: q.rows[missing]! });
        break;
      }
      case 'text': {
        if (typeof value !== 'string') add('invalid');
        else {
          const count = countWords(value);
          if (count > q.maxWords) add('too_many_words', { max: q.maxWords, count });
          else if ([...value].length > 20000) add('too_long', { max: 20000 });
        }
        break;
      }
      case 'region':
        if (typeof value !== 'string' || !/^\d{2}(\d{2}(\d{2})?)?$/.test(value)) add('invalid');
        else if (value.length < 6) add('region_not_county');
        else if (!regions.counties.has(value)) add('region_outside');
        break;
      case 'contact': {
        if (typeof value !== 'object' || Array.isArray(value)) {
          add('invalid');
          break;
        }
        const c = value as ContactAnswer;
        if ([c.name, c.mobile, c.email].some((p) => p !== undefined && typeof p !== 'string')) {
          add('invalid');
          break;
        }
        if (!consent) {
          problems.push({ field: 'consent', code: 'consent_required', params: { label } });
          break;
        }
        if ((c.name ?? '').trim().length > 30) problems.push({ field: `answers.${q.key}.name`, code: 'too_long', params: { label: `${label}的姓名`, max: 30 } });
        if (c.mobile?.trim() && !mobilePattern.test(normaliseMobile(c.mobile))) problems.push({ field: `answers.${q.key}.mobile`, code: 'mobile_format', params: { label: `${label}的手机` } });
        if (c.email?.trim() && (!emailPattern.test(c.email.trim()) || c.email.length > 100)) problems.push({ field: `answers.${q.key}.email`, code: 'invalid', params: { label: `${label}的电子邮箱` } });
        if (!c.mobile?.trim() && !c.email?.trim()) problems.push({ field: `answers.${q.key}.mobile`, code: 'required', params: { label: `${label}的手机或电子邮箱` } });
        break;
      }
    }
  }
  return problems;
}

/**
 * What is stored of a valid response: answers trimmed, blanks dropped, and the contact taken out
 * (it is sealed apart, and only with consent).
 */
export function normaliseSurveyAnswers(questions: readonly SurveyQuestion[], answers: SurveyAnswers, consent: boolean): { answers: Record<string, SurveyAnswer>; contact: ContactAnswer | null } {
  const out: Record<string, SurveyAnswer> = {};
  let contact: ContactAnswer | null = null;
  for (const q of questions) {
    const value = answers[q.key];
    if (isBlank(value)) continue;
    if (q.kind === 'contact') {
      const c = value as ContactAnswer;
      if (consent) contact = { name: c.name?.trim() || undefined, mobile: c.mobile?.trim() ? normaliseMobile(c.mobile) : undefined, email: c.email?.trim() || undefined };
      continue;
    }
    out[q.key] = typeof value === 'string' ? value.trim() : (value as SurveyAnswer);
  }
  return { answers: out, contact };
}

export function maskContact(contact: ContactAnswer): ContactAnswer {
  return { name: contact.name ? maskName(contact.name) : undefined, mobile: contact.mobile ? maskPhone(contact.mobile) : undefined, email: contact.email ? maskEmail(contact.email) : undefined };
}

export const contactText = (c: ContactAnswer) => [c.name, c.mobile, c.email].filter(Boolean).join('，');

// --- Results ---------------------------------------------------------------------------------

export interface StoredResponse {
  answers: Record<string, SurveyAnswer>;
}

export interface OptionCount {
  label: string;
  count: number;
  /** Of the respondents who answered the question, in per cent with one decimal. */
  percent: number;
}

export type QuestionResult =
  | { key: string; kind: 'single_choice' | 'multi_choice' | 'unit_type' | 'region'; label: string; answered: number; options: OptionCount[] }
  | { key: string; kind: 'scale'; label: string; answered: number; options: OptionCount[]; mean: number | null }
  | { key: string; kind: 'matrix'; label: string; answered: number; rows: { label: string; options: OptionCount[]; mean: number | null }[] }
  | { key: string; kind: 'text'; label: string; answered: number; texts: string[] }
  | { key: string; kind: 'contact'; label: string; answered: number };

export const percentOf = (count: number, of: number) => (of === 0 ? 0 : Math.round((count * 1000) / of) / 10);
const mean = (values: number[]) => (values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100);

export function scaleLabelsOf(q: SurveyQuestion): string[] {
  if (q.kind === 'matrix') return [...(q.scaleLabels ?? defaultScaleLabels)];
  if (q.kind === 'scale') return scalePoints.map((p) => (p === 1 && q.lowLabel ? `1 ${q.lowLabel}` : p === 5 && q.highLabel ? `5 ${q.highLabel}` : String(p)));
  return [];
}

function counted(labels: readonly string[], values: string[], answered: number): OptionCount[] {
  return labels.map((label) => {
    const count = values.filter((v) => v === label).length;
    return { label, count, percent: percentOf(count, answered) };
  });
}

/** Counts and percentages of every question over `responses`; `regionName` names a county code. */
export function tallySurvey(questions: readonly SurveyQuestion[], responses: readonly StoredResponse[], regionName: (code: string) => string, contacts = 0): QuestionResult[] {
  return questions.map((q): QuestionResult => {
    const values = responses.map((r) => r.answers[q.key]).filter((v) => v !== undefined && v !== null);
    const answered = values.length;
    switch (q.kind) {
      case 'single_choice':
      case 'unit_type': {
        const labels = q.kind === 'unit_type' ? respondentUnitTypes : q.options;
        return { key: q.key, kind: q.kind, label: q.label, answered, options: counted(labels, values as string[], answered) };
      }
      case 'multi_choice':
        return { key: q.key, kind: q.kind, label: q.label, answered, options: counted(q.options, (values as string[][]).flat(), answered) };
      case 'region': {
        const codes = [...new Set(values as string[])].sort();
        return {
          key: q.key,
          kind: q.kind,
          label: q.label,
          answered,
          options: codes.map((code) => {
            const count = values.filter((v) => v === code).length;
            return { label: regionName(code), count, percent: percentOf(count, answered) };
          }),
        };
      }
      case 'scale': {
        const points = values as number[];
        return { key: q.key, kind: q.kind, label: q.label, answered, options: counted(scaleLabelsOf(q), points.map((p) => scaleLabelsOf(q)[p - 1]!), answered), mean: mean(points) };
      }
      case 'matrix': {
        const labels = scaleLabelsOf(q);
        const rows = q.rows.map((row, i) => {
          const points = (values as (number | null)[][]).map((v) => v[i]).filter((p): p is number => typeof p === 'number');
          return { label: row, options: counted(labels, points.map((p) => labels[p - 1]!), points.length), mean: mean(points) };
        });
        return { key: q.key, kind: q.kind, label: q.label, answered, rows };
      }
      case 'text':
        return { key: q.key, kind: q.kind, label: q.label, answered, texts: values as string[] };
      case 'contact':
        return { key: q.key, kind: q.kind, label: q.label, answered: contacts };
    }
  });
}

/** The answer of a choice-like question as the labels it counts under (for cross-tabs). */
function labelsOf(q: SurveyQuestion, value: SurveyAnswer | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (q.kind === 'single_choice' || q.kind === 'unit_type') return [value as string];
  if (q.kind === 'multi_choice') return value as string[];
  if (q.kind === 'scale') return [scaleLabelsOf(q)[(value as number) - 1]!];
  return [];
}

export interface CrossTab {
  questionKey: string;
  questionLabel: string;
  by: 'region' | 'unit_type';
  columns: string[];
  rows: { label: string; total: number; counts: number[] }[];
}

export const crossTabbable = (q: SurveyQuestion) => q.kind === 'single_choice' || q.kind === 'multi_choice' || q.kind === 'scale';

/** Each choice or scale question by the respondents' region and unit type (rows: the groups that answered). */
export function crossTabs(questions: readonly SurveyQuestion[], responses: readonly StoredResponse[], regionName: (code: string) => string): CrossTab[] {
  const tabs: CrossTab[] = [];
  for (const by of ['region', 'unit_type'] as const) {
    const dimension = questions.find((q) => q.kind === by);
    if (!dimension) continue;
    const groupOf = (r: StoredResponse) => r.answers[dimension.key] as string | undefined;
    const groups = by === 'unit_type' ? respondentUnitTypes.filter((u) => responses.some((r) => groupOf(r) === u)) : [...new Set(responses.map(groupOf).filter((g): g is string => !!g))].sort();
    for (const q of questions.filter(crossTabbable)) {
      const columns = q.kind === 'scale' ? scaleLabelsOf(q) : 'options' in q ? q.options : [];
      tabs.push({
        questionKey: q.key,
        questionLabel: q.label,
        by,
        columns,
        rows: groups.map((group) => {
          const inGroup = responses.filter((r) => groupOf(r) === group);
          const picked = inGroup.flatMap((r) => labelsOf(q, r.answers[q.key]));
          return { label: by === 'region' ? regionName(group) : group, total: inGroup.filter((r) => r.answers[q.key] !== undefined).length, counts: columns.map((c) => picked.filter((p) => p === c).length) };
        }),
      });
    }
  }
  return tabs;
}

// --- Export columns ----------------------------------------------------------------------------

export interface SurveyColumn {
  header: string;
  width: number;
  value(answers: Record<string, SurveyAnswer>): string | number | null;
}

/** The .xlsx columns: one per question, one per matrix row; the contact column is filled by the caller (masked). */
export function surveyColumns(questions: readonly SurveyQuestion[], regionName: (code: string) => string): SurveyColumn[] {
  return questions.flatMap((q, i): SurveyColumn[] => {
    const header = `${i + 1}. ${q.label}`;
    const raw = (a: Record<string, SurveyAnswer>) => a[q.key];
    switch (q.kind) {
      case 'single_choice':
      case 'unit_type':
        return [{ header, width: 18, value: (a) => (raw(a) as string | undefined) ?? null }];
      case 'multi_choice':
        return [{ header, width: 28, value: (a) => ((raw(a) as string[] | undefined) ?? []).join('；') || null }];
      case 'scale':
        return [{ header, width: 10, value: (a) => (raw(a) as number | undefined) ?? null }];
      case 'matrix':
        return q.rows.map((row, r) => ({ header: `${header}—${row}`, width: 12, value: (a) => ((raw(a) as (number | null)[] | undefined) ?? [])[r] ?? null }));
      case 'text':
        return [{ header, width: 40, value: (a) => (raw(a) as string | undefined) ?? null }];
      case 'region':
        return [{ header, width: 20, value: (a) => (raw(a) ? `${regionName(raw(a) as string)}（${raw(a) as string}）` : null) }];
      case 'contact':
        return [];
    }
  });
}

/** Whether a survey takes answers at `now`: published and inside its window. */
export function surveyOpen(survey: { status: string; opensAt: Date; closesAt: Date }, now: Date): boolean {
  return survey.status === 'published' && now >= survey.opensAt && now < survey.closesAt;
}
