// The Node.js `mongodb` 6.x driver against a running Outpost (OUTPOST_URI, e.g. mongodb://127.0.0.1:<port>/):
// topology modes, CRUD, bulkWrite, aggregation, indexes, multi-batch cursors, retryable writes under failCommand,
// transactions, change streams and a 20 MB GridFS round trip. Each test uses its own database.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { MongoClient, GridFSBucket } from 'mongodb';

const base = process.env.OUTPOST_URI ?? 'mongodb://127.0.0.1:27017/';
const withParams = (params) => base + (base.includes('?') ? '&' : '?') + params;
const clients = [];
async function connect(params = '', options = {}) {
  const client = new MongoClient(params ? withParams(params) : base, { serverSelectionTimeoutMS: 10_000, ...options });
  clients.push(client);
  await client.connect();
  return client;
}
after(async () => { for (const c of clients) await c.close().catch(() => {}); });
const dbName = (name) => `nd_${name}_${process.pid}`;

for (const mode of ['', 'directConnection=true', 'replicaSet=rs0']) {
  test(`connects and pings (${mode || 'default'})`, async () => {
    const client = await connect(mode);
    const hello = await client.db('admin').command({ hello: 1 });
    assert.equal(hello.isWritablePrimary, true);
    assert.equal(hello.setName, 'rs0');
    assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1, ...pick(await client.db('admin').command({ ping: 1 })) });
  });
}
function pick(reply) { const { ok, ...rest } = reply; return rest; }

test('CRUD: insert, find, update, replace, delete, findOneAndUpdate, count, distinct', async () => {
  const client = await connect();
  const coll = client.db(dbName('crud')).collection('items');
  const ins = await coll.insertMany([{ _id: 1, k: 'a', n: 1 }, { _id: 2, k: 'b', n: 2 }, { _id: 3, k: 'a', n: 3 }]);
  assert.equal(ins.insertedCount, 3);
  assert.equal((await coll.findOne({ _id: 2 })).k, 'b');
  const upd = await coll.updateMany({ k: 'a' }, { $inc: { n: 10 } });
  assert.equal(upd.matchedCount, 2);
  assert.equal(upd.modifiedCount, 2);
  const rep = await coll.replaceOne({ _id: 2 }, { k: 'z', n: 0 });
  assert.equal(rep.modifiedCount, 1);
  const ups = await coll.updateOne({ _id: 9 }, { $set: { k: 'u' } }, { upsert: true });
  assert.equal(ups.upsertedId, 9);
  const fam = await coll.findOneAndUpdate({ _id: 1 }, { $set: { touched: true } }, { returnDocument: 'after' });
  assert.equal(fam.touched, true);
  assert.equal(await coll.countDocuments({ k: 'a' }), 2);
  assert.equal(await coll.estimatedDocumentCount(), 4);
  assert.deepEqual((await coll.distinct('k')).sort(), ['a', 'u', 'z']);
  const del = await coll.deleteMany({ k: 'a' });
  assert.equal(del.deletedCount, 2);
  assert.deepEqual((await coll.find({}, { sort: { _id: 1 } }).toArray()).map((d) => d._id), [2, 9]);
});

test('find with a projection returns only the projected fields', async () => {
  const client = await connect();
  const coll = client.db(dbName('proj')).collection('p');
  await coll.insertMany([{ _id: 1, a: 1, b: 2 }, { _id: 2, a: 3, b: 4 }]);
  assert.deepEqual(await coll.find({}, { sort: { _id: 1 }, projection: { a: 1 } }).toArray(), [{ _id: 1, a: 1 }, { _id: 2, a: 3 }]);
});

test('duplicate key errors carry code 11000, keyPattern and keyValue', async () => {
  const client = await connect();
  const coll = client.db(dbName('dup')).collection('users');
  await coll.createIndex({ email: 1 }, { unique: true });
  await coll.insertOne({ email: 'a@x' });
  await assert.rejects(coll.insertOne({ email: 'a@x' }), (e) => {
    assert.equal(e.code, 11000);
    assert.deepEqual(e.keyPattern, { email: 1 });
    assert.deepEqual(e.keyValue, { email: 'a@x' });
    return true;
  });
});

