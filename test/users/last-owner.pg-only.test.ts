// The last enabled owner, under real concurrency (issue 20): two owners who, at the same instant,
// each disable or demote the other. Each change locks the program's enabled owners first (in id
// order) and then decides, so exactly one of the two wins and the other is refused with last_owner:
// the program always keeps an enabled owner, round after round, whatever the interleaving.
import { beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app/compose.ts';
import { FidelisError } from '../../src/core/errors.ts';
import type { Database } from '../../src/db/client.ts';
import { FIXTURE } from '../support/actor.ts';
import { freshPostgres } from '../support/db.ts';

let database: Database;
let services: Services;

beforeAll(async () => {
  ({ database } = await freshPostgres(8));
  expect(database.driver).toBe('postgres');
  services = createServices(database);
});

async function programWithTwoOwners(n: number) {
  const programId = (
    await services.programs.create(
      { name: `Owners ${n}`, baseCurrency: 'EUR', timeZone: 'Europe/Amsterdam' },
      FIXTURE,
    )
  ).id;
  const make = async (who: string) =>
    (
      await services.users.create(
        programId,
        { email: `${who}${n}@owners.test`, password: 'correct horse battery', role: 'owner' },
        FIXTURE,
      )
    ).id;
  return { programId, a: await make('a'), b: await make('b') };
}

const outcome = (s: PromiseSettledResult<unknown>) =>
  s.status === 'fulfilled'
    ? 'ok'
    : s.reason instanceof FidelisError
      ? s.reason.code
      : `error ${String(s.reason).split('\n')[0]}`;

async function enabledOwners(programId: string): Promise<number> {
  const page = await services.users.list(programId, { role: 'owner', disabled: false, limit: 100 });
  return page.data.length;
}

describe('the last enabled owner on PostgreSQL', () => {
  it('two owners disabling each other at once: one wins, the other gets last_owner', async () => {
    for (let round = 0; round < 4; round++) {
      const { programId, a, b } = await programWithTwoOwners(round);
      const asOwner = { actor: FIXTURE, role: 'owner' as const };
      const settled = await Promise.allSettled([
        services.users.setDisabled(programId, b, true, asOwner),
        services.users.setDisabled(programId, a, true, asOwner),
      ]);
      expect(settled.map(outcome).sort()).toEqual(['last_owner', 'ok']);
      expect(await enabledOwners(programId)).toBe(1);
    }
  });

  it('an owner demoted while the other is disabled: one wins, the other gets last_owner', async () => {
    for (let round = 0; round < 4; round++) {
      const { programId, a, b } = await programWithTwoOwners(100 + round);
      const asOwner = { actor: FIXTURE, role: 'owner' as const };
      const settled = await Promise.allSettled([
        services.users.update(programId, a, { role: 'manager' }, asOwner),
        services.users.setDisabled(programId, b, true, asOwner),
      ]);
      expect(settled.map(outcome).sort()).toEqual(['last_owner', 'ok']);
      expect(await enabledOwners(programId)).toBe(1);
    }
  });
});
