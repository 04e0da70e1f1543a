/** The compare page's selection as its address holds it (`compare.html#runs=<id>,<id>`). */
import { SAFE_ID } from '../../src/report/paths.js';

/** Run ids from `#runs=a,b,c`: only well-formed ids, each once, in order. */
export function selectionFromHash(hash: string): string[] {
  const m = /(?:^#|&)runs=([^&]*)/.exec(hash);
  if (!m) return [];
  const ids = (m[1] as string).split(',').map((s) => {
    try {
      return decodeURIComponent(s).trim();
    } catch {
      return '';
    }
  });
  return [...new Set(ids.filter((id) => SAFE_ID.test(id)))];
}