test('a $jsonSchema validator refusal (121) names every violated field in errInfo.details', async () => {
  const client = await connect();
  const db = client.db(dbName('validation'));
  await db.createCollection('photos', {
    validator: { $jsonSchema: {
      bsonType: 'object', required: ['fileName', 'checksumMD5', 'metadata'],
      properties: {
        fileName: { bsonType: 'string', minLength: 1 },
        checksumMD5: { bsonType: 'string', pattern: '^[a-f0-9]{32}$' },
        mimeType: { bsonType: 'string', pattern: '^image/' },
        metadata: { bsonType: 'object', required: ['inspectionType'], properties: { qualityRating: { bsonType: 'int', minimum: 1, maximum: 10 } } },
      },
    } },
    validationLevel: 'strict', validationAction: 'error',
  });
  const photos = db.collection('photos');
  await assert.rejects(photos.insertOne({ _id: 'bad', fileName: '', checksumMD5: 'xyz', mimeType: 'text/plain', metadata: { qualityRating: 11 } }), (e) => {
    assert.equal(e.code, 121);
    assert.equal(e.errInfo.failingDocumentId, 'bad');
    const details = e.errInfo.details;
    assert.equal(details.operatorName, '$jsonSchema');
    const [properties] = details.schemaRulesNotSatisfied;
    assert.equal(properties.operatorName, 'properties');
    assert.deepEqual(properties.propertiesNotSatisfied.map((p) => p.propertyName), ['fileName', 'checksumMD5', 'mimeType', 'metadata']);
    assert.deepEqual(properties.propertiesNotSatisfied[1].details, [
      { operatorName: 'pattern', specifiedAs: { pattern: '^[a-f0-9]{32}$' }, reason: 'regular expression did not match', consideredValue: 'xyz' },
    ]);
    const metadata = properties.propertiesNotSatisfied[3].details;
    assert.deepEqual(metadata[0], { operatorName: 'required', specifiedAs: { required: ['inspectionType'] }, missingProperties: ['inspectionType'] });
    assert.deepEqual(metadata[1].propertiesNotSatisfied[0], {
      propertyName: 'qualityRating',
      details: [{ operatorName: 'maximum', specifiedAs: { maximum: 10 }, reason: 'comparison failed', consideredValue: 11 }],
    });
    return true;
  });
  // insertMany: each refused document has its own errInfo; the valid one is written.
  await assert.rejects(photos.insertMany([
    { _id: 1, fileName: 'a.jpg', checksumMD5: '0123456789abcdef0123456789abcdef', metadata: { inspectionType: 'weld' } },
    { _id: 2, checksumMD5: '0123456789abcdef0123456789abcdef', metadata: { inspectionType: 'weld' } },
  ], { ordered: false }), (e) => {
    assert.equal(e.writeErrors.length, 1);
    const info = e.writeErrors[0].errInfo;
    assert.equal(info.failingDocumentId, 2);
    assert.deepEqual(info.details.schemaRulesNotSatisfied[0].missingProperties, ['fileName']);
    return true;
  });
  assert.equal(await photos.countDocuments(), 1);
});

test('bulkWrite with mixed operations, ordered and unordered', async () => {
  const client = await connect();
  const coll = client.db(dbName('bulk')).collection('b');
  const r = await coll.bulkWrite([
    { insertOne: { document: { _id: 1, v: 1 } } },
    { insertOne: { document: { _id: 2, v: 2 } } },
    { updateOne: { filter: { _id: 1 }, update: { $set: { v: 10 } } } },
    { deleteOne: { filter: { _id: 2 } } },
    { replaceOne: { filter: { _id: 3 }, replacement: { v: 3 }, upsert: true } },
  ]);
  assert.equal(r.insertedCount, 2);
  assert.equal(r.modifiedCount, 1);
  assert.equal(r.deletedCount, 1);
  assert.equal(r.upsertedCount, 1);
  await assert.rejects(coll.bulkWrite([{ insertOne: { document: { _id: 1 } } }, { insertOne: { document: { _id: 4 } } }], { ordered: false }),
    (e) => { assert.equal(e.writeErrors?.length ?? e.result?.getWriteErrorCount?.(), 1); return true; });
  assert.ok(await coll.findOne({ _id: 4 }));
});

test('aggregation: $match, $group, $sort, $project', async () => {
  const client = await connect();
  const coll = client.db(dbName('agg')).collection('sales');
  await coll.insertMany([{ item: 'a', qty: 2 }, { item: 'b', qty: 5 }, { item: 'a', qty: 3 }]);
  const out = await coll.aggregate([
    { $group: { _id: '$item', total: { $sum: '$qty' } } },
    { $sort: { _id: 1 } },
    { $project: { _id: 0, item: '$_id', total: 1 } },
  ]).toArray();
  assert.deepEqual(out, [{ total: 5, item: 'a' }, { total: 5, item: 'b' }].map((d) => ({ total: d.total, item: d.item })));
});

test('indexes: create, list, drop', async () => {
  const client = await connect();
  const coll = client.db(dbName('idx')).collection('i');
  await coll.insertOne({ a: 1, b: 1 });
  assert.equal(await coll.createIndex({ a: 1, b: -1 }, { name: 'ab' }), 'ab');
  const names = (await coll.listIndexes().toArray()).map((i) => i.name);
  assert.deepEqual(names.sort(), ['_id_', 'ab']);
  await coll.dropIndex('ab');
  assert.deepEqual((await coll.listIndexes().toArray()).map((i) => i.name), ['_id_']);
});

