// The crash test's client (ledger-crash.pg-only.test.ts): a plain Node script that posts a fixed
// plan of ledger writes with deterministic keys, printing one line per answered write, so the
// test can kill it (SIGKILL) at any moment and run it again. Every run retries the whole plan:
// keys already written are replayed, the rest are written.
//
// One lane per account runs that account's writes in key order; the lanes run side by side, so
// several transactions are in flight when the process dies.
//
// Environment: FIDELIS_CRASH_DATABASE_URL, FIDELIS_CRASH_PROGRAM, FIDELIS_CRASH_ACCOUNTS (comma
// separated account ids), FIDELIS_CRASH_WRITES (N).
import { createServices } from '../../src/app/compose.ts';
import { FidelisError } from '../../src/core/errors.ts';
import { openDatabase } from '../../src/db/client.ts';

export interface PlannedWrite {
  key: string;
  lane: number;
  account: string;
  op: 'credit' | 'debit';
  type: 'earn' | 'redeem' | 'donate';
  amount: number;
}

/**
 * The intended writes `crash-1` … `crash-N`, the same on every call. Credits and debits alternate
 * pseudo-randomly per account; a debit never exceeds what the account's earlier writes (in key
 * order) left, so each one succeeds when the writes of its lane run in order.
 */
export function crashPlan(n: number, accounts: string[]): PlannedWrite[] {
  let x = 2_463_534_242;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const balance = accounts.map(() => 0);
  const plan: PlannedWrite[] = [];
  for (let i = 1; i <= n; i++) {
    const lane = (i - 1) % accounts.length;
    const account = accounts[lane]!;
    const key = `crash-${i}`;
    const have = balance[lane]!;
    if (have >= 20 && next() % 5 < 2) {
      const amount = 1 + (next() % Math.min(have, 60));
      balance[lane] = have - amount;
      plan.push({ key, lane, account, op: 'debit', type: next() % 3 === 0 ? 'donate' : 'redeem', amount });
    } else {
      const amount = 5 + (next() % 95);
      balance[lane] = have + amount;
      plan.push({ key, lane, account, op: 'credit', type: 'earn', amount });
    }
  }
  return plan;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const programId = env('FIDELIS_CRASH_PROGRAM');
  const accounts = env('FIDELIS_CRASH_ACCOUNTS').split(',');
  const plan = crashPlan(Number(env('FIDELIS_CRASH_WRITES')), accounts);
  const database = await openDatabase({
    driver: 'postgres',
    url: env('FIDELIS_CRASH_DATABASE_URL'),
    poolSize: accounts.length + 2,
  });
  const { ledger } = createServices(database);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const counts = { written: 0, replayed: 0, refused: 0 };
  out('ready');
  await Promise.all(
    accounts.map(async (_, lane) => {
      for (const w of plan.filter((p) => p.lane === lane)) {
        const common = {
          key: w.key,
          account: w.account,
          amount: w.amount,
          reasonCode: w.op === 'credit' ? 'purchase' : 'gift',
          explanation: `${w.key}: ${w.op} ${w.amount}`,
          sourceId: w.key,
        };
        try {
          const result =
            w.op === 'credit'
              ? await ledger.credit(programId, { ...common, type: 'earn', expiresAt: null })
              : await ledger.debit(programId, { ...common, type: w.type as 'redeem' | 'donate' });
          counts[result.replayed ? 'replayed' : 'written']++;
          out(`${result.replayed ? 'replayed' : 'written'} ${w.key} ${result.entry.id}`);
        } catch (error) {
          if (!(error instanceof FidelisError)) throw error;
          counts.refused++;
          out(`refused ${w.key} ${error.code}`);
        }
      }
    }),
  );
  out(`summary ${JSON.stringify(counts)}`);
  await database.close();
}

if (import.meta.main) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`crash worker failed: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
