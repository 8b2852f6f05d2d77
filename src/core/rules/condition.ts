// Rule conditions: CEL expressions, type-checked against the facts an event is evaluated with.
import { Environment } from '@marcbachmann/cel-js';

/** A line item as conditions see it (list elements must be instances of their declared type). */
class Item {
  constructor(fields: Record<string, unknown>) {
    Object.assign(this, fields);
  }
}

/** What a condition can refer to; kept in step with `conditionContext` below. */
function buildEnvironment(): Environment {
  return new Environment({
    unlistedVariablesAreDyn: false,
    limits: {
      maxAstNodes: 2000,
      maxDepth: 40,
      maxListElements: 500,
      maxMapEntries: 200,
      maxCallArguments: 16,
    },
  })
    .registerType('Item', {
      ctor: Item,
      fields: {
        sku: 'string',
        category: 'string',
        quantity: 'int',
        unitPrice: 'double',
        amount: 'double',
        baseAmount: 'double',
        attributes: 'map<string, dyn>',
      },
    })
    .registerType('Event', {
      fields: {
        id: 'string',
        type: 'string',
        hasAmount: 'bool',
        amount: 'double',
        currency: 'string',
        baseAmount: 'double',
        items: 'list<Item>',
        references: 'map<string, string>',
        attributes: 'map<string, dyn>',
      },
    })
    .registerType('Rfm', {
      fields: {
        scored: 'bool',
        segment: 'string',
        r: 'int',
        f: 'int',
        m: 'int',
        churnRisk: 'bool',
      },
    })
    .registerType('Account', {
      fields: {
        id: 'string',
        externalId: 'string',
        name: 'string',
        segment: 'string',
        country: 'string',
        status: 'string',
        tier: 'string',
        tierMultiplier: 'double',
        parentId: 'string',
        ancestors: 'list<string>',
        depth: 'int',
        attributes: 'map<string, dyn>',
        rfm: 'Rfm',
      },
    })
    .registerType('Contact', {
      fields: {
        present: 'bool',
        id: 'string',
        role: 'string',
        locale: 'string',
        attributes: 'map<string, dyn>',
      },
    })
    .registerType('Program', { fields: { baseCurrency: 'string', timeZone: 'string' } })
    .registerVariable('event', 'Event')
    .registerVariable('account', 'Account')
    .registerVariable('contact', 'Contact')
    .registerVariable('program', 'Program')
    .registerVariable('occurredAt', 'google.protobuf.Timestamp');
}

const environment = buildEnvironment();

/** An account's RFM scores as conditions see them (`account.rfm.segment`, `account.rfm.churnRisk`…). */
export interface RfmFacts {
  segment: string;
  r: number;
  f: number;
  m: number;
  churnRisk: boolean;
}

/** Whether a condition (or any text holding conditions) refers to the account's RFM scores. */
export function mentionsRfm(text: string): boolean {
  return /\baccount\s*\.\s*rfm\b/.test(text);
}

export interface ConditionFacts {
  event: {
    id: string;
    type: string;
    amount: number | null;
    currency: string | null;
    baseAmount: number | null;
    items: Array<{
      sku: string;
      category: string;
      quantity: number;
      unitPrice: number | null;
      amount: number | null;
      baseAmount: number | null;
      attributes: Record<string, unknown>;
    }>;
    references: Record<string, string>;
    attributes: Record<string, unknown>;
  };
  account: {
    id: string;
    externalId: string | null;
    name: string;
    segment: string | null;
    country: string | null;
    status: string;
    tier: string | null;
    /** The earning multiplier of the account's tier (a decimal), null without a tier. */
    tierMultiplier?: string | null;
    parentId: string | null;
    ancestors: string[];
    attributes: Record<string, unknown>;
    /** The account's RFM scores as of the last refresh (decision 0039); null or absent: not scored. */
    rfm?: RfmFacts | null;
  };
  /** locale: the contact's BCP 47 tag ('' when it has none; challenge audiences, decision 0061). */
  contact: { id: string; role: string; locale?: string | null; attributes: Record<string, unknown> } | null;
  program: { baseCurrency: string; timeZone: string };
  occurredAt: Date;
}

