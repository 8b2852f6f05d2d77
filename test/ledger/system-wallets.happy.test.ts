// System wallet ids are cached per instance (decision 0014), but only once committed: a system wallet
// created by a transaction that rolls back must not leave its id behind in the cache.
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});

describe('the system wallet cache', () => {
  it('never remembers a system wallet created by a transaction that rolled back', async () => {
    const { programs, accounts, ledger } = api.services;
    const program = await programs.create({ name: 'System wallets', baseCurrency: 'EUR' }, FIXTURE);
    const account = await accounts.create(program.id, { externalId: 'ACME', name: 'ACME' }, FIXTURE);
    const credit = (key: string) => ({
      key,
      account: account.id,
      amount: 5,
      reasonCode: 'test',
      explanation: 'Test',
    });

    // The program's first credits (the issuance wallet is created by the first, found by the second,
    // both in one transaction), then rolled back.
    // Read before the transaction, as callers in a transaction do (PGlite has one connection).
    const context = await ledger.creditContext(program.id, account.id);
    await expect(
      api.database.transaction(async (tx) => {
        await ledger.credit(program.id, credit('sw-1'), tx, context);
        await ledger.credit(program.id, credit('sw-2'), tx, context);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');

    // The wallet is created again (by this credit), then found and cached (by the next ones).
    for (const key of ['sw-3', 'sw-4', 'sw-5']) {
      const { replayed } = await ledger.credit(program.id, credit(key));
      expect(replayed).toBe(false);
    }
    expect(await ledger.verify(program.id)).toEqual([]);
    const [wallet] = await ledger.summary(program.id, account.id);
    expect(wallet?.available).toBe(15);
  });
});
