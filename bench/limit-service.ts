import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import Fastify from 'fastify';
import pg from 'pg';
import path from 'node:path';
import { searchQueryLiteral } from '../src/shared/domain/bigram-search';

/**
 * The machine's own limit beside each Huiju workload: a minimal hand-written Fastify 5 service with
 * plain SQL on the same database and data, no validation, sessions, audit or framework layers.
 * Started as a child process by bench/http.ts with LIMIT_DATA_DIR (PGlite) or LIMIT_DATABASE_URL,
 * PORT, and the ids it needs (LIMIT_CAMPAIGN_ID, LIMIT_ROOT_TASK_ID, LIMIT_SUBMISSION_ID).
 *
 * - GET  /hello           Fastify hello-world
 * - POST /insert          W1's plain equivalent: one INSERT of the request's 3 items as activity rows
 * - GET  /list            W2's plain equivalent: SELECT … WHERE module, phase ORDER BY published_at LIMIT 20
 * - GET  /rollup          W3's plain equivalent: a GROUP BY per province over the whole cascade, recomputed
 * - GET  /search?q=       W4's plain equivalent: the same bigram tsquery, LIMIT 20, no ranking or count
 */
type Query = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

async function openDatabase(): Promise<{ query: Query; close: () => Promise<void> }> {
  if (process.env.LIMIT_DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: process.env.LIMIT_DATABASE_URL, max: 10 });
    return { query: (text, params) => pool.query(text, params), close: () => pool.end() };
  }
  const db = await PGlite.create({ dataDir: path.join(process.env.LIMIT_DATA_DIR!, 'pgdata') });
  return { query: (text, params) => db.query(text, params) as Promise<{ rows: Record<string, unknown>[] }>, close: () => db.close() };
}

const env = (name: string) => Number(process.env[name]);
const { query, close } = await openDatabase();
const campaignId = env('LIMIT_CAMPAIGN_ID');
const submissionId = env('LIMIT_SUBMISSION_ID');
const rootTask = (await query('select t.id, t.notice_id, s.unit_id from collection_tasks t, submissions s where t.id = $1 and s.id = $2', [env('LIMIT_ROOT_TASK_ID'), submissionId])).rows[0]!;
const submissionTask = (await query('select task_id, unit_id from submissions where id = $1', [submissionId])).rows[0]!;

const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024 });

app.get('/hello', async () => ({ hello: 'world' }));

app.post('/insert', async (request) => {
  const items = (request.body as { items: { title: string; modules: string[]; phaseId: string; description: string }[] }).items;
  const params: unknown[] = [];
  const values = items.map((item) => {
    params.push(submissionId, randomUUID(), submissionTask.task_id, campaignId, submissionTask.unit_id, item.title, item.modules, item.phaseId, item.description);
    const n = params.length;
    return `($${n - 8}, $${n - 7}, $${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
  });
  await query(`insert into activities (submission_id, item_key, task_id, campaign_id, unit_id, title, modules, phase_id, description) values ${values.join(', ')}`, params);
  return { ok: true };
});

const cardSql = `select p.id as publication_id, a.id, a.title, a.modules, a.phase_id, a.start_date, a.end_date, a.place, p.description, p.published_at, u.short_name as unit_name
  from showcase_publications p join activities a on a.id = p.activity_id join units u on u.id = p.unit_id
  where p.campaign_id = $1 and p.status = 'approved' and not a.withdrawn`;

app.get('/list', async (request) => {
  const q = request.query as { module: string; phase: string };
  return (await query(`${cardSql} and $2 = any(a.modules) and a.phase_id = $3 order by p.published_at desc, p.id desc limit 20`, [campaignId, q.module, q.phase])).rows;
});

app.get('/search', async (request) => {
  const tsquery = searchQueryLiteral((request.query as { q: string }).q);
  return (await query(`${cardSql} and p.search_vector @@ $2::tsquery order by p.published_at desc, p.id desc limit 20`, [campaignId, tsquery])).rows;
});

app.get('/rollup', async () => {
  const rows = await query(
    `select split_part(u.path, '/', 3) as province, split_part(u.path, '/', 4) as city,
            count(*) as units,
            count(*) filter (where s.status in ('submitted', 'accepted')) as submitted,
            count(*) filter (where s.late_hours > 0) as late,
            count(*) filter (where s.id is null or s.status in ('draft', 'returned')) as missing
       from notices n
       join notice_recipients r on r.notice_id = n.id
       join collection_tasks t on t.notice_id = n.id
       join units u on u.id = r.unit_id
       left join submissions s on s.task_id = t.id and s.unit_id = r.unit_id
      where n.id = $1 or n.root_notice_id = $1
      group by 1, 2`,
    [rootTask.notice_id],
  );
  return rows.rows;
});

await app.listen({ host: '127.0.0.1', port: env('PORT') });
console.log('limit-service listening');
const stop = async () => {
  await app.close();
  await close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
