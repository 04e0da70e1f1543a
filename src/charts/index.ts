/**
 * The one module of chart specs and chart data, shared by the report (its pages and the page script) and the kernel
 * (%compare and live displays). Pure and Node-free; depends on nothing but vega-lite's types, so any layer may use it.
 *
 * Safety: user text (metric keys, run names) only ever appears as data values or titles, never in a field name or an
 * expression. Fields are synthetic (`x`, `y`, `r`, ...), so keys like `val loss: top/1` or `a.b[0]` need no escaping.
 */
export { dimTitle, dimValue, uniqueLabels, type ChartRun, type Dim } from './common.js';
export { chooseDims, isVegaLiteSpec, mostVaryingParam, rankParams } from './dims.js';
export {
  CHART_POINT_BUDGET,
  HISTORY_BAD_DATA,
  HISTORY_DATA,
  historyFrameSpec,
  historyPoints,
  historySpec,
  singleValueSpec,
  type HistoryFrame,
  type HistoryLine,
  type HistoryMark,
  type HistoryChartPoint,
  type HistoryX,
} from './history-spec.js';
export { DASHES, PALETTE, PALETTE_DARK, runStyle, type RunStyle } from './palette.js';
export {
  barValues,
  barsSummary,
  OTHER_COLOR,
  type BarValue,
  parallelData,
  scatterData,
  shortValue,
  type ColorOf,
  type ParallelAxis,
  type ParallelLine,
  type ScatterData,
  type ScatterPoint,
} from './run-charts.js';
export { lttbIndices, MAX_NON_FINITE, smooth, type ChartSeries } from './series.js';
export { decodeValue, encodeValue } from './values.js';
