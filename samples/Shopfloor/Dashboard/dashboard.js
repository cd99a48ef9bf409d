// Shopfloor web dashboard: plain JS, no build step, no CDN. Reads the REST API with the department's bearer token,
// draws charts as inline SVG, and refreshes when the server's event stream (fed by the engine's change stream)
// reports a photo change; a slow poll covers a dropped stream.
'use strict';

const state = { token: sessionStorage.getItem('shopfloor.token'), source: null, refreshTimer: null, pollTimer: null };
const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

// Relaxed Extended JSON → plain JS values.
function plain(v) {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    if ('$date' in v) return new Date(typeof v.$date === 'object' ? Number(v.$date.$numberLong) : v.$date);
    if ('$oid' in v) return v.$oid;
    if ('$numberLong' in v) return Number(v.$numberLong);
    if ('$numberDouble' in v) return Number(v.$numberDouble);
    if ('$numberDecimal' in v) return Number(v.$numberDecimal);
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

async function api(path, options = {}) {
  const headers = Object.assign({ 'Content-Type': 'application/json' }, options.headers || {});
  if (state.token) headers.Authorization = 'Bearer ' + state.token;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401 && path !== '/api/auth/sign-in') { signOut(false); throw new Error('signed out'); }
  const text = await response.text();
  const body = text ? plain(JSON.parse(text)) : null;
  if (!response.ok) throw new Error((body && body.detail) || response.statusText);
  return body;
}

// Shared by the page and the headless test, so both show numbers the same way.
const format = {
  count: (n) => String(n ?? 0),
  quality: (q) => (q === null || q === undefined ? '–' : Number(q).toFixed(1)),
  percent: (r) => (r === null || r === undefined ? '–' : Math.round(r * 100) + '%'),
  megabytes: (mb) => (mb ? (mb >= 1024 ? (mb / 1024).toFixed(1) + ' GB' : mb.toFixed(0) + ' MB') : '0 MB'),
};
window.shopfloorFormat = format;

function syncRate(data) {
  let synced = 0, total = 0;
  for (const s of data.departmentStats) { synced += s.syncSuccessRate * s.photoCount; total += s.photoCount; }
  return total ? synced / total : null;
}

function el(tag, attrs = {}, parent) {
  const node = SVG_TAGS.has(tag) ? document.createElementNS(SVG, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v; else node.setAttribute(k, v);
  }
  if (parent) parent.appendChild(node);
  return node;
}
const SVG_TAGS = new Set(['svg', 'rect', 'text', 'g', 'line', 'title', 'circle', 'path']);

