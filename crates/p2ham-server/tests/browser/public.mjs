// The public record in a real browser (Debian's Chromium through playwright-core),
// against a server where the Sampit round of 2023 has its decree: the evaluator
// publishes it from the round page; then a visitor without an account reads the
// published periods, searches a period's units, opens a unit's page, finds a
// facility, switches to English, and the evaluator withdraws the period again.
// Every public page is scanned with axe-core at phone width (no serious or
// critical violation), weighed (at most 30 KB transferred, a first visit) and
// photographed at phone and desktop widths.
//
// Environment: P2HAM_BASE (server URL), P2HAM_ARTIFACTS (output folder),
// CHROMIUM (browser binary).

import { PASSWORD, axe, checks, insidePrefix, labelled, launch, screenshots } from './harness.mjs';

const BASE = process.env.P2HAM_BASE;
const PREFIX = new URL(BASE).pathname.replace(/\/$/, '');
const OUT = process.env.P2HAM_ARTIFACTS;
const BUDGET = 30 * 1024;
const { check, result, failures } = checks(OUT, 'result.json', { bytes: {} });
const browser = await launch();

// A public page as a first-time visitor at phone width: axe-core, labels, links under the prefix
// (the licence's page apart), the width of a phone, screenshots.
async function scan(page, name) {
  await page.setViewportSize({ width: 390, height: 844 });
  await axe(page, name, { check, result });
  await labelled(page, name, check);
  await insidePrefix(page, name, check, PREFIX, { outside: ['https://creativecommons.org/'] });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 390, `${name} fits a phone's width (${wide}px)`);
  await screenshots(page, OUT, name, { fullPage: true, restore: [390, 844] });
  result.pages.push(name);
}

// What a first visit to a URL transfers, in bytes (compressed as sent).
async function weigh(url, name) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const p = await ctx.newPage();
  const cdp = await ctx.newCDPSession(p);
  await cdp.send('Network.enable');
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await p.goto(url, { waitUntil: 'networkidle' });
  await ctx.close();
  result.bytes[name] = bytes;
  check(bytes > 0 && bytes <= BUDGET, `${name}: ${bytes} bytes transferred on a first visit (budget ${BUDGET})`);
}

// The evaluator publishes the decreed round from its page.
const staff = await browser.newContext({ viewport: { width: 1366, height: 900 } });
const ev = await staff.newPage();
ev.setDefaultTimeout(20000);
await ev.goto(BASE + '/login');
await ev.fill('#username', 'evaluator');
await ev.fill('#password', PASSWORD);
await Promise.all([ev.waitForNavigation(), ev.click('form button[type=submit]')]);

const visitor = await browser.newContext({ viewport: { width: 390, height: 844 } });
const v = await visitor.newPage();
v.setDefaultTimeout(20000);
let r = await v.goto(BASE + '/publik/periode/2023');
check(r.status() === 404, 'before publishing, the period\'s public page is 404');
await v.goto(BASE + '/publik');
check((await v.textContent('main')).includes('Belum ada periode yang diumumkan'), 'before publishing, no period is public');

