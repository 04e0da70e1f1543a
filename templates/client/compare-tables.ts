/**
 * The compare page's tables: runs (status, start, duration, user, parent), parameters and metrics, with a baseline
 * run, each metric's delta against it, the best value of each metric row marked in its direction, and "differences
 * only" for parameters and metrics alike.
 */
import { higherIsBetterFor, isSchedule } from '../../src/report/main-metric.js';
import { decodeValue, formatDuration, formatNumber, formatShort, formatTime } from '../../src/report/format.js';
import type { RunStyle } from '../../src/charts/index.js';
import type { RunData } from '../../src/report/run-view-model.js';
import { el } from './dom.js';
import { swatch } from './runs-table.js';

export interface CompareView {
  runs: RunData[];
  styles: RunStyle[];
  baseline: string;
  diffOnly: boolean;
}

function header(v: CompareView, first: string, controls: boolean): HTMLTableSectionElement {
  return el(
    'thead',
    {},
    el(
      'tr',
      {},
      el('th', { scope: 'col' }, first),
      ...v.runs.map((r, i) => {
        const th = el('th', { scope: 'col', title: r.name });
        th.append(swatch((v.styles[i] as RunStyle).color), ' ', el('a', { href: r.href }, r.name || r.id.slice(0, 8)));
        if (r.id === v.baseline) th.append(' ', el('span', { class: 'badge' }, 'baseline'));
        if (controls) {
          if (r.id !== v.baseline)
            th.append(
              ' ',
              el(
                'button',
                { type: 'button', 'data-baseline': r.id, 'aria-label': `use as baseline: ${r.name}` },
                // a verb: the current baseline's badge says "baseline", and the two must not look alike
                'use as baseline',
              ),
            );
          th.append(' ', el('button', { type: 'button', 'aria-label': `Remove ${r.name}`, 'data-remove': r.id }, '×'));
        }
        return th;
      }),
    ),
  );
}

/** The runs table: who, when, how long, what state, and where in a sweep. */
export function runsTable(v: CompareView): HTMLTableSectionElement[] {
  const row = (label: string, cell: (r: RunData) => Node | string, num = false): HTMLTableRowElement =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, label),
      ...v.runs.map((r) => el('td', num ? { class: 'num' } : {}, cell(r))),
    );
  return [
    header(v, 'Run', true),
    el(
      'tbody',
      {},
      row('Status', (r) => el('span', { class: `badge status-${r.status}` }, r.status)),
      row('Experiment', (r) => r.experiment),
      row('Start', (r) => formatTime(r.startTime), true),
      row('Duration', (r) => formatDuration(r.endTime === null ? null : r.endTime - r.startTime), true),
      row('User', (r) => r.user),
      row('Parent run', (r) =>
        r.parent ? el('a', { href: `runs/${encodeURIComponent(r.parent.id)}.html` }, r.parent.name) : '',
      ),
      row('Run id', (r) => el('code', {}, r.id)),
    ),
  ];
}

/** The parameters table; rows without a difference are hidden when "differences only" is on. */
export function paramsTable(v: CompareView): HTMLTableSectionElement[] {
  const keys = [...new Set(v.runs.flatMap((r) => Object.keys(r.params)))].sort();
  const body = el('tbody');
  for (const key of keys) {
    const values = v.runs.map((r) => r.params[key] ?? '');
    const differs = new Set(values).size > 1;
    const tr = el('tr', differs ? { class: 'differs-row' } : { 'data-same': 'true' }, el('th', { scope: 'row' }, key));
    for (const value of values) tr.append(el('td', differs ? { class: 'differs' } : {}, value));
    if (!differs && v.diffOnly) tr.hidden = true;
    body.append(tr);
  }
  return [header(v, 'Parameter', false), body];
}

function signed(d: number): string {
  const t = formatShort(Math.abs(d));
  return d > 0 ? `+${t}` : d < 0 ? `−${t}` : '±0';
}

/** The metrics table: value, delta against the baseline (coloured better or worse), the best value starred. */
export function metricsTable(v: CompareView): HTMLTableSectionElement[] {
  const keys = [...new Set(v.runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const base = v.runs.find((r) => r.id === v.baseline);
  const body = el('tbody');
  for (const key of keys) {
    const hi = higherIsBetterFor(key);
    const ranked = !isSchedule(key);
    const values = v.runs.map((r) => decodeValue(r.metrics[key]));
    const finite = values.filter((x): x is number => x !== undefined && Number.isFinite(x));
    const best = ranked && finite.length > 1 ? (hi ? Math.max(...finite) : Math.min(...finite)) : undefined;
    const differs = new Set(values.map((x) => formatNumber(x))).size > 1;
    const b = base ? decodeValue(base.metrics[key]) : undefined;
    const tr = el(
      'tr',
      differs ? { class: 'differs-row' } : { 'data-same': 'true' },
      el(
        'th',
        { scope: 'row', ...(ranked ? { title: hi ? 'higher is better' : 'lower is better' } : {}) },
        ranked ? `${key} ${hi ? '↑' : '↓'}` : key,
      ),
    );
    v.runs.forEach((r, i) => {
      const x = values[i];
      const td = el(
        'td',
        { class: `num${x !== undefined && x === best && differs ? ' best-cell' : ''}`, title: formatNumber(x) },
        formatShort(x),
      );
      if (x !== undefined && b !== undefined && Number.isFinite(x) && Number.isFinite(b) && r.id !== v.baseline) {
        const d = x - b;
        td.append(
          el(
            'span',
            { class: `delta ${d === 0 || !ranked ? '' : d > 0 === hi ? 'better' : 'worse'}`.trim() },
            signed(d),
          ),
        );
      }
      tr.append(td);
    });
    if (!differs && v.diffOnly) tr.hidden = true;
    body.append(tr);
  }
  return [header(v, 'Metric', false), body];
}
