import type { FormRule as Rule } from 'antd';
import type { z } from 'zod';
import { fieldLabels, formatMessage, validationMessages, type Locale, type ValidationCode } from '../../shared/i18n/messages';
import { checkPassword, type PasswordProblem } from '../../shared/domain/password-policy';

interface IssueLike {
  code: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
}

export function labelOf(field: string, language: Locale): string {
  return fieldLabels[language][field] ?? field;
}

export function validationText(code: ValidationCode, field: string, language: Locale, params: Record<string, string | number> = {}) {
  return formatMessage(validationMessages[language][code], { label: labelOf(field, language), ...params });
}

/** The same wording the server uses for the same zod issue (see server/plugins/errors.ts). */
function issueText(issue: IssueLike, value: unknown, field: string, language: Locale): string {
  const missing = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  if (missing && (issue.code === 'invalid_type' || issue.code === 'too_small')) return validationText('required', field, language);
  const isText = issue.origin === 'string' || issue.origin === 'array';
  switch (issue.code) {
    case 'too_small':
      return validationText(isText ? 'too_short' : 'too_small', field, language, { min: Number(issue.minimum) });
    case 'too_big':
      return validationText(isText ? 'too_long' : 'too_big', field, language, { max: Number(issue.maximum) });
    case 'invalid_value':
      return validationText('invalid_option', field, language);
    default:
      return validationText('invalid', field, language);
  }
}

/**
 * antd Form rules from the API contract's own zod schema for the field, so the browser checks
 * exactly what the server will (principle 2 in STYLE.md). `required` adds antd's asterisk.
 */
export function contractRules(schema: z.ZodType, field: string, language: Locale, options: { required?: boolean } = {}): Rule[] {
  const rules: Rule[] = [];
  if (options.required) rules.push({ required: true, message: validationText('required', field, language) });
  rules.push({
    validator: async (_rule, value: unknown) => {
      if (options.required && (value === undefined || value === null || value === '')) return; // said above
      const result = schema.safeParse(value === null ? undefined : value);
      if (result.success) return;
      const issue = result.error.issues[0] as IssueLike | undefined;
      throw new Error(issue ? issueText(issue, value, field, language) : validationText('invalid', field, language));
    },
  });
  return rules;
}

export function passwordProblemText(problem: PasswordProblem, language: Locale): string {
  return validationMessages[language][`password_${problem}`];
}

/** antd rule running the shared password policy (checkPassword) on the field's value. */
export function passwordPolicyRule(username: string | undefined, field: string, language: Locale): Rule {
  return {
    validator: async (_rule, value: unknown) => {
      if (typeof value !== 'string' || value === '') return; // the `required` rule speaks for an empty field
      const problems = checkPassword(value, username);
      if (problems[0]) throw new Error(passwordProblemText(problems[0], language));
    },
  };
}
