import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { LocalFileStore } from '../../src/server/storage/file-store';
import { buildApp } from '../../src/server/app';
import type { AppContext } from '../../src/server/app-context';
import { huijuVersion } from '../../src/server/bootstrap';
import { loadConfig } from '../../src/server/config';
import type { Db } from '../../src/server/db/database';
import { createTestDatabase } from './test-database';
import { testFieldKeys } from './template';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  ctx: AppContext;
  close(): Promise<void>;
}

export async function createTestApp(options: { serveWeb?: boolean } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({ HUIJU_DATA_DIR: '.test-data/files', LOG_LEVEL: 'silent', HUIJU_FIELD_KEYS: testFieldKeys });
  const ctx: AppContext = {
    db: database.db,
    databaseKind: database.kind,
    config,
    version: huijuVersion,
    files: new LocalFileStore(path.resolve('.test-data/files')),
  };
  const app = await buildApp(ctx, { serveWeb: options.serveWeb ?? false });
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

export async function signIn(app: FastifyInstance, username: string, password: string): Promise<Client> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${response.statusCode} ${response.body}`);
  const setCookie = response.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0]! : setCookie!;
  return clientWith(app, raw.split(';')[0]!, response.json().csrfToken);
}
