import { randomInt } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/shared/domain/roles';
import { createUnit, createUser, rootUnit } from '../support/factories';
import { createTestApp, signIn, type Client, type TestApp } from '../support/test-app';

/**
 * Randomised access test (issue 9): a random unit tree, users holding one role each at random units,
 * records owned by random units; fast-check picks (user, record) pairs and each answer is checked
 * against an oracle written here from parent links alone (not the policy code): a role held at a
 * unit covers that unit and everything below it, and a record the caller may not see is a 404 —
 * never a 403 that confirms it exists. Records: units, accounts, stored files, issued notices and
 * their collection tasks (issued by a random unit to random recipients), submissions (draft or
 * submitted) and nominations (draft or submitted) of recipients, and demands (诉求) at random units.
 * The business rules the oracle adds to "covers", written from the requirements:
 * - a notice: its issuer's subtree and the units above any recipient;
 * - its task: the issuer's subtree, and a recipient unit's own staff who sign notices (not reviewers);
 * - a submission: the submitting unit's own staff (any role); the issuer's campaign managers and above
 *   once submitted (a draft is the unit's business);
 * - a nomination: the nominating unit's subtree staff who sign notices; the issuer's campaign managers
 *   and above once submitted;
 * - a demand: the subtree of the unit handling it;
 * - a survey's responses (results): the surveying unit's subtree sees that the survey exists, only
 *   campaign managers read its responses (403 for the other roles there).
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
type Record =
  | { kind: 'unit'; id: number; unitId: number }
  | { kind: 'file'; id: string; unitId: number }
  | { kind: 'user'; id: number; unitId: number }
  | { kind: 'notice' | 'task'; id: number; unitId: number; recipients: number[] }
  | { kind: 'submission' | 'nomination'; id: number; unitId: number; issuerId: number; submitted: boolean }
  | { kind: 'demand'; id: number; unitId: number }
  | { kind: 'survey'; id: number; unitId: number };

/** Roles that sign notices (签收) for their unit, and roles that collect and review (campaigns.manage). */
const signing: readonly Role[] = ['unit_admin', 'campaign_manager', 'contact'];
const collecting: readonly Role[] = ['campaign_manager'];

const parentOf = new Map<number, number | null>();
const people: Person[] = [];
const records: Record[] = [];

/** The oracle: is `unitId` the unit `at` or below it, following parent links only? */
function covers(at: number, unitId: number): boolean {
  for (let u: number | null | undefined = unitId; u !== null && u !== undefined; u = parentOf.get(u)) if (u === at) return true;
  return false;
}

function expected(person: Person, record: Record): number {
  switch (record.kind) {
    case 'notice':
      return covers(person.unitId, record.unitId) || record.recipients.some((r) => covers(person.unitId, r)) ? 200 : 404;
    case 'task':
      return covers(person.unitId, record.unitId) || (signing.includes(person.role) && record.recipients.includes(person.unitId)) ? 200 : 404;
    case 'submission': {
      const collects = collecting.includes(person.role) && covers(person.unitId, record.issuerId);
      return person.unitId === record.unitId || (collects && record.submitted) ? 200 : 404;
    }
    case 'nomination': {
      const collects = collecting.includes(person.role) && covers(person.unitId, record.issuerId);
      return (signing.includes(person.role) && covers(person.unitId, record.unitId)) || (collects && record.submitted) ? 200 : 404;
    }
    case 'survey':
      if (!covers(person.unitId, record.unitId)) return 404;
      return collecting.includes(person.role) ? 200 : 403;
    default:
      if (!covers(person.unitId, record.unitId)) return 404;
      // Seeing an account's unit is not managing it: only unit administrators manage accounts.
      if (record.kind === 'user') return person.role === 'unit_admin' ? 200 : 403;
      return 200;
  }
}

