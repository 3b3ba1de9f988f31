import { benchDocuments } from './documents';
import { appendToPerformanceDoc, table } from './report';
import { benchSupervision } from './supervision';

/**
 * `npm run bench [-- --quick]`: runs the benchmarks and appends the results to docs/performance.md.
 * Speed and memory targets live here, never in timed unit tests. With BENCH_DATABASE_URL set, the
 * database workloads also run on that PostgreSQL server (an empty database: the bench migrates it).
 */
const quick = process.argv.includes('--quick');
const results = [...(await benchDocuments(quick)), ...(await benchSupervision(quick))];
if (process.env.BENCH_DATABASE_URL) results.push(...(await benchSupervision(quick, process.env.BENCH_DATABASE_URL)));
console.log(table(results));
appendToPerformanceDoc(results, `npm run bench${quick ? ' -- --quick' : ''}${process.env.BENCH_DATABASE_URL ? ' (with BENCH_DATABASE_URL)' : ''}`);
