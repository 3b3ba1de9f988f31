import { countWords } from '../domain/word-count';
import type { NamedItem, Phase } from '../domain/campaigns';
import {
  itemFields,
  unitFields,
  type ChoiceValue,
  type ContactValue,
  type FieldDefinition,
  type FieldValue,
  type FileValue,
  type FormDefinition,
  type PhaseValue,
  type Quota,
  type SubmissionValues,
} from './definition';

/** A problem with one field, named by its path (fields.report, items.1.workPlan, items.0.contact.mobile). */
export interface FormProblem {
  field: string;
  code:
    | 'required'
    | 'invalid'
    | 'too_long'
    | 'too_small'
    | 'too_big'
    | 'invalid_option'
    | 'too_many_words'
    | 'date_outside_phase'
    | 'too_few_files'
    | 'too_many_files'
    | 'quota_min_items'
    | 'quota_max_items'
    | 'quota_one_per_phase';
  params: Record<string, string | number>;
}

/** The campaign a form is filled for: its phases, modules and target groups. */
export interface FormContext {
  phases: Phase[];
  modules: NamedItem[];
  targetGroups: NamedItem[];
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const phone = /^[0-9+\-() 转]{3,40}$/;

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('selected' in v) return (v.selected as unknown[]).length === 0 && !String(v.other ?? '').trim();
    return Object.values(v).every((x) => x === null || x === undefined || String(x).trim() === '');
  }
  return false;
}

function checkField(field: FieldDefinition, value: FieldValue | undefined, path: string, label: string, ctx: FormContext, submitting: boolean): FormProblem[] {
  const problem = (code: FormProblem['code'], params: Record<string, string | number> = {}, at = path): FormProblem => ({ field: at, code, params: { label, ...params } });
  if (isEmpty(value)) return field.required && submitting ? [problem('required')] : [];
  switch (field.kind) {
    case 'short_text':
    case 'address': {
      if (typeof value !== 'string') return [problem('invalid')];
      const max = field.kind === 'short_text' ? field.maxLength : 300;
      return [...value].length > max ? [problem('too_long', { max })] : [];
    }
    case 'long_text': {
      if (typeof value !== 'string') return [problem('invalid')];
      const count = countWords(value);
      return count > field.maxWords ? [problem('too_many_words', { max: field.maxWords, count })] : [];
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value) || (field.integer && !Number.isInteger(value))) return [problem('invalid')];
      if (field.min !== undefined && value < field.min) return [problem('too_small', { min: field.min })];
      if (field.max !== undefined && value > field.max) return [problem('too_big', { max: field.max })];
      return [];
    }
    case 'date':
      return typeof value === 'string' && isoDate.test(value) ? [] : [problem('invalid')];
    case 'date_range': {
      const v = value as { start?: string; end?: string };
      if (!v || !isoDate.test(v.start ?? '') || !isoDate.test(v.end ?? '') || v.end! < v.start!) return [problem('invalid')];
      return [];
    }
    case 'single_choice':
    case 'multi_choice': {
      const v = value as ChoiceValue;
      if (!v || !Array.isArray(v.selected)) return [problem('invalid')];
      if (field.kind === 'single_choice' && v.selected.length > 1) return [problem('invalid_option')];
      if (v.selected.some((s) => !field.options.includes(s))) return [problem('invalid_option')];
      if (v.other && !field.allowOther) return [problem('invalid_option')];
      return [];
    }
    case 'module': {
      if (!Array.isArray(value) || value.some((id) => typeof id !== 'string')) return [problem('invalid')];
      if (value.some((id) => !ctx.modules.some((m) => m.id === id))) return [problem('invalid_option')];
      return value.length === 0 && field.required && submitting ? [problem('required')] : [];
    }
    case 'target_group': {
      const v = value as ChoiceValue;
      if (!v || !Array.isArray(v.selected)) return [problem('invalid')];
      if (v.selected.some((id) => !ctx.targetGroups.some((g) => g.id === id))) return [problem('invalid_option')];
      if (v.other && !field.allowOther) return [problem('invalid_option')];
      return [];
    }
    case 'phase': {
      const v = value as PhaseValue;
      const phase = ctx.phases.find((p) => p.id === v?.phaseId);
      if (!phase) return [problem('invalid_option', {}, `${path}.phaseId`)];
      if (!isoDate.test(v.startDate ?? '') || !isoDate.test(v.endDate ?? '') || v.endDate < v.startDate) return [problem('invalid', {}, `${path}.startDate`)];
      if (v.startDate < phase.startDate || v.endDate > phase.endDate) {
        return [problem('date_outside_phase', { phase: phase.name, start: phase.startDate, end: phase.endDate }, `${path}.startDate`)];
      }
      return [];
    }
    case 'contact': {
      const v = value as ContactValue;
      const problems: FormProblem[] = [];
      for (const part of field.requiredParts) {
        if (submitting && !String(v?.[part] ?? '').trim()) problems.push(problem('required', { label: `${label}${partLabels[part]}` }, `${path}.${part}`));
      }
      for (const part of ['officePhone', 'mobile', 'fax'] as const) {
        if (v?.[part] && !phone.test(v[part]!)) problems.push(problem('invalid', { label: `${label}${partLabels[part]}` }, `${path}.${part}`));
      }
      if (v?.email && !email.test(v.email)) problems.push(problem('invalid', { label: `${label}${partLabels.email}` }, `${path}.email`));
      return problems;
    }
    case 'files': {
      const files = value as FileValue[];
      if (!Array.isArray(files) || files.some((f) => typeof f?.fileId !== 'string')) return [problem('invalid')];
      if (files.length > field.maxCount) return [problem('too_many_files', { max: field.maxCount })];
      if (submitting && files.length < field.minCount) return [problem('too_few_files', { min: field.minCount })];
      return [];
    }
  }
}

