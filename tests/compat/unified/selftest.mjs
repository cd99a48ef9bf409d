// Offline self-tests of the unified runner: matching rules, expectError evaluation, runOnRequirements and schema
// version checks. No server needed.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BSON, MongoServerError, MongoNetworkError, MongoBulkWriteError } from 'mongodb';
import { matchValue, mismatch } from './match.mjs';
import { assertExpectedError, isServerError } from './expect-error.mjs';
import { requirementsProblem, schemaVersionProblem, compareVersions } from './requirements.mjs';
import { loadTestFile, lackingFeature, buildUri, resultToDocument } from './runner.mjs';

const { Int32, Long, Double, ObjectId, Binary, Decimal128, Timestamp } = BSON;
const ej = (s) => loadTestFile(s);
const ok = (expected, actual, ctx) => assert.equal(mismatch(expected, actual, ctx), null);
const bad = (expected, actual, ctx) => assert.notEqual(mismatch(expected, actual, ctx), null, `${JSON.stringify(expected)} must not match`);

describe('matching', () => {
  test('root documents allow extra keys, nested documents do not', () => {
    ok({ x: 1 }, { x: 1, y: 2 });
    bad({ x: 1, y: 1 }, { x: 1 });
    bad({ x: { y: 1 } }, { x: { y: 1, z: 1 } });
    ok({ x: { y: 1 } }, { x: { y: 1 } });
    ok({ x: 1, y: 1 }, { y: 1, x: 1 }, {}); // key order does not matter
  });

  test('array elements are root documents only for iterable results', () => {
    bad([{ x: 1 }], [{ x: 1, y: 1 }]);
    ok([{ x: 1 }], [{ x: 1, y: 1 }], { rootArrayElements: true });
    bad({ a: [{ x: 1 }] }, { a: [{ x: 1, y: 1 }] }, { rootArrayElements: true });
  });

  test('arrays must have the same length', () => {
    bad([1, 2, 3], [1, 2, 3, 4]);
    bad([1, 2, 3, 4], [1, 2, 3]);
    ok([1, 2, 3], [1, 2, 3]);
    bad({ a: [] }, { a: {} });
  });

  test('numbers compare across int, long and double', () => {
    const exp = ej('{"a": {"$numberInt": "1"}, "b": {"$numberLong": "1"}, "c": {"$numberDouble": "1.0"}}');
    ok(exp, { a: 1, b: 1, c: 1 });
    ok(exp, { a: new Long(1), b: new Double(1), c: new Int32(1) });
    ok(exp, { a: 1n, b: 1, c: 1.0 });
    bad({ a: new Int32(1) }, { a: 1.5 });
    bad({ a: 1 }, { a: '1' });
    ok({ a: Long.fromString('9007199254740993') }, { a: 9007199254740993n });
    bad({ a: Long.fromString('9007199254740993') }, { a: 9007199254740992n });
  });

  test('other BSON types compare by value and type', () => {
    const id = new ObjectId();
    ok({ _id: id }, { _id: new ObjectId(id.toHexString()) });
    bad({ _id: id }, { _id: id.toHexString() });
    ok({ b: new Binary(Buffer.from('ab'), 4) }, { b: new Binary(Buffer.from('ab'), 4) });
    bad({ b: new Binary(Buffer.from('ab'), 4) }, { b: new Binary(Buffer.from('ab'), 0) });
    ok({ d: new Date(5) }, { d: new Date(5) });
    bad({ d: Decimal128.fromString('1.0') }, { d: 1 });
    ok({ t: new Timestamp({ t: 1, i: 2 }) }, { t: new Timestamp({ t: 1, i: 2 }) });
    ok({ n: null }, { n: null });
    bad({ n: null }, {});
  });

  test('$$exists', () => {
    ok({ a: { $$exists: true } }, { a: null });
    bad({ a: { $$exists: true } }, {});
    ok({ a: { $$exists: false } }, { b: 1 });
    bad({ a: { $$exists: false } }, { a: 1 });
    ok({ x: { a: { $$exists: false } } }, { x: {} }); // not an extra key in nested documents
  });

  test('$$type with single names, aliases and arrays', () => {
    ok({ a: { $$type: 'string' } }, { a: 'x' });
    bad({ a: { $$type: 'string' } }, { a: 1 });
    bad({ a: { $$type: 'string' } }, {});
    ok({ a: { $$type: 'number' } }, { a: new Long(5) });
    ok({ a: { $$type: 'number' } }, { a: 2.5 });
    bad({ a: { $$type: 'number' } }, { a: '5' });
    ok({ a: { $$type: ['int', 'long'] } }, { a: new Long(5) });
    bad({ a: { $$type: ['int', 'long'] } }, { a: 2.5 });
    ok({ a: { $$type: 'objectId' } }, { a: new ObjectId() });
    ok({ a: { $$type: 'array' } }, { a: [1, 'x'] });
    ok({ a: { $$type: 'object' } }, { a: { b: 1 } });
    ok({ a: { $$type: 'date' } }, { a: new Date() });
    ok({ a: { $$type: 'binData' } }, { a: new Binary(Buffer.alloc(1)) });
    ok({ $$type: 'double' }, new Double(1));
    bad({ $$type: 'int' }, new Double(1));
    assert.throws(() => matchValue({ a: { $$type: 'nonsense' } }, { a: 1 }));
  });

  test('$$unsetOrMatches', () => {
    ok({ insertedId: { $$unsetOrMatches: 2 } }, {});
    ok({ insertedId: { $$unsetOrMatches: 2 } }, { insertedId: 2 });
    bad({ insertedId: { $$unsetOrMatches: 2 } }, { insertedId: 3 });
    ok({ $$unsetOrMatches: { insertedId: { $$unsetOrMatches: 2 } } }, undefined);
    ok({ $$unsetOrMatches: { n: 1 } }, { n: 1, extra: true }); // keeps root-ness
    ok({ x: { $$unsetOrMatches: { y: { $$type: 'int' } } } }, { x: { y: 4 } });
  });

  test('$$matchesEntity, $$sessionLsid, $$matchesHexBytes, $$lte', () => {
    const entities = new Map([['id0', new ObjectId('0123456789abcdef01234567')]]);
    ok({ _id: { $$matchesEntity: 'id0' } }, { _id: new ObjectId('0123456789abcdef01234567') }, { entities });
    bad({ _id: { $$matchesEntity: 'id0' } }, { _id: new ObjectId() }, { entities });
    assert.throws(() => matchValue({ _id: { $$matchesEntity: 'missing' } }, { _id: 1 }, { entities }));
    const lsid = { id: new Binary(Buffer.alloc(16, 7), 4) };
    ok({ lsid: { $$sessionLsid: 's0' } }, { lsid: { id: new Binary(Buffer.alloc(16, 7), 4) } }, { sessionLsid: (n) => (n === 's0' ? lsid : undefined) });
    bad({ lsid: { $$sessionLsid: 's0' } }, { lsid: { id: new Binary(Buffer.alloc(16, 8), 4) } }, { sessionLsid: () => lsid });
    ok({ $$matchesHexBytes: '12AB' }, '12ab');
    ok({ $$matchesHexBytes: '' }, '');
    bad({ $$matchesHexBytes: '12AB' }, '12ac');
    assert.throws(() => matchValue({ $$matchesHexBytes: 'ABC' }, 'abc0'));
    ok({ n: { $$lte: 5 } }, { n: 5.0 });
    ok({ n: { $$lte: 1 } }, { n: 0 });
    bad({ n: { $$lte: 1 } }, { n: 1.1 });
  });

  test('$$matchAsDocument and $$matchAsRoot', () => {
    const ctx = { parseEJSON: (s) => BSON.EJSON.parse(s, { relaxed: false }) };
    ok({ c: { $$matchAsDocument: { a: 1 } } }, { c: '{"a": {"$numberInt": "1"}}' }, ctx);
    bad({ c: { $$matchAsDocument: { a: 1 } } }, { c: '{"a": 1, "b": 2}' }, ctx);
    ok({ c: { $$matchAsDocument: { $$matchAsRoot: { a: 1 } } } }, { c: '{"a": 1, "b": 2}' }, ctx);
    ok({ x: { $$matchAsRoot: { a: 1 } } }, { x: { a: 1, b: 2 } });
  });

  test('outcome comparison is exact', () => {
    bad([{ _id: 1 }], [{ _id: 1, x: 1 }], { exact: true });
    ok([{ _id: 1, x: { y: 2 } }], [{ x: { y: 2 }, _id: 1 }], { exact: true });
    bad([{ _id: 1 }], [{ _id: 1 }, { _id: 2 }], { exact: true });
  });
});

