// What other modules may read of rewards directly (functions take the executor first, so a caller
// can read inside its own transaction). Writes go through the rewards services.
import { sql } from 'drizzle-orm';
import { type Executor, selectRows } from '../../db/client.ts';
import { type TimeRange as ExportRange, rangeOn } from '../../db/ranges.ts';
import type { RewardEligibility, Translations } from './rewards-tables.ts';

export const REDEMPTION_EXPORT_COLUMNS = [
  'id',
  'rewardId',
  'accountId',
  'contactId',
  'status',
  'unit',
  'amount',
  'requestedBy',
  'holdEntryId',
  'settleEntryId',
  'refundEntryId',
  'note',
  'reason',
  'createdAt',
  'updatedAt',
] as const;

/** A page of redemptions for an export, by id after `after` (requested in the range), as rows of cells. */
export async function redemptionExportPage(
  db: Executor,
  programId: string,
  range: ExportRange,
  after: string,
  limit: number,
) {
  const rows = await selectRows<Record<string, unknown>>(
    db,
    sql`select id, reward_id, account_id, contact_id, status, unit, amount::text as amount, requested_by, hold_entry_id,
               settle_entry_id, refund_entry_id, note, reason, created_at, updated_at
          from redemptions r where program_id = ${programId} and id > ${after} ${rangeOn(sql`r.created_at`, range)}
         order by id limit ${limit}`,
  );
  return rows.map((r) => [
    r.id,
    r.reward_id,
    r.account_id,
    r.contact_id,
    r.status,
    r.unit,
    r.amount,
    r.requested_by,
    r.hold_entry_id,
    r.settle_entry_id,
    r.refund_entry_id,
    r.note,
    r.reason,
    r.created_at,
    r.updated_at,
  ]);
}

/**
 * A reward's name in a language: its translation for the language (`pl`, or `pl-PL` falling back
 * to `pl`), else its own name; null when the program has no such reward. For notices.
 */
export async function rewardNameIn(
  ex: Executor,
  programId: string,
  rewardId: string,
  locale: string,
): Promise<string | null> {
  const [row] = await selectRows<{ name: string; translations: Record<string, { name?: string }> }>(
    ex,
    sql`select name, translations from rewards where program_id = ${programId} and id = ${rewardId}`,
  );
  if (!row) return null;
  const t = row.translations ?? {};
  return t[locale]?.name ?? t[locale.split('-')[0]!]?.name ?? row.name;
}

/**
 * Active rewards priced in `unit` at most `maxPrice`, redeemable at `at` as far as the catalog row says (availability window, counted stock left), with
 * their eligibility for the caller to check, priced closest to `near` first (at most `limit`). Names
 * in a language.
 */
export async function rewardsPricedUpTo(
  ex: Executor,
  programId: string,
  q: {
    unit: string;
    maxPrice: number;
    near: number;
    at: Date;
    locale: string;
    limit: number;
  },
): Promise<Array<{ id: string; name: string; price: number; unit: string; eligibility: RewardEligibility }>> {
  const at = q.at.toISOString();
  const rows = await selectRows<{
    id: string;
    name: string;
    translations: Translations | null;
    price_amount: string;
    price_unit: string;
    eligibility: RewardEligibility | null;
  }>(
    ex,
    sql`select id, name, translations, price_amount::text as price_amount, price_unit, eligibility
          from rewards
         where program_id = ${programId} and status = 'active' and price_unit = ${q.unit}
           and price_amount <= ${q.maxPrice}
           and (available_from is null or available_from <= ${at})
           and (available_until is null or available_until > ${at})
           and (stock_kind <> 'counted' or stock_remaining > 0)
         order by abs(price_amount - ${q.near}), price_amount, id
         limit ${q.limit}`,
  );
  const lang = q.locale.split('-')[0]!;
  return rows.map((r) => ({
    id: r.id,
    name: r.translations?.[q.locale]?.name ?? r.translations?.[lang]?.name ?? r.name,
    price: Number(r.price_amount),
    unit: r.price_unit,
    eligibility: r.eligibility ?? {},
  }));
}

/**
 * Of these rewards, each one's name and whether a free issue could take it now (decision 0053): active,
 * not booked per session, and unlimited, with counted units left, or with an available code.
 */
export async function rewardsInStock(
  db: Executor,
  programId: string,
  ids: string[],
): Promise<Map<string, { name: string; inStock: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await selectRows<{ id: string; name: string; in_stock: boolean }>(
    db,
    sql`select r.id, r.name,
               (r.status = 'active' and (r.stock_kind = 'unlimited'
                 or (r.stock_kind = 'counted' and r.stock_remaining > 0)
                 or (r.stock_kind = 'codes' and exists (
                      select 1 from reward_codes c
                       where c.program_id = r.program_id and c.reward_id = r.id and c.status = 'available')))) as in_stock
          from rewards r
         where r.program_id = ${programId} and r.id in (${sql.join(
           ids.map((id) => sql`${id}`),
           sql`, `,
         )})`,
  );
  return new Map(rows.map((r) => [r.id, { name: r.name, inStock: r.in_stock === true }]));
}
