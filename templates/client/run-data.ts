/**
 * Each run's data is a classic script `data/runs/<id>.js` calling `tracklabRunData({...}, [drawn chunks])`: scripts
 * load from file:// where fetch() cannot, and a page loads only the runs it shows. history-data.ts decodes the drawn
 * chunks of the metrics a page draws.
 */
import type { PublishedRunData, RunData } from '../../src/report/run-view-model.js';
import { historiesCsv, installHistoryHook, loadSeries, type RunHistories } from './history-data.js';

interface Published {
  data: PublishedRunData;
  histories: RunHistories;
}

const loaded = new Map<string, Published>();
const waiting = new Map<string, (d: Published) => void>();

export function installRunDataHook(): void {
  installHistoryHook();
  (globalThis as { tracklabRunData?: (d: PublishedRunData, texts: string[]) => void }).tracklabRunData = (
    data,
    texts,
  ) => {
    const d = { data, histories: { id: data.id, ...data.histories, texts } };
    loaded.set(data.id, d);
    waiting.get(data.id)?.(d);
    waiting.delete(data.id);
  };
}

function loadPublished(id: string, src: string): Promise<Published> {
  const have = loaded.get(id);
  if (have) return Promise.resolve(have);
  return new Promise((resolve, reject) => {
    const before = waiting.get(id);
    waiting.set(id, (d) => {
      before?.(d);
      resolve(d);
    });
    if (before) return;
    const s = document.createElement('script');
    s.src = src;
    s.async = true;
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}

/** The folder of a data file's URL: chunk paths are relative to it. */
const folderOf = (src: string): string => src.slice(0, src.lastIndexOf('/') + 1);

/**
 * Loads a run's data file (a same-site script, allowed by `script-src 'self'`) and the histories of `keys` (default:
 * all) at display size.
 */
export async function loadRunData(id: string, src: string, keys?: readonly string[]): Promise<RunData> {
  const { data, histories } = await loadPublished(id, src);
  const { histories: _refs, ...run } = data;
  return { ...run, series: await loadSeries(histories, keys) };
}

/** Every point of the run's histories as CSV, built in the page (the full-resolution chunks load on demand). */
export async function runCsv(id: string, src: string): Promise<string> {
  return historiesCsv((await loadPublished(id, src)).histories, folderOf(src));
}