describe('expectError', () => {
  const serverError = (fields) => new MongoServerError({ ok: 0, errmsg: 'E11000 duplicate key error', code: 11000, codeName: 'DuplicateKey', ...fields });

  test('isError, isClientError and success', () => {
    assert.throws(() => assertExpectedError({ isError: true }, undefined));
    assertExpectedError({ isError: true }, new Error('x'));
    assertExpectedError({ isClientError: true }, new MongoNetworkError('connection closed'));
    assert.throws(() => assertExpectedError({ isClientError: true }, serverError()));
    assertExpectedError({ isClientError: false }, serverError());
    assert.equal(isServerError(serverError()), true);
    assert.equal(isServerError(new TypeError('bad argument')), false);
  });

  test('errorContains, errorCode, errorCodeName', () => {
    const e = serverError();
    assertExpectedError({ errorContains: 'DUPLICATE key', errorCode: 11000, errorCodeName: 'duplicatekey' }, e);
    assert.throws(() => assertExpectedError({ errorContains: 'other' }, e));
    assert.throws(() => assertExpectedError({ errorCode: 2 }, e));
    assert.throws(() => assertExpectedError({ errorCodeName: 'BadValue' }, e));
  });

  test('errorLabelsContain and errorLabelsOmit', () => {
    const e = serverError({ errorLabels: ['TransientTransactionError'] });
    assertExpectedError({ errorLabelsContain: ['TransientTransactionError'], errorLabelsOmit: ['RetryableWriteError'] }, e);
    assert.throws(() => assertExpectedError({ errorLabelsContain: ['RetryableWriteError'] }, e));
    assert.throws(() => assertExpectedError({ errorLabelsOmit: ['TransientTransactionError'] }, e));
  });

  test('errorResponse matches as a root document', () => {
    const e = serverError({ extra: 1 });
    assertExpectedError({ errorResponse: { code: 11000 } }, e);
    assert.throws(() => assertExpectedError({ errorResponse: { code: 1 } }, e));
  });

  test('bulk write errors: aggregated codes and the partial result', () => {
    const err = new MongoBulkWriteError(
      { message: 'write error', code: 11000, writeErrors: [{ index: 1, code: 11000, errmsg: 'E11000 duplicate key', errInfo: {} }] },
      { insertedCount: 1, matchedCount: 0, modifiedCount: 0, deletedCount: 0, upsertedCount: 0, upsertedIds: {}, insertedIds: { 0: 1 } });
    // Fake bulk errors are built from plain data: check the evaluation is driven by writeErrors and result.
    const fake = Object.assign(err, {
      writeErrors: [{ index: 1, code: 11000, errmsg: 'E11000 duplicate key' }],
      result: { insertedCount: 1, matchedCount: 0, modifiedCount: 0, deletedCount: 0, upsertedCount: 0, upsertedIds: {}, insertedIds: { 0: 1 } },
    });
    assertExpectedError({ errorCode: 11000, errorContains: 'duplicate', expectResult: { $$unsetOrMatches: { insertedCount: 1, deletedCount: 0 } } }, fake, { resultToDocument });
    assert.throws(() => assertExpectedError({ expectResult: { insertedCount: 2 } }, fake, { resultToDocument }));
  });
});

