/**
 * Bundles the page script into templates/assets/report.js (a classic IIFE: ES modules do not load from file://), and
 * the theme setter that runs before the first paint into templates/assets/theme.js, and the compare page's early
 * loads into templates/assets/compare-boot.js.
 * It includes the searchRuns filter (src/core/search), the chart specs and vega-interpreter; vega and vega-lite are
 * served as their own UMD builds. The bundle is committed, so installing tracklab needs no bundler; a test checks it
 * is up to date. Run: node --import tsx templates/client/build.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/** The bundles: entry of templates/client and the file it becomes in templates/assets. */
export const CLIENT_BUNDLES = [
  ['main', 'report.js'],
  ['theme-boot', 'theme.js'],
  ['compare-boot', 'compare-boot.js'],
] as const;

export type ClientEntry = (typeof CLIENT_BUNDLES)[number][0];

/**
 * Bundles an entry of templates/client: `main` (assets/report.js), `theme-boot` (assets/theme.js) or `compare-boot`
 * (assets/compare-boot.js).
 */
export async function bundleClient(root: string, entry: ClientEntry = 'main'): Promise<string> {
  const result = await build({
    entryPoints: [path.join(root, `templates/client/${entry}.ts`)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    write: false,
    absWorkingDir: root,
    logLevel: 'silent',
    banner: { js: '/* tracklab report page script; source: templates/client/ (bundled with esbuild) */' },
  });
  return result.outputFiles[0]!.text;
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('templates', 'client', 'build.ts'))) {
  const root = path.resolve(path.dirname(process.argv[1]), '..', '..');
  for (const [entry, file] of CLIENT_BUNDLES) {
    const text = await bundleClient(root, entry);
    writeFileSync(path.join(root, 'templates/assets', file), text);
    console.log(`templates/assets/${file}: ${text.length} bytes`);
  }
}
