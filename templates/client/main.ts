/** Entry of assets/report.js: wires the page named by `<body data-page>`. */
import { initComparePage } from './compare-page.js';
import { initExperimentPage } from './experiment-page.js';
import { installRunDataHook } from './run-data.js';
import { initRunPage } from './run-page.js';

installRunDataHook();

const page = document.body.getAttribute('data-page');
// Tables first (this script runs before vega is parsed); charts once every deferred script has run.
const startCharts =
  page === 'experiment'
    ? initExperimentPage()
    : page === 'run'
      ? initRunPage()
      : page === 'compare'
        ? initComparePage()
        : null;
if (startCharts) {
  if (document.readyState === 'loading' || !(globalThis as { vega?: unknown }).vega)
    document.addEventListener('DOMContentLoaded', startCharts, { once: true });
  else startCharts();
}
