// Tenancy, authentication and scopes, checked over every /v1 route the server answers.
// A resource of another program answers 404, never 403 and never its data (DESIGN.md §6).
//
// The checks run over the routes of /openapi.json (and a test holds that list equal to the routes
// Fastify really serves). A new write route makes this file fail until ROUTES below says how to call
// it; from then on it is checked for cross-program leaks, authentication and scope like the others.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/core/access.ts';
import { periodContaining } from '../../src/core/partners/commission.ts';
import { challengeCompletions } from '../../src/modules/engagement/engagement-tables.ts';
import { commissionLines } from '../../src/modules/partners/partners-commission-tables.ts';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { servedRoutes } from '../support/routes.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Scope = 'read' | 'write' | 'admin';

interface Route {
  method: Method;
  /** OpenAPI form: /v1/accounts/{accountId} */
  path: string;
  key: string;
}

/** The resources a request is aimed at: program a's, when program b's key is tested against them. */
interface Targets {
  n: number;
  /** An account (id or externalId), its externalId, and another account of its group. */
  account: string;
  accountExternalId: string;
  sibling: string;
  contact: string;
  /** A posted credit and a pending one (ledger), when the server has a ledger. */
  postedEntry: string;
  pendingEntry: string;
  /** An API key id of the program. */
  apiKey: string;
  /** An ingested event (our id, or the client's event id) and an earning rule, when the server has them. */
  event: string;
  rule: string;
  /** A tier ladder (operator_value metric), when the server has tiers. */
  ladder: string;
  /** Rewards (when the server has them): unlimited at 1 point, a code pool, one booked by session. */
  reward: string;
  codeReward: string;
  sessionReward: string;
  /** A redemption waiting for approval and an approved one (of a manual reward). */
  pendingRedemption: string;
  approvedRedemption: string;
  /** A contact of the account who may approve, and a charity of the program. */
  approver: string;
  charity: string;
  /** A membership plan nobody joined, a pending membership (of another plan) and an active one. */
  plan: string;
  pendingMembership: string;
  activeMembership: string;
  /** A webhook endpoint of the program and a message in its outbox. */
  webhookEndpoint: string;
  webhookMessage: string;
  /** A badge (awarded to the account), a challenge and a leaderboard, by code, when the server has engagement. */
  badge: string;
  challenge: string;
  leaderboard: string;
  /** A leaderboard over a contact challenge's progress (it ranks contacts; decision 0062). */
  contactLeaderboard: string;
  /** A survey and a contact who has not answered it. */
  survey: string;
  surveyContact: string;
  /** Partners: a referral program, a code of the account, a referral in review and a submitted sales claim. */
  referralProgram: string;
  referralCode: string;
  referral: string;
  claim: string;
  /** An account nobody referred yet (for an attribution that should succeed). */
  referable: string;
  /** An opt-in challenge and a lifecycle automation, by code, when the server has them. */
  optInChallenge: string;
  automation: string;
  /** An entitlement grant of the account, a `manages` relationship, and an account it may newly manage. */
  grant: string;
  relationship: string;
  manageable: string;
  /** A console user of the program (a viewer). */
  user: string;
  /** Commissions: a plan (by code), a payout run proposed by another actor, and a released (pending) payout of its run. */
  commissionPlan: string;
  proposedRun: string;
  releasedRun: string;
  payout: string;
  /** The key of a challenge completion of the account that owes the unlimited reward (decision 0053). */
  rewardOwed: string;
}

interface RouteSpec {
  /** The scope the route needs; default read for GET, write otherwise. */
  scope?: Scope;
  /** False when a valid request names no resource (then program b's own program answers). */
  touchesTargets?: boolean;
  /** Path parameters, body and headers of a valid request aimed at the targets. */
  request?: (t: Targets) => {
    params?: Record<string, string>;
    /** A query string (without the `?`), for a GET whose answer needs one. */
    query?: string;
    payload?: unknown;
    headers?: Record<string, string>;
  };
  /**
   * How the route refuses a request aimed at another program's resources, when not the usual way:
   * a 4xx whose code ends in not_found (404 account_not_found, 422 parent_not_found, …).
   */
  refuses?: (res: LightMyRequestResponse, context: string) => void;
}

function refusesAsNotFound(res: LightMyRequestResponse, context: string): void {
  expect(res.statusCode, context).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, context).toBeLessThan(500);
  expect(res.json().code, context).toMatch(/not_found$/);
}

