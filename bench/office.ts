import os from 'node:os';
import { huijuOn } from './burst';
import { stat, w1Series } from './http';
import type { BenchResult } from './report';

/**
 * PGlite for a city-level office: 南京市科协's hierarchy alone (HUIJU_SEED_ROOT=3201: the city, its
 * 11 districts and its own societies, enterprise and university associations, ≈ 300 units, under
 * 中国科协 and 江苏省科协), the notice cascaded to every unit, and W1 (submit, c=16) as in
 * bench/http.ts, each request a different unit's draft. Target: p99 < 200 ms.
 */
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

export async function benchOffice(options: { quick: boolean; notes: string[] }): Promise<BenchResult[]> {
  const runs = options.quick ? 3 : 5;
  // Every unit submits once: the pool (≈ 295 units owing the task) bounds the runs.
  const perRun = options.quick ? 60 : 45;
  const server = await huijuOn('PGlite city office', undefined, { items: 0, scale: 0, poolSize: (runs + 1) * perRun, poolEveryUnit: true, city: { code: '3201', units: 300 } });
  try {
    const pool = server.meta.pool;
    if (pool.length < (runs + 1) * perRun) throw new Error(`office bench: ${pool.length} drafts for ${(runs + 1) * perRun} submits`);
    const before = loadAverage();
    const w1 = await w1Series(server.base, pool, { connections: 16, runs, perRun });
    const label = `W1 submit, city-level office (南京, ${server.meta.units} units), ${perRun} submits per run, c=16, PGlite`;
    const bad = w1.runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
    const p99 = stat(w1.runs.map((r) => r.p99));
    options.notes.push(`City-level office (${server.meta.units} units, ${pool.length} drafts, generated in ${server.meta.seconds.toFixed(0)} s): load average before W1 ${before}, after ${loadAverage()}.`);
    return [
      { name: `${label}${bad ? ` (${bad} non-2xx/errors)` : ''}`, unit: 'req/s', ...stat(w1.runs.map((r) => r.rps)) },
      { name: `${label}: p95`, unit: 'ms', ...stat(w1.runs.map((r) => r.p95)) },
      { name: `${label}: p99`, unit: 'ms', ...p99, target: '< 200 ms', met: p99.median < 200 && bad === 0 },
    ];
  } finally {
    await server.stop();
    await server.dispose();
  }
}
