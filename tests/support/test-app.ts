import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { LocalFileStore, type FileStore } from '../../src/server/storage/file-store';
import { buildApp } from '../../src/server/app';
import type { AppContext } from '../../src/server/app-context';
import { huijuVersion } from '../../src/server/bootstrap';
import { loadConfig } from '../../src/server/config';
import type { DatabaseHandle, Db } from '../../src/server/db/database';
import { totpCode } from '../../src/server/features/accounts/totp';
import { createTestDatabase } from './test-database';
import { testFieldKeys, testTotpSecret } from './template';

const databases = new WeakMap<FastifyInstance, Db>();

/**
 * A fresh authenticator code for a test account enrolled with testTotpSecret. The account's last
 * used step is forgotten first so tests may sign it in many times within 30 s; session.test.ts
 * proves the server refuses a reused code.
 */
export async function freshTotpCode(db: Db, username: string): Promise<string> {
  await db.updateTable('users').set({ totp_last_step: null }).where('username', '=', username).execute();
  return totpCode(testTotpSecret);
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  ctx: AppContext;
  close(): Promise<void>;
}

export interface TestAppOptions {
  serveWeb?: boolean;
  /** A built web app of the test's own (an index.html is enough). */
  webDir?: string;
  /** A storage directory of the test's own, when it must see every file written. */
  filesDir?: string;
  /** A store of the test's own (an S3FileStore on a loopback server); default a LocalFileStore in filesDir. */
  files?: FileStore;
  /** Extra settings (e.g. HUIJU_PUBLIC_URL) as environment variables. */
  env?: Record<string, string>;
  /** Capture the request logs (at info level) into this stream. */
  logStream?: NodeJS.WritableStream;
  /** A test database made beforehand (closed with the app); a fresh copy of the template otherwise. */
  database?: DatabaseHandle;
  /** A read replica of the database (decision 020), and how often it is checked (0: only when asked). */
  replicaDb?: Db;
  replicaCheckIntervalMs?: number;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const filesDir = options.filesDir ?? '.test-data/files';
  const config = loadConfig({ HUIJU_DATA_DIR: filesDir, LOG_LEVEL: options.logStream ? 'info' : 'silent', HUIJU_FIELD_KEYS: testFieldKeys, ...options.env });
  const ctx: AppContext = {
    db: database.db,
    databaseKind: database.kind,
    config,
    version: huijuVersion,
    files: options.files ?? new LocalFileStore(path.resolve(filesDir)),
    databaseUrl: database.url,
    ...(options.replicaDb ? { replicaDb: options.replicaDb } : {}),
    ...(options.replicaCheckIntervalMs !== undefined ? { replicaCheckIntervalMs: options.replicaCheckIntervalMs } : {}),
  };
  const app = await buildApp(ctx, {
    serveWeb: options.serveWeb ?? options.webDir !== undefined,
    ...(options.webDir ? { webDir: options.webDir } : {}),
    ...(options.logStream ? { logger: true, logStream: options.logStream } : {}),
  });
  databases.set(app, database.db);
  return {
    app,
    db: database.db,
    ctx,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** A signed-in client for inject(): carries the session cookie and the CSRF token. */
export interface Client {
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
  cookie: string;
  csrfToken: string;
}

export function anonymous(app: FastifyInstance): Client {
  return clientWith(app, '', '');
}

function clientWith(app: FastifyInstance, cookie: string, csrfToken: string): Client {
  const request = (options: InjectOptions) =>
    app.inject({
      ...options,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}),
        ...(options.headers ?? {}),
      },
    });
  return {
    cookie,
    csrfToken,
    request,
    get: (url) => request({ method: 'GET', url }),
    post: (url, body) => request({ method: 'POST', url, ...(body === undefined ? {} : { payload: body as object }) }),
    patch: (url, body) => request({ method: 'PATCH', url, payload: body as object }),
    put: (url, body) => request({ method: 'PUT', url, payload: body as object }),
    delete: (url) => request({ method: 'DELETE', url }),
  };
}

/** Signs in through the API, answering the authenticator step with a fresh code when it is asked. */
export async function signIn(app: FastifyInstance, username: string, password: string): Promise<Client> {
  let response = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
  if (response.statusCode === 202) {
    const db = databases.get(app);
    if (!db) throw new Error('signIn: the app was not made by createTestApp, so no TOTP code can be produced');
    const challengeToken = (response.json() as { challengeToken: string }).challengeToken;
    response = await app.inject({ method: 'POST', url: '/api/v1/session/totp', payload: { challengeToken, totpCode: await freshTotpCode(db, username) } });
  }
  if (response.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${response.statusCode} ${response.body}`);
  const setCookie = response.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0]! : setCookie!;
  return clientWith(app, raw.split(';')[0]!, response.json().csrfToken);
}