const csv = { 'content-type': 'text/csv' };
const probePlan = (name: string, joining: 'contract' | 'approval') => ({
  name,
  fee: { amount: '10.00', currency: 'EUR' },
  term: { months: 12 },
  renewal: 'auto',
  joining,
  entitlements: [{ key: 'vip_support', kind: 'flag' }],
});
/** The headers of a write that moves points or money: it needs an Idempotency-Key. */
const moneyWrite = (t: Targets) => ({ 'idempotency-key': `probe-${t.n}` });
/** An event of the targeted account, for the events routes. */
const probeEvent = (t: Targets, suffix = '') => ({
  id: `probe-event-${t.n}${suffix}`,
  type: 'purchase',
  account: t.account,
  occurredAt: '2026-06-01T10:00:00Z',
  amount: '10.00',
  currency: 'EUR',
});
const probeRule = (t: Targets) => ({
  name: `Probe rule ${t.n}`,
  trigger: { types: ['purchase'] },
  effects: [{ kind: 'fixed', points: 1 }],
});
const probeLadder = (t: Targets) => ({
  name: `Probe ladder ${t.n}`,
  metric: 'operator_value',
  window: { kind: 'calendar_year' },
  tiers: [
    { code: 'silver', name: 'Silver', threshold: '0' },
    { code: 'gold', name: 'Gold', threshold: '1000' },
  ],
});
const probeChallenge = (t: Targets) => ({
  name: `Probe challenge ${t.n}`,
  goals: [{ metric: 'count', eventTypes: ['purchase'], target: '3' }],
  window: { kind: 'calendar', period: 'quarter' },
  startsAt: '2026-01-01T00:00:00Z',
  reward: { points: 1 },
});
const probeAutomation = (t: Targets) => ({
  name: `Probe automation ${t.n}`,
  trigger: { kind: 'birthday' },
  effect: { points: 1 },
});
const probeReferralProgram = (t: Targets, code: string) => ({
  code,
  name: `Probe referrals ${t.n}`,
  conversion: { eventTypes: ['purchase'] },
  rewards: { referrer: { unit: 'points', amount: 1 } },
});
const probeClaim = (account: string, invoiceNumber: string) => ({
  account,
  invoiceNumber,
  invoiceDate: new Date().toISOString().slice(0, 10),
  amount: '10.00',
  currency: 'EUR',
  lines: [{ sku: 'PROBE', quantity: 1, amount: '10.00' }],
});
let periods = 0;
/** A month long past and never proposed before in this file (a run of a period is once per program). */
function pastPeriod(): string {
  const i = periods++;
  return `${2001 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}
const probeCommissionPlan = (t: Targets) => ({
  name: `Probe commissions ${t.n}`,
  unit: 'EUR',
  holdingDays: 0,
  fixed: { amount: '5.00' },
  revenue: null,
});
/** Per-event answers (200) that each refuse the event, naming what was not found. */
function refusesEachEvent(count: number) {
  return (res: LightMyRequestResponse, context: string) => {
    expect(res.statusCode, context).toBe(200);
    const results = res.json().results as Array<{ ok: boolean; code?: string }>;
    expect(results.length, context).toBe(count);
    for (const r of results) {
      expect(r.ok, context).toBe(false);
      expect(r.code, context).toMatch(/not_found$/);
    }
  };
}

/** How to call each route. Every write route needs an entry; GET routes only when they differ from the defaults. */
const ROUTES: Record<string, RouteSpec> = {
  'PATCH /v1/program': {
    scope: 'admin',
    touchesTargets: false,
    request: () => ({ payload: { timeZone: 'Europe/Amsterdam' } }),
  },
  'POST /v1/accounts': {
    request: (t) => ({ payload: { name: `Probe ${t.n}`, externalId: `PROBE-${t.n}`, parentId: t.account } }),
  },
  'PATCH /v1/accounts/{accountId}': { request: () => ({ payload: { segment: 'probed' } }) },
  'POST /v1/accounts/{accountId}/contacts': {
    request: (t) => ({ payload: { email: `probe-${t.n}@probe.example` } }),
  },
  'PATCH /v1/contacts/{contactId}': {
    request: (t) => ({ payload: { role: 'owner', accountId: t.account } }),
  },
  'POST /v1/contacts/{contactId}/deactivate': { request: () => ({}) },
  'POST /v1/contacts/{contactId}/reactivate': { request: () => ({}) },
  'POST /v1/imports/accounts': {
    // Rows naming accounts the program does not have: the whole file is refused.
    refuses: (res, context) => {
      expect(res.statusCode, context).toBe(422);
      expect(res.json().code, context).toBe('import_invalid_rows');
    },
    request: (t) => ({
      headers: csv,
      payload: `externalId,name,parentExternalId\nPROBE-CSV-${t.n},Probe Csv ${t.n},${t.accountExternalId}\n`,
    }),
  },
  'POST /v1/imports/contacts': {
    refuses: (res, context) => {
      expect(res.statusCode, context).toBe(422);
      expect(res.json().code, context).toBe('import_invalid_rows');
    },
    request: (t) => ({
      headers: csv,
      payload: `email,accountExternalId\nprobe-csv-${t.n}@probe.example,${t.accountExternalId}\n`,
    }),
  },
  'POST /v1/imports/relationships': {
    // The account managing the account every program has (a repeat changes nothing); from another
    // program the account is unknown there and the file is refused.
    refuses: (res, context) => {
      expect(res.statusCode, context).toBe(422);
      expect(res.json().code, context).toBe('import_invalid_rows');
    },
    request: (t) => ({
      headers: csv,
      payload: `fromExternalId,type,toExternalId,startedAt\n${t.accountExternalId},manages,${SHARED_EXTERNAL_ID},2026-01-01\n`,
    }),
  },
  // The ledger (its writes need an Idempotency-Key).
  'POST /v1/ledger/credits': {
    request: (t) => ({
      headers: moneyWrite(t),
      payload: { account: t.account, amount: 10, reasonCode: 'probe', explanation: 'Probe credit' },
    }),
  },
  'POST /v1/ledger/debits': {
    request: (t) => ({
      headers: moneyWrite(t),
      payload: { account: t.account, amount: 1, reasonCode: 'probe', explanation: 'Probe debit' },
    }),
  },
  'POST /v1/ledger/batch': {
    // Each item fails or succeeds alone: the answer is 200 with a result per item.
    refuses: (res, context) => {
      expect(res.statusCode, context).toBe(200);
      const results = res.json().results as Array<{ ok: boolean; code?: string }>;
      expect(results.length, context).toBe(2);
      for (const r of results) {
        expect(r.ok, context).toBe(false);
        expect(r.code, context).toMatch(/not_found$/);
      }
    },
    request: (t) => ({
      headers: moneyWrite(t),
      payload: {
        items: [
          {
            op: 'credit',
            key: `probe-${t.n}-1`,
            account: t.account,
            amount: 3,
            reasonCode: 'probe',
            explanation: 'Probe',
          },
          {
            op: 'debit',
            key: `probe-${t.n}-2`,
            account: t.account,
            amount: 1,
            reasonCode: 'probe',
            explanation: 'Probe',
          },
        ],
      },
    }),
  },
  'POST /v1/ledger/adjustments': {
    scope: 'admin',
    request: (t) => ({
      headers: moneyWrite(t),
      payload: { account: t.account, amount: 5, reasonCode: 'probe', explanation: 'Probe adjustment' },
    }),
  },
  'POST /v1/ledger/transfers': {
    request: (t) => ({
      headers: moneyWrite(t),
      payload: {
        from: t.account,
        to: t.sibling,
        amount: 1,
        reasonCode: 'probe',
        explanation: 'Probe transfer',
      },
    }),
  },
  'POST /v1/ledger/entries/{entryId}/post': {
    request: (t) => ({ params: { entryId: t.pendingEntry }, headers: moneyWrite(t), payload: {} }),
  },
  'POST /v1/ledger/entries/{entryId}/void': {
    request: (t) => ({ params: { entryId: t.pendingEntry }, headers: moneyWrite(t), payload: {} }),
  },
  'POST /v1/ledger/entries/{entryId}/reverse': {
    request: (t) => ({
      params: { entryId: t.postedEntry },
      headers: moneyWrite(t),
      payload: { amount: 1, reasonCode: 'probe', explanation: 'Probe reversal' },
    }),
  },
  'POST /v1/ledger/due-runs': { scope: 'admin', touchesTargets: false, request: () => ({ payload: {} }) },
  'POST /v1/redemptions/due-runs': {
    scope: 'admin',
    touchesTargets: false,
    request: () => ({ payload: {} }),
  },
  // Rewards, redemptions and cashback.
  'POST /v1/rewards': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({
      payload: {
        type: 'custom',
        name: `Probe ${t.n}`,
        price: { amount: 1, unit: 'points' },
        stock: { kind: 'unlimited' },
      },
    }),
  },
  'PATCH /v1/rewards/{rewardId}': { scope: 'admin', request: () => ({ payload: { description: 'Probed' } }) },
  'POST /v1/rewards/{rewardId}/codes': {
    scope: 'admin',
    request: (t) => ({ params: { rewardId: t.codeReward }, payload: { codes: [`PROBE-CODE-${t.n}`] } }),
  },
  'POST /v1/rewards/{rewardId}/sessions': {
    scope: 'admin',
    request: (t) => ({
      params: { rewardId: t.sessionReward },
      payload: { startsAt: '2099-01-01T10:00:00Z', capacity: 3 },
    }),
  },
  'POST /v1/redemptions': {
    request: (t) => ({ headers: moneyWrite(t), payload: { reward: t.reward, account: t.account } }),
  },
  'POST /v1/redemptions/{redemptionId}/approve': {
    request: (t) => ({ params: { redemptionId: t.pendingRedemption }, payload: { contactId: t.approver } }),
  },
  'POST /v1/redemptions/{redemptionId}/reject': {
    request: (t) => ({ params: { redemptionId: t.pendingRedemption }, payload: { contactId: t.approver } }),
  },
  'POST /v1/redemptions/{redemptionId}/cancel': {
    request: (t) => ({ params: { redemptionId: t.pendingRedemption }, payload: {} }),
  },
  'POST /v1/redemptions/{redemptionId}/fulfil': {
    request: (t) => ({ params: { redemptionId: t.approvedRedemption }, payload: { delivery: 'shipped' } }),
  },
  'POST /v1/redemptions/{redemptionId}/fail': {
    request: (t) => ({ params: { redemptionId: t.approvedRedemption }, payload: { reason: 'Probe' } }),
  },
  'POST /v1/charities': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({ payload: { name: `Probe charity ${t.n}` } }),
  },
  'PATCH /v1/charities/{charityId}': {
    scope: 'admin',
    request: () => ({ payload: { description: 'Probed' } }),
  },
  'POST /v1/donations': {
    request: (t) => ({
      headers: moneyWrite(t),
      payload: { account: t.account, charityId: t.charity, unit: 'points', amount: 1 },
    }),
  },
  'POST /v1/payouts': {
    request: (t) => ({
      headers: moneyWrite(t),
      payload: { account: t.account, currency: 'EUR', amount: 1, method: 'other' },
    }),
  },
  // The member portal: a one-time link for a contact of the key's program (write).
  'POST /v1/portal/sessions': {
    request: (t) => ({ payload: { contact: t.contact } }),
  },
  // Memberships: plans are admin writes; joining and cancelling are write; approval is admin.
  'POST /v1/membership-plans': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({ payload: probePlan(`Probe plan ${t.n}`, 'contract') }),
  },
  'PATCH /v1/membership-plans/{planId}': {
    scope: 'admin',
    request: () => ({ payload: { description: 'Probed' } }),
  },
  'POST /v1/membership-plans/{planId}/archive': { scope: 'admin', request: () => ({ payload: {} }) },
  'DELETE /v1/membership-plans/{planId}': { scope: 'admin', request: () => ({}) },
  // Webhooks: endpoints are admin writes.
  'POST /v1/webhook-endpoints': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({ payload: { url: `https://hooks.example.com/probe-${t.n}` } }),
  },
  'PATCH /v1/webhook-endpoints/{endpointId}': {
    scope: 'admin',
    request: () => ({ payload: { description: 'Probed' } }),
  },
  'POST /v1/webhook-endpoints/{endpointId}/rotate-secret': {
    scope: 'admin',
    request: () => ({ payload: {} }),
  },
  'POST /v1/webhook-endpoints/{endpointId}/replay': {
    scope: 'admin',
    request: (t) => ({ payload: { messageId: t.webhookMessage } }),
  },
  'POST /v1/memberships': {
    request: (t) => ({
      headers: moneyWrite(t),
      payload: { account: t.account, plan: t.plan, via: 'contract', reference: `PROBE-${t.n}` },
    }),
  },
  'POST /v1/memberships/{membershipId}/approve': {
    scope: 'admin',
    request: (t) => ({ params: { membershipId: t.pendingMembership }, payload: {} }),
  },
  'POST /v1/memberships/{membershipId}/reject': {
    scope: 'admin',
    request: (t) => ({ params: { membershipId: t.pendingMembership }, payload: {} }),
  },
  'POST /v1/memberships/{membershipId}/cancel': { request: () => ({ payload: {} }) },
  'POST /v1/memberships/due-runs': {
    scope: 'admin',
    touchesTargets: false,
    request: () => ({ payload: {} }),
  },
  // Notifications: a contact's e-mail opt-out (write), the due run (admin).
  'PUT /v1/contacts/{contactId}/notification-opt-out': { request: () => ({}) },
  'DELETE /v1/contacts/{contactId}/notification-opt-out': { request: () => ({}) },
  'POST /v1/notifications/due-runs': {
    scope: 'admin',
    touchesTargets: false,
    request: () => ({ payload: {} }),
  },
  'GET /v1/audit': { scope: 'admin' },
  // Webhook endpoints, their delivery log and the outbox (admin only).
  'GET /v1/webhook-endpoints': { scope: 'admin' },
  'GET /v1/webhook-endpoints/{endpointId}': { scope: 'admin' },
  'GET /v1/webhook-endpoints/{endpointId}/attempts': { scope: 'admin' },
  'GET /v1/webhook-messages': { scope: 'admin' },
  // API keys of the program (admin only).
  'GET /v1/keys': { scope: 'admin' },
  'POST /v1/keys': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({ payload: { name: `probe ${t.n}`, scopes: ['read'] } }),
  },
  'DELETE /v1/keys/{keyId}': { scope: 'admin', request: () => ({}) },
  // Console users of the program (admin only; decision 0030).
  'GET /v1/users': { scope: 'admin' },
  'GET /v1/users/{userId}': { scope: 'admin' },
  'POST /v1/users': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({ payload: { email: `probe-${t.n}@users.example`, role: 'viewer' } }),
  },
  'PATCH /v1/users/{userId}': { scope: 'admin', request: () => ({ payload: { role: 'approver' } }) },
  'POST /v1/users/{userId}/disable': { scope: 'admin', request: () => ({}) },
  'POST /v1/users/{userId}/enable': { scope: 'admin', request: () => ({}) },
  'POST /v1/users/{userId}/password': { scope: 'admin', request: () => ({ payload: {} }) },
  // Events, earning rules and exchange rates.
  'POST /v1/events': { request: (t) => ({ payload: probeEvent(t) }) },
  'POST /v1/events/batch': {
    // Each event fails or succeeds alone: the answer is 200 with a result per event.
    refuses: refusesEachEvent(2),
    request: (t) => ({ payload: { events: [probeEvent(t, '-1'), probeEvent(t, '-2')] } }),
  },
  'POST /v1/imports/events': {
    // Like a batch: each line is refused alone, naming what was not found.
    refuses: (res, context) => {
      expect(res.statusCode, context).toBe(200);
      const lines = res.json().lines as Array<{ outcome: string; code?: string }>;
      expect(lines.length, context).toBe(1);
      expect(lines[0]!.outcome, context).toBe('refused');
      expect(lines[0]!.code, context).toMatch(/not_found$/);
    },
    request: (t) => ({
      headers: csv,
      payload: `id,type,account,occurredAt,amount,currency\nprobe-csv-event-${t.n},purchase,${t.account},2026-06-01T10:00:00Z,10.00,EUR\n`,
    }),
  },
  'POST /v1/rules/simulate': {
    // Evaluates without writing: a read key may simulate. Each event is refused alone.
    scope: 'read',
    refuses: refusesEachEvent(1),
    request: (t) => ({ payload: { events: [probeEvent(t)], rules: [probeRule(t)], mode: 'add' } }),
  },
  'POST /v1/rules/backtests': {
    // Evaluates stored events without writing: a read key may backtest; it names no other resource.
    scope: 'read',
    touchesTargets: false,
    request: (t) => ({
      payload: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', rules: [probeRule(t)] },
    }),
  },
  'POST /v1/event-types': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({
      payload: { type: `probe.type_${t.n}`, attributesSchema: { type: 'object' } },
    }),
  },
  'POST /v1/rules': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({ payload: { document: probeRule(t) } }),
  },
  'PUT /v1/rules/{ruleId}': {
    scope: 'admin',
    request: (t) => ({ params: { ruleId: t.rule }, payload: { document: probeRule(t) } }),
  },
  'POST /v1/fx-rates': {
    scope: 'admin',
    touchesTargets: false,
    request: () => ({ payload: { rates: [{ currency: 'USD', rate: '0.9', effectiveFrom: '2026-01-01' }] } }),
  },
  'POST /v1/fx-rates/import': {
    scope: 'admin',
    touchesTargets: false,
    request: () => ({ headers: csv, payload: 'currency,rate,effectiveFrom\nGBP,1.15,2026-01-01\n' }),
  },
  // Tier ladders.
  'POST /v1/tier-ladders': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({ payload: { document: probeLadder(t) } }),
  },
  'PUT /v1/tier-ladders/{ladderId}': {
    scope: 'admin',
    request: (t) => ({ payload: { document: probeLadder(t) } }),
  },
  'GET /v1/tier-ladders/{ladderId}/members': { request: () => ({ query: 'tier=silver' }) },
  'POST /v1/tier-ladders/{ladderId}/metric-values': {
    request: (t) => ({ payload: { values: [{ account: t.account, value: '100' }] } }),
  },
  'POST /v1/tier-ladders/{ladderId}/overrides': {
    scope: 'admin',
    request: (t) => ({ payload: { account: t.account, kind: 'freeze', reason: 'Probe freeze' } }),
  },
  // Lifts the freeze fresh targets put on the account.
  'DELETE /v1/tier-ladders/{ladderId}/overrides/{accountId}': { scope: 'admin', request: () => ({}) },
  'POST /v1/tiers/due-runs': { scope: 'admin', touchesTargets: false, request: () => ({ payload: {} }) },
  // Engagement.
  'POST /v1/badges': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({ payload: { code: `probe-${t.n}`, name: `Probe badge ${t.n}` } }),
  },
  'PATCH /v1/badges/{badgeCode}': {
    scope: 'admin',
    request: (t) => ({ payload: { name: `Probe badge ${t.n}` } }),
  },
  'POST /v1/accounts/{accountId}/badges': { request: (t) => ({ payload: { badge: t.badge } }) },
  'POST /v1/challenges': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({ payload: { code: `probe-${t.n}`, ...probeChallenge(t) } }),
  },
  'PUT /v1/challenges/{challengeCode}': { scope: 'admin', request: (t) => ({ payload: probeChallenge(t) }) },
  'GET /v1/challenges/{challengeCode}/progress': {
    request: (t) => ({ query: `account=${encodeURIComponent(t.account)}&asOf=2026-06-15T00:00:00Z` }),
  },
  'GET /v1/accounts/{accountId}/challenges': { request: () => ({ query: 'asOf=2026-06-15T00:00:00Z' }) },
  'POST /v1/engagement/due-runs': { scope: 'admin', touchesTargets: false, request: () => ({ payload: {} }) },
  'POST /v1/engagement/rewards-owed/{key}/retry': { scope: 'admin', request: () => ({ payload: {} }) },
  'POST /v1/engagement/rewards-owed/{key}/waive': {
    scope: 'admin',
    request: () => ({ payload: { reason: 'Probe: given by hand' } }),
  },
  'POST /v1/leaderboards': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({
      payload: {
        code: `probe-${t.n}`,
        name: `Probe board ${t.n}`,
        metric: 'points_earned',
        window: { kind: 'calendar', period: 'year' },
      },
    }),
  },
  'GET /v1/leaderboards/{leaderboardCode}/standings': {
    request: (t) => ({ query: `account=${encodeURIComponent(t.account)}&asOf=2026-06-15T00:00:00Z` }),
  },
  'PUT /v1/leaderboards/{leaderboardCode}/exclusions/{accountId}': {
    request: () => ({ payload: { reason: 'probe' } }),
  },
  'DELETE /v1/leaderboards/{leaderboardCode}/exclusions/{accountId}': { request: () => ({}) },
  'PUT /v1/leaderboards/{leaderboardCode}/contact-exclusions/{contactId}': {
    request: (t) => ({ params: { leaderboardCode: t.contactLeaderboard }, payload: { reason: 'probe' } }),
  },
  'DELETE /v1/leaderboards/{leaderboardCode}/contact-exclusions/{contactId}': {
    request: (t) => ({ params: { leaderboardCode: t.contactLeaderboard } }),
  },
  'POST /v1/insight/due-runs': { scope: 'admin', touchesTargets: false, request: () => ({ payload: {} }) },
  'POST /v1/surveys': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({ payload: { name: `Probe survey ${t.n}`, question: { default: 'Recommend us?' } } }),
  },
  'POST /v1/surveys/{surveyId}/close': { scope: 'admin', request: () => ({ payload: {} }) },
  'POST /v1/surveys/{surveyId}/links': { request: (t) => ({ payload: { contacts: [t.surveyContact] } }) },
  'POST /v1/surveys/{surveyId}/answers': {
    request: (t) => ({ payload: { contact: t.surveyContact, score: 9 } }),
  },
  // Partners.
  'POST /v1/referral-programs': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({ payload: probeReferralProgram(t, `probe-${t.n}`) }),
  },
  'PUT /v1/referral-programs/{referralProgram}': {
    scope: 'admin',
    request: (t) => {
      const { code: _code, ...document } = probeReferralProgram(t, t.referralProgram);
      return { payload: document };
    },
  },
  'POST /v1/referral-codes': {
    request: (t) => ({ payload: { account: t.account, referralProgram: t.referralProgram } }),
  },
  'PATCH /v1/referral-codes/{code}': { request: () => ({ payload: { active: true } }) },
  'POST /v1/referrals': { request: (t) => ({ payload: { code: t.referralCode, account: t.referable } }) },
  'POST /v1/referrals/{referralId}/approve': { scope: 'admin', request: () => ({ payload: {} }) },
  'POST /v1/referrals/{referralId}/reject': { scope: 'admin', request: () => ({ payload: {} }) },
  'POST /v1/claims': { request: (t) => ({ payload: probeClaim(t.account, `PROBE-INV-${t.n}`) }) },
  'POST /v1/claims/{claimId}/approve': { scope: 'admin', request: () => ({ payload: {} }) },
  'POST /v1/claims/{claimId}/reject': { scope: 'admin', request: () => ({ payload: {} }) },
  'POST /v1/automations': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({ payload: { code: `probe-automation-${t.n}`, ...probeAutomation(t) } }),
  },
  'PUT /v1/automations/{automationCode}': {
    scope: 'admin',
    request: (t) => ({ payload: probeAutomation(t) }),
  },
  // The firings across automations, filtered by program a's automation and account (decision 0051).
  'GET /v1/automation-firings': {
    request: (t) => ({
      query: `automation=${encodeURIComponent(t.automation)}&account=${encodeURIComponent(t.account)}`,
    }),
  },
  'POST /v1/challenges/{challengeCode}/enrolments': {
    request: (t) => ({ params: { challengeCode: t.optInChallenge }, payload: { account: t.account } }),
  },
  'POST /v1/leaderboards/{leaderboardCode}/refreshes': { scope: 'admin', request: () => ({ payload: {} }) },
  'POST /v1/accounts/{accountId}/entitlement-grants': {
    request: (t) => ({ payload: { key: `probe_perk_${t.n}`, reason: 'probe' } }),
  },
  'POST /v1/entitlement-grants/{grantId}/revoke': { request: () => ({ payload: {} }) },
  // A use of the probe plan's flag (decision 0056): counted, or refused for an account that holds none.
  'POST /v1/accounts/{accountId}/entitlements/{entitlementKey}/uses': {
    request: () => ({ params: { entitlementKey: 'vip_support' }, payload: { reference: 'probe' } }),
  },
  'POST /v1/relationships': {
    request: (t) => ({ payload: { type: 'manages', from: t.account, to: t.manageable } }),
  },
  'POST /v1/relationships/{relationshipId}/end': { request: () => ({ payload: {} }) },
  // Commissions and payout runs (decision 0032): plans, assignments and decisions are admin writes.
  'POST /v1/commission-plans': {
    scope: 'admin',
    touchesTargets: false,
    request: (t) => ({ payload: { code: `probe-plan-${t.n}`, ...probeCommissionPlan(t) } }),
  },
  'PUT /v1/commission-plans/{plan}': {
    scope: 'admin',
    request: (t) => ({ payload: probeCommissionPlan(t) }),
  },
  'PUT /v1/commission-partners/{account}': {
    scope: 'admin',
    request: (t) => ({ payload: { plan: t.commissionPlan } }),
  },
  'DELETE /v1/commission-partners/{account}': { scope: 'admin', request: () => ({}) },
  // An event the commission sweep skipped (decision 0055): the fixture's event, made skipped when fresh.
  'POST /v1/commission-sweep/skipped/{event}/retry': {
    scope: 'admin',
    request: (t) => ({ params: { event: t.event }, payload: {} }),
  },
  // A period long past (each request its own: a period is paid once); it names no resource.
  'POST /v1/payout-runs': { touchesTargets: false, request: () => ({ payload: { period: pastPeriod() } }) },
  'POST /v1/payout-runs/{runId}/approve': {
    scope: 'admin',
    request: (t) => ({ params: { runId: t.proposedRun }, payload: {} }),
  },
  'POST /v1/payout-runs/{runId}/cancel': {
    scope: 'admin',
    request: (t) => ({ params: { runId: t.proposedRun }, payload: {} }),
  },
  'POST /v1/payout-runs/{runId}/payouts/{payoutId}/status': {
    scope: 'admin',
    request: () => ({ payload: { status: 'sent', reference: 'PROBE-BANK-REF' } }),
  },
};