describe('runOnRequirements', () => {
  const info = { version: [7, 0, 12], topology: 'replicaset', auth: false, serverless: false, csfle: false, serverParameters: { featureCompatibilityVersion: { version: '7.0' }, requireApiVersion: false, transactionLifetimeLimitSeconds: 60 } };

  test('versions compare numerically and ignore suffixes', () => {
    assert.equal(compareVersions('4.0.10', '4.0.9'), 1);
    assert.equal(compareVersions('4.0.10', '4.2'), -1);
    assert.equal(compareVersions('4.9.0-alpha4-271-g7d5cf02', '4.9'), 0);
    assert.equal(compareVersions('7', '7.0.0'), 0);
  });

  test('server version bounds', () => {
    assert.equal(requirementsProblem([{ minServerVersion: '4.2' }], info), null);
    assert.match(requirementsProblem([{ minServerVersion: '8.0' }], info), /minServerVersion 8\.0 \(server is 7\.0\.12\)/);
    assert.match(requirementsProblem([{ maxServerVersion: '6.99' }], info), /maxServerVersion/);
    assert.equal(requirementsProblem([{ minServerVersion: '7.0.12', maxServerVersion: '7.0.12' }], info), null);
  });

  test('any one satisfied requirement is enough', () => {
    assert.equal(requirementsProblem([{ minServerVersion: '9.0' }, { topologies: ['replicaset'] }], info), null);
    const why = requirementsProblem([{ minServerVersion: '9.0' }, { topologies: ['sharded', 'load-balanced'] }], info);
    assert.match(why, /minServerVersion 9\.0.* or .*topologies/);
  });

  test('topologies, serverless, auth, csfle', () => {
    assert.match(requirementsProblem([{ topologies: ['single'] }], info), /server is replicaset/);
    assert.match(requirementsProblem([{ topologies: ['sharded-replicaset'] }], { ...info, topology: 'single' }), /topologies/);
    assert.equal(requirementsProblem([{ topologies: ['sharded-replicaset'] }], { ...info, topology: 'sharded' }), null);
    assert.equal(requirementsProblem([{ serverless: 'forbid' }], info), null);
    assert.match(requirementsProblem([{ serverless: 'require' }], info), /serverless/);
    assert.match(requirementsProblem([{ auth: true }], info), /auth/);
    assert.equal(requirementsProblem([{ auth: false }], info), null);
    assert.match(requirementsProblem([{ csfle: true }], info), /csfle/);
    assert.equal(requirementsProblem([{ csfle: false }], info), null);
  });

  test('serverParameters compare flexibly; unknown parameters do not match', () => {
    assert.equal(requirementsProblem([{ serverParameters: { requireApiVersion: false } }], info), null);
    assert.equal(requirementsProblem([{ serverParameters: { transactionLifetimeLimitSeconds: new Long(60) } }], info), null);
    assert.match(requirementsProblem([{ serverParameters: { enableTestCommands: true } }], info), /enableTestCommands/);
    assert.match(requirementsProblem([{ serverParameters: { requireApiVersion: true } }], { ...info, serverParameters: null }), /requireApiVersion/);
  });
});

