import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  errorMessages,
  fieldLabels,
  formatMessage,
  pickLocale,
  validationMessages,
  type ErrorCode,
  type Locale,
} from '../../shared/i18n/messages';
import { AppError, type FieldError } from '../errors';

interface ZodLikeIssue {
  code: string;
  path: PropertyKey[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
  params?: Record<string, unknown>;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Turns a zod issue into a field error with one of our validation codes. */
export function fieldErrorFromIssue(issue: ZodLikeIssue, input: unknown): FieldError {
  const field = issue.path.map(String).join('.');
  const value = valueAt(input, issue.path);
  const missing = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  const customCode = issue.params?.code;
  if (typeof customCode === 'string' && customCode in validationMessages['zh-CN']) {
    return { field, code: customCode as FieldError['code'] };
  }
  if (missing && (issue.code === 'invalid_type' || issue.code === 'too_small')) return { field, code: 'required' };
  const isText = issue.origin === 'string' || issue.origin === 'array';
  switch (issue.code) {
    case 'too_small':
      return { field, code: isText ? 'too_short' : 'too_small', params: { min: Number(issue.minimum) } };
    case 'too_big':
      return { field, code: isText ? 'too_long' : 'too_big', params: { max: Number(issue.maximum) } };
    case 'invalid_value':
    case 'invalid_enum_value':
      return { field, code: 'invalid_option' };
    default:
      return { field, code: 'invalid' };
  }
}

/** A field's label: the most specific of "parent.field" (contacts.name) and "field" (name) that is known. */
function labelFor(field: string, locale: Locale): string {
  const segments = field.split('.').filter((s) => !/^\d+$/.test(s));
  const last = segments.at(-1) ?? field;
  const parent = segments.at(-2);
  return (parent && fieldLabels[locale][`${parent}.${last}`]) || fieldLabels[locale][last] || last;
}

export function renderFieldErrors(errors: FieldError[], locale: Locale) {
  return errors.map((e) => ({
    field: e.field,
    code: e.code,
    message: formatMessage(validationMessages[locale][e.code], { label: labelFor(e.field, locale), ...e.params }),
  }));
}

/** Seconds a client should wait before retrying an answer that says "not now" (RFC 9110 Retry-After). */
const retryAfterSeconds: Partial<Record<ErrorCode, number>> = { database_unavailable: 5, storage_full: 300 };

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  const retryAfter = retryAfterSeconds[error.code];
  if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));
  const locale = pickLocale(request.headers['accept-language']);
  const errors = renderFieldErrors(error.fieldErrors, locale);
  let detail = formatMessage(errorMessages[locale][error.code], error.params);
  // Name the fields in the detail too, so a client showing only the detail still says what is wrong.
  if (errors.length > 0) detail = `${detail}：${errors.map((e) => e.message).join('；')}`;
  return reply
    .status(error.status)
    .type('application/problem+json; charset=utf-8')
    .send({
      type: `https://huiju.example/problems/${error.code}`,
      title: errorMessages[locale][error.code].replace(/\{\w+\}/g, '').trim(),
      status: error.status,
      detail,
      code: error.code,
      instance: request.url,
      ...(errors.length > 0 ? { errors } : {}),
      ...(Object.keys(error.params).length > 0 ? { params: error.params } : {}),
      ...error.extra,
    });
}

const fastifyCodeMap: Record<string, [ErrorCode, number]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['bad_request', 415],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['bad_request', 400],
  FST_ERR_CTP_INVALID_JSON_BODY: ['bad_request', 400],
  FST_ERR_CTP_BODY_TOO_LARGE: ['file_too_large', 413],
  FST_REQ_FILE_TOO_LARGE: ['file_too_large', 413],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad_request', 400],
  FST_PARTS_LIMIT: ['bad_request', 413],
  FST_FILES_LIMIT: ['bad_request', 413],
  FST_INVALID_MULTIPART_CONTENT_TYPE: ['bad_request', 406],
};

/**
 * PostgreSQL data exceptions a request's values can cause although they pass the contract (an id
 * beyond the integer range, a date beyond the calendar): the input's fault, answered as a 400
 * problem instead of a 500. Contracts should still bound such fields so the answer names them.
 */
const inputDataErrorCodes = new Set(['22003', '22P02', '22007', '22008', '22021', '22001']);

/**
 * A foreign key refusing an insert or update (`Key (campaign_id)=(999) is not present in table
 * "campaigns"`) means the request named a record that does not exist: a 422 naming the field
 * (campaign_id → campaignId) rather than a 500. Services should check references themselves; this
 * is the net for those that do not (found by the fuzz test).
 */
function missingReference(error: unknown): string | null {
  const detail = (error as { detail?: unknown }).detail;
  const match = typeof detail === 'string' ? /^Key \((\w+)\)=\(.*\) is not present in table/.exec(detail) : null;
  return match ? match[1]!.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : null;
}

const databaseDownCodes = new Set(['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '08006', '08001', '08003']);
/** node-postgres reports a connection cut mid-query by message only, without a code. */
const databaseDownMessages = /^(Connection terminated|Client has encountered a connection error)/;

export function databaseDown(error: FastifyError): boolean {
  return (!!error.code && databaseDownCodes.has(error.code)) || (!error.code && databaseDownMessages.test(error.message));
}

export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return sendProblem(request, reply, error);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const part = error.validationContext ?? 'body';
      const input = (request as unknown as Record<string, unknown>)[part];
      const issues: ZodLikeIssue[] = error.validation.map((v) => ({
        ...(v.params as Omit<ZodLikeIssue, 'code' | 'path'>),
        code: v.keyword,
        path: v.instancePath.split('/').slice(1).filter((s) => s !== ''),
      }));
      return sendProblem(request, reply, new AppError('validation_failed', 422, {}, issues.map((i) => fieldErrorFromIssue(i, input))));
    }
    const mapped = error.code ? fastifyCodeMap[error.code] : undefined;
    if (mapped) {
      const [code, status] = mapped;
      return sendProblem(request, reply, new AppError(code, status, code === 'file_too_large' ? { max: '限定大小' } : {}));
    }
    if (error.statusCode === 429) return sendProblem(request, reply, new AppError('rate_limited', 429));
    if (databaseDown(error)) {
      return sendProblem(request, reply, new AppError('database_unavailable', 503));
    }
    const referenced = error.code === '23503' ? missingReference(error) : null;
    if (referenced) {
      request.log.warn({ err: error }, 'reference to a record that does not exist');
      return sendProblem(request, reply, new AppError('validation_failed', 422, {}, [{ field: referenced, code: 'invalid' }]));
    }
    if (error.code && inputDataErrorCodes.has(error.code)) {
      request.log.warn({ err: error }, 'input outside what the database stores');
      return sendProblem(request, reply, new AppError('bad_request', 400));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(request, reply, new AppError('bad_request', error.statusCode));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, new AppError('internal_error', 500));
  });
});
