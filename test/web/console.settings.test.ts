// Settings › Policies in a real browser (Debian's chromium driven by playwright-core) against a real
// `fidelis start` on a fresh embedded store (one server): the owner changes points pooling, the
// clawback, transfers, approval steps and roles and a money threshold, sees them kept after a reload
// and in the API; a refused value shows its problem at its field and saves nothing; a viewer and a
// manager see the policies but may not change them; axe-core finds no serious or critical violation.
// Names: a claim a manager submitted shows the manager's name to a viewer (who may not read users),
// and so does the claim's entry in the audit log (decision 0056). The account page shows an entitlement's
// uses this term, of its allowance.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleHelpers,
  type Login,
  launchBrowser,
  type RunningConsole,
  startConsole,
  stopConsole,
} from './console-harness.ts';

/** How long a poll waits for the screen after a write (the machine may be loaded). */
const PATIENT = { timeout: 15_000 };
let running: RunningConsole;
let browser: Browser;
const { apiGet, apiPost, asUser, newPage, signIn, accessibility, shot } = consoleHelpers(() => ({
  browser,
  running,
}));

beforeAll(async () => {
  browser = await launchBrowser();
  running = await startConsole('pglite', 'settings');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stopConsole(running);
});

/** Opens Settings › Policies from the settings navigation. */
async function openPolicies(page: Page, login?: Login) {
  await signIn(page, '/settings', login);
  await page
    .getByRole('navigation', { name: 'Settings sections' })
    .getByRole('link', { name: 'Policies' })
    .click();
  await page.getByRole('heading', { name: 'Policies', level: 1 }).waitFor();
}

/** A console user made by the owner (through the console's session): its login. */
async function userOf(page: Page, role: string, name: string): Promise<Login> {
  const login = { email: `${role}-${Date.now()}@settings.test`, password: 'correct horse battery staple' };
  const made = await asUser(page, 'POST', '/v1/users', { ...login, role, name });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return login;
}

