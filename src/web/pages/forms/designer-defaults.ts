import type { TFunction } from 'i18next';
import type { FieldDefinition, FieldKind, FormDefinition } from '../../../shared/forms/definition';

type Translate = TFunction;

/** A field as the designer holds it: any kind, with the settings of every kind it has been. */
export type DesignerField = Partial<Omit<FieldDefinition, 'kind'>> & { key: string; label: string; kind: FieldKind; [setting: string]: unknown };

/** The settings each kind starts with when a field becomes that kind. */
export function kindDefaults(kind: FieldKind): Record<string, unknown> {
  switch (kind) {
    case 'short_text':
      return { maxLength: 100 };
    case 'long_text':
      return { maxWords: 500 };
    case 'single_choice':
    case 'multi_choice':
      return { options: [], allowOther: false };
    case 'target_group':
      return { allowOther: true };
    case 'number':
      return { integer: true };
    case 'contact':
      return { requiredParts: ['name', 'mobile'] };
    case 'files':
      return { kinds: ['pdf'], minCount: 0, maxCount: 1, maxBytes: 20 * 1024 * 1024 };
    default:
      return {};
  }
}

/** Settings that belong to some kind only (dropped when the kind changes). */
const kindSettings = ['maxLength', 'maxWords', 'options', 'allowOther', 'min', 'max', 'integer', 'unit', 'requiredParts', 'kinds', 'minCount', 'maxCount', 'maxBytes'];

/** The field with another kind: its common settings kept, the old kind's settings replaced. */
export function withKind(field: DesignerField, kind: FieldKind): DesignerField {
  const base = Object.fromEntries(Object.entries(field).filter(([k]) => !kindSettings.includes(k)));
  return { ...base, kind, ...kindDefaults(kind) } as DesignerField;
}

/** A key not used anywhere in the form yet: field1, field2 … */
export function uniqueKey(taken: ReadonlySet<string>, base = 'field'): string {
  for (let n = 1; ; n++) {
    const key = `${base}${n}`;
    if (!taken.has(key)) return key;
  }
}

export function newField(taken: ReadonlySet<string>, t: Translate): DesignerField {
  return { key: uniqueKey(taken), label: t('forms.newFieldLabel'), kind: 'short_text', required: false, ...kindDefaults('short_text') };
}

/** Every field key in a (possibly half-edited) definition. */
export function keysIn(definition: Partial<FormDefinition> | undefined): Set<string> {
  const sections = [...(definition?.unitSections ?? []), ...(definition?.itemGroup?.sections ?? [])];
  return new Set(sections.flatMap((s) => (s?.fields ?? []).map((f) => f?.key)).filter((k): k is string => typeof k === 'string'));
}

/** A new blank form: one item group with one field to start from. */
export function blankDefinition(t: Translate): FormDefinition {
  return {
    title: t('forms.blankTitle'),
    sealLines: true,
    unitSections: [],
    itemGroup: {
      label: t('forms.blankItemLabel'),
      sections: [{ title: t('forms.blankSectionTitle'), fields: [{ key: 'title', label: t('forms.blankFieldLabel'), kind: 'short_text', required: true, maxLength: 100 }] }],
    },
  };
}

/**
 * The definition as the API takes it from the designer's values: empty optional texts dropped,
 * only the settings of each field's kind kept. Validated afterwards with formDefinitionSchema.
 */
export function cleanDefinition(raw: unknown): unknown {
  const def = (raw ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  const cleanField = (f: DesignerField) => {
    const own = new Set(Object.keys(kindDefaults(f.kind)));
    if (f.kind === 'number') ['min', 'max', 'unit'].forEach((k) => own.add(k));
    if (f.kind === 'single_choice' || f.kind === 'multi_choice') own.add('options');
    const out: Record<string, unknown> = { key: f.key, label: f.label, kind: f.kind, required: !!f.required };
    for (const k of ['help', 'printHint'] as const) if (text(f[k])) out[k] = f[k];
    if (f.maps) out.maps = f.maps;
    for (const k of own) {
      const v = f[k];
      if (v === undefined || v === null || v === '') continue;
      out[k] = v;
    }
    return out;
  };
  const cleanSection = (s: { title?: string; note?: string; fields?: DesignerField[] } | undefined) => ({
    title: s?.title ?? '',
    ...(text(s?.note) ? { note: s!.note } : {}),
    fields: (s?.fields ?? []).filter(Boolean).map(cleanField),
  });
  const group = def.itemGroup as { label?: string; sections?: unknown[] } | null | undefined;
  return {
    title: def.title,
    sealLines: def.sealLines !== false,
    unitSections: ((def.unitSections as unknown[] | undefined) ?? []).filter(Boolean).map((s) => cleanSection(s as never)),
    itemGroup: group ? { label: group.label, sections: (group.sections ?? []).filter(Boolean).map((s) => cleanSection(s as never)) } : null,
  };
}
