/**
 * tracklab's version; a test checks it equals package.json's (no import.meta here: notebooks require this as CommonJS).
 */
export const TRACKLAB_VERSION = '0.1.0';
/** Layout version of the JSON store; a store with another number is refused with a clear error. */
export const STORE_LAYOUT_VERSION = 1;
/**
 * Format of the published history files and of the drawn packs stores keep (core/pack-format.ts). Bumped whenever the
 * files change shape: a run's files from an older build are then rewritten by an incremental build (report/run-files.ts
 * runKey), and packs stored by a store are not used. Here, with the other format versions, so that a store reads its
 * packs' format without loading the pack code.
 */
export const HISTORY_FORMAT = 3;
