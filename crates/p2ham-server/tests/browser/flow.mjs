// The seed story in a real browser (Debian's Chromium through playwright-core):
// operator fills and submits (by keyboard), verifier returns with a comment,
// operator fixes and resubmits, verifier verifies with an overclaim, evaluator
// sees the verified figure and evaluates (the award is the round's: round.mjs). Every main page is scanned
// with axe-core (no serious or critical violation allowed) and photographed at
// phone and desktop widths.
//
// Environment: P2HAM_BASE (server URL), P2HAM_ARTIFACTS (output folder),
// P2HAM_PHOTO (a JPEG or PNG to upload), CHROMIUM (browser binary).

import path from 'node:path';
import { PASSWORD, axe, checks, insidePrefix, labelled, launch, screenshots } from './harness.mjs';

const BASE = process.env.P2HAM_BASE;
// The prefix the application is mounted under ('' at the root, e.g. '/p2ham').
const PREFIX = new URL(BASE).pathname.replace(/\/$/, '');
const OUT = process.env.P2HAM_ARTIFACTS;
const PHOTO = process.env.P2HAM_PHOTO;
const SKM = path.join(path.dirname(new URL(import.meta.url).pathname), '../../../../fixtures/skm/kanim-sampit-2023.csv');
const { check, result, failures } = checks(OUT, 'result.json');
const browser = await launch();

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  return page;
}

// axe-core on the page, labels, links and assets under the prefix, then screenshots.
async function scan(page, name) {
  await axe(page, name, { check, result });
  await labelled(page, name, check);
  await insidePrefix(page, name, check, PREFIX, { assets: true });
  await screenshots(page, OUT, name);
  result.pages.push(name);
}

// Log in with the keyboard alone.
async function login(page, user) {
  await page.goto(BASE + '/login');
  await page.keyboard.press('Tab'); // skip link
  await page.keyboard.press('Tab'); // brand
  await page.focus('#username');
  await page.keyboard.type(user);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  const session = (await page.context().cookies()).find((c) => c.name === 'p2ham_session');
  check(session && session.path === (PREFIX || '/'), `the session cookie's path is '${PREFIX || '/'}'`);
  check(new URL(page.url()).pathname.startsWith(PREFIX + '/'), `logging in lands under '${PREFIX}/'`);
}

async function logout(page) {
  await Promise.all([page.waitForNavigation(), page.click('header button[type=submit]')]);
}

const form = '/periods/2023/units/kanim-sampit';

// ---------------------------------------------------------------- login
{
  const page = await newPage();
  await page.goto(BASE + '/login');
  await scan(page, 'login');
  // No account enumeration: the same message for a wrong password and an unknown user.
  const msg = async (user) => {
    await page.goto(BASE + '/login');
    await page.fill('#username', user);
    await page.fill('#password', 'wrong password!');
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
    return (await page.textContent('#error-summary')).trim();
  };
  const a = await msg('operator-kanim-sampit');
  const b = await msg('nobody-at-all');
  check(a === b && a.includes('salah'), 'one message for a wrong password and an unknown user');
  await page.context().close();
}

// ---------------------------------------------------------------- without JavaScript
{
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, 'operator-kanim-sampit');
  await page.goto(BASE + form);
  check((await page.locator('#score-live[hidden]').count()) === 1, 'without JavaScript the live preview stays hidden');
  check((await page.textContent('#score-preview')).includes('Belum ada jawaban tersimpan'), 'without JavaScript the preview is the saved draft\'s');
  // The phone header is compact; its menu opens from the keyboard, without JavaScript.
  result.phone_header_height = await page.evaluate(() => document.querySelector('header').getBoundingClientRect().height);
  check(result.phone_header_height <= 80, `the phone header is at most 80px tall (${result.phone_header_height})`);
  const menu = page.locator('header details.menu');
  await page.focus('header details.menu summary');
  await page.keyboard.press('Enter');
  check(await menu.evaluate((d) => d.open), 'without JavaScript the phone menu opens by keyboard');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.closest('details.menu nav') !== null), 'Tab moves into the open menu');
  check(await page.locator('header details.menu nav button[type=submit]').isVisible(), 'the open menu shows the logout button');
  await page.screenshot({ path: path.join(OUT, 'phone-menu-open-390x844.png') });
  await context.close();
}

