// The hot path of issue 14, over HTTP on a running Fidelis server (`fidelis serve` in a child process):
// a program of 10,000 accounts (HOTPATH_ACCOUNTS to change it, e.g. 1000000) and two earning rules
// (HOTPATH_STORES=postgres or =pglite measures one store only),
// measured right after the accounts' import (no ANALYZE by the bench: what the server does itself).
// On PostgreSQL (a scratch database):
//   single_event     one event per request, 16 connections (autocannon), against pgbench at 16 clients
//                    running a ledger-like transaction (2 inserts + 1 update) on a scratch table;
//   batch_1000       batches of 1,000 events, events/s (2 callers);
//   p95_half_peak    p95 latency of single events sent evenly paced at half the single-event peak
//                    (open loop, from each request's due time);
//   wallet_read      GET /v1/accounts/{id}/wallets against a bare Fastify route reading one row with pg.
// On PGlite (embedded): single_event and batch_1000, no reference (skipped above 100,000 accounts).
// Each phase runs PHASE_S seconds after a short warm-up; loopback only.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { autocannon, children, freePort, startProcess, stopProcess, type Target } from './http.bench.ts';
import {
  createScratchDatabase,
  dropScratchDatabase,
  note,
  pgUrl,
  postgresReachable,
  type Reference,
  ROOT,
  result,
  watchdog,
} from './run.ts';

const ACCOUNTS = Number(process.env.HOTPATH_ACCOUNTS ?? 10_000);
/** Which stores to measure: HOTPATH_STORES=postgres, =pglite, or both (the default). */
const STORES = (process.env.HOTPATH_STORES ?? 'postgres,pglite').split(',');
const PHASE_S = Number(process.env.HOTPATH_PHASE_S ?? 5);
/** HOTPATH_PHASES=single,paced,batch,wallet runs only those phases on PostgreSQL (e.g. to profile one). */
const PHASES = (process.env.HOTPATH_PHASES ?? 'single,paced,batch,wallet').split(',');
const WARMUP_S = 1;
const CONNECTIONS = Number(process.env.HOTPATH_CONNECTIONS ?? 16);
const BATCH = 1000;
const BATCH_CALLERS = 2;
/** Accounts per import request (the CSV body limit is 64 MiB; smaller files keep memory low). */
const IMPORT_CHUNK = 100_000;

const RULES = [
  {
    name: 'Points per euro',
    trigger: { types: ['purchase', 'invoice.paid'] },
    effects: [{ kind: 'per_amount', points: '1', per: '1' }],
  },
  {
    name: 'Cashback on paid invoices',
    trigger: { types: ['invoice.paid'] },
    effects: [{ kind: 'percent', percent: '2', as: 'cashback', rounding: 'half_up' }],
  },
];

type Server = Target & { key: string };

async function call(server: Server, method: string, path: string, body?: unknown, type = 'application/json') {
  const response = await fetch(`${server.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.key}`,
      ...(body === undefined ? {} : { 'content-type': type }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300)
    throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}

/** Starts `fidelis serve` on the store and sets the program up: accounts, two rules, no rate limit in the way. */
async function startFidelis(store: Record<string, string>): Promise<Server> {
  const key = `bench_${randomBytes(16).toString('hex')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, ...store };
  if (!store.DATABASE_URL) delete env.DATABASE_URL;
  const port = freePort();
  Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', FIDELIS_ADMIN_KEY: key });
  // HOTPATH_CPU_PROF=dir writes the server's CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = process.env.HOTPATH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HOTPATH_CPU_PROF}`]
    : [];
  const target = await startProcess([...profile, join(ROOT, 'src/cli/main.ts'), 'serve'], env, port);
  const server = { ...target, key };
  await call(server, 'PATCH', '/v1/program', { settings: { keys: { requestsPerMinute: 10_000_000 } } });
  const started = performance.now();
  for (let from = 0; from < ACCOUNTS; from += IMPORT_CHUNK) {
    const lines = ['External ID,Account Name,Segment,Country,Currency,Status'];
    for (let i = from; i < Math.min(ACCOUNTS, from + IMPORT_CHUNK); i++)
      lines.push(`A${i},Account ${i},hospitality,NL,EUR,enrolled`);
    await call(server, 'POST', '/v1/imports/accounts', `${lines.join('\n')}\n`, 'text/csv');
  }
  const effectiveFrom = new Date(Date.now() - 60 * 86_400_000).toISOString();
  for (const document of RULES) await call(server, 'POST', '/v1/rules', { document, effectiveFrom });
  note(
    `${ACCOUNTS} accounts imported in ${((performance.now() - started) / 1000).toFixed(1)} s, ${RULES.length} rules`,
  );
  return server;
}

