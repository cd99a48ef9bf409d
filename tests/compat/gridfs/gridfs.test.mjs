// GridFS compatibility of sync attachments: a file uploaded through the C# client SDK (resumable chunks over HTTP,
// with cut connections and a client restart) must be readable by the Node.js driver's GridFSBucket, byte for byte.
// Self-contained: upload-helper.cs (run with `dotnet run`) hosts its own Outpost server (engine, wire listener, sync
// HTTP endpoints on loopback), uploads, prints one JSON line, and serves until its stdin closes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient, GridFSBucket, ObjectId } from 'mongodb';

const here = path.dirname(fileURLToPath(import.meta.url));
const SIZE = 3 * 1024 * 1024 + 123;
let helper, info, client, db;

/** Starts the helper and resolves with its JSON line (bounded: the first run compiles it). */
function startHelper(timeoutMs = 600_000) {
  return new Promise((resolve, reject) => {
    const child = spawn('dotnet', ['run', 'upload-helper.cs', '--', String(SIZE)], { cwd: here, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '', done = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`helper gave no result within ${timeoutMs} ms\n${out}\n${err}`)); }, timeoutMs);
    child.stdout.on('data', (d) => {
      if (done) return;
      out += d;
      // Only complete lines: the JSON line can arrive split across reads.
      const line = out.split('\n').slice(0, -1).find((l) => l.startsWith('{'));
      if (!line) return;
      done = true;
      clearTimeout(timer);
      try { resolve({ child, info: JSON.parse(line) }); } catch (e) { reject(e); }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`helper exited with ${code}\n${out.slice(-4000)}\n${err.slice(-4000)}`)); });
  });
}

before(async () => {
  ({ child: helper, info } = await startHelper());
  client = new MongoClient(`mongodb://127.0.0.1:${info.mongoPort}/?directConnection=true`, { serverSelectionTimeoutMS: 20_000 });
  await client.connect();
  db = client.db('app');
}, { timeout: 660_000 });

after(async () => {
  await client?.close();
  if (helper) {
    helper.stdin.end();
    await new Promise((resolve) => { const t = setTimeout(() => { helper.kill('SIGKILL'); resolve(); }, 15_000); helper.on('exit', () => { clearTimeout(t); resolve(); }); });
  }
});

function sha256(buffer) { return crypto.createHash('sha256').update(buffer).digest('hex'); }

async function readAll(stream) {
  const parts = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

test('the C# client completed the resumable upload through cuts and a restart', () => {
  assert.equal(info.state, 'Uploaded');
  assert.ok(info.cuts >= 2, `expected the upload to be cut, got ${info.cuts} cuts`);
  assert.ok(info.fileId, 'the server has a GridFS files document');
});

test('GridFSBucket lists the file with the GridFS fields and the sync metadata', async () => {
  const bucket = new GridFSBucket(db);
  const files = await bucket.find({ 'metadata.attachmentId': info.attachmentId }).toArray();
  assert.equal(files.length, 1);
  const file = files[0];
  assert.equal(file._id.toHexString(), info.fileId);
  assert.equal(file.length, info.length);
  assert.equal(file.chunkSize, info.chunkSize);
  assert.equal(file.filename, 'compat-photo.bin');
  assert.ok(file.uploadDate instanceof Date);
  assert.equal(file.md5, info.md5);
  assert.equal(file.metadata.sha256, info.sha256);
  assert.equal(file.metadata.coll, 'photos');
  assert.equal(file.metadata.docId, 'photo-1');
});

test('GridFSBucket.openDownloadStream reads it back byte for byte (SHA-256 matches)', async () => {
  const bucket = new GridFSBucket(db);
  const data = await readAll(bucket.openDownloadStream(new ObjectId(info.fileId)));
  assert.equal(data.length, info.length);
  assert.equal(sha256(data), info.sha256);
  assert.equal(crypto.createHash('md5').update(data).digest('hex'), info.md5);
});

test('GridFSBucket.openDownloadStreamByName and ranged reads agree', async () => {
  const bucket = new GridFSBucket(db);
  const whole = await readAll(bucket.openDownloadStreamByName('compat-photo.bin'));
  assert.equal(sha256(whole), info.sha256);
  const start = 100_000, end = 1_300_001; // crosses chunk boundaries, not aligned
  const range = await readAll(bucket.openDownloadStream(new ObjectId(info.fileId), { start, end }));
  assert.equal(range.length, end - start);
  assert.ok(range.equals(whole.subarray(start, end)));
});

test('the chunks collection has the GridFS layout (files_id, n from 0, full chunks but the last)', async () => {
  const chunks = await db.collection('fs.chunks').find({ files_id: new ObjectId(info.fileId) }).sort({ n: 1 }).toArray();
  const expected = Math.ceil(info.length / info.chunkSize);
  assert.equal(chunks.length, expected);
  chunks.forEach((c, i) => {
    assert.equal(c.n, i);
    assert.equal(c.data.length(), i < expected - 1 ? info.chunkSize : info.length - i * info.chunkSize);
  });
});
