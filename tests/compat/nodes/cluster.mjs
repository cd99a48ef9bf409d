// Helpers for running several `outpost serve` processes (nodes) on one fresh PostgreSQL database.
// Used by nodes/nodes.test.mjs and bench/nodes/throughput.mjs.
import { spawn, execFileSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = process.env.OUTPOST_REPO ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const dll = process.env.OUTPOST_DLL ?? path.join(repo, 'src/Outpost.Server/bin/Release/net10.0/outpost.dll');

/** postgresql:// URL of the test cluster (scripts/test-deps.sh exports it), or undefined when there is none. */
export const pgUrl = process.env.OUTPOST_TEST_POSTGRES_URL;

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Creates a database with a unique name on the cluster of `pgUrl` and returns { url, drop }. */
export function createDatabase(prefix) {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new URL(pgUrl);
  admin.pathname = '/postgres';
  execFileSync('psql', [admin.toString(), '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE "${name}"`], { stdio: 'pipe' });
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const drop = () => {
    try {
      execFileSync('psql', [admin.toString(), '-qc', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`], { stdio: 'pipe' });
    } catch { /* best effort */ }
  };
  return { name, url: url.toString(), drop };
}

/**
 * Starts one node: `dotnet outpost.dll serve --storage <url>` on a free loopback port (or `port` when given, so a
 * restarted node keeps its address). Resolves once it prints "ready" (90 s bound on this loaded machine).
 */
export async function startNode(storageUrl, port) {
  port ??= await freePort();
  let httpPort = await freePort();
  while (httpPort === port) httpPort = await freePort();
  const child = spawn('dotnet', [dll, 'serve', '--port', String(port), '--http-port', String(httpPort), '--storage', storageUrl],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node on ${port}: no "ready" within 90 s; output:\n${output}`)), 90_000);
    child.stdout.on('data', (d) => { output += d; if (output.includes('ready')) { clearTimeout(timer); resolve(); } });
    child.stderr.on('data', (d) => (output += d));
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`node on ${port} exited (${code ?? signal}) before "ready":\n${output}`)); });
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    port,
    uri: `mongodb://127.0.0.1:${port}/?directConnection=true`,
    child,
    exited,
    output: () => output,
    /** SIGKILL: no shutdown path runs, as in a crash or an OOM kill. */
    async kill() { if (alive()) { child.kill('SIGKILL'); await exited; } },
    /** SIGTERM: the graceful path. */
    async stop() { if (alive()) { child.kill('SIGTERM'); await exited; } },
  };
}
