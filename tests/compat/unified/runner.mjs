// Executes unified-format test files with the official Node.js driver (see docs/unified-test-format.md in mongo-spec).
import { MongoClient, GridFSBucket, ReadPreference, BSON } from 'mongodb';
import { Readable } from 'node:stream';
import { matchValue, isDocument, parseHex, fmt } from './match.mjs';
import { assertExpectedError } from './expect-error.mjs';
import { requirementsProblem, schemaVersionProblem } from './requirements.mjs';

const { EJSON } = BSON;

/** A test that needs something this runner deliberately does not implement: reported as a skip naming it. */
export class Unsupported extends Error {
  constructor(what) { super(`runner lacks ${what}`); this.name = 'Unsupported'; }
}

// Operations and entity types deliberately not implemented (the spec lets a runner skip these).
const UNSUPPORTED_OPS = new Set(['createSearchIndex', 'createSearchIndexes', 'dropSearchIndex', 'listSearchIndexes', 'updateSearchIndex',
  'recordTopologyDescription', 'assertTopologyType', 'waitForPrimaryChange', 'runOnThread', 'waitForThread', 'appendMetadata',
  'createDataKey', 'rewrapManyDataKey', 'encrypt', 'decrypt', 'getKeys', 'getKey', 'addKeyAltName', 'removeKeyAltName', 'deleteKey',
  'getKeyByAltName', 'downloadToStream', 'downloadToStreamByName', 'openUploadStream', 'openUploadStreamWithId', 'uploadFromStream',
  'getSnapshotTime', 'loop']);
const UNSUPPORTED_ENTITIES = new Set(['clientEncryption', 'thread']);
const SENSITIVE_COMMANDS = new Set(['authenticate', 'saslstart', 'saslcontinue', 'getnonce', 'createuser', 'updateuser', 'copydbgetnonce', 'copydbsaslstart', 'copydb']);

const CMAP_EVENTS = {
  poolCreatedEvent: 'connectionPoolCreated', poolReadyEvent: 'connectionPoolReady', poolClearedEvent: 'connectionPoolCleared',
  poolClosedEvent: 'connectionPoolClosed', connectionCreatedEvent: 'connectionCreated', connectionReadyEvent: 'connectionReady',
  connectionClosedEvent: 'connectionClosed', connectionCheckOutStartedEvent: 'connectionCheckOutStarted',
  connectionCheckOutFailedEvent: 'connectionCheckOutFailed', connectionCheckedOutEvent: 'connectionCheckedOut',
  connectionCheckedInEvent: 'connectionCheckedIn',
};
const SDAM_EVENTS = {
  serverDescriptionChangedEvent: 'serverDescriptionChanged', serverHeartbeatStartedEvent: 'serverHeartbeatStarted',
  serverHeartbeatSucceededEvent: 'serverHeartbeatSucceeded', serverHeartbeatFailedEvent: 'serverHeartbeatFailed',
  topologyDescriptionChangedEvent: 'topologyDescriptionChanged', topologyOpeningEvent: 'topologyOpening', topologyClosedEvent: 'topologyClosed',
};
const COMMAND_EVENTS = { commandStartedEvent: 'commandStarted', commandSucceededEvent: 'commandSucceeded', commandFailedEvent: 'commandFailed' };
const EVENT_GROUP = { ...Object.fromEntries(Object.keys(COMMAND_EVENTS).map((k) => [k, 'command'])),
  ...Object.fromEntries(Object.keys(CMAP_EVENTS).map((k) => [k, 'cmap'])), ...Object.fromEntries(Object.keys(SDAM_EVENTS).map((k) => [k, 'sdam'])) };

const TXN_STATES = { NO_TRANSACTION: 'none', STARTING_TRANSACTION: 'starting', TRANSACTION_IN_PROGRESS: 'in_progress',
  TRANSACTION_COMMITTED: 'committed', TRANSACTION_COMMITTED_EMPTY: 'committed', TRANSACTION_ABORTED: 'aborted' };

// Operations whose iterable results hold root-level documents (extra fields allowed in each element).
const ROOT_ARRAY_OPS = new Set(['find', 'aggregate', 'listCollections', 'listDatabases', 'listIndexes', 'runCursorCommand', 'listSearchIndexes']);

/** Whether the operation returned a wrapped raw result — possibly null (findOneAndUpdate matching nothing); testing
 *  `result?.__raw ?? x` instead would replace a raw null by x, the wrapper itself. */
function hasRaw(result) {
  return result !== null && typeof result === 'object' && Object.prototype.hasOwnProperty.call(result, '__raw');
}

/** Loads a test file as canonical/relaxed Extended JSON, keeping int/long/double wrappers. */
export function loadTestFile(text) {
  return EJSON.parse(text, { relaxed: false });
}

/** Returns the reason a test must be skipped for a feature the runner lacks, or null. */
export function lackingFeature(file, test) {
  const entityLists = [file.createEntities ?? []];
  const ops = [];
  const walk = (list) => {
    for (const op of list ?? []) {
      ops.push(op);
      if (op.name === 'withTransaction') walk(op.arguments?.callback);
      if (op.name === 'createEntities') entityLists.push(op.arguments?.entities ?? []);
      if (op.name === 'runOnThread' && op.arguments?.operation) walk([op.arguments.operation]);
    }
  };
  walk(test.operations);
  for (const list of entityLists) {
    for (const e of list) {
      const kind = Object.keys(e)[0];
      if (UNSUPPORTED_ENTITIES.has(kind)) return `runner lacks the ${kind} entity`;
      const spec = e[kind];
      if (kind === 'client') {
        if (spec.autoEncryptOpts) return 'runner lacks autoEncryptOpts (CSFLE)';
        if (spec.storeEventsAsEntities) return 'runner lacks storeEventsAsEntities';
        if (spec.observeLogMessages) return 'runner lacks observeLogMessages';
        if (spec.observeTracingMessages) return 'runner lacks observeTracingMessages';
        if (JSON.stringify(spec.uriOptions ?? {}).includes('$$placeholder')) return 'runner lacks $$placeholder values for uriOptions';
      }
      if (kind === 'session' && spec.sessionOptions?.snapshotTime) return 'runner lacks snapshotTime session options';
    }
  }
  for (const op of ops) if (UNSUPPORTED_OPS.has(op.name)) return `runner lacks the ${op.name} operation`;
  if (test.expectLogMessages) return 'runner lacks expectLogMessages';
  if (test.expectTracingMessages) return 'runner lacks expectTracingMessages';
  return null;
}

