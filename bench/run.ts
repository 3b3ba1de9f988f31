import { benchDocuments } from './documents';
import { appendToPerformanceDoc, table } from './report';

/**
 * `npm run bench [-- --quick]`: runs the benchmarks and appends the results to docs/performance.md.
 * Speed and memory targets live here, never in timed unit tests.
 */
const quick = process.argv.includes('--quick');
const results = await benchDocuments(quick);
console.log(table(results));
appendToPerformanceDoc(results, `npm run bench${quick ? ' -- --quick' : ''}`);
