// Prints jest's totals as one plain line ("jest: N passed, N failed, N skipped") for CI logs.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('jest: 0 passed, 1 failed (no jest report was written)');
  process.exit(0);
}
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`jest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
