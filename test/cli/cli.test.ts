// The `fidelis` command as users run it: separate processes sharing one store (an embedded PGlite
// data directory, or a fresh PostgreSQL database on the postgres project).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app/compose.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { FIXTURE } from '../support/actor.ts';
import { testDriver } from '../support/db.ts';
import { adminUrl, urlFor } from '../support/postgres-template.ts';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const driver = testDriver();
// Each CLI run opens the store (and migrates it) in a new process: seconds each on a busy machine.
const SLOW = 300_000;

let workDir: string;
let dataDir: string;
let databaseName: string | undefined;

/** The environment of every child: this test's store and nothing inherited that could point elsewhere. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'FIDELIS_DATA_DIR', 'FIDELIS_ADMIN_KEY', 'PORT', 'HOST', 'LOG_LEVEL']) {
    delete env[name];
  }
  if (databaseName) env.DATABASE_URL = urlFor(databaseName);
  else env.FIDELIS_DATA_DIR = dataDir;
  return { ...env, ...extra };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], extra: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: childEnv(extra),
      cwd: workDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function cliOk(args: string[], extra: Record<string, string> = {}): Promise<Run> {
  const run = await cli(args, extra);
  expect(run.code, `fidelis ${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

/** Opens the store the CLI used (only while no CLI process holds it: PGlite has one owner). */
async function withStore<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  const database: Database = databaseName
    ? await openDatabase({ driver: 'postgres', url: urlFor(databaseName), poolSize: 2 })
    : await openDatabase({ driver: 'pglite', dataDir });
  try {
    return await fn(createServices(database));
  } finally {
    await database.close();
  }
}

async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'fidelis-cli-'));
  dataDir = join(workDir, 'data');
  if (driver === 'postgres') {
    // Not named fidelis_t_…: the postgres global setup of any other Vitest run drops those at its start.
    databaseName = `fidelis_cli_${randomBytes(6).toString('hex')}`;
    await adminQuery(`create database "${databaseName}"`);
  }
});

afterAll(async () => {
  if (databaseName) await adminQuery(`drop database if exists "${databaseName}" with (force)`);
  rmSync(workDir, { recursive: true, force: true });
});

