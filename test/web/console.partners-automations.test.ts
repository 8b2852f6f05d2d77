// The console's automation and commission screens in a real browser (Debian's chromium driven by
// playwright-core) against a real `fidelis start` on a fresh store, embedded and PostgreSQL: the
// latest firings across automations, filtered by automation; an automation refused at its field,
// then created, listed, paused and resumed, and edited (refused at its field first); a commission
// plan refused at its rate, then created, edited (a new version; refused first) and a partner put
// on it; the partner's lines (set up through the API) proposed as a payout run, reviewed, the demo's
// run cancelled, the run approved by another admin (maker-checker) and a payout marked sent, the
// proposer and decider shown by name to an approver too — each checked against the API. axe-core
// checks each screen; screenshots go to test-artifacts/console/ (on the embedded store).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleHelpers,
  type Login,
  launchBrowser,
  type RunningConsole,
  startConsole,
  stopConsole,
} from './console-harness.ts';

/** How long a poll waits for the screen after a write (the machine may be loaded: a second is not enough). */
const PATIENT = { timeout: 15_000 };
let running: RunningConsole;
let browser: Browser;
let approver: Login;
const { apiGet, apiPost, asUser, newPage, signIn, accessibility, shot } = consoleHelpers(() => ({
  browser,
  running,
}));

