import { describe, expect, it } from 'vitest';
import type { ActiveRule } from './evaluate.ts';
import { type RuleVersionStart, whyNoRuleApplied } from './explain.ts';
import type { RuleDocument } from './rule.ts';

const doc = (types: string[], extra: Partial<RuleDocument> = {}): RuleDocument => ({
  name: `On ${types.join(', ')}`,
  trigger: { types },
  effects: [{ kind: 'fixed', points: 10 }],
  ...extra,
});
const active = (types: string[]): ActiveRule => ({ id: `rul_${types[0]}`, version: 1, document: doc(types) });
const version = (from: string, types: string[], extra: Partial<RuleDocument> = {}): RuleVersionStart => ({
  effectiveFrom: new Date(from),
  document: doc(types, extra),
});
const purchase = { type: 'purchase', occurredAt: new Date('2026-11-20T10:00:00Z') };

describe('whyNoRuleApplied', () => {
  it('says nothing when a rule in force is triggered by the type (its outcome explains itself)', () => {
    expect(
      whyNoRuleApplied(purchase, [active(['purchase'])], [version('2026-01-01T00:00:00Z', ['purchase'])]),
    ).toEqual([]);
  });

  it('names the instant and the earliest rule for the type when none was in force yet', () => {
    const versions = [
      version('2026-12-05T00:00:00Z', ['purchase']),
      version('2026-12-01T09:14:00Z', ['purchase']),
      version('2026-11-25T00:00:00Z', ['visit']),
    ];
    expect(whyNoRuleApplied(purchase, [], versions)).toEqual([
      'no rule was in force at 2026-11-20T10:00:00Z; the earliest starts 2026-12-01T09:14:00Z',
    ]);
  });

  it('says so when no rule is in force and none that starts later is triggered by the type', () => {
    expect(whyNoRuleApplied(purchase, [], [])).toEqual([
      'no rule was in force at 2026-11-20T10:00:00Z, and none that starts later is triggered by event type purchase',
    ]);
    expect(whyNoRuleApplied(purchase, [], [version('2026-12-01T00:00:00Z', ['visit'])])).toEqual([
      'no rule was in force at 2026-11-20T10:00:00Z, and none that starts later is triggered by event type purchase',
    ]);
  });

  it('names the type when the rules in force are triggered by other types', () => {
    const inForce = [active(['visit']), active(['invoice.paid'])];
    expect(whyNoRuleApplied(purchase, inForce, [])).toEqual([
      'no rule in force at 2026-11-20T10:00:00Z is triggered by event type purchase',
    ]);
    expect(
      whyNoRuleApplied(purchase, inForce, [version('2027-01-01T00:00:00Z', ['purchase', 'visit'])]),
    ).toEqual([
      'no rule in force at 2026-11-20T10:00:00Z is triggered by event type purchase; the earliest that is starts 2027-01-01T00:00:00Z',
    ]);
  });

  it('does not count later versions that are disabled or started before the event', () => {
    const versions = [
      version('2026-12-01T00:00:00Z', ['purchase'], { enabled: false }),
      version('2026-01-01T00:00:00Z', ['purchase']),
    ];
    expect(whyNoRuleApplied(purchase, [], versions)).toEqual([
      'no rule was in force at 2026-11-20T10:00:00Z, and none that starts later is triggered by event type purchase',
    ]);
  });
});
