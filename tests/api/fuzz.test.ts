import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regionalUnit } from '../support/factories';
import { testAdmin } from '../support/template';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

/**
 * Every /api/v1 route's input schema (path parameters, query, JSON body), read from the OpenAPI
 * document the zod contracts generate, fuzzed with fast-check as a signed-in system administrator:
 * - malformed input (one field made to break its schema: wrong type, out of range, too long, not in
 *   the enumeration, not an object) is always a 422 application/problem+json whose `errors` name
 *   that field;
 * - plausible but hostile input (boundary integers such as 2³¹, NUL characters, SQL and path
 *   fragments, Chinese and astral characters, random ids) never gets a 5xx, and every 4xx is
 *   application/problem+json.
 * A failure prints fast-check's seed and the shrunk counterexample.
 */

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
}

interface Operation {
  parameters?: { in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema: Schema }[];
  requestBody?: { content?: Record<string, { schema: Schema }> };
}

interface RouteInput {
  method: string;
  path: string;
  params: Record<string, Schema>;
  query: Record<string, { schema: Schema; required: boolean }>;
  body: Schema | null;
}

type Where = 'params' | 'query' | 'body';
interface Input {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

const NUM_RUNS_MALFORMED = Number(process.env.HUIJU_FUZZ_RUNS ?? 20);
const NUM_RUNS_PLAUSIBLE = Math.max(5, Math.round(NUM_RUNS_MALFORMED / 2));
const INT_MAX = 2_147_483_647;

/** Routes whose plausible calls would end the fuzzing session itself (their malformed calls are still sent). */
// Wrong authenticator codes count toward the lockout, which ends the administrator's session too.
const sessionEnding = [/^DELETE \/api\/v1\/session$/, /password/, /sign-out/, /\/account\/totp\//];

let components: Record<string, Schema> = {};
const resolve = (schema: Schema): Schema => {
  if (schema.$ref) {
    const name = schema.$ref.split('/').at(-1)!;
    return resolve(components[name] ?? {});
  }
  if (schema.allOf && schema.allOf.length === 1) return resolve({ ...schema, ...schema.allOf[0], allOf: undefined });
  return schema;
};
const typesOf = (schema: Schema): string[] => (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []);

const hostileStrings = [
  '\u0000',
  'a\u0000b',
  "'; drop table units; --",
  '../../../etc/passwd',
  '%00%2e%2e',
  '南京市科协',
  '𝌆🀄',
  ' ',
  '<script>alert(1)</script>',
  '=HYPERLINK("http://x")',
  '\\',
  '9'.repeat(40),
];
const boundaryInts = [0, 1, -1, 2, INT_MAX, INT_MAX + 1, -INT_MAX - 1, 2 ** 53 - 1, 10 ** 12];

function fitLength(value: string, schema: Schema): string {
  let text = value;
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 4000;
  if ([...text].length < min) text = text.padEnd(min, '科');
  if (text.length > max) text = [...text].slice(0, max).join('').slice(0, max);
  return text;
}

/** Values that satisfy the schema as far as it says (patterns and formats best-effort), biased towards hostile ones. */
function plausible(raw: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => plausible(s, depth + 1)));
  const types = typesOf(schema);
  if (types.length > 1) return fc.oneof(...types.map((type) => plausible({ ...schema, type }, depth)));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -(2 ** 53 - 1));
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 2 ** 53 - 1);
      const inRange = boundaryInts.filter((n) => n >= min && n <= max);
      const ints = fc.oneof(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }), ...(inRange.length ? [fc.constantFrom(...inRange)] : []));
      return types[0] === 'integer' ? ints : fc.oneof(ints, fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
    }
    case 'string': {
      if (schema.format === 'date') return fc.date({ min: new Date('1900-01-01'), max: new Date('2199-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      if (schema.format === 'date-time') return fc.date({ min: new Date('1900-01-01'), max: new Date('2199-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'email') return fc.emailAddress();
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.format === 'uri') return fc.webUrl();
      if (schema.pattern) {
        try {
          return fc.stringMatching(new RegExp(schema.pattern)).map((s) => fitLength(s, schema));
        } catch {
          /* an unsupported pattern: fall through to arbitrary text */
        }
      }
      return fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...hostileStrings), fc.string({ unit: 'grapheme', maxLength: 20 })).map((s) => fitLength(s, schema));
    }
    case 'array': {
      if (depth > 4) return fc.constant([]);
      const min = schema.minItems ?? 0;
      return fc.array(plausible(schema.items ?? {}, depth + 1), { minLength: min, maxLength: Math.min(schema.maxItems ?? min + 3, min + 3) });
    }
    case 'object': {
      if (depth > 4 || !schema.properties) return fc.constant({});
      const required = new Set(schema.required ?? []);
      const keys = Object.keys(schema.properties);
      return fc.record(Object.fromEntries(keys.map((k) => [k, plausible(schema.properties![k]!, depth + 1)])), {
        requiredKeys: keys.filter((k) => required.has(k)),
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * Values that certainly break the schema, or null when none can be made without knowing more
 * (unions, free text in a query string). `inQuery`: the value travels as text.
 */
function violation(raw: Schema, inQuery: boolean): fc.Arbitrary<unknown> | null {
  const schema = resolve(raw);
  if (schema.anyOf || schema.oneOf || schema.const !== undefined) return null;
  const types = typesOf(schema);
  if (schema.enum) {
    const allowed = new Set(schema.enum.map(String));
    return fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('NOT_AN_OPTION', '南京')).filter((s) => !allowed.has(s));
  }
  if (types.length !== 1) return null;
  const options: fc.Arbitrary<unknown>[] = [];
  switch (types[0]) {
    case 'integer':
    case 'number':
      options.push(fc.constantFrom('abc', 'NaN', '1e', '0x', '一'));
      if (types[0] === 'integer') options.push(fc.constantFrom(1.5, -0.25));
      if (schema.minimum !== undefined) options.push(fc.constant(schema.minimum - 1));
      if (schema.exclusiveMinimum !== undefined) options.push(fc.constant(schema.exclusiveMinimum));
      if (schema.maximum !== undefined) options.push(fc.constant(schema.maximum + 1));
      if (!inQuery) options.push(fc.constant({}));
      break;
    case 'string':
      if (!inQuery) options.push(fc.constantFrom(42, true, {}, [1]));
      if (schema.maxLength !== undefined && schema.maxLength < 100_000) options.push(fc.constant('长'.repeat(schema.maxLength + 1)));
      break;
    case 'boolean':
      options.push(inQuery ? fc.constant('maybe') : fc.constantFrom('maybe', 42, {}));
      break;
    case 'array':
      if (inQuery) return null;
      options.push(fc.constantFrom('not-a-list', 42, { a: 1 }));
      if (schema.maxItems !== undefined && schema.maxItems < 1000) {
        options.push(plausible(schema.items ?? {}).map((item) => Array.from({ length: schema.maxItems! + 1 }, () => item)));
      }
      break;
    case 'object':
      if (inQuery) return null;
      options.push(fc.constantFrom('not-an-object', 42, [1, 2]));
      break;
    default:
      return null;
  }
  return options.length ? fc.oneof(...options) : null;
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function plausibleInput(route: RouteInput): fc.Arbitrary<Input> {
  return fc.record({
    params: fc.record(Object.fromEntries(Object.entries(route.params).map(([k, s]) => [k, plausible(s).map(asText)]))) as fc.Arbitrary<Record<string, string>>,
    query: fc.record(
      Object.fromEntries(Object.entries(route.query).map(([k, q]) => [k, plausible(q.schema).map(asText)])),
      { requiredKeys: Object.entries(route.query).filter(([, q]) => q.required).map(([k]) => k) },
    ) as fc.Arbitrary<Record<string, string>>,
    body: route.body ? plausible(route.body) : fc.constant(undefined),
  });
}

/** One field (or the whole body) broken, the rest plausible. */
function malformedCases(route: RouteInput): { where: Where; field: string; input: fc.Arbitrary<Input> }[] {
  const cases: { where: Where; field: string; input: fc.Arbitrary<Input> }[] = [];
  const base = plausibleInput(route);
  for (const [name, schema] of Object.entries(route.params)) {
    const bad = violation(schema, true);
    if (bad) cases.push({ where: 'params', field: name, input: fc.tuple(base, bad).map(([b, v]) => ({ ...b, params: { ...b.params, [name]: asText(v) } })) });
  }
  for (const [name, q] of Object.entries(route.query)) {
    const bad = violation(q.schema, true);
    if (bad) cases.push({ where: 'query', field: name, input: fc.tuple(base, bad).map(([b, v]) => ({ ...b, query: { ...b.query, [name]: asText(v) } })) });
  }
  const body = route.body ? resolve(route.body) : null;
  if (body && typesOf(body).length === 1 && typesOf(body)[0] === 'object') {
    cases.push({ where: 'body', field: '', input: fc.tuple(base, fc.constantFrom(42, 'text', [1], null, true)).map(([b, v]) => ({ ...b, body: v })) });
    for (const [name, schema] of Object.entries(body.properties ?? {})) {
      const bad = violation(schema, false);
      if (bad) {
        cases.push({
          where: 'body',
          field: name,
          input: fc.tuple(base, bad).map(([b, v]) => ({ ...b, body: { ...(b.body as object), [name]: v } })),
        });
      }
    }
  }
  return cases;
}

function send(client: Client, route: RouteInput, input: Input) {
  const url = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(input.params[name] ?? '1'));
  const query = new URLSearchParams(input.query).toString();
  return client.request({
    method: route.method as 'GET',
    url: query ? `${url}?${query}` : url,
    ...(input.body === undefined ? {} : { payload: JSON.stringify(input.body), headers: { 'content-type': 'application/json' } }),
  });
}

let t: TestApp;
let admin: Client;
const routes: RouteInput[] = [];

beforeAll(async () => {
  t = await createTestApp();
  await t.app.ready();
  admin = await signIn(t.app, testAdmin.username, testAdmin.password);
  const doc = t.app.swagger() as { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };
  components = doc.components?.schemas ?? {};
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [method, op] of Object.entries(operations)) {
      const params: RouteInput['params'] = {};
      const query: RouteInput['query'] = {};
      for (const p of op.parameters ?? []) {
        if (p.in === 'path') params[p.name] = p.schema;
        if (p.in === 'query') query[p.name] = { schema: p.schema, required: Boolean(p.required) };
      }
      const body = op.requestBody?.content?.['application/json']?.schema ?? null;
      if (Object.keys(params).length || Object.keys(query).length || body) routes.push({ method: method.toUpperCase(), path, params, query, body });
    }
  }
});
afterAll(() => t.close());

