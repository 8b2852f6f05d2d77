// Test helpers for the tier suites: a fresh program per scenario (a due run covers the whole
// program), with keys of each scope and short-hands for the tier routes.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect, vi } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import type { TestApi } from '../support/app.ts';

let programs = 0;

export const json = (r: { body: string }) => JSON.parse(r.body);

export interface ChangeView {
  id: string;
  ladderId: string;
  from: string | null;
  to: string | null;
  fromName: string | null;
  toName: string | null;
  reason: string;
  metric: string | null;
  at: string;
  actor: string | null;
  note: string | null;
}

export interface ProgressView {
  ladderId: string;
  ladderName: string;
  qualifyingAccountId: string;
  tier: string | null;
  tierName: string | null;
  since: string | null;
  securedUntil: string | null;
  graceUntil: string | null;
  override: { kind: string; tier: string | null; until: string | null; reason: string } | null;
  multiplier: string;
  perks: string[];
  metric: string;
  windowStart: string;
  qualifies: { tier: string; name: string } | null;
  next: { tier: string; name: string; threshold: string; needed: string; by: string } | null;
  nextEvaluation: { at: string; outcome: string } | null;
}

export interface TierProgram {
  id: string;
  read: string;
  write: string;
  admin: string;
  send(key: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  account(externalId: string, extra?: object): Promise<string>;
  /** POST /v1/tier-ladders expecting 201; answers the ladder id. */
  ladder(document: object): Promise<string>;
  /** POST /v1/events expecting 201. */
  event(event: object): Promise<Record<string, unknown>>;
  purchase(id: string, account: string, occurredAt: string, amount: string, extra?: object): Promise<void>;
  progress(account: string): Promise<ProgressView[]>;
  history(account: string): Promise<ChangeView[]>;
  /** POST /v1/tiers/due-runs at `at`, expecting 200. */
  due(at: string): Promise<{ evaluated: number; changed: number }>;
  rule(document: object, effectiveFrom?: string): Promise<void>;
}

/** A new program (EUR, Europe/Amsterdam unless told) with keys of each scope. */
export async function tierProgram(api: TestApi, timeZone = 'Europe/Amsterdam'): Promise<TierProgram> {
  const { services } = api;
  const program = await services.programs.create(
    {
      name: `Tiers ${++programs}`,
      baseCurrency: 'EUR',
      timeZone,
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
  const p: TierProgram = {
    id: program.id,
    read,
    write,
    admin,
    send,
    async account(externalId, extra = {}) {
      const r = await send(write, {
        method: 'POST',
        url: '/v1/accounts',
        payload: { externalId, name: externalId, ...extra },
      });
      expect(r.statusCode, r.body).toBe(201);
      return json(r).id;
    },
    async ladder(document) {
      const r = await send(admin, { method: 'POST', url: '/v1/tier-ladders', payload: { document } });
      expect(r.statusCode, r.body).toBe(201);
      return json(r).id;
    },
    async event(event) {
      const r = await send(write, { method: 'POST', url: '/v1/events', payload: event });
      expect(r.statusCode, r.body).toBe(201);
      return json(r);
    },
    async purchase(id, account, occurredAt, amount, extra = {}) {
      await p.event({ id, type: 'purchase', account, occurredAt, amount, currency: 'EUR', ...extra });
    },
    async progress(account) {
      const r = await send(read, { method: 'GET', url: `/v1/accounts/${account}/tiers` });
      expect(r.statusCode, r.body).toBe(200);
      return json(r).data;
    },
    async history(account) {
      const r = await send(read, { method: 'GET', url: `/v1/accounts/${account}/tier-history` });
      expect(r.statusCode, r.body).toBe(200);
      return json(r).data;
    },
    async due(at) {
      const r = await send(admin, { method: 'POST', url: '/v1/tiers/due-runs', payload: { asOf: at } });
      expect(r.statusCode, r.body).toBe(200);
      return json(r);
    },
    async rule(document, effectiveFrom = '2026-01-01T00:00:00Z') {
      const r = await send(admin, { method: 'POST', url: '/v1/rules', payload: { document, effectiveFrom } });
      expect(r.statusCode, r.body).toBe(201);
    },
  };
  return p;
}

/** The history as compact tuples: "from→to reason at (metric)". */
export const steps = (history: ChangeView[]) =>
  history.map((c) => `${c.from ?? '-'}→${c.to ?? '-'} ${c.reason} ${c.at}`);

/** Freezes the clock (Date only; timers run normally) at `iso`. */
export function clockAt(iso: string): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(iso));
}

/** The partner ladder of the acceptance: rolling 12 months of spend, 90 days of grace, soft landing. */
export interface LadderDoc {
  name: string;
  metric: string;
  window: object;
  tiers: Array<{ code: string; name: string; threshold: string; [k: string]: unknown }>;
  [k: string]: unknown;
}

export const partnerLadder = (extra: object = {}): LadderDoc => ({
  name: 'Partner program',
  metric: 'qualifying_spend',
  window: { kind: 'rolling_months', months: 12 },
  graceDays: 90,
  softLanding: true,
  tiers: [
    { code: 'silver', name: 'Silver', threshold: '1000', multiplier: '1.2' },
    { code: 'gold', name: 'Gold', threshold: '5000', multiplier: '1.5', perks: ['free_shipping'] },
    {
      code: 'platinum',
      name: 'Platinum',
      threshold: '20000',
      instantAmount: '15000',
      multiplier: '2',
      perks: ['free_shipping', 'dedicated_account_manager'],
    },
  ],
  ...extra,
});
