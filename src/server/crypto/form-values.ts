import type { FieldCipher } from './field-encryption';
import { itemFields, unitFields, type FormDefinition } from '../../shared/forms/definition';

/**
 * Personal data typed into a collection form, sealed inside the values JSON (decision 022): each
 * contact's office phone, mobile, fax and e-mail and each address field's text become AES-256-GCM
 * envelopes; everything else (names, titles, free text, choices, files) stays readable JSON so the
 * structure, item keys and files remain usable by SQL. Which fields are personal is read from the
 * form's field kinds (`contact`, `address`), the same rule the 汇总表's masking follows. The
 * additional data names the field and part (`submissions.values:<field>.<part>`): an envelope
 * moved to another field or part fails to open. Pure: the cipher is given.
 */
export const sealedContactParts = ['officePhone', 'mobile', 'fax', 'email'] as const;

export interface PersonalFieldKeys {
  contact: ReadonlySet<string>;
  address: ReadonlySet<string>;
}

export function personalFieldKeys(form: FormDefinition): PersonalFieldKeys {
  const fields = [...unitFields(form), ...itemFields(form)];
  return {
    contact: new Set(fields.filter((f) => f.kind === 'contact').map((f) => f.key)),
    address: new Set(fields.filter((f) => f.kind === 'address').map((f) => f.key)),
  };
}

export const noPersonalFields: PersonalFieldKeys = { contact: new Set(), address: new Set() };

export function hasPersonalFields(keys: PersonalFieldKeys): boolean {
  return keys.contact.size > 0 || keys.address.size > 0;
}

const aad = (field: string, part: string | null) => `submissions.values:${field}${part ? `.${part}` : ''}`;

type Transform = (value: string, aad: string) => string;

function mapFields(keys: PersonalFieldKeys, fields: unknown, transform: Transform): unknown {
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return fields;
  const out: Record<string, unknown> = { ...(fields as Record<string, unknown>) };
  for (const [key, value] of Object.entries(out)) {
    if (keys.address.has(key) && typeof value === 'string' && value !== '') out[key] = transform(value, aad(key, null));
    if (keys.contact.has(key) && value && typeof value === 'object' && !Array.isArray(value)) {
      const contact: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const part of sealedContactParts) {
        const text = contact[part];
        if (typeof text === 'string' && text !== '') contact[part] = transform(text, aad(key, part));
      }
      out[key] = contact;
    }
  }
  return out;
}

/** Applies `transform` to every personal value of a submission's values (unit fields and each item's). */
function mapValues(keys: PersonalFieldKeys, values: unknown, transform: Transform): unknown {
  if (!hasPersonalFields(keys) || !values || typeof values !== 'object' || Array.isArray(values)) return values;
  const v = values as { fields?: unknown; items?: unknown };
  const out: Record<string, unknown> = { ...(values as Record<string, unknown>) };
  if ('fields' in v) out.fields = mapFields(keys, v.fields, transform);
  if (Array.isArray(v.items)) out.items = v.items.map((item: unknown) => (item && typeof item === 'object' ? { ...(item as object), fields: mapFields(keys, (item as { fields?: unknown }).fields, transform) } : item));
  return out;
}

/** The values as stored: contacts' numbers and e-mail and addresses sealed under the current key. */
export function sealFormValues<T>(cipher: FieldCipher, keys: PersonalFieldKeys, values: T): T {
  return mapValues(keys, values, (text, data) => cipher.encrypt(text, data)) as T;
}

/** The values as typed. Strict: a personal value that is not an envelope of its own field is an error. */
export function openFormValues<T>(cipher: FieldCipher, keys: PersonalFieldKeys, values: T): T {
  return mapValues(keys, values, (text, data) => cipher.decrypt(text, data)) as T;
}