export const partLabels = { name: '姓名', officePhone: '办公电话', mobile: '手机', fax: '传真', email: '电子邮箱' } as const;

/**
 * Checks a submission against its form, campaign and quota. Drafts are checked for well-formed
 * values only (anything may still be missing); submitting also requires every required field and
 * the quota (e.g. at least 3 items, one per phase).
 */
export function validateSubmission(
  form: FormDefinition,
  ctx: FormContext,
  values: SubmissionValues,
  quota: Quota,
  mode: 'draft' | 'submit',
): FormProblem[] {
  const submitting = mode === 'submit';
  const problems: FormProblem[] = [];
  for (const field of unitFields(form)) {
    problems.push(...checkField(field, values.fields[field.key] as FieldValue | undefined, `fields.${field.key}`, field.label, ctx, submitting));
  }
  const group = form.itemGroup;
  if (group) {
    values.items.forEach((item, index) => {
      for (const field of itemFields(form)) {
        const label = `第${index + 1}项${group.label}的${field.label}`;
        problems.push(...checkField(field, item.fields[field.key] as FieldValue | undefined, `items.${index}.${field.key}`, label, ctx, submitting));
      }
    });
    if (submitting) {
      const count = values.items.length;
      if (count < quota.minItems) problems.push({ field: 'items', code: 'quota_min_items', params: { label: group.label, min: quota.minItems, count } });
      if (quota.maxItems !== null && count > quota.maxItems) problems.push({ field: 'items', code: 'quota_max_items', params: { label: group.label, max: quota.maxItems, count } });
      const phaseField = itemFields(form).find((f) => f.kind === 'phase');
      if (quota.onePerPhase && phaseField) {
        const covered = new Set(values.items.map((i) => (i.fields[phaseField.key] as PhaseValue | undefined)?.phaseId));
        const missing = ctx.phases.filter((p) => !covered.has(p.id));
        if (missing.length > 0) problems.push({ field: 'items', code: 'quota_one_per_phase', params: { label: group.label, phases: missing.map((p) => p.name).join('、') } });
      }
    }
  } else if (values.items.length > 0) {
    problems.push({ field: 'items', code: 'invalid', params: { label: '填报项' } });
  }
  return problems;
}
