// The console in a real browser (Debian's chromium driven by playwright-core) against a real
// `fidelis start` on a fresh store, embedded and PostgreSQL: sign in with the demo login, find an
// account by its CRM id and read why it has its points, approve and reject waiting redemptions as
// the demo approver; write, simulate and publish a rule and see an event earn by it; import a CSV
// with a bad row; create and revoke an API key and read the audit log; and see that a viewer
// cannot. axe-core checks each screen and screenshots go to
// test-artifacts/console/ (on the embedded store: the pages are the same on both).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsoleIfStale } from '../../src/cli/web-build.ts';
import { adminUrl, urlFor } from '../support/postgres-template.ts';
import { fidelis, freePort, ROOT, type RunningServer, startServer } from '../support/server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts/console');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const VIEWER = { email: 'viewer@demo.fidelis.local', password: 'viewer-pass-123' };

type Store = 'pglite' | 'postgres';
let store: Store;
let databaseUrl: string | undefined;
let cwd: string;
let port: number;
let server: RunningServer;
let browser: Browser;
let demoKey: string;
const logins: Record<string, { email: string; password: string }> = {};

/** The API as the demo's admin key sees it. */
// biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read loosely by the test
async function apiGet(path: string): Promise<any> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${demoKey}` } });
  expect(res.status, path).toBe(200);
  return res.json();
}

async function newPage(): Promise<Page> {
  // bypassCSP: the console's Content-Security-Policy refuses inline scripts, axe-core's injection among them.
  const context = await browser.newContext({
    viewport: { width: 1280, height: 720 },
    locale: 'en-GB',
    bypassCSP: true,
  });
  return context.newPage();
}

async function signIn(page: Page, login: { email: string; password: string }) {
  await page.goto(`${server.url}/console/`);
  await page.getByLabel('E-mail').fill(login.email);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
}

/** Every item of a paged list of the API (the demo's lists are short). */
// biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read loosely by the test
async function apiAll(path: string): Promise<any[]> {
  const items = [];
  let cursor: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await apiGet(
      `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    items.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** axe-core on the page as it is: the serious and critical violations (none expected; embedded store only). */
async function accessibility(page: Page): Promise<string[]> {
  if (store !== 'pglite') return [];
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const result = await (
      globalThis as unknown as {
        axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
      }
    ).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.nodes})`);
}

const shot = async (page: Page, name: string) => {
  if (store === 'pglite') await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
};

/** A fresh PostgreSQL database for a server of the postgres run, dropped afterwards. */
async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No chromium at ${CHROMIUM}: apt-get install chromium (as .ci/run does), or set CHROMIUM_PATH`,
    );
  mkdirSync(ARTIFACTS, { recursive: true });
  buildConsoleIfStale();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

