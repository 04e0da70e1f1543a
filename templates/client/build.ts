/**
 * Bundles the page script into templates/assets/report.js (a classic IIFE: ES modules do not load from file://).
 * It includes the searchRuns filter (src/core/search), the chart specs and vega-interpreter; vega and vega-lite are
 * served as their own UMD builds. The bundle is committed, so installing tracklab needs no bundler; a test checks it
 * is up to date. Run: node --import tsx templates/client/build.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

export async function bundleClient(root: string): Promise<string> {
  const result = await build({
    entryPoints: [path.join(root, 'templates/client/main.ts')],
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
  const text = await bundleClient(root);
  writeFileSync(path.join(root, 'templates/assets/report.js'), text);
  console.log(`templates/assets/report.js: ${text.length} bytes`);
}
