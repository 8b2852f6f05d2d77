// What other modules may read of the ledger directly (functions take the executor first, so a caller
// can read inside its own transaction). Writes go through the ledger service.
import { sql } from 'drizzle-orm';
import { type Executor, selectRows } from '../../db/client.ts';

/**
 * Sums of the postings on member wallets per owning account, unit and entry type: those effective
 * before `start`, and those in [start, end). Postings after `end` are not read.
 */
export async function memberPostingSums(
  db: Executor,
  programId: string,
  start: Date,
  end: Date,
): Promise<Array<{ accountId: string; unit: string; entryType: string; before: number; during: number }>> {
  const rows = await selectRows<{
    account_id: string;
    unit: string;
    type: string;
    before: string;
    during: string;
  }>(
    db,
    sql`
    select w.account_id, w.unit, e.type,
           coalesce(sum(p.amount) filter (where p.effective_at < ${start.toISOString()}), 0)::text as before,
           coalesce(sum(p.amount) filter (where p.effective_at >= ${start.toISOString()}), 0)::text as during
      from ledger_postings p
      join wallets w on w.program_id = p.program_id and w.id = p.wallet_id and w.system_code is null
      join ledger_entries e on e.program_id = p.program_id and e.id = p.entry_id
     where p.program_id = ${programId} and p.effective_at < ${end.toISOString()}
     group by w.account_id, w.unit, e.type
     order by w.account_id, w.unit, e.type`,
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    unit: r.unit,
    entryType: r.type,
    before: Number(r.before),
    during: Number(r.during),
  }));
}
