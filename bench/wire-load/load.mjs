#!/usr/bin/env node
// Wire-protocol load tool: the Node.js `mongodb` driver against an `outpost serve` it starts itself (Release dll,
// free loopback ports, temp data dir), then stops. Bounded in count and in time (a watchdog kills the server and exits).
//   node bench/wire-load/load.mjs [--docs 100000] [--batch 1000] [--lookups 20000] [--clients 16] [--time-limit 600]
//                                 [--dll path/to/outpost.dll] [--uri-options retryWrites=false&...] [--processes 1]
//                                 [--transport auto|pipes|threads]   (the server's --transport; default auto, the server's
//                                 default; builds before s4-wire know only pipes|threads)
// Workloads (same as `Outpost.Benchmarks embedded-load`): insertMany of ~1.5 KB photo documents in ordered batches from
// one client; then find-by-_id (findOne) from N clients, each its own MongoClient with one connection.
// Both tools run the same untimed warm-up first (5,000 docs, 5,000 lookups in a 'warmup' collection).
// --processes P spreads the find clients over P Node processes: one Node process tops out near one core of driver work
// (~150 µs per findOne here), so with 16 clients in one process the client, not the server, sets the rate.
// Prints docs/s and latency percentiles, plus "RESULT wire <workload> <docs/s>" lines for bench/wire-vs-embedded.sh, and
// "CPU wire <workload> server <µs/doc> client <µs/doc>": CPU time of the server process (Linux /proc) and of the Node
// side per document, beside the embedded tool's "CPU embedded" line: what the wire layer itself costs, apart from the
// driver's work and from waits for a CPU on a shared machine.
// The driver is resolved from tests/compat/node_modules (install: `source scripts/test-deps.sh`).
import { fork, spawn } from 'node:child_process';
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
const processes = Math.max(1, Math.min(Number(opt('processes', 1)), clients));
const transport = opt('transport', 'auto');

// CPU seconds (user + system) a process has used so far; null where /proc is missing (not Linux).
const ticksPerSecond = 100; // USER_HZ on Linux
function processCpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on (state)
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime, stime: fields 14 and 15
  } catch {
    return null;
  }
}
const ownCpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
function reportCpu(workload, count, serverSeconds, clientSeconds) {
  const us = (s) => (s === null || Number.isNaN(s) ? 'n/a' : (s * 1e6 / count).toFixed(1));
  console.log(`CPU wire ${workload} server ${us(serverSeconds)} client ${us(clientSeconds)} (µs per doc)`);
}

// Worker mode (--processes > 1): connect its clients, say ready, then for each { collection, count, n } message run
// lookups k = first, first+P, ... and report latencies and CPU; the same processes serve the warm-up and the timed run.
if (process.argv.includes('--worker')) {
  const wuri = opt('uri', ''), first = Number(opt('first', 0)), stride = Number(opt('stride', 1)), mine = Number(opt('worker-clients', 1));
  const mcs = [];
  for (let c = 0; c < mine; c++) { const m = new MongoClient(wuri, { maxPoolSize: 1 }); await m.connect(); await m.db('bench').command({ ping: 1 }); mcs.push(m); }
  process.on('message', async (job) => {
    if (job.stop) {
      await Promise.allSettled(mcs.map((m) => m.close()));
      process.exit(0);
    }
    const cpu0 = ownCpuSeconds();
    const latencies = [];
    let next = first;
    await Promise.all(mcs.map(async (m) => {
      const coll = m.db('bench').collection(job.collection);
      for (let k = next; k < job.n; k = next) {
        next += stride;
        const id = idOf(Number((BigInt(k) * 7919n) % BigInt(job.count)));
        const start = performance.now();
        const doc = await coll.findOne({ _id: id });
        latencies.push(performance.now() - start);
        if (!doc) throw new Error(`missing ${id}`);
      }
    }));
    process.send({ latencies, cpu: ownCpuSeconds() - cpu0 });
  });
  process.send({ ready: true });
  await new Promise(() => {});
}

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

const WARMUP_DOCUMENTS = 5_000, WARMUP_LOOKUPS = 5_000; // as in Outpost.Benchmarks' EmbeddedLoad

// insertMany of documents 0..count-1 in ordered batches; documents are built outside the timed call.
async function insertAll(coll, count) {
  const latencies = [];
  let ms = 0, clientCpu = 0;
  for (let i = 0; i < count; i += batchSize) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + batchSize); j++) batch.push(photo(j));
    const cpu0 = ownCpuSeconds();
    const start = performance.now();
    const r = await coll.insertMany(batch, { ordered: true });
    const took = performance.now() - start;
    clientCpu += ownCpuSeconds() - cpu0;
    if (r.insertedCount !== batch.length) throw new Error(`inserted ${r.insertedCount} of ${batch.length}`);
    ms += took;
    latencies.push(took);
  }
  return { seconds: ms / 1000, latencies, clientCpu };
}