/** Event bodies with ids unique to this run: 80% purchases, 20% paid invoices, random accounts. */
function events(prefix: string) {
  let n = 0;
  const now = Date.now();
  return () => {
    n++;
    const account = `A${(n * 7919) % ACCOUNTS}`;
    const cents = 500 + ((n * 104_729) % 50_000);
    const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    const occurredAt = new Date(now - 60_000 - (n % 1000) * 1000).toISOString();
    return n % 5 === 0
      ? { id: `${prefix}-${n}`, type: 'invoice.paid', account, occurredAt, amount, currency: 'EUR' }
      : { id: `${prefix}-${n}`, type: 'purchase', account, occurredAt, amount, currency: 'EUR' };
  };
}

interface Loaded {
  perSecond: number;
  p95Ms: number;
  p50Ms: number;
}

/** autocannon against one route; bodies from `body` (a new one per request) when given. */
async function load(
  server: { base: string; key?: string },
  path: string,
  options: { seconds: number; method?: string; body?: () => unknown },
): Promise<Loaded> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (server.key) headers.authorization = `Bearer ${server.key}`;
  const next = options.body;
  const times: number[] = [];
  let failed = '';
  const run = autocannon({
    url: `${server.base}${path}`,
    connections: CONNECTIONS,
    duration: options.seconds,
    headers,
    method: options.method ?? 'GET',
    requests: next
      ? [{ setupRequest: (request) => ({ ...request, body: JSON.stringify(next()) }) }]
      : undefined,
  });
  run.on('response', (_client, status, _bytes, ms) => {
    if (status >= 300 && !failed) failed = `status ${status}`;
    times.push(ms);
  });
  const measured = await run;
  if (failed || measured.errors > 0 || measured.timeouts > 0 || times.length === 0)
    throw new Error(
      `${path}: ${failed || 'no answer'}; ${measured.non2xx} non-2xx, ${measured.errors} errors, ${measured.timeouts} timeouts`,
    );
  const sorted = Float64Array.from(times).sort();
  const at = (q: number) => sorted[Math.max(0, Math.ceil(sorted.length * q) - 1)]!;
  return { perSecond: measured.requests.total / options.seconds, p95Ms: at(0.95), p50Ms: at(0.5) };
}

/**
 * Open loop, evenly paced: one event every 1/rate s for PHASE_S seconds, each sent at its time
 * whatever the answers before it (autocannon's overallRate is not this: each connection sends its
 * share of a second as fast as it can at the start of the second). Latency counts from the instant
 * the request was due, so a server that falls behind shows it (no coordinated omission).
 */
