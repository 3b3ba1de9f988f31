import type { FastifyServerOptions } from 'fastify';

/**
 * What the request logs may hold (PIPL, 等保 "personal information not in logs"): method, a URL
 * with its query values and token-like path segments masked, status, timings, the client address.
 * Never headers (cookies, CSRF tokens), never bodies (passwords, phones, addresses), and error
 * messages only after masking digits, e-mail addresses, quoted values and Chinese text.
 */

const keptSegment = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z][a-z0-9._-]*)$/;

/** `/api/v1/public/showcase/signups/K7Q2X9/cancel?q=138…` → `/api/v1/public/showcase/signups/*\/cancel?q=*`. */
export function redactUrl(url: string): string {
  const [pathname = '', query] = url.split(/\?(.*)/s, 2);
  const path = pathname
    .split('/')
    .map((segment) => (segment === '' || keptSegment.test(segment) ? segment : '*'))
    .join('/');
  if (query === undefined) return path;
  const keys = query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const key = pair.split('=')[0] ?? '';
      return `${/^[A-Za-z][A-Za-z0-9_.[\]-]*$/.test(key) ? key : '*'}=*`;
    });
  return `${path}?${keys.join('&')}`;
}

/**
 * Masks what could be personal in free text: e-mail addresses, runs of 5+ digits (phones, ID
 * card and account numbers), quoted values other than identifiers, and Chinese text (names,
 * addresses, affiliations). Log messages written by Huiju are English, so nothing useful is lost.
 */
export function redactLogText(text: string): string {
  return text
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]')
    .replace(/\d[\d\s-]{3,}\d/g, (run) => (run.replace(/\D/g, '').length >= 5 ? '[digits]' : run))
    .replace(/"([^"\n]*)"/g, (all, inner: string) => (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(inner) ? all : '"[value]"'))
    .replace(/\(([^()\n]*)\)=\(([^()\n]*)\)/g, '($1)=([value])')
    .replace(/[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+/g, '[text]');
}

interface LoggedError {
  [key: string]: unknown;
  type: string;
  message: string;
  stack: string;
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  statusCode?: unknown;
}

/**
 * An error as logged: its kind, code and database identifiers, the message and stack masked.
 * Never `detail`, `where` or driver parameters, which quote the offending values.
 */
export function serializeError(error: unknown): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: redactLogText(String(error)), stack: '' };
  const e = error as Error & Record<string, unknown>;
  const pick = (key: string) => (typeof e[key] === 'string' || typeof e[key] === 'number' ? e[key] : undefined);
  const fields = Object.fromEntries(
    Object.entries({
      code: pick('code'),
      constraint: pick('constraint'),
      table: pick('table'),
      column: pick('column'),
      statusCode: pick('statusCode'),
    }).filter(([, v]) => v !== undefined),
  );
  return { type: e.name, message: redactLogText(e.message), stack: redactLogText(e.stack ?? ''), ...fields };
}

interface RequestLike {
  method: string;
  url: string;
  ip?: string;
  routeOptions?: { url?: string };
}

/** Fastify logger options: the serializers above, headers redacted should anything log them, every string argument masked. */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'req.headers.authorization', 'res.headers["set-cookie"]', 'req.body', 'body', 'password'],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: RequestLike) => ({
        method: request.method,
        url: redactUrl(request.url),
        ...(request.routeOptions?.url ? { route: request.routeOptions.url } : {}),
        ...(request.ip ? { remoteAddress: request.ip } : {}),
      }),
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
      err: serializeError,
    },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? redactLogText(arg) : arg)) as Parameters<typeof method>,
        );
      },
    },
    ...(stream ? { stream } : {}),
  };
}
