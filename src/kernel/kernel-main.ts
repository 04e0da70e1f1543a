#!/usr/bin/env node
/** The script a `tracklab` kernelspec runs: `node kernel-main.js --config-path {connection_file}`. */
import { startKernel } from './kernel.js';

const i = process.argv.indexOf('--config-path');
const configPath = i >= 0 ? process.argv[i + 1] : undefined;
if (!configPath) {
  process.stderr.write(
    'tracklab kernel: usage: kernel-main.js --config-path <connection file> (Jupyter starts this for you)\n',
  );
  process.exit(2);
}
startKernel(configPath).catch((e: unknown) => {
  process.stderr.write(`tracklab kernel: could not start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
