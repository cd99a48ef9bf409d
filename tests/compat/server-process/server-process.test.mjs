// The `outpost` executable contract (issue 2): --version, --help, serve prints "ready", /healthz answers,
// SIGTERM ends the process with exit code 0 within 10 s, a bad option exits non-zero with a message, and /metrics
// serves Prometheus text with the connections, commands, latencies, storage size and network traffic (issue 5).
// Runs the Release build (OUTPOST_DLL, set by run.sh) on its own free loopback ports and a temp data directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';

const repo = process.env.OUTPOST_REPO ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dll = process.env.OUTPOST_DLL ?? path.join(repo, 'src/Outpost.Server/bin/Release/net10.0/outpost.dll');

/** Runs `dotnet outpost.dll args...` to completion (bounded) and returns { code, stdout, stderr }. */
function runOutpost(args, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const child = spawn('dotnet', [dll, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`outpost ${args.join(' ')} did not exit within ${timeoutMs} ms`)); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Starts `serve` and resolves once a stdout line contains "ready" (60 s bound). */
async function startServer() {
  const port = await freePort();
  let httpPort = await freePort();
  while (httpPort === port) httpPort = await freePort();
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-proc-'));
  const child = spawn('dotnet', [dll, 'serve', '--port', String(port), '--http-port', String(httpPort), '--data', data],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const readyLine = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "ready" line within 60 s; output:\n${output}`)), 60_000);
    const onData = (d) => {
      output += d;
      const line = output.split('\n').slice(0, -1).find((l) => l.includes('ready')); // complete lines only
      if (line) { clearTimeout(timer); resolve(line); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (output += d));
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`serve exited with ${code} before "ready"; output:\n${output}`)); });
  });
  const cleanup = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); fs.rmSync(data, { recursive: true, force: true }); };
  return { child, port, httpPort, readyLine, exited, cleanup, output: () => output };
}

test('outpost --version prints the version', async () => {
  const r = await runOutpost(['--version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^outpost \d+\.\d+\.\d+/m);
});

test('outpost --help prints usage', async () => {
  const r = await runOutpost(['--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Usage:/);
  assert.match(r.stdout, /outpost serve/);
  for (const option of ['--port', '--http-port', '--data', '--storage', '--enable-test-commands']) assert.ok(r.stdout.includes(option), `usage mentions ${option}`);
});

test('serve prints "ready", answers /healthz and exits 0 on SIGTERM within 10 s', async () => {
  const server = await startServer();
  try {
    assert.match(server.readyLine, /ready/);
    const res = await fetch(`http://127.0.0.1:${server.httpPort}/healthz`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    await res.text();
    const started = Date.now();
    server.child.kill('SIGTERM');
    const result = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
    assert.notEqual(result, 'timeout', 'server still running 10 s after SIGTERM');
    assert.equal(result.code, 0, `exit code after SIGTERM (signal ${result.signal}); output:\n${server.output()}`);
    assert.ok(Date.now() - started < 10_000);
  } finally {
    server.cleanup();
  }
});

/** Parses Prometheus text exposition: every non-comment line is `name{labels} value`; returns [{ name, labels, value }]. */
function parsePrometheus(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? ([-+]?(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf)|NaN)$/);
    assert.ok(m, `not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels = Object.fromEntries((m[2] ?? '').split(',').filter(Boolean).map((kv) => { const [k, v] = kv.split('='); return [k, JSON.parse(v)]; }));
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

test('serve exposes Prometheus /metrics: connections, commands with latency histograms, storage size, network', async () => {
  const server = await startServer();
  const client = new MongoClient(`mongodb://127.0.0.1:${server.port}/?directConnection=true`, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const coll = client.db('metrics').collection('c');
    await coll.insertMany(Array.from({ length: 50 }, (_, i) => ({ i, pad: 'x'.repeat(500) })));
    for (let i = 0; i < 5; i++) assert.equal((await coll.findOne({ i }))?.i, i);
    const res = await fetch(`http://127.0.0.1:${server.httpPort}/metrics`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const samples = parsePrometheus(await res.text());
    const one = (name, labels = {}) => {
      const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      assert.equal(found.length, 1, `${name} ${JSON.stringify(labels)} appears once`);
      return found[0].value;
    };
    assert.ok(one('outpost_connections') >= 1);
    assert.ok(one('outpost_connections_total') >= 1);
    assert.equal(one('outpost_commands_total', { command: 'insert' }), 1);
    assert.equal(one('outpost_commands_total', { command: 'find' }), 5);
    // The find latency histogram: cumulative buckets, +Inf equals the count.
    const buckets = samples.filter((s) => s.name === 'outpost_command_duration_seconds_bucket' && s.labels.command === 'find');
    assert.ok(buckets.length > 2);
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value, 'buckets are cumulative');
    assert.equal(buckets.at(-1).labels.le, '+Inf');
    assert.equal(buckets.at(-1).value, one('outpost_command_duration_seconds_count', { command: 'find' }));
    assert.ok(one('outpost_storage_bytes') > 0);
    assert.ok(one('outpost_network_bytes_total', { direction: 'in' }) > 50 * 500, 'the inserted documents came in');
    assert.ok(one('outpost_network_bytes_total', { direction: 'out' }) > 0);
    assert.ok(one('outpost_network_requests_total') >= 6);
  } finally {
    await client.close();
    server.child.kill('SIGTERM');
    await Promise.race([server.exited, new Promise((r) => setTimeout(r, 10_000))]);
    server.cleanup();
  }
});

test('serve binds the loopback address by default', async () => {
  const server = await startServer();
  try {
    // The HTTP port answers on 127.0.0.1; the contract is that nothing listens beyond loopback unless told to.
    const res = await fetch(`http://127.0.0.1:${server.httpPort}/healthz`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    await res.text();
    assert.doesNotMatch(server.readyLine, /0\.0\.0\.0/);
  } finally {
    server.child.kill('SIGTERM');
    await Promise.race([server.exited, new Promise((r) => setTimeout(r, 10_000))]);
    server.cleanup();
  }
});

test('an invalid option exits non-zero with a message', async () => {
  for (const args of [['serve', '--port', 'not-a-port'], ['serve', '--no-such-option', '1'], ['serve', '--storage', 'mysql://x'], ['no-such-command']]) {
    const r = await runOutpost(args);
    assert.notEqual(r.code, 0, `outpost ${args.join(' ')} should fail`);
    assert.ok((r.stderr + r.stdout).trim().length > 0, `outpost ${args.join(' ')} should say why`);
  }
});