// ---------------------------------------------------------------- operator, by keyboard
const op = await newPage();
await login(op, 'operator-kanim-sampit');
check(op.url().endsWith('/unit'), 'the operator lands on the unit page');
await scan(op, 'operator-periods');
await op.goto(BASE + form);

// The live score preview: answering C.02 rescores the unsaved form on the
// server. By hand (p2ham-weighted/1, kanim): criterion C has C.01 (weight 2)
// and C.02-C.10 (weight 1 each) = 11; nothing else is answered, so every
// other criterion scores 0 and the total's denominator is 40+15+20+10+15 = 100.
// "Patuh" (1): C = 100 x 1/11 = 9.0909..; total = 20 x 9.0909../100 = 1.8181.. -> 1.82.
// "Cukup patuh" (0.5): C = 100 x 0.5/11 = 4.5454..; total = 0.9090.. -> 0.91.
async function previewTotal(expected) {
  await op.waitForFunction((t) => {
    const e = document.querySelector('#score-preview [data-total]');
    return e && e.getAttribute('data-total') === t;
  }, expected, { timeout: 10000 }).catch(() => {});
  return op.evaluate(() => {
    const e = document.querySelector('#score-preview [data-total]');
    return e ? e.getAttribute('data-total') : null;
  });
}
check((await op.locator('#score-live[aria-live=polite]').count()) === 1, 'the preview has a polite live region');
await op.check('input[name="v.C.02"][value="patuh"]');
check((await previewTotal('1.82')) === '1.82', 'the live preview shows 1.82 after C.02 "Patuh"');
check((await op.textContent('#score-live')).includes('1.82'), 'the live region announces the new total');
check((await op.textContent('#score-preview')).includes('belum disimpan'), 'the preview says the answers are not saved yet');
await op.check('input[name="v.C.02"][value="cukup_patuh"]');
check((await previewTotal('0.91')) === '0.91', 'the live preview shows 0.91 after C.02 "Cukup patuh"');
await op.locator('#score-preview details summary').click();
await scan(op, 'operator-form-preview');
await op.reload();
// What the server holds, not what the phone restores of the typed answers
// (offline.js puts them back after a reload, "belum disimpan").
const served = await (await op.request.get(op.url())).text();
check(served.includes('name="v.C.02"'), 'the server sends the operator\'s form (the session holds)');
const savedTotals = await op.evaluate((html) => new DOMParser().parseFromString(html, 'text/html')
  .querySelectorAll('#score-preview [data-total]').length, served);
check(savedTotals === 0, 'the preview stored nothing: the server shows no saved answer after reload');

