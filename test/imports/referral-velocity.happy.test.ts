// The velocity guard over an account import's own rows (decision 0063): the file's earlier rows of a
// referrer count as if they had come one by one through the API, in file order. With a limit of 3 in
// 30 days, a referrer's 4th referral is flagged (review) or refused, naming the limit; a dry run
// reports the same outcome per row and writes nothing; each referrer is counted on its own; referrals
// made before the file count too.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type PartnerProgram, partnerProgram, referAFriend } from '../partners/helpers.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

type Action = 'flag' | 'refuse';

async function withVelocity(action: Action, max = 3): Promise<PartnerProgram> {
  const p = await partnerProgram(api);
  await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/referral-programs',
    payload: referAFriend({
      guards: { sameGroup: 'off', sameEmailDomain: 'off', velocity: { max, days: 30, action } },
    }),
  });
  await p.account('NORDIC');
  await p.account('BALTIC');
  return p;
}

const importCsv = (p: PartnerProgram, csv: string, query = '') =>
  p.send(p.write, {
    method: 'POST',
    url: `/v1/imports/accounts${query}`,
    headers: { 'content-type': 'text/csv' },
    payload: csv,
  });

/** A file of `rows` new accounts, each naming the referrer given for it. */
const file = (referrers: string[]) =>
  ['externalId,name,referredBy', ...referrers.map((r, i) => `NEW-${i + 1},New ${i + 1},${r}`)].join('\n');

async function stored(p: PartnerProgram) {
  return selectRows<{ externalId: string; referrer: string; status: string }>(
    api.database.db,
    sql`select a.external_id as "externalId", r.external_id as referrer, f.status
          from referrals f
          join accounts a on a.program_id = f.program_id and a.id = f.referred_account_id
          join accounts r on r.program_id = f.program_id and r.id = f.referrer_account_id
         where f.program_id = ${p.id}
         order by f.attributed_at, a.external_id`,
  );
}

async function accountCount(p: PartnerProgram): Promise<number> {
  const [row] = await selectRows<{ n: string }>(
    api.database.db,
    sql`select count(*) as n from accounts where program_id = ${p.id}`,
  );
  return Number(row!.n);
}

const velocityOf = (findings: Array<{ guard: string; reason: string }>) =>
  findings.find((f) => f.guard === 'velocity');