let api: TestApi;
let routes: Route[];
/**
 * The operator's routes act above any one program (decision 0024): no program key may call them, so
 * the program-scoped sweeps here do not apply; test/programs/operator.security.test.ts covers them.
 */
const OPERATOR_ROUTE = /^\/v1\/operator\//;
const sweptElsewhere = (path: string) => OPERATOR_ROUTE.test(path);
/** The routes this file knows how to call (a write route needs an entry in ROUTES). */
let callable: Route[];
let spec: { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>> };
/** Every response of this file, for the check that none gives away a key. */
const transcript: string[] = [];
let counter = 0;

// Program a's data, with values distinctive enough to be spotted anywhere in a response.
const A_EXTERNAL_ID = 'ALPHA-EXT-7731';
const A_NAME = 'Alpha Confidential Holdings';
const A_CHILD_NAME = 'Alpha Child Site';
const A_SEGMENT = 'alpha-only-segment';
const A_EMAIL = 'alice.confidential@alpha.example';
/** Program a's console user. */
const A_USER_EMAIL = 'victor.confidential@alpha.example';
/** An externalId that each program has an account of its own with. */
const SHARED_EXTERNAL_ID = 'EVERY-PROGRAM-1';

interface Fixture {
  accountId: string;
  childId: string;
  contactId: string;
  postedEntry: string;
  pendingEntry: string;
  apiKey: string;
  /** Program a's event: our id and the client's id. */
  eventId: string;
  eventExternalId: string;
  ruleId: string;
  ladderId: string;
  reward: string;
  codeReward: string;
  sessionReward: string;
  pendingRedemption: string;
  approvedRedemption: string;
  approver: string;
  charity: string;
  plan: string;
  pendingMembership: string;
  activeMembership: string;
  webhookEndpoint: string;
  webhookMessage: string;
  badge: string;
  challenge: string;
  leaderboard: string;
  contactLeaderboard: string;
  survey: string;
  referralProgram: string;
  referralCode: string;
  referral: string;
  claim: string;
  optInChallenge: string;
  automation: string;
  grant: string;
  relationship: string;
  manageable: string;
  user: string;
  commissionPlan: string;
  proposedRun: string;
  releasedRun: string;
  payout: string;
  rewardOwed: string;
}
let a: Fixture & { pricierReward: string };

