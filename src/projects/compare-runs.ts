/** Compares a run with its re-run: every param, and the final value of every metric (exact, or within rtol). Pure. */
import type { Run } from '../core/entities.js';
import type { Difference } from '../core/reproduction.js';

type Compared = Pick<Run, 'params' | 'metrics'>;

/** Tolerance check in the spirit of numpy.isclose with atol 0: |b - a| <= rtol * |a|; NaN equals NaN. */
export function sameValue(a: number, b: number, rtol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Number.isFinite(a) && Number.isFinite(b) && Math.abs(b - a) <= rtol * Math.abs(a);
}

/**
 * The params and final metric values that differ between `original` and `reproduced`, params first, each by key.
 * @example compareRuns(a, b, 1e-9) // [{ kind: 'metric', key: 'acc', original: '0.9', reproduced: '0.8', delta: 0.1 }]
 */
export function compareRuns(original: Compared, reproduced: Compared, rtol = 0): Difference[] {
  const out: Difference[] = [];
  for (const key of unionKeys(original.params, reproduced.params)) {
    const a = original.params[key];
    const b = reproduced.params[key];
    if (a === b) continue;
    out.push({ kind: 'param', key, ...present('original', a), ...present('reproduced', b) });
  }
  for (const key of unionKeys(original.metrics, reproduced.metrics)) {
    const a = original.metrics[key];
    const b = reproduced.metrics[key];
    if (a !== undefined && b !== undefined && sameValue(a, b, rtol)) continue;
    out.push({
      kind: 'metric',
      key,
      ...(a === undefined ? {} : { original: String(a) }),
      ...(b === undefined ? {} : { reproduced: String(b) }),
      ...(a !== undefined && b !== undefined && Number.isFinite(b - a) ? { delta: Math.abs(b - a) } : {}),
    });
  }
  return out;
}

const present = (name: 'original' | 'reproduced', value: string | undefined): Partial<Difference> =>
  value === undefined ? {} : { [name]: value };

function unionKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