// find-by-_id from P worker processes (--processes), each with its share of the clients; started once, reused.
async function startWorkers(uri) {
  const workers = [];
  for (let p = 0; p < processes; p++) {
    const mine = Math.floor(clients / processes) + (p < clients % processes ? 1 : 0);
    const child = fork(fileURLToPath(import.meta.url), ['--worker', '--uri', uri, '--first', String(p), '--stride', String(processes),
      '--worker-clients', String(mine)], { stdio: 'inherit' });
    child.on('exit', (code) => { if (code) { console.error(`wire-load: worker exited ${code}`); cleanup(); process.exit(1); } });
    workers.push({ child, ready: new Promise((resolve) => child.once('message', resolve)) });
  }
  await Promise.all(workers.map((w) => w.ready));
  return workers.map((w) => w.child);
}

async function findAllInProcesses(workers, collection, count, n) {
  const done = workers.map((child) => new Promise((resolve) => child.once('message', resolve)));
  const wallStart = performance.now();
  for (const child of workers) child.send({ collection, count, n });
  const results = await Promise.all(done);
  const seconds = (performance.now() - wallStart) / 1000;
  return { seconds, latencies: results.flatMap((r) => r.latencies), clientCpu: results.reduce((a, r) => a + r.cpu, 0) };
}

// find-by-_id (findOne) from one collection handle per client; the clients share a counter.
async function findAll(colls, count, n) {
  const latencies = new Array(n);
  let next = 0;
  const wallStart = performance.now();
  await Promise.all(colls.map(async (coll) => {
    for (let k = next++; k < n; k = next++) {
      const id = idOf(Number((BigInt(k) * 7919n) % BigInt(count)));
      const start = performance.now();
      const doc = await coll.findOne({ _id: id });
      latencies[k] = performance.now() - start;
      if (!doc) throw new Error(`missing ${id}`);
    }
  }));
  return { seconds: (performance.now() - wallStart) / 1000, latencies };
}

if (!fs.existsSync(dll)) {
  console.error(`wire-load: ${dll} not found; build it with: dotnet build src/Outpost.Server -c Release`);
  process.exit(2);
}

const port = await freePort();
let httpPort = await freePort();
while (httpPort === port) httpPort = await freePort();
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-wire-load-'));
const server = spawn('dotnet', [dll, 'serve', '--bind', '127.0.0.1', '--port', String(port), '--http-port', String(httpPort), '--data', data, '--transport', transport],
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
  console.log(`wire: ${docs} docs of ${BSON.calculateObjectSize(photo(0))} B BSON, batches of ${batchSize}; ${lookups} lookups from ${clients} clients in ${processes} Node process(es); ${uri}`);

  const writer = new MongoClient(uri, { maxPoolSize: 1 });
  open.push(writer);
  await writer.connect();
  const readers = [];
  for (let c = 0; c < (processes > 1 ? 0 : clients); c++) {
    const client = new MongoClient(uri, { maxPoolSize: 1 });
    open.push(client);
    await client.connect();
    await client.db('bench').command({ ping: 1 });
    readers.push(client.db('bench'));
  }

  // Warm-up (not timed), the same as the embedded tool's: the server's JIT and SQLite caches reach a steady state
  // first (a cold server spends about a third of its CPU in the JIT), so neither side measures its own start-up.
  const workers = processes > 1 ? await startWorkers(uri) : [];
  const find = (collection, count, n) => processes > 1
    ? findAllInProcesses(workers, collection, count, n)
    : findAll(readers.map((db) => db.collection(collection)), count, n);
  const warmDocs = Math.min(docs, WARMUP_DOCUMENTS);
  await insertAll(writer.db('bench').collection('warmup'), warmDocs);
  await find('warmup', warmDocs, Math.min(lookups, WARMUP_LOOKUPS));

  // Between batches the server has nothing else to do, so its CPU over the phase is the inserts' CPU.
  let server0 = processCpuSeconds(server.pid);
  const inserted = await insertAll(writer.db('bench').collection('photos'), docs);
  report('insert', docs, inserted.seconds, inserted.latencies, 'batch');
  reportCpu('insert', docs, server0 === null ? null : processCpuSeconds(server.pid) - server0, inserted.clientCpu);
  server0 = processCpuSeconds(server.pid);
  const client0 = ownCpuSeconds();
  const found = await find('photos', docs, lookups);
  report('find', lookups, found.seconds, found.latencies, 'lookup');
  reportCpu('find', lookups, server0 === null ? null : processCpuSeconds(server.pid) - server0, found.clientCpu ?? ownCpuSeconds() - client0);
  for (const child of workers) { child.removeAllListeners('exit'); child.send({ stop: true }); }
} catch (e) {
  console.error(`wire-load: ${e.stack ?? e}`);
  exitCode = 1;
} finally {
  await Promise.allSettled(open.map((c) => c.close()));
  clearTimeout(watchdog);
  cleanup();
}
process.exit(exitCode);