describe('fidelis CLI', () => {
  let programId: string;

  it('prints help and refuses unknown commands', { timeout: SLOW }, async () => {
    const help = await cliOk(['--help']);
    expect(help.stdout).toMatch(/fidelis serve/);
    const bare = await cli([]);
    expect(bare.code).toBe(1);
    expect(bare.stdout).toMatch(/Usage:/);
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command frobnicate/);
  });

  it('creates programs and lists them from another process', { timeout: SLOW }, async () => {
    const created = await cliOk([
      'programs',
      'create',
      '--name',
      'Northwind Partners',
      '--currency',
      'EUR',
      '--time-zone',
      'Europe/Amsterdam',
    ]);
    const program = JSON.parse(created.stdout);
    expect(program).toMatchObject({
      name: 'Northwind Partners',
      baseCurrency: 'EUR',
      timeZone: 'Europe/Amsterdam',
    });
    expect(program.id).toMatch(/^prg_/);
    programId = program.id;

    const list = await cliOk(['programs', 'list']);
    expect(list.stdout.trim().split('\n')).toEqual([
      `${programId}\tEUR\tEurope/Amsterdam\tNorthwind Partners`,
    ]);

    const bad = await cli(['programs', 'create', '--name', 'Bad', '--currency', 'XYZ']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/currency/);
    expect((await cliOk(['programs', 'list'])).stdout).not.toMatch(/\tBad$/m);
  });

  it('prints a new key once; keys list never shows the secret; revoked keys stop working', {
    timeout: SLOW,
  }, async () => {
    const created = await cliOk([
      'keys',
      'create',
      '--program',
      programId,
      '--name',
      'ci',
      '--scopes',
      'read,write',
    ]);
    const secret = created.stdout.split('\n')[0]!;
    expect(secret).toMatch(/^fdl_[A-Za-z0-9_-]{40,}$/);
    const keyId = /Key (key_\S+) for program/.exec(created.stdout)?.[1];
    expect(keyId).toBeDefined();
    expect(created.stdout).toMatch(/only time the key is shown/);

    const list = await cliOk(['keys', 'list', '--program', programId]);
    expect(list.stdout).toContain(keyId);
    expect(list.stdout).toMatch(/read,write\tactive\tci/);
    expect(list.stdout).not.toContain(secret);
    expect(list.stdout).not.toContain(secret.slice(0, 16));

    expect(await withStore((s) => s.keys.authenticate(secret))).toMatchObject({
      programId,
      keyId,
      scopes: ['read', 'write'],
    });

    const revoked = await cliOk(['keys', 'revoke', '--program', programId, keyId!]);
    expect(revoked.stdout).toContain(`revoked ${keyId}`);
    const after = await cliOk(['keys', 'list', '--program', programId]);
    expect(after.stdout).toMatch(new RegExp(`${keyId}\\t.*\\trevoked `));
    expect(await withStore((s) => s.keys.authenticate(secret))).toBeUndefined();

    const again = await cli(['keys', 'revoke', '--program', programId, keyId!]);
    expect(again.code).not.toBe(0);
    const unknownScope = await cli(['keys', 'create', '--program', programId, '--scopes', 'root']);
    expect(unknownScope.code).not.toBe(0);
    expect(unknownScope.stderr).toMatch(/scopes/);
  });

  it('imports accounts from a file: a bad row names its line and nothing is written', {
    timeout: SLOW,
  }, async () => {
    const file = join(workDir, 'accounts.csv');
    writeFileSync(
      file,
      [
        'External ID;Name;Parent External ID;Country',
        'CLI-2;"Child, Ltd";CLI-1;NL', // 2
        'CLI-3;Broken;CLI-1;XX', // 3
        'CLI-1;Group;;BE', // 4
      ].join('\r\n'),
    );
    const refused = await cli(['import', 'accounts', file, '--program', programId]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/import_invalid_rows/);
    expect(refused.stderr).toMatch(/line 3: country: unknown country XX/);
    expect(await withStore((s) => s.accounts.existingExternalIds(programId, ['CLI-1', 'CLI-2']))).toEqual(
      new Map(),
    );

    const dry = await cliOk([
      'import',
      'accounts',
      file,
      '--program',
      programId,
      '--skip-invalid',
      '--dry-run',
    ]);
    expect(dry.stdout).toMatch(/dry run: 3 rows: 2 created, 0 updated, 1 skipped/);
    expect((await withStore((s) => s.accounts.existingExternalIds(programId, ['CLI-1']))).size).toBe(0);

    const skipped = await cliOk(['import', 'accounts', file, '--program', programId, '--skip-invalid']);
    expect(skipped.stdout).toMatch(/^3 rows: 2 created, 0 updated, 1 skipped$/m);
    expect(skipped.stderr).toMatch(/line 3: country: unknown country XX/);

    const rerun = await cliOk(['import', 'accounts', file, '--program', programId, '--skip-invalid']);
    expect(rerun.stdout).toMatch(/3 rows: 0 created, 2 updated, 1 skipped/);

    const stored = await withStore(async (s) => ({
      group: await s.accounts.get(programId, 'CLI-1'),
      child: await s.accounts.get(programId, 'CLI-2'),
      broken: await s.accounts.existingExternalIds(programId, ['CLI-3']),
    }));
    expect(stored.child).toMatchObject({ name: 'Child, Ltd', parentId: stored.group.id, country: 'NL' });
    expect(stored.broken.size).toBe(0);

    const missing = await cli(['import', 'accounts', join(workDir, 'nope.csv'), '--program', programId]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/nope\.csv/);
  });

  it('imports contacts from a file', { timeout: SLOW }, async () => {
    const file = join(workDir, 'contacts.csv');
    writeFileSync(file, 'email,accountExternalId,role,marketingOptIn\nJo@Example.com,CLI-1,owner,yes\n');
    const run = await cliOk(['import', 'contacts', file, '--program', programId]);
    expect(run.stdout).toMatch(/1 rows: 1 created, 0 updated, 0 skipped/);
    const page = await withStore((s) => s.contacts.list(programId, { email: 'jo@example.com' }));
    expect(page.data).toMatchObject([{ email: 'jo@example.com', role: 'owner', marketingOptIn: true }]);
  });

  it('ingests events and exchange rates from CSV files; a bad row is named and the others land', {
    timeout: SLOW,
  }, async () => {
    const rates = join(workDir, 'rates.csv');
    writeFileSync(rates, ['currency,rate,effectiveFrom', 'USD,0.5,2026-01-01'].join('\n'));
    expect((await cliOk(['fx', 'import', rates, '--program', programId])).stdout).toMatch(/1 rates set/);
    await withStore(async (s) => {
      await s.rules.create(
        programId,
        {
          document: {
            name: 'Point per euro',
            trigger: { types: ['purchase'] },
            effects: [{ kind: 'per_amount', points: '1', per: '1' }],
          },
          effectiveFrom: new Date('2026-01-01T00:00:00Z'),
        },
        FIXTURE,
      );
    });
    const file = join(workDir, 'events.csv');
    writeFileSync(
      file,
      [
        'id,type,account,occurredAt,amount,currency,orderId,attr.channel',
        'E-1,purchase,CLI-1,2026-03-01T10:00:00Z,40.00,EUR,O-1,web', // 2
        'E-2,purchase,CLI-1,2026-03-01T11:00:00Z,40.00,USD,O-2,shop', // 3: 20 EUR
        'E-3,purchase,NOBODY,2026-03-01T12:00:00Z,5.00,EUR,,', // 4
      ].join('\n'),
    );
    const first = await cli(['events', 'import', file, '--program', programId]);
    expect(first.code, first.stderr).toBe(2);
    expect(first.stderr).toMatch(/line 4: account_not_found/);
    expect(first.stdout).toMatch(/2 events ingested, 0 already known, 1 refused/);
    const again = await cli(['events', 'import', file, '--program', programId]);
    expect(again.stdout).toMatch(/0 events ingested, 2 already known, 1 refused/);
    const e2 = await withStore((s) => s.events.get(programId, 'E-2'));
    expect(e2.fxRate).toBe('0.5');
    expect(e2.baseAmount).toBe('20.00');
    expect(e2.references).toEqual({ orderId: 'O-2' });
    expect(e2.attributes).toEqual({ channel: 'shop' });
    expect(e2.result.totals.points).toBe(20);
  });

  it('records what it writes in the audit log, as cli', { timeout: SLOW }, async () => {
    const log = await withStore((s) => s.audit.list(programId, { actor: 'cli', limit: 50 }));
    // Newest first; the dry run and the refused import left nothing, events are not audited.
    expect(log.data.map((e) => `${e.action} ${e.resourceType}`)).toEqual([
      'fx_rate.set fx_rate',
      'import.contacts import',
      'import.accounts import',
      'import.accounts import',
      'key.revoke api_key',
      'key.create api_key',
      'program.create program',
    ]);
    expect(log.data.every((e) => e.actor === 'cli')).toBe(true);
    const [, contacts, rerun, first] = log.data;
    expect(first!.after).toEqual({ kind: 'accounts', rows: 3, created: 2, updated: 0, skipped: 1 });
    expect(rerun!.after).toEqual({ kind: 'accounts', rows: 3, created: 0, updated: 2, skipped: 1 });
    expect(contacts!.after).toEqual({ kind: 'contacts', rows: 1, created: 1, updated: 0, skipped: 0 });
    expect(log.data.at(-1)).toMatchObject({ resourceId: programId, after: { name: 'Northwind Partners' } });
  });

  it('brings the KPI rollup up to date and reports through it', { timeout: SLOW }, async () => {
    const run = await cliOk(['report', 'rollup', '--recompute', '--program', programId]);
    expect(run.stdout).toMatch(/KPI rollup recomputed whole, up to 20/);
    const kpis = await cliOk([
      'report',
      'kpis',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--program',
      programId,
    ]);
    expect(kpis.stdout).toMatch(/net revenue\s+60\.00 EUR/);
    expect(kpis.stdout).toMatch(/orders: whole months from the rollup \(up to 20/);
  });

  it('loads the demo program and prints a working admin key', { timeout: SLOW }, async () => {
    const run = await cliOk(['demo']);
    const demoProgram = /demo program (prg_\S+): (\d+) accounts, (\d+) contacts/.exec(run.stdout);
    expect(demoProgram).not.toBeNull();
    expect(Number(demoProgram![2])).toBeGreaterThan(50);
    expect(Number(demoProgram![3])).toBeGreaterThan(100);
    const key = /admin API key \(shown once\): (fdl_\S+)/.exec(run.stdout)?.[1];
    expect(key).toBeDefined();
    const found = await withStore(async (s) => ({
      principal: await s.keys.authenticate(key!),
      accounts: await s.accounts.list(demoProgram![1]!, { limit: 500 }),
    }));
    expect(found.principal).toMatchObject({ programId: demoProgram![1], scopes: ['admin'] });
    expect(found.accounts.data.length).toBe(Number(demoProgram![2]));

    // The first program is still the default one and both are listed.
    const list = await cliOk(['programs', 'list']);
    expect(
      list.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
    ).toEqual([programId, demoProgram![1]]);
  });
});

