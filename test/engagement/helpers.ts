// Test helpers for the engagement suites: a fresh program per scenario (a due run covers the whole
// program) with keys of each scope, the webinar event type, and short-hands for the routes.
import { sql } from 'drizzle-orm';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { FIXTURE } from '../support/actor.ts';
import type { TestApi } from '../support/app.ts';

let programs = 0;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in these tests
export type Body = any;

export interface EngagementProgram {
  id: string;
  read: string;
  write: string;
  admin: string;
  send(key: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** A request expecting `status`; answers the JSON body. */
  ok(key: string, options: InjectOptions, status?: number): Promise<Body>;
  account(externalId: string, extra?: object): Promise<string>;
  event(event: object): Promise<Body>;
  training(id: string, account: string, occurredAt: string, course?: string): Promise<Body>;
  purchase(id: string, account: string, occurredAt: string, amount: string, extra?: object): Promise<Body>;
  progress(code: string, account: string, asOf?: string): Promise<Body>;
  due(asOf: string): Promise<{
    checked: number;
    completed: number;
    fired: number;
    rewardsIssued: number;
    refreshed: number;
  }>;
  /** Points on the account's wallet. */
  points(account: string): Promise<number>;
  /** The ledger entries of the account with this reason code. */
  entries(account: string, reasonCode: string): Promise<number>;
}

/** A registered type (training.completed is built in and takes any attributes): its attributes are declared. */
export const WEBINAR = {
  type: 'webinar.attended',
  description: 'A contact attended a product webinar',
  attributesSchema: {
    type: 'object',
    properties: { course: { type: 'string' }, hours: { type: 'number' } },
    additionalProperties: false,
  },
};

/** A new program (EUR, Europe/Amsterdam) with keys of each scope and the webinar event type. */
export async function engagementProgram(api: TestApi): Promise<EngagementProgram> {
  const { services } = api;
  const program = await services.programs.create(
    { name: `Engagement ${++programs}`, baseCurrency: 'EUR', timeZone: 'Europe/Amsterdam' },
    FIXTURE,
  );
  const key = async (scope: 'read' | 'write' | 'admin') =>
    (await services.keys.create(program.id, scope, [scope], FIXTURE)).secret;
  const read = await key('read');
  const write = await key('write');
  const admin = await key('admin');
  const send = (k: string, options: InjectOptions) =>
    api.app.inject({ ...options, headers: { authorization: `Bearer ${k}`, ...(options.headers ?? {}) } });
  const ok = async (k: string, options: InjectOptions, status = options.method === 'POST' ? 201 : 200) => {
    const r = await send(k, options);
    expect(r.statusCode, `${options.method} ${options.url}: ${r.body}`).toBe(status);
    return r.json();
  };
  await ok(admin, { method: 'POST', url: '/v1/event-types', payload: WEBINAR });
  const p: EngagementProgram = {
    id: program.id,
    read,
    write,
    admin,
    send,
    ok,
    async account(externalId, extra = {}) {
      return (
        await ok(write, {
          method: 'POST',
          url: '/v1/accounts',
          payload: { externalId, name: externalId, ...extra },
        })
      ).id;
    },
    event: (event) => ok(write, { method: 'POST', url: '/v1/events', payload: event }),
    training: (id, account, occurredAt, course = id) =>
      p.event({ id, type: 'training.completed', account, occurredAt, attributes: { course } }),
    purchase: (id, account, occurredAt, amount, extra = {}) =>
      p.event({ id, type: 'purchase', account, occurredAt, amount, currency: 'EUR', ...extra }),
    progress: (code, account, asOf) =>
      ok(read, {
        method: 'GET',
        url: `/v1/challenges/${code}/progress?account=${account}${asOf ? `&asOf=${asOf}` : ''}`,
      }),
    due: (asOf) => ok(admin, { method: 'POST', url: '/v1/engagement/due-runs', payload: { asOf } }, 200),
    async points(account) {
      const r = await send(read, { method: 'GET', url: `/v1/accounts/${account}/wallets` });
      expect(r.statusCode, r.body).toBe(200);
      const wallets = r.json().data as Array<{ unit: string; available: number }>;
      return wallets.find((w) => w.unit === 'points')?.available ?? 0;
    },
    async entries(account, reasonCode) {
      const [row] = await selectRows<{ n: string }>(
        api.database.db,
        sql`select count(*) as n from ledger_entries
            where program_id = ${program.id} and account_id = ${account} and reason_code = ${reasonCode}`,
      );
      return Number(row!.n);
    },
  };
  return p;
}

/** A quarterly "three trainings" challenge document (Q2 2026 onwards). */
export const threeTrainings = (extra: object = {}) => ({
  code: 'three-trainings',
  name: 'Three trainings this quarter',
  goals: [
    { metric: 'count', eventTypes: ['training.completed'], target: '3', label: 'Complete three trainings' },
  ],
  window: { kind: 'calendar', period: 'quarter' },
  startsAt: '2026-04-01T00:00:00+02:00',
  reward: { points: 300, badge: 'trained' },
  ...extra,
});

/** A contact challenge (decision 0061): three trainings a quarter, per contact. */
export const perContact = (extra: object = {}) =>
  threeTrainings({
    code: 'my-trainings',
    name: 'Three trainings of your own',
    participant: 'contact',
    ...extra,
  });

export const trainedBadge = {
  code: 'trained',
  name: 'Trained',
  description: 'Completed three product trainings in a quarter',
  imageUrl: 'https://example.com/badges/trained.png',
  translations: { nl: { name: 'Getraind' } },
};
