// Department-scoped writes on the wire (issue 8, decision 026): a user whose only privilege on shopfloor.photos carries
// Outpost's `outpostFilter` extension ({departmentId: "PAINT", encrypted fields not in plaintext}, the role
// DepartmentWireAccess creates) uses the official Node.js driver as a tablet app would. Its PAINT writes succeed;
// every attempt at QA's photos is refused (code 13) or matches nothing, joins into photos see only PAINT photos; the
// server logs the denials.
// Starts its own `outpost serve --auth` (OUTPOST_DLL) on free loopback ports and a temp data directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient, ObjectId, Binary } from 'mongodb';

const repo = process.env.OUTPOST_REPO ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dll = process.env.OUTPOST_DLL ?? path.join(repo, 'src/Outpost.Server/bin/Release/net10.0/outpost.dll');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

let child, data, output = '', admin, paint, photos, adminPhotos, qaId, paintId;

before(async () => {
  const port = await freePort();
  let httpPort = await freePort();
  while (httpPort === port) httpPort = await freePort();
  data = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-restricted-'));
  child = spawn('dotnet', [dll, 'serve', '--auth', '--port', String(port), '--http-port', String(httpPort), '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "ready" line within 60 s; output:\n${output}`)), 60_000);
    const poll = setInterval(() => { if (output.includes('ready')) { clearTimeout(timer); clearInterval(poll); resolve(); } }, 100);
    child.on('exit', (code) => { clearTimeout(timer); clearInterval(poll); reject(new Error(`serve exited with ${code}; output:\n${output}`)); });
  });
  const uri = `mongodb://127.0.0.1:${port}/`;
  // The localhost exception: the first user (root) may be created unauthenticated.
  const bootstrap = new MongoClient(uri, { directConnection: true, serverSelectionTimeoutMS: 10_000 });
  await bootstrap.db('admin').command({ createUser: 'admin', pwd: 'admin-pw', roles: ['root'] });
  await bootstrap.close();
  admin = new MongoClient(uri, { directConnection: true, auth: { username: 'admin', password: 'admin-pw' } });
  const db = admin.db('shopfloor');
  const notPlaintext = (field) => ({ $or: [{ [field]: null }, { [field]: { $type: 'binData' } }] });
  await db.command({
    createRole: 'inspector_PAINT',
    privileges: [{
      resource: { db: 'shopfloor', collection: 'photos' },
      actions: ['find', 'insert', 'update', 'remove', 'killCursors'],
      outpostFilter: { departmentId: 'PAINT', $and: [notPlaintext('metadata.inspectorNotes'), notPlaintext('metadata.location')] },
    }],
    roles: [],
  });
  await db.command({ createUser: 'paint-inspector', pwd: 'paint-pw', roles: ['inspector_PAINT'] });
  adminPhotos = db.collection('photos');
  paintId = new ObjectId();
  qaId = new ObjectId();
  await adminPhotos.insertMany([
    { _id: paintId, departmentId: 'PAINT', partId: 'P-1', n: 1 },
    { _id: qaId, departmentId: 'QA', partId: 'Q-1', n: 1 },
  ]);
  paint = new MongoClient(uri, { directConnection: true, auth: { username: 'paint-inspector', password: 'paint-pw' }, authSource: 'shopfloor' });
  photos = paint.db('shopfloor').collection('photos');
});

after(async () => {
  await paint?.close();
  await admin?.close();
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (data) fs.rmSync(data, { recursive: true, force: true });
});

const qaUnchanged = async () => {
  const qa = await adminPhotos.findOne({ _id: qaId });
  assert.deepEqual(qa, { _id: qaId, departmentId: 'QA', partId: 'Q-1', n: 1 });
};

const refused = async (promise) => {
  await assert.rejects(promise, (e) => {
    const code = e.code ?? e.writeErrors?.[0]?.code ?? e.errorResponse?.writeErrors?.[0]?.code;
    assert.equal(code, 13, `expected Unauthorized, got ${e.message}`);
    return true;
  });
};

test('rolesInfo shows the outpostFilter of the privilege', async () => {
  const info = await admin.db('shopfloor').command({ rolesInfo: 'inspector_PAINT', showPrivileges: true });
  assert.equal(info.roles[0].privileges[0].outpostFilter.departmentId, 'PAINT');
});

test('the PAINT user reads only PAINT photos', async () => {
  assert.deepEqual((await photos.find({}).toArray()).map((d) => d.departmentId), ['PAINT']);
  assert.equal(await photos.findOne({ _id: qaId }), null);
  assert.equal(await photos.countDocuments({}), 1);
  assert.equal(await photos.estimatedDocumentCount(), 1);
  assert.deepEqual(await photos.distinct('departmentId'), ['PAINT']);
  assert.deepEqual(await photos.aggregate([{ $match: { departmentId: 'QA' } }]).toArray(), []);
  // Joins and unions into photos carry the restriction into their source.
  const joined = await photos.aggregate([{ $lookup: { from: 'photos', pipeline: [], as: 'all' } }]).toArray();
  assert.deepEqual(joined[0].all.map((d) => d.departmentId), ['PAINT']);
  const byDept = await photos.aggregate([{ $lookup: { from: 'photos', localField: 'n', foreignField: 'n', as: 'same' } }]).toArray();
  assert.deepEqual(byDept[0].same.map((d) => d.departmentId), ['PAINT']);
  const union = await photos.aggregate([{ $unionWith: 'photos' }, { $group: { _id: '$departmentId', n: { $sum: 1 } } }]).toArray();
  assert.deepEqual(union, [{ _id: 'PAINT', n: 2 }]);
});

