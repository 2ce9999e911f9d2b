// The screenshots of docs/img (not a test): the login page, the operator's
// form, the verifier's review page and the comparison report (its top and the
// photos of the operator and of the team), at 390×844 and
// 1366×900, in Chromium through playwright-core.
//
//   node scripts/performance-budget.mjs BASE_URL   # first: the Lapas draft with 60 photos
//   node scripts/docs-screenshots.mjs BASE_URL OUT_DIR
//
// BASE_URL is a running `p2ham serve` with the Sampit demo. The Lapas
// operator submits the draft the budget script stored, the verifier copies
// the operator's answers per criterion, lowers one, photographs A.01 and
// records the verification. Optimise the PNGs afterwards (`optipng -o2`).
import path from 'node:path';
import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../crates/p2ham-server/tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [BASE, OUT] = process.argv.slice(2);
if (!BASE || !OUT) { console.error('usage: node scripts/docs-screenshots.mjs BASE_URL OUT_DIR'); process.exit(2); }
fs.mkdirSync(OUT, { recursive: true });
const LAPAS = '/periods/2023/units/lapas-sampit';
const PHOTO = new URL('../fixtures/evidence/lapas-sampit/verifikasi/maklumat-pelayanan.png', import.meta.url).pathname;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });

async function login(page, user) {
  await page.goto(BASE + '/login');
  await page.fill('#username', user);
  await page.fill('#password', 'demo-p2ham-2023');
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
}
async function shoot(page, name, selector) {
  for (const [w, h] of [[390, 844], [1366, 900]]) {
    await page.setViewportSize({ width: w, height: h });
    if (selector) await page.locator(selector).first().evaluate((e) => e.scrollIntoView({ block: 'start' }));
    else await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(OUT, `${name}-${w}x${h}.png`) });
  }
}

const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
page.setDefaultTimeout(60000);
await page.goto(BASE + '/login');
await shoot(page, 'login');

await login(page, 'operator-lapas-sampit');
await page.goto(BASE + LAPAS);
await shoot(page, 'operator-form');
const csrf = await page.getAttribute('input[name=csrf_token]', 'value');
const submitted = await page.evaluate(async ({ url, csrf }) => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: '{}' })).status,
  { url: BASE.replace(/\/$/, '') + '/api/v1' + LAPAS + '/submit', csrf });
if (submitted !== 200) { console.error('submit: ' + submitted); process.exit(1); }
await Promise.all([page.waitForNavigation(), page.click('header .nav-wide button[type=submit]')]);

await login(page, 'verifier-kalteng');
await page.goto(BASE + LAPAS);
for (const b of await page.locator('button[data-copy]').all()) await b.click();
const radios = page.locator('input[name="v.A.12"]:not([value=__na])');
await radios.nth((await radios.count()) - 1).check();
await page.locator('input[name="ev.A.01"][capture=environment]').setInputFiles(PHOTO);
await page.waitForFunction(() => document.querySelector('#verified-score [data-summary]') !== null);
await shoot(page, 'review', 'section.score-card');
await Promise.all([page.waitForNavigation(), page.click('button[value=verify]')]);
await Promise.all([page.waitForNavigation(), page.click('#confirm-verify')]);
await page.goto(BASE + LAPAS + '/report/compare');
await shoot(page, 'comparison-report');
await page.locator('table.beside img').first().scrollIntoViewIfNeeded();
await page.waitForFunction(() => [...document.querySelectorAll('table.beside img')].slice(0, 4).every((i) => i.complete));
await shoot(page, 'comparison-photos', 'table.beside');
await browser.close();
