// Crash safety: a client process posting ledger writes is killed (SIGKILL) at random moments,
// several times, then retries everything with the same keys. Whatever was in flight when it died
// (before, during or after COMMIT), every intended movement must exist exactly once in the end.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app/compose.ts';
import { type Database, selectRows } from '../../src/db/client.ts';
import { FIXTURE } from '../support/actor.ts';
import { freshPostgres } from '../support/db.ts';
import { crashPlan } from './crash-worker.ts';

const WORKER = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const N = 300;
const KILLS = 5;
// Reproduce a failure with FIDELIS_CRASH_SEED=<the seed in its message>.
const SEED = Number(process.env.FIDELIS_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** A database of this file's own, with a URL that the worker process can connect to. */
const crashDatabase = () => freshPostgres(5);

/** mulberry32: a small seeded generator, so a failing schedule of kills can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Worker {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  /** Resolves once the worker has answered `count` writes (or has exited). */
  answered(count: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let url: string;
let database: Database;
let services: Services;
let programId: string;
let accounts: string[];

function startWorker(): Worker {
  const child = spawn(process.execPath, [WORKER], {
    cwd: ROOT,
    env: {
      ...process.env,
      FIDELIS_CRASH_DATABASE_URL: url,
      FIDELIS_CRASH_PROGRAM: programId,
      FIDELIS_CRASH_ACCOUNTS: accounts.join(','),
      FIDELIS_CRASH_WRITES: String(N),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let answers = 0;
  let done = false;
  const wake = () => {
    for (const w of [...waiters]) {
      if (done || answers >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      if (/^(written|replayed|refused) /.test(line)) answers++;
    }
    wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      done = true;
      wake();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    lines,
    stderr,
    exited,
    answered: (count) =>
      new Promise((resolve) => {
        waiters.push({ count, resolve });
        wake();
      }),
  };
}

const rows = <T>(query: ReturnType<typeof sql>) => selectRows<T>(database.db, query);

/** Entries per key, and entries missing their postings, lot or lot allocations: a torn write would show here. */
async function journalState() {
  const perKey = await rows<{ key: string; n: string; type: string; amount: string; account: string }>(sql`
    select idempotency_key as key, count(*) as n, min(type) as type, min(amount) as amount,
           min(account_id) as account
      from ledger_entries where program_id = ${programId} group by idempotency_key`);
  const torn = await rows<{ id: string }>(sql`
    select e.id from ledger_entries e
     where e.program_id = ${programId}
       and ((select count(*) from ledger_postings p where p.program_id = e.program_id and p.entry_id = e.id) <> 2
         or e.amount <> case when e.type = 'earn'
              then (select coalesce(sum(amount), 0) from ledger_lots l
                     where l.program_id = e.program_id and l.entry_id = e.id)
              else (select coalesce(sum(amount), 0) from ledger_lot_allocations a
                     where a.program_id = e.program_id and a.entry_id = e.id) end)`);
  return { perKey, torn: torn.map((t) => t.id) };
}

beforeAll(async () => {
  ({ url, database } = await crashDatabase());
  services = createServices(database);
  programId = (
    await services.programs.create({ name: 'Crash', baseCurrency: 'EUR', timeZone: 'UTC' }, FIXTURE)
  ).id;
  accounts = [];
  for (let i = 1; i <= 4; i++) {
    accounts.push(
      (await services.accounts.create(programId, { externalId: `CRASH-${i}`, name: `C${i}` }, FIXTURE)).id,
    );
  }
});

describe('a client killed mid-write', () => {
  it('ends with every intended entry exactly once after kills and a full retry', async () => {
    const rand = random(SEED);
    const context = `seed ${SEED}`;
    const plan = crashPlan(N, accounts);
    const planned = new Map(plan.map((p) => [p.key, p]));
    /** Each key once, with the content the plan gives it. */
    const expectAsPlanned = (perKey: Awaited<ReturnType<typeof journalState>>['perKey']) => {
      for (const e of perKey) {
        const p = planned.get(e.key);
        expect(p, `${context}: unexpected key ${e.key}`).toBeDefined();
        expect([Number(e.n), Number(e.amount), e.account, e.type], `${context}: ${e.key}`).toEqual([
          1,
          p!.amount,
          p!.account,
          p!.type,
        ]);
      }
    };
    for (let k = 0; k < KILLS; k++) {
      // Kill points spread over the plan; each run first replays what is there, then writes on.
      const target = Math.floor((N * (k + rand())) / (KILLS + 1));
      const delay = Math.floor(rand() * 8);
      const worker = startWorker();
      await worker.answered(target);
      await new Promise((r) => setTimeout(r, delay));
      worker.child.kill('SIGKILL');
      const exit = await worker.exited;
      expect(exit.signal, `${context}: run ${k} ended on its own: ${worker.stderr.join('')}`).toBe('SIGKILL');
      // Nothing half-written, whatever the moment of death, and nothing out of plan.
      const state = await journalState();
      expect(state.torn, context).toEqual([]);
      expect(await services.ledger.verify(programId), context).toEqual([]);
      expectAsPlanned(state.perKey);
      const reported = new Set(
        worker.lines.filter((l) => /^(written|replayed) /.test(l)).map((l) => l.split(' ')[1]),
      );
      // (Entries never answered are fine: the process died between COMMIT and reading the reply.)
      expect(
        [...reported].filter((key) => !state.perKey.some((e) => e.key === key)),
        `${context}: answered but not in the journal`,
      ).toEqual([]);
    }
    const before = (await journalState()).perKey.length;
    expect(before, context).toBeLessThan(N);

    // The final retry of everything, to completion.
    const last = startWorker();
    const exit = await last.exited;
    expect(exit, `${context}: ${last.stderr.join('')}`).toEqual({ code: 0, signal: null });
    const summary = JSON.parse(last.lines.find((l) => l.startsWith('summary '))!.slice('summary '.length));
    expect(summary, context).toEqual({ written: N - before, replayed: before, refused: 0 });

    const state = await journalState();
    expect(state.torn, context).toEqual([]);
    expect(state.perKey, context).toHaveLength(N);
    expectAsPlanned(state.perKey);
    const [total] = await rows<{ n: string }>(
      sql`select count(*) as n from ledger_entries where program_id = ${programId}`,
    );
    expect(Number(total!.n), context).toBe(N);
    // The wallets hold exactly what the plan adds up to.
    for (const account of accounts) {
      const mine = plan.filter((p) => p.account === account);
      const earned = mine.filter((p) => p.op === 'credit').reduce((s, p) => s + p.amount, 0);
      const spent = mine.filter((p) => p.op === 'debit').reduce((s, p) => s + p.amount, 0);
      const [w] = await services.ledger.summary(programId, account);
      expect(w, `${context}: ${account}`).toMatchObject({
        available: earned - spent,
        held: 0,
        pending: 0,
        debt: 0,
        lifetime: { earned, redeemed: spent, expired: 0 },
      });
    }
    expect(await services.ledger.verify(programId), context).toEqual([]);
  }, 120_000);
});