test('cursors over several batches (getMore) and killCursors', async () => {
  const client = await connect();
  const coll = client.db(dbName('cur')).collection('c');
  await coll.insertMany(Array.from({ length: 1000 }, (_, i) => ({ _id: i, pad: 'x'.repeat(100) })));
  const cursor = coll.find({}, { batchSize: 37, sort: { _id: 1 } });
  let n = 0;
  for await (const doc of cursor) { assert.equal(doc._id, n); n++; }
  assert.equal(n, 1000);
  const partial = coll.find({}, { batchSize: 10 });
  await partial.next();
  await partial.close();
});

test('listDatabases, listCollections, create, drop, rename, dropDatabase', async () => {
  const client = await connect();
  const db = client.db(dbName('cat'));
  await db.createCollection('one');
  await db.collection('two').insertOne({});
  assert.deepEqual((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort(), ['one', 'two']);
  await db.collection('two').rename('three');
  assert.ok((await client.db('admin').admin().listDatabases()).databases.some((d) => d.name === db.databaseName));
  assert.equal(await db.collection('one').drop(), true);
  await db.dropDatabase();
});

test('retryable writes: an insert failing once with a retryable error is applied exactly once', async () => {
  const client = await connect('retryWrites=true');
  const admin = client.db('admin');
  const coll = client.db(dbName('retry')).collection('r');
  await coll.insertOne({ _id: 0 });
  await admin.command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], errorCode: 91, closeConnection: false } });
  await coll.insertOne({ _id: 1 });
  assert.equal(await coll.countDocuments({ _id: 1 }), 1);
  await admin.command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], closeConnection: true } });
  await coll.insertOne({ _id: 2 });
  assert.equal(await coll.countDocuments({}), 3);
});

test('transactions: withTransaction across two collections commits atomically; abort discards', async () => {
  const client = await connect();
  const db = client.db(dbName('txn'));
  await db.createCollection('accounts');
  await db.createCollection('log');
  await db.collection('accounts').insertMany([{ _id: 'a', balance: 100 }, { _id: 'b', balance: 0 }]);
  const session = client.startSession();
  try {
    await session.withTransaction(async () => {
      await db.collection('accounts').updateOne({ _id: 'a' }, { $inc: { balance: -30 } }, { session });
      await db.collection('accounts').updateOne({ _id: 'b' }, { $inc: { balance: 30 } }, { session });
      await db.collection('log').insertOne({ from: 'a', to: 'b', amount: 30 }, { session });
    });
    assert.equal((await db.collection('accounts').findOne({ _id: 'b' })).balance, 30);
    assert.equal(await db.collection('log').countDocuments(), 1);
    session.startTransaction();
    await db.collection('log').insertOne({ discarded: true }, { session });
    await session.abortTransaction();
    assert.equal(await db.collection('log').countDocuments(), 1);
  } finally {
    await session.endSession();
  }
});

test('change streams: insert, update (updateDescription) and delete events, resume from a token', async () => {
  const client = await connect();
  const coll = client.db(dbName('cs')).collection('w');
  await coll.insertOne({ _id: 0 });
  const stream = coll.watch([], { maxAwaitTimeMS: 200 });
  await stream.tryNext();
  await coll.insertOne({ _id: 1, v: 1 });
  await coll.updateOne({ _id: 1 }, { $set: { v: 2 } });
  await coll.deleteOne({ _id: 1 });
  const ins = await stream.next();
  assert.equal(ins.operationType, 'insert');
  assert.equal(ins.fullDocument.v, 1);
  const upd = await stream.next();
  assert.equal(upd.operationType, 'update');
  assert.deepEqual(upd.updateDescription.updatedFields, { v: 2 });
  const del = await stream.next();
  assert.equal(del.operationType, 'delete');
  await stream.close();
  const resumed = coll.watch([], { resumeAfter: ins._id, maxAwaitTimeMS: 200 });
  assert.equal((await resumed.next()).operationType, 'update');
  await resumed.close();
});

test('GridFS: 20 MB upload and download are byte-for-byte equal', async () => {
  const client = await connect();
  const bucket = new GridFSBucket(client.db(dbName('gridfs')));
  const data = crypto.randomBytes(20 * 1024 * 1024);
  const id = await new Promise((resolve, reject) => {
    const up = bucket.openUploadStream('big.bin');
    up.once('finish', () => resolve(up.id));
    up.once('error', reject);
    up.end(data);
  });
  const chunks = [];
  for await (const chunk of bucket.openDownloadStream(id)) chunks.push(chunk);
  const back = Buffer.concat(chunks);
  assert.equal(back.length, data.length);
  assert.ok(back.equals(data));
});
