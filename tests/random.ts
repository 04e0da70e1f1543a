/**
 * mulberry32: a small, fast PRNG giving numbers in [0, 1) from a 32-bit seed; the same seed gives the same sequence,
 * so fixtures are identical on every build and a failing random case can be replayed.
 *
 * @example const random = mulberry32(42); random() // 0.6011...
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), state | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
