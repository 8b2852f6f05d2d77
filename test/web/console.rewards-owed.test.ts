// The console's Rewards owed screen (decision 0053) in a real browser (Debian's chromium driven by
// playwright-core) against a real `fidelis start` on a fresh embedded store: the demo's challenge
// completion owes its tool bag (out of stock) on first start; a second partner completes it (an event
// sent through the API) and owes one too. The owner sees both, with the member by name; an empty
// waiver reason is refused on its row, then one is waived with a reason; a retry while out of stock
// is refused on its row, and once restocked the other is retried and issued — each checked against the
// API. A viewer is offered neither button and the API refuses its retry. axe-core checks the screen.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCsv } from '../../src/modules/demo/demo-data.ts';
import {
  consoleHelpers,
  launchBrowser,
  type RunningConsole,
  startConsole,
  stopConsole,
} from './console-harness.ts';

/** How long a poll waits for the screen after a write (the machine may be loaded: a second is not enough). */
const PATIENT = { timeout: 15_000 };
let running: RunningConsole;
let browser: Browser;
const { apiGet, apiPost, apiPatch, asUser, newPage, signIn, accessibility, shot } = consoleHelpers(() => ({
  browser,
  running,
}));

interface Owed {
  key: string;
  accountId: string;
  reward: { id: string; name: string; inStock: boolean };
  status: string;
}

beforeAll(async () => {
  browser = await launchBrowser();
  running = await startConsole('pglite', 'owed');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stopConsole(running);
});

/** Signs in and opens Rewards owed from the main navigation. */
async function openOwed(page: Page, login?: { email: string; password: string }) {
  await signIn(page, '/dashboard', login);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rewards owed' }).click();
  await page.getByRole('heading', { name: 'Rewards owed', level: 1 }).waitFor();
}

describe('the rewards owed screen', () => {
  it('lists what the program owes, refuses a waiver without a reason, waives one with a reason, and retries one once restocked', async () => {
    // The demo's first partner completed the challenge: its tool bag is owed.
    const first: Owed[] = (await apiGet('/v1/engagement/rewards-owed')).data;
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ status: 'owed', reward: { name: 'Premium tool bag', inStock: false } });
    // The second partner (two trainings of three) completes it too: owed as well.
    const earners = [...demoCsv().accounts.matchAll(/^(CRM-\d{4}(?:-\d)?),/gm)].map((m) => m[1]!);
    await apiPost('/v1/events', {
      id: `DEMO-TRAINING-${earners[1]}-3`,
      type: 'training.completed',
      account: earners[1],
      occurredAt: new Date().toISOString(),
      attributes: { course: 'hygiene' },
    });
    await expect.poll(async () => (await apiGet('/v1/engagement/rewards-owed')).data.length, PATIENT).toBe(2);
    const owed: Owed[] = (await apiGet('/v1/engagement/rewards-owed')).data;
    const [older, newer] = owed;
    const names = await Promise.all(
      owed.map(async (o) => (await apiGet(`/v1/accounts/${o.accountId}`)).name),
    );

    const page = await newPage();
    await openOwed(page);
    const table = page.getByRole('table', { name: 'Rewards owed, oldest first' });
    await expect.poll(() => table.getByRole('row').count(), PATIENT).toBe(3);
    // Oldest first, the member by name, what is owed, why and the last error.
    const olderRow = page.getByTestId(`owed-${older!.key}`);
    const newerRow = page.getByTestId(`owed-${newer!.key}`);
    await olderRow.getByText(names[0], { exact: false }).waitFor();
    await newerRow.getByText(names[1], { exact: false }).waitFor();
    await olderRow.getByText('Challenge Three trainings this quarter').waitFor();
    await olderRow.getByText('Premium tool bag is out of stock').waitFor();
    await olderRow.getByText('not in stock').waitFor();
    expect(await accessibility(page)).toEqual([]);

    // Waive the newer one: an empty reason is the API's refusal on its row; then with a reason.
    const bag = older!.reward.name;
    await newerRow.getByRole('button', { name: `Waive ${bag} for ${newer!.key}` }).click();
    const reason = newerRow.getByLabel('Why it will not be given');
    await newerRow.getByRole('button', { name: 'Waive it' }).click();
    await newerRow.getByRole('alert').waitFor();
    expect((await apiGet('/v1/engagement/rewards-owed')).data).toHaveLength(2);
    await reason.fill('Given by hand at the trade fair');
    await newerRow.getByRole('button', { name: 'Waive it' }).click();
    await newerRow.getByText('Waived: Given by hand at the trade fair').waitFor();
    const left: Owed[] = (await apiGet('/v1/engagement/rewards-owed')).data;
    expect(left.map((o) => o.key)).toEqual([older!.key]);

    // A retry while the bag is out of stock: refused on its row (reward_still_unavailable).
    const retry = olderRow.getByRole('button', { name: `Retry ${bag} for ${older!.key}` });
    await retry.click();
    await olderRow.getByRole('alert').getByText('code: reward_still_unavailable').waitFor();
    // Restocked: the retry issues it (or finds it issued by the due run meanwhile: the same answer).
    await apiPatch(`/v1/rewards/${older!.reward.id}`, { stockQuantity: 1 });
    await retry.click();
    await olderRow.getByText(/^Issued \(redemption red_/).waitFor();
    expect((await apiGet('/v1/engagement/rewards-owed')).data).toEqual([]);
    const redemptions = (await apiGet(`/v1/redemptions?account=${older!.accountId}&limit=100`)).data;
    expect(redemptions.filter((r: { issuedFor: string | null }) => r.issuedFor === older!.key)).toHaveLength(
      1,
    );
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'rewards-owed');
    // Reloaded, the program owes nothing.
    await page.reload();
    await page.getByText('The program owes no reward.').waitFor();
    await page.context().close();
  }, 120_000);

  it('offers a viewer no retry or waive, and the API refuses its retry', async () => {
    // Owed again: a third partner completes the challenge while the bag is out of stock once more.
    const viewer = { email: 'viewer@owed.fidelis.local', password: 'viewer-owed-pass' };
    await apiPost('/v1/users', { ...viewer, role: 'viewer', name: 'Owed Viewer' });
    const account = (await apiPost('/v1/accounts', { externalId: 'OWED-3', name: 'Owed Three Ltd' })).id;
    for (const n of [1, 2, 3])
      await apiPost('/v1/events', {
        id: `OWED-TRAINING-${n}`,
        type: 'training.completed',
        account: 'OWED-3',
        occurredAt: new Date().toISOString(),
        attributes: { course: `course-${n}` },
      });
    await expect.poll(async () => (await apiGet('/v1/engagement/rewards-owed')).data.length, PATIENT).toBe(1);
    const [owed] = (await apiGet('/v1/engagement/rewards-owed')).data as Owed[];
    expect(owed!.accountId).toBe(account);

    const page = await newPage();
    await openOwed(page, viewer);
    const row = page.getByTestId(`owed-${owed!.key}`);
    await row.getByText('Owed Three Ltd (OWED-3)').waitFor();
    await page.getByText('may look at the rewards owed but not retry or waive them').waitFor();
    expect(await page.getByRole('button', { name: /^(Retry|Waive) / }).count()).toBe(0);
    const refused = await asUser(
      page,
      'POST',
      `/v1/engagement/rewards-owed/${encodeURIComponent(owed!.key)}/retry`,
      {},
    );
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('insufficient_scope');
    expect((await apiGet('/v1/engagement/rewards-owed')).data).toHaveLength(1);
    expect(await accessibility(page)).toEqual([]);
    await page.context().close();
  }, 60_000);
});
