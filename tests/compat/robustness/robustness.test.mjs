// Robustness of the running server (issue 5, "Must show" 6): truncated, oversized and random frames and garbage BSON
// on several raw connections, while a well-behaved driver client keeps working. The server must never crash, every
// bad connection is closed by the server (or by us after a bound), and its memory (VmRSS from /proc/<pid>/status,
// pid from serverStatus — the server runs on this machine) stays bounded. Bounded in count (rounds × connections)
// and time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { MongoClient, BSON } from 'mongodb';

const uri = process.env.OUTPOST_URI ?? 'mongodb://127.0.0.1:27017/';
const { hostname, port } = new URL(uri.replace(/^mongodb:/, 'http:'));
const ROUNDS = 30, CONNECTIONS = 6, DEADLINE_MS = 60_000;
const OP_MSG = 2013, OP_QUERY = 2004, OP_COMPRESSED = 2012;

function header(length, opCode, requestId = 1) {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0); h.writeInt32LE(requestId, 4); h.writeInt32LE(0, 8); h.writeInt32LE(opCode, 12);
  return h;
}
function opMsg(body, flags = 0) {
  const b = Buffer.concat([Buffer.alloc(4), Buffer.from([0]), body]);
  b.writeUInt32LE(flags, 0);
  return Buffer.concat([header(16 + b.length, OP_MSG), b]);
}
const ping = () => opMsg(Buffer.from(BSON.serialize({ ping: 1, $db: 'admin' })));

/** One kind of misbehaviour per case: the bytes to send, and whether to keep the socket open afterwards. */
function garbage(rnd) {
  const noise = (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
  const p = ping();
  switch (Math.floor(rnd() * 10)) {
    case 0: return noise(1 + Math.floor(rnd() * 300));                                          // pure noise
    case 1: return p.subarray(0, 1 + Math.floor(rnd() * (p.length - 1)));                       // truncated frame
    case 2: return Buffer.concat([header(200 * 1024 * 1024, OP_MSG), noise(64)]);               // oversized (200 MB)
    case 3: return Buffer.concat([header(-5, OP_MSG), noise(16)]);                               // negative length
    case 4: return Buffer.concat([header(48 * 1000 * 1000 - 1, OP_MSG), noise(4096)]);          // huge, body never sent
    case 5: { const d = Buffer.from(p); for (let i = 21; i < d.length; i++) if (rnd() < 0.3) d[i] = Math.floor(rnd() * 256); return d; } // garbage BSON
    case 6: { const d = Buffer.from(p); d.writeInt32LE(0x7fffff00, 21); return d; }              // BSON length lies
    case 7: return opMsg(noise(40), 1 << 16);                                                     // unknown required flag bit
    case 8: return Buffer.concat([header(16 + 9 + 20, OP_COMPRESSED), Buffer.from([0xd4, 0x07, 0, 0]), Buffer.from([0xff, 0xff, 0xff, 0x7f]), Buffer.from([2]), noise(20)]); // compressed, lying size
    default: { const q = Buffer.concat([Buffer.alloc(4), Buffer.from('admin.$cmd\0'), Buffer.alloc(8), noise(30)]); return Buffer.concat([header(16 + q.length, OP_QUERY), q]); } // OP_QUERY garbage BSON
  }
}

/** Sends bytes on a fresh connection; resolves when the server closes it or after `holdMs` (then we close it). */
function misbehave(bytes, holdMs) {
  return new Promise((resolve) => {
    const s = net.connect({ host: hostname, port: Number(port) });
    let done = false;
    const finish = (how) => { if (!done) { done = true; clearTimeout(t); s.destroy(); resolve(how); } };
    const t = setTimeout(() => finish('held'), holdMs);
    s.on('connect', () => s.write(bytes));
    s.on('data', () => {}); // an error reply is fine
    s.on('close', () => finish('closed'));
    s.on('error', () => finish('closed'));
  });
}

function vmRssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}

test('garbage on many connections never disturbs a well-behaved client; memory stays bounded', async () => {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const db = client.db(`robustness_${process.pid}`);
  try {
    const status = await db.admin().command({ serverStatus: 1 });
    const pid = Number(status.pid);
    assert.ok(fs.existsSync(`/proc/${pid}/status`), `server pid ${pid} is not on this machine`);
    const rssBefore = vmRssKb(pid);
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

    const started = Date.now();
    let good = 0, bad = 0;
    for (let round = 0; round < ROUNDS && Date.now() - started < DEADLINE_MS; round++) {
      const evil = [];
      for (let c = 0; c < CONNECTIONS; c++) { evil.push(misbehave(garbage(rnd), 1_000)); bad++; }
      // The well-behaved client works while the garbage is in flight.
      await db.collection('c').insertOne({ round, blob: 'x'.repeat(1000) });
      const n = await db.collection('c').countDocuments({});
      assert.equal(n, round + 1);
      good++;
      await Promise.all(evil);
    }
    assert.ok(bad >= 60, `only ${bad} bad connections in the time bound`);

    // Still alive, still serving, and no misbehaving connection lingers.
    assert.equal((await db.admin().command({ ping: 1 })).ok, 1);
    assert.deepEqual((await db.collection('c').find({}, { projection: { _id: 0, round: 1 } }).sort({ round: 1 }).toArray()).map((d) => d.round), Array.from({ length: good }, (_, i) => i));
    let current = Infinity;
    for (let i = 0; i < 40 && current > 20; i++) {
      current = (await db.admin().command({ serverStatus: 1 })).connections.current;
      if (current > 20) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(current <= 20, `connections still open on the server: ${current}`);
    const rssAfter = vmRssKb(pid);
    const growthMb = (rssAfter - rssBefore) / 1024;
    console.log(`${bad} bad connections, ${good} good rounds in ${Date.now() - started} ms; VmRSS ${Math.round(rssBefore / 1024)} MB → ${Math.round(rssAfter / 1024)} MB`);
    // A 200 MB or 48 MB declared frame must not be buffered: growth far below those sizes (GC slack allowed).
    assert.ok(growthMb < 150, `VmRSS grew by ${growthMb.toFixed(0)} MB`);
  } finally {
    await db.dropDatabase().catch(() => {});
    await client.close();
  }
});
