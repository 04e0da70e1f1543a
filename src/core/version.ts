/**
 * tracklab's version; a test checks it equals package.json's (no import.meta here: notebooks require this as CommonJS).
 */
export const TRACKLAB_VERSION = '0.1.0';
/** Layout version of the JSON store; a store with another number is refused with a clear error. */
export const STORE_LAYOUT_VERSION = 1;