describe('test files', () => {
  test('schemaVersion: same major and not newer than supported', () => {
    assert.equal(schemaVersionProblem('1.0'), null);
    assert.equal(schemaVersionProblem('1.28'), null);
    assert.equal(schemaVersionProblem('1.4.2'), null);
    assert.match(schemaVersionProblem('1.29'), /not supported/);
    assert.match(schemaVersionProblem('2.0'), /not supported/);
    assert.match(schemaVersionProblem('0.9'), /not supported/);
    assert.match(schemaVersionProblem(undefined), /missing/);
  });

  test('files load as canonical Extended JSON, keeping numeric types', () => {
    const f = loadTestFile('{"schemaVersion":"1.0","tests":[{"description":"d","operations":[{"name":"x","object":"y","arguments":{"a":{"$numberLong":"5"},"b":1}}]}]}');
    const args = f.tests[0].operations[0].arguments;
    assert.equal(args.a._bsontype, 'Long');
    assert.equal(args.b._bsontype, 'Int32');
  });

  test('features the runner lacks are named as skip reasons', () => {
    assert.match(lackingFeature({ createEntities: [{ clientEncryption: { id: 'ce' } }] }, { operations: [] }), /clientEncryption/);
    assert.match(lackingFeature({}, { operations: [{ name: 'createSearchIndex', object: 'c' }] }), /createSearchIndex/);
    assert.match(lackingFeature({}, { operations: [], expectLogMessages: [] }), /expectLogMessages/);
    assert.equal(lackingFeature({}, { operations: [{ name: 'insertOne', object: 'c' }] }), null);
  });

  test('client URIs take uriOptions over the base options', () => {
    assert.equal(buildUri('mongodb://127.0.0.1:27017/', { retryWrites: false }), 'mongodb://127.0.0.1:27017/?retryWrites=false');
    assert.equal(buildUri('mongodb://h:1/?retryWrites=true&w=1', { retryWrites: false }), 'mongodb://h:1/?w=1&retryWrites=false');
    assert.equal(buildUri('mongodb://a:1,b:2/?replicaSet=rs0', {}, { forceSingleHost: true }), 'mongodb://a:1/?replicaSet=rs0');
    assert.equal(buildUri('mongodb://h:1', { heartbeatFrequencyMS: new Int32(500) }), 'mongodb://h:1/?heartbeatFrequencyMS=500');
  });

  test('every crud-unified spec file loads and has a supported schema version', { skip: !specDir() && 'mongo-spec not found beside the repository' }, () => {
    const dir = specDir();
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 100);
    for (const f of files) {
      const file = loadTestFile(fs.readFileSync(path.join(dir, f), 'utf8'));
      assert.equal(schemaVersionProblem(file.schemaVersion), null, f);
      assert.ok(Array.isArray(file.tests) && file.tests.length > 0, f);
    }
  });
});

function specDir() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [process.env.OUTPOST_SPEC && path.join(process.env.OUTPOST_SPEC, 'crud-unified'), path.resolve(here, '../../../../shared/mongo-spec/crud-unified')];
  return candidates.find((c) => c && fs.existsSync(c));
}
