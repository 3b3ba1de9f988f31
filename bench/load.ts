import fs from 'node:fs';
import autocannon from 'autocannon';

/**
 * One autocannon run in its own process (the load never shares the server's event loop or core
 * scheduling with the measuring code more than the OS makes it). Reads a JSON job from the file named by argv[2],
 * prints one JSON line: requests/s, latency percentiles from every response time, non-2xx count.
 * A job with `pool` sends each request as the next pool entry (W1: a different unit each time).
 */
export interface LoadJob {
  url: string;
  method?: 'GET' | 'POST';
  connections: number;
  duration?: number;
  amount?: number;
  headers?: Record<string, string>;
  body?: string;
  pool?: { path: string; headers: Record<string, string>; body: string }[];
}

export interface LoadResult {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  non2xx: number;
  status304: number;
  errors: number;
}

const job = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as LoadJob;
const times: number[] = [];
let next = 0;
let status304 = 0;
const pool = job.pool;
let finish: (result: autocannon.Result) => void = () => {};
let fail: (error: unknown) => void = () => {};
const done = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
const instance = autocannon(
  {
  url: job.url,
  method: job.method ?? 'GET',
  connections: job.connections,
  ...(job.amount ? { amount: job.amount } : { duration: job.duration ?? 5 }),
  ...(job.headers ? { headers: job.headers } : {}),
  ...(job.body ? { body: job.body } : {}),
  ...(pool
    ? {
        requests: [
          {
            setupRequest: (request: autocannon.Request) => {
              const entry = pool[next++ % pool.length]!;
              return { ...request, path: entry.path, headers: { ...request.headers, ...entry.headers }, body: entry.body };
            },
          },
        ],
      }
    : {}),
  },
  (error, result) => (error ? fail(error) : finish(result)),
);
instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
  times.push(responseTime);
  if (statusCode === 304) status304++;
});
const result = await done;
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
const out: LoadResult = {
  rps: result.requests.total / (result.duration || 1),
  p50: at(0.5),
  p95: at(0.95),
  p99: at(0.99),
  requests: result.requests.total,
  non2xx: result.non2xx - status304,
  status304,
  errors: result.errors + result.timeouts,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
