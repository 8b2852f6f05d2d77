import { describe, expect, it } from 'vitest';
import { awardUnit, type Effect, type RuleDocument, ruleProblems } from './rule.ts';

const known = new Set(['purchase', 'invoice.paid', 'survey.completed']);

const doc = (over: Partial<RuleDocument> = {}): RuleDocument => ({
  name: 'Points per euro',
  trigger: { types: ['purchase'] },
  effects: [{ kind: 'per_amount', points: '1', per: '1', rounding: 'down' }],
  ...over,
});

const effects = (...list: Effect[]) => doc({ effects: list });

describe('ruleProblems', () => {
  it('accepts a well-formed rule of every effect kind', () => {
    expect(ruleProblems(doc(), known)).toEqual([]);
    expect(
      ruleProblems(
        doc({
          trigger: { types: ['purchase', 'invoice.paid'] },
          condition: 'event.amount >= 1000.0 && account.segment == "hospitality"',
          effects: [
            { kind: 'fixed', points: 50, oncePerAccount: true },
            { kind: 'per_amount', points: '2.5', per: '10', rounding: 'half_even' },
            { kind: 'percent', percent: '1.5', as: 'points' },
            {
              kind: 'per_item',
              as: 'points',
              rates: [
                { match: { categories: ['wine'] }, pointsPerQuantity: 10 },
                { match: { skus: ['A1'] }, pointsPerUnit: '2' },
                { match: {}, percent: '1' },
              ],
            },
            { kind: 'tier_credit', credits: 3 },
          ],
          caps: { perEvent: 100, perAccount: { day: 200, month: 1000, year: 5000 }, budget: 1_000_000 },
          validFrom: '2026-01-01T00:00:00Z',
          validUntil: '2027-01-01T00:00:00Z',
          priority: 10,
          stacking: 'exclusive',
          pendingDays: 30,
          expiryDays: null,
        }),
        known,
      ),
    ).toEqual([]);
    expect(
      ruleProblems(
        effects(
          { kind: 'percent', percent: '10', as: 'cashback', rounding: 'half_up' },
          { kind: 'per_item', as: 'cashback', rates: [{ match: { categories: ['wine'] }, percent: '5' }] },
        ),
        known,
      ),
    ).toEqual([]);
    expect(ruleProblems(effects({ kind: 'multiplier', factor: '2' }), known)).toEqual([]);
    expect(ruleProblems(effects({ kind: 'tier_credit', credits: 1 }), known)).toEqual([]);
  });

  it('names unknown trigger types by position', () => {
    expect(ruleProblems(doc({ trigger: { types: ['purchase', 'teleport', 'warp'] } }), known)).toEqual([
      { path: '/trigger/types/1', message: 'unknown event type teleport' },
      { path: '/trigger/types/2', message: 'unknown event type warp' },
    ]);
  });

  it('reports a condition that does not parse', () => {
    const problems = ruleProblems(doc({ condition: 'event.amount >' }), known);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('/condition');
    expect(problems[0]!.message).toMatch(/Unexpected token/);
  });

  it('reports a condition that is not true or false', () => {
    expect(ruleProblems(doc({ condition: 'event.amount' }), known)).toEqual([
      { path: '/condition', message: 'the condition must be true or false, but it is a double' },
    ]);
    expect(ruleProblems(doc({ condition: 'account.segment' }), known)).toEqual([
      { path: '/condition', message: 'the condition must be true or false, but it is a string' },
    ]);
  });

  it('reports a condition that refers to a field or variable that does not exist', () => {
    const field = ruleProblems(doc({ condition: 'account.revenue > 10.0' }), known);
    expect(field).toHaveLength(1);
    expect(field[0]!.path).toBe('/condition');
    expect(field[0]!.message).toMatch(/revenue/);
    const variable = ruleProblems(doc({ condition: 'customer.segment == "x"' }), known);
    expect(variable[0]!.message).toMatch(/Unknown variable: customer/);
  });

  it('refuses a rule that awards both points and cashback', () => {
    expect(
      ruleProblems(
        effects({ kind: 'fixed', points: 10 }, { kind: 'percent', percent: '5', as: 'cashback' }),
        known,
      ),
    ).toEqual([{ path: '/effects', message: 'a rule awards either points or cashback, not both' }]);
    expect(
      ruleProblems(
        effects(
          { kind: 'percent', percent: '5', as: 'points' },
          { kind: 'per_item', as: 'cashback', rates: [{ match: {}, percent: '1' }] },
        ),
        known,
      ),
    ).toEqual([{ path: '/effects', message: 'a rule awards either points or cashback, not both' }]);
  });

  it('refuses a multiplier mixed with other effects, two multipliers, and caps on a multiplier', () => {
    const mixed = 'a multiplier rule multiplies the points of other rules and has no other effects';
    expect(
      ruleProblems(effects({ kind: 'multiplier', factor: '2' }, { kind: 'fixed', points: 10 }), known),
    ).toEqual([{ path: '/effects', message: mixed }]);
    expect(
      ruleProblems(effects({ kind: 'tier_credit', credits: 1 }, { kind: 'multiplier', factor: '2' }), known),
    ).toEqual([{ path: '/effects', message: mixed }]);
    expect(
      ruleProblems(
        effects({ kind: 'multiplier', factor: '2' }, { kind: 'multiplier', factor: '1.5' }),
        known,
      ),
    ).toEqual([{ path: '/effects', message: 'at most one multiplier per rule' }]);
    expect(
      ruleProblems(doc({ effects: [{ kind: 'multiplier', factor: '2' }], caps: { perEvent: 10 } }), known),
    ).toEqual([{ path: '/caps', message: 'caps belong on the rules whose points are multiplied' }]);
  });

  it('refuses a validity window that ends at or before it starts', () => {
    const problem = { path: '/validUntil', message: 'must be after validFrom' };
    expect(
      ruleProblems(doc({ validFrom: '2026-03-01T00:00:00Z', validUntil: '2026-03-01T00:00:00Z' }), known),
    ).toEqual([problem]);
    expect(
      ruleProblems(doc({ validFrom: '2026-03-01T00:00:00Z', validUntil: '2026-02-01T00:00:00Z' }), known),
    ).toEqual([problem]);
    // Same instant written in another offset.
    expect(
      ruleProblems(
        doc({ validFrom: '2026-03-01T01:00:00+01:00', validUntil: '2026-03-01T00:00:00Z' }),
        known,
      ),
    ).toEqual([problem]);
    expect(
      ruleProblems(doc({ validFrom: '2026-03-01T00:00:00Z', validUntil: '2026-03-01T00:00:00.001Z' }), known),
    ).toEqual([]);
    // Open-ended windows are fine.
    expect(ruleProblems(doc({ validFrom: '2026-03-01T00:00:00Z' }), known)).toEqual([]);
    expect(ruleProblems(doc({ validUntil: '2026-03-01T00:00:00Z' }), known)).toEqual([]);
  });

  it('needs exactly one kind of rate per item rate', () => {
    const one = 'needs exactly one of percent, pointsPerUnit, pointsPerQuantity';
    expect(
      ruleProblems(effects({ kind: 'per_item', as: 'points', rates: [{ match: { skus: ['A'] } }] }), known),
    ).toEqual([{ path: '/effects/0/rates/0', message: one }]);
    expect(
      ruleProblems(
        effects({
          kind: 'per_item',
          as: 'points',
          rates: [
            { match: {}, pointsPerUnit: '1' },
            { match: {}, percent: '1', pointsPerQuantity: 2 },
          ],
        }),
        known,
      ),
    ).toEqual([{ path: '/effects/0/rates/1', message: one }]);
    expect(
      ruleProblems(
        effects({
          kind: 'per_item',
          as: 'points',
          rates: [{ match: {}, percent: '1', pointsPerUnit: '1', pointsPerQuantity: 2 }],
        }),
        known,
      ),
    ).toEqual([{ path: '/effects/0/rates/0', message: one }]);
  });

  it('needs cashback item rates to be percentages', () => {
    expect(
      ruleProblems(
        effects({ kind: 'per_item', as: 'cashback', rates: [{ match: {}, pointsPerUnit: '1' }] }),
        known,
      ),
    ).toEqual([{ path: '/effects/0/rates/0', message: 'cashback is a percent of the amount' }]);
  });

  it('needs decimal values above zero', () => {
    const above = 'must be above 0';
    expect(ruleProblems(effects({ kind: 'per_amount', points: '0', per: '1' }), known)).toEqual([
      { path: '/effects/0/points', message: above },
    ]);
    expect(ruleProblems(effects({ kind: 'per_amount', points: '1', per: '0.00' }), known)).toEqual([
      { path: '/effects/0/per', message: above },
    ]);
    expect(ruleProblems(effects({ kind: 'per_amount', points: 'lots', per: '-1' }), known)).toEqual([
      { path: '/effects/0/points', message: above },
      { path: '/effects/0/per', message: above },
    ]);
    expect(ruleProblems(effects({ kind: 'percent', percent: '0', as: 'points' }), known)).toEqual([
      { path: '/effects/0/percent', message: above },
    ]);
    expect(ruleProblems(effects({ kind: 'multiplier', factor: '0.0' }), known)).toEqual([
      { path: '/effects/0/factor', message: 'must be above 0, or "tier"' },
    ]);
    expect(ruleProblems(effects({ kind: 'multiplier', factor: 'gold' }), known)).toEqual([
      { path: '/effects/0/factor', message: 'must be above 0, or "tier"' },
    ]);
    // "tier": the multiplier of the account's tier.
    expect(ruleProblems(effects({ kind: 'multiplier', factor: 'tier' }), known)).toEqual([]);
    expect(
      ruleProblems(
        effects({
          kind: 'per_item',
          as: 'points',
          rates: [
            { match: {}, percent: '0' },
            { match: {}, pointsPerUnit: '1e2' },
          ],
        }),
        known,
      ),
    ).toEqual([
      { path: '/effects/0/rates/0/percent', message: above },
      { path: '/effects/0/rates/1/pointsPerUnit', message: above },
    ]);
  });

  it('reports every problem at once, in document order', () => {
    const problems = ruleProblems(
      doc({
        trigger: { types: ['nope'] },
        condition: '1',
        effects: [
          { kind: 'fixed', points: 1 },
          { kind: 'percent', percent: '0', as: 'cashback' },
        ],
        validFrom: '2027-01-01T00:00:00Z',
        validUntil: '2026-01-01T00:00:00Z',
      }),
      known,
    );
    expect(problems.map((p) => p.path)).toEqual([
      '/trigger/types/0',
      '/condition',
      '/effects/1/percent',
      '/effects',
      '/validUntil',
    ]);
  });
});