// Fill the form by keyboard: Tab through every control; Space answers each
// radio group (its first option) as focus reaches it. The first indicator is
// answered "tidak berlaku" without a justification, which must be refused.
const firstNa = await op.getAttribute('input[type=radio][value=__na]', 'id');
const firstIndicator = (await op.getAttribute('input[type=radio][value=__na]', 'name')).slice(2);
await op.focus('main a'); // the back link: the start of main
let steps = 0;
const answered = new Set();
for (;;) {
  await op.keyboard.press('Tab');
  steps += 1;
  const el = await op.evaluate(() => {
    const e = document.activeElement;
    return { tag: e.tagName, type: e.type, name: e.name, value: e.value, id: e.id };
  });
  if (el.tag === 'INPUT' && el.type === 'radio' && !answered.has(el.name)) {
    answered.add(el.name);
    if (el.name === 'v.' + firstIndicator) {
      // Arrow to "tidak berlaku" (the last option of the group).
      const n = await op.locator(`input[name="${el.name}"]`).count();
      for (let i = 1; i < n; i++) await op.keyboard.press('ArrowRight');
    } else {
      await op.keyboard.press('Space');
    }
  }
  if (el.tag === 'TEXTAREA' && el.name === 'note.' + firstIndicator) {
    await op.keyboard.type('Maklumat dipajang di ruang tunggu.');
  }
  if (el.tag === 'BUTTON' && el.value === 'draft') break;
  if (steps > 2000) throw new Error('the save button was not reached by Tab');
}
check((await op.isChecked('#' + firstNa)), 'the keyboard chose "tidak berlaku"');
// A photo for the second indicator (a file dialog cannot be driven headless).
// The self-assessment form's own file inputs (the declaration's form above it takes PDFs too).
const secondInput = op.locator('form[action$="/save"] input[type=file][accept*="pdf"]').nth(1);
const secondIndicator = (await secondInput.getAttribute('name')).slice(3);
await secondInput.setInputFiles(PHOTO);
await op.focus('button[value=draft]');
await Promise.all([op.waitForNavigation(), op.keyboard.press('Enter')]);
check((await op.locator('#error-summary').count()) === 1, 'a missing justification is refused with an error summary');
const link = op.locator('#error-summary a').first();
check((await link.getAttribute('href')).startsWith('#na-'), 'the error summary links to the justification field');
await scan(op, 'operator-form-error');
// Follow the link by keyboard and type the justification there.
await link.focus();
await op.keyboard.press('Enter');
await op.focus((await link.getAttribute('href')));
await op.keyboard.type('Unit tidak melayani pemohon secara langsung.');
await secondInput.setInputFiles(PHOTO);
await op.focus('button[value=draft]');
await Promise.all([op.waitForNavigation(), op.keyboard.press('Enter')]);
check((await op.textContent('main')).includes('Draf tersimpan'), 'the draft is saved');
// Reload: nothing lost.
await op.reload();
check(await op.isChecked('#' + firstNa), 'after reload: "tidak berlaku" still chosen');
check((await op.inputValue(`textarea[name="na.${firstIndicator}"]`)).includes('tidak melayani'), 'after reload: the justification is kept');
check((await op.inputValue(`textarea[name="note.${firstIndicator}"]`)).includes('ruang tunggu'), 'after reload: the note is kept');
check((await op.locator(`input[type=radio]:checked`).count()) === answered.size, 'after reload: every answer is kept');
// Thumbnails load as they are scrolled to.
const thumb = op.locator('ul.thumbs img').first();
if ((await thumb.count()) === 1) {
  await thumb.scrollIntoViewIfNeeded();
  await thumb.evaluate((i) => i.complete || new Promise((done) => { i.addEventListener('load', done, { once: true }); i.addEventListener('error', done, { once: true }); }));
}
check((await thumb.count()) === 1 && (await thumb.evaluate((i) => i.complete && i.naturalWidth > 0)), 'after reload: the photo thumbnail shows');
check((await op.textContent('#score-title')) !== null && /\d/.test(await op.textContent('.score')), 'the score preview shows a figure');
await scan(op, 'operator-form');
// Remove the photo, by keyboard, through the confirmation page.
const thumbs = await op.locator('ul.thumbs img').count();
await op.locator('ul.thumbs a.remove').first().focus();
await Promise.all([op.waitForNavigation(), op.keyboard.press('Enter')]);
check((await op.textContent('h1')).includes('Hapus bukti'), 'removing evidence asks for confirmation');
await scan(op, 'evidence-remove');
await op.focus('main button.warn');
await Promise.all([op.waitForNavigation(), op.keyboard.press('Enter')]);
check((await op.textContent('main')).includes('Bukti dihapus'), 'the evidence is removed');
check((await op.locator('ul.thumbs img').count()) === thumbs - 1, 'one thumbnail fewer after the removal');
// Add it again through the camera input (accept="image/*" capture="environment").
const camera = op.locator(`input[name="ev.${secondIndicator}"][capture=environment]`);
check((await camera.getAttribute('accept')) === 'image/*', 'the camera input takes images');
await camera.setInputFiles(PHOTO);
await op.focus('button[value=draft]');
await Promise.all([op.waitForNavigation(), op.keyboard.press('Enter')]);
check((await op.locator('ul.thumbs img').count()) === thumbs, 'the photo taken is attached again');
const withPhoto = op.locator('fieldset.indicator:has(ul.thumbs img)').first();
for (const [w, h] of [[390, 844], [1366, 900]]) {
  await op.setViewportSize({ width: w, height: h });
  await withPhoto.screenshot({ path: path.join(OUT, `operator-evidence-${w}x${h}.png`) });
}
await op.setViewportSize({ width: 1366, height: 900 });
// Pencanangan: without the signed declaration the confirmation says so first and cannot submit.
await op.focus('button[value=submit]');
await Promise.all([op.waitForNavigation(), op.keyboard.press('Enter')]);
check((await op.locator('#declaration-missing').count()) === 1, 'the confirmation names the missing declaration');
check(await op.isDisabled('#confirm-submit'), 'nothing is submitted without the declaration');
await op.goto(BASE + form);
check((await op.getAttribute('#declaration-status', 'data-uploaded')) === 'false', 'the form says the declaration is missing');
await op.locator('#declaration-file').setInputFiles(PHOTO);
await Promise.all([op.waitForNavigation(), op.click('#declaration button[type=submit]')]);
check((await op.textContent('main')).includes('Pernyataan pencanangan tersimpan'), 'the signed declaration is uploaded from the form (no script needed)');
check((await op.getAttribute('#declaration-status', 'data-uploaded')) === 'true', 'the form shows the declaration');
// The period's survey: the CSV `p2ham skm` reads; 29 respondents, IKM 87.09 (B).
await op.locator('#skm-file').setInputFiles(SKM);
await Promise.all([op.waitForNavigation(), op.click('#skm button[type=submit]')]);
check((await op.textContent('#skm-result')).includes('87.09'), 'the survey gives IKM 87.09 on the form');
await scan(op, 'operator-declaration-skm');
// Submit, by keyboard: the draft is saved, a page sums up what is missing and asks to confirm.
await op.focus('button[value=submit]');
await Promise.all([op.waitForNavigation(), op.keyboard.press('Enter')]);
check(new URL(op.url()).pathname.endsWith('/submit'), 'submitting asks to confirm first');
check((await op.textContent('main')).includes('indikator terjawab'), 'the confirmation counts the answered indicators');
await scan(op, 'operator-submit-confirm');
await op.focus('#confirm-submit');
await Promise.all([op.waitForNavigation(), op.keyboard.press('Enter')]);
check((await op.textContent('main')).includes('diajukan'), 'the self-assessment is submitted');
// URL tampering: another unit's page is not there for this operator.
const other = await op.goto(BASE + '/periods/2023/units/lapas-sampit');
check(other.status() === 404, 'another unit\'s page answers 404 to this operator');
const otherApi = await op.goto(BASE + '/api/v1/periods/2023/units/lapas-sampit/self-assessment');
check(otherApi.status() === 404, 'another unit\'s document answers 404 to this operator');
await op.goto(BASE + '/unit');
await logout(op);

