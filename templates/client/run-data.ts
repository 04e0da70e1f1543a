/**
 * Each run's chart data is a classic script `data/runs/<id>.js` calling `tracklabRunData({...})`: scripts load from
 * file:// where fetch() cannot, and a page loads only the runs it shows. Runs whose histories were downsampled for
 * drawing also have `<id>.full.js` (`tracklabRunHistory(id, series)`), loaded only when a user downloads the CSV.
 */
import { unpackSeries, type PackedSeries, type Series } from '../../src/report/downsample.js';
import type { RunData } from '../../src/report/run-view-model.js';

const loaded = new Map<string, RunData>();
const waiting = new Map<string, (d: RunData) => void>();
const fullLoaded = new Map<string, Series[]>();
const fullWaiting = new Map<string, (s: Series[]) => void>();

export function installRunDataHook(): void {
  const g = globalThis as {
    tracklabRunData?: (d: RunData) => void;
    tracklabRunHistory?: (id: string, s: Series[]) => void;
  };
  g.tracklabRunData = (raw) => {
    const d = { ...raw, series: (raw.series as unknown as PackedSeries[]).map(unpackSeries) };
    loaded.set(d.id, d);
    waiting.get(d.id)?.(d);
    waiting.delete(d.id);
  };
  g.tracklabRunHistory = (id, packed) => {
    const series = (packed as unknown as PackedSeries[]).map(unpackSeries);
    fullLoaded.set(id, series);
    fullWaiting.get(id)?.(series);
    fullWaiting.delete(id);
  };
}

export const runDataNow = (id: string): RunData | undefined => loaded.get(id);

function addScript(src: string, reject: (e: Error) => void): void {
  const s = document.createElement('script');
  s.src = src;
  s.async = true;
  s.onerror = () => reject(new Error(`could not load ${src}`));
  document.head.append(s);
}

/** Loads a run's data file (a same-site script, allowed by `script-src 'self'`). */
export function loadRunData(id: string, src: string): Promise<RunData> {
  const have = loaded.get(id);
  if (have) return Promise.resolve(have);
  return new Promise((resolve, reject) => {
    const before = waiting.get(id);
    waiting.set(id, (d) => {
      before?.(d);
      resolve(d);
    });
    if (!before) addScript(src, reject);
  });
}

/** Every point of a run's histories: the data file's series, or the full file when they were downsampled. */
export function loadFullHistories(data: RunData, root: string): Promise<Series[]> {
  if (!data.full) return Promise.resolve(data.series);
  const have = fullLoaded.get(data.id);
  if (have) return Promise.resolve(have);
  return new Promise((resolve, reject) => {
    fullWaiting.set(data.id, resolve);
    addScript(root + data.full, reject);
  });
}

/** The CSV of histories: `key,step,timestamp,value`, every point, NaN and infinities spelled out. */
export function historiesCsv(series: readonly Series[]): string {
  const q = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['key,step,timestamp,value'];
  for (const s of series) {
    const k = q(s.key);
    for (let i = 0; i < s.steps.length; i++) {
      const v = s.values[i] as number | string | null;
      lines.push(`${k},${s.steps[i]},${s.t0 + (s.times[i] as number)},${v === null ? 'NaN' : v}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
