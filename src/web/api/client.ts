import type { Problem } from '../../shared/contracts/common';
import type { Locale } from '../../shared/i18n/messages';

/**
 * The one way the browser talks to the API: JSON under /api/v1, same-origin cookies, the UI
 * language in Accept-Language, the session's CSRF token on every state-changing request, and
 * RFC 9457 problems turned into ApiError. A 401 on a signed-in request ends the session here.
 */
export class ApiError extends Error {
  readonly status: number;
  /** The problem document, when the server sent one. */
  readonly problem: Problem | null;
  /** The parsed response body, whatever it was (an import report comes back with 422). */
  readonly body: unknown;

  constructor(status: number, problem: Problem | null, body: unknown, fallbackMessage: string) {
    super(problem?.detail ?? fallbackMessage);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.body = body;
  }

  get code(): string | undefined {
    return this.problem?.code;
  }
}

interface ClientState {
  csrfToken: string | null;
  language: Locale;
  onUnauthenticated: (() => void) | null;
  onPasswordChangeRequired: (() => void) | null;
}

const state: ClientState = { csrfToken: null, language: 'zh-CN', onUnauthenticated: null, onPasswordChangeRequired: null };

export function setCsrfToken(token: string | null) {
  state.csrfToken = token;
}

export function setApiLanguage(language: Locale) {
  state.language = language;
}

/** Called when a request made while signed in comes back 401 (idle timeout, signed out elsewhere). */
export function setUnauthenticatedHandler(handler: (() => void) | null) {
  state.onUnauthenticated = handler;
}

/** Called when the server refuses a request until the initial password is changed (403). */
export function setPasswordChangeRequiredHandler(handler: (() => void) | null) {
  state.onPasswordChangeRequired = handler;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** JSON body. */
  body?: unknown;
  /** Multipart body (file uploads); the browser sets the content type with its boundary. */
  form?: FormData;
  signal?: AbortSignal;
  /** Extra request headers (e.g. Idempotency-Key). */
  headers?: Record<string, string>;
  /** Let the request outlive the page (a last autosave while the tab closes). */
  keepalive?: boolean;
  /**
   * A request that may legitimately answer 401 without meaning "your session ended"
   * (signing in, asking whether there is a session, public activation pages).
   */
  anonymous?: boolean;
}

/**
 * Query strings: undefined and null are left out; booleans go as "true"/"false" (the API's
 * queryBoolean reads exactly those).
 */
export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).code === 'string' &&
    typeof (value as Problem).detail === 'string' &&
    typeof (value as Problem).status === 'number'
  );
}

async function parseBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return await response.json();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function headersFor(method: string, json: boolean, extra?: Record<string, string>): Headers {
  const headers = new Headers({ Accept: 'application/json, application/problem+json', 'Accept-Language': state.language, ...extra });
  if (json) headers.set('Content-Type', 'application/json');
  if (method !== 'GET' && method !== 'HEAD' && state.csrfToken) headers.set('X-CSRF-Token', state.csrfToken);
  return headers;
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const json = options.body !== undefined && !options.form;
  try {
    return await fetch(`/api/v1${path}${buildQuery(options.query)}`, {
      method,
      headers: headersFor(method, json, options.headers),
      body: options.form ?? (json ? JSON.stringify(options.body) : undefined),
      credentials: 'same-origin',
      signal: options.signal,
      ...(options.keepalive ? { keepalive: true } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, null, undefined, 'network_error');
  }
}

async function fail(response: Response, options: RequestOptions): Promise<never> {
  const body = await parseBody(response);
  const problem = isProblem(body) ? body : null;
  if (response.status === 401 && !options.anonymous) state.onUnauthenticated?.();
  // Both say the session may only do one thing first: reload it so the gate shows that screen.
  if (response.status === 403 && (problem?.code === 'password_change_required' || problem?.code === 'totp_enrolment_required')) {
    state.onPasswordChangeRequired?.();
  }
  throw new ApiError(response.status, problem, body, `HTTP ${response.status}`);
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  if (!response.ok) return fail(response, options);
  return (await parseBody(response)) as T;
}

function filenameOf(response: Response): string | null {
  const disposition = response.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  let filename: string | null = null;
  if (star?.[1]) {
    try {
      filename = decodeURIComponent(star[1]);
    } catch {
      filename = null;
    }
  }
  filename ??= plain?.[1] ?? null;
  return filename;
}

/** A file from the API (e.g. the roster template), as a blob and the name the server suggests. */
export async function download(path: string): Promise<{ blob: Blob; filename: string | null }> {
  const response = await send('GET', path, {});
  if (!response.ok) return fail(response, {});
  return { blob: await response.blob(), filename: filenameOf(response) };
}

/**
 * A large file from the API read chunk by chunk, reporting progress against Content-Length
 * (`total` is null when the server does not say how long the body is).
 */
export async function downloadWithProgress(
  path: string,
  onProgress: (received: number, total: number | null) => void,
  signal?: AbortSignal,
): Promise<{ blob: Blob; filename: string | null }> {
  const response = await send('GET', path, { signal });
  if (!response.ok) return fail(response, {});
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  const type = response.headers.get('content-type') ?? 'application/octet-stream';
  if (!response.body) {
    const blob = await response.blob();
    onProgress(blob.size, total ?? blob.size);
    return { blob, filename: filenameOf(response) };
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  onProgress(0, total);
  for (;;) {
    let part: ReadableStreamReadResult<Uint8Array<ArrayBuffer>>;
    try {
      part = await reader.read();
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, null, undefined, 'network_error');
    }
    if (part.done) break;
    chunks.push(part.value);
    received += part.value.byteLength;
    onProgress(received, total);
  }
  return { blob: new Blob(chunks, { type }), filename: filenameOf(response) };
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body: body ?? {} }),
  put: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
  upload: <T>(path: string, form: FormData, options?: RequestOptions) => request<T>('POST', path, { ...options, form }),
};
