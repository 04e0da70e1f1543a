/** Growable float64 columns per key, filled from a segment's blocks and then from metric lines. */
import type { MetricPoint } from '../../core/entities.js';
import type { Segment } from './metric-segment.js';

/** Growable float64 columns per key, in first-seen key order. */
export class ColumnsBuilder {
  private keys = new Map<string, { n: number; step: Float64Array; value: Float64Array; timestamp: Float64Array }>();
  size = 0;

  clear(): void {
    this.keys.clear();
    this.size = 0;
  }

  /** Adds a segment's points; false when a block is damaged (then nothing of it is kept). */
  addSegment(segment: Segment): boolean {
    for (const entry of segment.header.series) {
      const cols = segment.points(entry);
      if (cols === undefined) return false;
      this.set(entry[0], cols);
    }
    return true;
  }

  /** Takes `cols` (not copied) as the first points of `key`. */
  set(key: string, cols: { step: Float64Array; value: Float64Array; timestamp: Float64Array }): void {
    const n = cols.step.length;
    this.keys.set(key, { n, step: cols.step, value: cols.value, timestamp: cols.timestamp });
    this.size += n;
  }

  add(p: MetricPoint): void {
    let c = this.keys.get(p.key);
    if (c === undefined) {
      c = { n: 0, step: new Float64Array(64), value: new Float64Array(64), timestamp: new Float64Array(64) };
      this.keys.set(p.key, c);
    }
    if (c.n === c.step.length) {
      const grow = (a: Float64Array): Float64Array => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      c.step = grow(c.step);
      c.value = grow(c.value);
      c.timestamp = grow(c.timestamp);
    }
    c.step[c.n] = p.step;
    c.value[c.n] = p.value;
    c.timestamp[c.n] = p.timestamp;
    c.n += 1;
    this.size += 1;
  }

  series(): { key: string; points: { step: Float64Array; value: Float64Array; timestamp: Float64Array } }[] {
    return [...this.keys].map(([key, c]) => ({
      key,
      points: {
        step: c.step.subarray(0, c.n),
        value: c.value.subarray(0, c.n),
        timestamp: c.timestamp.subarray(0, c.n),
      },
    }));
  }
}
