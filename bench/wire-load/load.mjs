#!/usr/bin/env node
// Wire-protocol load tool: the Node.js `mongodb` driver against an `outpost serve` it starts itself (Release dll,
// free loopback ports, temp data dir), then stops. Bounded in count and in time (a watchdog kills the server and exits).
//   node bench/wire-load/load.mjs [--docs 100000] [--batch 1000] [--lookups 20000] [--clients 16] [--time-limit 600]
//                                 [--dll path/to/outpost.dll] [--uri-options retryWrites=false&...]
// Workloads (same as `Outpost.Benchmarks embedded-load`): insertMany of ~1.5 KB photo documents in ordered batches from
// one client; then find-by-_id (findOne) from N clients, each its own MongoClient with one connection.
// Prints docs/s and latency percentiles, plus "RESULT wire <workload> <docs/s>" lines for bench/wire-vs-embedded.sh.
// The driver is resolved from tests/compat/node_modules (install: `source scripts/test-deps.sh`).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { photo, idOf } from './photo.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(repo, 'tests/compat/package.json'));
const { MongoClient, BSON } = require('mongodb');

const opt = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const docs = Number(opt('docs', 100_000));
const batchSize = Number(opt('batch', 1_000));
const lookups = Number(opt('lookups', 20_000));
const clients = Number(opt('clients', 16));
const timeLimitMs = Number(opt('time-limit', 600)) * 1000;
const uriOptions = opt('uri-options', ''); // extra URI options for experiments, e.g. retryWrites=false
const dll = path.resolve(opt('dll', path.join(repo, 'src/Outpost.Server/bin/Release/net10.0/outpost.dll')));

const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

const pct = (sorted, p) => sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
function report(workload, count, seconds, latencies, unit) {
  latencies.sort((a, b) => a - b);
  const rate = count / seconds;
  console.log(`wire ${workload}: ${count} docs in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} docs/s; ${unit} latency ms ` +
    `p50 ${pct(latencies, 50).toFixed(2)} p95 ${pct(latencies, 95).toFixed(2)} p99 ${pct(latencies, 99).toFixed(2)} max ${(latencies.at(-1) ?? 0).toFixed(2)}`);
  console.log(`RESULT wire ${workload} ${rate.toFixed(1)}`);
}

if (!fs.existsSync(dll)) {
  console.error(`wire-load: ${dll} not found; build it with: dotnet build src/Outpost.Server -c Release`);
  process.exit(2);
}

const port = await freePort();
let httpPort = await freePort();
while (httpPort === port) httpPort = await freePort();
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-wire-load-'));
const server = spawn('dotnet', [dll, 'serve', '--bind', '127.0.0.1', '--port', String(port), '--http-port', String(httpPort), '--data', data],
  { stdio: ['ignore', 'pipe', 'pipe'] });
let serverOutput = '';
const ready = new Promise((resolve, reject) => {
  const onData = (chunk) => { serverOutput += chunk; if (/ready/.test(serverOutput)) resolve(); };
  server.stdout.on('data', onData);
  server.stderr.on('data', onData);
  server.on('exit', (code) => reject(new Error(`server exited (${code}) before ready:\n${serverOutput}`)));
});

const open = [];
function cleanup() {
  if (server.exitCode === null) server.kill('SIGKILL');
  fs.rmSync(data, { recursive: true, force: true });
}
// The bound in time: whatever is running, stop the server and exit non-zero.
const watchdog = setTimeout(() => {
  console.error(`wire-load: time limit ${timeLimitMs / 1000} s reached; stopping`);
  cleanup();
  process.exit(3);
}, timeLimitMs);

let exitCode = 0;
try {
  await Promise.race([ready, new Promise((_, reject) => setTimeout(() => reject(new Error('server not ready in 120 s')), 120_000))]);
  const uri = `mongodb://127.0.0.1:${port}/?directConnection=true${uriOptions ? `&${uriOptions}` : ''}`;
  console.log(`wire: ${docs} docs of ${BSON.calculateObjectSize(photo(0))} B BSON, batches of ${batchSize}; ${lookups} lookups from ${clients} clients; ${uri}`);

  // insertMany: documents are built outside the timed call, as the embedded tool does.
  const writer = new MongoClient(uri, { maxPoolSize: 1 });
  open.push(writer);
  await writer.connect();
  const photos = writer.db('bench').collection('photos');
  await photos.findOne({}); // warm the connection and the command path before timing
  const batchLatencies = [];
  let insertMs = 0;
  for (let i = 0; i < docs; i += batchSize) {
    const batch = [];
    for (let j = i; j < Math.min(docs, i + batchSize); j++) batch.push(photo(j));
    const start = performance.now();
    const r = await photos.insertMany(batch, { ordered: true });
    const ms = performance.now() - start;
    if (r.insertedCount !== batch.length) throw new Error(`inserted ${r.insertedCount} of ${batch.length}`);
    insertMs += ms;
    batchLatencies.push(ms);
  }
  report('insert', docs, insertMs / 1000, batchLatencies, 'batch');

  // find-by-_id: N clients (one connection each) share a counter.
  const readers = [];
  for (let c = 0; c < clients; c++) {
    const client = new MongoClient(uri, { maxPoolSize: 1 });
    open.push(client);
    await client.connect();
    await client.db('bench').command({ ping: 1 });
    readers.push(client.db('bench').collection('photos'));
  }
  const latencies = new Array(lookups);
  let next = 0;
  const wallStart = performance.now();
  await Promise.all(readers.map(async (coll) => {
    for (let k = next++; k < lookups; k = next++) {
      const id = idOf(Number((BigInt(k) * 7919n) % BigInt(docs)));
      const start = performance.now();
      const doc = await coll.findOne({ _id: id });
      latencies[k] = performance.now() - start;
      if (!doc) throw new Error(`missing ${id}`);
    }
  }));
  report('find', lookups, (performance.now() - wallStart) / 1000, latencies, 'lookup');
} catch (e) {
  console.error(`wire-load: ${e.stack ?? e}`);
  exitCode = 1;
} finally {
  await Promise.allSettled(open.map((c) => c.close()));
  clearTimeout(watchdog);
  cleanup();
}
process.exit(exitCode);
