// The operator's form on a phone with a bad signal, in a real browser
// (Debian's Chromium through playwright-core), at 390×844:
// - a camera photo (2400×1800 JPEG) is made smaller on the phone and uploaded
//   on its own as soon as it is chosen, with a progress bar; one of its
//   requests is cut off and the upload continues from the byte the server
//   kept (never from 0 again);
// - the connection goes away during a save: the page says "Tersimpan di
//   perangkat, belum terkirim", a reload comes from the phone with what was
//   typed, and once the connection is back the server holds exactly that;
// - a page never opened gets the application's offline page, not the
//   browser's error page.
// axe-core on every page shown (no serious or critical violation).
//
// Environment: P2HAM_BASE (server URL), P2HAM_ARTIFACTS (output folder), CHROMIUM.

import net from 'node:net';
import path from 'node:path';
import { PASSWORD, axe, checks, launch } from './harness.mjs';

const SERVER = new URL(process.env.P2HAM_BASE);
const PREFIX = SERVER.pathname.replace(/\/$/, '');
// The browser reaches the server through a relay that can cut every connection
// while the phone still believes it is online (the server out of reach).
const sockets = new Set();
let down = false;
const relay = net.createServer((client) => {
  if (down) { client.destroy(); return; }
  const server = net.connect(Number(SERVER.port), SERVER.hostname);
  sockets.add(client);
  sockets.add(server);
  client.pipe(server);
  server.pipe(client);
  const done = () => { client.destroy(); server.destroy(); sockets.delete(client); sockets.delete(server); };
  for (const s of [client, server]) { s.on('error', done); s.on('close', done); }
});
await new Promise((r) => relay.listen(0, '127.0.0.1', r));
function cutRelay() { down = true; for (const s of sockets) s.destroy(); sockets.clear(); }
function restore() { down = false; }
const BASE = `http://127.0.0.1:${relay.address().port}${PREFIX}`;
const OUT = process.env.P2HAM_ARTIFACTS;
const UNIT = 'lapas-sampit';
const FORM = `/periods/2023/units/${UNIT}`;
const { check, result, failures } = checks(OUT, 'field-result.json');
const browser = await launch();

async function scan(page, name) {
  // The live preview fades its area while it asks the server (a change starts it 150 ms
  // later): scanned once it has answered.
  await page.waitForTimeout(400);
  await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'), null, { timeout: 30000 });
  await axe(page, name, { check, result });
  await page.screenshot({ path: path.join(OUT, `${name}-390x844.png`), fullPage: false });
  result.pages.push(name);
}

