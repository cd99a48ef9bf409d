// The Shopfloor web dashboard in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core): it starts
// `shopfloor demo` (samples/Shopfloor) on free loopback ports, signs in on the page with a printed PIN, and checks
// that the page loads without console errors, shows the same numbers as GET /api/dashboard, draws its charts and
// thumbnails, and refreshes live when a photo is created. Saves a screenshot to $SHOPFLOOR_SCREENSHOT (the README's
// docs/images/dashboard.png is made with SHOPFLOOR_SCREENSHOT=docs/images/dashboard.png), else under .test-tmp.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = process.env.OUTPOST_REPO ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(chromiumPath);

function shopfloorDll() {
  if (process.env.SHOPFLOOR_DLL) return process.env.SHOPFLOOR_DLL;
  for (const config of ['Release', 'Debug']) {
    const p = path.join(repo, `samples/Shopfloor/bin/${config}/net10.0/shopfloor.dll`);
    if (fs.existsSync(p)) return p;
  }
  const build = spawnSync('dotnet', ['build', path.join(repo, 'samples/Shopfloor'), '-c', 'Release', '-nologo', '-v', 'q'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building samples/Shopfloor failed');
  return path.join(repo, 'samples/Shopfloor/bin/Release/net10.0/shopfloor.dll');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

let demo, base, pins = {}, browser, page, dataDir;
const consoleErrors = [];

// Relaxed Extended JSON → plain values (as the page does).
function plain(v) {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    if ('$date' in v) return new Date(v.$date);
    if ('$oid' in v) return v.$oid;
    if ('$numberLong' in v) return Number(v.$numberLong);
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

async function api(pathname, { token, method = 'GET', body } = {}) {
  const response = await fetch(base + pathname, {
    method,
    headers: Object.assign({ 'Content-Type': 'application/json' }, token ? { Authorization: 'Bearer ' + token } : {}),
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${text}`);
  return text ? plain(JSON.parse(text)) : null;
}

before(async () => {
  if (!haveChromium) return;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shopfloor-dashboard-'));
  const port = await freePort();
  demo = spawn('dotnet', [shopfloorDll(), 'demo', '--data', dataDir, '--port', String(port), '--wire-port', '0', '--photos', '150', '--live-seconds', '0', '--exit-after', '900'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  demo.stderr.on('data', (d) => (out += d));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('demo did not start within 180 s:\n' + out)), 180_000);
    demo.stdout.on('data', (d) => {
      out += d;
      if (/Ctrl\+C stops/.test(out)) { clearTimeout(timer); resolve(); }
    });
    demo.on('exit', (code) => { clearTimeout(timer); reject(new Error(`demo exited (${code}):\n${out}`)); });
  });
  base = out.match(/dashboard:\s+(http:\/\/[^/]+)\//)[1];
  for (const m of out.matchAll(/^\s+([A-Z]{3})\s+(\d{6})\s/gm)) pins[m[1]] = m[2];
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
});

after(async () => {
  if (browser) await browser.close();
  if (demo && demo.exitCode === null) {
    demo.kill('SIGTERM');
    await new Promise((r) => { const t = setTimeout(() => { demo.kill('SIGKILL'); r(); }, 10_000); demo.on('exit', () => { clearTimeout(t); r(); }); });
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('dashboard signs in and shows the same numbers as the API', { skip: haveChromium ? false : `no ${chromiumPath}` }, async () => {
  await page.goto(base + '/dashboard/');
  await page.selectOption('#department', 'PNT');
  await page.fill('#pin', pins.PNT);
  await page.click('#sign-in-button');
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });

  const signIn = await api('/api/auth/sign-in', { method: 'POST', body: { deviceId: 'compat-checker', departmentCode: 'PNT', pin: pins.PNT } });
  const data = await api('/api/dashboard', { token: signIn.token });
  assert.ok(data.summary.totalPhotos > 0, 'the demo generated Paint photos');
  // The page's own formatting (window.shopfloorFormat) is mirrored here: counts as integers, quality to one decimal.
  let synced = 0, total = 0;
  for (const s of data.departmentStats) { synced += s.syncSuccessRate * s.photoCount; total += s.photoCount; }
  const expected = {
    '#total-photos': String(data.summary.totalPhotos),
    '#avg-quality': Number(data.summary.avgQuality).toFixed(1),
    '#total-defects': String(data.summary.totalDefects),
    '#sync-rate': Math.round((synced / total) * 100) + '%',
    '#project-count': String(data.summary.uniqueProjectCount),
  };
  for (const [selector, value] of Object.entries(expected)) {
    assert.equal((await page.textContent(selector)).trim(), value, selector);
  }
  assert.equal(await page.locator('#daily-chart rect.bar').count(), data.dailyStats.length);
  assert.equal(await page.locator('#quality-chart rect.bar').count(), 10);
  for (const q of data.qualityStats) {
    assert.equal(await page.getAttribute(`#quality-chart rect.bar >> nth=${q._id - 1}`, 'data-value'), String(q.count), `quality ${q._id}`);
  }
  for (const s of data.syncStats) {
    assert.equal(await page.getAttribute(`#sync-status [data-status="${s._id}"]`, 'data-count'), String(s.count), `sync ${s._id}`);
  }
  assert.equal(await page.locator('#recent .thumb svg').count(), data.recentPhotos.length);
  assert.deepEqual(consoleErrors, []);
});

test('dashboard refreshes live when a photo is created', { skip: haveChromium ? false : `no ${chromiumPath}` }, async () => {
  await page.waitForSelector('#live.on', { timeout: 20_000 });
  const before = Number((await page.textContent('#total-photos')).trim());
  const signIn = await api('/api/auth/sign-in', { method: 'POST', body: { deviceId: 'compat-tablet', departmentCode: 'PNT', pin: pins.PNT } });
  const projects = await api('/api/projects', { token: signIn.token });
  const now = new Date().toISOString();
  await api('/api/photos', {
    token: signIn.token, method: 'POST', body: {
      localPath: '/storage/live.jpg', fileName: 'live-check.jpg', departmentId: 'PAINT', projectId: { $oid: projects[0]._id },
      partId: 'PART-001', jobNumber: projects[0].jobNumber, capturedAt: { $date: now }, lastModified: { $date: now },
      fileSize: 1048576, mimeType: 'image/jpeg', checksumMD5: '5d41402abc4b2a76b9719d911017c592', syncStatus: 'synced',
      metadata: { inspectionType: 'live', qualityRating: 9, defectsFound: [], deviceInfo: { deviceId: 'compat-tablet', model: 'x', osVersion: 'y', appVersion: '1',
        cameraSettings: { quality: 90, flash: 'off', resolution: { width: 10, height: 10 } } } },
    },
  });
  await page.waitForFunction((n) => Number(document.getElementById('total-photos').textContent) === n + 1, before, { timeout: 20_000 });
  assert.equal(await page.locator('#recent .thumb .name').first().textContent(), 'live-check.jpg');
  const shot = process.env.SHOPFLOOR_SCREENSHOT
    ? path.resolve(repo, process.env.SHOPFLOOR_SCREENSHOT)
    : path.join(repo, '.test-tmp', 'shopfloor-dashboard.png');
  fs.mkdirSync(path.dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
  assert.deepEqual(consoleErrors, []);
});
