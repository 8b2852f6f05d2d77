// Test helpers for the events suites: a fresh program per scenario (rules are program-wide), with
// keys of each scope and short-hands for the routes the scenarios use.
import { sql } from 'drizzle-orm';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { FIXTURE } from '../support/actor.ts';
import type { TestApi } from '../support/app.ts';

let programs = 0;

export interface Wallet {
  unit: string;
  available: number;
  net: number;
  pending: number;
  held: number;
  debt: number;
  lifetime: { earned: number; redeemed: number; expired: number };
}

export interface Program {
  id: string;
  read: string;
  write: string;
  admin: string;
  send(key: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** POST /v1/rules (admin), expecting 201; answers the rule. */
  rule(document: object, effectiveFrom?: string): Promise<{ id: string; version: number }>;
  /** POST /v1/events (write), whatever the answer. */
  ingest(event: object): Promise<LightMyRequestResponse>;
  /** POST /v1/events expecting 201; answers the stored event. */
  ingested(event: object): Promise<EventView>;
  account(externalId: string, extra?: object): Promise<string>;
  wallets(account: string): Promise<Wallet[]>;
  wallet(account: string, unit: string): Promise<Wallet | undefined>;
  /** What the tables hold for the program: events, event awards and ledger entries. */
  counts(): Promise<{ events: number; awards: number; entries: number }>;
}

export interface RuleOutcomeView {
  ruleId: string;
  ruleVersion: number;
  name: string;
  priority: number;
  outcome: string;
  reason: string;
  awards: AwardView[];
}

export interface AwardView {
  ruleId: string;
  ruleVersion: number;
  kind: string;
  unit: string;
  amount: number;
  pendingUntil: string | null;
  expiresAt?: string | null;
  explanation: string;
  entryId: string | null;
}

export interface ReversalView {
  ruleId: string;
  kind: string;
  unit: string;
  amount: number;
  entryId: string | null;
  how: string;
  writtenOff: number;
}

export interface EventView {
  id: string;
  internalId: string;
  type: string;
  accountId: string;
  occurredAt: string;
  amount: string | null;
  currency: string | null;
  baseCurrency: string;
  baseAmount: string | null;
  fxRate: string | null;
  items: Array<Record<string, unknown>>;
  references: Record<string, string>;
  attributes: Record<string, unknown>;
  originalEventId: string | null;
  result: {
    rules: RuleOutcomeView[];
    awards: AwardView[];
    totals: { points: number; cashback: number; tierCredits: number };
    reversals: ReversalView[];
    notes: string[];
  };
}

export const json = (r: { body: string }) => JSON.parse(r.body);

/** A new program (EUR, Europe/Amsterdam) with keys of each scope, reached through `api`'s app. */
export async function newProgram(api: TestApi, settings: Record<string, object> = {}): Promise<Program> {
  const { services } = api;
  const program = await services.programs.create(
    {
      name: `Events ${++programs}`,
      baseCurrency: 'EUR',
      timeZone: 'Europe/Amsterdam',
      settings,
    },
    FIXTURE,
  );
  const key = async (scope: 'read' | 'write' | 'admin') =>
    (await services.keys.create(program.id, scope, [scope], FIXTURE)).secret;
  const read = await key('read');
  const write = await key('write');
  const admin = await key('admin');
  const send = (k: string, options: InjectOptions) =>
    api.app.inject({ ...options, headers: { authorization: `Bearer ${k}`, ...(options.headers ?? {}) } });
  const p: Program = {
    id: program.id,
    read,
    write,
    admin,
    send,
    async rule(document, effectiveFrom = '2026-01-01T00:00:00Z') {
      const r = await send(admin, { method: 'POST', url: '/v1/rules', payload: { document, effectiveFrom } });
      expect(r.statusCode, r.body).toBe(201);
      return json(r);
    },
    ingest: (event) => send(write, { method: 'POST', url: '/v1/events', payload: event }),
    async ingested(event) {
      const r = await p.ingest(event);
      expect(r.statusCode, r.body).toBe(201);
      return json(r);
    },
    async account(externalId, extra = {}) {
      const r = await send(write, {
        method: 'POST',
        url: '/v1/accounts',
        payload: { externalId, name: externalId, ...extra },
      });
      expect(r.statusCode, r.body).toBe(201);
      return json(r).id;
    },
    async wallets(account) {
      const r = await send(read, {
        method: 'GET',
        url: `/v1/accounts/${encodeURIComponent(account)}/wallets`,
      });
      expect(r.statusCode, r.body).toBe(200);
      return json(r).data;
    },
    async wallet(account, unit) {
      return (await p.wallets(account)).find((w) => w.unit === unit);
    },
    async counts() {
      const [row] = await selectRows<{ events: string; awards: string; entries: string }>(
        api.database.db,
        sql`select (select count(*) from events where program_id = ${program.id})::text as events,
                   (select count(*) from event_awards where program_id = ${program.id})::text as awards,
                   (select count(*) from ledger_entries where program_id = ${program.id})::text as entries`,
      );
      return { events: Number(row?.events), awards: Number(row?.awards), entries: Number(row?.entries) };
    },
  };
  return p;
}

/** The outcome of the named rule in an evaluation result. */
export function outcomeOf(event: EventView, name: string): RuleOutcomeView {
  const found = event.result.rules.find((r) => r.name === name);
  if (!found) throw new Error(`no rule named ${name} in ${JSON.stringify(event.result.rules)}`);
  return found;
}

/** A purchase of `amount` EUR (or the given currency) by `account` at `occurredAt`. */
export function purchase(
  id: string,
  account: string,
  occurredAt: string,
  amount: string,
  extra: object = {},
) {
  return { id, type: 'purchase', account, occurredAt, amount, currency: 'EUR', ...extra };
}
