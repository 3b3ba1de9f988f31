import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app';
import { testDatabaseKind } from '../support/test-database';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('GET /api/health', () => {
  it('reports the database kind and the version', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      database: testDatabaseKind() === 'postgres' ? 'postgresql' : 'pglite',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      // No replica configured: every routed read is the primary's (tests/api/read-replica.test.ts covers one).
      reads: { replica: 'none', lagSeconds: null, maxLagSeconds: 5, readsFromReplica: 0, readsFromPrimary: expect.any(Number), replicaFallbacks: 0 },
    });
  });
});

describe('OpenAPI', () => {
  it('documents every /api/v1 route with its schemas', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toMatch(/^3\./);
    const routes = t.app.printRoutes({ commonPrefix: false });
    expect(routes).toContain('/api/v1/units');
    for (const path of ['/api/v1/session', '/api/v1/units/{id}', '/api/v1/units/import', '/api/v1/users', '/api/v1/audit']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/api/v1/units'].post.requestBody.content['application/json'].schema.properties.name).toBeDefined();
  });

  it('serves browsable docs', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('swagger');
  });
});

describe('errors', () => {
  it('answers unknown API paths with a problem+json 404 in Chinese, or English when asked', async () => {
    const zh = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(zh.statusCode).toBe(404);
    expect(zh.headers['content-type']).toContain('application/problem+json');
    expect(zh.json()).toMatchObject({ status: 404, code: 'not_found', detail: expect.stringContaining('未找到') });
    const en = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: { 'accept-language': 'en-US,en' } });
    expect(en.json().detail).toContain('Not found');
  });
});
