// Pages as a phone on a weak signal sees them (not a test): Chromium through
// playwright-core with the network emulated at 400 kbit/s down, 200 kbit/s up
// and 300 ms latency, at 390×844; then once offline.
//
//   node scripts/pages-on-a-phone.mjs BASE_URL
//   node scripts/pages-on-a-phone.mjs --public BASE_URL
//
// BASE_URL is a running `p2ham serve` with the Sampit demo (e.g.
// http://127.0.0.1:8080). Needs `npm ci --prefix crates/p2ham-server/tests/browser`
// and Debian's chromium (CHROMIUM to name another binary). Prints, per page,
// the bytes transferred (compressed, pictures apart), the time to DOMContentLoaded
// and to load, and what the page shows when the connection is gone. Then, as
// the Bapas operator: a camera photo of 4000 × 3000 pixels (a JPEG of about
// 4 MB, made in the page) attached to an indicator until the server confirms
// it stored (the page makes it smaller first), and a second photo whose
// upload is cut off at half and continues (the bytes sent are counted).
// With --public, only the public record's pages, as a first-time visitor
// without an account sees them, on a server where 2023 is published
// (`BENCH_PUBLIC_PHONE=1 scripts/bench-public.sh` runs it so).
import { createRequire } from 'node:module';
const require = createRequire(new URL('../crates/p2ham-server/tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const PUBLIC = process.argv[2] === '--public';
const BASE = process.argv[PUBLIC ? 3 : 2];
if (!BASE) { console.error('usage: node scripts/pages-on-a-phone.mjs [--public] BASE_URL'); process.exit(2); }
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
// The service worker's own requests escape the page's network emulation: pages are measured
// without it; the offline rows and the uploads below run with it.
let context = await browser.newContext({ viewport: { width: 390, height: 844 }, serviceWorkers: 'block' });
let page = await context.newPage();
let cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
async function withServiceWorker() {
  await context.close();
  context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  page = await context.newPage();
  cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
}
const weak = { offline: false, latency: 300, downloadThroughput: 400 * 1000 / 8, uploadThroughput: 200 * 1000 / 8 };

async function login(user) {
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await context.clearCookies();
  await page.goto(BASE + '/login');
  await page.fill('#username', user);
  await page.fill('#password', 'demo-p2ham-2023');
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
}

async function measure(name, path) {
  await cdp.send('Network.emulateNetworkConditions', weak);
  let bytes = 0, pictures = 0;
  const onFinished = (e) => { bytes += e.encodedDataLength; };
  const kinds = new Map();
  const onResponse = (e) => kinds.set(e.requestId, e.type);
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.loadingFinished', (e) => { if (kinds.get(e.requestId) === 'Image') pictures += e.encodedDataLength; else onFinished(e); });
  const t0 = Date.now();
  await page.goto(BASE + path, { waitUntil: 'domcontentloaded' });
  const dom = Date.now() - t0;
  await page.waitForLoadState('load');
  const load = Date.now() - t0;
  cdp.removeAllListeners('Network.loadingFinished');
  cdp.off('Network.responseReceived', onResponse);
  console.log(`| ${name} | ${(bytes / 1024).toFixed(1)} KB | ${(pictures / 1024).toFixed(1)} KB | ${dom} ms | ${load} ms |`);
}

async function offline(name, path) {
  await cdp.send('Network.emulateNetworkConditions', { ...weak, offline: true });
  await context.setOffline(true);
  let shown;
  try {
    await page.goto(BASE + path, { waitUntil: 'domcontentloaded', timeout: 10000 });
    shown = (await page.title()) || '(no title)';
  } catch (e) {
    shown = 'the browser\'s own error page: ' + String(e.message).split('\n')[0];
  }
  await context.setOffline(false);
  console.log(`| ${name}, offline | ${shown} |`);
}

console.log('| page | transferred (pages, styles, scripts) | pictures | DOMContentLoaded | load |');
console.log('| --- | --- | --- | --- | --- |');
if (PUBLIC) {
  // Each page as a first visit: nothing cached from the page before.
  for (const [name, path] of [
    ['public: the periods', '/publik'],
    ['public: a period\'s awarded units', '/publik/periode/2023'],
    ['public: the units searched', '/publik/periode/2023?q=sampit'],
    ['public: a unit', '/publik/unit/kanim-sampit'],
    ['public: the facility finder', '/publik/fasilitas?q=laktasi'],
  ]) {
    await cdp.send('Network.clearBrowserCache');
    await measure(name, path);
  }
  await offline('public: a unit (service worker blocked)', '/publik/unit/kanim-sampit');
  await browser.close();
  process.exit(0);
}
await measure('login', '/login');
await login('operator-kanim-sampit');
await measure('operator: periods', '/unit');
await measure('operator: the form', '/periods/2023/units/kanim-sampit');
await login('verifier-kalteng');
await measure('verifier: the units', '/verification');
await measure('verifier: the review', '/periods/2023/units/kanim-sampit');
await offline('verifier: the review (service worker blocked)', '/periods/2023/units/kanim-sampit');
await login('evaluator');
await measure('evaluator: the dashboard', '/evaluation?period=2023');
await measure('evaluator: the award round', '/periods/2023/round');
await login('operator-kanim-sampit');
await offline('operator: the form (service worker blocked)', '/periods/2023/units/kanim-sampit');
// Uploads go through a relay that can cut every connection, as a phone losing its signal does.
const net = await import('node:net');
const target = new URL(BASE);
const sockets = new Set();
const relay = net.createServer((client) => {
  const server = net.connect(Number(target.port || 80), target.hostname);
  sockets.add(client);
  sockets.add(server);
  client.pipe(server);
  server.pipe(client);
  const done = () => { client.destroy(); server.destroy(); sockets.delete(client); sockets.delete(server); };
  client.on('error', done); server.on('error', done); client.on('close', done); server.on('close', done);
});
await new Promise((r) => relay.listen(0, '127.0.0.1', r));
const RELAY = `http://127.0.0.1:${relay.address().port}${target.pathname.replace(/\/$/, '')}`;
function cutEverything() { for (const s of sockets) s.destroy(); sockets.clear(); }

// A camera photo of 4000 × 3000 pixels: smooth light with fine grain, as a phone takes it.
async function cameraPhoto(seed) {
  return Buffer.from(await page.evaluate(async (seed) => {
    const c = document.createElement('canvas');
    c.width = 4000;
    c.height = 3000;
    const g = c.getContext('2d');
    const img = g.createImageData(c.width, c.height);
    let x = seed;
    for (let i = 0, p = 0; i < img.data.length; i += 4, p++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const col = p % 4000, row = (p / 4000) | 0;
      const grain = (x & 63) - 32;
      img.data[i] = 90 + col / 40 + grain;
      img.data[i + 1] = 110 + row / 30 + grain;
      img.data[i + 2] = 140 + Math.sin(col / 90) * 40 + grain;
      img.data[i + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.92));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, seed), 'base64');
}

await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
await context.clearCookies();
await page.goto(RELAY + '/login');
await page.fill('#username', 'operator-bapas-sampit');
await page.fill('#password', 'demo-p2ham-2023');
await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
const bapas = '/periods/2023/units/bapas-sampit';
await page.goto(RELAY + bapas);
const fieldsets = page.locator('fieldset.evidence');
console.log('');
console.log('| upload (400/200 kbit/s, 300 ms) | the photo | requests (where each began) | stored | time until confirmed stored |');
console.log('| --- | --- | --- | --- | --- |');
async function attach(n, photo, cutAtHalf) {
  const fieldset = fieldsets.nth(n);
  const indicator = await fieldset.getAttribute('data-indicator');
  const offsets = [];
  const onRequest = (r) => {
    if (r.method() === 'PATCH' && r.url().includes('/api/v1/uploads/')) offsets.push(Number(r.headers()['upload-offset']));
  };
  page.on('request', onRequest);
  await cdp.send('Network.emulateNetworkConditions', weak);
  const t0 = Date.now();
  await fieldset.locator('input[type=file][accept*="pdf"]').setInputFiles({ name: 'IMG_20240312_101500.jpg', mimeType: 'image/jpeg', buffer: photo });
  let cutAt = null;
  if (cutAtHalf) {
    // Half way, every connection breaks.
    await page.waitForFunction((ind) => {
      const p = document.querySelector(`fieldset.evidence[data-indicator="${ind}"] progress`);
      return p && p.value >= 50;
    }, indicator, { timeout: 300000, polling: 50 });
    cutAt = await fieldset.locator('progress').evaluate((p) => p.value);
    cutEverything();
  }
  await fieldset.locator('li.upload.ok').waitFor({ timeout: 300000 });
  const took = Date.now() - t0;
  page.off('request', onRequest);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const list = await page.evaluate(async (u) => (await fetch(u)).json(), `${RELAY}/api/v1/uploads?period=2023&unit=bapas-sampit`);
  const up = list.find((u) => u.indicator === indicator && u.sha256);
  const name = cutAtHalf ? `connection cut at ${cutAt}%, continued` : 'attached';
  console.log(`| ${name} | ${(photo.length / 1024 / 1024).toFixed(2)} MB | PATCH offsets ${offsets.join(', ')} | ${(up.length / 1024).toFixed(0)} KB JPEG | ${(took / 1000).toFixed(1)} s |`);
}
await attach(0, await cameraPhoto(12345), false);
await attach(1, await cameraPhoto(54321), true);
relay.close();
// The same with the service worker, once the pages were opened.
console.log('');
console.log('| page, with the service worker | what shows |');
console.log('| --- | --- |');
await withServiceWorker();
await login('operator-kanim-sampit');
await page.goto(BASE + '/periods/2023/units/kanim-sampit');
await page.evaluate(async () => {
  await navigator.serviceWorker.ready;
  for (let i = 0; i < 100 && !(await caches.match(location.href)); i++) await new Promise((r) => setTimeout(r, 100));
});
await page.goto(BASE + '/unit');
await offline('operator: the form (opened before)', '/periods/2023/units/kanim-sampit');
await offline('operator: a page never opened', '/password');

await browser.close();