/** Program a's rewards and charity, and the policy that makes its pricier reward wait for approval. */
async function rewardFixtures(accountId: string) {
  const none = 'rwd_00000000000000000000000000';
  if (!hasRoute('POST /v1/rewards')) {
    return {
      reward: none,
      pricierReward: none,
      codeReward: none,
      sessionReward: none,
      pendingRedemption: 'red_00000000000000000000000000',
      approvedRedemption: 'red_00000000000000000000000000',
      charity: 'chr_00000000000000000000000000',
    };
  }
  const reward = (type: string, price: number, stock: object) =>
    created(api.a.admin, '/v1/rewards', {
      type,
      name: `Alpha ${type}`,
      price: { amount: price, unit: 'points' },
      stock,
    });
  await api.services.programs.update(
    api.a.programId,
    {
      settings: { redemptions: { approval: { above: { points: 1 } } } },
    },
    FIXTURE,
  );
  await api.services.ledger.credit(api.a.programId, {
    key: 'fixture-cash',
    account: accountId,
    unit: 'EUR',
    amount: 100_000,
    reasonCode: 'fixture',
    explanation: 'Fixture cashback',
  });
  await api.services.ledger.credit(api.a.programId, {
    key: 'fixture-points',
    account: accountId,
    amount: 100_000,
    reasonCode: 'fixture',
    explanation: 'Fixture points',
  });
  return {
    reward: (await reward('custom', 1, { kind: 'unlimited' })).id,
    pricierReward: (await reward('merchandise', 2, { kind: 'unlimited' })).id,
    codeReward: (await reward('discount_code', 1, { kind: 'codes' })).id,
    sessionReward: (await reward('experience', 1, { kind: 'sessions' })).id,
    pendingRedemption: '',
    approvedRedemption: '',
    charity: (await created(api.a.admin, '/v1/charities', { name: 'Alpha Charity' })).id,
  };
}
let bAccountId: string;
let bContactId: string;

const hasRoute = (key: string) => routes.some((r) => r.key === key);

