/**
 * The updating display of a run while a cell trains: latest value, step and a small line per metric key, replaced in
 * place (update_display_data) at most every `intervalMs`. The cost per point is a few field writes; the clock is read
 * once every 64 points, so a tight loop pays almost nothing and an epoch loop still updates on time.
 */
import type { ActiveRun } from '../active-run.js';
import { formatNumber as fmt } from '../core/format.js';
import { escapeHtml as esc } from '../core/html-escape.js';

/** Sends one display with a stable id: first as display_data, later as update_display_data. */
export type DisplayWriter = (data: Record<string, string>, displayId: string, update: boolean) => void;

/** What the runtime tells the live view. */
export interface LiveView {
  metric(run: ActiveRun, key: string, value: number, step: number): void;
  /** Draws what changed if the last update is older than the interval (for callers logging per epoch). */
  poll(): void;
  /** Draws what changed since the last update (after every cell). */
  flush(): void;
  /**
   * Draws the run's final state and forgets it. With `line` (a quiet end), a run that logged metrics is shown as
   * that one line with its latest values, in place of its live view; returns whether it did (else the caller shows
   * the line).
   */
  ended(run: ActiveRun, line?: string): boolean;
}

const KEEP = 120; // points kept per key for the sparkline; older ones are thinned to every other point

interface Series {
  latest: number;
  step: number;
  count: number;
  xs: number[];
  ys: number[];
  stride: number;
}
interface RunState {
  run: ActiveRun;
  series: Map<string, Series>;
  shown: boolean;
  dirty: boolean;
}

export interface LiveViewOptions {
  write: DisplayWriter;
  /** default 250 ms: at most four updates a second */
  intervalMs?: number;
  now?: () => number;
}

export function createLiveView(o: LiveViewOptions): LiveView {
  const interval = o.intervalMs ?? 250;
  const now = o.now ?? Date.now;
  const states = new Map<ActiveRun, RunState>();
  let tick = 0;
  let last = 0;

  const draw = (s: RunState): void => {
    o.write(liveData(s), `tracklab-live-${s.run.id}`, s.shown);
    s.shown = true;
    s.dirty = false;
  };
  const drawDirty = (): void => {
    last = now();
    for (const s of states.values()) if (s.dirty) draw(s);
  };

  return {
    metric(run, key, value, step) {
      let s = states.get(run);
      if (!s) states.set(run, (s = { run, series: new Map(), shown: false, dirty: true }));
      let series = s.series.get(key);
      if (!series) s.series.set(key, (series = { latest: value, step, count: 0, xs: [], ys: [], stride: 1 }));
      add(series, value, step);
      s.dirty = true;
      if ((++tick & 63) === 0 && now() - last >= interval) drawDirty();
    },
    poll() {
      if (now() - last >= interval) drawDirty();
    },
    flush: drawDirty,
    ended(run, line) {
      const s = states.get(run);
      states.delete(run);
      if (!s) return false;
      if (line === undefined) {
        if (s.dirty) draw(s);
        return false;
      }
      o.write(endedData(s, line), `tracklab-live-${s.run.id}`, s.shown);
      return true;
    },
  };
}

function add(s: Series, value: number, step: number): void {
  s.latest = value;
  s.step = step;
  if (s.count++ % s.stride !== 0) return;
  s.xs.push(step);
  s.ys.push(value);
  if (s.xs.length > KEEP) {
    s.xs = s.xs.filter((_, i) => i % 2 === 0);
    s.ys = s.ys.filter((_, i) => i % 2 === 0);
    s.stride *= 2;
  }
}

/** The display's HTML (a table with a sparkline per key) and its plain-text fallback. */
function liveData(s: RunState): Record<string, string> {
  const rows = [...s.series].map(
    ([k, v]) =>
      `<tr><td>${esc(k)}</td><td>${esc(fmt(v.latest))}</td><td>${v.step}</td><td>${sparkline(v.ys)}</td></tr>`,
  );
  const head = `<b>${esc(s.run.name)}</b> <code>${esc(s.run.id.slice(0, 8))}</code>${s.run.isEnded ? '' : ' running'}`;
  const html =
    `<div class="tracklab-live"><p>${head}</p><table class="tracklab"><thead><tr><th>metric</th><th>latest</th>` +
    `<th>step</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  const text = [
    `${s.run.name} (${s.run.id.slice(0, 8)})${s.run.isEnded ? '' : ' running'}`,
    ...[...s.series].map(([k, v]) => `  ${k} = ${fmt(v.latest)} at step ${v.step}`),
  ].join('\n');
  return { 'text/html': html, 'text/plain': text };
}

/** A quietly ended run's display: the end line and each key's latest value, on one line. */
function endedData(s: RunState, line: string): Record<string, string> {
  const values = [...s.series].map(([k, v]) => [k, fmt(v.latest)] as const);
  const html = values.map(([k, v]) => `${esc(k)} <b>${esc(v)}</b>`).join(', ');
  const text = values.map(([k, v]) => `${k} = ${v}`).join(', ');
  return {
    'text/html': `<div class="tracklab-live"><p>${esc(line)}${html ? `: ${html}` : ''}</p></div>`,
    'text/plain': `${line}${text ? `: ${text}` : ''}`,
  };
}

/** A 120x24 polyline in currentColor, so it follows the front end's light or dark theme. */
export function sparkline(ys: readonly number[]): string {
  const finite = ys.filter((y) => Number.isFinite(y));
  if (finite.length < 2) return '';
  const lo = Math.min(...finite);
  const span = Math.max(...finite) - lo || 1;
  const pts = ys
    .map((y, i) =>
      Number.isFinite(y)
        ? `${((i / (ys.length - 1)) * 118 + 1).toFixed(1)},${(23 - ((y - lo) / span) * 22).toFixed(1)}`
        : '',
    )
    .filter(Boolean);
  return (
    `<svg width="120" height="24" viewBox="0 0 120 24"><polyline fill="none" stroke="currentColor" ` +
    `stroke-width="1.2" points="${pts.join(' ')}"/></svg>`
  );
}