// Before publishing, the signed decree (a PDF) through the round page's file form.
const SIGNED = Buffer.from('%PDF-1.4\n% Keputusan Menteri P2HAM 2023\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
await ev.goto(BASE + '/periods/2023/round');
check((await ev.locator('#decree-document-none').count()) === 1, 'the round page says no signed decree is uploaded');
await ev.setInputFiles('#decree-document-file', { name: 'kepmen-p2ham-2023.pdf', mimeType: 'application/pdf', buffer: SIGNED });
await Promise.all([ev.waitForNavigation(), ev.click('#upload-decree-document')]);
check((await ev.locator('#decree-document-stored').textContent()).includes('kepmen-p2ham-2023.pdf'), 'the round page shows the stored signed decree');

await Promise.all([ev.waitForNavigation(), ev.click('#publish')]);
check((await ev.locator('#published').count()) === 1, 'the round page says the period is published');
check((await ev.locator('#decree-document-file').count()) === 0, 'once published, the signed decree is fixed: no upload form');

// A visitor: the periods, a period, its search, a unit, the facility finder.
await v.goto(BASE + '/publik');
check((await v.locator('#periods a').count()) === 1, 'one published period is listed');
await scan(v, 'public-index');
await Promise.all([v.waitForNavigation(), v.click('#periods a')]);
check(v.url().endsWith('/publik/periode/2023'), 'the index links to the period');
const listed = await v.evaluate(() => [...document.querySelectorAll('#units tbody th a')].map((a) => a.textContent.trim()));
result.listed = listed;
check(listed.length === 2 && listed.some((n) => n.includes('Bapas')) && listed.some((n) => n.includes('Imigrasi')) && !listed.some((n) => n.includes('Lapas')),
  'the period lists Kanim and Bapas, not Lapas: ' + listed.join(', '));
await scan(v, 'public-period');
const decreeLink = v.locator('#decree-document a');
check((await decreeLink.textContent()).includes('Unduh Keputusan (PDF'), 'the period page offers the signed decree');
const pdf = await v.request.get(await decreeLink.evaluate((a) => a.href));
check(pdf.status() === 200 && pdf.headers()['content-type'] === 'application/pdf'
  && Buffer.compare(await pdf.body(), SIGNED) === 0, 'the signed decree downloads byte for byte');
await v.fill('#q', 'bapas');
await Promise.all([v.waitForNavigation(), v.click('form.filter button')]);
const found = await v.evaluate(() => [...document.querySelectorAll('#units tbody th a')].map((a) => a.textContent.trim()));
check(found.length === 1 && found[0].includes('Bapas'), 'searching "bapas" finds Bapas only: ' + found.join(', '));
await v.goto(BASE + '/publik/periode/2023');
await v.selectOption('#jenis', 'kanim');
await Promise.all([v.waitForNavigation(), v.click('form.filter button')]);
const kinds = await v.evaluate(() => [...document.querySelectorAll('#units tbody th a')].map((a) => a.textContent.trim()));
check(kinds.length === 1 && kinds[0].includes('Imigrasi'), 'the kind filter shows the immigration office only: ' + kinds.join(', '));
await Promise.all([v.waitForNavigation(), v.click('#units tbody th a')]);
check(v.url().endsWith('/publik/unit/kanim-sampit'), 'the unit links to its page');
check((await v.locator('#criteria tbody tr').count()) > 0, 'the unit\'s verified scores by criterion are shown');
check((await v.locator('section.card li').count()) > 0, 'the facilities verified as present are shown by group');
check((await v.textContent('#history')).includes('mempertahankan predikat'), 'the history shows that Kanim kept its predikat');
await scan(v, 'public-unit');
await v.goto(BASE + '/publik/fasilitas');
await scan(v, 'public-finder');
const options = await v.evaluate(() => [...document.querySelectorAll('#indikator option')].filter((o) => o.value).map((o) => o.value));
check(options.length > 0, `the finder offers ${options.length} facilities and services`);
await v.selectOption('#indikator', options[0]);
await Promise.all([v.waitForNavigation(), v.click('form.filter button')]);
check((await v.locator('#found li').count()) > 0, 'the finder finds the units with the chosen facility');
await scan(v, 'public-finder-results');
await Promise.all([v.waitForNavigation(), v.click('header a[hreflang=en]')]);
check((await v.textContent('h1')).includes('Find a facility'), 'the finder in English');
await v.goto(BASE + '/publik/unit/lapas-sampit');
check((await v.textContent('#total')).includes('79.58'), 'Lapas\'s verified total in English figures');
await scan(v, 'public-unit-en');

for (const [p, name] of [['/publik', 'index'], ['/publik/periode/2023', 'period'], ['/publik/unit/kanim-sampit', 'unit'],
  ['/publik/fasilitas?indikator=' + encodeURIComponent(options[0]), 'finder']]) {
  await weigh(BASE + p, name);
}

// Withdrawn, the period is gone again.
await ev.goto(BASE + '/periods/2023/round');
await Promise.all([ev.waitForNavigation(), ev.click('#unpublish')]);
check((await ev.locator('#publish').count()) === 1, 'the round page offers to publish again');
r = await v.goto(BASE + '/publik/unit/kanim-sampit');
check(r.status() === 404, 'after withdrawing, the unit\'s public page is 404');

await browser.close();
if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all public record checks passed');
