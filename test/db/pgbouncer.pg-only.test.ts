// Fidelis behind PgBouncer in transaction pooling mode (issue 14): Debian's pgbouncer (installed by
// .ci/run), started here in front of the test database. In that mode consecutive statements of a
// client outside a transaction may run on different server connections, and nothing of a session
// survives its transaction: the hot path must need no session state and no named prepared statement
// (it sends unnamed statements only; decision 0020). Concurrent single events (group commit), batches
// that take the transactional way (a capped rule: advisory locks and a usage read) and debits run
// through it at once; every total is then checked on a direct connection.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app/compose.ts';
import { type Database, MIGRATIONS_DIR, openDatabase, selectRows } from '../../src/db/client.ts';
import type { EventInput } from '../../src/modules/events/events-service.ts';
import { FIXTURE } from '../support/actor.ts';
import { freshPostgres } from '../support/db.ts';
import { adminUrl, urlFor } from '../support/postgres-template.ts';

const PGBOUNCER = '/usr/sbin/pgbouncer';

let direct: Database;
let pooled: Database;
let services: Services;
let bouncer: ChildProcess;
let dir: string;
let log = '';
let bouncerBase: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startBouncer(): Promise<string> {
  if (!existsSync(PGBOUNCER))
    throw new Error(`${PGBOUNCER} is missing: apt-get install -y pgbouncer (.ci/run installs it)`);
  dir = mkdtempSync(join(tmpdir(), 'fidelis-pgbouncer-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      '* = host=127.0.0.1 port=5432',
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'max_client_conn = 200',
      'default_pool_size = 6',
      'ignore_startup_parameters = extra_float_digits',
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root: it switches to `nobody` when started by root (as in CI).
  const asUser = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  bouncer = spawn(PGBOUNCER, [...asUser, join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Its log goes to stderr: kept to tell why it did not start.
  bouncer.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  return `postgres://postgres@127.0.0.1:${port}`;
}

async function reachable(url: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (attempt >= 50) throw new Error(`PgBouncer did not answer: ${(error as Error).message}\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

beforeAll(async () => {
  const fresh = await freshPostgres(2);
  direct = fresh.database;
  const base = await startBouncer();
  bouncerBase = base;
  const url = `${base}${new URL(fresh.url).pathname}`;
  await reachable(url);
  pooled = await openDatabase({ driver: 'postgres', url, poolSize: 20 });
  services = createServices(pooled);
});

afterAll(async () => {
  await pooled?.close();
  bouncer?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const event = (
  id: string,
  type: string,
  account: string,
  occurredAt: string,
  amount: string,
): EventInput => ({
  id,
  type,
  account,
  occurredAt,
  amount,
  currency: 'EUR',
});

describe('behind PgBouncer in transaction pooling mode', () => {
  it('migrates an empty database from three instances at once through it, each migration once', async () => {
    const name = `fidelis_tpgb_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    const stores = await Promise.all(
      [0, 1, 2].map(() => openDatabase({ driver: 'postgres', url: `${bouncerBase}/${name}`, poolSize: 2 })),
    );
    try {
      await Promise.all(stores.map((store) => store.migrate()));
      await stores[0]!.migrate();
      const direct = new pg.Client({ connectionString: urlFor(name) });
      await direct.connect();
      const { rows } = await direct.query(
        'select count(*)::int as applied from drizzle.__drizzle_migrations',
      );
      await direct.end();
      const applied = rows[0].applied as number;
      const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length;
      expect(applied).toBe(files);
    } finally {
      for (const store of stores) await store.close();
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  }, 60_000);

  it('ingests, caps and debits concurrently exactly as on a direct connection', async () => {
    const programId = (
      await services.programs.create(
        { name: 'Pooled', baseCurrency: 'EUR', timeZone: 'Europe/Amsterdam' },
        FIXTURE,
      )
    ).id;
    const refs = Array.from({ length: 8 }, (_, i) => `P${i}`);
    for (const ref of refs)
      await services.accounts.create(programId, { externalId: ref, name: ref }, FIXTURE);
    await services.rules.create(
      programId,
      {
        document: {
          name: 'Per EUR',
          trigger: { types: ['purchase'] },
          effects: [{ kind: 'per_amount', points: '1', per: '1' }],
        } as never,
        effectiveFrom: new Date('2026-01-01T00:00:00Z'),
      },
      FIXTURE,
    );
    await services.rules.create(
      programId,
      {
        document: {
          name: 'Invoices, at most 50 a day',
          trigger: { types: ['invoice.paid'] },
          effects: [{ kind: 'fixed', points: 20 }],
          caps: { perAccount: { day: 50 } },
        } as never,
        effectiveFrom: new Date('2026-01-01T00:00:00Z'),
      },
      FIXTURE,
    );
    // A starting balance to debit from, then everything at once.
    for (const ref of refs)
      await services.events.ingest(
        programId,
        event(`seed-${ref}`, 'purchase', ref, '2026-05-01T08:00:00Z', '100.00'),
      );
    const singles = Array.from({ length: 160 }, (_, i) =>
      services.events.ingest(
        programId,
        event(`s-${i}`, 'purchase', refs[i % refs.length]!, '2026-05-02T09:00:00Z', `${(i % 9) + 1}.00`),
      ),
    );
    const batches = Array.from({ length: 4 }, (_, b) =>
      services.events.ingestBatch(
        programId,
        Array.from({ length: 40 }, (_, i) =>
          event(`b-${b}-${i}`, 'invoice.paid', refs[(i + b) % refs.length]!, '2026-05-02T10:00:00Z', '1.00'),
        ),
      ),
    );
    const debits = refs.flatMap((ref) =>
      [1, 2, 3].map((k) =>
        services.ledger.debit(programId, {
          key: `d-${ref}-${k}`,
          account: ref,
          amount: 10,
          reasonCode: 'gift',
          explanation: `Gift ${k}`,
        }),
      ),
    );
    const results = await Promise.allSettled([...singles, ...batches, ...debits]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const r of results.slice(singles.length, singles.length + batches.length))
      for (const o of (r as PromiseFulfilledResult<Array<{ ok: boolean }>>).value) expect(o.ok).toBe(true);

    // On a direct connection: each account's purchases earned 1 a euro, its invoices hit the cap of
    // 50 a day exactly (20 + 20 + 10), and three debits of 10 left the rest.
    const perAccount = await selectRows<{ account: string; purchases: string; invoices: string }>(
      direct.db,
      sql`select a.external_id as account,
            coalesce(sum(w.amount) filter (where e.type = 'purchase'), 0)::text as purchases,
            coalesce(sum(w.amount) filter (where e.type = 'invoice.paid'), 0)::text as invoices
          from accounts a join events e on e.program_id = a.program_id and e.account_id = a.id
          left join event_awards w on w.program_id = e.program_id and w.event_id = e.id
          where a.program_id = ${programId} group by a.external_id order by a.external_id`,
    );
    for (const [i, ref] of refs.entries()) {
      const euros = 100 + singles.reduce((sum, _, n) => sum + (n % refs.length === i ? (n % 9) + 1 : 0), 0);
      expect(perAccount[i]).toEqual({ account: ref, purchases: String(euros), invoices: '50' });
      const [wallet] = await createServices(direct).ledger.summary(programId, ref);
      expect(wallet).toMatchObject({ available: euros + 50 - 30 });
    }
    expect(await createServices(direct).ledger.verify(programId)).toEqual([]);
  });
});