const paths: { [K in Record['kind']]: string } = {
  unit: 'units',
  file: 'files',
  user: 'users',
  notice: 'notices',
  task: 'collection-tasks',
  submission: 'submissions',
  nomination: 'nominations',
  demand: 'demands',
  survey: 'surveys',
};
const urlOf = (record: Record) => `/api/v1/${paths[record.kind]}/${record.id}${record.kind === 'survey' ? '/results' : ''}`;

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
  // Issued notices with a task each, written directly (the access rules read them, not how they came to be).
  for (let i = 0; i < 4; i++) {
    const issuerId = pick(units);
    const recipients = [...new Set([pick(units), pick(units), pick(units)])].filter((u) => u !== issuerId);
    if (recipients.length === 0) continue;
    const notice = await sql<{ id: number }>`insert into notices (issuer_unit_id, title, status, issued_at) values (${issuerId}, ${`随机通知${i}`}, 'issued', now()) returning id`.execute(t.db);
    const noticeId = notice.rows[0]!.id;
    for (const unitId of recipients) await sql`insert into notice_recipients (notice_id, unit_id, root_notice_id) values (${noticeId}, ${unitId}, ${noticeId})`.execute(t.db);
    const task = await sql<{ id: number }>`insert into collection_tasks (notice_id, title, deadline) values (${noticeId}, ${`随机任务${i}`}, now() + interval '30 days') returning id`.execute(t.db);
    const taskId = task.rows[0]!.id;
    records.push({ kind: 'notice', id: noticeId, unitId: issuerId, recipients }, { kind: 'task', id: taskId, unitId: issuerId, recipients });
    for (const unitId of recipients) {
      const submitted = random() < 0.6;
      const submission = await sql<{ id: number }>`
        insert into submissions (task_id, unit_id, status, first_submitted_at, submitted_at, values_sealed_with)
        values (${taskId}, ${unitId}, ${submitted ? 'submitted' : 'draft'}, ${submitted ? sql`now()` : null}, ${submitted ? sql`now()` : null}, 'test1') returning id`.execute(t.db);
      records.push({ kind: 'submission', id: submission.rows[0]!.id, unitId, issuerId, submitted });
      const nominated = random() < 0.6;
      const nomination = await sql<{ id: number }>`
        insert into nominations (task_id, unit_id, person_name, gender, birth_year, work_unit, discipline, job_title, achievements, status, submitted_at)
        values (${taskId}, ${unitId}, '张三丰', 'male', 1980, '某某研究所', '材料科学', '研究员', '长期从事科普工作。', ${nominated ? 'submitted' : 'draft'}, ${nominated ? sql`now()` : null}) returning id`.execute(t.db);
      records.push({ kind: 'nomination', id: nomination.rows[0]!.id, unitId, issuerId, submitted: nominated });
    }
  }
  for (let i = 0; i < 5; i++) {
    const unitId = pick(units);
    const code = Array.from({ length: 16 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[randomInt(32)]).join('');
    const demand = await sql<{ id: number }>`
      insert into demands (code, category, region_code, origin_unit_id, unit_id, description, accept_due_at, reply_due_at, first_reply_due_at)
      values (${code}, 'other', '32', ${unitId}, ${unitId}, '职称评审政策咨询', now() + interval '2 days', now() + interval '10 days', now() + interval '10 days') returning id`.execute(t.db);
    records.push({ kind: 'demand', id: demand.rows[0]!.id, unitId });
  }
  // Published surveys, each with one anonymous response.
  for (let i = 0; i < 4; i++) {
    const unitId = pick(units);
    const token = Array.from({ length: 24 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[randomInt(36)]).join('');
    const survey = await sql<{ id: number }>`
      insert into surveys (unit_id, title, questions, target_regions, opens_at, closes_at, status, token, published_at)
      values (${unitId}, ${`随机问卷${i}`}, ${JSON.stringify([{ key: 'q1', label: '满意度', kind: 'scale', required: false }])}, '[]', now() - interval '1 day', now() + interval '30 days', 'published', ${token}, now()) returning id`.execute(t.db);
    const surveyId = survey.rows[0]!.id;
    await sql`insert into survey_responses (survey_id, response_key, device_hash, answers) values (${surveyId}, gen_random_uuid(), ${`device-${i}`}, '{"q1": 4}')`.execute(t.db);
    records.push({ kind: 'survey', id: surveyId, unitId });
  }
});
afterAll(() => t.close());

describe('randomised access against an oracle of the unit tree', () => {
  it('answers every (user, record) pair as the oracle says: 200, or 404 for what the caller may not see', async () => {
    const answers: { [status: number]: number } = { 200: 0, 403: 0, 404: 0 };
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...people), fc.constantFrom(...records), async (person, record) => {
        const response = await person.client.get(urlOf(record));
        const want = expected(person, record);
        answers[want] = (answers[want] ?? 0) + 1;
        kinds.add(`${record.kind}:${want}`);
        expect({ status: response.statusCode, kind: record.kind }).toEqual({ status: want, kind: record.kind });
        if (want === 404) expect(response.json().code).toBe('not_found');
      }),
      { seed, numRuns: Number(process.env.HUIJU_ACCESS_RUNS ?? 800) },
    );
    // The draw reached both sides of the tree.
    expect(answers[200]).toBeGreaterThan(0);
    expect(answers[404]).toBeGreaterThan(0);
    // Every kind of record was drawn, both visible and not (and refused once visible, for accounts and survey results).
    for (const kind of Object.keys(paths)) for (const status of [200, 404]) expect(kinds, `${kind}:${status}`).toContain(`${kind}:${status}`);
    for (const kind of ['user', 'survey']) expect(kinds, `${kind}:403`).toContain(`${kind}:403`);
  });
});