describe('awardUnit', () => {
  it('is the unit of the first money-like effect', () => {
    expect(awardUnit(effects({ kind: 'fixed', points: 1 }))).toBe('points');
    expect(awardUnit(effects({ kind: 'per_amount', points: '1', per: '1' }))).toBe('points');
    expect(awardUnit(effects({ kind: 'percent', percent: '1', as: 'cashback' }))).toBe('cashback');
    expect(awardUnit(effects({ kind: 'per_item', as: 'points', rates: [] }))).toBe('points');
    expect(
      awardUnit(
        effects({ kind: 'tier_credit', credits: 1 }, { kind: 'percent', percent: '1', as: 'cashback' }),
      ),
    ).toBe('cashback');
  });

  it('is null for rules that only multiply or give tier credits', () => {
    expect(awardUnit(effects({ kind: 'multiplier', factor: '2' }))).toBeNull();
    expect(awardUnit(effects({ kind: 'tier_credit', credits: 5 }))).toBeNull();
  });
});

describe('cash and attribute effects', () => {
  const doc = (effects: RuleDocument['effects']): RuleDocument => ({
    name: 'r',
    trigger: { types: ['booking'] },
    effects,
  });
  const known = new Set(['booking']);
  const schemas = new Map([
    ['booking', { type: 'object', properties: { nights: { type: 'integer' }, hotel: { type: 'string' } } }],
  ]);

  it('takes exactly one of points and cashback, and a cashback makes it a cashback rule', () => {
    expect(ruleProblems(doc([{ kind: 'fixed', cashback: '5.00' }]), known, schemas)).toEqual([]);
    expect(awardUnit(doc([{ kind: 'fixed', cashback: '5.00' }]))).toBe('cashback');
    expect(ruleProblems(doc([{ kind: 'fixed', points: 5, cashback: '5.00' }]), known, schemas)).toEqual([
      { path: '/effects/0', message: 'needs exactly one of points or cashback' },
    ]);
    expect(ruleProblems(doc([{ kind: 'per_amount', per: '1' }]), known, schemas)[0]!.path).toBe('/effects/0');
    expect(
      ruleProblems(
        doc([
          { kind: 'fixed', cashback: '5.00' },
          { kind: 'fixed', points: 1 },
        ]),
        known,
        schemas,
      ),
    ).toEqual([{ path: '/effects', message: 'a rule awards either points or cashback, not both' }]);
  });

  it("counts an attribute only where every triggering type's schema makes it a number", () => {
    expect(
      ruleProblems(doc([{ kind: 'per_amount', points: '100', per: '1', of: 'nights' }]), known, schemas),
    ).toEqual([]);
    expect(
      ruleProblems(doc([{ kind: 'per_amount', points: '1', per: '1', of: 'hotel' }]), known, schemas),
    ).toEqual([
      {
        path: '/effects/0/of',
        message:
          "hotel is not a number attribute of booking (declare it in the event type's attributesSchema)",
      },
    ]);
    expect(
      ruleProblems(doc([{ kind: 'per_amount', points: '1', per: '1', of: 'nights' }]), known, new Map())[0]!
        .path,
    ).toBe('/effects/0/of');
  });
});
