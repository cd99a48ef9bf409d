// "Evaluating Matches" of the unified test format: expected values (parsed from canonical/relaxed Extended JSON)
// against actual values returned by the Node.js driver.
//
// The driver decodes int32 and double both into JS numbers (promoteValues), so a JS number's BSON type is ambiguous:
// an integral number may be int, long or double. $$type therefore accepts any of those for an integral JS number;
// exact wrapper types (Int32, Double, Long, bigint) are checked exactly.

/** Raised when a value does not match; `path` says where. */
export class MatchError extends Error {
  constructor(path, message) {
    super(`${path}: ${message}`);
    this.name = 'MatchError';
    this.path = path;
  }
}

const ALL_TYPES = ['double', 'string', 'object', 'array', 'binData', 'undefined', 'objectId', 'bool', 'date', 'null', 'regex',
  'dbPointer', 'javascript', 'symbol', 'javascriptWithScope', 'int', 'timestamp', 'long', 'decimal', 'minKey', 'maxKey'];
const TYPE_ALIASES = { number: ['int', 'long', 'double', 'decimal'] };

const bsontype = (v) => (v !== null && typeof v === 'object' ? v._bsontype : undefined);

/** True for a plain document (not an array, not a BSON value wrapper, not a Date/RegExp/Buffer). */
export function isDocument(v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  if (bsontype(v) !== undefined) return false;
  if (v instanceof Date || v instanceof RegExp || ArrayBuffer.isView(v) || v instanceof Map) return false;
  return true;
}