beforeAll(async () => {
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

describe.each(['pglite', 'postgres'] as const)(
  'the automation and commission screens on %s',
  (storeUnderTest) => {
    beforeAll(async () => {
      running = await startConsole(storeUnderTest, 'commissions');
      ({ approver } = running);
    }, 300_000);

    afterAll(async () => {
      await stopConsole(running);
    });

    it('lists the automations as the API has them, refuses one at its field, creates one and pauses and resumes it', async () => {
      const automations = (await apiGet('/v1/automations?limit=100')).data;
      expect(automations.length).toBeGreaterThan(0);
      const page = await newPage();
      await signIn(page, '/automations');
      await page.getByRole('heading', { name: 'Automations', level: 1 }).waitFor();
      const table = page.getByRole('table', { name: 'Automations', exact: true });
      await expect.poll(() => table.getByRole('row').count(), PATIENT).toBe(automations.length + 1);
      for (const a of automations) await table.getByRole('row').filter({ hasText: a.name }).first().waitFor();
      // The demo's milestone reads as a sentence, its threshold grouped (en-GB).
      await table.getByText('lifetime spend reaches 10,000').waitFor();

      // The latest firings across automations, newest first, as the API lists them.
      const across = (await apiGet('/v1/automation-firings?limit=50')).data;
      await page.getByRole('heading', { name: 'Latest firings', exact: true }).waitFor();
      if (across.length === 0) await page.getByText('No firing matches.').waitFor();
      else {
        const acrossTable = page.getByRole('table', { name: 'Firings of every automation, newest first' });
        await expect.poll(() => acrossTable.getByRole('row').count(), PATIENT).toBe(across.length + 1);
        await acrossTable.getByRole('row').nth(1).getByText(across[0].explanation).waitFor();
      }

      // The latest firings of the one that fired most (the demo's due run fires them), as the API lists them.
      const counted = await Promise.all(
        automations.map(async (a: { code: string; name: string }) => ({
          code: a.code,
          name: a.name,
          firings: (await apiGet(`/v1/automations/${a.code}/firings`)).data,
        })),
      );
      const fired = counted.sort((x, y) => y.firings.length - x.firings.length)[0]!;
      await page.getByRole('button', { name: `Firings of ${fired.name}` }).click();
      await page.getByRole('heading', { name: `Latest firings of ${fired.name}` }).waitFor();
      if (fired.firings.length === 0) await page.getByText('It has not fired yet.').waitFor();
      else {
        const firings = page.getByRole('table', { name: `Firings of ${fired.name}, newest first` });
        await expect.poll(() => firings.getByRole('row').count(), PATIENT).toBe(fired.firings.length + 1);
        await firings.getByText(fired.firings[0].explanation).first().waitFor();
      }
      // The filter, chosen in its field: every automation again.
      expect(await page.getByLabel('Automation', { exact: true }).inputValue()).toBe(fired.code);
      await page.getByLabel('Automation', { exact: true }).selectOption('');
      await page.getByRole('button', { name: 'Show the firings' }).click();
      await page.getByRole('heading', { name: 'Latest firings', exact: true }).waitFor();

      // A win-back after 0 days: the API refuses it, the message shows under the days; nothing saved.
      await page.getByRole('button', { name: 'New automation' }).click();
      await page.getByLabel('Code', { exact: true }).fill('console-win-back');
      await page.getByLabel('Name', { exact: true }).fill('Console win-back');
      await page.getByLabel('Fired by').selectOption('win_back');
      const days = page.getByLabel('Days without an event');
      await days.fill('0');
      await page.getByLabel('Event types that count as activity (comma-separated)').fill('purchase');
      await page.getByLabel('Points', { exact: true }).fill('75');
      await page.getByLabel('Cashback (base currency, e.g. 25.00)').fill('5.00');
      await page.getByRole('button', { name: 'Create the automation' }).click();
      await expect.poll(() => days.getAttribute('aria-invalid'), PATIENT).toBe('true');
      expect(await page.locator(`#${await days.getAttribute('aria-describedby')}`).textContent()).toMatch(
        /days/,
      );
      const missing = await fetch(`${running.server.url}/v1/automations/console-win-back`, {
        headers: { authorization: `Bearer ${running.demoKey}` },
      });
      expect(missing.status).toBe(404);
      expect(await accessibility(page)).toEqual([]);
      await shot(page, 'automation-refused');

      await days.fill('45');
      await page.getByRole('button', { name: 'Create the automation' }).click();
      const row = table.getByRole('row').filter({ hasText: 'Console win-back' });
      await row.waitFor();
      await row.getByText('no purchase for 45 days').waitFor();
      await row.getByText('75 points, €5.00 cashback').waitFor();
      expect(await apiGet('/v1/automations/console-win-back')).toMatchObject({
        name: 'Console win-back',
        trigger: { kind: 'win_back', days: 45, eventTypes: ['purchase'] },
        effect: { points: 75, cashback: '5.00' },
        enabled: true,
      });
      const state = page.getByTestId('automation-state-console-win-back');
      expect(await state.textContent()).toBe('enabled');

      // Paused, then resumed: the same document with `enabled` flipped, the rest unchanged.
      await row.getByRole('button', { name: 'Pause Console win-back' }).click();
      await expect.poll(() => state.textContent(), PATIENT).toBe('paused');
      expect(await apiGet('/v1/automations/console-win-back')).toMatchObject({
        enabled: false,
        trigger: { kind: 'win_back', days: 45 },
        effect: { points: 75, cashback: '5.00' },
      });
      expect(await accessibility(page)).toEqual([]);
      await shot(page, 'automations');
      await row.getByRole('button', { name: 'Resume Console win-back' }).click();
      await expect.poll(() => state.textContent(), PATIENT).toBe('enabled');
      expect((await apiGet('/v1/automations/console-win-back')).enabled).toBe(true);

      // Edited with the create form, prefilled: 0 days refused at the days, nothing changed; then 60 days and 80 points.
      const startsAt = (await apiGet('/v1/automations/console-win-back')).startsAt;
      await row.getByRole('button', { name: 'Edit Console win-back' }).click();
      await page.getByRole('heading', { name: 'Edit the automation Console win-back' }).waitFor();
      const editDays = page.getByLabel('Days without an event');
      expect(await editDays.inputValue()).toBe('45');
      expect(await page.getByLabel('Points', { exact: true }).inputValue()).toBe('75');
      expect(await page.getByLabel('Cashback (base currency, e.g. 25.00)').inputValue()).toBe('5.00');
      expect(await page.getByLabel('Fired by').inputValue()).toBe('win_back');
      expect(await page.getByLabel('Code', { exact: true }).count()).toBe(0);
      await editDays.fill('0');
      await page.getByRole('button', { name: 'Save the automation' }).click();
      await expect.poll(() => editDays.getAttribute('aria-invalid'), PATIENT).toBe('true');
      expect(await page.locator(`#${await editDays.getAttribute('aria-describedby')}`).textContent()).toMatch(
        /days/,
      );
      expect((await apiGet('/v1/automations/console-win-back')).trigger.days).toBe(45);
      expect(await accessibility(page)).toEqual([]);
      await shot(page, 'automation-edit-refused');
      await editDays.fill('60');
      await page.getByLabel('Points', { exact: true }).fill('80');
      await page.getByRole('button', { name: 'Save the automation' }).click();
      await row.getByText('no purchase for 60 days').waitFor();
      await row.getByText('80 points, €5.00 cashback').waitFor();
      expect(await apiGet('/v1/automations/console-win-back')).toMatchObject({
        name: 'Console win-back',
        trigger: { kind: 'win_back', days: 60, eventTypes: ['purchase'] },
        effect: { points: 80, cashback: '5.00' },
        enabled: true,
        startsAt,
      });
      await page.context().close();

      // An approver reads them but is offered no write.
      const reader = await newPage();
      await signIn(reader, '/automations', approver);
      await reader.getByRole('table', { name: 'Automations', exact: true }).getByRole('row').nth(1).waitFor();
      expect(await reader.getByRole('button', { name: 'New automation' }).count()).toBe(0);
      expect(await reader.getByRole('button', { name: /^(Pause|Edit) / }).count()).toBe(0);
      // And the API refuses the approver's change.
      const refused = await asUser(reader, 'PUT', '/v1/automations/console-win-back', {
        name: 'Approver win-back',
        trigger: { kind: 'win_back', days: 30, eventTypes: ['purchase'] },
        effect: { points: 1 },
      });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('insufficient_scope');
      expect((await apiGet('/v1/automations/console-win-back')).name).toBe('Console win-back');
      await reader.context().close();
    });

    it('creates a commission plan (refused at its rate first), proposes a payout run of a partner’s lines, and another admin approves it and marks a payout sent', async () => {
      const euros = (minor: number) =>
        new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }).format(minor / 100);
      // A second admin (maker-checker: whoever proposes a run does not approve it).
      const second = {
        email: `second-admin-${storeUnderTest}@demo.fidelis.local`,
        password: 'second-admin-pass',
      };
      await apiPost('/v1/users', { ...second, role: 'admin', name: 'Second Admin' });
      // The partner and the business it refers (the referral set up through the API below).
      await apiPost('/v1/accounts', { externalId: 'PARTNER-1', name: 'Console Partners Ltd' });
      await apiPost('/v1/accounts', { externalId: 'REFERRED-1', name: 'Referred Works', status: 'prospect' });

      const page = await newPage();
      await signIn(page, '/commissions');
      await page.getByRole('heading', { name: 'Commissions', level: 1 }).waitFor();
      const plans = page.getByRole('table', { name: 'Commission plans' });
      const apiPlans = (await apiGet('/v1/commission-plans')).data;
      await expect.poll(() => plans.getByRole('row').count(), PATIENT).toBe(apiPlans.length + 1);
      await plans
        .getByRole('row')
        .filter({ hasText: 'Agency standard' })
        .getByText('€50.00', { exact: true })
        .waitFor();

      // A rate above 100%: refused under the rate, nothing saved.
      await page.getByRole('button', { name: 'New commission plan' }).click();
      await page.getByLabel('Plan code').fill('console-agency');
      await page.getByLabel('Plan name').fill('Console agency');
      expect(await page.getByLabel('Paid in ("points" or a currency)').inputValue()).toBe('EUR');
      await page.getByLabel('Days pending before due (default 30)').fill('0');
      await page.getByLabel('Fixed amount per converted referral (empty: none)').fill('40.00');
      const rate = page.getByLabel('Rate (% of revenue)');
      await rate.fill('150');
      await page.getByRole('button', { name: 'Create the plan' }).click();
      await expect.poll(() => rate.getAttribute('aria-invalid'), PATIENT).toBe('true');
      expect(await page.locator(`#${await rate.getAttribute('aria-describedby')}`).textContent()).toMatch(
        /100/,
      );
      expect(
        (
          await fetch(`${running.server.url}/v1/commission-plans/console-agency`, {
            headers: { authorization: `Bearer ${running.demoKey}` },
          })
        ).status,
      ).toBe(404);
      expect(await accessibility(page)).toEqual([]);
      await shot(page, 'commission-plan-refused');
      await rate.fill('10');
      await page.getByRole('button', { name: 'Create the plan' }).click();
      const planRow = plans.getByRole('row').filter({ hasText: 'Console agency' });
      await planRow.waitFor();
      await planRow.getByText('10% of purchase').waitFor();
      expect(await apiGet('/v1/commission-plans/console-agency')).toMatchObject({
        unit: 'EUR',
        holdingDays: 0,
        fixed: { amount: '40.00' },
        revenue: { eventTypes: ['purchase'], rate: '10', period: 'month', months: null },
        bonus: null,
        version: 1,
      });

      // Edited with the create form, prefilled: a rate above 100% refused at the rate, version 1 kept;
      // then revenue counted for 24 months: version 2, for lines from now on.
      await planRow.getByRole('button', { name: 'Edit Console agency' }).click();
      await page.getByRole('heading', { name: 'Edit the plan Console agency' }).waitFor();
      const editRate = page.getByLabel('Rate (% of revenue)');
      expect(await editRate.inputValue()).toBe('10');
      expect(await page.getByLabel('Fixed amount per converted referral (empty: none)').inputValue()).toBe(
        '40.00',
      );
      expect(await page.getByLabel('Days pending before due (default 30)').inputValue()).toBe('0');
      await editRate.fill('150');
      await page.getByRole('button', { name: 'Save the plan' }).click();
      await expect.poll(() => editRate.getAttribute('aria-invalid'), PATIENT).toBe('true');
      expect(await apiGet('/v1/commission-plans/console-agency')).toMatchObject({
        version: 1,
        revenue: { rate: '10' },
      });
      expect(await accessibility(page)).toEqual([]);
      await shot(page, 'commission-plan-edit-refused');
      await editRate.fill('10');
      await page.getByLabel('For how many months after the referral (empty: for life)').fill('24');
      await page.getByRole('button', { name: 'Save the plan' }).click();
      await planRow.getByText('10% of purchase (volume per month, 24 months)').waitFor();
      expect(await apiGet('/v1/commission-plans/console-agency')).toMatchObject({
        unit: 'EUR',
        holdingDays: 0,
        fixed: { amount: '40.00' },
        revenue: { eventTypes: ['purchase'], rate: '10', period: 'month', months: 24 },
        bonus: null,
        active: true,
        version: 2,
      });

      // The partner put on it in the console.
      await page.getByLabel('Partner account (id or CRM id)').fill('PARTNER-1');
      await page.getByLabel('Plan', { exact: true }).selectOption('console-agency');
      await page.getByRole('button', { name: 'Put on the plan' }).click();
      await page.getByRole('status').filter({ hasText: 'console-agency' }).waitFor();
      expect((await apiGet('/v1/commission-partners/PARTNER-1')).plan).toBe('console-agency');

      // Its lines, set up through the API: a referral converted by a 1,000.00 EUR purchase.
      const code = (
        await apiPost('/v1/referral-codes', { account: 'PARTNER-1', referralProgram: 'refer-a-business' })
      ).code;
      await apiPost('/v1/referrals', { code, account: 'REFERRED-1' });
      await apiPost('/v1/events', {
        id: `CONSOLE-COMMISSION-${storeUnderTest}`,
        type: 'purchase',
        account: 'REFERRED-1',
        occurredAt: new Date().toISOString(),
        amount: '1000.00',
        currency: 'EUR',
      });
      await expect
        .poll(async () => (await apiGet('/v1/commission-lines?partner=PARTNER-1')).data.length, {
          timeout: 30_000,
        })
        .toBe(2);
      const lines = (await apiGet('/v1/commission-lines?partner=PARTNER-1')).data;
      expect(lines.map((l: { amount: number }) => l.amount).sort((a: number, b: number) => a - b)).toEqual([
        4000, 10000,
      ]);

      // The lines on the page, filtered by the partner.
      await page.getByLabel('Partner (id or CRM id; empty: every partner)').fill('PARTNER-1');
      await page.getByRole('button', { name: 'Show the lines' }).click();
      const lineTable = page.getByRole('table', { name: 'Commission lines of PARTNER-1, newest first' });
      await expect.poll(() => lineTable.getByRole('row').count(), PATIENT).toBe(3);
      await lineTable.getByText(euros(10000), { exact: true }).first().waitFor();

      // A malformed period is refused at its field; then the month's run is proposed and opened for review.
      const period = page.getByLabel('Period (a month 2026-11 or a quarter 2026-Q4)');
      await period.fill('2026-13');
      await page.getByRole('button', { name: 'Propose the run' }).click();
      await expect.poll(() => period.getAttribute('aria-invalid'), PATIENT).toBe('true');
      const month = new Intl.DateTimeFormat('en-CA', {
        timeZone: 'Europe/Amsterdam',
        year: 'numeric',
        month: '2-digit',
      })
        .format(new Date())
        .slice(0, 7);
      await period.fill(month);
      await page.getByRole('button', { name: 'Propose the run' }).click();
      await page.getByRole('heading', { name: `Payout run of ${month}` }).waitFor();
      const run = (await apiGet(`/v1/payout-runs?period=${month}`)).data[0];
      expect(run.status).toBe('proposed');
      const payout = run.payouts.find(
        (p: { accountId: string }) => p.accountId === lines[0].partnerAccountId,
      );
      expect(payout.amount).toBe(14000);
      await page.getByTestId('run-status').getByText('proposed').waitFor();
      expect(await page.getByTestId('run-total').textContent()).toContain(euros(run.total));
      const payouts = page.getByRole('table', { name: `Payouts of the run of ${month}` });
      const partnerRow = payouts.getByRole('row').filter({ hasText: 'Console Partners Ltd' });
      await partnerRow.getByText(euros(14000), { exact: true }).first().waitFor();
      await partnerRow.getByRole('button', { name: `Lines of the payout ${payout.id}` }).click();
      await expect
        .poll(
          () =>
            page
              .getByRole('table', { name: `Lines of the payout ${payout.id}` })
              .getByRole('row')
              .count(),
          PATIENT,
        )
        .toBe(3);
      // The owner proposed it: no approve button, a note instead.
      await page.getByText('You proposed it: another admin approves it.').waitFor();
      expect(await page.getByRole('button', { name: 'Approve and release the payouts' }).count()).toBe(0);
      expect(await accessibility(page)).toEqual([]);
      await shot(page, 'payout-run-proposed');

      // The demo's quarter run (proposed by the demo) is cancelled by the owner, with a reason.
      const demoRun = (await apiGet('/v1/payout-runs?status=proposed')).data.find(
        (r: { id: string }) => r.id !== run.id,
      );
      await page.getByRole('button', { name: `Review the run of ${demoRun.period} (${demoRun.id})` }).click();
      await page.getByRole('heading', { name: `Payout run of ${demoRun.period}` }).waitFor();
      await page.getByLabel('Decision reason').fill('Paid by month from now on');
      await page.getByRole('button', { name: 'Cancel the run' }).click();
      await page.getByTestId('run-status').getByText('cancelled').waitFor();
      expect(await apiGet(`/v1/payout-runs/${demoRun.id}`)).toMatchObject({
        status: 'cancelled',
        decisionReason: 'Paid by month from now on',
      });
      await page.context().close();

      // Another admin approves the month's run: the money leaves the partner's wallet.
      const checker = await newPage();
      await signIn(checker, '/commissions', second);
      await checker.getByRole('button', { name: `Review the run of ${month} (${run.id})` }).click();
      await checker.getByRole('heading', { name: `Payout run of ${month}` }).waitFor();
      // The proposer by name (an admin reads the console users).
      await checker
        .getByRole('region', { name: `Payout run of ${month}` })
        .getByText('by Demo owner')
        .waitFor();
      await checker.getByLabel('Decision reason').fill('Checked against the invoices');
      await checker.getByRole('button', { name: 'Approve and release the payouts' }).click();
      await checker.getByTestId('run-status').getByText('approved').waitFor();
      const approved = await apiGet(`/v1/payout-runs/${run.id}`);
      expect(approved).toMatchObject({
        status: 'approved',
        decisionReason: 'Checked against the invoices',
        proposedByName: 'Demo owner',
        decidedByName: 'Second Admin',
      });
      const released = approved.payouts.find((p: { id: string }) => p.id === payout.id);
      expect(released.status).toBe('pending');
      expect(released.entryId).not.toBeNull();
      const status = checker.getByTestId(`payout-status-${payout.id}`);
      expect(await status.textContent()).toBe('pending');

      // Marked sent with the bank's reference.
      const checkerRow = checker
        .getByRole('table', { name: `Payouts of the run of ${month}` })
        .getByRole('row')
        .filter({ hasText: 'Console Partners Ltd' });
      await checkerRow.getByLabel(`New status of payout ${payout.id}`).selectOption('sent');
      await checkerRow.getByLabel('Reference or reason').fill('SEPA-CONSOLE-1');
      await checkerRow.getByRole('button', { name: 'Set the status' }).click();
      await expect.poll(() => status.textContent(), PATIENT).toBe('sent');
      expect(await apiGet(`/v1/payout-runs/${run.id}/payouts/${payout.id}`)).toMatchObject({
        status: 'sent',
        reference: 'SEPA-CONSOLE-1',
      });
      expect(await accessibility(checker)).toEqual([]);
      await shot(checker, 'commissions');
      await checker.context().close();

      // An approver reads plans, runs and lines but is offered no write.
      const reader = await newPage();
      await signIn(reader, '/commissions', approver);
      await reader.getByText('may look at plans, lines and payout runs').waitFor();
      await reader.getByRole('button', { name: `Review the run of ${month} (${run.id})` }).click();
      await reader.getByTestId('run-status').getByText('approved').waitFor();
      // Who proposed and approved it, by name (the API gives the names to every role that reads runs).
      const readerRun = reader.getByRole('region', { name: `Payout run of ${month}` });
      await readerRun.getByText('by Demo owner').waitFor();
      await readerRun.getByText('by Second Admin').waitFor();
      expect(await readerRun.getByText(/usr_/).count()).toBe(0);
      expect(
        await reader
          .getByRole('button', {
            name: /^(New commission plan|Edit |Propose the run|Put on the plan|Set the status)/,
          })
          .count(),
      ).toBe(0);
      await reader.context().close();
    });
  },
);
