// Evaluates one event against the rule versions active at its occurredAt: pure and deterministic.
import { displayAmount, divide } from '../money.ts';
import { type ConditionFacts, conditionContext, runCondition } from './condition.ts';
import { computeEffects, fraction } from './effects.ts';
import { awardUnit, type RuleDocument } from './rule.ts';

export interface ActiveRule {
  id: string;
  version: number;
  document: RuleDocument;
}

/** What the rule already awarded in the windows around the event (the caller reads it from the store). */
export interface RuleUsage {
  day: number;
  month: number;
  year: number;
  budget: number;
  /** The account already had this rule's once-per-account bonus. */
  bonusGiven: boolean;
}

export const NO_USAGE: RuleUsage = { day: 0, month: 0, year: 0, budget: 0, bonusGiven: false };

export interface EvaluationInput {
  facts: ConditionFacts;
  /** The event's amount and its items' amounts in minor units of the base currency (null: none). */
  baseMinor: bigint | null;
  itemBaseMinor: Array<bigint | null>;
  baseCurrency: string;
  rules: ActiveRule[];
  usage: (ruleId: string) => RuleUsage;
  /** The words of explanations are formatted for this locale. */
  locale?: string;
}

export type Outcome =
  | 'awarded'
  | 'nothing_to_award'
  | 'multiplier_applied'
  | 'not_triggered'
  | 'outside_validity'
  | 'condition_false'
  | 'condition_error'
  | 'skipped_by_exclusive_rule';

export interface Award {
  ruleId: string;
  ruleVersion: number;
  kind: 'points' | 'cashback' | 'tier_credit';
  /** 'points', the base currency (cashback, minor units) or 'tier_credits'. */
  unit: string;
  amount: number;
  pendingUntil: string | null;
  /** Explicit expiry; absent means the program's expiry policy. */
  expiresAt?: string | null;
  explanation: string;
}

export interface RuleOutcome {
  ruleId: string;
  ruleVersion: number;
  name: string;
  priority: number;
  outcome: Outcome;
  reason: string;
  awards: Award[];
}

export interface Evaluation {
  rules: RuleOutcome[];
  awards: Award[];
  totals: { points: number; cashback: number; tierCredits: number };
}

const DAY = 86_400_000;

function capFor(
  doc: RuleDocument,
  usage: RuleUsage,
  show: (n: number) => string,
): { room: number; why: string } | null {
  const caps = doc.caps;
  if (!caps) return null;
  const candidates: Array<{ room: number; why: string }> = [];
  if (caps.perEvent !== undefined)
    candidates.push({ room: caps.perEvent, why: `the cap of ${show(caps.perEvent)} per event` });
  const per = caps.perAccount ?? {};
  for (const period of ['day', 'month', 'year'] as const) {
    const cap = per[period];
    if (cap !== undefined)
      candidates.push({
        room: Math.max(0, cap - usage[period]),
        why: `the cap of ${show(cap)} per account per ${period} (${show(usage[period])} already awarded)`,
      });
  }
  if (caps.budget !== undefined)
    candidates.push({
      room: Math.max(0, caps.budget - usage.budget),
      why: `the rule's budget of ${show(caps.budget)} (${show(usage.budget)} already awarded)`,
    });
  return candidates.reduce<{ room: number; why: string } | null>(
    (least, c) => (least === null || c.room < least.room ? c : least),
    null,
  );
}

