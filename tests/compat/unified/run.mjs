#!/usr/bin/env node
// Unified test format runner (MongoDB drivers' spec tests) driving the official Node.js driver.
//
//   node tests/compat/unified/run.mjs <directory or file...> --uri <mongodb URI> [--filter substring]
//        [--timeout ms-per-test (default 30000)] [--serverless] [--quiet]
//
// Prints one line per test ("pass", "FAIL ... : reason", "skip ... : reason"), then "N passed, M failed, K skipped".
// Exit code 1 when any test failed (or the server could not be reached), else 0.
import fs from 'node:fs';
import path from 'node:path';
import { UnifiedRunner } from './runner.mjs';

function usage(msg) {
  if (msg) console.error(msg);
  console.error('usage: node run.mjs <directory or file...> --uri <mongodb URI> [--filter substring] [--timeout ms] [--serverless] [--quiet]');
  process.exit(2);
}

const argv = process.argv.slice(2);
const inputs = [];
let uri = process.env.OUTPOST_URI, filter, timeout = 30_000, serverless = false, quiet = false;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--uri') uri = argv[++i];
  else if (a === '--filter') filter = argv[++i];
  else if (a === '--timeout') timeout = Number(argv[++i]);
  else if (a === '--serverless') serverless = true;
  else if (a === '--quiet') quiet = true;
  else if (a === '--help' || a === '-h') usage();
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else inputs.push(a);
}
if (!uri) usage('--uri is required');
if (inputs.length === 0) usage('give at least one directory or .json file');

const files = [];
for (const input of inputs) {
  if (!fs.existsSync(input)) usage(`no such file or directory: ${input}`);
  if (fs.statSync(input).isDirectory()) {
    for (const f of fs.readdirSync(input).sort()) if (f.endsWith('.json')) files.push(path.join(input, f));
  } else files.push(input);
}

let passed = 0, failed = 0, skipped = 0;
const report = ({ file, test, status, reason, ms }) => {
  const where = `${path.basename(file)} › ${test}`;
  if (status === 'pass') { passed++; if (!quiet) console.log(`pass ${where}${ms !== undefined ? ` (${ms} ms)` : ''}`); }
  else if (status === 'skip') { skipped++; if (!quiet) console.log(`skip ${where}: ${reason}`); }
  else { failed++; console.log(`FAIL ${where}: ${String(reason).split('\n').join('\n     ')}`); }
};

const runner = new UnifiedRunner({ uri, serverless, testTimeoutMS: timeout, log: (s) => console.error(`[unified] ${s}`) });
try {
  // Bounded: a server that does not answer must not hang the run.
  const info = await Promise.race([runner.init(), new Promise((_, r) => setTimeout(() => r(new Error('no answer within 30 s')), 30_000))]);
  console.log(`server ${info.versionString} (${info.version.join('.')}), topology ${info.topology}, auth ${info.auth}`);
} catch (e) {
  console.log(`FAIL cannot reach ${uri}: ${e.message}`);
  console.log(`0 passed, 1 failed, 0 skipped`);
  await runner.close();
  process.exit(1);
}

for (const file of files) {
  await runner.runFile(file, fs.readFileSync(file, 'utf8'), report, filter);
}
await runner.close();
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
