/**
 * Personal data that must never reach a public page: mobile and landline numbers, e-mail
 * addresses and resident ID numbers. Used to refuse such text when a unit asks to publish, and by
 * the tests that check every public response.
 */
export type PersonalDataKind = 'mobile' | 'phone' | 'email' | 'id_number';

const patterns: readonly [PersonalDataKind, RegExp][] = [
  ['email', /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/u],
  ['id_number', /(?<!\d)\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?!\d)/],
  // 139 0000 0000, 139-0000-0000, +86 13900000000
  ['mobile', /(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)/],
  // 025-83000000, (025) 8300 0000, 0512 6500 0000
  ['phone', /(?<![\d-])\(?0\d{2,3}\)?[\s-]?\d{3,4}[\s-]?\d{4}(?!\d)/],
];

/** The first kind of personal data found in `text`, or null. Full-width digits count too. */
export function findPersonalData(text: string): PersonalDataKind | null {
  const normalised = text.normalize('NFKC');
  for (const [kind, pattern] of patterns) if (pattern.test(normalised)) return kind;
  return null;
}
