import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChallengeDocument, ChallengeWindowAt } from './challenge.ts';
import {
  advance,
  bySubject,
  type ChallengeEvent,
  completedAt,
  emptyState,
  fromHistory,
  type ProgressState,
  subjectOf,
  summarize,
} from './progress.ts';

const window: ChallengeWindowAt = {
  key: '2026-Q2',
  start: new Date('2026-04-01T00:00:00Z'),
  end: new Date('2026-07-01T00:00:00Z'),
};
const ctx = { digits: 2, timeZone: 'Europe/Amsterdam' };

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

/** Streaks and multi-step documents over the same events. */
const streaks: ChallengeDocument = {
  ...doc,
  goals: [
    { metric: 'streak', eventTypes: ['purchase'], period: 'week', target: '3' },
    { metric: 'streak', eventTypes: ['purchase', 'training.completed'], period: 'month', target: '2' },
  ],
};
const anyTwoInOrder: ChallengeDocument = { ...doc, required: 2, ordered: true };
const allInOrder: ChallengeDocument = {
  ...doc,
  ordered: true,
  goals: [
    ...doc.goals,
    { metric: 'streak', eventTypes: ['training.completed'], period: 'week', target: '2' },
  ],
};

const fold = (events: ChallengeEvent[], d: ChallengeDocument = doc): ProgressState =>
  events.reduce((s, e) => advance(d, ctx, window, s, e), emptyState(d));

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

  it('counts a streak of consecutive local weeks (Monday to Sunday) and months in the program time zone', () => {
    const buys = [
      // Sunday 5 April 23:30 in Amsterdam is still week 14 there (UTC: Sunday 21:30).
      ev('w14', 'purchase', '2026-04-05T21:30:00Z'),
      ev('w15', 'purchase', '2026-04-06T08:00:00Z'),
      // Sunday 19 April 22:30 UTC is Monday 20 April in Amsterdam: week 17, not 16.
      ev('w17', 'purchase', '2026-04-19T22:30:00Z'),
      ev('w18', 'purchase', '2026-04-28T08:00:00Z'),
      ev('w19', 'purchase', '2026-05-04T08:00:00Z'),
    ];
    const view = summarize(streaks, fromHistory(streaks, ctx, window, buys));
    expect(view.goals.map((g) => [g.value, g.done, g.period])).toEqual([
      ['3', true, 'week'],
      ['2', true, 'month'],
    ]);
    const gap = summarize(streaks, fromHistory(streaks, ctx, window, buys.slice(0, 3)));
    expect(gap.goals[0]).toMatchObject({ value: '2', done: false });
    expect(gap.completed).toBe(false);
  });

  it('any N of the goals, and in order: a goal counts only after the one before it was reached', () => {
    const trainings = ['t1', 't2', 't3'].map((id, i) =>
      ev(id, 'training.completed', `2026-05-0${i + 1}T10:00:00Z`),
    );
    const early = ev('p0', 'purchase', '2026-04-10T10:00:00Z', {
      baseAmountMinor: 200_000n,
      attributes: { category: 'a', seats: 3 },
    });
    const late = ev('p9', 'purchase', '2026-05-20T10:00:00Z', {
      baseAmountMinor: 200_000n,
      attributes: { category: 'a', seats: 3 },
    });
    const unordered = { ...doc, required: 2 };
    // Unordered: trainings and the early purchase reach 3 of 4 goals.
    expect(summarize(unordered, fromHistory(unordered, ctx, window, [...trainings, early]))).toMatchObject({
      stepsDone: 3,
      required: 2,
      completed: true,
    });
    // In order: the purchase before the third training does not count for the goals after it.
    const inOrder = summarize(allInOrder, fromHistory(allInOrder, ctx, window, [...trainings, early]));
    expect(inOrder.goals.map((g) => g.done)).toEqual([true, false, false, false, false]);
    const after = summarize(allInOrder, fromHistory(allInOrder, ctx, window, [...trainings, early, late]));
    // The late purchase reaches the amount goal; the seats goal counts only after it: nothing yet.
    expect(after.goals.map((g) => g.done)).toEqual([true, true, false, false, false]);
    expect(after).toMatchObject({ stepsDone: 2, ordered: true, completed: false });
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
    const documents = fc.constantFrom(doc, streaks, anyTwoInOrder, allInOrder);
    fc.assert(
      fc.property(documents, fc.array(event, { maxLength: 30 }), fc.func(fc.integer()), (d, list, order) => {
        // The same id always stands for the same event: the first of each id is the one.
        const byId = [...new Map(list.map((e) => [e.id, e] as const)).values()].reverse();
        const arrivals = [...list.map((e) => byId.find((b) => b.id === e.id)!)].sort(
          (a, b) => order(a.id) - order(b.id),
        );
        expect(summarize(d, fold(arrivals, d))).toEqual(summarize(d, fromHistory(d, ctx, window, byId)));
      }),
      { numRuns: 600 },
    );
  });

  it('property (decision 0061): per contact, folded in event by event equals recomputed from history; events without a contact count for nobody', () => {
    const event = fc.record({
      id: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'e10', 'e11', 'e12'),
      accountId: fc.constantFrom('acc_1', 'acc_2'),
      contactId: fc.constantFrom(null, 'con_inge', 'con_piet', 'con_ann'),
      type: fc.constantFrom('training.completed', 'purchase', 'other'),
      occurredAt: fc
        .integer({
          min: new Date('2026-03-15T00:00:00Z').getTime(),
          max: new Date('2026-07-15T00:00:00Z').getTime(),
        })
        .map((t) => new Date(t)),
      baseAmountMinor: fc.option(fc.bigInt({ min: 0n, max: 10_000_000n }), { nil: null }),
      attributes: fc.record({ category: fc.constantFrom('a', 'b', 'c') }, { requiredKeys: [] }),
    });
    const documents = fc
      .constantFrom(doc, streaks, anyTwoInOrder, allInOrder)
      .chain((d) =>
        fc.constantFrom<ChallengeDocument>(
          { ...d, participant: 'contact' },
          { ...d, participant: 'account' },
          d,
        ),
      );
    fc.assert(
      fc.property(documents, fc.array(event, { maxLength: 30 }), fc.func(fc.integer()), (d, list, order) => {
        const byId = [...new Map(list.map((e) => [e.id, e] as const)).values()].reverse();
        const arrivals = [...list.map((e) => byId.find((b) => b.id === e.id)!)].sort(
          (a, b) => order(a.id) - order(b.id),
        );
        // Incremental: each arrival advances the state of whose progress it makes.
        const states = new Map<string, ProgressState>();
        for (const e of arrivals) {
          const subject = subjectOf(d, e.accountId, e);
          if (subject === null) continue;
          states.set(subject, advance(d, ctx, window, states.get(subject) ?? emptyState(d), e));
        }
        // Recomputed: the history grouped by subject, each group computed over its whole list.
        const groups = bySubject(d, byId);
        expect([...states.keys()].sort()).toEqual([...groups.keys()].sort());
        for (const [subject, events] of groups) {
          expect(summarize(d, states.get(subject)!)).toEqual(
            summarize(d, fromHistory(d, ctx, window, events)),
          );
          if (d.participant === 'contact') {
            expect(subject.startsWith('con_')).toBe(true);
            expect(events.every((e) => e.contactId === subject)).toBe(true);
          } else expect(events.every((e) => e.accountId === subject)).toBe(true);
        }
        // A contact challenge leaves out the events that name no contact; a team challenge counts them.
        const counted = [...groups.values()].flat().length;
        const anonymous = byId.filter((e) => e.contactId === null).length;
        expect(counted).toBe(d.participant === 'contact' ? byId.length - anonymous : byId.length);
      }),
      { numRuns: 400 },
    );
  });
});