describe('the velocity guard over an import file', () => {
  it('flags exactly the rows beyond the limit; the dry run reports the same and writes nothing', async () => {
    const p = await withVelocity('flag');
    const csv = file(Array.from({ length: 6 }, () => 'NORDIC'));
    const dry = await importCsv(p, csv, '?dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(await stored(p)).toEqual([]);
    expect(await accountCount(p)).toBe(2);

    const real = await importCsv(p, csv);
    expect(real.statusCode, real.body).toBe(200);
    const rows = real.json().referrals;
    expect(rows.map((r: { status: string }) => r.status)).toEqual([
      'pending',
      'pending',
      'pending',
      'review',
      'review',
      'review',
    ]);
    expect(rows.map((r: { line: number }) => r.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(velocityOf(rows[3].findings)).toEqual({
      guard: 'velocity',
      action: 'flag',
      reason:
        'the referrer made 3 referrals in the last 30 days, 3 of them on earlier rows of this import file (at most 3)',
    });
    expect(velocityOf(rows[5].findings)?.reason).toBe(
      'the referrer made 5 referrals in the last 30 days, 5 of them on earlier rows of this import file (at most 3)',
    );
    expect(rows.slice(0, 3).every((r: { findings: unknown[] }) => r.findings.length === 0)).toBe(true);
    // The dry run said the same of every row.
    expect(dry.json().referrals).toEqual(rows);
    expect(dry.json()).toMatchObject({ dryRun: true, created: 6, errors: [] });

    // What was stored agrees, and the review queue holds the three.
    expect((await stored(p)).map((r) => [r.externalId, r.status])).toEqual([
      ['NEW-1', 'pending'],
      ['NEW-2', 'pending'],
      ['NEW-3', 'pending'],
      ['NEW-4', 'review'],
      ['NEW-5', 'review'],
      ['NEW-6', 'review'],
    ]);
    const review = await p.ok(p.read, { method: 'GET', url: '/v1/referrals?status=review' });
    expect(review.data).toHaveLength(3);
    expect(velocityOf(review.data[0].findings)?.reason).toMatch(/\(at most 3\)$/);
  });

  it('refuses the rows beyond the limit: the file is refused whole, or those rows skipped', async () => {
    const p = await withVelocity('refuse');
    const csv = file(Array.from({ length: 5 }, () => 'NORDIC'));
    const refused = await importCsv(p, csv);
    expect(refused.statusCode, refused.body).toBe(422);
    const body = refused.json();
    expect(body).toMatchObject({ code: 'import_invalid_rows', invalidRows: 2 });
    expect(body.errors.map((e: { line: number; path: string }) => [e.line, e.path])).toEqual([
      [5, 'referredBy'],
      [6, 'referredBy'],
    ]);
    expect(body.errors[0].message).toBe(
      'referral_refused: The referral is refused: the referrer made 3 referrals in the last 30 days, 3 of them on earlier rows of this import file (at most 3)',
    );
    expect(await stored(p)).toEqual([]);
    expect(await accountCount(p)).toBe(2);

    const dry = await importCsv(p, csv, '?skipInvalid=true&dryRun=true');
    const real = await importCsv(p, csv, '?skipInvalid=true');
    expect(real.statusCode, real.body).toBe(200);
    expect(real.json()).toMatchObject({ created: 3, skipped: 2 });
    expect(real.json().errors).toEqual(body.errors);
    expect(real.json().referrals.map((r: { line: number; status: string }) => [r.line, r.status])).toEqual([
      [2, 'pending'],
      [3, 'pending'],
      [4, 'pending'],
    ]);
    expect(dry.json()).toMatchObject({ dryRun: true, created: 3, skipped: 2 });
    expect(dry.json().errors).toEqual(real.json().errors);
    expect(dry.json().referrals).toEqual(real.json().referrals);
    expect((await stored(p)).map((r) => r.externalId)).toEqual(['NEW-1', 'NEW-2', 'NEW-3']);
    expect(await accountCount(p)).toBe(5);
  });

  it('counts each referrer of a mixed file on its own, and referrals made before the file', async () => {
    const p = await withVelocity('flag');
    // One referral of BALTIC before the file, through the API.
    await p.account('EARLIER');
    await p.ok(p.write, {
      method: 'POST',
      url: '/v1/referrals',
      payload: { referredBy: 'BALTIC', account: 'EARLIER' },
    });
    const referrers = ['NORDIC', 'BALTIC', 'NORDIC', 'BALTIC', 'NORDIC', 'BALTIC', 'NORDIC', 'BALTIC'];
    const csv = file(referrers);
    const dry = (await importCsv(p, csv, '?dryRun=true')).json();
    const real = await importCsv(p, csv);
    expect(real.statusCode, real.body).toBe(200);
    const rows = real.json().referrals;
    expect(rows.map((r: { externalId: string; status: string }) => [r.externalId, r.status])).toEqual([
      ['NEW-1', 'pending'], // NORDIC 1
      ['NEW-2', 'pending'], // BALTIC 2 (one before the file)
      ['NEW-3', 'pending'], // NORDIC 2
      ['NEW-4', 'pending'], // BALTIC 3
      ['NEW-5', 'pending'], // NORDIC 3
      ['NEW-6', 'review'], // BALTIC 4
      ['NEW-7', 'review'], // NORDIC 4
      ['NEW-8', 'review'], // BALTIC 5
    ]);
    expect(velocityOf(rows[5].findings)?.reason).toBe(
      'the referrer made 3 referrals in the last 30 days, 2 of them on earlier rows of this import file (at most 3)',
    );
    expect(velocityOf(rows[6].findings)?.reason).toBe(
      'the referrer made 3 referrals in the last 30 days, 3 of them on earlier rows of this import file (at most 3)',
    );
    expect(dry.referrals).toEqual(rows);
    // Referrals made through the API afterwards count the file's rows: NORDIC's next is flagged too.
    await p.account('LATER');
    const later = await p.ok(p.write, {
      method: 'POST',
      url: '/v1/referrals',
      payload: { referredBy: 'NORDIC', account: 'LATER' },
    });
    expect(later.status).toBe('review');
    expect(velocityOf(later.findings)?.reason).toBe(
      'the referrer made 4 referrals in the last 30 days (at most 3)',
    );
  });

  it('a file imported again changes nothing and counts nothing twice', async () => {
    const p = await withVelocity('flag');
    const csv = file(['NORDIC', 'NORDIC', 'NORDIC']);
    const first = await importCsv(p, csv);
    expect(first.json().referrals.map((r: { status: string }) => r.status)).toEqual([
      'pending',
      'pending',
      'pending',
    ]);
    const again = await importCsv(p, csv);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ created: 0, updated: 3, errors: [] });
    expect(again.json().referrals).toBeUndefined();
    expect((await stored(p)).map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
  });
});
