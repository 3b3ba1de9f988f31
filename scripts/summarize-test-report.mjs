// Prints the plain total CI expects as its last line, "N passed, N failed[, N skipped]", from
// vitest's JSON report, adding the static checks (typecheck, lint) that failed; exits 1 on any failure.
import fs from 'node:fs';

const [file, staticFailedArg = '0', testStatusArg = '0'] = process.argv.slice(2);
const staticFailed = Number(staticFailedArg);
let passed = 0;
let failed = staticFailed;
let skipped = 0;
if (file && fs.existsSync(file)) {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed = report.numPassedTests ?? 0;
  // A file that failed without a failing test (it could not load, or a hook threw) counts as one failure.
  failed += (report.numFailedTests ?? 0) + filesFailedOutsideTests(report);
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else {
  failed += 1; // no report: the run itself broke
}
// A non-zero vitest exit with nothing counted as failed (e.g. an error outside tests) is still a failure.
if (Number(testStatusArg) !== 0 && failed === staticFailed) failed += 1;

function filesFailedOutsideTests(report) {
  return (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
}

console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
