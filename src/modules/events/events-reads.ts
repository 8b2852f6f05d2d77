// What other modules may read of events: totals over the stored events and awards (tier metrics),
// the events of accounts in a window and totals ranked across accounts (engagement).
// Functions take the executor first, so a caller can read inside its own transaction.
export {
  accountsActiveIn,
  eventsInWindow,
  type HistoryEvent,
  type RankedTotal,
  rankedTotals,
} from './events-history-store.ts';
export { type MetricWindow, metricTotals } from './events-store.ts';