it('loads at most 350 KB of JavaScript (gzipped) before the first screen', () => {
  const dist = join(ROOT, 'web/dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  expect(initial.length).toBeGreaterThan(0);
  const bytes = initial.reduce((sum, file) => sum + gzipSync(readFileSync(join(dist, file))).length, 0);
  expect(bytes).toBeLessThan(350 * 1024);
});

describe.each(['pglite', 'postgres'] as const)('the console on %s', (storeUnderTest) => {
  beforeAll(async () => {
    store = storeUnderTest;
    databaseUrl = undefined;
    if (store === 'postgres') {
      const name = `fidelis_console_${process.pid}`;
      await withAdmin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${name}`);
      });
      databaseUrl = urlFor(name);
    }
    cwd = mkdtempSync(join(tmpdir(), 'fidelis-console-'));
    port = await freePort();
    server = await startServer(cwd, port, databaseUrl);
    demoKey = /Demo API key\s+(\S+)/.exec(server.banner)![1]!;
    for (const m of server.banner.matchAll(/Console login\s+(\S+) \/ (\S+)\s+\((\w+)\)/g))
      logins[m[3]!] = { email: m[1]!, password: m[2]! };
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
    if (databaseUrl) {
      const name = new URL(databaseUrl).pathname.slice(1);
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  });

  it('prints the demo logins at start', () => {
    expect(Object.keys(logins).sort()).toEqual(['approver', 'owner']);
  });

  it('signs in with the demo login (a wrong password shows the problem inline) and passes axe', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/console/accounts`);
    await page.getByRole('heading', { name: 'Sign in to the Fidelis console' }).waitFor();
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'sign-in');
    // By keyboard alone: the first Tab reaches the e-mail field, Enter submits.
    await page.keyboard.press('Tab');
    await page.keyboard.type(logins.owner!.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('The e-mail address or the password is wrong');
    await page.getByLabel('Password').fill(logins.owner!.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    expect(page.url()).toBe(`${server.url}/console/accounts`);
    await page.context().close();
  });

  it('lands on the dashboard with the demo figures: accounts, approvals waiting, points liability', async () => {
    const page = await newPage();
    await signIn(page, logins.owner!);
    const accounts = (await apiAll('/v1/accounts')).length;
    const waiting = (await apiAll('/v1/redemptions?status=pending_approval')).length;
    const liability = await apiGet('/v1/reports/liability');
    const points = liability.units.find((u: { unit: string }) => u.unit === 'points');
    expect(accounts).toBeGreaterThan(0);
    expect(waiting).toBeGreaterThan(0);
    const number = new Intl.NumberFormat('en-GB');
    await expect.poll(() => page.getByTestId('accounts-count').textContent()).toBe(number.format(accounts));
    await expect.poll(() => page.getByTestId('pending-count').textContent()).toBe(number.format(waiting));
    await expect
      .poll(() => page.getByTestId('points-outstanding').textContent())
      .toBe(`${number.format(points.outstanding)} pts`);
    // The chart of points issued and redeemed per day, and its figures in a table.
    await page.getByRole('img', { name: /^Bar chart: / }).waitFor();
    const activity = await apiGet('/v1/reports/points-activity?days=30');
    expect(activity.days).toHaveLength(30);
    const busiest = [...activity.days].sort(
      (a: { issued: number }, b: { issued: number }) => b.issued - a.issued,
    )[0];
    await page.getByText('The figures by day').click();
    const day = page
      .getByRole('table', { name: 'Points issued and redeemed by day' })
      .getByRole('row', { name: new RegExp(`^${busiest.day} `) });
    expect((await day.getByRole('cell').allTextContents()).slice(-2)).toEqual([
      number.format(busiest.issued),
      number.format(busiest.redeemed),
    ]);
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'dashboard');
    await page.getByRole('link', { name: 'Open the approvals inbox' }).click();
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    await page.context().close();
  });

  it('finds an account by its CRM id and shows why it has its points', async () => {
    const page = await newPage();
    await signIn(page, logins.owner!);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
    await page.getByLabel('Name or CRM id').fill('CRM-0001');
    await page.getByRole('button', { name: 'Search' }).click();
    const account = await apiGet('/v1/accounts/CRM-0001');
    await page.getByRole('link', { name: account.name }).first().waitFor();
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'accounts');

    await page.getByRole('link', { name: account.name }).first().click();
    await page.getByRole('heading', { name: account.name, level: 1 }).waitFor();
    const history = await apiGet('/v1/accounts/CRM-0001/wallets/points/history?limit=5');
    const line = history.data[0];
    expect(line.explanation.length).toBeGreaterThan(0);
    await page.getByRole('cell', { name: line.explanation }).first().waitFor();
    const wallet = page.getByRole('article', { name: 'points wallet' });
    for (const label of ['Balance', 'Pending', 'Held', 'Available'])
      await wallet.getByText(label, { exact: true }).waitFor();
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'account');
    await page.context().close();
  });

  it('lets the demo approver approve a waiting redemption', async () => {
    const waiting = (await apiGet('/v1/redemptions?status=pending_approval')).data as { id: string }[];
    expect(waiting.length).toBeGreaterThan(0);
    const page = await newPage();
    await signIn(page, logins.approver!);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Approvals' }).click();
    await page.getByRole('heading', { name: 'Approvals' }).waitFor();
    const target = waiting[0]!.id;
    await page.getByRole('button', { name: `Approve redemption ${target}` }).waitFor();
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'approvals');
    await page.getByRole('button', { name: `Approve redemption ${target}` }).click();
    await expect.poll(async () => (await apiGet(`/v1/redemptions/${target}`)).status).toBe('approved');
    const redemption = await apiGet(`/v1/redemptions/${target}`);
    const me = await page.evaluate(
      async () => ((await (await fetch('/console/session')).json()) as { user: { id: string } }).user.id,
    );
    expect(redemption.approvals.decisions[0].approver).toBe(me);
    // The audit log names the user who decided.
    const audit = await apiGet(`/v1/audit?resourceType=redemption&resourceId=${target}`);
    expect(audit.data.map((e: { actor: string }) => e.actor)).toContain(me);

    // Rejecting asks for the reason, which the redemption keeps.
    const other = waiting[1]!.id;
    await page.getByRole('button', { name: `Reject redemption ${other}` }).click();
    await page.getByLabel('Reason', { exact: true }).fill('Budget frozen until Q3');
    await page.getByRole('button', { name: 'Reject', exact: true }).click();
    await expect.poll(async () => (await apiGet(`/v1/redemptions/${other}`)).status).toBe('rejected');
    expect(JSON.stringify(await apiGet(`/v1/redemptions/${other}`))).toContain('Budget frozen until Q3');
    await page.context().close();
  });

  it('creates a reward through the form (a refusal shown at its field), edits it, and filters redemptions', async () => {
    const page = await newPage();
    await signIn(page, logins.owner!);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Rewards', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Rewards', level: 1 }).waitFor();
    const catalog = page.getByRole('table', { name: 'The reward catalog' });
    const first = (await apiGet('/v1/rewards?limit=1')).data[0];
    await catalog.getByRole('row').filter({ hasText: first.name }).first().waitFor();

    const name = `Console espresso machine (${store})`;
    await page.getByRole('button', { name: 'New reward' }).click();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Type', { exact: true }).selectOption('merchandise');
    await page.getByLabel('Price', { exact: true }).fill('-5');
    await page.getByLabel('Stock', { exact: true }).selectOption('counted');
    await page.getByLabel('Units in stock').fill('12');
    await page.getByRole('button', { name: 'Create the reward' }).click();
    // The API refuses the price: its message shows under the price field, which is marked invalid.
    const price = page.getByLabel('Price', { exact: true });
    await expect.poll(() => price.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await price.getAttribute('aria-describedby'))!;
    expect((await page.locator(`#${describedBy}`).textContent())!.length).toBeGreaterThan(0);
    expect(await accessibility(page)).toEqual([]);
    await price.fill('4500');
    await page.getByRole('button', { name: 'Create the reward' }).click();
    const row = catalog.getByRole('row').filter({ hasText: name });
    await row.waitFor();
    expect(await row.textContent()).toContain('12 units');
    const created = (await apiAll('/v1/rewards')).find((r: { name: string }) => r.name === name);
    expect(created).toMatchObject({ price: { amount: 4500, unit: 'points' }, stock: { available: 12 } });

    await page.getByRole('button', { name: `Edit ${name}` }).click();
    await page.getByLabel('Units in stock').fill('3');
    await page.getByLabel('Status', { exact: true }).selectOption('archived');
    await page.getByRole('button', { name: 'Save the reward' }).click();
    await expect.poll(async () => (await apiGet(`/v1/rewards/${created.id}`)).status).toBe('archived');
    expect((await apiGet(`/v1/rewards/${created.id}`)).stock.available).toBe(3);
    await expect.poll(() => row.textContent()).toContain('archived');

    // A cash payout converts points to cash (decision 0054): without the cash it credits it is refused
    // at the face value field; with it, created as typed.
    const payout = `Console EUR 5 conversion (${store})`;
    await page.getByRole('button', { name: 'New reward' }).click();
    await page.getByLabel('Name', { exact: true }).fill(payout);
    await page.getByLabel('Type', { exact: true }).selectOption('cash_payout');
    await page.getByLabel('Price', { exact: true }).fill('500');
    await page.getByLabel('Stock', { exact: true }).selectOption('unlimited');
    await page.getByRole('button', { name: 'Create the reward' }).click();
    const face = page.getByLabel(/^Face value in minor units/);
    await expect.poll(() => face.getAttribute('aria-invalid')).toBe('true');
    await face.fill('500');
    await page.getByLabel('Face value currency').fill('eur');
    await page.getByRole('button', { name: 'Create the reward' }).click();
    await catalog.getByRole('row').filter({ hasText: payout }).waitFor();
    const conversion = (await apiAll('/v1/rewards')).find((r: { name: string }) => r.name === payout);
    expect(conversion).toMatchObject({
      type: 'cash_payout',
      price: { amount: 500, unit: 'points' },
      faceValue: { amount: 500, currency: 'EUR' },
    });
    // Its face value in dollars too (decision 0057): an unknown currency is refused under the field.
    await page.getByRole('button', { name: `Edit ${payout}` }).click();
    const faces = page.getByLabel(/^Face value in other currencies/);
    await faces.fill('QQQ 540');
    await page.getByRole('button', { name: 'Save the reward' }).click();
    await expect
      .poll(() => page.locator('#reward-currencyValues-errors').textContent())
      .toContain('unknown currency QQQ');
    await faces.fill('usd 540');
    await page.getByRole('button', { name: 'Save the reward' }).click();
    await expect
      .poll(async () => (await apiGet(`/v1/rewards/${conversion.id}`)).currencyValues)
      .toEqual([{ currency: 'USD', faceValue: 540 }]);

    // Redemptions, filtered by status: the one the approver approved is there.
    const approved = await apiAll('/v1/redemptions?status=approved');
    expect(approved.length).toBeGreaterThan(0);
    await page.getByLabel('Redemption status').selectOption('approved');
    const redemptions = page.getByRole('table', { name: 'Redemptions, newest first' });
    await expect.poll(() => redemptions.getByRole('row').count()).toBe(Math.min(approved.length, 25) + 1);
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'rewards');
    await page.context().close();
  });

  it('writes a rule, simulates it against a sample event, publishes it, and an event earns by it', async () => {
    const page = await newPage();
    await signIn(page, logins.owner!);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
    await page.getByRole('heading', { name: 'Rules', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Versions of A point per euro' }).waitFor();
    const editor = page.getByLabel('Rule document (JSON)');
    // Not JSON: said as the user types, before any request.
    await editor.fill('{ "name": ');
    await page
      .getByRole('list', { name: 'Errors in the rule document' })
      .getByText(/^Not JSON/)
      .waitFor();
    // A document the API refuses (rule_invalid): its error shows at the field, by its pointer into the document.
    await editor.fill(
      JSON.stringify({
        name: 'Broken',
        trigger: { types: ['no.such.type'] },
        effects: [{ kind: 'fixed', points: 10 }],
      }),
    );
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const errors = page.getByRole('list', { name: 'Errors in the rule document' });
    await expect
      .poll(() => errors.textContent())
      .toContain('/trigger/types/0: unknown event type no.such.type');
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('alert').getByText('The rule document is not valid').waitFor();

    const name = `Console big order bonus (${store})`;
    const rule = {
      name,
      trigger: { types: ['purchase'] },
      condition: 'event.amount >= 5000.0',
      effects: [{ kind: 'fixed', points: 777 }],
    };
    await editor.fill(JSON.stringify(rule, null, 2));
    const at = new Date().toISOString();
    const sample = {
      id: 'SIM-1',
      type: 'purchase',
      account: 'CRM-0001',
      occurredAt: at,
      amount: '6000.00',
      currency: 'EUR',
    };
    await page.getByLabel('Sample event (JSON)').fill(JSON.stringify(sample));
    await page.getByRole('button', { name: 'Simulate' }).click();
    const outcomes = page.getByRole('table', { name: "Each rule's outcome for event SIM-1" });
    await outcomes
      .getByRole('row', { name: new RegExp(`${name.replace(/[()]/g, '\\$&')} awarded`) })
      .waitFor();
    await page.getByRole('list', { name: 'Awards' }).getByText(`${name}: 777 points`).waitFor();
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'rules');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('status').getByText(`Published “${name}”`).waitFor();
    const published = (await apiGet('/v1/rules')).data.find(
      (r: { document: { name: string } }) => r.document.name === name,
    );
    expect(published.version).toBe(1);
    await page.getByRole('button', { name: `Versions of ${name}` }).waitFor();

    // An event sent with the demo API key earns by the new rule; the account's history explains it.
    const event = { ...sample, id: `CONSOLE-RULE-${store}`, occurredAt: new Date().toISOString() };
    const res = await fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demoKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    await page.goto(`${server.url}/console/accounts/CRM-0001`);
    await page
      .getByRole('cell', { name: `${name}: 777 points` })
      .first()
      .waitFor();
    await page.context().close();
  });

  it('imports an accounts CSV as a dry run and shows the bad line of the report', async () => {
    const csv =
      'externalId,name,country\nCSV-0001,Alpha Catering,DE\nCSV-0002,,DE\nCSV-0003,Gamma Foods,FR\n';
    // What the API says of the file (as a dry run), to find on the page.
    const answer = await fetch(`${server.url}/v1/imports/accounts?dryRun=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demoKey}`, 'content-type': 'text/csv' },
      body: csv,
    });
    const body = (await answer.json()) as { errors: { line: number; message: string }[] };
    const bad = body.errors.find((e) => e.line === 3)!;
    expect(bad).toBeDefined();

    const page = await newPage();
    await signIn(page, logins.owner!);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Imports' }).click();
    await page.getByRole('heading', { name: 'Imports', level: 1 }).waitFor();
    expect(await accessibility(page)).toEqual([]);
    await page.getByLabel('What the file holds').selectOption('accounts');
    await page.getByLabel('CSV file').setInputFiles({
      name: 'accounts.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    expect(await page.getByLabel('Dry run (check only, write nothing)').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Upload' }).click();
    const report = page.getByRole('table', { name: /Report, line by line/ });
    const row = report.getByRole('row').filter({ hasText: bad.message });
    await row.first().waitFor();
    expect(await row.first().getByRole('cell').first().textContent()).toBe('3');
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'imports');
    // A dry run wrote nothing.
    const none = await fetch(`${server.url}/v1/accounts/CSV-0001`, {
      headers: { authorization: `Bearer ${demoKey}` },
    });
    expect(none.status).toBe(404);
    // Relationships from a file: the unknown account refused on its line, as the API reports it.
    await page.getByLabel('What the file holds').selectOption('relationships');
    await page.getByLabel('CSV file').setInputFiles({
      name: 'relationships.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'From External ID,Type,To External ID,Started At\nCRM-0001,manages,CRM-0002,2026-01-01\nCRM-0001,manages,NOPE-404,2026-01-01\n',
      ),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect
      .poll(() =>
        report
          .getByRole('row')
          .filter({ hasText: 'NOPE-404' })
          .first()
          .getByRole('cell')
          .first()
          .textContent(),
      )
      .toBe('3');
    await page.context().close();
  });

  it('creates an API key (its secret shown once), revokes it, and lists the audit log', async () => {
    const page = await newPage();
    await signIn(page, logins.owner!);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    const keyName = `Console key ${store}`;
    await page.getByLabel('Name', { exact: true }).fill(keyName);
    await page.getByLabel('Scope').selectOption('read');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secretBox = page.locator('code.secret');
    await secretBox.waitFor();
    const secret = (await secretBox.textContent())!;
    await page.getByRole('button', { name: 'Copy the secret' }).waitFor();
    const withKey = () =>
      fetch(`${server.url}/v1/accounts?limit=1`, { headers: { authorization: `Bearer ${secret}` } });
    expect((await withKey()).status).toBe(200);
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'settings');

    // Shown once: after a reload the page has the key but not its secret.
    await page.reload();
    await page.getByRole('button', { name: `Revoke the key ${keyName}` }).waitFor();
    expect(await page.content()).not.toContain(secret);
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: `Revoke the key ${keyName}` }).click();
    await page
      .getByRole('row', { name: new RegExp(keyName) })
      .getByText(/^Revoked/)
      .waitFor();
    expect((await withKey()).status).toBe(401);

    // The audit log, filtered by resource type and by the user who acted.
    const me = await page.evaluate(
      async () => ((await (await fetch('/console/session')).json()) as { user: { id: string } }).user.id,
    );
    await page.getByLabel('Resource type').fill('api_key');
    await page.getByLabel('Actor').fill(me);
    await page.getByRole('button', { name: 'Filter' }).click();
    const audit = page.getByRole('table', { name: 'Audit log, newest first' });
    await audit.getByRole('cell', { name: 'key.revoke' }).waitFor();
    await audit.getByRole('cell', { name: 'key.create' }).waitFor();
    expect(await audit.getByRole('cell', { name: 'rule.create' }).count()).toBe(0);
    await page.context().close();
  });

  it('shows a viewer (made with `fidelis users create`) no decision, and the API refuses one', async () => {
    await server.stop();
    const created = fidelis(cwd, databaseUrl, [
      'users',
      'create',
      '--email',
      VIEWER.email,
      '--role',
      'viewer',
      '--password',
      VIEWER.password,
    ]);
    expect(created.status, created.output).toBe(0);
    server = await startServer(cwd, port, databaseUrl);
    const page = await newPage();
    await signIn(page, VIEWER);
    await page.goto(`${server.url}/console/approvals`);
    await page.getByRole('heading', { name: 'Approvals' }).waitFor();
    await page.getByText('may look at the inbox but not decide').waitFor();
    expect(await page.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    const waiting = (await apiGet('/v1/redemptions?status=pending_approval')).data as { id: string }[];
    const answer = await page.evaluate(async (id) => {
      const session = (await (await fetch('/console/session')).json()) as { csrfToken: string };
      const res = await fetch(`/v1/redemptions/${id}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: '{}',
      });
      return { status: res.status, code: ((await res.json()) as { code: string }).code };
    }, waiting[0]!.id);
    expect(answer).toEqual({ status: 403, code: 'insufficient_scope' });
    // No write button on the rules, imports and settings screens either.
    await page.goto(`${server.url}/console/rules`);
    await page.getByText('may simulate a draft but not publish it').waitFor();
    expect(await page.getByRole('button', { name: /^Publish/ }).count()).toBe(0);
    await page.goto(`${server.url}/console/imports`);
    await page.getByText('may not import').waitFor();
    expect(await page.getByRole('button', { name: 'Upload' }).count()).toBe(0);
    await page.goto(`${server.url}/console/rewards`);
    await page.getByText('may look at the catalog but not change it').waitFor();
    expect(await page.getByRole('button', { name: /^(New reward|Edit)/ }).count()).toBe(0);
    await page.goto(`${server.url}/console/settings`);
    await page.getByText('may not see the API keys or the audit log').waitFor();
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    await page.context().close();
  });
});