/** The key of a special-operator document ({ $$op: arg } with one key), or undefined. */
export function specialOperator(v) {
  if (!isDocument(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0].startsWith('$$') ? keys[0] : undefined;
}

/** The BSON type names an actual value may have (more than one only for ambiguous JS numbers). */
export function typesOf(v) {
  if (v === undefined) return ['undefined'];
  if (v === null) return ['null'];
  switch (typeof v) {
    case 'string': return ['string'];
    case 'boolean': return ['bool'];
    case 'bigint': return ['long'];
    case 'number':
      if (!Number.isInteger(v)) return ['double'];
      return v >= -2147483648 && v <= 2147483647 ? ['int', 'long', 'double'] : ['long', 'double'];
    default: break;
  }
  if (Array.isArray(v)) return ['array'];
  if (v instanceof Date) return ['date'];
  if (v instanceof RegExp) return ['regex'];
  if (ArrayBuffer.isView(v)) return ['binData'];
  switch (bsontype(v)) {
    case 'Double': return ['double'];
    case 'Int32': return ['int'];
    case 'Long': return ['long'];
    case 'Decimal128': return ['decimal'];
    case 'ObjectId': case 'ObjectID': return ['objectId'];
    case 'Binary': return ['binData'];
    case 'BSONRegExp': return ['regex'];
    case 'Code': return v.scope ? ['javascriptWithScope'] : ['javascript'];
    case 'Timestamp': return ['timestamp'];
    case 'MinKey': return ['minKey'];
    case 'MaxKey': return ['maxKey'];
    case 'BSONSymbol': case 'Symbol': return ['symbol'];
    case 'DBRef': return ['object', 'dbPointer'];
    default: return ['object'];
  }
}

function isNumeric(v) {
  const t = bsontype(v);
  return typeof v === 'number' || typeof v === 'bigint' || t === 'Double' || t === 'Int32' || t === 'Long';
}

/** A numeric value as a number or, for integers beyond 2^53, a bigint. */
function numericValue(v) {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  switch (bsontype(v)) {
    case 'Double': case 'Int32': return v.value;
    case 'Long': {
      const big = BigInt(v.toString());
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    default: return NaN;
  }
}

/** -1/0/1 comparison of two numeric values across int/long/double ("flexible numeric comparisons"); NaN if unordered. */
export function compareNumeric(a, b) {
  let x = numericValue(a), y = numericValue(b);
  if (typeof x === 'bigint' || typeof y === 'bigint') {
    // One side is an integer beyond 2^53: compare exactly as bigints unless the other side has a fraction.
    if ((typeof x === 'number' && !Number.isInteger(x)) || (typeof y === 'number' && !Number.isInteger(y))) { x = Number(x); y = Number(y); }
    else { x = BigInt(x); y = BigInt(y); }
  }
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? 0 : NaN;
  return x < y ? -1 : x > y ? 1 : 0;
}

function bytesOf(v) {
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (bsontype(v) === 'Binary') return Buffer.from(v.buffer.subarray ? v.buffer.subarray(0, v.position ?? v.buffer.length) : v.buffer);
  return undefined;
}

function subtypeOf(v) { return bsontype(v) === 'Binary' ? v.sub_type : 0; }

function regexParts(v) {
  if (v instanceof RegExp) return { pattern: v.source, options: v.flags.split('').sort().join('') };
  return { pattern: v.pattern, options: String(v.options ?? '').split('').sort().join('') };
}

/** Equality of two non-document, non-array values (types must agree, numerics flexibly). Returns a reason or null. */
function scalarMismatch(expected, actual) {
  if (isNumeric(expected)) {
    if (!isNumeric(actual)) return `expected number ${fmt(expected)}, got ${describe(actual)}`;
    return compareNumeric(expected, actual) === 0 ? null : `expected ${fmt(expected)}, got ${fmt(actual)}`;
  }
  const et = typesOf(expected), at = typesOf(actual);
  if (!et.some((t) => at.includes(t))) return `expected ${et[0]} ${fmt(expected)}, got ${describe(actual)}`;
  switch (et[0]) {
    case 'null': case 'undefined': case 'minKey': case 'maxKey': return null;
    case 'string': case 'bool': return expected === actual ? null : `expected ${fmt(expected)}, got ${fmt(actual)}`;
    case 'date': return expected.getTime() === actual.getTime() ? null : `expected ${expected.toISOString()}, got ${actual.toISOString()}`;
    case 'objectId': return expected.toHexString() === actual.toHexString() ? null : `expected ObjectId ${expected.toHexString()}, got ${actual.toHexString()}`;
    case 'decimal': return expected.toString() === actual.toString() ? null : `expected decimal ${expected}, got ${actual}`;
    case 'timestamp': return expected.t === actual.t && expected.i === actual.i ? null : `expected Timestamp(${expected.t},${expected.i}), got Timestamp(${actual.t},${actual.i})`;
    case 'binData': {
      if (subtypeOf(expected) !== subtypeOf(actual)) return `expected binary subtype ${subtypeOf(expected)}, got ${subtypeOf(actual)}`;
      return bytesOf(expected).equals(bytesOf(actual)) ? null : `expected bytes ${bytesOf(expected).toString('hex')}, got ${bytesOf(actual).toString('hex')}`;
    }
    case 'regex': {
      const e = regexParts(expected), a = regexParts(actual);
      return e.pattern === a.pattern && e.options === a.options ? null : `expected /${e.pattern}/${e.options}, got /${a.pattern}/${a.options}`;
    }
    case 'javascript': case 'javascriptWithScope': {
      if (expected.code !== actual.code) return `expected code ${fmt(expected.code)}, got ${fmt(actual.code)}`;
      if (expected.scope || actual.scope) {
        try { matchValue(expected.scope ?? {}, actual.scope ?? {}, { exact: true, root: false, path: 'scope', entities: new Map() }); } catch (e) { return e.message; }
      }
      return null;
    }
    case 'symbol': return String(expected.value ?? expected) === String(actual.value ?? actual) ? null : `expected symbol ${fmt(expected)}, got ${fmt(actual)}`;
    default: return JSON.stringify(expected) === JSON.stringify(actual) ? null : `expected ${fmt(expected)}, got ${fmt(actual)}`;
  }
}

export function fmt(v) {
  try {
    if (typeof v === 'bigint') return `${v}n`;
    if (v === undefined) return 'undefined';
    if (bsontype(v) === 'ObjectId') return `ObjectId(${v.toHexString()})`;
    const s = JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `${x}n` : x));
    return s && s.length > 300 ? `${s.slice(0, 300)}…` : s;
  } catch { return String(v); }
}
function describe(v) { return `${typesOf(v)[0]} ${fmt(v)}`; }

