#!/usr/bin/env node
// Unified test format runner (MongoDB drivers' spec tests) driving the official Node.js driver.
//
//   node tests/compat/unified/run.mjs <directory or file...> --uri <mongodb URI> [--filter substring]
//        [--timeout ms-per-test (default 30000)] [--serverless] [--quiet] [--expected-failures file]
//
// --expected-failures names a file of known failures, one per line: "<file.json> › <test description> :: <reason>"
// (blank lines and lines starting with # ignored). A listed test that fails counts as skipped with its reason; a listed
// test that passes is reported ("UNEXPECTED PASS") and counts as passed, so the list can shrink; an entry that matches
// no test run is reported as stale. This keeps CI green while the known failures stay visible.
//
// Prints one line per test ("pass", "FAIL ... : reason", "skip ... : reason"), then "N passed, M failed, K skipped".
// Exit code 1 when any test failed (or the server could not be reached), else 0.
import fs from 'node:fs';
import path from 'node:path';
import { UnifiedRunner } from './runner.mjs';

function usage(msg) {
  if (msg) console.error(msg);
  console.error('usage: node run.mjs <directory or file...> --uri <mongodb URI> [--filter substring] [--timeout ms] [--serverless] [--quiet] [--expected-failures file]');
  process.exit(2);
}

const argv = process.argv.slice(2);
const inputs = [];
let uri = process.env.OUTPOST_URI, filter, timeout = 30_000, serverless = false, quiet = false, expectedFile;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--uri') uri = argv[++i];
  else if (a === '--filter') filter = argv[++i];
  else if (a === '--timeout') timeout = Number(argv[++i]);
  else if (a === '--serverless') serverless = true;
  else if (a === '--quiet') quiet = true;
  else if (a === '--expected-failures') expectedFile = argv[++i];
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

// Known failures: key "<file.json> › <test>" → reason.
const expected = new Map();
if (expectedFile) {
  if (!fs.existsSync(expectedFile)) usage(`no such file: ${expectedFile}`);
  for (const raw of fs.readFileSync(expectedFile, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' :: ');
    if (at < 0) usage(`${expectedFile}: expected "<file.json> › <test> :: <reason>", got: ${line}`);
    expected.set(line.slice(0, at).trim(), line.slice(at + 4).trim());
  }
}
const seen = new Set();
let unexpectedPasses = 0;

let passed = 0, failed = 0, skipped = 0;
const report = ({ file, test, status, reason, ms }) => {
  const where = `${path.basename(file)} › ${test}`;
  if (expected.has(where)) {
    seen.add(where);
    if (status === 'fail') {
      skipped++;
      if (!quiet) console.log(`skip ${where}: known failure: ${expected.get(where)}`);
      return;
    }
    if (status === 'pass') { unexpectedPasses++; console.log(`UNEXPECTED PASS ${where}: remove it from ${expectedFile}`); }
  }
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
if (expectedFile) {
  const stale = [...expected.keys()].filter((k) => !seen.has(k) && (!filter || k.includes(filter)));
  for (const k of stale) console.log(`note: expected failure not seen (stale or skipped entry): ${k}`);
  console.log(`${expected.size} known failures listed, ${unexpectedPasses} passed unexpectedly, ${stale.length} not seen`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
