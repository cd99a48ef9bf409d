// Wire compression with the Node.js driver (OP_COMPRESSED): the driver negotiates zstd (through @mongodb-js/zstd) or
// zlib in hello, then compresses every later request, and the server must answer with the same compressor. A small
// TCP proxy between the driver and the server reads the frame headers in both directions, so the test sees what
// actually crossed the socket rather than trusting either side's word.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { MongoClient } from 'mongodb';

const OP_COMPRESSED = 2012;
const target = new URL((process.env.OUTPOST_URI ?? 'mongodb://127.0.0.1:27017/').replace(/^mongodb:/, 'http:'));
const closers = [];
// Newest first: each client closes (ending its sessions through its proxy) before that proxy goes away.
after(async () => { for (const close of closers.reverse()) await close().catch(() => {}); });

/** A loopback proxy counting frames per direction: { opCode → n } and, for OP_COMPRESSED, { compressorId → n }. */
async function countingProxy() {
  const seen = { up: { ops: {}, compressors: {} }, down: { ops: {}, compressors: {} } };
  const sockets = new Set();
  const count = (dir) => {
    let pending = Buffer.alloc(0);
    return (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 16 && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0), op = pending.readInt32LE(12);
        seen[dir].ops[op] = (seen[dir].ops[op] ?? 0) + 1;
        if (op === OP_COMPRESSED) { const id = pending[24]; seen[dir].compressors[id] = (seen[dir].compressors[id] ?? 0) + 1; }
        pending = pending.subarray(length);
      }
    };
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client); sockets.add(upstream);
    client.on('data', count('up')); upstream.on('data', count('down'));
    client.pipe(upstream); upstream.pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('error', end); upstream.on('error', end); client.on('close', end); upstream.on('close', end);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(resolve); }));
  return { port: server.address().port, seen };
}

for (const [name, id] of [['zstd', 3], ['zlib', 2]]) {
  test(`${name}: requests and replies after the handshake are OP_COMPRESSED with ${name}`, async () => {
    const proxy = await countingProxy();
    const client = new MongoClient(`mongodb://127.0.0.1:${proxy.port}/?directConnection=true&compressors=${name}`, { serverSelectionTimeoutMS: 10_000 });
    closers.push(() => client.close());
    await client.connect();
    const coll = client.db(`nd_compress_${name}_${process.pid}`).collection('docs');
    // Compressible and incompressible payloads, big enough to span several batches.
    const text = 'inspection note: weld seam ok, paint thickness within tolerance. '.repeat(200);
    const docs = Array.from({ length: 300 }, (_, i) => ({ _id: i, text, noise: Buffer.from(Array.from({ length: 512 }, (_, j) => (i * 7919 + j * 104729) % 251)) }));
    await coll.insertMany(docs);
    const back = await coll.find().sort({ _id: 1 }).batchSize(50).toArray();
    assert.equal(back.length, 300);
    for (let i = 0; i < 300; i += 37) {
      assert.equal(back[i].text, text);
      assert.deepEqual(Buffer.from(back[i].noise.buffer), docs[i].noise);
    }
    const agg = await coll.aggregate([{ $group: { _id: null, n: { $sum: 1 }, len: { $sum: { $strLenCP: '$text' } } } }]).toArray();
    assert.deepEqual(agg, [{ _id: null, n: 300, len: 300 * text.length }]);
    await coll.drop();

    for (const dir of ['up', 'down']) {
      const compressed = proxy.seen[dir].ops[OP_COMPRESSED] ?? 0;
      assert.ok(compressed >= 8, `${dir}: ${compressed} compressed frames, ${JSON.stringify(proxy.seen[dir])}`);
      assert.deepEqual(Object.keys(proxy.seen[dir].compressors), [String(id)], `${dir}: ${JSON.stringify(proxy.seen[dir])}`);
    }
  });
}