async function send(key: string | null, options: InjectOptions): Promise<LightMyRequestResponse> {
  const res = key === null ? await api.app.inject(options) : await api.call(key, options);
  transcript.push(`${res.statusCode} ${JSON.stringify(res.headers)} ${res.body}`);
  expect(res.statusCode, `${options.method} ${options.url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  return res;
}

async function created(key: string, url: string, payload: unknown, headers: Record<string, string> = {}) {
  const res = await send(key, { method: 'POST', url, payload: payload as object, headers });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(201);
  return res.json() as { id: string };
}

/** A ledger entry of the key's program on this account (or a placeholder id when there is no ledger). */
async function ledgerEntry(key: string, account: string, pending: boolean): Promise<string> {
  if (!hasRoute('POST /v1/ledger/credits')) return 'ent_00000000000000000000000000';
  const entry = await created(
    key,
    '/v1/ledger/credits',
    { account, amount: 50, pending, reasonCode: 'fixture', explanation: 'Fixture credit' },
    { 'idempotency-key': `fixture-${++counter}` },
  );
  return entry.id;
}

/** Program a's badge (awarded to its account), challenge and leaderboard (placeholders without engagement). */
async function engagementFixtures(account: string) {
  if (!hasRoute('POST /v1/badges'))
    return {
      badge: 'no-badge',
      challenge: 'no-challenge',
      leaderboard: 'no-leaderboard',
      contactLeaderboard: 'no-leaderboard',
      optInChallenge: 'no-challenge',
      automation: 'no-automation',
    };
  await created(api.a.admin, '/v1/badges', { code: 'alpha-badge', name: 'Alpha Badge' });
  await created(api.a.write, `/v1/accounts/${account}/badges`, { badge: 'alpha-badge' });
  await created(api.a.admin, '/v1/challenges', {
    code: 'alpha-challenge',
    ...probeChallenge({ n: 0 } as Targets),
    reward: { points: 1, badge: 'alpha-badge' },
  });
  await created(api.a.admin, '/v1/leaderboards', {
    code: 'alpha-board',
    name: 'Alpha Board',
    metric: 'qualifying_spend',
    window: { kind: 'calendar', period: 'year' },
  });
  await created(api.a.admin, '/v1/challenges', {
    code: 'alpha-own',
    ...probeChallenge({ n: 0 } as Targets),
    participant: 'contact',
    // Over before the tests run: the contact's open challenges (read as of now) stay the same.
    endsAt: '2026-04-01T00:00:00Z',
  });
  await created(api.a.admin, '/v1/leaderboards', {
    code: 'alpha-own-board',
    name: 'Alpha Own Board',
    metric: 'challenge_progress',
    challenge: 'alpha-own',
    window: { kind: 'calendar', period: 'year' },
  });
  await created(api.a.admin, '/v1/challenges', {
    code: 'alpha-opt-in',
    ...probeChallenge({ n: 0 } as Targets),
    enrolment: 'opt_in',
  });
  await created(api.a.admin, '/v1/automations', {
    code: 'alpha-automation',
    ...probeAutomation({ n: 0 } as Targets),
  });
  return {
    badge: 'alpha-badge',
    challenge: 'alpha-challenge',
    leaderboard: 'alpha-board',
    contactLeaderboard: 'alpha-own-board',
    optInChallenge: 'alpha-opt-in',
    automation: 'alpha-automation',
  };
}

/** Program a's entitlement grant on the account and a `manages` relationship from it (placeholders without them). */
async function configFixtures(account: string) {
  const grant = hasRoute('POST /v1/accounts/{accountId}/entitlement-grants')
    ? (await created(api.a.write, `/v1/accounts/${account}/entitlement-grants`, { key: 'alpha_perk' })).id
    : 'egr_none';
  return { grant, ...(await managed(account)) };
}

/** A relationship from the account to a new account, and another new account it does not manage yet. */
async function managed(account: string): Promise<{ relationship: string; manageable: string }> {
  if (!hasRoute('POST /v1/relationships')) return { relationship: 'rel_none', manageable: 'none' };
  const client = async () =>
    (await api.services.accounts.create(api.a.programId, { name: `Managed ${++counter}` }, FIXTURE)).id;
  const relationship = await created(api.a.write, '/v1/relationships', {
    type: 'manages',
    from: account,
    to: await client(),
  });
  return { relationship: relationship.id, manageable: await client() };
}

const NO_MEMBERSHIPS = { plan: 'mpl_none', pendingMembership: 'mem_none', activeMembership: 'mem_none' };

/** A fresh unused plan, a pending membership and an active one of program a (placeholders without memberships). */
async function memberships(account: string): Promise<typeof NO_MEMBERSHIPS> {
  if (!hasRoute('POST /v1/membership-plans')) return NO_MEMBERSHIPS;
  const n = ++counter;
  const plan = await created(api.a.admin, '/v1/membership-plans', probePlan(`Fixture ${n}`, 'contract'));
  const used = await created(api.a.admin, '/v1/membership-plans', probePlan(`Fixture used ${n}`, 'contract'));
  const vetted = await created(
    api.a.admin,
    '/v1/membership-plans',
    probePlan(`Fixture vetted ${n}`, 'approval'),
  );
  const join = (plan: string, via: string) =>
    created(
      api.a.write,
      '/v1/memberships',
      { account, plan, via, reference: `FIXTURE-${n}` },
      { 'idempotency-key': `fixture-join-${plan}` },
    );
  return {
    plan: plan.id,
    pendingMembership: (await join(vetted.id, 'approval')).id,
    activeMembership: (await join(used.id, 'contract')).id,
  };
}

/** A webhook endpoint of program a (subscribed to everything) and a message of its outbox. */
async function webhookFixtures(): Promise<{ webhookEndpoint: string; webhookMessage: string }> {
  if (!hasRoute('POST /v1/webhook-endpoints'))
    return { webhookEndpoint: 'whe_none', webhookMessage: 'msg_none' };
  const endpoint = await created(api.a.admin, '/v1/webhook-endpoints', {
    url: 'https://hooks.example.com/alpha',
  });
  const [message] = await api.database.transaction((tx) =>
    api.services.outbox.emit(tx, api.a.programId, [{ type: 'tier.changed', payload: { fixture: true } }]),
  );
  return { webhookEndpoint: endpoint.id, webhookMessage: message!.id };
}

/** Program a's resources as targets; the account (and event) given by our id or, with byExternalId, by the client's. */
function aTargets(byExternalId = false): Targets {
  return {
    n: ++counter,
    account: byExternalId ? A_EXTERNAL_ID : a.accountId,
    accountExternalId: A_EXTERNAL_ID,
    sibling: a.childId,
    contact: a.contactId,
    postedEntry: a.postedEntry,
    pendingEntry: a.pendingEntry,
    apiKey: a.apiKey,
    event: byExternalId ? a.eventExternalId : a.eventId,
    rule: a.ruleId,
    ladder: a.ladderId,

    reward: a.reward,
    codeReward: a.codeReward,
    sessionReward: a.sessionReward,
    pendingRedemption: a.pendingRedemption,
    approvedRedemption: a.approvedRedemption,
    approver: a.approver,
    charity: a.charity,
    plan: a.plan,
    pendingMembership: a.pendingMembership,
    activeMembership: a.activeMembership,
    webhookEndpoint: a.webhookEndpoint,
    webhookMessage: a.webhookMessage,
    badge: a.badge,
    challenge: a.challenge,
    leaderboard: a.leaderboard,
    contactLeaderboard: a.contactLeaderboard,
    survey: a.survey,
    surveyContact: a.contactId,
    referralProgram: a.referralProgram,
    referralCode: a.referralCode,
    referral: a.referral,
    claim: a.claim,
    referable: a.childId,
    optInChallenge: a.optInChallenge,
    automation: a.automation,
    grant: a.grant,
    relationship: a.relationship,
    manageable: a.manageable,
    user: a.user,
    commissionPlan: a.commissionPlan,
    proposedRun: a.proposedRun,
    releasedRun: a.releasedRun,
    payout: a.payout,
    rewardOwed: a.rewardOwed,
  };
}

/**
 * A completion of program a's challenge by its account that owes the unlimited reward (skipped when it
 * was paid): its key, for the retry and waive routes (a fresh one each, as each settles it).
 */
async function owedOf(): Promise<string> {
  if (!hasRoute('POST /v1/engagement/rewards-owed/{key}/retry') || a.challenge === 'no-challenge')
    return 'challenge:none:acc_none:2026';
  const windowKey = `fixture-${++counter}`;
  await api.database.db.insert(challengeCompletions).values({
    programId: api.a.programId,
    challengeCode: a.challenge,
    subjectId: a.accountId,
    accountId: a.accountId,
    windowKey,
    version: 1,
    windowStart: new Date('2026-01-01T00:00:00Z'),
    windowEnd: new Date('2026-04-01T00:00:00Z'),
    completedAt: new Date('2026-02-01T00:00:00Z'),
    rewardId: a.reward,
    rewardSkipped: 'Fixture is out of stock',
  });
  return `challenge:${a.challenge}:${a.accountId}:${windowKey}`;
}

/** A redemption of program a: waiting for approval (a reward above the threshold), or approved. */
async function redemptionOf(pending: boolean): Promise<string> {
  if (!hasRoute('POST /v1/redemptions')) return 'red_00000000000000000000000000';
  const r = await api.services.redemptions.request(
    api.a.programId,
    { reward: pending ? a.pricierReward : a.reward, account: a.accountId },
    { actor: FIXTURE, admin: false },
  );
  return r.redemption.id;
}

const NO_PARTNERS = {
  referralProgram: 'none',
  referralCode: 'NONE',
  referral: 'rfl_none',
  claim: 'clm_none',
};

/** Program a's referral program, a code of the account, a referral in review (of its child: the same group) and a claim. */
async function partnerFixtures(accountId: string, childId: string): Promise<typeof NO_PARTNERS> {
  if (!hasRoute('POST /v1/referral-programs')) return NO_PARTNERS;
  await created(
    api.a.admin,
    '/v1/referral-programs',
    probeReferralProgram({ n: 0 } as Targets, 'alpha-referrals'),
  );
  await created(api.a.write, '/v1/referral-codes', {
    account: accountId,
    referralProgram: 'alpha-referrals',
    code: 'ALPHA-CODE',
  });
  const referral = await created(api.a.write, '/v1/referrals', { code: 'ALPHA-CODE', account: childId });
  const claim = await api.services.partners.submitClaim(
    api.a.programId,
    probeClaim(accountId, 'ALPHA-INV-1'),
    FIXTURE,
  );
  return {
    referralProgram: 'alpha-referrals',
    referralCode: 'ALPHA-CODE',
    referral: referral.id,
    claim: claim.id,
  };
}

/** A referral in review, a submitted claim and an account nobody referred, for a's own writes to succeed on. */
async function freshPartnerTargets(route?: Route) {
  if (!route || !hasRoute('POST /v1/referral-programs')) return {};
  const account = (name: string, parentId?: string) =>
    api.services.accounts.create(api.a.programId, { name, ...(parentId ? { parentId } : {}) }, FIXTURE);
  const n = ++counter;
  if (route.path.includes('{referralId}')) {
    const child = await account(`Fresh site ${n}`, a.accountId);
    const referral = await api.services.partners.attribute(
      api.a.programId,
      { code: a.referralCode, account: child.id },
      FIXTURE,
    );
    return { referral: referral.id };
  }
  if (route.path.includes('{claimId}')) {
    const claim = await api.services.partners.submitClaim(
      api.a.programId,
      probeClaim(a.accountId, `FRESH-INV-${n}`),
      FIXTURE,
    );
    return { claim: claim.id };
  }
  if (route.path === '/v1/referrals') return { referable: (await account(`Fresh prospect ${n}`)).id };
  return {};
}

const NO_COMMISSIONS = {
  commissionPlan: 'none',
  proposedRun: 'prn_none',
  releasedRun: 'prn_none',
  payout: 'ppo_none',
};
/** Who approves the fixtures' payout runs: not FIXTURE, who proposes them (maker-checker). */
const CHECKER = systemActor('fixture-checker');

/** A payout run of a long-past period, proposed by FIXTURE (another actor than every key). */
async function proposedRunOf(period = pastPeriod()) {
  return api.services.partners.proposePayoutRun(api.a.programId, { period }, FIXTURE);
}

/**
 * Program a's commission plan (5.00 EUR per conversion, 10% of purchases, nothing held) with the
 * account on it, a business it referred that bought (a partner owed cash), the run of this month
 * approved by another actor (a released, pending payout), and a proposed run of a past period.
 */
async function commissionFixtures(accountId: string): Promise<typeof NO_COMMISSIONS> {
  if (!hasRoute('POST /v1/commission-plans') || !hasRoute('POST /v1/referral-programs'))
    return NO_COMMISSIONS;
  await created(api.a.admin, '/v1/commission-plans', {
    code: 'alpha-commissions',
    ...probeCommissionPlan({ n: 0 } as Targets),
    revenue: { eventTypes: ['purchase'], rate: '10', period: 'month', months: null },
  });
  const assigned = await send(api.a.admin, {
    method: 'PUT',
    url: `/v1/commission-partners/${accountId}`,
    payload: { plan: 'alpha-commissions' },
  });
  expect(assigned.statusCode, assigned.body).toBe(200);
  const referred = await api.services.accounts.create(
    api.a.programId,
    { name: 'Alpha Referred Co' },
    FIXTURE,
  );
  await created(api.a.write, '/v1/referrals', { code: 'ALPHA-CODE', account: referred.id });
  await created(api.a.write, '/v1/events', {
    id: 'ALPHA-REFERRED-SALE',
    type: 'purchase',
    account: referred.id,
    occurredAt: new Date().toISOString(),
    amount: '200.00',
    currency: 'EUR',
  });
  const { timeZone } = await api.services.programs.get(api.a.programId);
  const month = periodContaining(new Date(), 'month', timeZone).key;
  const { releasedRun, payout } = await releasedPayoutOf(month);
  return {
    commissionPlan: 'alpha-commissions',
    proposedRun: (await proposedRunOf()).id,
    releasedRun,
    payout,
  };
}

/** A run of the period proposed by FIXTURE and approved by CHECKER: its one payout is pending. */
async function releasedPayoutOf(period: string) {
  const run = await api.services.partners.proposePayoutRun(api.a.programId, { period }, FIXTURE);
  expect(run.payouts.length, JSON.stringify(run)).toBe(1);
  const approved = await api.services.partners.approvePayoutRun(api.a.programId, run.id, {}, CHECKER);
  expect(approved.payouts[0]!.status).toBe('pending');
  return { releasedRun: run.id, payout: approved.payouts[0]!.id };
}

/**
 * Fresh commission targets for a's own writes to succeed on: a partner on the plan to take off it, a
 * proposed run to approve or cancel, a released payout to mark sent. A fresh payout needs a partner
 * owed cash in a period no run paid yet: a past one, so its line is written here as the port would
 * (with a due date in that period) and its wallet credited, since events only write lines due now.
 */
async function freshCommissionTargets(route?: Route) {
  if (route?.key === 'POST /v1/commission-sweep/skipped/{event}/retry') {
    // As the sweep leaves an event it failed on 3 times; its retry goes through (it pays nothing).
    await api.database.db.execute(
      sql`insert into commission_sweep_skips (program_id, event_id, external_id, received_at, attempts, last_error, skipped_at)
          values (${api.a.programId}, ${a.eventId}, ${a.eventExternalId}, now()::text, 3, 'fixture', now())
          on conflict (program_id, event_id) do update set skipped_at = now()`,
    );
    return {};
  }
  if (!route || !hasRoute('POST /v1/commission-plans') || a.commissionPlan === 'none') return {};
  const n = ++counter;
  const partner = () =>
    api.services.accounts.create(api.a.programId, { name: `Fresh partner ${n}` }, FIXTURE);
  if (route.key === 'DELETE /v1/commission-partners/{account}') {
    const fresh = await partner();
    await api.services.partners.assignCommissionPlan(api.a.programId, fresh.id, a.commissionPlan, FIXTURE);
    return { account: fresh.id };
  }
  if (route.path.endsWith('/approve') && route.path.startsWith('/v1/payout-runs'))
    return { proposedRun: (await proposedRunOf()).id };
  if (route.path.endsWith('/cancel') && route.path.startsWith('/v1/payout-runs'))
    return { proposedRun: (await proposedRunOf()).id };
  if (route.path.includes('{payoutId}') && route.method !== 'GET') {
    const fresh = await partner();
    const period = pastPeriod();
    const due = new Date(`${period}-15T12:00:00Z`);
    await api.database.db.insert(commissionLines).values({
      programId: api.a.programId,
      id: `cml_fresh_${n}`,
      key: `fixture:fresh-line:${n}`,
      partnerAccountId: fresh.id,
      planCode: a.commissionPlan,
      planVersion: 1,
      kind: 'fixed',
      unit: 'EUR',
      amount: 500,
      remaining: 500,
      explanation: 'Fixture: a fixed commission of a past period',
      dueAt: due,
      occurredAt: due,
    });
    await api.services.ledger.credit(api.a.programId, {
      key: `fixture-fresh-commission-${n}`,
      account: fresh.id,
      unit: 'EUR',
      amount: 500,
      reasonCode: 'commission',
      explanation: "Fixture: the fresh line's credit",
    });
    return releasedPayoutOf(period);
  }
  return {};
}

/** Fresh targets in program a that a request of a's own keys can succeed on (new open entries, a freeze to lift, redemptions to act on). */
async function freshATargets(route?: Route): Promise<Targets> {
  if (hasRoute('POST /v1/tier-ladders/{ladderId}/overrides'))
    await api.services.tiers.override(
      api.a.programId,
      a.ladderId,
      { account: a.accountId, kind: 'freeze', reason: 'Fixture freeze' },
      FIXTURE,
    );
  // A new redemption only for the routes that act on one (each costs a ledger write): a pending one
  // to approve, reject or cancel, an approved one to fulfil or fail.
  const acts = (...verbs: string[]) =>
    route === undefined ||
    (route.path.includes('{redemptionId}') && verbs.some((v) => route.path.endsWith(v)));
  return {
    ...aTargets(),
    postedEntry: await ledgerEntry(api.a.write, a.accountId, false),
    pendingEntry: await ledgerEntry(api.a.write, a.accountId, true),
    apiKey: (await api.services.keys.create(api.a.programId, `fresh ${counter}`, ['read'], FIXTURE)).key.id,
    pendingRedemption: acts('/approve', '/reject', '/cancel')
      ? await redemptionOf(true)
      : a.pendingRedemption,
    approvedRedemption: acts('/fulfil', '/fail') ? await redemptionOf(false) : a.approvedRedemption,
    ...(await memberships(a.accountId)),
    ...(await freshPartnerTargets(route)),
    ...(await freshCommissionTargets(route)),
    ...(route?.path.includes('/rewards-owed/') && { rewardOwed: await owedOf() }),
    // A relationship to end, and an account to newly manage (each pair is managed once).
    ...(route?.path.startsWith('/v1/relationships') && (await managed(a.accountId))),
    // A survey of its own and a contact who has not answered (an answer is once per contact; a close is final).
    ...(route?.path.includes('{surveyId}') && {
      survey: (
        await created(api.a.admin, '/v1/surveys', {
          name: `Fresh survey ${counter}`,
          question: { default: 'Recommend?' },
        })
      ).id,
      surveyContact: (
        await created(api.a.write, `/v1/accounts/${a.accountId}/contacts`, {
          email: `fresh-${counter}@alpha.example`,
        })
      ).id,
    }),
  };
}

function neededScope(route: Route): Scope {
  return ROUTES[route.key]?.scope ?? (route.method === 'GET' ? 'read' : 'write');
}

/** The request of a route aimed at the targets. */
function requestOf(route: Route, t: Targets): InjectOptions & { url: string } {
  const spec = ROUTES[route.key];
  if (route.method !== 'GET' && !spec?.request)
    throw new Error(`No request for ${route.key}: add it to ROUTES`);
  const custom = spec?.request?.(t) ?? {};
  const params: Record<string, string> = {
    accountId: t.account,
    account: t.account,
    contactId: t.contact,
    entryId: t.postedEntry,
    keyId: t.apiKey,
    rewardId: t.reward,
    redemptionId: t.pendingRedemption,
    charityId: t.charity,
    unit: 'points',
    eventId: t.event,
    ruleId: t.rule,
    ladderId: t.ladder,
    planId: t.plan,
    membershipId: t.activeMembership,
    entitlementKey: 'vip_support',
    endpointId: t.webhookEndpoint,
    badgeCode: t.badge,
    challengeCode: t.challenge,
    leaderboardCode: t.leaderboard,
    surveyId: t.survey,
    period: '2026-01',
    referralProgram: t.referralProgram,
    code: t.referralCode,
    referralId: t.referral,
    claimId: t.claim,
    automationCode: t.automation,
    grantId: t.grant,
    relationshipId: t.relationship,
    userId: t.user,
    plan: t.commissionPlan,
    runId: t.releasedRun,
    payoutId: t.payout,
    key: t.rewardOwed,
    ...custom.params,
  };
  const url = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`No value for path parameter {${name}} of ${route.key}: add it`);
    return encodeURIComponent(value);
  });
  return {
    method: route.method,
    url: custom.query === undefined ? url : `${url}?${custom.query}`,
    payload: custom.payload as object,
    headers: custom.headers,
  };
}

/** What program a's admin key reads on every GET route: nothing in this file may change it unasked. */
async function aState(): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  const t = aTargets();
  for (const route of routes.filter((r) => r.method === 'GET')) {
    const res = await send(api.a.admin, requestOf(route, t));
    expect(res.statusCode, route.key).toBe(200);
    // An answer "as of now" differs by its timestamp alone, a ranking's freshness by its age.
    // CSV exports are compared as text.
    state[route.key] = String(res.headers['content-type']).startsWith('text/csv')
      ? res.body
      : JSON.parse(res.body, (k, v) => (k === 'asOf' || k === 'ageSeconds' ? undefined : v));
  }
  return state;
}

/** Strings that only program a's data contains. */
function aMarkers(): string[] {
  return [
    api.a.programId,
    a.accountId,
    a.childId,
    a.contactId,
    A_EXTERNAL_ID,
    A_NAME,
    A_CHILD_NAME,
    A_SEGMENT,
    A_EMAIL,
    ...(hasRoute('POST /v1/ledger/credits') ? [a.postedEntry, a.pendingEntry] : []),
    ...(hasRoute('POST /v1/events') ? [a.eventId, a.eventExternalId, a.ruleId] : []),
    ...(hasRoute('POST /v1/tier-ladders') ? [a.ladderId] : []),
    ...(hasRoute('POST /v1/redemptions')
      ? [a.reward, a.codeReward, a.sessionReward, a.pendingRedemption, a.approvedRedemption, a.charity]
      : []),
    ...(hasRoute('POST /v1/membership-plans') ? [a.plan, a.pendingMembership, a.activeMembership] : []),
    ...(hasRoute('POST /v1/webhook-endpoints') ? [a.webhookEndpoint, a.webhookMessage] : []),
    ...(hasRoute('POST /v1/referral-programs') ? [a.referral, a.claim] : []),
    ...(hasRoute('POST /v1/users') ? [a.user, A_USER_EMAIL] : []),
    ...(a.commissionPlan !== 'none' ? [a.proposedRun, a.releasedRun, a.payout] : []),
  ];
}

function expectNoneOf(body: string, markers: string[], context: string): void {
  const found = markers.filter((m) => body.includes(m) || body.includes(encodeURIComponent(m)));
  expect(found, `${context} leaks ${found.join(', ')}: ${body.slice(0, 300)}`).toEqual([]);
}

/** The markers a request itself carries (a 404 may repeat the reference it was given). */
function sentIn(options: InjectOptions & { url: string }): string[] {
  const sent = `${decodeURIComponent(options.url)} ${typeof options.payload === 'string' ? options.payload : JSON.stringify(options.payload ?? '')}`;
  return aMarkers().filter((m) => sent.includes(m));
}

beforeAll(async () => {
  api = await testApi();
  spec = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  routes = Object.entries(spec.paths)
    .filter(([path]) => path.startsWith('/v1/') && !sweptElsewhere(path))
    .flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase() as Method, path, key: `${m.toUpperCase()} ${path}` })),
    )
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)); // the order of servedRoutes()
  callable = routes.filter((r) => r.method === 'GET' || ROUTES[r.key]?.request);

  const account = await created(api.a.write, '/v1/accounts', {
    externalId: A_EXTERNAL_ID,
    name: A_NAME,
    segment: A_SEGMENT,
  });
  const child = await created(api.a.write, '/v1/accounts', { name: A_CHILD_NAME, parentId: account.id });
  const contact = await created(api.a.write, `/v1/accounts/${account.id}/contacts`, { email: A_EMAIL });
  const rule = await created(api.a.admin, '/v1/rules', {
    document: {
      name: 'Alpha earning rule',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    },
    effectiveFrom: '2026-01-01T00:00:00Z',
  });
  const event = (await created(api.a.write, '/v1/events', {
    id: 'ALPHA-EVENT-5521',
    type: 'purchase',
    account: account.id,
    occurredAt: '2026-06-01T10:00:00Z',
    amount: '25.00',
    currency: 'EUR',
  })) as unknown as { id: string; internalId: string };
  const approver = await created(api.a.write, `/v1/accounts/${account.id}/contacts`, {
    email: 'approver@alpha.example',
    role: 'approver',
  });
  a = {
    accountId: account.id,
    childId: child.id,
    contactId: contact.id,
    postedEntry: await ledgerEntry(api.a.write, account.id, false),
    pendingEntry: await ledgerEntry(api.a.write, account.id, true),
    apiKey: (await api.services.keys.create(api.a.programId, 'target', ['read'], FIXTURE)).key.id,
    eventId: event.internalId,
    eventExternalId: event.id,
    ruleId: rule.id,
    ladderId: hasRoute('POST /v1/tier-ladders')
      ? (
          await created(api.a.admin, '/v1/tier-ladders', {
            document: {
              name: 'Alpha ladder',
              metric: 'operator_value',
              window: { kind: 'calendar_year' },
              tiers: [
                { code: 'silver', name: 'Silver', threshold: '0' },
                { code: 'gold', name: 'Gold', threshold: '1000' },
              ],
            },
          })
        ).id
      : 'tld_00000000000000000000000000',
    ...(await rewardFixtures(account.id)),
    approver: approver.id,
    ...(await memberships(account.id)),
    ...(await webhookFixtures()),
    ...(await engagementFixtures(account.id)),
    ...(await partnerFixtures(account.id, child.id)),
    ...(await configFixtures(account.id)),
    ...(await commissionFixtures(account.id)),
    user: (
      await api.services.users.create(
        api.a.programId,
        { email: A_USER_EMAIL, password: 'alpha-user-password', role: 'viewer' },
        FIXTURE,
      )
    ).id,
    survey: hasRoute('POST /v1/surveys')
      ? (
          await created(api.a.admin, '/v1/surveys', {
            name: 'Alpha survey',
            question: { default: 'Recommend Alpha?' },
          })
        ).id
      : 'srv_00000000000000000000000000',
    rewardOwed: '',
  };
  a.pendingRedemption = await redemptionOf(true);
  a.rewardOwed = await owedOf();
  a.approvedRedemption = await redemptionOf(false);
  bAccountId = (await created(api.b.write, '/v1/accounts', { externalId: 'BRAVO-1', name: 'Bravo Own' })).id;
  bContactId = (
    await created(api.b.write, `/v1/accounts/${bAccountId}/contacts`, { email: 'bob@bravo.example' })
  ).id;
  for (const key of [api.a.write, api.b.write]) {
    await created(key, '/v1/accounts', { externalId: SHARED_EXTERNAL_ID, name: 'Own Import Target' });
  }
});

describe('route coverage', () => {
  it('checks exactly the /v1 routes the server answers', () => {
    const served = servedRoutes(api.app).filter((r) => {
      const path = r.split(' ')[1]!;
      return path.startsWith('/v1/') && !sweptElsewhere(path);
    });
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.map((r) => r.key)).toEqual(served);
  });

  it('knows how to call every write route, and lists no route the server does not have', () => {
    const writes = routes.filter((r) => r.method !== 'GET').map((r) => r.key);
    expect(writes.filter((k) => !ROUTES[k]?.request)).toEqual([]);
    const known = new Set(routes.map((r) => r.key));
    // Entries for routes that are gone would leave a false sense of coverage (the ledger's are optional).
    const stale = Object.keys(ROUTES).filter((k) => !known.has(k) && !/\/v1\/(ledger|audit)\b/.test(k));
    expect(stale).toEqual([]);
  });
});

describe("program b's admin key against program a's resources", () => {
  it('answers 404 on every route that addresses one of them by path, and shows none of their data', async () => {
    const before = await aState();
    const addressed = callable.filter((r) => r.path.includes('{'));
    expect(addressed.length).toBeGreaterThan(0);
    for (const route of addressed) {
      for (const targets of [aTargets(), aTargets(true)]) {
        const request = requestOf(route, targets);
        const res = await send(api.b.admin, request);
        const context = `${route.key} as ${request.url}`;
        expect(res.statusCode, `${context}: ${res.body.slice(0, 200)}`).toBe(404);
        expect(res.json().code, context).toMatch(/not_found$/);
        expectNoneOf(
          res.body,
          aMarkers().filter((m) => !sentIn(request).includes(m)),
          context,
        );
        if (route.method === 'GET') {
          const head = await send(api.b.admin, { ...request, method: 'HEAD' });
          expect(head.statusCode, `HEAD ${request.url}`).toBe(404);
        }
      }
    }
    expect(await aState()).toEqual(before);
  });

  it("refuses every write aimed at program a's resources in its body, or acts on program b's own data only", async () => {
    const before = await aState();
    const writes = callable.filter((r) => r.method !== 'GET' && !r.path.includes('{'));
    expect(writes.length).toBeGreaterThan(0);
    for (const route of writes) {
      for (const targets of [aTargets(), aTargets(true)]) {
        const request = requestOf(route, targets);
        const res = await send(api.b.admin, request);
        const context = `${route.key} → ${res.statusCode} ${res.body.slice(0, 200)}`;
        if (ROUTES[route.key]?.touchesTargets === false) {
          expect(res.statusCode, context).toBeLessThan(300);
        } else {
          (ROUTES[route.key]?.refuses ?? refusesAsNotFound)(res, context);
        }
        expectNoneOf(
          res.body,
          aMarkers().filter((m) => !sentIn(request).includes(m)),
          route.key,
        );
      }
    }
    expect(await aState()).toEqual(before);
  });

  it("lists only program b's data on every list route, whatever filter names program a's data", async () => {
    const lists = routes.filter(
      (r) => r.method === 'GET' && !r.path.includes('{') && r.path !== '/v1/program',
    );
    expect(lists.length).toBeGreaterThan(0);
    for (const route of lists) {
      const plain = await send(api.b.admin, { method: 'GET', url: route.path });
      expect(plain.statusCode, route.key).toBe(200);
      expectNoneOf(plain.body, aMarkers(), route.key);

      // Each query parameter, given each of program a's identifying values.
      const names = (spec.paths[route.path]!.get!.parameters ?? [])
        .filter((p) => p.in === 'query' && p.name !== 'cursor')
        .map((p) => p.name);
      for (const name of names) {
        for (const value of aMarkers()) {
          const url = `${route.path}?${name}=${encodeURIComponent(value)}`;
          const res = await send(api.b.admin, { method: 'GET', url });
          expect([200, 400, 404], `${url}: ${res.body.slice(0, 200)}`).toContain(res.statusCode);
          if (res.statusCode === 200 && Array.isArray(res.json().data))
            expect(res.json().data, url).toEqual([]);
          if (res.statusCode !== 200) expect(res.json().code).toMatch(/^(validation_failed|.*not_found)$/);
          expectNoneOf(
            res.body,
            aMarkers().filter((m) => m !== value),
            url,
          );
        }
      }
    }
    // The filters do not simply hide everything: program b sees its own.
    const own = await send(api.b.read, { method: 'GET', url: '/v1/accounts' });
    expect(own.json().data.map((x: { id: string }) => x.id)).toContain(bAccountId);
    const contacts = await send(api.b.read, { method: 'GET', url: '/v1/contacts' });
    expect(contacts.json().data.map((x: { id: string }) => x.id)).toEqual([bContactId]);
    // Every list route with each filter naming program a's data: it grows with every module's routes.
  }, 120_000);

  it("answers /v1/program with program b's own program, for reads and for changes", async () => {
    const before = await aState();
    const read = await send(api.b.admin, { method: 'GET', url: '/v1/program' });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: api.b.programId, name: 'Program B' });
    expectNoneOf(read.body, aMarkers(), 'GET /v1/program');

    const changed = await send(api.b.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { name: 'Program B, renamed' },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ id: api.b.programId, name: 'Program B, renamed' });
    expectNoneOf(changed.body, aMarkers(), 'PATCH /v1/program');
    expect(await aState()).toEqual(before);
    const restored = await send(api.b.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { name: 'Program B' },
    });
    expect(restored.statusCode).toBe(200);
  });

  it("cannot hang its account under program a's account, nor move its contact there", async () => {
    const before = await aState();
    for (const ref of [a.accountId, A_EXTERNAL_ID]) {
      const moved = await send(api.b.admin, {
        method: 'PATCH',
        url: `/v1/accounts/${bAccountId}`,
        payload: { parentId: ref },
      });
      expect(moved.statusCode).toBe(422);
      expect(moved.json().code).toBe('parent_not_found');
      const contact = await send(api.b.admin, {
        method: 'PATCH',
        url: `/v1/contacts/${bContactId}`,
        payload: { accountId: ref },
      });
      expect(contact.statusCode).toBe(404);
      expect(contact.json().code).toBe('account_not_found');
    }
    expect(await aState()).toEqual(before);
  });

  it("keeps externalIds and emails per program: b's records with a's values are b's own, a's untouched", async () => {
    const before = await aState();
    const account = await send(api.b.admin, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { name: 'Bravo Namesake', externalId: A_EXTERNAL_ID },
    });
    expect(account.statusCode).toBe(201);
    expect(account.json().id).not.toBe(a.accountId);
    const contact = await send(api.b.admin, {
      method: 'POST',
      url: `/v1/accounts/${bAccountId}/contacts`,
      payload: { email: A_EMAIL.toUpperCase() },
    });
    expect(contact.statusCode).toBe(201);
    expect(contact.json().id).not.toBe(a.contactId);
    // b's key now reaches b's namesake, never a's account.
    const read = await send(api.b.admin, { method: 'GET', url: `/v1/accounts/${A_EXTERNAL_ID}` });
    expect(read.json()).toMatchObject({ id: account.json().id, name: 'Bravo Namesake' });

    const imported = await send(api.b.admin, {
      method: 'POST',
      url: '/v1/imports/contacts',
      headers: csv,
      payload: `email,accountExternalId,name\n${A_EMAIL},${A_EXTERNAL_ID},Imported Into B\n`,
    });
    expect(imported.statusCode).toBe(200);
    // The email exists in b (just created), so b's contact is updated; a's is not touched.
    expect(imported.json()).toMatchObject({ created: 0, updated: 1 });
    expect(await aState()).toEqual(before);
  });

  it("replays no response of program a to program b's identical keyed request", async () => {
    const request: InjectOptions = {
      method: 'POST',
      url: '/v1/accounts',
      headers: { 'idempotency-key': 'tenant-probe' },
      payload: { name: 'Keyed Twin' },
    };
    const inA = await send(api.a.write, request);
    const inB = await send(api.b.write, request);
    expect([inA.statusCode, inB.statusCode]).toEqual([201, 201]);
    expect(inB.headers['idempotent-replayed']).toBeUndefined();
    expect(inB.json().id).not.toBe(inA.json().id);
  });
});

describe('authentication', () => {
  async function expectEveryRoute401(authorization: string | undefined, code: string): Promise<void> {
    const before = await aState();
    for (const route of callable) {
      const request = requestOf(route, aTargets());
      const headers = { ...(request.headers as Record<string, string> | undefined) };
      if (authorization !== undefined) headers.authorization = authorization;
      const res = await send(null, { ...request, headers });
      expect(res.statusCode, `${route.key} with ${authorization ?? 'no Authorization'}`).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code, route.key).toBe(code);
      expectNoneOf(
        res.body,
        aMarkers().filter((m) => !sentIn(request).includes(m)),
        route.key,
      );
    }
    expect(await aState()).toEqual(before);
  }

  it('answers 401 unauthenticated on every /v1 route without an Authorization header', async () => {
    await expectEveryRoute401(undefined, 'unauthenticated');
  });

  it('answers 401 unauthenticated on every /v1 route to an Authorization header that is not Bearer', async () => {
    for (const header of [
      'Basic YWRtaW46YWRtaW4=',
      'Bearer',
      'Bearer ',
      api.a.admin,
      `Token ${api.a.admin}`,
    ]) {
      await expectEveryRoute401(header, 'unauthenticated');
    }
  });

  it('answers 401 invalid_api_key on every /v1 route to a key that does not exist', async () => {
    for (const key of [
      'fdl_neverIssued000000000000000000000000000',
      `${api.a.admin}x`,
      api.a.admin.slice(0, -1),
    ]) {
      await expectEveryRoute401(`Bearer ${key}`, 'invalid_api_key');
    }
  });

  it('answers 401 invalid_api_key on every /v1 route once a key is revoked', async () => {
    const { secret, key } = await api.services.keys.create(
      api.a.programId,
      'to be revoked',
      ['admin'],
      FIXTURE,
    );
    const before = await send(secret, { method: 'GET', url: '/v1/program' });
    expect(before.statusCode).toBe(200);
    await api.services.keys.revoke(api.a.programId, key.id, FIXTURE);
    await expectEveryRoute401(`Bearer ${secret}`, 'invalid_api_key');
    // The program's other keys still work.
    expect((await send(api.a.admin, { method: 'GET', url: '/v1/program' })).statusCode).toBe(200);
  });

  it('accepts the scheme name in any case, as RFC 9110 allows', async () => {
    const res = await send(null, {
      method: 'GET',
      url: '/v1/program',
      headers: { authorization: `bearer ${api.a.read}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(api.a.programId);
  });
});