try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  await page.goto(BASE + '/login');
  await page.fill('#username', 'operator-' + UNIT);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
  await page.goto(BASE + FORM);

  // The service worker covers the application's pages, under its prefix.
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  check(scope === new URL(BASE).origin + PREFIX + '/', `the service worker's scope is the application's (${scope})`);

  // The file buttons: a label styled as a button, the input itself visually hidden but focusable.
  const fieldset = page.locator('fieldset.evidence').first();
  const indicator = await fieldset.getAttribute('data-indicator');
  const input = fieldset.locator('input[type=file][accept*="pdf"]');
  const label = fieldset.locator('label.file-button').nth(1);
  const box = await label.boundingBox();
  check(box && box.height >= 44, `the file button is at least 44 px tall (${box && box.height})`);
  check((await input.boundingBox()).width <= 1, 'the file input itself is visually hidden');
  await input.focus();
  const ring = await label.evaluate((l) => getComputedStyle(l).outlineStyle);
  check(ring !== 'none', `the focused file input shows its focus on the button (${ring})`);
  // One indicator with nothing chosen fits one phone screen.
  const height = await page.locator('fieldset.indicator').first().evaluate((f) => f.getBoundingClientRect().height);
  result.indicator_height = height;
  check(height <= 844, `one indicator fits one 390×844 screen (${Math.round(height)} px)`);
  await page.locator('fieldset.indicator').first().screenshot({ path: path.join(OUT, 'indicator-390x844.png') });

  // A camera photo of 2400 × 1800 pixels, made in the page.
  const photo = Buffer.from(await page.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 2400;
    c.height = 1800;
    const g = c.getContext('2d');
    const img = g.createImageData(c.width, c.height);
    let x = 12345;
    for (let i = 0; i < img.data.length; i += 4) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const p = (i / 4) % c.width;
      img.data[i] = (p / 10 + (x & 63)) & 255;
      img.data[i + 1] = ((i / 4 / c.width) / 8 + ((x >> 6) & 63)) & 255;
      img.data[i + 2] = (x >> 12) & 255;
      img.data[i + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.95));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }), 'base64');
  result.photo_bytes = photo.length;

  // Every PATCH's offset; the first one after the start is cut off.
  const patches = [];
  let cut = null;
  await page.route('**/api/v1/uploads/*', async (route) => {
    const req = route.request();
    if (req.method() === 'PATCH') {
      const at = Number(req.headers()['upload-offset']);
      patches.push(at);
      if (cut === null && at > 0) {
        cut = at;
        return route.abort('connectionreset');
      }
    }
    return route.continue();
  });
  await input.setInputFiles({ name: 'kamera.jpg', mimeType: 'image/jpeg', buffer: photo });
  const row = fieldset.locator('ul.uploads li.upload').first();
  await row.locator('progress').waitFor();
  check(true, 'a progress bar shows for the chosen file');
  await row.and(page.locator('li.upload.ok')).waitFor({ timeout: 60000 });
  check(await row.locator('progress').evaluate((p) => p.value === 100), 'the progress bar reaches 100');
  result.patches = patches;
  check(cut !== null, `a request of the upload was cut off (at ${cut})`);
  check(patches[0] === 0 && patches.slice(1).every((p) => p > 0), `after the cut, the upload continued without sending the start again (${patches.join(', ')})`);
  check(patches.filter((p) => p === cut).length === 2, 'only the piece cut off was sent again');
  await page.unroute('**/api/v1/uploads/*');

  // Stored: smaller than the photo, 1,600 px on its long side.
  const uploads = await page.evaluate(async (u) => (await fetch(u)).json(), `${BASE}/api/v1/uploads?period=2023&unit=${UNIT}`);
  const stored = uploads.find((u) => u.indicator === indicator && u.sha256);
  check(stored && stored.content_type === 'image/jpeg', 'the upload is stored as a JPEG');
  result.stored_bytes = stored && stored.length;
  check(stored && stored.length < photo.length, `what is stored is smaller than the photo (${stored && stored.length} < ${photo.length})`);
  const dims = await page.evaluate(async (url) => {
    const b = await (await fetch(url)).blob();
    const i = await createImageBitmap(b);
    return [i.width, i.height];
  }, `${BASE}/api/v1/periods/2023/units/${UNIT}/evidence/${stored && stored.sha256}`);
  check(Math.max(...dims) === 1600, `the stored photo's long side is 1,600 px (${dims.join('×')})`);
  check(!(await input.evaluate((i) => i.files.length)), 'the file input is emptied: the save does not send the file again');
  await scan(page, 'operator-form-upload');

  // The connection goes away during a save.
  const radio = page.locator(`input[type=radio][name="v.${indicator}"]:not([value=__na])`).first();
  const value = await radio.getAttribute('value');
  await radio.check();
  const typed = 'Foto diambil di ruang tunggu Lapas Sampit; sinyal lemah.';
  await page.fill(`textarea[name="note.${indicator}"]`, typed);
  await context.setOffline(true);
  await page.click('button[value=draft]');
  const status = page.locator('#offline-status');
  await page.waitForFunction(() => (document.getElementById('offline-status') || {}).textContent?.includes('Tersimpan di perangkat, belum terkirim'));
  check(await status.isVisible(), 'offline, the page says "Tersimpan di perangkat, belum terkirim"');
  await scan(page, 'operator-form-offline');
  // A reload without a connection: the page comes from the phone, with what was typed.
  await page.reload();
  check((await page.textContent('h1')).includes('Penilaian mandiri'), 'offline, the form comes from the phone');
  await page.waitForFunction(() => !document.getElementById('offline-status').hidden);
  check((await page.inputValue(`textarea[name="note.${indicator}"]`)) === typed, 'offline, the typed note is back in the form');
  check(await page.isChecked(`input[type=radio][name="v.${indicator}"][value="${value}"]`), 'offline, the chosen answer is back');
  // Back online: the save is sent once, and the server holds what was typed.
  await Promise.all([page.waitForURL(/done=saved/, { timeout: 30000 }), context.setOffline(false)]);
  const doc = await page.evaluate(async (u) => (await fetch(u)).json(), `${BASE}/api/v1/periods/2023/units/${UNIT}/self-assessment`);
  const answer = doc.answers.find((a) => a.indicator === indicator);
  check(answer && answer.value === value && answer.note === typed, 'after reconnecting, the server holds exactly what was typed');
  check(doc.answers.length === 1, "and nothing else is answered");
  check(answer && (answer.evidence || []).some((e) => e.sha256 === stored.sha256), 'the uploaded photo went with the answer');
  check((await page.locator(`ul.thumbs img`).count()) >= 1, 'the photo shows at the indicator');

  // The server goes out of reach during a save while the phone believes it is online:
  // the service worker keeps the save and leads back to the form, which says so.
  const second = page.locator('fieldset.evidence').nth(1);
  const indicator2 = await second.getAttribute('data-indicator');
  const radio2 = page.locator(`input[type=radio][name="v.${indicator2}"]:not([value=__na])`).first();
  const value2 = await radio2.getAttribute('value');
  await radio2.check();
  const typed2 = 'Papan informasi di pintu masuk; difoto ulang minggu depan.';
  await page.fill(`textarea[name="note.${indicator2}"]`, typed2);
  cutRelay();
  await Promise.all([page.waitForNavigation(), page.click('button[value=draft]')]);
  await page.waitForFunction(() => (document.getElementById('offline-status') || {}).textContent?.includes('Tersimpan di perangkat, belum terkirim'));
  check(true, 'a save cut off on its way: the form says "Tersimpan di perangkat, belum terkirim" (no browser error page)');
  check((await page.inputValue(`textarea[name="note.${indicator2}"]`)) === typed2, 'the form shows what was typed');
  await scan(page, 'operator-form-save-cut');
  // The server is back: the save is sent by itself, once.
  restore();
  let doc2 = null;
  for (let i = 0; i < 80; i++) {
    const r = await context.request.get(`${BASE}/api/v1/periods/2023/units/${UNIT}/self-assessment`);
    doc2 = await r.json();
    if (doc2.answers && doc2.answers.length === 2) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await page.waitForFunction(() => document.readyState === 'complete' && !document.getElementById('offline-status').textContent);
  const a1 = doc2.answers.find((a) => a.indicator === indicator);
  const a2 = doc2.answers.find((a) => a.indicator === indicator2);
  check(a2 && a2.value === value2 && a2.note === typed2 && a1 && a1.note === typed && doc2.answers.length === 2,
    'after the server is back, it holds exactly what was typed');

  // A page never opened, without a connection: the application's own offline page.
  await context.setOffline(true);
  await page.goto(BASE + '/password');
  check((await page.textContent('h1')).includes('Tidak ada sambungan'), "offline, a page never opened is the application's offline page");
  await scan(page, 'offline-page');
  await context.setOffline(false);
  await context.close();
} catch (e) {
  failures.push('the flow stopped: ' + (e && e.stack || e));
  console.error(e);
}

await browser.close();
relay.close();
if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all field checks passed');
