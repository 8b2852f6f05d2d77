// A running API (through app.inject) on a fresh store, with two programs and keys of each scope.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createServices, type ServiceOptions, type Services } from '../../src/app/compose.ts';
import { buildApp } from '../../src/app/http.ts';
import type { Database } from '../../src/db/client.ts';
import { FIXTURE } from './actor.ts';
import { freshDatabase } from './db.ts';
import { atFileEnd } from './file-end.ts';

/** The POST routes that move points or money: they require an Idempotency-Key. */
const MONEY_WRITES =
  /^\/v1\/(redemptions|donations|payouts|memberships|ledger\/(credits|debits|batch|adjustments|transfers|entries\/[^/]+\/(post|void|reverse)))$/;

/** A fresh Idempotency-Key for a POST to `url` that requires one (it moves points or money); none for others. */
export function keyIfRequired(url: string): Record<string, string> {
  return MONEY_WRITES.test(url.split('?')[0]!) ? { 'idempotency-key': `test-${randomUUID()}` } : {};
}

export interface ProgramKeys {
  programId: string;
  read: string;
  write: string;
  admin: string;
}

export interface TestApi {
  app: FastifyInstance;
  services: Services;
  database: Database;
  /** The main program under test. */
  a: ProgramKeys;
  /** Another program: its keys must never see or touch program a's data. */
  b: ProgramKeys;
  call(key: string, options: InjectOptions): Promise<LightMyRequestResponse>;
}

async function programWithKeys(services: Services, name: string): Promise<ProgramKeys> {
  const program = await services.programs.create(
    { name, baseCurrency: 'EUR', timeZone: 'Europe/Amsterdam' },
    FIXTURE,
  );
  const key = async (scope: 'read' | 'write' | 'admin') =>
    (await services.keys.create(program.id, scope, [scope], FIXTURE)).secret;
  return {
    programId: program.id,
    read: await key('read'),
    write: await key('write'),
    admin: await key('admin'),
  };
}

export async function testApi(options: ServiceOptions = {}): Promise<TestApi> {
  const database = await freshDatabase();
  const services = createServices(database, options);
  // Schemas compiled on first use: a file calls a few routes of hundreds (serve.ts compiles all).
  const app = await buildApp(services, { schemas: 'lazy' });
  await app.ready();
  atFileEnd(() => app.close());
  const a = await programWithKeys(services, 'Program A');
  const b = await programWithKeys(services, 'Program B');
  return {
    app,
    services,
    database,
    a,
    b,
    call: (key, options) =>
      app.inject({ ...options, headers: { authorization: `Bearer ${key}`, ...(options.headers ?? {}) } }),
  };
}

/**
 * A second server instance on the test API's database, with caches of its own (what a deployment of
 * two Fidelis instances on one PostgreSQL looks like); closed after the file's tests.
 */
export async function secondInstance(api: TestApi): Promise<FastifyInstance> {
  const other = await buildApp(createServices(api.database), { schemas: 'lazy' });
  await other.ready();
  atFileEnd(() => other.close());
  return other;
}