describe('fuzzing every /api/v1 input schema', () => {
  it('answers malformed input with a 422 problem naming the field, and hostile input never with a 5xx', async () => {
    expect(routes.length).toBeGreaterThan(60);
    const started = Date.now();
    let requests = 0;
    let malformedRoutes = 0;
    const failures: string[] = [];
    // Every route is fuzzed even when an earlier one fails, so one run reports them all.
    const check = async (name: string, run: () => Promise<void>) => {
      try {
        await run();
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message.split('\n').slice(0, 12).join('\n')}`);
      }
    };
    for (const route of routes) {
      const name = `${route.method} ${route.path}`;
      const cases = malformedCases(route);
      if (cases.length) {
        malformedRoutes++;
        await check(`${name} (malformed)`, () => fc.assert(
          fc.asyncProperty(fc.constantFrom(...cases).chain((c) => c.input.map((input) => ({ c: { where: c.where, field: c.field }, input }))), async ({ c, input }) => {
            requests++;
            const response = await send(admin, route, input);
            const context = `${name} with ${c.where} ${c.field || '(whole body)'} broken → ${response.statusCode} ${response.body.slice(0, 300)}`;
            expect(response.statusCode, context).toBe(422);
            expect(response.headers['content-type'], context).toMatch(/^application\/problem\+json/);
            const problem = response.json() as { code: string; errors?: { field: string }[] };
            expect(problem.code, context).toBe('validation_failed');
            expect(problem.errors?.length, context).toBeGreaterThan(0);
            if (c.field) {
              expect(
                problem.errors!.some((e) => e.field === c.field || e.field.startsWith(`${c.field}.`)),
                context,
              ).toBe(true);
            }
          }),
          { numRuns: NUM_RUNS_MALFORMED },
        ));
      }
      if (sessionEnding.some((pattern) => pattern.test(name))) continue;
      await check(`${name} (hostile)`, () => fc.assert(
        fc.asyncProperty(plausibleInput(route), async (input) => {
          requests++;
          const response = await send(admin, route, input);
          const context = `${name} with ${JSON.stringify(input).slice(0, 400)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
          expect(response.statusCode, context).toBeLessThan(500);
          if (response.statusCode >= 400) expect(response.headers['content-type'], context).toMatch(/^application\/problem\+json/);
        }),
        { numRuns: NUM_RUNS_PLAUSIBLE },
      ));
    }
    console.log(`fuzz: ${routes.length} routes with input schemas (${malformedRoutes} with breakable fields), ${requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(failures, failures.join('\n\n')).toEqual([]);
  }, 600_000);
});

describe('what the fuzzing found, pinned', () => {
  const problem = (response: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }) => {
    expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
    return response.json() as { code: string; errors?: { field: string }[] };
  };

  it('refuses an id beyond the integer range as a 422 naming it, not a 500', async () => {
    const response = await admin.get('/api/v1/units/2147483648');
    expect(response.statusCode).toBe(422);
    expect(problem(response).errors).toEqual([expect.objectContaining({ field: 'id', code: 'too_big' })]);
    // A query field the contract does not bound still gets a 400 problem, never a 500.
    const query = await admin.get('/api/v1/users?unitId=2147483648');
    expect(query.statusCode).toBe(400);
    expect(problem(query).code).toBe('bad_request');
  });

  it('refuses text with a NUL character as a 422 naming each field', async () => {
    const response = await admin.get(`/api/v1/audit?q=${encodeURIComponent('a\u0000b')}`);
    expect(response.statusCode).toBe(422);
    expect(problem(response).errors).toEqual([expect.objectContaining({ field: 'q', code: 'invalid' })]);
    const body = await admin.post('/api/v1/units', { parentId: 1, name: '南京\u0000学会', shortName: '南京学会', type: 'learned_society' });
    expect(body.statusCode).toBe(422);
    expect(problem(body).errors!.map((e) => e.field)).toContain('name');
  });

  it('names a referenced record that does not exist (foreign key) as a 422 field error', async () => {
    const response = await admin.post('/api/v1/evaluation-rounds', {
      unitId: 1,
      title: '测试评选',
      campaignId: 999_999,
      categories: [{ name: '优秀活动', kind: 'activity', places: 1 }],
      criteria: [{ name: '成效', weight: 1 }],
    });
    expect(response.statusCode).toBe(422);
    expect(problem(response).errors).toEqual([expect.objectContaining({ field: 'campaignId' })]);
  });

  it('marks an empty list of notifications read, and grants a role named twice once', async () => {
    expect((await admin.post('/api/v1/notifications/read', { ids: [] })).statusCode).toBe(200);
    const unitId = (await regionalUnit(t.db, '3201')).id;
    const created = await admin.post('/api/v1/users', {
      unitId,
      username: 'fuzz-twice',
      displayName: '测试',
      roles: ['contact', 'contact'],
      mode: 'initial_password',
    });
    expect(created.statusCode, created.body).toBe(201);
  });
});
