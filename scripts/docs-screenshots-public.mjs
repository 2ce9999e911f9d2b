// The screenshots of the public record in docs/img (not a test): the
// published periods, a period's units, a unit's page and the facility
// finder, at 390×844 and 1366×900, in Chromium through playwright-core.
//
//   node scripts/docs-screenshots-public.mjs BASE_URL OUT_DIR
//
// BASE_URL is a running `p2ham serve` where period 2023 (the Sampit round) is
// published: `BENCH_PUBLIC_SCREENSHOTS=OUT_DIR scripts/bench-public.sh`
// prepares one and runs this script. Make the PNGs smaller afterwards
// (`pngquant --quality=70-95 --ext .png --force`, then `optipng -o2`).
import path from 'node:path';
import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../crates/p2ham-server/tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [BASE, OUT] = process.argv.slice(2);
if (!BASE || !OUT) { console.error('usage: node scripts/docs-screenshots-public.mjs BASE_URL OUT_DIR'); process.exit(2); }
fs.mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
page.setDefaultTimeout(60000);

async function shoot(url, name) {
  const r = await page.goto(BASE + url);
  if (r.status() !== 200) { console.error(`${url}: ${r.status()}`); process.exit(1); }
  for (const [w, h] of [[390, 844], [1366, 900]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, `${name}-${w}x${h}.png`) });
  }
}

await shoot('/publik', 'public-index');
await shoot('/publik/periode/2023', 'public-period');
await shoot('/publik/unit/kanim-sampit', 'public-unit');
await shoot('/publik/fasilitas?q=laktasi', 'public-finder');
// A photo the verification team marked public, beside its indicator on the unit's page.
await page.goto(BASE + '/publik/unit/kanim-sampit');
for (const [w, h] of [[390, 844], [1366, 900]]) {
  await page.setViewportSize({ width: w, height: h });
  const photo = page.locator('img[src*="/publik/foto/"]').first();
  if (await photo.count()) {
    await photo.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -200));
    await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await photo.elementHandle());
    await page.screenshot({ path: path.join(OUT, `public-unit-photo-${w}x${h}.png`) });
  }
}
await browser.close();
