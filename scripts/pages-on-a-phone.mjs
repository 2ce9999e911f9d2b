// Pages as a phone on a weak signal sees them (not a test): Chromium through
// playwright-core with the network emulated at 400 kbit/s down, 200 kbit/s up
// and 300 ms latency, at 390×844; then once offline.
//
//   node scripts/pages-on-a-phone.mjs BASE_URL
//
// BASE_URL is a running `p2ham serve` with the Sampit demo (e.g.
// http://127.0.0.1:8080). Needs `npm ci --prefix crates/p2ham-server/tests/browser`
// and Debian's chromium (CHROMIUM to name another binary). Prints, per page,
// the bytes transferred (compressed, pictures apart), the time to DOMContentLoaded
// and to load, and what the page shows when the connection is gone.
import { createRequire } from 'node:module';
const require = createRequire(new URL('../crates/p2ham-server/tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
if (!BASE) { console.error('usage: node scripts/pages-on-a-phone.mjs BASE_URL'); process.exit(2); }
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
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
  let shown;
  try {
    await page.goto(BASE + path, { waitUntil: 'domcontentloaded', timeout: 10000 });
    shown = (await page.title()) || '(no title)';
  } catch (e) {
    shown = 'the browser\'s own error page: ' + String(e.message).split('\n')[0];
  }
  console.log(`| ${name}, offline | ${shown} |`);
}

console.log('| page | transferred (pages, styles, scripts) | pictures | DOMContentLoaded | load |');
console.log('| --- | --- | --- | --- | --- |');
await measure('login', '/login');
await login('operator-kanim-sampit');
await measure('operator: periods', '/unit');
await measure('operator: the form', '/periods/2023/units/kanim-sampit');
await login('verifier-kalteng');
await measure('verifier: the units', '/verification');
await measure('verifier: the review', '/periods/2023/units/kanim-sampit');
await offline('verifier: the review', '/periods/2023/units/kanim-sampit');
await login('operator-kanim-sampit');
await offline('operator: the form', '/periods/2023/units/kanim-sampit');
await browser.close();
