import { maskAddress, maskEmail, maskPhone } from '../domain/masking';
import { itemFields, unitFields, type FieldDefinition, type FieldValue, type FormDefinition } from './definition';

/**
 * Personal data typed into a form, as the 汇总表 exports it: a contact's office phone, mobile, fax
 * and e-mail, and addresses. A contact's name stays readable (collectors need to know whom to
 * call back); free text is not scanned.
 */
const contactPhoneParts = ['officePhone', 'mobile', 'fax'] as const;

/** The form's fields holding personal data (unit level and item level), for the export's audit row. */
export function personalDataFields(form: FormDefinition): { key: string; label: string; kind: 'contact' | 'address' }[] {
  return [...unitFields(form), ...itemFields(form)].flatMap((field) => (field.kind === 'contact' || field.kind === 'address' ? [{ key: field.key, label: field.label, kind: field.kind }] : []));
}

function maskValue(field: FieldDefinition, value: FieldValue | undefined): FieldValue | undefined {
  if (value === null || value === undefined) return value;
  if (field.kind === 'address') return typeof value === 'string' && value ? maskAddress(value) : value;
  if (field.kind !== 'contact' || typeof value !== 'object' || Array.isArray(value)) return value;
  const contact: Record<string, unknown> = { ...value };
  for (const part of contactPhoneParts) if (typeof contact[part] === 'string' && contact[part]) contact[part] = maskPhone(contact[part]);
  if (typeof contact.email === 'string' && contact.email) contact.email = maskEmail(contact.email);
  return contact as FieldValue;
}

/** The values with contacts' numbers and e-mail and addresses masked (138****5678), for callers without the export permission. */
export function maskPersonalValues(form: FormDefinition, fields: Record<string, FieldValue>): Record<string, FieldValue> {
  const masked: Record<string, FieldValue> = { ...fields };
  for (const field of [...unitFields(form), ...itemFields(form)]) {
    if (field.key in masked) masked[field.key] = maskValue(field, masked[field.key]) ?? null;
  }
  return masked;
}
