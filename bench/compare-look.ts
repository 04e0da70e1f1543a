/**
 * Whether the compare bench's charts look the same in two builds of its site: photographs the history charts of
 * bench/out/report-compare-site and of report-compare-site-baseline (left by `bench/report.ts --baseline-checkout`) at
 * 1440 and 390 px, light and dark, into $TMPDIR/tracklab-compare-look/, and compares the charts' path data and texts
 * (axis labels, data tables) number by number. Run: node --import tsx bench/compare-look.ts
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { launch, serve } from '../tests/report/browser.js';

const dir = path.join(process.env.TMPDIR ?? '/tmp', 'tracklab-compare-look');
mkdirSync(dir, { recursive: true });
const html = readFileSync('bench/out/report-compare-site/compare.html', 'utf8');
const ids = (JSON.parse(/"index":(\[.*?\])/.exec(html)![1]!) as { id: string }[]).map((e) => e.id).join(',');
const browser = await launch();
const out: Record<string, string[]> = {};
for (const [tag, site] of [
  ['new', 'bench/out/report-compare-site'],
  ['base', 'bench/out/report-compare-site-baseline'],
] as const) {
  const srv = await serve(site, '/t/');
  for (const vp of [
    { w: 1440, h: 900 },
    { w: 390, h: 844 },
  ]) {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width: vp.w, height: vp.h }, colorScheme: scheme });
      await page.goto(`${srv.base}compare.html#runs=${ids}`);
      await page.waitForSelector('#history-charts[data-drawn]');
      await page.waitForTimeout(300);
      const el = page.locator('#history-charts');
      await el.screenshot({ path: path.join(dir, `${tag}-${vp.w}-${scheme}.png`) });
      out[`${tag}-${vp.w}-${scheme}`] = await page.$$eval('#history-charts svg path', (ps) =>
        ps.map((p) => p.getAttribute('d') ?? ''),
      );
      const texts = await page.$$eval('#history-charts svg text, #history-charts td', (ts) =>
        ts.map((t) => t.textContent ?? ''),
      );
      out[`${tag}-${vp.w}-${scheme}-text`] = texts;
      await page.close();
    }
  }
  await srv.close();
}
await browser.close();
for (const k of Object.keys(out).filter((k) => k.startsWith('new-'))) {
  const a = out[k]!,
    b = out[k.replace('new-', 'base-')]!;
  let diff = 0,
    coordDiff = 0,
    coords = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      diff++;
      const na = (a[i] ?? '').split(/[^-0-9.]+/),
        nb = (b[i] ?? '').split(/[^-0-9.]+/);
      for (let j = 0; j < Math.max(na.length, nb.length); j++)
        if (na[j] !== nb[j]) {
          coordDiff++;
          if (coordDiff < 4) console.log(k, 'coord', na[j], nb[j]);
        }
    }
    coords += (a[i] ?? '').split(/[^-0-9.]+/).length;
  }
  console.log(k, `${a.length} vs ${b.length} items, ${diff} differ, ${coordDiff} of ${coords} numbers differ`);
}
