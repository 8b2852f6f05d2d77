// Requests per second and p99 latency of GET /v1/accounts/{id} on a running Fidelis server (embedded
// PGlite, and PostgreSQL when it answers on 127.0.0.1:5432, in a fresh database), against a bare
// node:http server answering the same JSON body on the same machine. Load from autocannon:
// 10 connections, 5 s per target after a 1 s warm-up, loopback only.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createScratchDatabase,
  dropScratchDatabase,
  note,
  pgUrl,
  postgresReachable,
  ROOT,
  result,
  watchdog,
} from './run.ts';

export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
export type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  method?: string;
  body?: string;
  overallRate?: number;
  requests?: Array<{ setupRequest?: (request: Record<string, unknown>) => Record<string, unknown> }>;
}) => PromiseLike<AutocannonResult> & {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
  ): void;
};
// autocannon ships no types; this is the part of its API used here.
export const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const CONNECTIONS = 10;
const DURATION_S = 5;
const WARMUP_S = 1;

export interface Target {
  child: ChildProcess;
  base: string;
  output: () => string;
}

export const children = new Set<ChildProcess>();

export async function startProcess(args: string[], env: NodeJS.ProcessEnv, port: number): Promise<Target> {
  const child = spawn(process.execPath, args, { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
    children.delete(child);
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !exited) {
    try {
      if ((await fetch(`${base}/health`)).ok) return { child, base, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${args.join(' ')} did not answer on ${base}:\n${output}`);
}

export async function stopProcess(target: Target): Promise<void> {
  if (target.child.exitCode !== null) return;
  const exited = new Promise((resolve) => target.child.once('exit', resolve));
  target.child.kill('SIGTERM');
  await exited;
}

export function freePort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}

/** Starts `fidelis serve` on the given store and returns it with an account to read and an API key. */
async function startFidelis(store: Record<string, string>): Promise<Target & { key: string; path: string }> {
  const key = `bench_${randomBytes(16).toString('hex')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, ...store };
  if (!store.DATABASE_URL) delete env.DATABASE_URL;
  const port = freePort();
  Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', FIDELIS_ADMIN_KEY: key });
  const target = await startProcess([join(ROOT, 'src/cli/main.ts'), 'serve'], env, port);
  const created = await fetch(`${target.base}/v1/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      externalId: 'BENCH-1',
      name: 'Benchmark Hospitality Group',
      segment: 'hospitality',
      country: 'NL',
      preferredCurrency: 'EUR',
      customerSince: '2019-04-01',
      attributes: { region: 'north', tier: 'gold' },
    }),
  });
  if (created.status !== 201) throw new Error(`creating the account failed: ${await created.text()}`);
  const account = (await created.json()) as { id: string };
  return { ...target, key, path: `/v1/accounts/${account.id}` };
}

/** A bare node:http server that answers every request with the given JSON body. */
async function startReference(body: string): Promise<Target> {
  const port = freePort();
  const code = `
    const http = require('node:http');
    const body = process.env.BENCH_BODY;
    http.createServer((req, res) => {
      if (req.url === '/health') { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"ok"}'); return; }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    }).listen(${port}, '127.0.0.1');
    process.on('SIGTERM', () => process.exit(0));`;
  return startProcess(['--input-type=commonjs', '-e', code], { ...process.env, BENCH_BODY: body }, port);
}

interface Measured {
  requestsPerSecond: number;
  p99Ms: number;
}

async function load(url: string, headers: Record<string, string>): Promise<Measured> {
  await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_S, headers });
  // autocannon's own percentiles are whole milliseconds; the response times it reports are not.
  const times: number[] = [];
  const run = autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  run.on('response', (_client, _status, _bytes, ms) => {
    times.push(ms);
  });
  const measured = await run;
  if (measured.non2xx > 0 || measured.errors > 0 || measured.timeouts > 0 || times.length === 0) {
    throw new Error(
      `${url}: ${measured.non2xx} non-2xx answers, ${measured.errors} errors, ${measured.timeouts} timeouts`,
    );
  }
  const sorted = Float64Array.from(times).sort();
  return {
    requestsPerSecond: measured.requests.total / DURATION_S,
    p99Ms: sorted[Math.ceil(sorted.length * 0.99) - 1]!,
  };
}

function print(label: string, measured: Measured, reference?: Measured): void {
  result(
    `http.${label}.get_account.requests_per_second`,
    measured.requestsPerSecond,
    'req/s',
    reference && { value: reference.requestsPerSecond, unit: 'req/s' },
  );
  result(
    `http.${label}.get_account.latency_p99`,
    measured.p99Ms,
    'ms',
    reference && { value: reference.p99Ms, unit: 'ms' },
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fidelis-bench-http-'));
  let database: string | undefined;
  const cleanup = async () => {
    for (const child of children) child.kill('SIGKILL');
    if (database) await dropScratchDatabase(database).catch(() => {});
    database = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  };
  watchdog(5 * 60_000, cleanup);
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  try {
    const fidelis = await startFidelis({ FIDELIS_DATA_DIR: join(dataDir, 'data') });
    const headers = { authorization: `Bearer ${fidelis.key}` };
    const sample = await fetch(`${fidelis.base}${fidelis.path}`, { headers });
    const body = await sample.text();
    if (sample.status !== 200) throw new Error(`GET ${fidelis.path} answered ${sample.status}: ${body}`);
    note(
      `GET /v1/accounts/{id}: ${Buffer.byteLength(body)} bytes of JSON; ${CONNECTIONS} connections, ${DURATION_S} s each`,
    );

    const reference = await startReference(body);
    const bare = await load(`${reference.base}/v1/accounts/x`, headers);
    await stopProcess(reference);
    print('reference', bare);

    const onPglite = await load(`${fidelis.base}${fidelis.path}`, headers);
    await stopProcess(fidelis);
    print('pglite', onPglite, bare);

    if (await postgresReachable()) {
      database = await createScratchDatabase('http');
      const server = await startFidelis({ DATABASE_URL: pgUrl(database) });
      const onPostgres = await load(`${server.base}${server.path}`, {
        authorization: `Bearer ${server.key}`,
      });
      await stopProcess(server);
      print('postgres', onPostgres, bare);
    } else {
      note('PostgreSQL is not reachable on 127.0.0.1:5432: postgres skipped');
    }
  } finally {
    await cleanup();
  }
}

if (import.meta.main) await main();
