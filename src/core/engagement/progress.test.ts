import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChallengeDocument, ChallengeWindowAt } from './challenge.ts';
import {
  advance,
  type ChallengeEvent,
  completedAt,
  emptyState,
  fromHistory,
  type ProgressState,
  summarize,
} from './progress.ts';

const window: ChallengeWindowAt = {
  key: '2026-Q2',
  start: new Date('2026-04-01T00:00:00Z'),
  end: new Date('2026-07-01T00:00:00Z'),
};
const ctx = { digits: 2 };

const doc: ChallengeDocument = {
  name: 'Spring push',
  window: { kind: 'calendar', period: 'quarter' },
  startsAt: '2026-01-01T00:00:00Z',
  reward: { points: 500 },
  goals: [
    { metric: 'count', eventTypes: ['training.completed'], target: '3' },
    { metric: 'sum', eventTypes: ['purchase'], target: '1000.50' },
    { metric: 'distinct', eventTypes: ['purchase'], attribute: 'category', target: '2' },
    { metric: 'sum', eventTypes: ['purchase'], attribute: 'seats', target: '2.5' },
  ],
};

const ev = (id: string, type: string, at: string, extra: Partial<ChallengeEvent> = {}): ChallengeEvent => ({
  id,
  type,
  occurredAt: new Date(at),
  baseAmountMinor: null,
  attributes: {},
  ...extra,
});

const fold = (events: ChallengeEvent[]): ProgressState =>
  events.reduce((s, e) => advance(doc, ctx, window, s, e), emptyState(doc));

describe('challenge progress', () => {
  const events = [
    ev('t1', 'training.completed', '2026-04-02T10:00:00Z'),
    ev('t2', 'training.completed', '2026-05-02T10:00:00Z'),
    ev('t0', 'training.completed', '2026-03-31T23:59:59Z'), // before the window
    ev('p1', 'purchase', '2026-04-10T10:00:00Z', {
      baseAmountMinor: 60_000n,
      attributes: { category: 'tools', seats: 1.25 },
    }),
    ev('p2', 'purchase', '2026-06-10T10:00:00Z', {
      baseAmountMinor: 40_050n,
      attributes: { category: 'tools', seats: 1.25 },
    }),
    ev('p3', 'purchase', '2026-07-01T00:00:00Z', { baseAmountMinor: 99_999n, attributes: { category: 'x' } }), // after
  ];

  it('counts, sums exactly and counts distinct values within the window only', () => {
    const view = summarize(doc, fromHistory(doc, ctx, window, events));
    expect(view.goals.map((g) => [g.value, g.done])).toEqual([
      ['2', false],
      ['1000.5', true],
      ['1', false],
      ['2.5', true],
    ]);
    expect(view).toMatchObject({ steps: 4, stepsDone: 2, completed: false });
  });

  it('completes when every goal is reached, at the occurredAt of the event that reached the last one', () => {
    const more = [
      ...events,
      ev('t3', 'training.completed', '2026-06-20T08:00:00Z'),
      ev('p4', 'purchase', '2026-05-15T08:00:00Z', { attributes: { category: 'paint' } }),
    ];
    expect(summarize(doc, fromHistory(doc, ctx, window, more)).completed).toBe(true);
    expect(completedAt(doc, ctx, window, more)).toEqual(new Date('2026-06-20T08:00:00Z'));
    expect(completedAt(doc, ctx, window, events)).toBeNull();
  });

  it('counts an event once, however often it arrives', () => {
    const twice = [...events, events[0]!, events[0]!];
    expect(summarize(doc, fold(twice))).toEqual(summarize(doc, fromHistory(doc, ctx, window, events)));
    expect(summarize(doc, fromHistory(doc, ctx, window, twice)).goals[0]!.value).toBe('2');
  });

  it('ignores values that are not numbers in a sum, and empty or structured values in distinct', () => {
    const odd = [
      ev('a', 'purchase', '2026-04-10T10:00:00Z', { attributes: { seats: '3', category: '' } }),
      ev('b', 'purchase', '2026-04-10T10:00:00Z', { attributes: { seats: -0.5, category: { x: 1 } } }),
    ];
    const view = summarize(doc, fromHistory(doc, ctx, window, odd));
    expect(view.goals[3]!.value).toBe('-0.5');
    expect(view.goals[2]!.value).toBe('0');
    expect(view.goals[1]!.value).toBe('0');
  });

  it('property: progress folded in event by event, in any order, equals progress recomputed from history', () => {
    const types = fc.constantFrom('training.completed', 'purchase', 'other');
    const instant = fc.integer({
      min: new Date('2026-03-15T00:00:00Z').getTime(),
      max: new Date('2026-07-15T00:00:00Z').getTime(),
    });
    const event = fc.record({
      id: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9'),
      type: types,
      occurredAt: instant.map((t) => new Date(t)),
      baseAmountMinor: fc.option(fc.bigInt({ min: 0n, max: 10_000_000n }), { nil: null }),
      attributes: fc.record(
        {
          category: fc.constantFrom('a', 'b', 'c', 1, true, ''),
          seats: fc.oneof(fc.double({ min: -100, max: 100, noNaN: true }), fc.integer(), fc.string()),
        },
        { requiredKeys: [] },
      ),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), fc.func(fc.integer()), (list, order) => {
        // The same id always stands for the same event: the first of each id is the one.
        const byId = [...new Map(list.map((e) => [e.id, e] as const)).values()].reverse();
        const arrivals = [...list.map((e) => byId.find((b) => b.id === e.id)!)].sort(
          (a, b) => order(a.id) - order(b.id),
        );
        expect(summarize(doc, fold(arrivals))).toEqual(summarize(doc, fromHistory(doc, ctx, window, byId)));
      }),
      { numRuns: 300 },
    );
  });
});
