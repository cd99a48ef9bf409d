// Runs node:test files and ends with the one line run.sh (and CI) read: "N passed, M failed, K skipped".
// Usage: node lib/node-test.mjs <test files...> [--timeout ms]
// Each leaf test prints "pass|FAIL|skip <name>"; a file that crashes or fails to load is reported by node:test as a
// failed test of its own, so a crash counts as a failure.
import { run } from 'node:test';
import path from 'node:path';

const args = process.argv.slice(2);
let timeout = 120_000;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--timeout') timeout = Number(args[++i]);
  else files.push(path.resolve(args[i]));
}
if (files.length === 0) {
  console.error('usage: node lib/node-test.mjs <test files...> [--timeout ms]');
  process.exit(2);
}

let passed = 0, failed = 0, skipped = 0;
// Only leaf tests count; a describe() suite reports its own pass/fail which would double-count.
const isSuite = (data) => data.details?.type === 'suite';
const stream = run({ files, timeout, concurrency: 1 });
stream.on('test:pass', (data) => {
  if (isSuite(data)) return;
  if (data.skip !== undefined || data.todo !== undefined) {
    skipped++;
    console.log(`skip ${data.name}${typeof data.skip === 'string' ? ` (${data.skip})` : ''}`);
  } else {
    passed++;
    console.log(`pass ${data.name}`);
  }
});
stream.on('test:fail', (data) => {
  if (isSuite(data) && !(data.details?.error?.failureType === 'testCodeFailure' || data.details?.error?.failureType === 'hookFailed')) return;
  failed++;
  const err = data.details?.error;
  const cause = err?.cause ?? err;
  console.log(`FAIL ${data.name}${data.file ? ` (${path.basename(data.file)})` : ''}`);
  if (cause) console.log(String(cause?.stack ?? cause?.message ?? cause).split('\n').slice(0, 12).map((l) => `     ${l}`).join('\n'));
});
// node:test reports errors raised after a file's tests ended (a file then fails with only "test failed") as diagnostics.
stream.on('test:diagnostic', (data) => {
  if (!/^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(data.message ?? '')) console.log(`diag ${data.message}`);
});
stream.on('test:stderr', (data) => process.stderr.write(data.message ?? ''));
stream.on('test:stdout', (data) => process.stdout.write(data.message ?? ''));
// Drain the stream; the events above do the reporting.
for await (const _ of stream) { /* reported via events */ }
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 ? 1 : 0;