describe('fidelis serve', () => {
  const adminKey = `fidelis_test_admin_${randomBytes(12).toString('hex')}`;

  interface Server {
    child: ChildProcess;
    base: string;
    output: () => string;
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  }

  async function startServer(): Promise<Server> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const child = spawn(process.execPath, [MAIN, 'serve'], {
        env: childEnv({
          PORT: String(port),
          HOST: '127.0.0.1',
          FIDELIS_ADMIN_KEY: adminKey,
          LOG_LEVEL: 'info',
        }),
        cwd: workDir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (d) => {
        output += d;
      });
      child.stderr!.on('data', (d) => {
        output += d;
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      let gone = false;
      void exited.then(() => {
        gone = true;
      });
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 60_000;
      while (!gone && Date.now() < deadline) {
        try {
          const health = await fetch(`${base}/health`);
          if (health.ok) return { child, base, output: () => output, exited };
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      if (!gone) {
        child.kill('SIGKILL');
        throw new Error(`the server did not answer /health within 60 s:\n${output}`);
      }
      if (!/EADDRINUSE/.test(output)) throw new Error(`the server stopped:\n${output}`);
    }
    throw new Error('no free port found');
  }

  async function stop(server: Server): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    server.child.kill('SIGTERM');
    return server.exited;
  }

  const call = (server: Server, path: string, init: RequestInit = {}) =>
    fetch(`${server.base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', ...init.headers },
    });

  it('accepts FIDELIS_ADMIN_KEY, shuts down gracefully on SIGTERM and keeps the data over a restart', {
    timeout: SLOW * 2,
  }, async () => {
    const first = await startServer();
    let firstStopped = false;
    try {
      const program = await call(first, '/v1/program');
      expect(program.status).toBe(200);
      const body = (await program.json()) as { id: string };
      expect(body.id).toMatch(/^prg_/);
      expect((await fetch(`${first.base}/v1/program`)).status).toBe(401);
      expect(
        (await fetch(`${first.base}/v1/program`, { headers: { authorization: `Bearer ${adminKey}x` } }))
          .status,
      ).toBe(401);

      const created = await call(first, '/v1/accounts', {
        method: 'POST',
        body: JSON.stringify({ externalId: 'SERVE-1', name: 'Survives Restarts BV', country: 'NL' }),
      });
      expect(created.status).toBe(201);
      const account = (await created.json()) as { id: string };

      const exit = await stop(first);
      firstStopped = true;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(first.output()).toMatch(/shutting down/);
      // The key travels in a header that the logs redact.
      expect(first.output()).not.toContain(adminKey);

      const second = await startServer();
      try {
        const again = await call(second, '/v1/accounts/SERVE-1');
        expect(again.status).toBe(200);
        expect(await again.json()).toMatchObject({
          id: account.id,
          name: 'Survives Restarts BV',
          country: 'NL',
        });
        const sameProgram = await call(second, '/v1/program');
        expect(((await sameProgram.json()) as { id: string }).id).toBe(body.id);
      } finally {
        const secondExit = await stop(second);
        expect(secondExit).toEqual({ code: 0, signal: null });
      }
    } finally {
      if (!firstStopped) first.child.kill('SIGKILL');
    }
  });
});
