// The performance budget of the pages (not a test; figures for docs/server.md):
// Chromium through playwright-core at 390×844 with the network emulated at
// 400 kbit/s down, 200 kbit/s up and 300 ms latency.
//
//   node scripts/performance-budget.mjs BASE_URL
//
// BASE_URL is a running `p2ham serve` with the Sampit demo on a fresh database
// (e.g. http://127.0.0.1:8080). Needs `npm ci --prefix
// crates/p2ham-server/tests/browser` and Debian's chromium (CHROMIUM to name
// another binary). First, at full speed, the Lapas operator stores 60 camera
// photos (1600×1200 JPEG, as a phone sends them after shrinking, drawn by the
// browser with noise so that they compress like photos) and a draft of the
// Lapas form (the bundled example's answers) that names them. Then, slowed:
//
//   - the login page: bytes transferred, time to load (budget 20 KB, 1.5 s);
//   - the operator's form: bytes before pictures, time until interactive
//     (DOMContentLoaded: the deferred scripts have run; budget 40 KB, 3 s);
//   - the Lapas form scrolled from top to bottom: every byte, pictures
//     included (budget 1.5 MB).
//
// Prints a Markdown table; exits 1 when a budget is missed.
import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../crates/p2ham-server/tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
if (!BASE) { console.error('usage: node scripts/performance-budget.mjs BASE_URL'); process.exit(2); }
const LAPAS = '/periods/2023/units/lapas-sampit';
const API = '/api/v1' + LAPAS;
const PHOTOS = 60;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const weak = { offline: false, latency: 300, downloadThroughput: 400 * 1000 / 8, uploadThroughput: 200 * 1000 / 8 };
const full = { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 };

async function phone() {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  page.setDefaultTimeout(120000);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  return { context, page, cdp };
}

async function login({ page, cdp }, user) {
  await cdp.send('Network.emulateNetworkConditions', full);
  await page.goto(BASE + '/login');
  await page.fill('#username', user);
  await page.fill('#password', 'demo-p2ham-2023');
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
}

// Bytes on the wire (compressed as sent), pictures apart, while `run` goes.
async function counted({ cdp }, run) {
  let bytes = 0, pictures = 0;
  const kinds = new Map();
  const onResponse = (e) => kinds.set(e.requestId, e.type);
  const onFinished = (e) => { if (kinds.get(e.requestId) === 'Image') pictures += e.encodedDataLength; else bytes += e.encodedDataLength; };
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.loadingFinished', onFinished);
  const t0 = Date.now();
  const times = await run(t0);
  cdp.off('Network.responseReceived', onResponse);
  cdp.off('Network.loadingFinished', onFinished);
  return { bytes, pictures, ...times };
}

const rows = [];
const missed = [];
function row(what, figure, budget, ok) {
  rows.push(`| ${what} | ${figure} | ${budget} | ${ok ? 'met' : 'MISSED'} |`);
  if (!ok) missed.push(what);
}
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;

// ---------------------------------------------------------------- preparation, at full speed
{
  const p = await phone();
  await login(p, 'operator-lapas-sampit');
  await p.page.goto(BASE + LAPAS);
  const csrf = await p.page.getAttribute('input[name=csrf_token]', 'value');
  const draft = JSON.parse(fs.readFileSync(new URL('../fixtures/assessments/sampit-2023/lapas-sampit.self.json', import.meta.url), 'utf8'));
  const status = await p.page.evaluate(async ({ api, csrf, count, draft }) => {
    const stored = [];
    for (let n = 0; n < count; n++) {
      const canvas = document.createElement('canvas');
      canvas.width = 1600; canvas.height = 1200;
      const g = canvas.getContext('2d');
      const grad = g.createLinearGradient(0, 0, 1600, 1200);
      grad.addColorStop(0, `hsl(${n * 37 % 360},40%,60%)`);
      grad.addColorStop(1, `hsl(${(n * 37 + 120) % 360},40%,30%)`);
      g.fillStyle = grad; g.fillRect(0, 0, 1600, 1200);
      const img = g.getImageData(0, 0, 1600, 1200);
      let seed = n + 1;
      for (let i = 0; i < img.data.length; i += 4) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const d = (seed % 48) - 24;
        img.data[i] += d; img.data[i + 1] += d; img.data[i + 2] += d;
      }
      g.putImageData(img, 0, 0);
      const blob = await new Promise((r) => canvas.toBlob(r, 'image/jpeg', 0.85));
      const form = new FormData();
      form.append('file', blob, `foto/anggaran-${String(n + 1).padStart(2, '0')}.jpg`);
      const r = await fetch(api + '/evidence', { method: 'POST', body: form, headers: { 'x-csrf-token': csrf }, credentials: 'same-origin' });
      if (r.status !== 201) return `upload ${n + 1}: ${r.status} ${await r.text()}`;
      stored.push(...(await r.json()).map((e) => ({ path: e.path, sha256: e.sha256, size: e.size })));
    }
    // The example's answers, each file reference replaced: the 60 photos spread over the answers that claim something.
    const answers = draft.answers.filter((a) => a.value);
    draft.answers.forEach((a) => { a.evidence = []; });
    stored.forEach((e, i) => answers[i % answers.length].evidence.push({ path: e.path, sha256: e.sha256 }));
    const r = await fetch(api + '/self-assessment', {
      method: 'PUT', body: JSON.stringify(draft), headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, credentials: 'same-origin',
    });
    window.__stored = stored;
    return r.status === 200 ? 'ok' : `draft: ${r.status} ${await r.text()}`;
  }, { api: BASE.replace(/\/$/, '') + API, csrf, count: PHOTOS, draft });
  if (status !== 'ok') { console.error('preparation failed: ' + status); process.exit(1); }
  const sizes = await p.page.evaluate(() => window.__stored.map((e) => e.size));
  console.log(`prepared: ${sizes.length} photos of ${(sizes.reduce((a, b) => a + b, 0) / sizes.length / 1024).toFixed(0)} KB on average in the Lapas draft`);
  await p.context.close();
}

