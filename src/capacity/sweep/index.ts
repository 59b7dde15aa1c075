/** Capacity sweeps: a grid over scenario parameters, run on worker threads, tabulated and charted. */
export { parsePath, setAtPath, isIssue, type ParameterPath, type PathStep, type SweepIssue } from './paths.js';
export { makeAxis, parseAxisSetting, expandGrid, overlappingAxes, valueLabel, type SweepAxis } from './grid.js';
export { parseSweep, loadSweepFile, pointDocument, readDocument, settingsLabel, SWEEP_SECTION, type SweepPlan, type SweepPoint, type ParseSweepOptions } from './definition.js';
export { SweepError } from './errors.js';
export { runPoints, defaultWorkerCount, workerEntry, type PointOutcome, type PoolOptions } from './pool.js';
export type { PointResult } from './protocol.js';
export { FIXED_METRICS, sweepMetrics, type SweepMetric } from './metrics.js';
export { sweepRows, sweepCsv, sweepMarkdown, readable, type SweepRow } from './table.js';
export { sweepCharts, chartAxis } from './charts.js';
export { writeSweep, sweepRecord, type SweepFiles } from './write.js';