// ---------------------------------------------------------------- verifier returns
const ver = await newPage();
await login(ver, 'verifier-kalteng');
check(ver.url().endsWith('/verification'), 'the verifier lands on the Kanwil list');
await scan(ver, 'verifier-units');
await ver.goto(BASE + form);
check((await ver.locator('input[type=radio][name^="v."]:checked').count()) === 0, 'the verifier\'s answers start empty');
await scan(ver, 'verifier-review');
await ver.fill(`textarea[name="c.${secondIndicator}"]`, 'Foto kurang jelas; unggah foto yang menampakkan papan informasi.');
await Promise.all([ver.waitForNavigation(), ver.click('button[value=return]')]);
// Returning asks first.
check((await ver.locator('#confirm-return').count()) === 1 && (await ver.textContent('main')).includes('Foto kurang jelas'), 'returning asks to confirm, with the comment');
await scan(ver, 'verifier-confirm-return');
await Promise.all([ver.waitForNavigation(), ver.click('#confirm-return')]);
check((await ver.textContent('main')).includes('Dikembalikan'), 'the verifier returned the assessment');
await logout(ver);

// ---------------------------------------------------------------- operator fixes
await login(op, 'operator-kanim-sampit');
await op.goto(BASE + form);
check((await op.textContent('main')).includes('Foto kurang jelas'), 'the operator sees the verifier\'s comment');
await scan(op, 'operator-returned');
await op.locator(`input[name="ev.${secondIndicator}"][accept*="pdf"]`).setInputFiles(PHOTO);
await op.fill(`textarea[name="note.${secondIndicator}"]`, 'Foto baru papan informasi.');
await Promise.all([op.waitForNavigation(), op.click('button[value=submit]')]);
await Promise.all([op.waitForNavigation(), op.click('#confirm-submit')]);
check((await op.textContent('main')).includes('diajukan'), 'the corrected assessment is resubmitted');
await logout(op);

