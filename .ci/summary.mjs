// Prints "N passed, N failed" from vitest's JSON report; a missing report counts as one failure.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  // A test file that failed without a failed test (an import error, a failing hook) counts once.
  for (const file of report.testResults ?? []) {
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed').length;
    if (file.status === 'failed' && failedTests === 0) failed += 1;
  }
} catch (err) {
  console.error(`no test report: ${err.message}`);
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
