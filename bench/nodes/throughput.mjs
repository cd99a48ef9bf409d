// Throughput with 1, 2 and 4 `outpost serve` nodes on one PostgreSQL (issue 6). Bounded and loopback only.
// For each node count: a fresh database, N nodes from the Release build, a fixed pool of client workers spread
// round-robin over the nodes; a timed phase of single-document inserts, then a timed phase of _id point finds.
// Prints one Markdown table row per node count.
//
// Usage (after `source scripts/test-deps.sh` and a Release build of src/Outpost.Server; needs tests/compat/node_modules):
//   node bench/nodes/throughput.mjs [--nodes 1,2,4] [--workers 16] [--seconds 10]
import path from 'node:path';
import { createRequire } from 'node:module';
import { pgUrl, createDatabase, startNode, repo } from '../../tests/compat/nodes/cluster.mjs';

// The driver lives in the compat suite's node_modules; resolve it from there rather than adding a second package.json.
const require = createRequire(path.join(repo, 'tests/compat/package.json'));
const { MongoClient } = require('mongodb');

const args = process.argv.slice(2);
const arg = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const nodeCounts = arg('--nodes', '1,2,4').split(',').map(Number);
const workers = Number(arg('--workers', '16'));
const seconds = Number(arg('--seconds', '10'));
if (!pgUrl) {
  console.error('OUTPOST_TEST_POSTGRES_URL is unset: source scripts/test-deps.sh first');
  process.exit(2);
}

/** Runs `op(worker, i)` on every worker until the deadline; returns completed operations per second. */
async function timed(colls, op) {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const perWorker = new Array(workers).fill(0);
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    const coll = colls[w % colls.length];
    for (let i = 0; Date.now() < deadline; i++) {
      await op(coll, w, i);
      done++;
      perWorker[w]++;
    }
  }));
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { opsPerSecond: done / elapsed, perWorker };
}

console.log(`| nodes | client workers | insertOne ops/s | find-by-_id ops/s |`);
console.log(`|---|---|---|---|`);
for (const n of nodeCounts) {
  const db = createDatabase('outpost_bench_nodes');
  const nodes = [];
  const clients = [];
  try {
    for (let i = 0; i < n; i++) nodes.push(await startNode(db.url));
    for (const node of nodes) {
      const client = new MongoClient(node.uri, { maxPoolSize: workers, retryWrites: false });
      await client.connect();
      clients.push(client);
    }
    const colls = clients.map((c) => c.db('bench').collection('events'));
    await colls[0].createIndex({ station: 1, at: -1 });
    const inserts = await timed(colls, (coll, w, i) =>
      coll.insertOne({ _id: `w${w}-${i}`, station: `station_${i % 40}`, at: new Date(), value: i, note: 'x'.repeat(200) }));
    // Each worker reads back (cyclically) the documents it wrote, through whichever node it is bound to.
    const finds = await timed(colls, async (coll, w, i) => {
      const id = `w${w}-${i % inserts.perWorker[w]}`;
      if (await coll.findOne({ _id: id }) === null) throw new Error(`${id} not found`);
    });
    console.log(`| ${n} | ${workers} | ${inserts.opsPerSecond.toFixed(0)} | ${finds.opsPerSecond.toFixed(0)} |`);
  } finally {
    for (const c of clients) await c.close(true).catch(() => {});
    for (const node of nodes) await node.kill();
    db.drop();
  }
}