// ---------------------------------------------------------------- verifier verifies with an overclaim
await login(ver, 'verifier-kalteng');
await ver.goto(BASE + form);
check((await ver.locator('input[type=radio][name^="v."]:checked').count()) === 0, 'after resubmission the verifier\'s answers start empty again');
// "Sama dengan jawaban operator" copies one criterion in place, and only that one.
{
  const first = ver.locator('button[data-copy]').first();
  const criterion = await first.getAttribute('data-copy');
  const expected = await ver.evaluate((c) => [...document.querySelector(`section:has(button[data-copy="${c}"])`).querySelectorAll('fieldset.indicator')]
    .filter((f) => f.getAttribute('data-operator')).length, criterion);
  await first.click();
  const inSection = await ver.evaluate((c) => document.querySelector(`section:has(button[data-copy="${c}"])`).querySelectorAll('input[type=radio]:checked').length, criterion);
  const all = await ver.locator('input[type=radio][name^="v."]:checked').count();
  check(expected > 0 && inSection === expected && all === expected, `copying criterion ${criterion} copies its ${expected} answers and no other (${inSection}, ${all})`);
  check(ver.url().endsWith(form), 'copying with JavaScript stays on the page (nothing posted)');
  await ver.waitForFunction(() => document.querySelector('#verified-score [data-summary]') !== null);
  result.verified_preview_one_criterion = (await ver.textContent('#verified-score .score')).trim();
}
for (const b of await ver.locator('button[data-copy]').all()) await b.click();
// Three answers marked down: the last real option of their scale.
const groups = await ver.evaluate(() => [...new Set([...document.querySelectorAll('input[type=radio][name^="v."]')].map((r) => r.name))]);
let lowered = 0;
for (const g of groups) {
  if (lowered === 3) break;
  const radios = ver.locator(`input[name="${g}"]:not([value=__na])`);
  const n = await radios.count();
  if (n < 2 || !(await radios.first().isChecked())) continue;
  await radios.nth(n - 1).check();
  lowered += 1;
}
check(lowered === 3, 'three answers marked down by the verifier');
// On site without a connection: what the verifier typed stays on the phone.
{
  // The service worker keeps the page once it is ready.
  await ver.evaluate(async () => { await navigator.serviceWorker.ready; });
  await ver.waitForFunction(async () => {
    const here = new URL(location.href); here.search = ''; here.hash = '';
    return !!(await (await caches.open('p2ham-1')).match(here.href));
  });
  const comment = ver.locator('textarea[name^="c."]').first();
  const commentName = await comment.getAttribute('name');
  await comment.fill('Ramp tanpa pegangan; dicatat di lokasi tanpa sinyal.');
  const chosen = await ver.evaluate(() => [...document.querySelectorAll('input[type=radio][name^="v."]:checked')].map((r) => r.name + '=' + r.value).join('&'));
  await ver.waitForTimeout(500); // the copy on the phone is written after a short pause in typing
  await ver.context().setOffline(true);
  await ver.reload();
  await ver.waitForFunction(() => !document.getElementById('offline-status').hidden);
  check((await ver.inputValue(`textarea[name="${commentName}"]`)).includes('tanpa sinyal'), 'offline, the review page comes from the phone with the comment typed');
  const again = await ver.evaluate(() => [...document.querySelectorAll('input[type=radio][name^="v."]:checked')].map((r) => r.name + '=' + r.value).join('&'));
  check(again === chosen, 'offline, every answer the verifier chose is back');
  await scan(ver, 'verifier-review-offline');
  await ver.context().setOffline(false);
}
// The filter shows only what differs or lacks evidence, without a reload.
{
  const before = await ver.locator('fieldset.indicator:visible').count();
  await ver.click('button[data-filter]');
  const during = await ver.locator('fieldset.indicator:visible').count();
  check(during >= 3 && during < before, `the filter shows only the indicators that differ or lack evidence (${during} of ${before})`);
  await scan(ver, 'verifier-review-filtered');
  await ver.click('button[data-filter]');
  check((await ver.locator('fieldset.indicator:visible').count()) === before, 'the filter switched off shows every indicator again');
}
// The team's photo of the first indicator the verifier answered.
const teamIndicator = (await ver.getAttribute('input[type=radio][name^="v."]:checked', 'name')).slice(2);
// Taken where there is no signal: kept on the phone, sent when the connection returns.
await ver.context().setOffline(true);
await ver.locator(`input[name="ev.${teamIndicator}"][capture=environment]`).setInputFiles(PHOTO);
await ver.waitForFunction((id) => {
  const s = document.querySelector(`fieldset.evidence[data-indicator="${id}"] .upload-state`);
  return s && s.textContent.includes('Tersimpan di perangkat, belum terkirim');
}, teamIndicator);
check((await ver.locator(`input[type=hidden][name="kept.${teamIndicator}"]`).count()) === 0, 'offline, the team\'s photo waits on the phone');
await ver.context().setOffline(false);
await ver.waitForFunction((id) => document.querySelector(`input[type=hidden][name="kept.${id}"]`) !== null, teamIndicator, { timeout: 60000 });
check(true, 'back online, the team\'s photo is stored and carried by the form');
await ver.waitForFunction(() => document.querySelector('#verified-score [data-summary]') !== null);
result.verified_preview = (await ver.textContent('#verified-score .score')).trim();
await Promise.all([ver.waitForNavigation(), ver.click('button[value=verify]')]);
// Recording asks first; the photo is already stored and carried by the confirmation.
check((await ver.locator('#confirm-verify').count()) === 1, 'recording asks to confirm');
check((await ver.locator(`input[type=hidden][name="kept.${teamIndicator}"]`).count()) === 1, 'the team\'s photo is carried by the confirmation');
check((await ver.textContent('main .score')).trim() === result.verified_preview, `the confirmation shows the verified score of the live preview (${result.verified_preview})`);
await scan(ver, 'verifier-confirm-verify');
await Promise.all([ver.waitForNavigation(), ver.click('#confirm-verify')]);
check((await ver.textContent('main')).includes('Verifikasi tercatat'), 'the verification is recorded');
await Promise.all([ver.waitForNavigation(), ver.click('text=Laporan perbandingan')]);
check((await ver.locator('main .report').count()) === 1 && (await ver.locator('main nav.report-tools a').count()) >= 1, 'the comparison report is inside the site frame with a way back');
// The team's photo beside the operator's, as a thumbnail linking to the original (loaded when scrolled to).
await ver.locator('table.beside td:nth-child(3) a > img').first().scrollIntoViewIfNeeded();
await ver.waitForFunction(() => { const i = document.querySelector('table.beside td:nth-child(3) a > img'); return i && i.complete && i.naturalWidth > 0; });
const teamPhotos = await ver.evaluate(() => [...document.querySelectorAll('table.beside td:nth-child(3) a > img')]
  .map((i) => ({ src: i.getAttribute('src'), href: i.parentElement.getAttribute('href'), loaded: i.complete && i.naturalWidth > 0 })));
