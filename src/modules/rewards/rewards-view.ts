// How a reward is shown: its price valued in money, its stock (units, codes or places left), its
// sessions and its texts in the asked locale; and reading one reward.
import { FidelisError } from '../../core/errors.ts';
import { valueInMinorUnits } from '../../core/money.ts';
import type { Redeemable } from '../../core/rewards/eligibility.ts';
import type { Executor } from '../../db/client.ts';
import { ledgerSettings } from '../ledger/ledger-settings.ts';
import type { CurrencyContext, InCurrency } from './rewards-currencies.ts';
import type { RewardDeps } from './rewards-service.ts';
import {
  type CodeCounts,
  codeCounts,
  findReward,
  listSessions,
  type RewardRow,
  type SessionRow,
} from './rewards-store.ts';

export type Session = ReturnType<typeof toSession>;

export function toSession(s: SessionRow) {
  return {
    id: s.id,
    name: s.name,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt?.toISOString() ?? null,
    capacity: s.capacity,
    remaining: s.capacity - s.reserved,
  };
}

function localised(r: RewardRow, locale: string | undefined) {
  if (!locale) return { name: r.name, description: r.description };
  const t = r.translations[locale] ?? r.translations[locale.split('-')[0]!];
  return { name: t?.name ?? r.name, description: t?.description ?? r.description };
}

/** How a program values prices: points at its cost per point, in its base currency. */
export interface Valuation {
  currency: string;
  costPerPoint: string;
}

export function toReward(
  r: RewardRow,
  extra: {
    available: number | null;
    /** A code pool's counts by state (a code-pool reward only). */
    codes?: CodeCounts;
    valuation: Valuation;
    sessions?: SessionRow[];
    locale?: string;
    redeemable?: Redeemable;
    /** The reward in the asked (or the browsing account's) currency. */
    inCurrency?: InCurrency;
  },
) {
  const { name, description } = localised(r, extra.locale);
  return {
    id: r.id,
    type: r.type,
    name,
    description,
    translations: r.translations,
    imageUrl: r.imageUrl,
    price: {
      amount: r.priceAmount,
      unit: r.priceUnit,
      value:
        r.priceUnit === 'points'
          ? {
              currency: extra.valuation.currency,
              minorUnits: valueInMinorUnits(
                r.priceAmount,
                extra.valuation.costPerPoint,
                extra.valuation.currency,
              ),
            }
          : { currency: r.priceUnit, minorUnits: r.priceAmount },
    },
    faceValue:
      r.faceValueAmount !== null && r.faceValueCurrency !== null
        ? { amount: r.faceValueAmount, currency: r.faceValueCurrency }
        : null,
    currencyValues: r.currencyValues,
    ...(extra.inCurrency ? { inCurrency: extra.inCurrency } : {}),
    stock: {
      kind: r.stockKind,
      available: extra.available,
      low: extra.available !== null && r.lowStockThreshold !== null && extra.available <= r.lowStockThreshold,
      // The pool's counts on one reward's read only: the list is also the member portal's catalog.
      ...(r.stockKind === 'codes' && extra.codes ? { codes: extra.codes } : {}),
    },
    lowStockThreshold: r.lowStockThreshold,
    ...(extra.sessions ? { sessions: extra.sessions.map(toSession) } : {}),
    availableFrom: r.availableFrom?.toISOString() ?? null,
    availableUntil: r.availableUntil?.toISOString() ?? null,
    eligibility: r.eligibility,
    limits: r.limits,
    fulfilment: r.fulfilment,
    status: r.status,
    ...(extra.redeemable ? { redeemable: extra.redeemable } : {}),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
export type Reward = ReturnType<typeof toReward>;

export async function valuation(d: RewardDeps, programId: string): Promise<Valuation> {
  const program = await d.programs.get(programId);
  return { currency: program.baseCurrency, costPerPoint: ledgerSettings(program.settings).costPerPoint };
}

/**
 * What showing `rows` in `currency` needs: the program's valuation and the rates in force now of
 * `currency` and of every currency the rewards are priced or valued in (one read).
 */
export async function currencyContext(
  d: RewardDeps,
  programId: string,
  currency: string,
  rows: RewardRow[],
  worth: Valuation,
): Promise<CurrencyContext> {
  const wanted = new Set([currency]);
  for (const r of rows) {
    if (r.priceUnit !== 'points') wanted.add(r.priceUnit);
    if (r.faceValueCurrency) wanted.add(r.faceValueCurrency);
  }
  wanted.delete(worth.currency);
  return {
    baseCurrency: worth.currency,
    costPerPoint: worth.costPerPoint,
    rates: await d.fx.ratesInForce(programId, [...wanted].sort(), new Date()),
  };
}

/** The reward, or reward_not_found; inside a caller's transaction when `db` is given. */
export async function loadReward(
  d: RewardDeps,
  programId: string,
  id: string,
  db: Executor = d.database.db,
): Promise<RewardRow> {
  const row = await findReward(db, programId, id);
  if (!row) throw new FidelisError('reward_not_found', `No reward ${id}`);
  return row;
}

/** Units, codes or places left per reward (null: unlimited), and the upcoming sessions. */
export async function stockOf(
  d: RewardDeps,
  programId: string,
  rows: RewardRow[],
  now: Date,
): Promise<{
  available: Map<string, number | null>;
  sessions: Map<string, SessionRow[]>;
  codes: Map<string, CodeCounts>;
}> {
  const codes = await codeCounts(
    d.database.db,
    programId,
    rows.filter((r) => r.stockKind === 'codes').map((r) => r.id),
  );
  const sessionRows = await listSessions(
    d.database.db,
    programId,
    rows.filter((r) => r.stockKind === 'sessions').map((r) => r.id),
  );
  const sessions = new Map<string, SessionRow[]>();
  for (const s of sessionRows) sessions.set(s.rewardId, [...(sessions.get(s.rewardId) ?? []), s]);
  const available = new Map<string, number | null>();
  for (const r of rows) {
    switch (r.stockKind) {
      case 'unlimited':
        available.set(r.id, null);
        break;
      case 'counted':
        available.set(r.id, r.stockRemaining ?? 0);
        break;
      case 'codes':
        available.set(r.id, codes.get(r.id)?.available ?? 0);
        break;
      case 'sessions':
        available.set(
          r.id,
          (sessions.get(r.id) ?? [])
            .filter((s) => s.startsAt > now)
            .reduce((n, s) => n + s.capacity - s.reserved, 0),
        );
        break;
    }
  }
  return { available, sessions, codes };
}

/** The reward as the API shows it, with its stock and sessions now. */
export async function viewReward(d: RewardDeps, programId: string, row: RewardRow, locale?: string) {
  const { available, sessions, codes } = await stockOf(d, programId, [row], new Date());
  return toReward(row, {
    available: available.get(row.id) ?? null,
    codes:
      row.stockKind === 'codes' ? (codes.get(row.id) ?? { available: 0, reserved: 0, issued: 0 }) : undefined,
    valuation: await valuation(d, programId),
    sessions: row.stockKind === 'sessions' ? (sessions.get(row.id) ?? []) : undefined,
    locale,
  });
}

export async function getReward(d: RewardDeps, programId: string, id: string): Promise<Reward> {
  return viewReward(d, programId, await loadReward(d, programId, id));
}
