// What other modules may read of events: totals over the stored events and awards (tier metrics).
// Functions take the executor first, so a caller can read inside its own transaction.
export { type MetricWindow, metricTotals } from './events-store.ts';