check(teamPhotos.length === 1 && teamPhotos[0].src.endsWith('/thumbnail') && teamPhotos[0].src.startsWith(teamPhotos[0].href) && teamPhotos[0].loaded,
  'the comparison report shows the team\'s photo as a thumbnail linking to the original: ' + JSON.stringify(teamPhotos));
check((await ver.locator('table.beside td:nth-child(2) img').count()) > 0, 'the operator\'s photos are beside it');
await scan(ver, 'compare-report');
await ver.goto(BASE + form);
// The outcome document as the regulation names it: Berita Acara (passes) or Surat Keterangan (fails, with reasons).
const docName = (await ver.textContent('#outcome-document')).trim();
check(/^(Berita Acara|Surat Keterangan) Hasil Evaluasi/.test(docName), `the outcome document is named as the regulation names it (${docName})`);
await Promise.all([ver.waitForNavigation(), ver.click('#outcome-document')]);
const docTitle = docName.split(',')[0].split(' (')[0].toUpperCase();
check((await ver.textContent('body')).includes(docTitle), `the letter is the document its link names (${docTitle})`);
check((await ver.locator('table.beside td:nth-child(3) img').count()) === 1, 'the letter shows the team\'s photo too');
await scan(ver, 'outcome-letter');
// The standalone HTML (to print or keep) has its one main landmark too.
await ver.goto(BASE + '/api/v1/periods/2023/units/kanim-sampit/compare?format=html');
await scan(ver, 'compare-report-standalone');
await ver.goto(BASE + '/verification');
await logout(ver);

