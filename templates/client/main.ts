/** Entry of assets/report.js: wires the page named by `<body data-page>`. */
import { initComparePage } from './compare-page.js';
import { initExperimentPage } from './experiment-page.js';
import { installRunDataHook } from './run-data.js';
import { initRunPage } from './run-page.js';
import { wireThemeChoice } from './theme.js';

installRunDataHook();
wireThemeChoice();

const page = document.body.getAttribute('data-page');
// The table is painted before any chart work starts: a frame, then a task of its own.
const afterPaint = (run: () => void) => (): void => {
  requestAnimationFrame(() => setTimeout(run, 0));
};
let parsed = document.readyState === 'complete';
document.addEventListener('DOMContentLoaded', () => (parsed = true), { once: true });
/** Starts the charts once the document is parsed and the table painted. */
function whenParsed(startCharts: (() => void) | null): void {
  if (!startCharts) return;
  if (parsed) afterPaint(startCharts)();
  else document.addEventListener('DOMContentLoaded', afterPaint(startCharts), { once: true });
}
// Tables first; charts once every deferred script (a run's data file) has run. Charts load vega when they draw.
// This script is deferred: DOMContentLoaded comes after the deferred scripts behind it (a run's data file), so the run
// and compare pages start in this task. The experiment page reads its runs over several tasks.
if (page === 'experiment') void initExperimentPage().then(whenParsed);
else whenParsed(page === 'run' ? initRunPage() : page === 'compare' ? initComparePage() : null);