function hasKey(doc, key) {
  return Object.prototype.hasOwnProperty.call(doc, key) && doc[key] !== undefined;
}

function entity(ctx, name, kind) {
  if (!ctx.entities || !ctx.entities.has(name)) throw new MatchError(ctx.path, `entity "${name}" is not defined`);
  const value = ctx.entities.get(name);
  if (kind && ctx.entityKind && ctx.entityKind(name) !== kind) throw new MatchError(ctx.path, `entity "${name}" is not a ${kind}`);
  return value;
}

/** Checks a hex string from a test file; malformed strings are a test-file error. */
export function parseHex(hex, where = '$$matchesHexBytes') {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`${where}: malformed hex string ${fmt(hex)}`);
  return Buffer.from(hex, 'hex');
}

/** Applies a special operator; `present` says whether the actual value exists at all. */
function applyOperator(op, arg, actual, present, ctx) {
  switch (op) {
    case '$$exists':
      if (arg && !present) throw new MatchError(ctx.path, 'expected the field to exist');
      if (!arg && present) throw new MatchError(ctx.path, `expected the field to be absent, got ${fmt(actual)}`);
      return;
    case '$$unsetOrMatches':
      if (!present) return;
      matchValue(arg, actual, ctx);
      return;
    case '$$type': {
      if (!present) throw new MatchError(ctx.path, `expected a value of type ${fmt(arg)}, field is absent`);
      const wanted = (Array.isArray(arg) ? arg : [arg]).flatMap((t) => TYPE_ALIASES[t] ?? [t]);
      for (const t of wanted) if (!ALL_TYPES.includes(t)) throw new Error(`$$type: unknown type name "${t}"`);
      const actualTypes = typesOf(actual);
      if (!wanted.some((t) => actualTypes.includes(t))) throw new MatchError(ctx.path, `expected type ${fmt(arg)}, got ${describe(actual)}`);
      return;
    }
    case '$$matchesEntity':
      if (!present) throw new MatchError(ctx.path, `expected entity ${arg}, field is absent`);
      matchValue(entity(ctx, arg), actual, ctx);
      return;
    case '$$matchesHexBytes': {
      const want = parseHex(arg);
      if (!present) throw new MatchError(ctx.path, 'expected bytes, field is absent');
      const got = typeof actual === 'string' ? parseHex(actual, 'actual value') : bytesOf(actual);
      if (!got) throw new MatchError(ctx.path, `expected bytes, got ${describe(actual)}`);
      if (!want.equals(got)) throw new MatchError(ctx.path, `expected bytes ${want.toString('hex')}, got ${got.toString('hex')}`);
      return;
    }
    case '$$sessionLsid': {
      const lsid = ctx.sessionLsid ? ctx.sessionLsid(arg) : entity(ctx, arg)?.id;
      if (!lsid) throw new MatchError(ctx.path, `entity "${arg}" is not a session`);
      if (!present) throw new MatchError(ctx.path, `expected the lsid of ${arg}, field is absent`);
      matchValue(lsid, actual, { ...ctx, exact: true });
      return;
    }
    case '$$lte':
      if (!present) throw new MatchError(ctx.path, `expected a value <= ${fmt(arg)}, field is absent`);
      if (!isNumeric(actual)) throw new MatchError(ctx.path, `expected a number <= ${fmt(arg)}, got ${describe(actual)}`);
      if (!(compareNumeric(actual, arg) <= 0)) throw new MatchError(ctx.path, `expected <= ${fmt(arg)}, got ${fmt(actual)}`);
      return;
    case '$$matchAsDocument': {
      if (!present || typeof actual !== 'string') throw new MatchError(ctx.path, `expected an Extended JSON string, got ${present ? describe(actual) : 'nothing'}`);
      if (!ctx.parseEJSON) throw new Error('$$matchAsDocument needs an Extended JSON parser');
      let parsed;
      try { parsed = ctx.parseEJSON(actual); } catch (e) { throw new MatchError(ctx.path, `not Extended JSON: ${e.message}`); }
      matchValue(arg, parsed, { ...ctx, root: false });
      return;
    }
    case '$$matchAsRoot':
      if (!present) throw new MatchError(ctx.path, 'expected a document, field is absent');
      matchValue(arg, actual, { ...ctx, root: true });
      return;
    case '$$placeholder':
      throw new Error(`$$placeholder at ${ctx.path} cannot be matched`);
    default:
      throw new Error(`unknown special operator ${op} at ${ctx.path}`);
  }
}

