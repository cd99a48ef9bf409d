// Version strings, schemaVersion compatibility and runOnRequirements evaluation (pure; no server needed).
import { compareNumeric, isDocument } from './match.mjs';

/** The schema versions this runner implements (a file is compatible when same major and <= one of these). */
export const SUPPORTED_SCHEMA_VERSIONS = ['1.28.0'];

/** Parses "M", "M.m" or "M.m.p[-suffix]" into [M, m, p]; extra components and suffixes are discarded. */
export function parseVersion(v) {
  if (Array.isArray(v)) return [0, 1, 2].map((i) => Number(v[i] ?? 0));
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(String(v).trim());
  if (!m) throw new Error(`malformed version string "${v}"`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

export function compareVersions(a, b) {
  const x = parseVersion(a), y = parseVersion(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/** Null when a file's schemaVersion can be run, else why not. */
export function schemaVersionProblem(schemaVersion, supported = SUPPORTED_SCHEMA_VERSIONS) {
  if (typeof schemaVersion !== 'string') return 'schemaVersion is missing';
  let v;
  try { v = parseVersion(schemaVersion); } catch (e) { return e.message; }
  const ok = supported.some((s) => { const sv = parseVersion(s); return sv[0] === v[0] && compareVersions(v, sv) <= 0; });
  return ok ? null : `schemaVersion ${schemaVersion} is not supported by this runner (supports ${supported.join(', ')})`;
}

/**
 * What the runner knows about the deployment:
 * { version: "7.0.0" | [7,0,0], topology: "single"|"replicaset"|"sharded"|"load-balanced", auth: bool,
 *   serverless: bool, csfle: bool, authMechanisms?: string[], serverParameters: object|null (getParameter "*") }
 */
function paramMismatch(name, want, params) {
  if (!params || !Object.prototype.hasOwnProperty.call(params, name)) return `server parameter ${name} (not reported by the server)`;
  const got = params[name];
  const numeric = (v) => typeof v === 'number' || typeof v === 'bigint' || ['Int32', 'Long', 'Double'].includes(v?._bsontype);
  if (numeric(want) && numeric(got)) return compareNumeric(want, got) === 0 ? null : `server parameter ${name}=${want} (server has ${got})`;
  if (isDocument(want) || Array.isArray(want)) return JSON.stringify(want) === JSON.stringify(got) ? null : `server parameter ${name}=${JSON.stringify(want)} (server has ${JSON.stringify(got)})`;
  return want === got || String(want) === String(got) ? null : `server parameter ${name}=${want} (server has ${got})`;
}

/** The list of unmet conditions of one runOnRequirement (empty when it is satisfied). */
export function unmetConditions(req, info) {
  const unmet = [];
  const version = Array.isArray(info.version) ? info.version.join('.') : info.version;
  if (req.minServerVersion !== undefined && compareVersions(version, req.minServerVersion) < 0) unmet.push(`minServerVersion ${req.minServerVersion} (server is ${version})`);
  if (req.maxServerVersion !== undefined && compareVersions(version, req.maxServerVersion) > 0) unmet.push(`maxServerVersion ${req.maxServerVersion} (server is ${version})`);
  if (req.topologies !== undefined) {
    // "sharded" accepts any sharded cluster; every shard is a replica set nowadays, so "sharded-replicaset" does too.
    const accepted = req.topologies.flatMap((t) => (t === 'sharded-replicaset' ? ['sharded'] : [t]));
    if (!accepted.includes(info.topology)) unmet.push(`topologies ${JSON.stringify(req.topologies)} (server is ${info.topology})`);
  }
  if (req.serverless === 'require' && !info.serverless) unmet.push('serverless: require (not serverless)');
  if (req.serverless === 'forbid' && info.serverless) unmet.push('serverless: forbid (is serverless)');
  if (req.auth === true && !info.auth) unmet.push('auth: true (authentication is not enabled)');
  if (req.auth === false && info.auth) unmet.push('auth: false (authentication is enabled)');
  if (req.authMechanism !== undefined) {
    const mechs = (info.authMechanisms ?? []).map((m) => String(m).toLowerCase());
    if (!mechs.includes(String(req.authMechanism).toLowerCase())) unmet.push(`authMechanism ${req.authMechanism} (server offers ${JSON.stringify(info.authMechanisms ?? [])})`);
  }
  if (req.csfle !== undefined && req.csfle !== false && !info.csfle) unmet.push('csfle (the runner has no client-side encryption library)');
  if (req.csfle === false && info.csfle) unmet.push('csfle: false (CSFLE is available)');
  if (req.serverParameters !== undefined) {
    for (const [name, want] of Object.entries(req.serverParameters)) {
      const why = paramMismatch(name, want, info.serverParameters);
      if (why) unmet.push(why);
    }
  }
  return unmet;
}

/** Null when at least one requirement is met (or there are none), else a reason naming what the server does not claim. */
export function requirementsProblem(requirements, info) {
  if (!requirements || requirements.length === 0) return null;
  const reasons = [];
  for (const req of requirements) {
    const unmet = unmetConditions(req, info);
    if (unmet.length === 0) return null;
    reasons.push(unmet.join(' and '));
  }
  return `runOnRequirements not met: ${reasons.map((r) => `{${r}}`).join(' or ')}`;
}
