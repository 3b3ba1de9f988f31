import { App, type FormInstance } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import type { Problem } from '../api/types';

/** Codes that mean the session is gone; the global 401 handler already took the user to sign in. */
const sessionEndCodes = new Set(['unauthenticated', 'session_expired']);

export function isSessionEnd(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && sessionEndCodes.has(error.code ?? 'unauthenticated');
}

/**
 * The detail without the field messages the server appends to it ("…：单位全称格式不正确").
 */
export function baseDetail(problem: Problem): string {
  const fieldPart = (problem.errors ?? []).map((e) => e.message).join('；');
  for (const separator of ['：', ': ']) {
    const suffix = `${separator}${fieldPart}`;
    if (fieldPart && problem.detail.endsWith(suffix)) return problem.detail.slice(0, -suffix.length);
  }
  return problem.detail;
}

/** Problems whose field errors each say what is wrong with their field (so the field shows its own message). */
const fieldProblemCodes = new Set(['validation_failed', 'submission_invalid']);

/** The name paths of every field registered in `form` (Form.List rows included), as 'tasks.1.deadline'. */
function registeredFields(form: FormInstance): Map<string, (string | number)[]> {
  const names = new Map<string, (string | number)[]>();
  form.getFieldsValue(true, (meta) => {
    const name = (meta as { name?: (string | number)[] } | null)?.name;
    if (name && name.length > 0) names.set(name.join('.'), name);
    return false;
  });
  return names;
}

/**
 * Puts the problem's field errors under the matching inputs of `form` (errors[].field is the
 * request-body path: `name`, `contactEmail`, `tags.2`, `tasks.1.deadline` …): on the deepest
 * registered field along the path. Returns how many fields got a message.
 */
export function applyProblemToForm(form: FormInstance, error: unknown): number {
  if (!(error instanceof ApiError) || !error.problem?.errors?.length) return 0;
  const registered = registeredFields(form);
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  // Beyond plain validation (a taken user name, a wrong current password) the detail says it best.
  const useDetail = !fieldProblemCodes.has(error.problem.code);
  for (const fieldError of error.problem.errors) {
    const segments = fieldError.field.split('.');
    let key: string | null = null;
    for (let length = segments.length; length > 0 && key === null; length--) {
      const candidate = segments.slice(0, length).join('.');
      if (registered.has(candidate)) key = candidate;
    }
    if (key === null) continue;
    const text = useDetail ? baseDetail(error.problem) : fieldError.message;
    const entry = byField.get(key) ?? { name: registered.get(key)!, errors: [] };
    if (!entry.errors.includes(text)) entry.errors.push(text);
    byField.set(key, entry);
  }
  form.setFields([...byField.values()].map(({ name, errors }) => ({ name, errors })));
  return byField.size;
}

/** A human message for any error: the server's detail, or ours for network and unknown failures. */
export function useErrorText() {
  const { t } = useTranslation();
  return useCallback(
    (error: unknown): string => {
      if (error instanceof ApiError) {
        if (error.problem) return error.problem.detail;
        if (error.status === 0) return t('common.networkError');
        return t('common.unexpectedError', { status: error.status });
      }
      return error instanceof Error && error.message ? error.message : t('common.unexpectedError', { status: '?' });
    },
    [t],
  );
}

/**
 * Reports a failed request: field errors under the form's inputs, the server's detail in a
 * message. Session ends are left to the global handler (which goes to the sign-in page).
 */
export function useReportError() {
  const { message } = App.useApp();
  const errorText = useErrorText();
  return useCallback(
    (error: unknown, form?: FormInstance) => {
      if (isSessionEnd(error)) return;
      const mapped = form ? applyProblemToForm(form, error) : 0;
      const problem = error instanceof ApiError ? error.problem : null;
      const text = mapped > 0 && problem ? (problem.code === 'validation_failed' ? problem.title : baseDetail(problem)) : errorText(error);
      void message.error(text, 6);
    },
    [message, errorText],
  );
}