/** Evaluates the event: every active rule gets an outcome and a reason; matched rules give awards. */
export function evaluate(input: EvaluationInput): Evaluation {
  const { facts } = input;
  const occurredAt = facts.occurredAt.getTime();
  const context = conditionContext(facts);
  const ordered = [...input.rules].sort(
    (a, b) =>
      (b.document.priority ?? 0) - (a.document.priority ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const outcomes: RuleOutcome[] = [];
  const matched: Array<{ rule: ActiveRule; outcome: RuleOutcome }> = [];
  let exclusive: ActiveRule | null = null;

  for (const rule of ordered) {
    const doc = rule.document;
    const outcome: RuleOutcome = {
      ruleId: rule.id,
      ruleVersion: rule.version,
      name: doc.name,
      priority: doc.priority ?? 0,
      outcome: 'not_triggered',
      reason: '',
      awards: [],
    };
    outcomes.push(outcome);
    if (!doc.trigger.types.includes(facts.event.type)) {
      outcome.reason = `only ${doc.trigger.types.join(', ')} events trigger it`;
      continue;
    }
    if (doc.validFrom && occurredAt < Date.parse(doc.validFrom)) {
      outcome.outcome = 'outside_validity';
      outcome.reason = `valid from ${doc.validFrom}`;
      continue;
    }
    if (doc.validUntil && occurredAt >= Date.parse(doc.validUntil)) {
      outcome.outcome = 'outside_validity';
      outcome.reason = `valid until ${doc.validUntil}`;
      continue;
    }
    if (exclusive) {
      outcome.outcome = 'skipped_by_exclusive_rule';
      outcome.reason = `the exclusive rule "${exclusive.document.name}" (priority ${exclusive.document.priority ?? 0}) applied first`;
      continue;
    }
    if (doc.condition !== undefined) {
      const run = runCondition(doc.condition, context);
      if (run.error !== undefined) {
        outcome.outcome = 'condition_error';
        outcome.reason = `the condition could not be evaluated: ${run.error}`;
        continue;
      }
      if (!run.matched) {
        outcome.outcome = 'condition_false';
        outcome.reason = `the condition is false: ${doc.condition}`;
        continue;
      }
    }
    matched.push({ rule, outcome });
    if (doc.stacking === 'exclusive') exclusive = rule;
  }

  // Multipliers of matched rules multiply the points of the other matched rules.
  const multipliers = matched.flatMap(({ rule, outcome }) => {
    const effect = rule.document.effects.find((e) => e.kind === 'multiplier');
    if (effect?.kind !== 'multiplier') return [];
    outcome.outcome = 'multiplier_applied';
    outcome.reason = `multiplies points by ${effect.factor}`;
    const factor = effect.factor === 'tier' ? (facts.account.tierMultiplier ?? '1') : effect.factor;
    outcome.reason =
      effect.factor === 'tier'
        ? `multiplies points by ${factor}, the multiplier of tier ${facts.account.tier ?? '(none)'}`
        : outcome.reason;
    return [{ name: rule.document.name, factor: fraction(factor), text: factor }];
  });

  const awards: Award[] = [];
  for (const { rule, outcome } of matched) {
    const doc = rule.document;
    if (doc.effects.some((e) => e.kind === 'multiplier')) continue;
    const usage = input.usage(rule.id);
    const computed = computeEffects(doc, input, usage.bonusGiven);
    const unit = awardUnit(doc);
    let amount = computed.amount;
    const words = [...computed.words];
    if (unit === 'points' && amount > 0n && multipliers.length > 0) {
      // The product of the factors, rounded down once.
      const n = multipliers.reduce((p, m) => p * m.factor.n, 1n);
      const d = multipliers.reduce((p, m) => p * m.factor.d, 1n);
      amount = divide(amount * n, d, 'down');
      for (const m of multipliers) words.push(`× ${m.text} (${m.name})`);
    }
    const show = (n: number) =>
      unit === 'cashback' ? displayAmount(BigInt(n), input.baseCurrency, input.locale) : String(n);
    const cap = capFor(doc, usage, show);
    if (cap && amount > BigInt(cap.room)) {
      amount = BigInt(cap.room);
      words.push(`limited to ${show(cap.room)} by ${cap.why}`);
    }
    const pendingUntil =
      doc.pendingDays !== undefined && doc.pendingDays > 0
        ? new Date(occurredAt + doc.pendingDays * DAY).toISOString()
        : null;
    const common = { ruleId: rule.id, ruleVersion: rule.version, pendingUntil };
    const explanation = `${doc.name}: ${words.join(', ')}`;
    if (unit !== null && amount > 0n) {
      const award: Award = {
        ...common,
        kind: unit,
        unit: unit === 'points' ? 'points' : input.baseCurrency,
        amount: Number(amount),
        explanation,
      };
      if (unit === 'points' && doc.expiryDays !== undefined)
        award.expiresAt =
          doc.expiryDays === null ? null : new Date(occurredAt + doc.expiryDays * DAY).toISOString();
      outcome.awards.push(award);
    }
    if (computed.tierCredits > 0)
      outcome.awards.push({
        ...common,
        pendingUntil: null,
        kind: 'tier_credit',
        unit: 'tier_credits',
        amount: computed.tierCredits,
        explanation: `${doc.name}: ${computed.tierCredits} tier credits`,
      });
    if (outcome.awards.length > 0) {
      outcome.outcome = 'awarded';
      outcome.reason = explanation + (pendingUntil ? `; pending until ${pendingUntil.slice(0, 10)}` : '');
    } else {
      outcome.outcome = 'nothing_to_award';
      outcome.reason = `the rule matched but awards nothing: ${[...computed.notes, ...words].join('; ') || 'zero after rounding'}`;
    }
    awards.push(...outcome.awards);
  }

  const sum = (kind: Award['kind']) =>
    awards.filter((a) => a.kind === kind).reduce((s, a) => s + a.amount, 0);
  return {
    rules: outcomes,
    awards,
    totals: { points: sum('points'), cashback: sum('cashback'), tierCredits: sum('tier_credit') },
  };
}
