/**
 * What a run's drawn pack is (history-pack.ts makes it): its format, the points it is made for and its shape. Apart
 * from the code that makes one, so that reading a stored pack loads none of that code.
 */

export { HISTORY_FORMAT } from './version.js';

/** The buckets a report draws of a history by default, and the ones a store packs at compaction. */
export const DRAWN_POINTS = 1000;

/**
 * Where a drawn chunk is: the bytes of its leading part (in the pack's inflated heads, in history order) and of its low
 * planes, and whether those are in the pack's inflated lows (1, in history order) or in a text of their own (0).
 */
export type DrawnLayout = [head: number, low: number, packed: 0 | 1];

/** The drawn chunks of a run, encoded: the pack's layout, each chunk's, and the data file's texts (pack first). */
export interface DrawnPack {
  /** bytes of the pack's deflated heads and of its deflated lows */
  pack: [heads: number, lows: number];
  layouts: DrawnLayout[];
  /** the pack, then one text per history: its low planes when they are not in the pack, else '' */
  texts: Uint8Array[];
}

/** A run's drawn pack with what its data file lists of each history (in the pack's order). */
export interface RunPack extends DrawnPack {
  histories: {
    key: string;
    /** points logged */
    total: number;
    /** whether the drawn chunk holds every point */
    exact: boolean;
    /** points (exact) or buckets in the drawn chunk */
    points: number;
  }[];
}
