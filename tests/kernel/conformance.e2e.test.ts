/**
 * The Jupyter kernel conformance suite (jupyter_kernel_test, Debian's python3-jupyter-kernel-test) run against the
 * tracklab kernel from dist/: kernel_info, execute with results and errors, streams, display data, completion,
 * inspection and is_complete, every message validated against the protocol's schemas.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeKernelSpec } from '../../src/kernel/kernelspec.js';
import { tempDir } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const suiteInstalled = (): boolean =>
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import jupyter_kernel_test'], { stdio: 'ignore' }).status === 0;

describe('jupyter_kernel_test', () => {
  it('the tracklab kernel passes the conformance suite', async (t) => {
    if (!suiteInstalled())
      return t.skip('python3-jupyter-kernel-test is not installed (scripts/install-system-deps.sh installs it)');
    const dir = tempDir();
    await writeKernelSpec(join(dir, 'share', 'jupyter'));
    const r = spawnSync(PYTHON, ['-m', 'unittest', '-v', 'test_tracklab_kernel'], {
      cwd: join('tests', 'kernel', 'conformance'),
      encoding: 'utf8',
      timeout: 240_000,
      env: {
        ...process.env,
        JUPYTER_PATH: join(dir, 'share', 'jupyter'),
        TRACKLAB_STORE: join(dir, 'store'),
        PYTHONDONTWRITEBYTECODE: '1',
      },
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /^OK/m);
    // history, pager and clear_output are optional parts of the protocol the kernel does not offer
    for (const name of [
      'kernel_info',
      'execute_stdout',
      'execute_stderr',
      'error',
      'execute_result',
      'display_data',
      'completion',
      'is_complete',
      'inspect',
    ]) {
      assert.match(r.stderr, new RegExp(`^test_${name} \\(.*\\) \\.\\.\\. ok$`, 'm'), `test_${name} ran and passed`);
    }
  });
});
