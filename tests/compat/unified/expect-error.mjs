// expectedError evaluation for errors raised by the Node.js driver. Written against the shapes of the driver's
// errors (duck-typed, so the self-tests can use plain objects): MongoServerError { code, codeName, errorResponse,
// errorLabels }, MongoBulkWriteError { writeErrors[], writeConcernError, result }, MongoClientBulkWriteError
// { cause|error, writeErrors: Map, writeConcernErrors[], partialResult }, network and validation errors (client errors).
import { matchValue, fmt } from './match.mjs';

const SERVER_ERROR_NAMES = new Set(['MongoServerError', 'MongoBulkWriteError', 'MongoWriteConcernError', 'MongoClientBulkWriteError',
  'MongoTransactionError_Server']);

/** True when the error derives from a server response (as opposed to a client-side or network error). */
export function isServerError(err) {
  if (!err || typeof err !== 'object') return false;
  if (err.errorResponse && typeof err.errorResponse === 'object') return true;
  let proto = Object.getPrototypeOf(err);
  while (proto && proto !== Error.prototype) {
    if (SERVER_ERROR_NAMES.has(proto.constructor?.name)) return true;
    proto = Object.getPrototypeOf(proto);
  }
  return SERVER_ERROR_NAMES.has(err.name);
}

export function isTimeoutError(err) {
  return err?.name === 'MongoOperationTimeoutError' || err?.constructor?.name === 'MongoOperationTimeoutError';
}

function writeErrorList(err) {
  const w = err.writeErrors;
  if (!w) return [];
  if (w instanceof Map) return [...w.values()];
  return Array.isArray(w) ? w : [w];
}

function writeConcernErrorList(err) {
  const out = [];
  if (Array.isArray(err.writeConcernErrors)) out.push(...err.writeConcernErrors);
  if (err.writeConcernError) out.push(err.writeConcernError);
  if (err.result?.writeConcernErrors) out.push(...[].concat(err.result.writeConcernErrors));
  return out;
}

/** The server-generated errors the expectation may be satisfied by: the error itself plus aggregated bulk errors. */
function candidateErrors(err) {
  const list = [err];
  for (const inner of [err.cause, err.error]) if (inner && typeof inner === 'object' && !list.includes(inner)) list.push(inner);
  // Collection bulkWrite aggregates write and write concern errors; any of them may satisfy errorCode/Name/Contains.
  if (!(err.writeErrors instanceof Map)) list.push(...writeErrorList(err), ...writeConcernErrorList(err));
  return list;
}

const codeOf = (e) => e?.code ?? e?.errorResponse?.code ?? e?.err?.code;
const codeNameOf = (e) => e?.codeName ?? e?.errorResponse?.codeName ?? e?.err?.codeName;
const messageOf = (e) => String(e?.message ?? e?.errmsg ?? e?.errorResponse?.errmsg ?? e?.err?.errmsg ?? '');

function hasLabel(err, label) {
  if (typeof err.hasErrorLabel === 'function') return err.hasErrorLabel(label);
  return (err.errorLabels ?? err.errorResponse?.errorLabels ?? []).includes(label);
}

/**
 * Asserts `err` satisfies `expected` (an expectedError object). `resultToDocument` converts a driver result carried by
 * the error (BulkWriteResult) to a document; ctx is passed to the matcher (entities etc.). Throws on mismatch.
 */
export function assertExpectedError(expected, err, { resultToDocument = (r) => r, matchCtx = {} } = {}) {
  if (err === undefined || err === null) throw new Error(`expected an error (${fmt(expected)}), the operation succeeded`);
  const fail = (msg) => { const e = new Error(`${msg}; actual error: ${err?.name ?? typeof err}: ${messageOf(err)}`); e.cause = err; throw e; };
  const server = isServerError(err);
  if (expected.isClientError === true && server) fail('expected a client error, got a server error');
  if (expected.isClientError === false && !server) fail('expected a server error, got a client error');
  if (expected.isTimeoutError === true && !isTimeoutError(err)) fail('expected a timeout error');
  if (expected.isTimeoutError === false && isTimeoutError(err)) fail('expected no timeout error');
  const candidates = candidateErrors(err);
  if (expected.errorContains !== undefined) {
    const needle = String(expected.errorContains).toLowerCase();
    if (!candidates.some((e) => messageOf(e).toLowerCase().includes(needle))) fail(`expected the message to contain "${expected.errorContains}"`);
  }
  if (expected.errorCode !== undefined) {
    if (!candidates.some((e) => Number(codeOf(e)) === Number(expected.errorCode))) fail(`expected error code ${expected.errorCode}, got ${candidates.map(codeOf).filter((c) => c !== undefined).join('/') || 'none'}`);
  }
  if (expected.errorCodeName !== undefined) {
    const want = String(expected.errorCodeName).toLowerCase();
    if (!candidates.some((e) => String(codeNameOf(e) ?? '').toLowerCase() === want)) fail(`expected codeName ${expected.errorCodeName}, got ${candidates.map(codeNameOf).filter(Boolean).join('/') || 'none'}`);
  }
  for (const label of expected.errorLabelsContain ?? []) if (!hasLabel(err, label)) fail(`expected error label ${label}`);
  for (const label of expected.errorLabelsOmit ?? []) if (hasLabel(err, label)) fail(`expected no error label ${label}`);
  if (expected.errorResponse !== undefined) {
    const response = err.errorResponse ?? err.cause?.errorResponse ?? err.error?.errorResponse;
    if (!response) fail('expected a server error response');
    matchValue(expected.errorResponse, response, { ...matchCtx, root: true, path: 'errorResponse' });
  }
  if (expected.writeErrors !== undefined) {
    const actual = err.writeErrors instanceof Map ? err.writeErrors : new Map(writeErrorList(err).map((w) => [w.index, w]));
    const expectedKeys = Object.keys(expected.writeErrors);
    for (const k of expectedKeys) {
      const got = actual.get(Number(k)) ?? actual.get(k);
      if (!got) fail(`expected a write error at index ${k}`);
      matchValue(expected.writeErrors[k], { code: got.code, message: got.message ?? got.errmsg, details: got.details ?? got.errInfo, ...got }, { ...matchCtx, root: true, path: `writeErrors.${k}` });
    }
    if (actual.size !== expectedKeys.length) fail(`expected ${expectedKeys.length} write error(s), got ${actual.size}`);
  }
  if (expected.writeConcernErrors !== undefined) {
    const actual = writeConcernErrorList(err);
    if (actual.length !== expected.writeConcernErrors.length) fail(`expected ${expected.writeConcernErrors.length} write concern error(s), got ${actual.length}`);
    expected.writeConcernErrors.forEach((w, i) => matchValue(w, actual[i], { ...matchCtx, root: true, path: `writeConcernErrors[${i}]` }));
  }
  if (Object.prototype.hasOwnProperty.call(expected, 'expectResult')) {
    const raw = err.partialResult ?? err.result;
    matchValue(expected.expectResult, raw === undefined ? undefined : resultToDocument(raw), { ...matchCtx, root: true, path: 'expectError.expectResult' });
  }
}
