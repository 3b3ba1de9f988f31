import type { ErrorCode, ValidationCode } from '../shared/i18n/messages';

export interface FieldError {
  field: string;
  code: ValidationCode;
  params?: Record<string, string | number>;
}

/**
 * The one error type of the server: a stable code, an HTTP status and parameters for the message.
 * The global handler (plugins/errors.ts) renders it as RFC 9457 problem+json in the caller's language.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    readonly params: Record<string, string | number> = {},
    readonly fieldErrors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

export const notFound = () => new AppError('not_found', 404);
export const forbidden = () => new AppError('forbidden', 403);
export const staleVersion = () => new AppError('stale_version', 409);
export const invalidFields = (fieldErrors: FieldError[]) => new AppError('validation_failed', 422, {}, fieldErrors);