// ---------------------------------------------------------------- evaluator
const ev = await newPage();
await login(ev, 'evaluator');
check(ev.url().includes('/evaluation'), 'the evaluator lands on the national dashboard');
await scan(ev, 'evaluator-dashboard');
result.dashboard_verified_total = (await ev.textContent('tr[data-unit="kanim-sampit"] .verified-total')).trim();
check(/^\d+(\.\d+)?$/.test(result.dashboard_verified_total), 'the dashboard shows the verified total');
check((await ev.locator('main svg').count()) > 0, 'the dashboard has charts');
check((await ev.locator('main .report').count()) === 1 && (await ev.locator('main html, main head, main style').count()) === 0, 'the roll-up is the report layer\'s fragment');
await ev.screenshot({ path: path.join(OUT, 'evaluator-dashboard-full-1366x900.png'), fullPage: true });
await ev.goto(BASE + form);
await scan(ev, 'evaluator-case');
await Promise.all([ev.waitForNavigation(), ev.click('form button:has-text("Catat evaluasi")')]);
check((await ev.textContent('main')).includes('Evaluasi tercatat'), 'the evaluation is recorded');
// The award is the round's: no single-unit award form, a link to the round instead.
check((await ev.locator('input[name=awarded]').count()) === 0, 'no single-unit award form');
check((await ev.locator('#award-in-round a').count()) === 1, 'the case links to the award round');
const body = await ev.textContent('main');
result.final_page = body.slice(0, 200);
// English.
await ev.click('header a[hreflang=en]');
check((await ev.getAttribute('html', 'lang')) === 'en', 'the English switch sets lang="en"');
check((await ev.textContent('h1')).length > 0 && (await ev.textContent('main')).includes('Reports'), 'the page is in English');
await ev.goto(BASE + '/evaluation');
await scan(ev, 'evaluator-dashboard-en');
await ev.goto(BASE + '/password');
await scan(ev, 'change-password-en');

await ev.context().close();

