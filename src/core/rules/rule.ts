// Earning rules as data: what a rule document says, and the checks beyond its JSON schema.
import { parseDecimal, type Rounding } from '../money.ts';
import { conditionProblem } from './condition.ts';

export type AwardAs = 'points' | 'cashback';

export interface ItemRate {
  match: { skus?: string[]; categories?: string[] };
  /** Percent of the item's amount in the base currency: points per currency unit, or cashback. */
  percent?: string;
  /** Points per one unit of the base currency of the item's amount. */
  pointsPerUnit?: string;
  /** Points per item quantity. */
  pointsPerQuantity?: number;
}

export type Effect =
  /** Points, or a cashback in the base currency (a decimal: "5.00"); exactly one of them. */
  | { kind: 'fixed'; points?: number; cashback?: string; oncePerAccount?: boolean }
  /**
   * Points (or cashback, a decimal in the base currency) for every `per` of the base amount — or, with
   * `of`, of a numeric event attribute (per night, per kilogram); exactly one of points and cashback.
   */
  | { kind: 'per_amount'; points?: string; cashback?: string; per: string; of?: string; rounding?: Rounding }
  | { kind: 'percent'; percent: string; as: AwardAs; rounding?: Rounding }
  | { kind: 'per_item'; as: AwardAs; rounding?: Rounding; rates: ItemRate[] }
  /** factor "tier": the multiplier of the account's tier at the event's occurredAt. */
  | { kind: 'multiplier'; factor: string }
  | { kind: 'tier_credit'; credits: number };

export interface RuleCaps {
  /** Most this rule awards for one event. */
  perEvent?: number;
  /** Most this rule awards one account per local calendar day, month, year. */
  perAccount?: { day?: number; month?: number; year?: number };
  /** Most this rule awards over its whole life, program-wide. */
  budget?: number;
}

export interface RuleDocument {
  name: string;
  description?: string;
  trigger: { types: string[] };
  condition?: string;
  effects: Effect[];
  caps?: RuleCaps;
  validFrom?: string;
  validUntil?: string;
  /** Higher runs first. */
  priority?: number;
  /** exclusive: when this rule matches, the rules after it (lower priority; at equal priority, a later rule id) do not apply. */
  stacking?: 'cumulative' | 'exclusive';
  /** Awards stay pending this many days after the event (e.g. a return window). */
  pendingDays?: number;
  /** Overrides the program's expiry: points expire this many days after the event, or never (null). */
  expiryDays?: number | null;
  enabled?: boolean;
}

export interface Problem {
  path: string;
  message: string;
}

/** The unit a rule's money-like effects award: points, cashback, or none (multiplier, tier credit only). */
export function awardUnit(doc: RuleDocument): AwardAs | null {
  for (const e of doc.effects) {
    if (e.kind === 'fixed' || e.kind === 'per_amount')
      return e.cashback !== undefined ? 'cashback' : 'points';
    if (e.kind === 'percent' || e.kind === 'per_item') return e.as;
  }
  return null;
}

function positiveDecimal(value: string): boolean {
  try {
    return parseDecimal(value).numerator > 0n;
  } catch {
    return false;
  }
}

/** Whether an event type's attribute schema declares `name` as a number (what `of` may name). */
export function numericAttribute(schema: Record<string, unknown> | null | undefined, name: string): boolean {
  const properties = (schema?.properties ?? {}) as Record<string, { type?: unknown }>;
  const type = properties[name]?.type;
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => t === 'number' || t === 'integer');
}

/**
 * Checks what a JSON schema cannot: the condition, decimal values, one award unit per rule, dates, and
 * that an attribute an effect counts (`of`) is a number in every triggering type's attributes schema.
 */