async function pacedEvents(server: Server, prefix: string, rate: number): Promise<Loaded> {
  const next = events(prefix);
  const interval = 1000 / rate;
  const count = Math.round(rate * PHASE_S);
  const times: number[] = [];
  const sent: Array<Promise<void>> = [];
  let failed = '';
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const body = JSON.stringify(next());
    sent.push(
      fetch(`${server.base}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
        body,
      }).then(async (response) => {
        await response.arrayBuffer();
        if (response.status >= 300 && !failed) failed = `status ${response.status}`;
        times.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(sent);
  const elapsed = (performance.now() - started) / 1000;
  if (failed) throw new Error(`paced events: ${failed}`);
  const sorted = Float64Array.from(times).sort();
  const at = (q: number) => sorted[Math.max(0, Math.ceil(sorted.length * q) - 1)]!;
  return { perSecond: times.length / elapsed, p95Ms: at(0.95), p50Ms: at(0.5) };
}

/** Batches of BATCH events from BATCH_CALLERS callers for PHASE_S seconds: events per second. */
async function batches(server: Server, prefix: string): Promise<number> {
  const next = events(prefix);
  const post = async () => {
    const body = { events: Array.from({ length: BATCH }, next) };
    const answer = (await call(server, 'POST', '/v1/events/batch', body)) as {
      results: Array<{ ok: boolean; replayed?: boolean }>;
    };
    const bad = answer.results.find((r) => !r.ok || r.replayed);
    if (bad) throw new Error(`a batch event failed: ${JSON.stringify(bad).slice(0, 300)}`);
    return answer.results.length;
  };
  await post();
  const started = performance.now();
  const until = started + PHASE_S * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: BATCH_CALLERS }, async () => {
      while (performance.now() < until) {
        const n = await post();
        done += n;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

async function singleEvents(server: Server, prefix: string): Promise<Loaded> {
  const next = events(prefix);
  await load(server, '/v1/events', { seconds: WARMUP_S, method: 'POST', body: next });
  return load(server, '/v1/events', { seconds: PHASE_S, method: 'POST', body: next });
}

// ---------------------------------------------------------------------------------------------------
// References

/** A scratch ledger: 10,000 wallets, entries and postings; what pgbench writes and the bare route reads. */
async function prepareReference(database: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl(database) });
  await client.connect();
  try {
    await client.query(`
      create table ref_wallets (id int primary key, account text not null, balance bigint not null default 0,
        updated_at timestamptz not null default now());
      insert into ref_wallets (id, account) select g, 'A' || g from generate_series(1, 10000) g;
      create table ref_entries (id bigserial primary key, wallet int not null, amount bigint not null,
        reason text not null, at timestamptz not null default now());
      create table ref_postings (id bigserial primary key, entry bigint not null, wallet int not null,
        amount bigint not null);`);
    await client.query('vacuum analyze ref_wallets');
  } finally {
    await client.end();
  }
}

const LEDGER_SCRIPT = `\\set w random(1, 10000)
\\set a random(1, 500)
BEGIN;
INSERT INTO ref_entries (wallet, amount, reason) VALUES (:w, :a, 'purchase');
INSERT INTO ref_postings (entry, wallet, amount) VALUES (currval('ref_entries_id_seq'), :w, :a);
UPDATE ref_wallets SET balance = balance + :a, updated_at = now() WHERE id = :w;
END;
`;

/** pgbench tps of the ledger-like transaction at `clients` clients, or undefined when pgbench fails. */
function pgbenchLedger(database: string, clients: number): Reference | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'fidelis-pgbench-'));
  try {
    const script = join(dir, 'ledger.sql');
    writeFileSync(script, LEDGER_SCRIPT);
    const run = spawnSync(
      'pgbench',
      ['-n', '-c', String(clients), '-j', '2', '-T', String(PHASE_S), '-f', script].concat([
        '-h',
        '127.0.0.1',
        '-p',
        '5432',
        '-U',
        'postgres',
        database,
      ]),
      { encoding: 'utf8', timeout: 120_000 },
    );
    const tps = /tps = ([\d.]+)/.exec(run.stdout ?? '')?.[1];
    if (!tps) note(`pgbench failed: ${(run.stderr ?? '').slice(0, 300)}`);
    return tps ? { value: Number(tps), unit: 'tx/s' } : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A bare Fastify server whose one route reads one row of ref_wallets with pg. */
async function startBareRoute(database: string): Promise<Target> {
  const port = freePort();
  const code = `
    const fastify = require('fastify')();
    const pg = require('pg');
    const pool = new pg.Pool({ connectionString: process.env.BENCH_DB, max: 10 });
    let n = 0;
    fastify.get('/health', async () => ({ status: 'ok' }));
    fastify.get('/wallet', async () => {
      n = (n % 10000) + 1;
      const { rows } = await pool.query('select id, account, balance, updated_at from ref_wallets where id = $1', [n]);
      return { data: rows };
    });
    fastify.listen({ port: ${port}, host: '127.0.0.1' });
    process.on('SIGTERM', () => process.exit(0));`;
  return startProcess(
    ['--input-type=commonjs', '-e', code],
    { ...process.env, BENCH_DB: pgUrl(database) },
    port,
  );
}

// ---------------------------------------------------------------------------------------------------

async function onPostgres(scratch: string[]): Promise<void> {
  const reference = await createScratchDatabase('hotref');
  scratch.push(reference);
  await prepareReference(reference);
  const pgbench = pgbenchLedger(reference, CONNECTIONS);

  const database = await createScratchDatabase('hotpath');
  scratch.push(database);
  const server = await startFidelis({ DATABASE_URL: pgUrl(database) });
  try {
    const single = await singleEvents(server, 'pg-single');
    result('hotpath.postgres.single_event', single.perSecond, 'events/s', pgbench);
    note(
      `single_event: p50 ${single.p50Ms.toFixed(1)} ms, p95 ${single.p95Ms.toFixed(1)} ms at ${CONNECTIONS} connections`,
    );

    if (!PHASES.includes('paced')) return;
    const rate = Math.max(1, Math.round(single.perSecond / 2));
    const paced = await pacedEvents(server, 'pg-paced', rate);
    result('hotpath.postgres.p95_half_peak', paced.p95Ms, 'ms', { value: 20, unit: 'ms (target)' });
    note(
      `p95_half_peak: ${paced.perSecond.toFixed(0)} events/s answered of ${rate}/s sent evenly paced; p50 ${paced.p50Ms.toFixed(1)} ms`,
    );

    if (!PHASES.includes('batch')) return;
    const batched = await batches(server, 'pg-batch');
    result('hotpath.postgres.batch_1000', batched, 'events/s', { value: 10_000, unit: 'events/s (target)' });

    const bare = await startBareRoute(reference);
    let bareRead: Loaded;
    try {
      await load(bare, '/wallet', { seconds: WARMUP_S });
      bareRead = await load(bare, '/wallet', { seconds: PHASE_S });
    } finally {
      await stopProcess(bare);
    }
    const walletPath = '/v1/accounts/A7919/wallets';
    await load(server, walletPath, { seconds: WARMUP_S });
    const wallet = await load(server, walletPath, { seconds: PHASE_S });
    result('hotpath.postgres.wallet_read', wallet.perSecond, 'req/s', {
      value: bareRead.perSecond,
      unit: 'req/s',
    });
  } finally {
    await stopProcess(server);
  }
}

async function onPglite(dir: string): Promise<void> {
  const server = await startFidelis({ FIDELIS_DATA_DIR: join(dir, 'data') });
  try {
    const single = await singleEvents(server, 'lite-single');
    result('hotpath.pglite.single_event', single.perSecond, 'events/s');
    note(
      `pglite single_event: p50 ${single.p50Ms.toFixed(1)} ms, p95 ${single.p95Ms.toFixed(1)} ms at ${CONNECTIONS} connections`,
    );
    result('hotpath.pglite.batch_1000', await batches(server, 'lite-batch'), 'events/s');
  } finally {
    await stopProcess(server);
  }
}

async function main(): Promise<void> {
  const scratch: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'fidelis-bench-hotpath-'));
  const cleanup = async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const name of scratch.splice(0)) await dropScratchDatabase(name).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  watchdog((ACCOUNTS > 100_000 ? 40 : 10) * 60_000, cleanup);
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  note(
    `${ACCOUNTS} accounts, ${RULES.length} earning rules; ${PHASE_S} s per phase, ${CONNECTIONS} connections`,
  );
  try {
    if (!STORES.includes('postgres')) note('postgres skipped (HOTPATH_STORES)');
    else if (await postgresReachable()) await onPostgres(scratch);
    else note('PostgreSQL is not reachable on 127.0.0.1:5432: postgres skipped');
    // A million accounts in the embedded store would take most of the run to import: PostgreSQL only.
    if (!STORES.includes('pglite')) note('pglite skipped (HOTPATH_STORES)');
    else if (ACCOUNTS <= 100_000) await onPglite(dir);
    else note('pglite skipped: more than 100,000 accounts');
  } finally {
    await cleanup();
  }
  process.exit(0);
}

if (import.meta.main) await main();
