// Cash wallets out of the program: payouts (the operator moves the money) and donations to the
// charities a program lists. Both are posted ledger entries (types payout and donate). The use cases
// live in the cashback-<verb>.ts files; this factory binds them to their dependencies.
import type { Database } from '../../db/client.ts';
import { bindUseCases } from '../../lib/use-cases.ts';
import { allCharities, createCharity, getCharity, updateCharity } from './cashback-charities.ts';
import { donate, donationPage, donationSums, donationsCsv } from './cashback-donate.ts';
import { payout, payoutPage } from './cashback-payout.ts';
import type { CatalogServices } from './rewards-service.ts';

/** What every cashback use case takes first: the catalog's services that cash needs. */
export interface CashbackDeps extends Pick<CatalogServices, 'accounts' | 'contacts' | 'ledger' | 'audit'> {
  database: Database;
}

export function createCashbackService(database: Database, services: Omit<CashbackDeps, 'database'>) {
  const d: CashbackDeps = { database, ...services };
  return bindUseCases(d, {
    createCharity,
    updateCharity,
    charity: getCharity,
    charities: allCharities,
    donate,
    donations: donationPage,
    donationTotals: donationSums,
    donationsCsv,
    payout,
    payouts: payoutPage,
  });
}

export type CashbackService = ReturnType<typeof createCashbackService>;