// ---------------------------------------------------------------- the login page
{
  const p = await phone();
  await p.cdp.send('Network.emulateNetworkConditions', weak);
  const r = await counted(p, async (t0) => {
    await p.page.goto(BASE + '/login', { waitUntil: 'load' });
    return { load: Date.now() - t0 };
  });
  row('login page: bytes transferred', kb(r.bytes + r.pictures), '≤ 20 KB', r.bytes + r.pictures <= 20 * 1024);
  row('login page: load', `${(r.load / 1000).toFixed(2)} s`, '≤ 1.5 s', r.load <= 1500);
  await p.context.close();
}

// ---------------------------------------------------------------- the operator's form
{
  const p = await phone();
  await login(p, 'operator-kanim-sampit');
  await p.cdp.send('Network.emulateNetworkConditions', weak);
  const r = await counted(p, async (t0) => {
    await p.page.goto(BASE + '/periods/2023/units/kanim-sampit', { waitUntil: 'domcontentloaded' });
    const interactive = Date.now() - t0;
    await p.page.waitForLoadState('load');
    return { interactive, load: Date.now() - t0 };
  });
  row('operator form (Kanim): bytes before pictures', kb(r.bytes), '≤ 40 KB', r.bytes <= 40 * 1024);
  row('operator form (Kanim): interactive', `${(r.interactive / 1000).toFixed(2)} s`, '≤ 3 s', r.interactive <= 3000);
  await p.context.close();
}

// ---------------------------------------------------------------- the Lapas form scrolled, 60 photos
{
  const p = await phone();
  await login(p, 'operator-lapas-sampit');
  await p.cdp.send('Network.emulateNetworkConditions', weak);
  const r = await counted(p, async (t0) => {
    await p.page.goto(BASE + LAPAS, { waitUntil: 'load' });
    // Scroll a screen at a time to the bottom, as a thumb would, letting lazy pictures come.
    for (;;) {
      const done = await p.page.evaluate(() => {
        window.scrollBy(0, window.innerHeight);
        return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
      });
      await p.page.waitForTimeout(150);
      if (done) break;
    }
    await p.page.waitForLoadState('networkidle');
    const shown = await p.page.evaluate(() => [...document.images].filter((i) => i.complete && i.naturalWidth > 0).length);
    return { shown, scrolled: Date.now() - t0 };
  });
  const total = r.bytes + r.pictures;
  row(`Lapas form scrolled top to bottom (${r.shown} pictures shown): every byte`, `${(total / 1024 / 1024).toFixed(2)} MB (pictures ${kb(r.pictures)})`, '≤ 1.5 MB', total <= 1.5 * 1024 * 1024);
  rows.push(`| Lapas form scrolled: time | ${(r.scrolled / 1000).toFixed(1)} s | — | — |`);
  await p.context.close();
}

await browser.close();
console.log('| measure (400/200 kbit/s, 300 ms, 390×844) | figure | budget | |');
console.log('| --- | --- | --- | --- |');
for (const r of rows) console.log(r);
if (missed.length) { console.error('missed: ' + missed.join('; ')); process.exit(1); }
