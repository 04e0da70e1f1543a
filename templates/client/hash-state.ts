/**
 * A page's view state in its address (`#f=...&s=...`): a link reproduces the view, reload keeps it, Back and Forward
 * walk it. Values are URI-encoded; unknown keys are ignored, so old links keep working.
 */

export type HashState = Record<string, string>;

export function readHash(hash: string = location.hash): HashState {
  const out: HashState = {};
  for (const part of hash.replace(/^#/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    try {
      out[decodeURIComponent(key)] = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    } catch {
      // a hand-edited address with a broken escape: that key is dropped, the rest still applies
    }
  }
  return out;
}

/** Keys in a fixed order with empty values left out, so equal views give equal addresses. */
export function formatHash(state: HashState, order: readonly string[]): string {
  const keys = [
    ...order,
    ...Object.keys(state)
      .filter((k) => !order.includes(k))
      .sort(),
  ];
  const enc = (s: string): string => encodeURIComponent(s).replace(/%2C/g, ',').replace(/%3A/g, ':');
  return keys
    .filter((k) => state[k] !== undefined && state[k] !== '')
    .map((k) => `${enc(k)}=${enc(state[k] as string)}`)
    .join('&');
}

/**
 * Writes the state into the address: a new history entry for a deliberate change (sort, grouping, selection), a
 * replacement while typing a filter. Does nothing when the address already says so.
 */
export function writeHash(state: HashState, order: readonly string[], push: boolean): void {
  const text = formatHash(state, order);
  if (text === location.hash.replace(/^#/, '')) return;
  const url = `${location.pathname}${location.search}${text ? `#${text}` : ''}`;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}
