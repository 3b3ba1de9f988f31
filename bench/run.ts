import { benchBundles } from './bundles';
import { benchBurst } from './burst';
import { benchDocuments } from './documents';
import { benchHttp } from './http';
import { benchOffice } from './office';
import { appendToPerformanceDoc, table } from './report';
import { benchSupervision } from './supervision';
import { benchZip } from './zip';
import { FieldCipher, parseFieldKeys } from '../src/server/crypto/field-encryption';
import { installFieldCipher } from '../src/server/crypto/personal-data';

/**
 * `npm run bench [-- --quick] [--items N] [--scale S] [--c64] [--http-only] [--postgres-only] [--bundles-only] [--zip-only] [--burst-only] [--office-only]`: runs the benchmarks and
 * appends the results to docs/performance.md. Speed and memory targets live here, never in timed
 * unit tests. The HTTP workloads (W1–W4, bench/http.ts) run on PGlite, and also on PostgreSQL when
 * BENCH_DATABASE_URL names a server (the bench creates and drops its own databases there;
 * bench/with-postgres.sh starts a throwaway one). The W5 files.zip stream (bench/zip.ts), the W6 deadline
 * burst (bench/burst.ts, also on PostgreSQL) and the city-level office on PGlite (bench/office.ts) follow;
 * each `--…-only` flag runs that one alone.
 */
// Personal data is sealed at rest (decision 012): the generator seals with this key and the
// servers it starts inherit it.
process.env.HUIJU_FIELD_KEYS ??= `bench1:${Buffer.alloc(32, 9).toString('base64')}`;
installFieldCipher(new FieldCipher(parseFieldKeys(process.env.HUIJU_FIELD_KEYS)));

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const option = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const scale = Number(option('--scale') ?? 1);
const items = Number(option('--items') ?? (quick ? 10_000 : 100_000) * scale);
const concurrencies = argv.includes('--c64') || !quick ? [16, 64] : [16];
const httpOnly = argv.includes('--http-only');
const databaseUrl = process.env.BENCH_DATABASE_URL;
const notes: string[] = [];

const only = ['--zip-only', '--burst-only', '--office-only'].find((flag) => argv.includes(flag));
const bundlesOnly = argv.includes('--bundles-only');
const results = only ? [] : bundlesOnly ? await benchBundles() : httpOnly ? [] : [...(await benchBundles()), ...(await benchDocuments(quick)), ...(await benchSupervision(quick))];
if (databaseUrl && !httpOnly && !bundlesOnly && !only) results.push(...(await benchSupervision(quick, databaseUrl)));
if (!argv.includes('--postgres-only') && !bundlesOnly && !only) results.push(...(await benchHttp({ quick, items, scale, concurrencies, notes })));
if (databaseUrl && !bundlesOnly && !only) results.push(...(await benchHttp({ quick, items, scale, concurrencies, notes, databaseUrl })));
const extras = !httpOnly && !bundlesOnly;
if ((extras && !only) || only === '--zip-only') results.push(...(await benchZip({ quick, notes })));
if ((extras && !only) || only === '--burst-only') {
  // With PostgreSQL the quick run bursts there alone (its time budget); the full run does both.
  if (!databaseUrl || (!quick && !argv.includes('--postgres-only'))) results.push(...(await benchBurst({ quick, notes })));
  if (databaseUrl) results.push(...(await benchBurst({ quick, notes, databaseUrl })));
}
if ((extras && !only) || only === '--office-only') results.push(...(await benchOffice({ quick, notes })));
console.log(table(results));
for (const note of notes) console.log(note);
appendToPerformanceDoc(results, `npm run bench -- ${argv.join(' ')}${databaseUrl ? ' (with BENCH_DATABASE_URL: bench/with-postgres.sh)' : ''}`, notes);