describe('Settings › Policies', () => {
  let manager: Login;
  let viewer: Login;

  it('changes pooling, clawback, transfers and approval, refused at the field first, kept after a reload', async () => {
    const before = await apiGet('/v1/program');
    expect(before.baseCurrency).toBe('EUR');
    const page = await newPage();
    await openPolicies(page);
    manager = await userOf(page, 'manager', 'Max Manager');
    viewer = await userOf(page, 'viewer', 'Vera Viewer');

    const pooling = page.getByLabel('Points pooling');
    const clawback = page.getByLabel('Clawback of points already spent');
    const transfers = page.getByLabel('Transfers of points');
    const steps = page.getByLabel('Approval steps');
    const above = page.getByLabel('Approval above (EUR)');
    const minimum = page.getByLabel('Least payout to a partner (EUR)');
    // The demo's values (defaults where it sets none).
    await expect.poll(() => pooling.inputValue(), PATIENT).toBe('own');
    expect(await clawback.inputValue()).toBe(before.settings.ledger.clawback);
    expect(await transfers.inputValue()).toBe('hierarchy');
    expect(await steps.inputValue()).toBe('');

    // Six approval steps (at most 5): refused at the field, nothing saved.
    await pooling.selectOption('group');
    await clawback.selectOption('write_off');
    await transfers.selectOption('none');
    await steps.fill('6');
    await page.getByRole('button', { name: 'Save the policies' }).click();
    await expect.poll(() => steps.getAttribute('aria-invalid'), PATIENT).toBe('true');
    const errors = page.locator(`#${await steps.getAttribute('aria-describedby')}`);
    expect((await errors.textContent())?.length).toBeGreaterThan(0);
    expect(await pooling.getAttribute('aria-invalid')).toBeNull();
    await page.getByRole('alert').filter({ hasText: 'code: validation_failed' }).waitFor();
    expect(await apiGet('/v1/program')).toEqual(before);
    expect(await accessibility(page)).toEqual([]);

    // Valid values: saved; the money typed in the locale's way is kept in minor units.
    await steps.fill('2');
    await above.fill('1,250.50');
    await minimum.fill('75');
    const approvers = page.getByRole('group', { name: 'Contacts who may approve (of the same account)' });
    await approvers.getByLabel('approver').uncheck();
    const requesters = page.getByRole('group', { name: 'Requests by these contacts always need approval' });
    await requesters.getByLabel('buyer').check();
    // A weekly payout schedule (decision 0060), from Fridays.
    const frequency = page.getByLabel('Propose payout runs');
    await frequency.selectOption('weekly');
    await page.getByLabel('From weekday (weekly)').selectOption('friday');
    await page.getByRole('button', { name: 'Save the policies' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor(PATIENT);
    const after = await apiGet('/v1/program');
    expect(after.settings.ledger).toEqual({
      ...before.settings.ledger,
      pooling: 'group',
      clawback: 'write_off',
      transfers: 'none',
    });
    expect(after.settings.redemptions.approval).toEqual({
      above: { points: 2000, EUR: 125050 },
      always: false,
      operatorMayApprove: true,
      steps: 2,
      approverRoles: ['owner', 'admin'],
      requesterRoles: ['buyer'],
    });
    expect(after.settings.commissions).toMatchObject({
      minimumPayout: 7500,
      payoutSchedule: { frequency: 'weekly', weekday: 'friday' },
    });
    // What the form does not show is kept (the Program screen's settings).
    expect(after.settings.branding).toEqual(before.settings.branding);
    expect(after.settings.portal.slug).toBe(before.settings.portal.slug);
    expect(after.settings.notifications.mail).toEqual(before.settings.notifications.mail);
    expect(after.settings.insight.roi).toEqual(before.settings.insight.roi);

    await page.reload();
    await expect.poll(() => pooling.inputValue(), PATIENT).toBe('group');
    expect(await clawback.inputValue()).toBe('write_off');
    expect(await transfers.inputValue()).toBe('none');
    expect(await steps.inputValue()).toBe('2');
    expect(await above.inputValue()).toBe('1250.50');
    // The money now, in the user's locale (en-GB).
    await page.getByText('Now €1,250.50').waitFor();
    await page.getByText('Now €75.00').waitFor();
    expect(await approvers.getByLabel('approver').isChecked()).toBe(false);
    expect(await requesters.getByLabel('buyer').isChecked()).toBe(true);
    expect(await frequency.inputValue()).toBe('weekly');
    expect(await page.getByLabel('From weekday (weekly)').inputValue()).toBe('friday');
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'policies');
    await page.context().close();
  });

  it('shows a viewer and a manager the policies but lets neither change them', async () => {
    for (const login of [viewer, manager]) {
      const page = await newPage();
      await openPolicies(page, login);
      await page
        .getByRole('note')
        .filter({ hasText: 'may see the program’s policies but not change them' })
        .waitFor();
      await expect.poll(() => page.getByLabel('Points pooling').inputValue(), PATIENT).toBe('group');
      expect(await page.getByLabel('Points pooling').isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Save the policies' }).count()).toBe(0);
      // The API refuses them too.
      const refused = await asUser(page, 'PATCH', '/v1/program', {
        settings: { ledger: { pooling: 'own' } },
      });
      expect(refused.status).toBe(403);
      await page.context().close();
    }
  });

  it('names the manager who submitted a claim, and in the audit log', async () => {
    const account = (await apiGet('/v1/accounts?limit=1')).data[0];
    const invoiceNumber = `NAMES-${Date.now()}`;
    const managerPage = await newPage();
    await signIn(managerPage, '/dashboard', manager);
    const claim = await asUser(managerPage, 'POST', '/v1/claims', {
      account: account.id,
      invoiceNumber,
      invoiceDate: new Date().toISOString().slice(0, 10),
      amount: '100.00',
      currency: 'EUR',
      lines: [{ sku: 'PUMP-200', quantity: 1, amount: '100.00' }],
    });
    expect(claim.status, JSON.stringify(claim.body)).toBe(201);
    expect(claim.body.submittedByName).toBe('Max Manager');
    await managerPage.context().close();

    // The viewer may not read console users: the name comes with the claim.
    const viewerPage = await newPage();
    await signIn(viewerPage, '/partners', viewer);
    const row = viewerPage.getByRole('row').filter({ hasText: invoiceNumber });
    await row.getByText('by Max Manager').waitFor(PATIENT);
    expect(await row.textContent()).not.toContain(claim.body.submittedBy);
    await viewerPage.context().close();

    const page = await newPage();
    await signIn(page, '/settings');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Settings', exact: true })
      .click();
    await page.getByLabel('Resource type').fill('sales_claim');
    await page.getByRole('button', { name: 'Filter' }).click();
    const entry = page
      .getByRole('row')
      .filter({ hasText: 'claim.submit' })
      .filter({ hasText: claim.body.id });
    await entry.getByText('Max Manager').waitFor(PATIENT);
    await page.context().close();
  });

  it('shows each entitlement’s uses this term on the account page, of its allowance', async () => {
    const account = await apiGet('/v1/accounts/CRM-0014');
    const use = await apiPost(`/v1/accounts/${account.id}/entitlements/priority_support/uses`, {
      reference: 'TICKET-7',
    });
    expect(use).toMatchObject({ used: 1, usesPerTerm: 12 });
    const page = await newPage();
    await signIn(page, '/accounts');
    await page.goto(`${running.server.url}/console/accounts/${account.id}`);
    const table = page.getByRole('table', { name: 'Entitlements through memberships' });
    const row = (key: string) =>
      table.getByRole('row').filter({ has: page.getByRole('cell', { name: key, exact: true }) });
    await row('priority_support').getByRole('cell', { name: '1 of 12', exact: true }).waitFor(PATIENT);
    await row('service_discount').getByRole('cell', { name: '0', exact: true }).waitFor();
    await page.context().close();
  });
});