// ---------------------------------------------------------------- admin
const ad = await newPage();
await login(ad, 'admin');
check(ad.url().endsWith('/admin'), 'the administrator lands on the administration page');
await scan(ad, 'admin');
await ad.setInputFiles('#units-csv', {
  name: 'units.csv',
  mimeType: 'text/csv',
  buffer: Buffer.from('id,name,kind,office\nkanim-palangkaraya,Kantor Imigrasi Kelas I TPI Palangka Raya,kanim,Kanwil Kemenkumham Kalimantan Tengah\n'),
});
await Promise.all([ad.waitForNavigation(), ad.click('form:has(#units-csv) button')]);
check((await ad.textContent('main')).includes('Kantor Imigrasi Kelas I TPI Palangka Raya'), 'units are imported from CSV');
// Edit a user, then deactivate them: their open session ends and they cannot log in.
const victim = await newPage();
await login(victim, 'operator-lapas-sampit');
check(victim.url().endsWith('/unit'), 'the lapas operator is logged in');
await Promise.all([ad.waitForNavigation(), ad.click('tr[data-user="operator-lapas-sampit"] a')]);
await scan(ad, 'admin-user');
await ad.fill('#user-name', 'Operator Lapas Sampit (Seksi Registrasi)');
await Promise.all([ad.waitForNavigation(), ad.click('form:has(#user-name) button[type=submit]')]);
check((await ad.textContent('main')).includes('Perubahan pengguna tersimpan'), 'the user\'s changes are saved');
check((await ad.inputValue('#user-name')) === 'Operator Lapas Sampit (Seksi Registrasi)', 'the new display name is shown');
await ad.focus('main button.warn');
await Promise.all([ad.waitForNavigation(), ad.keyboard.press('Enter')]);
check((await ad.textContent('main')).includes('Pengguna dinonaktifkan'), 'the user is deactivated');
await scan(ad, 'admin-user-deactivated');
await victim.goto(BASE + '/unit');
check(victim.url().includes('/login'), 'the deactivated user\'s session has ended');
await login(victim, 'operator-lapas-sampit');
check(victim.url().includes('/login') && (await victim.locator('#error-summary').count()) === 1, 'the deactivated user cannot log in');
await ad.goto(BASE + '/admin');
check((await ad.textContent('tr[data-user="operator-lapas-sampit"]')).includes('Nonaktif'), 'the users table shows the account as deactivated');
await ad.setViewportSize({ width: 390, height: 844 });
await ad.locator('#users').screenshot({ path: path.join(OUT, 'admin-users-table-390x844.png') });
await ad.setViewportSize({ width: 1366, height: 900 });
await ad.locator('#users').screenshot({ path: path.join(OUT, 'admin-users-table-1366x900.png') });
await victim.context().close();
// Instruments: the list with the unit kinds, the difference between two.
await ad.goto(BASE + '/admin');
await Promise.all([ad.waitForNavigation(), ad.click('#admin-pages a[href$="/admin/instruments"]')]);
check((await ad.locator('#instruments tbody tr').count()) >= 3, 'the instruments are listed');
await ad.selectOption('#diff-from', { label: (await ad.locator('#diff-from option', { hasText: 'p2ham-2018-kanim' }).textContent()).trim() });
await ad.selectOption('#diff-to', { label: (await ad.locator('#diff-to option', { hasText: 'p2ham-2022' }).textContent()).trim() });
await Promise.all([ad.waitForNavigation(), ad.click('form:has(#diff-from) button')]);
check((await ad.locator('#instrument-diff table').count()) >= 1, 'the difference between two instruments is shown');
await scan(ad, 'admin-instruments');
// The audit log: filtered by unit and action, with the chain's check.
await ad.goto(BASE + '/admin/audit');
check((await ad.getAttribute('#audit-verify [data-verified]', 'data-verified')) === 'true', 'the audit page says the log is intact');
await ad.selectOption('#audit-unit', 'kanim-sampit');
await ad.selectOption('#audit-action', 'put-declaration');
await Promise.all([ad.waitForNavigation(), ad.click('form:has(#audit-unit) button')]);
check((await ad.locator('#audit tbody tr').count()) === 1, 'the audit log filtered to the kanim declaration');
await scan(ad, 'admin-audit');
// The period form chooses no instrument by default.
await ad.goto(BASE + '/admin');
check((await ad.inputValue('#period-instrument')) === '', 'the period form has no default instrument');
// The administrator's pages in English.
await ad.goto(BASE + '/admin/users/operator-lapas-sampit');
await Promise.all([ad.waitForNavigation(), ad.click('header a[hreflang=en]')]);
check((await ad.textContent('h1')).includes('Edit user') && (await ad.textContent('main')).includes('Reactivate'), 'the user page is in English');
await scan(ad, 'admin-user-en');
await ad.setViewportSize({ width: 390, height: 844 });
result.phone_header_height_en = await ad.evaluate(() => document.querySelector('header').getBoundingClientRect().height);
check(result.phone_header_height_en <= 80, `the English phone header is at most 80px tall (${result.phone_header_height_en})`);
await ad.setViewportSize({ width: 1366, height: 900 });

await browser.close();
if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all browser checks passed');