test('the PAINT user inserts, updates and deletes PAINT photos', async () => {
  const id = new ObjectId();
  assert.equal((await photos.insertOne({ _id: id, departmentId: 'PAINT', partId: 'P-2' })).acknowledged, true);
  assert.equal((await photos.updateOne({ _id: id }, { $set: { partId: 'P-3' } })).modifiedCount, 1);
  const after = await photos.findOneAndUpdate({ _id: id }, { $inc: { n: 1 } }, { returnDocument: 'after' });
  assert.equal(after.n, 1);
  const up = await photos.updateOne({ partId: 'P-UPSERT' }, { $set: { n: 5 } }, { upsert: true });
  assert.equal(up.upsertedCount, 1);
  assert.equal((await adminPhotos.findOne({ partId: 'P-UPSERT' })).departmentId, 'PAINT');
  const bulk = await photos.bulkWrite([
    { insertOne: { document: { departmentId: 'PAINT', partId: 'P-BULK' } } },
    { updateMany: { filter: {}, update: { $set: { checked: true } } } },
    { deleteOne: { filter: { partId: 'P-BULK' } } },
  ]);
  assert.equal(bulk.insertedCount, 1);
  assert.equal(bulk.deletedCount, 1);
  assert.equal((await photos.deleteOne({ _id: id })).deletedCount, 1);
  assert.equal((await photos.deleteOne({ partId: 'P-UPSERT' })).deletedCount, 1);
  await qaUnchanged();
});

test('every write aimed at QA photos is refused or matches nothing', async () => {
  await refused(photos.insertOne({ departmentId: 'QA', partId: 'X' }));
  await refused(photos.insertMany([{ departmentId: 'PAINT', partId: 'ok' }, { departmentId: 'QA', partId: 'X' }], { ordered: true }));
  await refused(photos.updateOne({ _id: paintId }, { $set: { departmentId: 'QA' } }));
  await refused(photos.replaceOne({ _id: paintId }, { departmentId: 'QA', partId: 'P-1' }));
  await refused(photos.updateOne({ partId: 'NEW' }, { $set: { departmentId: 'QA' } }, { upsert: true }));
  await refused(photos.findOneAndUpdate({ _id: paintId }, { $set: { departmentId: 'QA' } }));
  await refused(photos.bulkWrite([{ updateOne: { filter: { _id: paintId }, update: { $set: { departmentId: 'QA' } } } }]));
  await refused(photos.aggregate([{ $out: 'stolen' }]).toArray());
  await refused(photos.aggregate([{ $set: { departmentId: 'QA' } }, { $merge: { into: 'photos' } }]).toArray());
  await refused(photos.aggregate([{ $unionWith: 'departments' }]).toArray());
  await refused(paint.db('shopfloor').collection('departments').find({}).toArray());

  assert.equal((await photos.updateOne({ _id: qaId }, { $set: { partId: 'STOLEN' } })).matchedCount, 0);
  assert.equal((await photos.updateMany({ departmentId: 'QA' }, { $set: { partId: 'STOLEN' } })).matchedCount, 0);
  assert.equal((await photos.deleteOne({ _id: qaId })).deletedCount, 0);
  assert.equal((await photos.deleteMany({ departmentId: 'QA' })).deletedCount, 0);
  assert.equal(await photos.findOneAndDelete({ _id: qaId }), null);
  assert.equal(await photos.findOneAndUpdate({ departmentId: 'QA' }, { $set: { partId: 'STOLEN' } }), null);
  const bulk = await photos.bulkWrite([
    { updateOne: { filter: { _id: qaId }, update: { $set: { partId: 'STOLEN' } } } },
    { deleteMany: { filter: { departmentId: 'QA' } } },
  ]);
  assert.equal(bulk.matchedCount, 0);
  assert.equal(bulk.deletedCount, 0);

  await qaUnchanged();
  assert.equal((await adminPhotos.findOne({ _id: paintId })).departmentId, 'PAINT');
  assert.match(output, /authorization denied: paint-inspector@shopfloor/);
});

test('encrypted fields are accepted only as ciphertext', async () => {
  await refused(photos.insertOne({ departmentId: 'PAINT', metadata: { inspectorNotes: 'in the clear' } }));
  await refused(photos.updateOne({ _id: paintId }, { $set: { 'metadata.location': { latitude: 1, longitude: 2 } } }));
  const sealed = new Binary(Buffer.from([1, 2, 3]), 6);
  assert.equal((await photos.insertOne({ departmentId: 'PAINT', metadata: { inspectorNotes: sealed } })).acknowledged, true);
});
