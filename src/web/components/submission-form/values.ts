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
} from '../../../shared/forms/definition';
import type { FormContext, FormProblem } from '../../../shared/forms/validate';
import { formatMessage, validationMessages, type Locale } from '../../../shared/i18n/messages';
import { ApiError } from '../../api/client';

/**
 * The antd form holds a submission with each item's answers beside its key, so that a field's
 * name path is exactly the path the validator and the server name it by: `items.1.workPlan`,
 * `items.0.contact.mobile`, `fields.stampedPdf`. The key sits under a name no field can have
 * (field keys start with a letter).
 */
export const itemKeyName = '__key';

export type FillItem = Record<string, unknown> & { [itemKeyName]: string };
export interface FillValues {
  fields: Record<string, unknown>;
  items: FillItem[];
}

/** A stable random key for a new item ("item-k3x9…"), as the API's item keys allow. */
export function newItemKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `item-${[...bytes].map((b) => (b % 36).toString(36)).join('')}`;
}

export function emptyItem(): FillItem {
  return { [itemKeyName]: newItemKey() };
}

/** Values as the API returns them (answers not yet typed). */
export interface StoredValues {
  fields: Record<string, unknown>;
  items: { key: string; fields: Record<string, unknown> }[];
}

/** The form's values from a saved submission (or a fresh start: one empty item to fill). */
export function toFillValues(values: StoredValues | null | undefined, form: FormDefinition): FillValues {
  if (!values) return { fields: {}, items: form.itemGroup ? [emptyItem()] : [] };
  return {
    fields: { ...values.fields },
    items: form.itemGroup ? values.items.map((item) => ({ ...item.fields, [itemKeyName]: item.key })) : [],
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const nonEmpty = (value: unknown): string | undefined => {
  const t = text(value);
  return t.trim() === '' ? undefined : t;
};

/** One answer as the API stores it, or undefined when nothing was given. */
function normalize(field: FieldDefinition, raw: unknown): FieldValue | undefined {
  if (raw === null || raw === undefined) return undefined;
  switch (field.kind) {
    case 'short_text':
    case 'long_text':
    case 'address':
    case 'date':
      return nonEmpty(raw);
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined;
    case 'date_range': {
      const v = raw as { start?: unknown; end?: unknown };
      if (!nonEmpty(v.start) && !nonEmpty(v.end)) return undefined;
      return { start: text(v.start), end: text(v.end) };
    }
    case 'phase': {
      const v = raw as Partial<Record<keyof PhaseValue, unknown>>;
      if (!nonEmpty(v.phaseId) && !nonEmpty(v.startDate) && !nonEmpty(v.endDate)) return undefined;
      return { phaseId: text(v.phaseId), startDate: text(v.startDate), endDate: text(v.endDate) };
    }
    case 'module': {
      const list = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
      return list.length > 0 ? list : undefined;
    }
    case 'single_choice':
    case 'multi_choice':
    case 'target_group': {
      const v = raw as { selected?: unknown; other?: unknown };
      const selected = Array.isArray(v.selected) ? v.selected.filter((x): x is string => typeof x === 'string') : [];
      const other = nonEmpty(v.other)?.trim();
      if (selected.length === 0 && !other) return undefined;
      const value: ChoiceValue = { selected };
      if (other) value.other = other;
      return value;
    }
    case 'contact': {
      const v = raw as Record<string, unknown>;
      const value: ContactValue = {};
      for (const part of ['name', 'officePhone', 'mobile', 'fax', 'email'] as const) {
        const t = nonEmpty(v[part])?.trim();
        if (t) value[part] = t;
      }
      return Object.keys(value).length > 0 ? value : undefined;
    }
    case 'files': {
      const list = Array.isArray(raw) ? (raw as FileValue[]).filter((f) => typeof f?.fileId === 'string') : [];
      return list.length > 0 ? list.map((f) => ({ fileId: f.fileId, name: f.name, ...(f.size !== undefined ? { size: f.size } : {}) })) : undefined;
    }
  }
}

function answers(fields: readonly FieldDefinition[], raw: Record<string, unknown> | undefined): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const field of fields) {
    const value = normalize(field, raw?.[field.key]);
    if (value !== undefined) out[field.key] = value;
  }
  return out;
}

/** The request's values from the form's (everything the form holds, registered or not). */
export function fromFillValues(fill: Partial<FillValues> | undefined, form: FormDefinition): SubmissionValues {
  return {
    fields: answers(unitFields(form), fill?.fields),
    items: form.itemGroup
      ? (fill?.items ?? []).map((item) => ({ key: String(item?.[itemKeyName] ?? newItemKey()), fields: answers(itemFields(form), item) }))
      : [],
  };
}

/** Messages by field path, in the UI language, with the texts the server uses for the same problems. */
export type ProblemMap = ReadonlyMap<string, readonly string[]>;

export function problemMap(problems: readonly FormProblem[], language: Locale): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const p of problems) {
    const message = formatMessage(validationMessages[language][p.code], p.params);
    const list = map.get(p.field) ?? [];
    if (!list.includes(message)) list.push(message);
    map.set(p.field, list);
  }
  return map;
}

/** The server's field errors of a refused save or submit, by path. */
export function serverProblemMap(error: unknown): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (!(error instanceof ApiError)) return map;
  for (const e of error.problem?.errors ?? []) {
    const list = map.get(e.field) ?? [];
    if (!list.includes(e.message)) list.push(e.message);
    map.set(e.field, list);
  }
  return map;
}

export function mergeProblems(...maps: ProblemMap[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const map of maps) {
    for (const [field, messages] of map) {
      const list = out.get(field) ?? [];
      for (const m of messages) if (!list.includes(m)) list.push(m);
      out.set(field, list);
    }
  }
  return out;
}

export interface QuotaState {
  count: number;
  quota: Quota;
  /** Phases with no item yet, when the quota wants one per phase (and the form asks for a phase). */
  missingPhases: FormContext['phases'];
  checksPhases: boolean;
  ok: boolean;
}

/** How far the items meet the task's quota: "已填 2 项，至少 3 项，每个阶段至少 1 项：缺第三阶段". */
export function quotaState(form: FormDefinition, ctx: FormContext, quota: Quota, values: SubmissionValues): QuotaState {
  const count = values.items.length;
  const phaseField = itemFields(form).find((f) => f.kind === 'phase');
  const checksPhases = quota.onePerPhase && !!phaseField;
  const covered = new Set(values.items.map((i) => (phaseField ? (i.fields[phaseField.key] as PhaseValue | undefined)?.phaseId : undefined)));
  const missingPhases = checksPhases ? ctx.phases.filter((p) => !covered.has(p.id)) : [];
  const ok = count >= quota.minItems && (quota.maxItems === null || count <= quota.maxItems) && missingPhases.length === 0;
  return { count, quota, missingPhases, checksPhases, ok };
}

/** The field paths of the form in display order, for scrolling to the first problem. */
export function firstProblemPath(problems: ProblemMap): string | undefined {
  const paths = [...problems.keys()];
  const order = (path: string) => {
    const m = /^items\.(\d+)/.exec(path);
    return m ? 1 + Number(m[1]) : path === 'items' ? 0.5 : 0;
  };
  return paths.sort((a, b) => order(a) - order(b))[0];
}