describe('scopes', () => {
  const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

  it('refuses every POST and PATCH to a read key with 403 insufficient_scope, changing nothing', async () => {
    const before = await aState();
    const writes = callable.filter((r) => r.method !== 'GET');
    expect(writes.map((r) => r.method)).toEqual(expect.arrayContaining(['POST', 'PATCH']));
    for (const route of writes) {
      const res = await send(api.a.read, requestOf(route, aTargets()));
      if (neededScope(route) === 'read') {
        // A POST that only reads (a simulation) is a read key's to make; it changes nothing either.
        expect(res.statusCode, `${route.key} with a read key: ${res.body.slice(0, 200)}`).toBe(200);
        continue;
      }
      expect(res.statusCode, `${route.key} with a read key`).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe('insufficient_scope');
    }
    expect(await aState()).toEqual(before);
  });

  it('refuses PATCH /v1/program to a write key with 403, and lets an admin key change it', async () => {
    const before = await aState();
    const refused = await send(api.a.write, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { name: 'Write Key Was Here' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('insufficient_scope');
    expect(await aState()).toEqual(before);

    const allowed = await send(api.a.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { name: 'Admin Was Here' },
    });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().name).toBe('Admin Was Here');
    const read = await send(api.a.read, { method: 'GET', url: '/v1/program' });
    expect(read.json().name).toBe('Admin Was Here');
  });

  it('lets each key do exactly what its scope allows on every route (read < write < admin)', async () => {
    for (const route of callable) {
      const needed = neededScope(route);
      for (const scope of ['read', 'write', 'admin'] as const) {
        const allowed = RANK[scope] >= RANK[needed];
        // Program a's own resources; a write that is allowed gets fresh ones to succeed on.
        const targets = allowed && route.method !== 'GET' ? await freshATargets(route) : aTargets();
        const res = await send(api.a[scope], requestOf(route, targets));
        const context = `${route.key} with a ${scope} key → ${res.statusCode} ${res.body.slice(0, 200)}`;
        if (allowed) {
          expect(res.statusCode, context).toBeGreaterThanOrEqual(200);
          expect(res.statusCode, context).toBeLessThan(300);
        } else {
          expect(res.statusCode, context).toBe(403);
          expect(res.json().code).toBe('insufficient_scope');
        }
      }
    }
    // Three calls per route and fresh targets per allowed write: it grows with every module's routes
    // (a shared 2-core machine took over 120 s).
  }, 300_000);
});

