import { itemFields, submissionValuesSchema, unitFields, type FieldValue, type FormDefinition } from '../../../shared/forms/definition';
import type { FormContext } from '../../../shared/forms/validate';
import { fieldText } from '../../documents/form-document';

/**
 * A readable diff between two saved states: each field whose printed text changed, by its label
 * ("第2项特色亮点活动 · 工作方案"), with the text before and after; added and removed items too.
 */
export function diffSubmissions(form: FormDefinition, ctx: FormContext, beforeRaw: unknown, afterRaw: unknown) {
  const before = submissionValuesSchema.parse(beforeRaw);
  const after = submissionValuesSchema.parse(afterRaw);
  const changes: { path: string; label: string; before: string; after: string }[] = [];
  const text = (field: Parameters<typeof fieldText>[0], value: unknown) => fieldText(field, value as FieldValue | undefined, ctx);
  for (const field of unitFields(form)) {
    const a = text(field, before.fields[field.key]);
    const b = text(field, after.fields[field.key]);
    if (a !== b) changes.push({ path: `fields.${field.key}`, label: field.label, before: a, after: b });
  }
  const group = form.itemGroup;
  if (group) {
    const keys = [...new Set([...before.items.map((i) => i.key), ...after.items.map((i) => i.key)])];
    for (const key of keys) {
      const old = before.items.find((i) => i.key === key);
      const neu = after.items.find((i) => i.key === key);
      const index = after.items.findIndex((i) => i.key === key);
      const name = `第${(index >= 0 ? index : before.items.findIndex((i) => i.key === key)) + 1}项${group.label}`;
      for (const field of itemFields(form)) {
        const a = old ? text(field, old.fields[field.key]) : '';
        const b = neu ? text(field, neu.fields[field.key]) : '';
        if (a !== b) changes.push({ path: `items.${key}.${field.key}`, label: `${name} · ${field.label}`, before: a, after: b });
      }
    }
  }
  return changes;
}