/** Builds the client's connection string: the runner's URI with uriOptions overriding same-named options. */
export function buildUri(baseUri, uriOptions = {}, { forceSingleHost = false } = {}) {
  const qIndex = baseUri.indexOf('?');
  let base = qIndex >= 0 ? baseUri.slice(0, qIndex) : baseUri;
  const query = qIndex >= 0 ? baseUri.slice(qIndex + 1).split('&').filter(Boolean) : [];
  const overridden = new Set(Object.keys(uriOptions).map((k) => k.toLowerCase()));
  const params = query.filter((p) => !overridden.has(decodeURIComponent(p.split('=')[0]).toLowerCase()));
  if (forceSingleHost) {
    const m = /^(mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?)([^/]*)(.*)$/.exec(base);
    if (m && m[2].includes(',')) base = m[1] + m[2].split(',')[0] + m[3];
  }
  const enc = (v) => encodeURIComponent(String(v));
  for (const [k, v] of Object.entries(uriOptions)) {
    if (k === 'readPreferenceTags' && Array.isArray(v)) { for (const tag of v) params.push(`${k}=${enc(tag)}`); continue; }
    if (isDocument(v)) { params.push(`${k}=${enc(Object.entries(v).map(([a, b]) => `${a}:${b}`).join(','))}`); continue; }
    const scalar = v?._bsontype ? Number(v.valueOf?.() ?? v.value ?? v) : v;
    params.push(`${k}=${enc(scalar)}`);
  }
  if (!base.endsWith('/') && !/\/[^/]*$/.test(base.replace(/^mongodb(\+srv)?:\/\//, ''))) base += '/';
  return params.length ? `${base}?${params.join('&')}` : base;
}

/** Converts JS values that came from EJSON (Int32/Double wrappers) into what the driver API takes as options. */
function plain(v) {
  if (v === null || typeof v !== 'object') return v;
  if (v._bsontype === 'Int32' || v._bsontype === 'Double') return v.value;
  return v;
}

function readPreferenceOf(rp) {
  if (!rp) return undefined;
  return new ReadPreference(rp.mode, rp.tagSets, { maxStalenessSeconds: plain(rp.maxStalenessSeconds), hedge: rp.hedge });
}
function writeConcernOf(wc) {
  if (!wc) return undefined;
  const out = {};
  if (wc.w !== undefined) out.w = plain(wc.w);
  if (wc.journal !== undefined) out.journal = wc.journal;
  if (wc.wtimeoutMS !== undefined) out.wtimeoutMS = plain(wc.wtimeoutMS);
  return out;
}
function collOrDbOptions(o = {}) {
  const out = {};
  if (o.readConcern) out.readConcern = o.readConcern;
  if (o.readPreference) out.readPreference = readPreferenceOf(o.readPreference);
  if (o.writeConcern) out.writeConcern = writeConcernOf(o.writeConcern);
  if (o.timeoutMS !== undefined) out.timeoutMS = plain(o.timeoutMS);
  return out;
}
function transactionOptions(o = {}) {
  const out = { ...o };
  if (o.readPreference) out.readPreference = readPreferenceOf(o.readPreference);
  if (o.writeConcern) out.writeConcern = writeConcernOf(o.writeConcern);
  if (o.maxCommitTimeMS !== undefined) out.maxCommitTimeMS = plain(o.maxCommitTimeMS);
  return out;
}

/** Deep-converts option numbers from EJSON wrappers (only top-level scalar options; documents stay BSON-typed). */
function options(args, exclude = []) {
  const out = {};
  for (const [k, v] of Object.entries(args ?? {})) {
    if (exclude.includes(k)) continue;
    if (k === 'readPreference') out[k] = readPreferenceOf(v);
    else if (k === 'writeConcern') out[k] = writeConcernOf(v);
    else out[k] = plain(v);
  }
  if (typeof out.returnDocument === 'string') {
    const rd = out.returnDocument.toLowerCase();
    if (rd !== 'before' && rd !== 'after') throw new Error(`returnDocument must be Before or After, not ${args.returnDocument}`);
    out.returnDocument = rd;
  }
  return out;
}

/** Driver result objects as the documents the spec describes. */
export function resultToDocument(r) {
  if (r === null || r === undefined || typeof r !== 'object') return r;
  const mapToDoc = (m) => (m instanceof Map ? Object.fromEntries([...m.entries()].map(([k, v]) => [String(k), resultToDocument(v)])) : m);
  const ctor = r.constructor?.name;
  if (ctor === 'BulkWriteResult' || ('insertedCount' in r && 'upsertedIds' in r && 'matchedCount' in r)) {
    return { insertedCount: r.insertedCount, matchedCount: r.matchedCount, modifiedCount: r.modifiedCount, deletedCount: r.deletedCount,
      upsertedCount: r.upsertedCount, upsertedIds: { ...(r.upsertedIds ?? {}) }, insertedIds: { ...(r.insertedIds ?? {}) } };
  }
  if (ctor === 'ClientBulkWriteResult' || ('insertResults' in r || 'updateResults' in r || 'deleteResults' in r)) {
    const out = { insertedCount: r.insertedCount, upsertedCount: r.upsertedCount, matchedCount: r.matchedCount, modifiedCount: r.modifiedCount, deletedCount: r.deletedCount };
    if (r.insertResults) out.insertResults = mapToDoc(r.insertResults);
    if (r.updateResults) out.updateResults = mapToDoc(r.updateResults);
    if (r.deleteResults) out.deleteResults = mapToDoc(r.deleteResults);
    return out;
  }
  if ('acknowledged' in r) {
    const { acknowledged, ...rest } = r;
    if (rest.upsertedId === null || rest.upsertedId === undefined) delete rest.upsertedId;
    return rest;
  }
  return r;
}

function toArrayResult(list) { return list.map((d) => resultToDocument(d)); }

/** Per-client bookkeeping: observed events and checked-out connection count. */
class ClientEntity {
  constructor(client, spec) {
    this.client = client;
    this.spec = spec;
    this.events = [];            // { type: 'commandStartedEvent', event, group }
    this.allCommandStarts = [];  // for lsid assertions, regardless of ignore lists
    this.checkedOut = 0;
    this.listening = true;
    this.ignored = new Set((spec.ignoreCommandMonitoringEvents ?? []).map(String));
    this.failPointRequestIds = new Set();
  }
}

export class UnifiedRunner {
  /** @param {{ uri: string, serverless?: boolean, log?: (s: string) => void, testTimeoutMS?: number }} config */
  constructor(config) {
    this.uri = config.uri;
    this.serverless = !!config.serverless;
    this.testTimeoutMS = config.testTimeoutMS ?? 30_000;
    this.log = config.log ?? (() => {});
    this.internal = null;
    this.info = null;
  }

  async init() {
    this.internal = new MongoClient(this.uri, { serverSelectionTimeoutMS: 10_000, connectTimeoutMS: 10_000 });
    await this.internal.connect();
    const admin = this.internal.db('admin');
    const buildInfo = await admin.command({ buildInfo: 1 });
    const hello = await admin.command({ hello: 1 }).catch(() => admin.command({ isMaster: 1 }));
    let topology = 'single';
    if (hello.msg === 'isdbgrid') topology = 'sharded';
    else if (hello.setName) topology = 'replicaset';
    if (hello.serviceId || /loadBalanced=true/i.test(this.uri)) topology = 'load-balanced';
    let serverParameters = null;
    try { serverParameters = await admin.command({ getParameter: '*' }); } catch { serverParameters = null; }
    const auth = /^mongodb(\+srv)?:\/\/[^/@]+@/.test(this.uri);
    this.info = {
      version: (buildInfo.versionArray ?? String(buildInfo.version).split('.')).slice(0, 3).map(Number),
      versionString: buildInfo.version, topology, auth, serverless: this.serverless, csfle: false, serverParameters,
      authMechanisms: serverParameters?.authenticationMechanisms ?? [],
    };
    await this.killAllSessions();
    return this.info;
  }

  async close() { await this.internal?.close(true).catch(() => {}); }

  async killAllSessions() {
    try { await this.internal.db('admin').command({ killAllSessions: [] }); } catch { /* Interrupted/Unauthorized/not supported: nothing to kill */ }
  }

  /**
   * Runs one file; calls report({ file, test, status: 'pass'|'fail'|'skip', reason }) per test.
   * `filter` (substring) selects tests by "file description" or test description.
   */
  async runFile(fileName, text, report, filter) {
    let file;
    try { file = loadTestFile(text); } catch (e) { report({ file: fileName, test: '(load)', status: 'fail', reason: `cannot parse: ${e.message}` }); return; }
    const tests = Array.isArray(file.tests) ? file.tests : [];
    const selected = tests.filter((t) => !filter || `${file.description} ${t.description}`.includes(filter) || fileName.includes(filter));
    const schemaProblem = schemaVersionProblem(file.schemaVersion);
    if (schemaProblem) { for (const t of selected) report({ file: fileName, test: t.description, status: 'fail', reason: schemaProblem }); return; }
    const fileReq = requirementsProblem(file.runOnRequirements, this.info);
    for (const test of selected) {
      const skip = fileReq ?? (test.skipReason ? `skipReason: ${test.skipReason}` : null) ?? requirementsProblem(test.runOnRequirements, this.info) ?? lackingFeature(file, test);
      if (skip) { report({ file: fileName, test: test.description, status: 'skip', reason: skip }); continue; }
      const started = Date.now();
      try {
        await this.runTest(file, test);
        report({ file: fileName, test: test.description, status: 'pass', ms: Date.now() - started });
      } catch (e) {
        if (e instanceof Unsupported) report({ file: fileName, test: test.description, status: 'skip', reason: e.message });
        else report({ file: fileName, test: test.description, status: 'fail', reason: e.stack && process.env.UNIFIED_STACKS ? e.stack : e.message, ms: Date.now() - started });
      }
    }
  }

  async runTest(file, test) {
    const state = { entities: new Map(), kinds: new Map(), failPoints: [], usedTransactions: false, lsids: new Map() };
    let timer;
    const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`test timed out after ${this.testTimeoutMS} ms`)), this.testTimeoutMS); });
    let failed = false;
    try {
      await Promise.race([this.runTestBody(file, test, state), timeout]);
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      clearTimeout(timer);
      await this.cleanup(state, failed);
    }
  }

  async runTestBody(file, test, state) {
    for (const data of file.initialData ?? []) await this.setUpCollection(data);
    await this.createEntities(file.createEntities ?? [], state);
    for (const op of test.operations ?? []) await this.runOperation(op, state);
    for (const c of this.clientsOf(state)) c.listening = false;
    await this.disableFailPoints(state);
    for (const expected of test.expectEvents ?? []) this.assertEvents(expected, state);
    for (const data of test.outcome ?? []) await this.assertOutcome(data);
  }

  clientsOf(state) { return [...state.entities.entries()].filter(([k]) => state.kinds.get(k) === 'client').map(([, v]) => v); }

  async cleanup(state, failed) {
    for (const [name, value] of state.entities) {
      const kind = state.kinds.get(name);
      try {
        if (kind === 'session') await value.endSession();
        else if (kind === 'changeStream' || kind === 'findCursor' || kind === 'commandCursor') await value.close();
      } catch { /* cleanup must not mask the result */ }
    }
    await this.disableFailPoints(state).catch(() => {});
    for (const c of this.clientsOf(state)) await c.client.close(true).catch(() => {});
    if (state.usedTransactions || failed) await this.killAllSessions();
  }

  async disableFailPoints(state) {
    const points = state.failPoints.splice(0);
    for (const { client, name } of points) {
      try { await client.db('admin').command({ configureFailPoint: name, mode: 'off' }); } catch (e) { this.log(`could not disable fail point ${name}: ${e.message}`); }
    }
  }

  async setUpCollection(data) {
    const db = this.internal.db(data.databaseName);
    const majority = { writeConcern: { w: 'majority' } };
    for (const name of [data.collectionName, `enxcol_.${data.collectionName}.esc`, `enxcol_.${data.collectionName}.ecoc`]) {
      try { await db.collection(name).drop(majority); } catch (e) { if (e.code !== 26 && !/ns not found|NamespaceNotFound/i.test(e.message)) throw e; }
    }
    if (data.createOptions) await db.createCollection(data.collectionName, { ...data.createOptions, ...majority });
    if (data.documents?.length) await db.collection(data.collectionName).insertMany(data.documents, majority);
    else if (!data.createOptions) await db.createCollection(data.collectionName, majority);
  }

  async assertOutcome(data) {
    const docs = await this.internal.db(data.databaseName)
      .collection(data.collectionName, { readPreference: ReadPreference.primary, readConcern: { level: 'local' } })
      .find({}, { sort: { _id: 1 } }).toArray();
    // Outcome documents must match exactly (no extra fields at any level), key order aside.
    matchValue(data.documents, docs, { exact: true, path: `outcome ${data.databaseName}.${data.collectionName}` });
  }

  // ---- entities --------------------------------------------------------------------------------------------------
  put(state, name, kind, value) {
    if (state.entities.has(name)) throw new Error(`entity "${name}" already exists`);
    state.entities.set(name, value);
    state.kinds.set(name, kind);
  }

  get(state, name, kind) {
    if (!state.entities.has(name)) throw new Error(`entity "${name}" is not defined`);
    const actualKind = state.kinds.get(name);
    if (kind && (Array.isArray(kind) ? !kind.includes(actualKind) : actualKind !== kind)) throw new Error(`entity "${name}" is a ${actualKind}, not a ${kind}`);
    return state.entities.get(name);
  }

  async createEntities(list, state) {
    for (const entry of list) {
      const keys = Object.keys(entry);
      if (keys.length !== 1) throw new Error(`an entity must have exactly one type key, got ${keys.join(', ')}`);
      const kind = keys[0];
      const spec = entry[kind];
      switch (kind) {
        case 'client': this.put(state, spec.id, 'client', await this.createClient(spec)); break;
        case 'database': {
          const c = this.get(state, spec.client, 'client');
          this.put(state, spec.id, 'database', c.client.db(spec.databaseName, collOrDbOptions(spec.databaseOptions)));
          break;
        }
        case 'collection': {
          const db = this.get(state, spec.database, 'database');
          this.put(state, spec.id, 'collection', db.collection(spec.collectionName, collOrDbOptions(spec.collectionOptions)));
          break;
        }
        case 'session': {
          const c = this.get(state, spec.client, 'client');
          const o = { ...(spec.sessionOptions ?? {}) };
          if (o.defaultTransactionOptions) o.defaultTransactionOptions = transactionOptions(o.defaultTransactionOptions);
          if (o.defaultTimeoutMS !== undefined) o.defaultTimeoutMS = plain(o.defaultTimeoutMS);
          const session = c.client.startSession(o);
          this.put(state, spec.id, 'session', session);
          // Keep the lsid: $$sessionLsid must still resolve after the session has ended.
          state.lsids.set(spec.id, session.id);
          break;
        }
        case 'bucket': {
          const db = this.get(state, spec.database, 'database');
          const o = { ...(spec.bucketOptions ?? {}) };
          if (o.chunkSizeBytes !== undefined) o.chunkSizeBytes = plain(o.chunkSizeBytes);
          if (o.writeConcern) o.writeConcern = writeConcernOf(o.writeConcern);
          if (o.readPreference) o.readPreference = readPreferenceOf(o.readPreference);
          this.put(state, spec.id, 'bucket', new GridFSBucket(db, o));
          break;
        }
        default:
          if (UNSUPPORTED_ENTITIES.has(kind)) throw new Unsupported(`the ${kind} entity`);
          throw new Error(`unknown entity type ${kind}`);
      }
    }
  }

  async createClient(spec) {
    const uriOptions = { ...(spec.uriOptions ?? {}) };
    // Speed up recovery after fail points closed connections, unless the test sets its own heartbeat.
    const hasHeartbeat = Object.keys(uriOptions).some((k) => k.toLowerCase() === 'heartbeatfrequencyms');
    const uri = buildUri(this.uri, uriOptions, { forceSingleHost: spec.useMultipleMongoses === false && this.info.topology === 'sharded' });
    const driverOptions = { monitorCommands: true, serverSelectionTimeoutMS: 10_000 };
    if (!hasHeartbeat) { driverOptions.heartbeatFrequencyMS = 500; driverOptions.minHeartbeatFrequencyMS = 50; }
    if (spec.serverApi) driverOptions.serverApi = { version: spec.serverApi.version, strict: spec.serverApi.strict, deprecationErrors: spec.serverApi.deprecationErrors };
    const client = new MongoClient(uri, driverOptions);
    const entity = new ClientEntity(client, spec);
    const observe = new Set(spec.observeEvents ?? []);
    const sensitiveOk = !!spec.observeSensitiveCommands;
    const isSensitive = (ev) => {
      const name = String(ev.commandName).toLowerCase();
      if (SENSITIVE_COMMANDS.has(name)) return true;
      // hello with speculativeAuthenticate is redacted by the driver: its command/reply arrive empty.
      if (['hello', 'ismaster'].includes(name)) return (ev.command && Object.keys(ev.command).length === 0) || (ev.reply && Object.keys(ev.reply).length === 0);
      return false;
    };
    const pendingFailPointIds = entity.failPointRequestIds;
    for (const [type, driverEvent] of Object.entries(COMMAND_EVENTS)) {
      client.on(driverEvent, (ev) => {
        if (type === 'commandStartedEvent' && ev.command?.configureFailPoint !== undefined) pendingFailPointIds.add(ev.requestId);
        if (pendingFailPointIds.has(ev.requestId)) return; // configureFailPoint from failPoint operations is never observed
        if (type === 'commandStartedEvent') entity.allCommandStarts.push(ev);
        if (!entity.listening || !observe.has(type)) return;
        if (entity.ignored.has(ev.commandName)) return;
        if (!sensitiveOk && isSensitive(ev)) return;
        entity.events.push({ type, event: ev, group: 'command' });
      });
    }
    for (const [type, driverEvent] of Object.entries({ ...CMAP_EVENTS, ...SDAM_EVENTS })) {
      client.on(driverEvent, (ev) => {
        if (type === 'connectionCheckedOutEvent') entity.checkedOut++;
        if (type === 'connectionCheckedInEvent') entity.checkedOut--;
        if (entity.listening && observe.has(type)) entity.events.push({ type, event: ev, group: EVENT_GROUP[type] });
      });
    }
    await client.connect();
    return entity;
  }

  // ---- operations ------------------------------------------------------------------------------------------------
  async runOperation(op, state) {
    const { name, object } = op;
    let result, error;
    try {
      result = object === 'testRunner' ? await this.runSpecial(op, state) : await this.runEntityOp(op, state);
    } catch (e) {
      if (e instanceof Unsupported) throw e;
      if (object === 'testRunner' || e?.isRunnerError) throw e;
      error = e;
    }
    // The error is handed back so withTransaction's callback can let it propagate, as the spec requires.
    if (op.ignoreResultAndError) return { raised: error };
    const matchCtx = this.matchCtx(state);
    if (op.expectError) {
      assertExpectedError(op.expectError, error, { resultToDocument, matchCtx });
      return { raised: error };
    }
    if (error) { const e = new Error(`${name} on ${object} failed unexpectedly: ${error.name}: ${error.message}`); e.cause = error; throw e; }
    if (Object.prototype.hasOwnProperty.call(op, 'expectResult')) {
      matchValue(op.expectResult, hasRaw(result) ? result.__raw : resultToDocument(result),
        { ...matchCtx, root: true, rootArrayElements: ROOT_ARRAY_OPS.has(name), path: `${name} result` });
    }
    if (op.saveResultAsEntity) {
      // (expectResult and saveResultAsEntity may be combined)
      if (result === undefined) throw new Error(`${name} returned nothing to save as ${op.saveResultAsEntity}`);
      const kind = result?.__kind ?? 'value';
      this.put(state, op.saveResultAsEntity, kind, result?.__kind ? result.value : (hasRaw(result) ? result.__raw : result));
    }
    return undefined;
  }

  matchCtx(state) {
    return {
      entities: state.entities,
      sessionLsid: (name) => state.lsids.get(name),
      parseEJSON: (s) => EJSON.parse(s, { relaxed: false }),
    };
  }

  sessionArg(args, state) {
    return args?.session !== undefined ? this.get(state, args.session, 'session') : undefined;
  }

  async runEntityOp(op, state) {
    const target = this.get(state, op.object);
    const kind = state.kinds.get(op.object);
    const args = { ...(op.arguments ?? {}) };
    const session = this.sessionArg(args, state);
    delete args.session;
    const withSession = (o) => (session ? { ...o, session } : o);
    const handlers = { client: this.clientOps, database: this.databaseOps, collection: this.collectionOps, session: this.sessionOps,
      bucket: this.bucketOps, changeStream: this.cursorOps, findCursor: this.cursorOps, commandCursor: this.cursorOps }[kind];
    const fn = handlers?.[op.name];
    if (!fn) {
      const err = new Error(`unsupported operation ${op.name} on a ${kind} entity`);
      err.isRunnerError = true;
      throw err;
    }
    return fn.call(this, target, args, withSession, state, op);
  }

  clientOps = {
    async listDatabases(c, args, ws) { return (await c.client.db('admin').admin().listDatabases(ws(options(args)))).databases; },
    async listDatabaseNames(c, args, ws) { return (await c.client.db('admin').admin().listDatabases(ws(options(args)))).databases.map((d) => d.name); },
    async createChangeStream(c, args, ws) { return this.openChangeStream(c.client.watch(args.pipeline ?? [], ws(options(args, ['pipeline'])))); },
    async watch(c, args, ws) { return this.openChangeStream(c.client.watch(args.pipeline ?? [], ws(options(args, ['pipeline'])))); },
    async close(c) { await c.client.close(); },
    async clientBulkWrite(c, args, ws) {
      if (typeof c.client.bulkWrite !== 'function') throw new Unsupported('clientBulkWrite (driver has no MongoClient.bulkWrite)');
      const models = args.models.map((m) => {
        const [name] = Object.keys(m);
        return { name, ...m[name] };
      });
      return c.client.bulkWrite(models, ws(options(args, ['models'])));
    },
  };

  databaseOps = {
    async aggregate(db, args, ws) { return { __raw: await db.aggregate(args.pipeline, ws(options(args, ['pipeline']))).toArray() }; },
    async createCollection(db, args, ws) { await db.createCollection(args.collection, ws(options(args, ['collection']))); },
    async dropCollection(db, args, ws) { try { await db.dropCollection(args.collection, ws(options(args, ['collection']))); } catch (e) { if (e.code !== 26) throw e; } },
    async listCollections(db, args, ws) { return { __raw: await db.listCollections(args.filter ?? {}, ws(options(args, ['filter']))).toArray() }; },
    async listCollectionNames(db, args, ws) { return (await db.listCollections(args.filter ?? {}, ws({ ...options(args, ['filter']), nameOnly: true })).toArray()).map((c) => c.name); },
    async runCommand(db, args, ws) { return db.command(args.command, ws(options(args, ['command', 'commandName']))); },
    async runCursorCommand(db, args, ws) { return { __raw: await db.runCursorCommand(args.command, ws(options(args, ['command', 'commandName']))).toArray() }; },
    async createCommandCursor(db, args, ws) {
      const cursor = db.runCursorCommand(args.command, ws(options(args, ['command', 'commandName'])));
      if (typeof cursor.cursorInit === 'function') await cursor.cursorInit();
      return { __kind: 'commandCursor', value: cursor };
    },
    async createChangeStream(db, args, ws) { return this.openChangeStream(db.watch(args.pipeline ?? [], ws(options(args, ['pipeline'])))); },
    async watch(db, args, ws) { return this.openChangeStream(db.watch(args.pipeline ?? [], ws(options(args, ['pipeline'])))); },
    async modifyCollection(db, args, ws) { const { collection, ...rest } = args; return db.command({ collMod: collection, ...rest }, ws({})); },
    async drop(db, args, ws) { return db.dropDatabase(ws(options(args))); },
  };

  async openChangeStream(cs) {
    // The spec requires the aggregate to have run before the stream is saved; the driver opens lazily.
    if (typeof cs.cursor?.cursorInit === 'function') await cs.cursor.cursorInit();
    else await cs.tryNext();
    return { __kind: 'changeStream', value: cs };
  }

  collectionOps = {
    async aggregate(c, args, ws) { return { __raw: await c.aggregate(args.pipeline, ws(options(args, ['pipeline']))).toArray() }; },
    async bulkWrite(c, args, ws) {
      const requests = args.requests.map((r) => {
        const [name] = Object.keys(r);
        return { [name]: r[name] };
      });
      return c.bulkWrite(requests, ws(options(args, ['requests'])));
    },
    async countDocuments(c, args, ws) { return c.countDocuments(args.filter, ws(options(args, ['filter']))); },
    async count(c, args, ws) { return c.count(args.filter, ws(options(args, ['filter']))); },
    async estimatedDocumentCount(c, args, ws) { return c.estimatedDocumentCount(ws(options(args))); },
    async distinct(c, args, ws) { return { __raw: await c.distinct(args.fieldName, args.filter ?? {}, ws(options(args, ['fieldName', 'filter']))) }; },
    async find(c, args, ws) { return { __raw: await c.find(args.filter ?? {}, ws(options(args, ['filter']))).toArray() }; },
    async findOne(c, args, ws) { return { __raw: await c.findOne(args.filter ?? {}, ws(options(args, ['filter']))) }; },
    async createFindCursor(c, args, ws) {
      const cursor = c.find(args.filter ?? {}, ws(options(args, ['filter'])));
      if (typeof cursor.cursorInit === 'function') await cursor.cursorInit();
      return { __kind: 'findCursor', value: cursor };
    },
    async findOneAndDelete(c, args, ws) { return { __raw: await c.findOneAndDelete(args.filter, ws(options(args, ['filter']))) }; },
    async findOneAndReplace(c, args, ws) { return { __raw: await c.findOneAndReplace(args.filter, args.replacement, ws(options(args, ['filter', 'replacement']))) }; },
    async findOneAndUpdate(c, args, ws) { return { __raw: await c.findOneAndUpdate(args.filter, args.update, ws(options(args, ['filter', 'update']))) }; },
    async insertOne(c, args, ws) { return c.insertOne(args.document, ws(options(args, ['document']))); },
    async insertMany(c, args, ws) {
      const r = await c.insertMany(args.documents, ws(options(args, ['documents'])));
      return { __raw: { insertedCount: r.insertedCount, insertedIds: { ...r.insertedIds } } };
    },
    async deleteOne(c, args, ws) { return c.deleteOne(args.filter, ws(options(args, ['filter']))); },
    async deleteMany(c, args, ws) { return c.deleteMany(args.filter, ws(options(args, ['filter']))); },
    async replaceOne(c, args, ws) { return c.replaceOne(args.filter, args.replacement, ws(options(args, ['filter', 'replacement']))); },
    async updateOne(c, args, ws) { return c.updateOne(args.filter, args.update, ws(options(args, ['filter', 'update']))); },
    async updateMany(c, args, ws) { return c.updateMany(args.filter, args.update, ws(options(args, ['filter', 'update']))); },
    async createIndex(c, args, ws) { return c.createIndex(args.keys, ws(options(args, ['keys']))); },
    async dropIndex(c, args, ws) { return c.dropIndex(args.name, ws(options(args, ['name']))); },
    async dropIndexes(c, args, ws) { return c.dropIndexes(ws(options(args))); },
    async listIndexes(c, args, ws) { return { __raw: await c.listIndexes(ws(options(args))).toArray() }; },
    async listIndexNames(c, args, ws) { return (await c.listIndexes(ws(options(args))).toArray()).map((i) => i.name); },
    async rename(c, args, ws) { await c.rename(args.to, ws(options(args, ['to']))); },
    async drop(c, args, ws) { try { await c.drop(ws(options(args))); } catch (e) { if (e.code !== 26) throw e; } },
    async createChangeStream(c, args, ws) { return this.openChangeStream(c.watch(args.pipeline ?? [], ws(options(args, ['pipeline'])))); },
    async watch(c, args, ws) { return this.openChangeStream(c.watch(args.pipeline ?? [], ws(options(args, ['pipeline'])))); },
  };

  sessionOps = {
    async startTransaction(s, args, _ws, state) { state.usedTransactions = true; s.startTransaction(transactionOptions(args)); },
    async commitTransaction(s) { await s.commitTransaction(); },
    async abortTransaction(s) { await s.abortTransaction(); },
    async endSession(s) { await s.endSession(); },
    async withTransaction(s, args, _ws, state) {
      state.usedTransactions = true;
      const { callback, ...rest } = args;
      // Errors raised inside the callback propagate to withTransaction even when the callback op expected them.
      await s.withTransaction(async () => {
        for (const op of callback ?? []) {
          const outcome = await this.runOperation(op, state);
          if (outcome?.raised) throw outcome.raised;
        }
      }, transactionOptions(rest));
    },
  };

  bucketOps = {
    async upload(b, args) { return this.gridfsUpload(b, args, undefined); },
    async uploadWithId(b, args) { return this.gridfsUpload(b, args, args.id); },
    async download(b, args) { return this.readAll(b.openDownloadStream(args.id, options(args, ['id']))); },
    async downloadByName(b, args) { return this.readAll(b.openDownloadStreamByName(args.filename, options(args, ['filename']))); },
    async delete(b, args) { await b.delete(args.id); },
    async drop(b) { await b.drop(); },
    async rename(b, args) { await b.rename(args.id, args.newFilename); },
    async find(b, args) { return { __raw: await b.find(args.filter ?? {}, options(args, ['filter'])).toArray() }; },
  };

  async gridfsUpload(bucket, args, id) {
    const src = args.source;
    if (!isDocument(src) || typeof src.$$hexBytes !== 'string') throw new Error('upload source must be { $$hexBytes: "<hex>" }');
    const bytes = parseHex(src.$$hexBytes, 'upload source');
    const o = options(args, ['source', 'filename', 'id']);
    const stream = id === undefined ? bucket.openUploadStream(args.filename, o) : bucket.openUploadStreamWithId(id, args.filename, o);
    await new Promise((resolve, reject) => {
      Readable.from(bytes.length ? [bytes] : []).pipe(stream).on('error', reject).on('finish', resolve);
    });
    return stream.id;
  }

  async readAll(stream) {
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    return Buffer.concat(chunks).toString('hex');
  }

  cursorOps = {
    async iterateUntilDocumentOrError(cursor) { return { __raw: await cursor.next() }; },
    async iterateOnce(cursor) { return { __raw: await cursor.tryNext() }; },
    async close(cursor) { await cursor.close().catch(() => {}); },
  };

  // ---- special operations ----------------------------------------------------------------------------------------
  async runSpecial(op, state) {
    const a = op.arguments ?? {};
    const session = () => this.get(state, a.session, 'session');
    const lastTwoLsids = () => {
      const c = this.get(state, a.client, 'client');
      const starts = c.allCommandStarts;
      if (starts.length < 2) throw new Error(`fewer than two commands observed on ${a.client}`);
      const [x, y] = starts.slice(-2).map((e) => e.command?.lsid);
      if (!x || !y) throw new Error('one of the last two commands has no lsid');
      return [EJSON.stringify(x), EJSON.stringify(y)];
    };
    switch (op.name) {
      case 'failPoint': {
        const c = this.get(state, a.client, 'client');
        await c.client.db('admin').command(a.failPoint, { readPreference: ReadPreference.primary });
        state.failPoints.push({ client: c.client, name: a.failPoint.configureFailPoint });
        return undefined;
      }
      case 'targetedFailPoint': {
        const s = session();
        if (!s.isPinned && this.info.topology === 'sharded') throw new Error('targetedFailPoint: the session is not pinned to a mongos');
        const client = s.client;
        await client.db('admin').command(a.failPoint, { readPreference: ReadPreference.primary });
        state.failPoints.push({ client, name: a.failPoint.configureFailPoint });
        return undefined;
      }
      case 'assertSessionTransactionState': {
        const got = TXN_STATES[session().transaction?.state] ?? session().transaction?.state;
        if (got !== a.state) throw new Error(`expected transaction state ${a.state}, got ${got}`);
        return undefined;
      }
      case 'assertSessionPinned': if (!session().isPinned) throw new Error('expected the session to be pinned'); return undefined;
      case 'assertSessionUnpinned': if (session().isPinned) throw new Error('expected the session to be unpinned'); return undefined;
      case 'assertSessionDirty': if (!session().serverSession?.isDirty) throw new Error('expected the session to be dirty'); return undefined;
      case 'assertSessionNotDirty': if (session().serverSession?.isDirty) throw new Error('expected the session not to be dirty'); return undefined;
      case 'assertSameLsidOnLastTwoCommands': { const [x, y] = lastTwoLsids(); if (x !== y) throw new Error(`expected the same lsid, got ${x} and ${y}`); return undefined; }
      case 'assertDifferentLsidOnLastTwoCommands': { const [x, y] = lastTwoLsids(); if (x === y) throw new Error(`expected different lsids, both were ${x}`); return undefined; }
      case 'assertCollectionExists':
      case 'assertCollectionNotExists': {
        const names = (await this.internal.db(a.databaseName).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
        const exists = names.includes(a.collectionName);
        if (op.name === 'assertCollectionExists' && !exists) throw new Error(`collection ${a.databaseName}.${a.collectionName} does not exist`);
        if (op.name === 'assertCollectionNotExists' && exists) throw new Error(`collection ${a.databaseName}.${a.collectionName} exists`);
        return undefined;
      }
      case 'assertIndexExists':
      case 'assertIndexNotExists': {
        let names = [];
        try { names = (await this.internal.db(a.databaseName).collection(a.collectionName).listIndexes().toArray()).map((i) => i.name); } catch (e) { if (e.code !== 26) throw e; }
        const exists = names.includes(a.indexName);
        if (op.name === 'assertIndexExists' && !exists) throw new Error(`index ${a.indexName} does not exist on ${a.databaseName}.${a.collectionName}`);
        if (op.name === 'assertIndexNotExists' && exists) throw new Error(`index ${a.indexName} exists on ${a.databaseName}.${a.collectionName}`);
        return undefined;
      }
      case 'createEntities': await this.createEntities(a.entities ?? [], state); return undefined;
      case 'assertNumberConnectionsCheckedOut': {
        const c = this.get(state, a.client, 'client');
        if (c.checkedOut !== Number(plain(a.connections))) throw new Error(`expected ${plain(a.connections)} connection(s) checked out, got ${c.checkedOut}`);
        return undefined;
      }
      case 'waitForEvent': {
        const c = this.get(state, a.client, 'client');
        const deadline = Date.now() + 10_000;
        while (this.countEvents(c, a.event, state) < Number(plain(a.count))) {
          if (Date.now() > deadline) throw new Error(`waitForEvent: ${fmt(a.event)} not seen ${plain(a.count)} time(s) within 10 s`);
          await new Promise((r) => setTimeout(r, 25));
        }
        return undefined;
      }
      case 'assertEventCount': {
        const c = this.get(state, a.client, 'client');
        const n = this.countEvents(c, a.event, state);
        if (n !== Number(plain(a.count))) throw new Error(`expected ${plain(a.count)} ${fmt(a.event)} event(s), saw ${n}`);
        return undefined;
      }
      case 'wait': await new Promise((r) => setTimeout(r, Number(plain(a.ms)))); return undefined;
      default:
        if (UNSUPPORTED_OPS.has(op.name)) throw new Unsupported(`the ${op.name} operation`);
        throw new Error(`unknown special test operation ${op.name}`);
    }
  }

  countEvents(clientEntity, expected, state) {
    const [type] = Object.keys(expected);
    return clientEntity.events.filter((e) => e.type === type && this.eventMismatch(expected, e, state) === null).length;
  }

  /** Null when an observed event matches an expectedEvent, else the reason. */
  eventMismatch(expected, observed, state) {
    const [type] = Object.keys(expected);
    const want = expected[type] ?? {};
    if (observed.type !== type) return `expected ${type}, got ${observed.type}${observed.event?.commandName ? ` (${observed.event.commandName})` : ''}`;
    const ev = observed.event;
    const ctx = this.matchCtx(state);
    try {
      if (want.commandName !== undefined && ev.commandName !== want.commandName) return `expected commandName ${want.commandName}, got ${ev.commandName}`;
      if (want.databaseName !== undefined && ev.databaseName !== want.databaseName) return `expected databaseName ${want.databaseName}, got ${ev.databaseName}`;
      if (want.command !== undefined) matchValue(want.command, ev.command, { ...ctx, root: true, path: `${ev.commandName} command` });
      if (want.reply !== undefined) matchValue(want.reply, ev.reply, { ...ctx, root: true, path: `${ev.commandName} reply` });
      if (want.hasServiceId !== undefined) {
        const has = !!ev.serviceId && ev.serviceId.toHexString() !== '000000000000000000000000';
        if (has !== want.hasServiceId) return `expected hasServiceId ${want.hasServiceId}`;
      }
      if (want.hasServerConnectionId !== undefined) {
        const has = ev.serverConnectionId !== undefined && ev.serverConnectionId !== null && Number(ev.serverConnectionId) > 0;
        if (has !== want.hasServerConnectionId) return `expected hasServerConnectionId ${want.hasServerConnectionId}`;
      }
      if (want.reason !== undefined && ev.reason !== want.reason) return `expected reason ${want.reason}, got ${ev.reason}`;
      if (want.interruptInUseConnections !== undefined && ev.interruptInUseConnections !== want.interruptInUseConnections) return `expected interruptInUseConnections ${want.interruptInUseConnections}`;
      if (want.awaited !== undefined && ev.awaited !== want.awaited) return `expected awaited ${want.awaited}`;
      for (const which of ['previousDescription', 'newDescription']) {
        if (want[which]?.type !== undefined && ev[which]?.type !== want[which].type) return `expected ${which}.type ${want[which].type}, got ${ev[which]?.type}`;
      }
    } catch (e) {
      return e.message;
    }
    return null;
  }

  assertEvents(expected, state) {
    const c = this.get(state, expected.client, 'client');
    const group = expected.eventType ?? 'command';
    const observed = c.events.filter((e) => e.group === group);
    const want = expected.events ?? [];
    if (observed.length < want.length || (!expected.ignoreExtraEvents && observed.length !== want.length)) {
      const names = observed.map((e) => `${e.type}${e.event.commandName ? `(${e.event.commandName})` : ''}`).join(', ');
      throw new Error(`expected ${want.length} ${group} event(s) on ${expected.client}${expected.ignoreExtraEvents ? ' or more' : ''}, observed ${observed.length}: ${names}`);
    }
    want.forEach((w, i) => {
      const why = this.eventMismatch(w, observed[i], state);
      if (why) throw new Error(`event ${i} on ${expected.client}: ${why}`);
    });
  }
}