describe('secrets', () => {
  it('never answers a key secret or key hash, in any response of this file', async () => {
    // The public documents too.
    await send(null, { method: 'GET', url: '/openapi.json' });
    await send(null, { method: 'GET', url: '/docs/' });
    const { secret } = await api.services.keys.create(api.a.programId, 'watched', ['read'], FIXTURE);
    await send(secret, { method: 'GET', url: '/v1/program' });
    await send(secret, { method: 'POST', url: '/v1/accounts', payload: { name: 'No Scope' } });

    const secrets = [api.a, api.b].flatMap((p) => [p.read, p.write, p.admin]).concat(secret);
    const hashes = secrets.map((s) => createHash('sha256').update(s).digest('hex'));
    expect(transcript.length).toBeGreaterThan(100);
    for (const entry of transcript) {
      for (const value of [...secrets, ...hashes, ...secrets.map((s) => Buffer.from(s).toString('base64'))]) {
        expect(
          entry.includes(value),
          `a response contains ${value.slice(0, 8)}…: ${entry.slice(0, 200)}`,
        ).toBe(false);
      }
      // POST /v1/keys answers the new key's secret once, by design (and only that key's); nothing else may.
      // (The OpenAPI document names the field in the schema of that answer.)
      if (entry.includes('"openapi":"3.1.0"')) continue;
      // So do POST /v1/webhook-endpoints and its rotate-secret, with the endpoint's signing secret.
      const createdSecrets =
        (entry.includes('"secret":"fdl_') && entry.includes('"prefix":"fdl_')) ||
        (entry.includes('"secret":"whsec_') && entry.includes('"id":"whe_'))
          ? 1
          : 0;
      const matches = entry.match(/"(hash|keyHash|secret|secretKey)"\s*:/gi) ?? [];
      expect(matches.length, entry.slice(0, 200)).toBe(createdSecrets);
      expect(entry).not.toMatch(/"(hash|keyHash)"\s*:/i);
    }
  });

  it('shows a secret created through the API once, and never again', async () => {
    const res = await send(api.a.admin, {
      method: 'POST',
      url: '/v1/keys',
      payload: { name: 'once', scopes: ['read'] },
    });
    expect(res.statusCode).toBe(201);
    const { secret, key } = res.json() as { secret: string; key: { id: string; prefix: string } };
    expect(secret.startsWith(key.prefix)).toBe(true);
    const reading = await send(secret, { method: 'GET', url: '/v1/program' });
    expect(reading.statusCode).toBe(200);
    const list = await send(api.a.admin, { method: 'GET', url: '/v1/keys' });
    expect(list.body.includes(secret)).toBe(false);
    expect(list.json().data.map((k: { id: string }) => k.id)).toContain(key.id);
    const revoked = await send(api.a.admin, { method: 'DELETE', url: `/v1/keys/${key.id}` });
    expect(revoked.json().revokedAt).not.toBeNull();
    expect((await send(secret, { method: 'GET', url: '/v1/program' })).statusCode).toBe(401);
    const audit = await send(api.a.admin, { method: 'GET', url: `/v1/audit?resourceId=${key.id}` });
    expect(audit.json().data.map((e: { action: string }) => e.action)).toEqual(['key.revoke', 'key.create']);
    expect(audit.body.includes(secret)).toBe(false);
  });
});
