/**
 * Each run's chart data is a classic script `data/runs/<id>.js` calling `tracklabRunData({...})`: scripts load from
 * file:// where fetch() cannot, and a page loads only the runs it shows.
 */
import type { RunData } from '../../src/report/run-view-model.js';

const loaded = new Map<string, RunData>();
const waiting = new Map<string, (d: RunData) => void>();

export function installRunDataHook(): void {
  (globalThis as { tracklabRunData?: (d: RunData) => void }).tracklabRunData = (d) => {
    loaded.set(d.id, d);
    waiting.get(d.id)?.(d);
    waiting.delete(d.id);
  };
}

export const runDataNow = (id: string): RunData | undefined => loaded.get(id);

/** Loads a run's data file (a same-site script, allowed by `script-src 'self'`). */
export function loadRunData(id: string, src: string): Promise<RunData> {
  const have = loaded.get(id);
  if (have) return Promise.resolve(have);
  return new Promise((resolve, reject) => {
    waiting.set(id, resolve);
    const s = document.createElement('script');
    s.src = src;
    s.async = true;
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}
