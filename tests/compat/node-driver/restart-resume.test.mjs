// Change streams resumed across a server restart through the Node.js driver: the seed's MongoChangeStreamManager
// pattern (000 seed) — each processed event's resume token is stored in a `resume_tokens` collection; after the
// server restarts (writes keep happening meanwhile), the watcher resumes from the stored token and sees every later
// event exactly once, in order. Starts its own server on a temporary SQLite data folder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { dll, freePort } from '../nodes/cluster.mjs';

const data = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-restart-'));
after(() => fs.rmSync(data, { recursive: true, force: true }));

async function startServer(port) {
  const httpPort = await freePort();
  const child = spawn('dotnet', [dll, 'serve', '--port', String(port), '--http-port', String(httpPort), '--data', data],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "ready" within 90 s:\n${output}`)), 90_000);
    child.stdout.on('data', (d) => { output += d; if (output.includes('ready')) { clearTimeout(timer); resolve(); } });
    child.stderr.on('data', (d) => (output += d));
    exited.then((e) => { clearTimeout(timer); reject(new Error(`server exited (${e.code ?? e.signal}) before ready:\n${output}`)); });
  });
  return { stop: async () => { if (child.exitCode === null) { child.kill('SIGTERM'); assert.equal((await exited).code, 0, output); } } };
}

async function nextEvents(stream, n) {
  const events = [];
  while (events.length < n) events.push(await stream.next());
  return events;
}

test('a change stream resumes from a stored token after the server restarts, missing and repeating nothing', async () => {
  const port = await freePort();
  const uri = `mongodb://127.0.0.1:${port}/?directConnection=true`;
  let server = await startServer(port);
  let client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 20_000 });
  let db = client.db('plant');
  await db.createCollection('photos');
  const stream = db.collection('photos').watch([], { fullDocument: 'updateLookup' });
  assert.equal(await stream.tryNext(), null); // the driver opens the stream lazily: open it before writing
  await db.collection('photos').insertMany([{ n: 1 }, { n: 2 }, { n: 3 }]);
  await db.collection('photos').updateOne({ n: 2 }, { $set: { quality: 7 } });
  for (const event of await nextEvents(stream, 2)) {
    await db.collection('resume_tokens').updateOne({ _id: 'photos' }, { $set: { token: event._id, n: event.fullDocument.n } }, { upsert: true });
  }
  await stream.close();
  await client.close();
  await server.stop();

  server = await startServer(port);
  client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 20_000 });
  db = client.db('plant');
  await db.collection('photos').insertOne({ n: 4 });
  await db.collection('photos').deleteOne({ n: 1 });
  const stored = await db.collection('resume_tokens').findOne({ _id: 'photos' });
  assert.equal(stored.n, 2);
  const resumed = db.collection('photos').watch([], { resumeAfter: stored.token });
  const events = await nextEvents(resumed, 4);
  assert.deepEqual(events.map((e) => e.operationType), ['insert', 'update', 'insert', 'delete']);
  assert.equal(events[0].fullDocument.n, 3);
  assert.deepEqual(events[1].updateDescription.updatedFields, { quality: 7 });
  assert.equal(events[2].fullDocument.n, 4);
  assert.ok(events[3].documentKey._id);
  await resumed.close();
  await client.close();
  await server.stop();
});