/**
 * Asserts that `actual` matches `expected`; throws MatchError (mismatch) or Error (malformed expectation).
 * ctx: { root: boolean (extra keys allowed at this level), exact: boolean (outcome comparison: no operators' leniency,
 * no extra keys anywhere), path, entities: Map, sessionLsid(name), parseEJSON(string), rootArrayElements: boolean }.
 */
export function matchValue(expected, actual, ctx = {}) {
  ctx = { root: true, path: '$', entities: new Map(), ...ctx };
  // The driver keeps ordered key/value arguments (sort, hint, ...) as Maps in the commands it sends and reports in
  // command events; the server receives them as documents, so they match as documents.
  if (actual instanceof Map) actual = Object.fromEntries(actual);
  const op = ctx.exact ? undefined : specialOperator(expected);
  if (op) { applyOperator(op, expected[op], actual, actual !== undefined, ctx); return; }

  if (isDocument(expected)) {
    if (!isDocument(actual)) throw new MatchError(ctx.path, `expected a document, got ${describe(actual)}`);
    for (const key of Object.keys(expected)) {
      const value = expected[key];
      const sub = { ...ctx, root: false, rootArrayElements: false, path: `${ctx.path}.${key}` };
      const valueOp = ctx.exact ? undefined : specialOperator(value);
      if (valueOp) {
        // $$matchesEntity/$$sessionLsid etc. keep the parent's "root-ness" for documents, per the spec.
        const keep = valueOp === '$$unsetOrMatches' || valueOp === '$$matchesEntity' ? { ...sub } : sub;
        applyOperator(valueOp, value[valueOp], actual[key], hasKey(actual, key), keep);
        continue;
      }
      if (!hasKey(actual, key)) throw new MatchError(sub.path, `expected ${fmt(value)}, field is absent`);
      matchValue(value, actual[key], sub);
    }
    if (!ctx.root || ctx.exact) {
      const extra = Object.keys(actual).filter((k) => actual[k] !== undefined && !Object.prototype.hasOwnProperty.call(expected, k));
      if (extra.length > 0) throw new MatchError(ctx.path, `unexpected field(s) ${extra.join(', ')} in a nested document`);
    }
    return;
  }

  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) throw new MatchError(ctx.path, `expected an array, got ${describe(actual)}`);
    if (actual.length !== expected.length) throw new MatchError(ctx.path, `expected ${expected.length} element(s), got ${actual.length}: ${fmt(actual)}`);
    for (let i = 0; i < expected.length; i++) {
      matchValue(expected[i], actual[i], { ...ctx, root: !!ctx.rootArrayElements, rootArrayElements: false, path: `${ctx.path}[${i}]` });
    }
    return;
  }

  if (actual === undefined) throw new MatchError(ctx.path, `expected ${fmt(expected)}, got nothing`);
  const why = scalarMismatch(expected, actual);
  if (why) throw new MatchError(ctx.path, why);
}

/** Non-throwing form: null when matching, else the reason. */
export function mismatch(expected, actual, ctx) {
  try { matchValue(expected, actual, ctx); return null; } catch (e) { return e.message; }
}