function barChart(container, items, { width = 640, height = 180, barClass = () => 'bar' } = {}) {
  container.replaceChildren();
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' }, container);
  if (!items.length) { el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', text: 'No photos yet' }, svg); return; }
  const max = Math.max(...items.map((i) => i.value), 1);
  const pad = 24, slot = (width - pad) / items.length, barWidth = Math.max(2, slot * 0.7);
  el('line', { x1: pad, y1: height - 20, x2: width, y2: height - 20, stroke: '#cbd5e1' }, svg);
  el('text', { x: 2, y: 12, text: String(max) }, svg);
  items.forEach((item, i) => {
    const h = ((height - 36) * item.value) / max;
    const x = pad + i * slot + (slot - barWidth) / 2;
    const rect = el('rect', { x, y: height - 20 - h, width: barWidth, height: h, class: barClass(item), 'data-value': item.value }, svg);
    el('title', { text: `${item.label}: ${item.value}` }, rect);
    if (items.length <= 16 || i % Math.ceil(items.length / 12) === 0) {
      el('text', { x: x + barWidth / 2, y: height - 6, 'text-anchor': 'middle', text: item.short ?? item.label }, svg);
    }
  });
}

function thumbnail(photo) {
  // A drawn stand-in for the image: colour by quality, a crosshair per defect, department and part printed.
  const q = photo.qualityRating ?? 0;
  const hue = Math.round((q / 10) * 120);
  const svg = el('svg', { viewBox: '0 0 160 110', role: 'img' });
  el('rect', { x: 0, y: 0, width: 160, height: 110, fill: `hsl(${hue}, 55%, 88%)` }, svg);
  el('rect', { x: 22, y: 18, width: 116, height: 62, rx: 6, fill: `hsl(${hue}, 40%, 62%)` }, svg);
  (photo.defectsFound || []).forEach((d, i) => {
    const cx = 45 + i * 34, cy = 48;
    el('circle', { cx, cy, r: 9, fill: 'none', stroke: '#b91c1c', 'stroke-width': 2 }, svg);
    el('title', { text: d }, svg);
  });
  el('text', { x: 8, y: 100, 'font-size': 11, fill: '#1d2633', text: `${photo.departmentId} · ${photo.partId} · Q${q || '?'}` }, svg);
  return svg;
}

function render(data) {
  const s = data.summary;
  $('total-photos').textContent = format.count(s.totalPhotos);
  $('avg-quality').textContent = format.quality(s.avgQuality);
  $('total-defects').textContent = format.count(s.totalDefects);
  $('sync-rate').textContent = format.percent(syncRate(data));
  $('project-count').textContent = format.count(s.uniqueProjectCount);
  $('total-size').textContent = format.megabytes(s.totalSizeMB);
  $('generated-at').textContent = new Date(data.generatedAt).toLocaleString();

  const daily = [...data.dailyStats].reverse().map((d) => ({ label: d._id, short: d._id.slice(5), value: d.photoCount }));
  barChart($('daily-chart'), daily, { height: 170 });

  const byRating = new Map(data.qualityStats.map((q) => [q._id, q.count]));
  const quality = [];
  for (let r = 1; r <= 10; r++) quality.push({ label: 'Quality ' + r, short: String(r), value: byRating.get(r) || 0, rating: r });
  barChart($('quality-chart'), quality, { width: 320, height: 170, barClass: (i) => 'bar ' + (i.rating <= 4 ? 'q-low' : i.rating <= 7 ? 'q-mid' : 'q-high') });

  const status = $('sync-status');
  status.replaceChildren();
  const total = s.totalPhotos || 1;
  for (const st of data.syncStats) {
    const row = el('div', { class: 'status-row status-' + st._id, 'data-status': st._id, 'data-count': st.count }, status);
    el('span', { class: 'name', text: st._id }, row);
    const track = el('span', { class: 'track' }, row);
    el('span', { class: 'fill', style: `width:${(100 * st.count) / total}%; display:block` }, track);
    el('span', { class: 'count', text: String(st.count) }, row);
  }

  const tbody = $('projects').querySelector('tbody');
  tbody.replaceChildren();
  for (const p of data.projectStats) {
    const tr = el('tr', {}, tbody);
    el('td', { text: state.projects.get(p._id) || String(p._id).slice(-6) }, tr);
    el('td', { text: String(p.photoCount) }, tr);
    el('td', { text: String(p.defectCount) }, tr);
  }

  const recent = $('recent');
  recent.replaceChildren();
  for (const photo of data.recentPhotos) {
    const card = el('div', { class: 'thumb', 'data-id': photo._id }, recent);
    card.appendChild(thumbnail(photo));
    el('div', { class: 'name', text: photo.fileName }, card);
    el('div', { text: `${new Date(photo.capturedAt).toLocaleString()} · ${photo.syncStatus}` }, card);
  }
  document.body.dataset.loaded = 'true';
}

async function refresh() {
  try {
    render(await api('/api/dashboard'));
  } catch (e) {
    if (state.token) console.warn('refresh failed:', e.message);
  }
}

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(refresh, 400);
}

function connectLive() {
  if (!window.EventSource) return;
  const source = new EventSource('/api/events?access_token=' + encodeURIComponent(state.token));
  state.source = source;
  source.onopen = () => { $('live').className = 'pill on'; $('live-text').textContent = 'live'; };
  source.addEventListener('change', scheduleRefresh);
  source.onerror = () => { $('live').className = 'pill off'; $('live-text').textContent = 'reconnecting'; };
}

async function showBoard() {
  $('sign-in').hidden = true;
  $('board').hidden = false;
  $('who').hidden = false;
  const me = await api('/api/auth/me');
  $('who-text').textContent = `${me.departmentCode} · ${me.deviceId}`;
  state.projects = new Map((await api('/api/projects')).map((p) => [p._id, `${p.jobNumber} ${p.name}`]));
  await refresh();
  connectLive();
  state.pollTimer = setInterval(refresh, 30000);
}

function signOut(callServer = true) {
  if (callServer && state.token) fetch('/api/auth/sign-out', { method: 'POST', headers: { Authorization: 'Bearer ' + state.token } });
  state.token = null;
  sessionStorage.removeItem('shopfloor.token');
  if (state.source) state.source.close();
  clearInterval(state.pollTimer);
  $('board').hidden = true;
  $('who').hidden = true;
  $('sign-in').hidden = false;
  document.body.dataset.loaded = 'false';
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('sign-in-error').textContent = '';
  let deviceId = localStorage.getItem('shopfloor.deviceId');
  if (!deviceId) { deviceId = 'dashboard-' + Math.random().toString(36).slice(2, 10); localStorage.setItem('shopfloor.deviceId', deviceId); }
  try {
    const result = await api('/api/auth/sign-in', { method: 'POST', body: JSON.stringify({ deviceId, departmentCode: $('department').value, pin: $('pin').value }) });
    state.token = result.token;
    sessionStorage.setItem('shopfloor.token', state.token);
    $('pin').value = '';
    await showBoard();
  } catch (e) {
    $('sign-in-error').textContent = e.message;
  }
});
$('sign-out').addEventListener('click', () => signOut(true));

state.projects = new Map();
if (state.token) showBoard().catch(() => signOut(false)); else $('sign-in').hidden = false;
