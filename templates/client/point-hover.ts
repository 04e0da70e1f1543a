/**
 * The read-out of a scatter under the pointer: the nearest point's run and values, and a ring around it. Points are
 * kept in plot pixels, so a move is a scan of numbers, not a hit test of a thousand SVG elements.
 */
import { el } from './dom.js';
import { viewOf } from './draw.js';

/** A point as drawn: plot pixels, run, colour and the rows of its read-out. */
export interface HoverDot {
  x: number;
  y: number;
  label: string;
  color: string;
  rows: [string, string][];
}

/** Pointer reach, in plot pixels. */
const REACH = 12;

/** The dot nearest (px, py) within `reach` pixels, if any. */
export function nearestDot(dots: readonly HoverDot[], px: number, py: number, reach = REACH): HoverDot | null {
  let best: HoverDot | null = null;
  let bestD = reach * reach;
  for (const d of dots) {
    const dd = (d.x - px) ** 2 + (d.y - py) ** 2;
    if (dd <= bestD) {
      best = d;
      bestD = dd;
    }
  }
  return best;
}

function tipRows(dot: HoverDot): HTMLElement[] {
  const sw = el('span', { class: 'swatch' });
  sw.style.background = dot.color;
  return [
    el('div', { class: 'chart-tip-row' }, sw, el('span', { class: 'k' }, dot.label)),
    ...dot.rows.map(([k, v]) => el('div', { class: 'chart-tip-row' }, el('span', { class: 'k muted' }, k), v)),
  ];
}

/** Shows the read-out over `chart` (inside `figure`, which positions it); `dots` is read on each move. */
export function attachPointHover(figure: HTMLElement, chart: HTMLElement, dots: () => readonly HoverDot[]): void {
  const ring = el('div', { class: 'chart-ring', hidden: '' });
  const tip = el('div', { class: 'chart-tip', hidden: '', 'aria-hidden': 'true' });
  figure.append(ring, tip);
  const hide = (): void => {
    ring.hidden = true;
    tip.hidden = true;
  };
  chart.addEventListener('pointerleave', hide);
  chart.addEventListener('pointermove', (e) => {
    const view = viewOf(chart);
    const svg = chart.querySelector('svg');
    if (!view || !svg) return hide();
    const box = svg.getBoundingClientRect();
    const k = box.width / (Number(svg.getAttribute('width')) || box.width);
    const [ox, oy] = view.origin();
    const dot = nearestDot(dots(), (e.clientX - box.left) / k - ox, (e.clientY - box.top) / k - oy, REACH / k);
    if (!dot) return hide();
    const frame = figure.getBoundingClientRect();
    const left = box.left - frame.left + (ox + dot.x) * k;
    const top = box.top - frame.top + (oy + dot.y) * k;
    ring.style.left = `${left}px`;
    ring.style.top = `${top}px`;
    ring.style.borderColor = dot.color;
    tip.replaceChildren(...tipRows(dot));
    ring.hidden = false;
    tip.hidden = false;
    const flip = left > frame.width / 2;
    tip.style.left = flip ? '' : `${left + 14}px`;
    tip.style.right = flip ? `${frame.width - left + 14}px` : '';
    tip.style.top = `${Math.max(0, top - 20)}px`;
  });
}