export function ruleProblems(
  doc: RuleDocument,
  knownTypes: ReadonlySet<string>,
  attributeSchemas: ReadonlyMap<string, Record<string, unknown> | null> = new Map(),
): Problem[] {
  const problems: Problem[] = [];
  doc.trigger.types.forEach((t, i) => {
    if (!knownTypes.has(t))
      problems.push({ path: `/trigger/types/${i}`, message: `unknown event type ${t}` });
  });
  if (doc.condition !== undefined) {
    const problem = conditionProblem(doc.condition);
    if (problem) problems.push({ path: '/condition', message: problem });
  }
  const units = new Set<AwardAs>();
  let multipliers = 0;
  doc.effects.forEach((e, i) => {
    const at = `/effects/${i}`;
    switch (e.kind) {
      case 'fixed':
      case 'per_amount': {
        const given = [e.points, e.cashback].filter((v) => v !== undefined);
        if (given.length !== 1)
          problems.push({ path: at, message: 'needs exactly one of points or cashback' });
        units.add(e.cashback !== undefined ? 'cashback' : 'points');
        if (e.cashback !== undefined && !positiveDecimal(e.cashback))
          problems.push({ path: `${at}/cashback`, message: 'must be above 0' });
        if (e.kind === 'fixed') break;
        if (e.points !== undefined && !positiveDecimal(e.points))
          problems.push({ path: `${at}/points`, message: 'must be above 0' });
        if (!positiveDecimal(e.per)) problems.push({ path: `${at}/per`, message: 'must be above 0' });
        if (e.of !== undefined) {
          const of = e.of;
          const without = doc.trigger.types.filter(
            (t) => knownTypes.has(t) && !numericAttribute(attributeSchemas.get(t), of),
          );
          if (without.length > 0)
            problems.push({
              path: `${at}/of`,
              message: `${of} is not a number attribute of ${without.join(', ')} (declare it in the event type's attributesSchema)`,
            });
        }
        break;
      }
      case 'percent':
        units.add(e.as);
        if (!positiveDecimal(e.percent)) problems.push({ path: `${at}/percent`, message: 'must be above 0' });
        break;
      case 'per_item':
        units.add(e.as);
        e.rates.forEach((r, j) => {
          const kinds = [r.percent, r.pointsPerUnit, r.pointsPerQuantity].filter((v) => v !== undefined);
          if (kinds.length !== 1)
            problems.push({
              path: `${at}/rates/${j}`,
              message: 'needs exactly one of percent, pointsPerUnit, pointsPerQuantity',
            });
          if (e.as === 'cashback' && r.percent === undefined)
            problems.push({ path: `${at}/rates/${j}`, message: 'cashback is a percent of the amount' });
          if (r.percent !== undefined && !positiveDecimal(r.percent))
            problems.push({ path: `${at}/rates/${j}/percent`, message: 'must be above 0' });
          if (r.pointsPerUnit !== undefined && !positiveDecimal(r.pointsPerUnit))
            problems.push({ path: `${at}/rates/${j}/pointsPerUnit`, message: 'must be above 0' });
        });
        break;
      case 'multiplier':
        multipliers++;
        if (e.factor !== 'tier' && !positiveDecimal(e.factor))
          problems.push({ path: `${at}/factor`, message: 'must be above 0, or "tier"' });
        break;
      case 'tier_credit':
        break;
    }
  });
  if (units.size > 1)
    problems.push({ path: '/effects', message: 'a rule awards either points or cashback, not both' });
  if (multipliers > 0 && doc.effects.length > multipliers)
    problems.push({
      path: '/effects',
      message: 'a multiplier rule multiplies the points of other rules and has no other effects',
    });
  if (multipliers > 1) problems.push({ path: '/effects', message: 'at most one multiplier per rule' });
  if (doc.caps && multipliers > 0)
    problems.push({ path: '/caps', message: 'caps belong on the rules whose points are multiplied' });
  if (doc.validFrom && doc.validUntil && Date.parse(doc.validFrom) >= Date.parse(doc.validUntil))
    problems.push({ path: '/validUntil', message: 'must be after validFrom' });
  return problems;
}
