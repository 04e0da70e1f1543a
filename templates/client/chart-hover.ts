/**
 * The read-out of a history chart under the pointer: a vertical rule at the nearest drawn x and every run's value
 * there, best first. Found by a binary search in the drawn points, so vega evaluates no tooltip per point.
 */
import type { HistoryChartPoint, HistoryX } from '../../src/charts/index.js';
import { formatShort } from '../../src/report/format.js';
import { el } from './dom.js';
import { viewOf } from './draw.js';

/** One run's drawn points, in x order. */
export interface HoverLine {
  label: string;
  color: string;
  xs: number[];
  ys: number[];
}

export interface HoverState {
  lines: HoverLine[];
  x: HistoryX;
}

/** Groups drawn points by run (they come run by run, each in x order). */
export function hoverLines(points: readonly HistoryChartPoint[], colorOf: (label: string) => string): HoverLine[] {
  const by = new Map<string, HoverLine>();
  for (const p of points) {
    let line = by.get(p.r);
    if (!line) {
      line = { label: p.r, color: colorOf(p.r), xs: [], ys: [] };
      by.set(p.r, line);
    }
    line.xs.push(p.x);
    line.ys.push(p.y);
  }
  return [...by.values()];
}

/** Index of the value of `xs` (ascending) nearest to `x`. */
export function nearestIndex(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs((xs[lo - 1] as number) - x) <= Math.abs((xs[lo] as number) - x)) return lo - 1;
  return lo;
}

const xText = (x: number, kind: HistoryX): string =>
  kind === 'step'
    ? `step ${Math.round(x).toLocaleString('en-US')}`
    : kind === 'time'
      ? `${new Date(x).toISOString().slice(0, 19).replace('T', ' ')} UTC`
      : `${formatShort(x)} s since start`;

/** The runs under x (a run that ended before x or started after it is left out), best value first. */
function rowsAt(state: HoverState, x: number, tolerance: number): { line: HoverLine; x: number; y: number }[] {
  const rows: { line: HoverLine; x: number; y: number }[] = [];
  for (const line of state.lines) {
    if (line.xs.length === 0) continue;
    if (x < (line.xs[0] as number) - tolerance || x > (line.xs[line.xs.length - 1] as number) + tolerance) continue;
    const i = nearestIndex(line.xs, x);
    rows.push({ line, x: line.xs[i] as number, y: line.ys[i] as number });
  }
  return rows.sort((a, b) => b.y - a.y);
}

/**
 * Shows the read-out over `chart` (inside `figure`, which positions it) while the pointer is over the plot. `state`
 * is read on each move, so redraws (smoothing, axis) need no new listeners.
 */
export function attachHover(figure: HTMLElement, chart: HTMLElement, state: () => HoverState | null): void {
  const rule = el('div', { class: 'chart-rule', hidden: '' });
  const tip = el('div', { class: 'chart-tip', hidden: '', 'aria-hidden': 'true' });
  figure.append(rule, tip);
  const hide = (): void => {
    rule.hidden = true;
    tip.hidden = true;
  };
  chart.addEventListener('pointerleave', hide);
  chart.addEventListener('pointermove', (e) => {
    const view = viewOf(chart);
    const svg = chart.querySelector('svg');
    const s = state();
    const sx = view?.scale('x');
    const sy = view?.scale('y');
    if (!view || !svg || !s || !sx || !sy) return hide();
    const box = svg.getBoundingClientRect();
    const k = box.width / (Number(svg.getAttribute('width')) || box.width);
    const [ox, oy] = view.origin();
    const px = (e.clientX - box.left) / k - ox;
    const [r0, r1] = sx.range() as [number, number];
    if (px < r0 - 4 || px > r1 + 4) return hide();
    const x = Number(sx.invert(px));
    const rows = rowsAt(s, x, Math.abs(Number(sx.invert(px + 6)) - x));
    if (rows.length === 0) return hide();
    const nearest = rows.reduce((a, b) => (Math.abs(b.x - x) < Math.abs(a.x - x) ? b : a));
    const frame = figure.getBoundingClientRect();
    const left = box.left - frame.left + (ox + sx(nearest.x)) * k;
    const [yBottom] = sy.range() as [number, number];
    rule.style.left = `${left}px`;
    rule.style.top = `${box.top - frame.top + oy * k}px`;
    rule.style.height = `${yBottom * k}px`;
    tip.replaceChildren(
      el('div', { class: 'chart-tip-x' }, xText(nearest.x, s.x)),
      ...rows.map((r) => {
        const sw = el('span', { class: 'swatch' });
        sw.style.background = r.line.color;
        return el('div', { class: 'chart-tip-row' }, sw, el('span', { class: 'k' }, r.line.label), formatShort(r.y));
      }),
    );
    rule.hidden = false;
    tip.hidden = false;
    const flip = left > frame.width / 2;
    tip.style.left = flip ? '' : `${left + 12}px`;
    tip.style.right = flip ? `${frame.width - left + 12}px` : '';
    tip.style.top = `${box.top - frame.top + oy * k}px`;
  });
}
