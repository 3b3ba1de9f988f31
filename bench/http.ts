import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { adminPassword, generateInto, workPlan, type GeneratedMeta, type PoolEntry } from './generate';
import type { LoadJob, LoadResult } from './load';
import { median, type BenchResult } from './report';

/**
 * W1–W4 over HTTP: a real Huiju process (`node bin/huiju.mjs serve`) on the generated data, loaded by
 * autocannon from a separate process after a warm-up run, several runs each; then the limit service
 * (bench/limit-service.ts) on the same data doing the plain equivalent, with the ratio beside it.
 * Huiju and the limit service never run at the same time (PGlite has one process; 2 cores).
 */
const root = fileURLToPath(new URL('..', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export async function startProcess(args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  // As deployed (deploy/systemd/huiju@.service): two malloc arenas, for Huiju and the limit service alike.
  const child = spawn(process.execPath, args, { cwd: root, env: { MALLOC_ARENA_MAX: '2', ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited ${child.exitCode}: ${output}`);
    try {
      const response = await fetch(readyUrl);
      if (response.status < 500) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  child.kill('SIGKILL');
  throw new Error(`${args.join(' ')} did not start: ${output}`);
}

export async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export function rssOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Runs a bench script in its own process on a job (passed as a JSON file); answers its last JSON line. */
export async function runJobScript<T>(script: string, job: unknown): Promise<T> {
  const file = path.join(os.tmpdir(), `huiju-bench-job-${process.pid}-${randomUUID()}.json`);
  fs.writeFileSync(file, JSON.stringify(job));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, script), file], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    if (code !== 0) throw new Error(`${script} exited ${String(code)}`);
    return JSON.parse(out.trim().split('\n').pop()!) as T;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

export const load = (job: LoadJob) => runJobScript<LoadResult>('bench/load.ts', job);

/** A `huiju serve` process on a generated data set, on a free loopback port. */
export async function startHuiju(dataDir: string, databaseUrl: string | undefined): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = { HUIJU_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', HUIJU_ADMIN_PASSWORD: adminPassword, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  return { base, child: await startProcess(['bin/huiju.mjs', 'serve'], env, `${base}/api/v1/public/showcase/columns`) };
}

export interface Series {
  runs: LoadResult[];
}

/** A warm-up run, then `runs` measured runs; jobs may differ per run (W1 takes fresh units each time). */
export async function series(runs: number, jobFor: (run: number) => LoadJob): Promise<Series> {
  const drain = async (job: LoadJob) => {
    // Requests still queued in the server when autocannon stops must not spill into the next run.
    await fetch(new URL('/hello', job.url).origin + (job.url.includes('/api/') || job.method === 'POST' ? '/api/v1/public/showcase/columns' : '/hello')).catch(() => {});
  };
  const warm = jobFor(0);
  await load(warm);
  await drain(warm);
  const results: LoadResult[] = [];
  for (let i = 1; i <= runs; i++) {
    const job = jobFor(i);
    results.push(await load(job));
    await drain(job);
  }
  return { runs: results };
}

export const stat = (values: number[]) => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });

export function describe(label: string, huiju: Series, limit: Series, target: { ratio?: number; p99?: number; p95?: number; ratioText?: string }): BenchResult[] {
  const rps = stat(huiju.runs.map((r) => r.rps));
  const limitRps = stat(limit.runs.map((r) => r.rps));
  const p95 = stat(huiju.runs.map((r) => r.p95));
  const p99 = stat(huiju.runs.map((r) => r.p99));
  const bad = huiju.runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
  // A run in which no response came back has no latency: it fails every target.
  const none = huiju.runs.some((r) => r.requests === 0);
  if (none) {
    p95.median = Infinity;
    p99.median = Infinity;
  }
  const ratio = rps.median / limitRps.median;
  const rows: BenchResult[] = [
    { name: `${label}: Huiju${bad ? ` (${bad} non-2xx/errors)` : ''}${none ? ' (a run with no response)' : ''}`, unit: 'req/s', ...rps },
    { name: `${label}: limit service`, unit: 'req/s', ...limitRps },
    {
      name: `${label}: Huiju / limit`,
      unit: '×',
      median: ratio,
      min: rps.min / limitRps.max,
      max: rps.max / limitRps.min,
      ...(target.ratio !== undefined ? { target: target.ratioText ?? `≥ ${target.ratio} ×`, met: ratio >= target.ratio && bad === 0 } : {}),
    },
    { name: `${label}: Huiju p95`, unit: 'ms', ...p95, ...(target.p95 !== undefined ? { target: `< ${target.p95} ms`, met: p95.median < target.p95 } : {}) },
    { name: `${label}: Huiju p99`, unit: 'ms', ...p99, ...(target.p99 !== undefined ? { target: `< ${target.p99} ms`, met: p99.median < target.p99 } : {}) },
  ];
  return rows;
}

/**
 * W1: each request submits a different unit's saved draft (with an Idempotency-Key), `perRun` per
 * run after a warm-up run; `pool` must hold (runs + 1) × perRun drafts.
 */
export async function w1Series(base: string, pool: PoolEntry[], options: { connections: number; runs: number; perRun: number }): Promise<Series> {
  let at = 0;
  return series(options.runs, () => {
    const slice = pool.slice(at, at + options.perRun);
    at += options.perRun;
    return {
      url: base,
      method: 'POST',
      connections: options.connections,
      amount: slice.length,
      pool: slice.map((p) => ({
        path: `/api/v1/collection-tasks/${p.taskId}/submission/submit`,
        headers: { cookie: `huiju_session=${p.token}`, 'x-csrf-token': p.csrf, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ version: p.version }),
      })),
    };
  });
}

export interface HttpBenchOptions {
  quick: boolean;
  items: number;
  scale: number;
  concurrencies: number[];
  databaseUrl?: string | undefined;
  notes: string[];
}

export async function freshDatabase(serverUrl: string): Promise<string> {
  const name = `huiju_bench_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by freshDatabase (serverUrl: the server's maintenance database). */
export async function dropDatabase(serverUrl: string, databaseUrl: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`drop database if exists ${new URL(databaseUrl).pathname.slice(1)} with (force)`).catch(() => {});
  await client.end();
}

export async function benchHttp(options: HttpBenchOptions): Promise<BenchResult[]> {
  const kind = options.databaseUrl ? 'PostgreSQL' : 'PGlite';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-bench-http-'));
  const databaseUrl = options.databaseUrl ? await freshDatabase(options.databaseUrl) : undefined;
  const log = (line: string) => console.log(`[bench] ${kind}: ${line}`);
  const runs = options.quick ? 3 : 5;
  const duration = options.quick ? 3 : 10;
  const w1PerRun = options.quick ? 250 : 600;
  const poolSize = (runs + 1) * w1PerRun * options.concurrencies.length;
  try {
    const meta: GeneratedMeta = await generateInto({ dataDir, databaseUrl }, { items: options.items, scale: options.scale, poolSize, log });
    log(`generated ${meta.units} units, ${meta.items} items in ${meta.submitted} submissions, ${meta.forwards} forwards, ${meta.pool.length} W1 drafts in ${meta.seconds.toFixed(0)} s`);
    const label = (w: string, c: number) => `${w}, ${meta.items.toLocaleString('en')} items, c=${c}, ${kind}`;
    const listQuery = `module=${meta.filter.module}&phase=${meta.filter.phase}&page=1&pageSize=20`;
    const searchQuery = `q=${encodeURIComponent(meta.searchWord)}&page=1&pageSize=20`;
    const publicBase = `/api/v1/public/showcase/${meta.rootUnitId}/${meta.year}/activities`;
    const adminHeaders = { cookie: `huiju_session=${meta.admin.token}` };
    const random = (() => {
      let s = 7;
      return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    })();
    const limitBody = JSON.stringify({ items: [0, 1, 2].map((n) => ({ title: `南京市“弘扬科学家精神”科普宣讲会${n}`, modules: ['serve'], phaseId: 'p2', description: workPlan(random, '南京市科学技术协会') })) });

    // --- Huiju ---
    const { base, child: huiju } = await startHuiju(dataDir, databaseUrl);
    const h: Record<string, Series> = {};
    let memory: { rss: number; peak: number };
    const loadAvg: string[] = [`before Huiju ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`];
    try {
      const etag = (await fetch(`${base}${publicBase}?${listQuery}`)).headers.get('etag') ?? '';
      const completion = await fetch(`${base}/api/v1/collection-tasks/${meta.rootTaskId}/completion`, { headers: adminHeaders });
      if (completion.status !== 200) throw new Error(`completion: ${completion.status} ${await completion.text()}`);
      let poolAt = 0;
      for (const c of options.concurrencies) {
        h[`w2-${c}`] = await series(runs, () => ({ url: `${base}${publicBase}?${listQuery}`, connections: c, duration }));
        h[`w2etag-${c}`] = await series(runs, () => ({ url: `${base}${publicBase}?${listQuery}`, connections: c, duration, headers: { 'if-none-match': etag } }));
        // W4 before W3: completion requests still running in the server after a W3 run held back everything after them.
        h[`w4-${c}`] = await series(runs, () => ({ url: `${base}${publicBase}?${searchQuery}`, connections: c, duration }));
        // The rollup the limit service's GROUP BY gives: provinces and their cities (depth 2), asked
        // as a browser asks (gzip accepted); then as a polling page asks again (If-None-Match).
        const rollupUrl = `${base}/api/v1/collection-tasks/${meta.rootTaskId}/completion?depth=2`;
        const browserHeaders = { ...adminHeaders, 'accept-encoding': 'gzip' };
        h[`w3-${c}`] = await series(runs, () => ({ url: rollupUrl, connections: c, duration: Math.max(duration, 10), headers: browserHeaders }));
        const rollupEtag = (await fetch(rollupUrl, { headers: browserHeaders })).headers.get('etag') ?? '';
        h[`w3etag-${c}`] = await series(runs, () => ({ url: rollupUrl, connections: c, duration: Math.max(duration, 10), headers: { ...browserHeaders, 'if-none-match': rollupEtag } }));
        log(`reads at c=${c} done`);
      }
      for (const c of options.concurrencies) {
        const slice = meta.pool.slice(poolAt, poolAt + (runs + 1) * w1PerRun);
        poolAt += slice.length;
        h[`w1-${c}`] = await w1Series(base, slice, { connections: c, runs, perRun: w1PerRun });
        log(`W1 at c=${c} done`);
      }
      memory = rssOf(huiju.pid!);
      loadAvg.push(`after Huiju ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    } finally {
      await stopProcess(huiju);
    }

    // --- The limit service on the same data ---
    const limitPort = await freePort();
    const limitBase = `http://127.0.0.1:${limitPort}`;
    const limit = await startProcess(
      ['--import', 'tsx', 'bench/limit-service.ts'],
      {
        PORT: String(limitPort),
        LIMIT_CAMPAIGN_ID: String(meta.campaignId),
        LIMIT_ROOT_TASK_ID: String(meta.rootTaskId),
        LIMIT_SUBMISSION_ID: String(meta.anySubmission.id),
        ...(databaseUrl ? { LIMIT_DATABASE_URL: databaseUrl } : { LIMIT_DATA_DIR: dataDir }),
      },
      `${limitBase}/hello`,
    );
    const l: Record<string, Series> = {};
    try {
      for (const c of options.concurrencies) {
        l[`hello-${c}`] = await series(runs, () => ({ url: `${limitBase}/hello`, connections: c, duration }));
        l[`w2-${c}`] = await series(runs, () => ({ url: `${limitBase}/list?${listQuery}`, connections: c, duration }));
        l[`w3-${c}`] = await series(runs, () => ({ url: `${limitBase}/rollup`, connections: c, duration: Math.max(duration, 10) }));
        l[`w4-${c}`] = await series(runs, () => ({ url: `${limitBase}/search?${searchQuery}`, connections: c, duration }));
        l[`w1-${c}`] = await series(runs, () => ({ url: `${limitBase}/insert`, method: 'POST', connections: c, duration, headers: { 'content-type': 'application/json' }, body: limitBody }));
      }
      loadAvg.push(`after limit service ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    } finally {
      await stopProcess(limit);
    }
    options.notes.push(`${kind} (${meta.units.toLocaleString('en')} units, ${meta.items.toLocaleString('en')} items, generated in ${meta.seconds.toFixed(0)} s): load average ${loadAvg.join('; ')}.`);

    const results: BenchResult[] = [];
    for (const c of options.concurrencies) {
      const hello = stat(l[`hello-${c}`]!.runs.map((r) => r.rps));
      results.push({ name: `Fastify hello-world (limit service), c=${c}`, unit: 'req/s', ...hello });
      results.push(...describe(label('W1 submit (3 items, Idempotency-Key)', c), h[`w1-${c}`]!, l[`w1-${c}`]!, { ratio: 0.5, ...(c === 16 ? { p99: kind === 'PGlite' ? 200 : 50 } : {}) }));
      results.push(...describe(label('W2 public list (module+phase, page 1, 20 rows)', c), h[`w2-${c}`]!, l[`w2-${c}`]!, { ratio: 2, ...(c === 16 ? { p99: 20 } : {}) }));
      results.push(...describe(label('W2 public list with If-None-Match (304)', c), h[`w2etag-${c}`]!, l[`w2-${c}`]!, { ratio: 2, ...(c === 16 ? { p99: 20 } : {}) }));
      results.push(...describe(label('W3 national completion rollup (gzip accepted)', c), h[`w3-${c}`]!, l[`w3-${c}`]!, { ratio: 10, ...(c === 16 ? { p95: 20 } : {}) }));
      results.push(...describe(label('W3 rollup polled with If-None-Match (304)', c), h[`w3etag-${c}`]!, l[`w3-${c}`]!, { ratio: 10, ...(c === 16 ? { p95: 20 } : {}) }));
      results.push(...describe(label(`W4 search “${meta.searchWord}”`, c), h[`w4-${c}`]!, l[`w4-${c}`]!, { p95: 100 }));
    }
    results.push({ name: `Huiju server RSS after the suite, ${kind}`, unit: 'MB', median: memory.rss, min: memory.rss, max: memory.peak, target: meta.items >= 100_000 ? '< 250 MB' : '< 250 MB (at 100k items)', met: memory.rss < 250 });
    return results;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (databaseUrl && options.databaseUrl) await dropDatabase(options.databaseUrl, databaseUrl);
  }
}
