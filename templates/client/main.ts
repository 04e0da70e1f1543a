/** Entry of assets/report.js: wires the page named by `<body data-page>`. */
import { initComparePage } from './compare-page.js';
import { initExperimentPage } from './experiment-page.js';
import { installRunDataHook } from './run-data.js';
import { initRunPage } from './run-page.js';
import { wireThemeChoice } from './theme.js';

installRunDataHook();
wireThemeChoice();

const page = document.body.getAttribute('data-page');
// Tables first; charts once every deferred script (a run's data file) has run. Charts load vega when they draw.
const startCharts =
  page === 'experiment'
    ? initExperimentPage()
    : page === 'run'
      ? initRunPage()
      : page === 'compare'
        ? initComparePage()
        : null;
// The table is painted before any chart work starts: a frame, then a task of its own.
const afterPaint = (run: () => void) => (): void => {
  requestAnimationFrame(() => setTimeout(run, 0));
};
// This script is deferred: DOMContentLoaded comes after the deferred scripts behind it (a run's data file).
if (startCharts) {
  if (document.readyState === 'complete') afterPaint(startCharts)();
  else document.addEventListener('DOMContentLoaded', afterPaint(startCharts), { once: true });
}
