import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/shared/domain/roles';
import { createUnit, createUser, rootUnit } from '../support/factories';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

/**
 * Randomised access test (issue 9): a random unit tree, users holding one role each at random units,
 * records owned by random units; fast-check picks (user, record) pairs and each answer is checked
 * against an oracle written here from parent links alone (not the policy code): a role held at a
 * unit covers that unit and everything below it, and a record the caller may not see is a 404 —
 * never a 403 that confirms it exists.
 */
const seed = 20261123;
let t: TestApp;

/** A small seeded generator for the tree's shape (fast-check drives the pairs). */
function mulberry32(a: number) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Person {
  id: number;
  unitId: number;
  role: Role;
  client: Client;
}
type Record = { kind: 'unit'; id: number; unitId: number } | { kind: 'file'; id: string; unitId: number } | { kind: 'user'; id: number; unitId: number };

const parentOf = new Map<number, number | null>();
const people: Person[] = [];
const records: Record[] = [];

/** The oracle: is `unitId` the unit `at` or below it, following parent links only? */
function covers(at: number, unitId: number): boolean {
  for (let u: number | null | undefined = unitId; u !== null && u !== undefined; u = parentOf.get(u)) if (u === at) return true;
  return false;
}

function expected(person: Person, record: Record): number {
  if (!covers(person.unitId, record.unitId)) return 404;
  // Seeing an account's unit is not managing it: only unit administrators manage accounts.
  if (record.kind === 'user') return person.role === 'unit_admin' ? 200 : 403;
  return 200;
}

const urlOf = (record: Record) => (record.kind === 'unit' ? `/api/v1/units/${record.id}` : record.kind === 'file' ? `/api/v1/files/${record.id}` : `/api/v1/users/${record.id}`);

beforeAll(async () => {
  t = await createTestApp();
  const random = mulberry32(seed);
  const root = await rootUnit(t.db);
  // Depth 3–4 below a new top unit under the national root (the rest of the seeded tree is unrelated
  // to every user here: all of it must be 404 too).
  const top = await createUnit(t.db, root.id, { shortName: `随机树${seed}` });
  parentOf.set(root.id, null);
  parentOf.set(top.id, root.id);
  const units = [top.id];
  const depth = 3 + Math.floor(random() * 2);
  let level = [top.id];
  for (let d = 1; d < depth; d++) {
    const next: number[] = [];
    for (const parent of level) {
      for (let c = 0; c < 1 + Math.floor(random() * 2); c++) {
        const unit = await createUnit(t.db, parent);
        parentOf.set(unit.id, parent);
        units.push(unit.id);
        next.push(unit.id);
      }
    }
    level = next;
  }
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const roles: Role[] = ['unit_admin', 'campaign_manager', 'contact', 'reviewer'];
  for (let i = 0; i < 10; i++) {
    const unitId = pick(units);
    const role = pick(roles);
    const user = await createUser(t.db, unitId, [role]);
    people.push({ id: user.id, unitId, role, client: await signIn(t.app, user.username, user.password) });
  }
  for (const unitId of units) records.push({ kind: 'unit', id: unitId, unitId });
  records.push({ kind: 'unit', id: root.id, unitId: root.id });
  for (const person of people) records.push({ kind: 'user', id: person.id, unitId: person.unitId });
  for (let i = 0; i < 8; i++) {
    const unitId = pick(units);
    const stored = await t.ctx.files.put(Readable.from([Buffer.from(`%PDF-1.4 文件${i}`)]), 1000);
    await t.ctx.files.commit(stored.storageKey);
    const row = await t.db
      .insertInto('stored_files')
      .values({ storage_key: stored.storageKey, sha256: stored.sha256, size_bytes: String(stored.size), content_type: 'application/pdf', kind: 'pdf', original_name: `文件${i}.pdf`, unit_id: unitId })
      .returning('id')
      .executeTakeFirstOrThrow();
    records.push({ kind: 'file', id: row.id, unitId });
  }
});
afterAll(() => t.close());

describe('randomised access against an oracle of the unit tree', () => {
  it('answers every (user, record) pair as the oracle says: 200, or 404 for what the caller may not see', async () => {
    const answers: { [status: number]: number } = { 200: 0, 403: 0, 404: 0 };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...people), fc.constantFrom(...records), async (person, record) => {
        const response = await person.client.get(urlOf(record));
        const want = expected(person, record);
        answers[want] = (answers[want] ?? 0) + 1;
        expect({ status: response.statusCode, kind: record.kind }).toEqual({ status: want, kind: record.kind });
        if (want === 404) expect(response.json().code).toBe('not_found');
      }),
      { seed, numRuns: Number(process.env.HUIJU_ACCESS_RUNS ?? 300) },
    );
    // The draw reached both sides of the tree.
    expect(answers[200]).toBeGreaterThan(0);
    expect(answers[404]).toBeGreaterThan(0);
  });
});