/** The values a compiled condition runs on: absent text is "", absent numbers 0 (see `event.hasAmount`). */
export function conditionContext(f: ConditionFacts): Record<string, unknown> {
  return {
    event: {
      id: f.event.id,
      type: f.event.type,
      hasAmount: f.event.amount !== null,
      amount: f.event.amount ?? 0,
      currency: f.event.currency ?? '',
      baseAmount: f.event.baseAmount ?? 0,
      items: f.event.items.map(
        (i) =>
          new Item({
            sku: i.sku,
            category: i.category,
            quantity: BigInt(i.quantity),
            unitPrice: i.unitPrice ?? 0,
            amount: i.amount ?? 0,
            baseAmount: i.baseAmount ?? 0,
            attributes: i.attributes,
          }),
      ),
      references: f.event.references,
      attributes: f.event.attributes,
    },
    account: {
      id: f.account.id,
      externalId: f.account.externalId ?? '',
      name: f.account.name,
      segment: f.account.segment ?? '',
      country: f.account.country ?? '',
      status: f.account.status,
      tier: f.account.tier ?? '',
      tierMultiplier: Number(f.account.tierMultiplier ?? '1'),
      parentId: f.account.parentId ?? '',
      ancestors: f.account.ancestors,
      depth: BigInt(f.account.ancestors.length),
      attributes: f.account.attributes,
      rfm: f.account.rfm
        ? {
            scored: true,
            segment: f.account.rfm.segment,
            r: BigInt(f.account.rfm.r),
            f: BigInt(f.account.rfm.f),
            m: BigInt(f.account.rfm.m),
            churnRisk: f.account.rfm.churnRisk,
          }
        : { scored: false, segment: '', r: 0n, f: 0n, m: 0n, churnRisk: false },
    },
    contact: f.contact
      ? {
          present: true,
          id: f.contact.id,
          role: f.contact.role,
          locale: f.contact.locale ?? '',
          attributes: f.contact.attributes,
        }
      : { present: false, id: '', role: '', locale: '', attributes: {} },
    program: f.program,
    occurredAt: f.occurredAt,
  };
}

export type CompiledCondition = (context: Record<string, unknown>) => unknown;

/** The first line of a CEL error, with its position marker when it has one. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Checks a condition: it must parse, refer only to known fields and functions, and be a bool.
 * Returns the problem in words, or null.
 */
export function conditionProblem(expression: string): string | null {
  try {
    const result = environment.check(expression);
    if (!result.valid) return describe(result.error);
    if (result.type !== 'bool' && result.type !== 'dyn')
      return `the condition must be true or false, but it is a ${result.type}`;
    return null;
  } catch (error) {
    return describe(error);
  }
}

const compiled = new Map<string, CompiledCondition>();

/** A checked condition, compiled once and kept. Throws when `conditionProblem` would report one. */
export function compileCondition(expression: string): CompiledCondition {
  let fn = compiled.get(expression);
  if (!fn) {
    const problem = conditionProblem(expression);
    if (problem) throw new Error(problem);
    const parsed = environment.parse(expression);
    fn = (context) => parsed(context);
    if (compiled.size > 5000) compiled.clear();
    compiled.set(expression, fn);
  }
  return fn;
}

/** Runs a condition; an evaluation error (e.g. a missing attribute) is a non-match with its reason. */
export function runCondition(
  expression: string,
  context: Record<string, unknown>,
): { matched: boolean; error?: string } {
  try {
    const value = compileCondition(expression)(context);
    if (typeof value !== 'boolean')
      return { matched: false, error: `the condition gave ${typeof value}, not a bool` };
    return { matched: value };
  } catch (error) {
    return { matched: false, error: describe(error) };
  }
}
