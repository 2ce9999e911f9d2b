// What every browser script shares: the demo's password, the checks and the
// result file, Debian's Chromium, axe-core, the label and prefix checks, and
// screenshots at phone and desktop widths.

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The demo accounts' password. */
export const PASSWORD = 'demo-p2ham-2023';

/**
 * The checks of one script: `check(cond, what)` prints and records; the result
 * (with every failure) is written to `out/file` when the script ends.
 */
export function checks(out, file, result = {}) {
  fs.mkdirSync(out, { recursive: true });
  const failures = [];
  result.pages ??= [];
  result.violations ??= [];
  const check = (cond, what) => {
    if (!cond) {
      failures.push(what);
      console.error('FAIL: ' + what);
    } else {
      console.log('ok: ' + what);
    }
  };
  process.on('exit', () => {
    result.failures = failures;
    fs.writeFileSync(path.join(out, file), JSON.stringify(result, null, 2));
  });
  return { check, result, failures };
}

/** Debian's Chromium, headless, with nothing of its own on the network. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** axe-core on the page (through the debugging protocol: the pages' CSP allows no inline script). */
export async function axe(page, name, { check, result }) {
  await page.evaluate(AXE);
  const r = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) {
    result.violations.push({ page: name, id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target) });
  }
  check(bad.length === 0, `axe: no serious/critical violation on ${name}` + (bad.length ? ': ' + bad.map((v) => v.id).join(', ') : ''));
}

/** Every visible form control has an accessible label. */
export async function labelled(page, name, check) {
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
    .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !(e.tagName === 'BUTTON' && e.textContent.trim()))
    .map((e) => e.name || e.id));
  check(unlabelled.length === 0, `every control has a label on ${name}` + (unlabelled.length ? ': ' + unlabelled.join(', ') : ''));
}

/**
 * Every link and form action (and with `assets`, every script and image) stays
 * under the application's prefix; `outside` lists addresses allowed elsewhere.
 */
export async function insidePrefix(page, name, check, prefix, { assets = false, outside = [] } = {}) {
  const found = await page.evaluate(([prefix, assets, outside]) => [
    ...[...document.querySelectorAll('a[href], link[href]')].map((e) => e.getAttribute('href')),
    ...(assets ? [...document.querySelectorAll('script[src], img[src]')].map((e) => e.getAttribute('src')) : []),
    ...[...document.querySelectorAll('form[action]')].map((e) => e.getAttribute('action')),
  ].filter((u) => !u.startsWith('#') && !u.startsWith(prefix + '/') && !outside.some((o) => u.startsWith(o))), [prefix, assets, outside]);
  const what = assets ? 'link, asset and form action' : 'link and form action';
  check(found.length === 0, `every ${what} of ${name} starts with '${prefix}/'` + (found.length ? ': ' + found.slice(0, 5).join(', ') : ''));
}

/** Screenshots at phone (390×844) and desktop (1366×900) widths; the viewport is left at `restore`. */
export async function screenshots(page, out, name, { fullPage = false, restore = [1366, 900] } = {}) {
  for (const [w, h] of [[390, 844], [1366, 900]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: path.join(out, `${name}-${w}x${h}.png`), fullPage });
  }
  await page.setViewportSize({ width: restore[0], height: restore[1] });
}

/** Logs in through the form as `user`. */
export async function signIn(page, base, user) {
  await page.goto(base + '/login');
  await page.fill('#username', user);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
}
