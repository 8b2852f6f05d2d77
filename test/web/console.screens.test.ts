// The console's program screens in a real browser (Debian's chromium driven by playwright-core)
// against a real `fidelis start` on a fresh store, embedded and PostgreSQL: the event stream with
// each rule's outcome, the tier ladder editor (a refusal at the tier's field) and an override, the
// engagement screens (a challenge refused at its goal then created, its progress; a badge defined
// and awarded; a leaderboard's standings), insight (KPIs on the dashboard, cohorts, NPS and a survey,
// a CSV export), webhooks (an endpoint added with its secret shown once, a delivery to a real
// receiver, the secret rotated, the endpoint disabled, a replay) and the jobs. axe-core checks each
// screen; screenshots go to test-artifacts/console/ (on the embedded store).
import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../support/server.ts';
import { fidelis, freePort, startServer } from '../support/server.ts';
import {
  consoleHelpers,
  type Login,
  launchBrowser,
  type RunningConsole,
  type Store,
  startConsole,
  stopConsole,
} from './console-harness.ts';

let running: RunningConsole;
let store: Store;
let server: RunningServer;
let browser: Browser;
let demoKey: string;
let owner: Login;
let approver: Login;
const { apiGet, apiPost, apiPatch, asUser, newPage, signIn, accessibility, shot } = consoleHelpers(() => ({
  browser,
  running,
}));

/** A webhook receiver on the loopback (allowed to the server by FIDELIS_WEBHOOK_ALLOWED_HOSTS). */
let receiver: Server;
let receiverPort: number;
const received: { headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  receiverPort = await freePort();
  await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
  // Inherited by the server the test starts: the receiver is on the loopback, refused otherwise.
  process.env.FIDELIS_WEBHOOK_ALLOWED_HOSTS = `127.0.0.1:${receiverPort}`;
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe.each(['pglite', 'postgres'] as const)('the console screens on %s', (storeUnderTest) => {
  beforeAll(async () => {
    running = await startConsole(storeUnderTest, 'screens');
    ({ store, server, demoKey, owner, approver } = running);
  }, 300_000);

  afterAll(async () => {
    await stopConsole(running);
  });

  it('shows the program KPIs on the dashboard as the insight report has them', async () => {
    const page = await newPage();
    await signIn(page, '/dashboard');
    const report = await apiGet('/v1/reports/kpis');
    const number = new Intl.NumberFormat('en-GB');
    expect(report.kpis.orders).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('kpi-active-accounts').textContent())
      .toBe(number.format(report.kpis.activeAccounts));
    expect(await page.getByTestId('kpi-orders').textContent()).toBe(number.format(report.kpis.orders));
    expect(await page.getByTestId('kpi-points-issued').textContent()).toBe(
      number.format(report.kpis.points.issued),
    );
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'dashboard-kpis');
    await page.context().close();
  });

  it('lists the events of an account and explains what each rule made of one', async () => {
    const events = (await apiGet('/v1/events?account=CRM-0001&limit=100')).data;
    // The event most rules awarded on (a purchase: base points and a bonus, each explained).
    const earning = [...events].sort(
      (a: { result: { awards: unknown[] } }, b: { result: { awards: unknown[] } }) =>
        b.result.awards.length - a.result.awards.length,
    )[0];
    expect(earning.result.awards.length).toBeGreaterThan(0);
    expect(earning).toBeDefined();
    const page = await newPage();
    await signIn(page, '/events');
    await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
    await page.getByLabel('Account (id or CRM id)').fill('CRM-0001');
    await page.getByRole('button', { name: 'Filter' }).click();
    const table = page.getByRole('table', { name: 'Events, newest first' });
    await expect.poll(() => table.getByRole('row').count()).toBe(Math.min(events.length, 25) + 1);
    expect(page.url()).toContain('account=CRM-0001');
    // The list is paged: the next page is there only if the API has one.
    expect(await page.getByRole('button', { name: 'More events' }).count()).toBe(events.length > 25 ? 1 : 0);

    // "Why?" by keyboard: the button is focused and pressed with Enter.
    await page.getByRole('button', { name: `Why? event ${earning.id}` }).focus();
    await page.keyboard.press('Enter');
    const outcomes = page.getByRole('table', { name: `Each rule’s outcome for event ${earning.id}` });
    await outcomes.waitFor();
    expect(await outcomes.getByRole('row').count()).toBe(earning.result.rules.length + 1);
    for (const rule of earning.result.rules)
      await outcomes.getByRole('row').filter({ hasText: rule.reason }).first().waitFor();
    const awards = page.getByRole('list', { name: `Awards of event ${earning.id}` });
    for (const award of earning.result.awards) await awards.getByText(award.explanation).first().waitFor();
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'events');

    // Found by its id too; an unknown id shows the API's problem.
    await page.getByLabel('Event id').fill('NO-SUCH-EVENT');
    await page.getByRole('button', { name: 'Find the event' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /no such event/i })
      .waitFor();
    await page.context().close();
  });

  it('edits the tier ladder (a threshold refused at its field) and sets an account’s tier by hand', async () => {
    const [ladder] = (await apiGet('/v1/tier-ladders')).data;
    const page = await newPage();
    await signIn(page, '/tiers');
    await page.getByRole('heading', { name: `Ladder “${ladder.document.name}”` }).waitFor();
    // Gold's threshold below Silver's: the API refuses, the message shows under Gold's threshold.
    const gold = page.getByLabel('Tier 2 threshold');
    await gold.fill('100');
    await page.getByRole('button', { name: 'Save the ladder' }).click();
    await expect.poll(() => gold.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await gold.getAttribute('aria-describedby'))!;
    expect(await page.locator(`#${describedBy}`).textContent()).toMatch(/threshold/i);
    expect((await apiGet(`/v1/tier-ladders/${ladder.id}`)).document.tiers[1].threshold).toBe(
      ladder.document.tiers[1].threshold,
    );
    expect(await accessibility(page)).toEqual([]);

    await gold.fill('14000');
    await page.getByLabel('Tier 2 name').fill('Gold partner');
    await page.getByRole('button', { name: 'Save the ladder' }).click();
    await page.getByRole('status').getByText('Saved').waitFor();
    const saved = (await apiGet(`/v1/tier-ladders/${ladder.id}`)).document;
    expect(saved.tiers[1]).toMatchObject({ code: 'gold', name: 'Gold partner', threshold: '14000' });
    expect(saved.tiers[2]).toEqual(ladder.document.tiers[2]);
    expect(saved.graceDays).toBe(ladder.document.graceDays);

    // The active accounts per tier are the KPI report's.
    const kpis = await apiGet('/v1/reports/kpis?breakdown=tier');
    const members = page.getByRole('table', { name: /^Active accounts per tier/ });
    const silver = kpis.breakdown.groups.find((g: { key: string }) => g.key === 'silver');
    expect(
      await members
        .getByRole('row', { name: /^Silver / })
        .getByRole('cell')
        .nth(1)
        .textContent(),
    ).toBe(String(silver?.kpis.activeAccounts ?? 0));

    // An account set to Platinum until a date, then the override lifted.
    await page.getByLabel('Account (id or CRM id)').fill('CRM-0002');
    await page.getByRole('button', { name: 'Show the tier' }).click();
    await page.getByTestId('account-override').waitFor();
    await page.getByLabel('Kind').selectOption('set');
    await page.getByLabel('Tier', { exact: true }).selectOption('platinum');
    const until = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Until').fill(until);
    await page.getByLabel('Reason').fill('Key account on a renewal deal');
    await page.getByRole('button', { name: 'Apply the override' }).click();
    await expect.poll(() => page.getByTestId('account-tier').textContent()).toBe('Platinum');
    await expect.poll(() => page.getByTestId('account-override').textContent()).toContain('set to platinum');
    const progress = (await apiGet('/v1/accounts/CRM-0002/tiers')).data.find(
      (p: { ladderId: string }) => p.ladderId === ladder.id,
    );
    expect(progress).toMatchObject({
      tier: 'platinum',
      override: { kind: 'set', reason: 'Key account on a renewal deal' },
    });
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'tiers');
    await page.getByRole('button', { name: 'Lift the override' }).click();
    await expect.poll(() => page.getByTestId('account-override').textContent()).toBe('none');
    await page.context().close();
  });

  it('creates a challenge (refused at its goal first), reads a member’s progress, defines and awards a badge, and shows the standings', async () => {
    const page = await newPage();
    await signIn(page, '/engagement');
    await page.getByRole('heading', { name: 'Engagement', level: 1 }).waitFor();
    const challenges = page.getByRole('table', { name: 'Challenges' });
    await challenges.getByRole('row').filter({ hasText: 'three-trainings' }).waitFor();

    const code = `console-orders-${store}`;
    await page.getByRole('button', { name: 'New challenge' }).click();
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByLabel('Name', { exact: true }).fill('Five orders this month');
    await page.getByLabel('Period', { exact: true }).selectOption('month');
    const types = page.getByLabel('Goal 1 event types (comma-separated)');
    await types.fill('no.such.type');
    await page.getByLabel('Goal 1 target').fill('5');
    await page.getByLabel('Reward points').fill('250');
    await page.getByRole('button', { name: 'Create the challenge' }).click();
    await expect.poll(() => types.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await types.getAttribute('aria-describedby')}`).textContent()).toContain(
      'unknown event type no.such.type',
    );
    expect(await accessibility(page)).toEqual([]);
    await types.fill('purchase');
    await page.getByRole('button', { name: 'Create the challenge' }).click();
    await challenges.getByRole('row').filter({ hasText: code }).waitFor();
    const created = await apiGet(`/v1/challenges/${code}`);
    expect(created).toMatchObject({
      name: 'Five orders this month',
      goals: [{ metric: 'count', eventTypes: ['purchase'], target: '5' }],
      reward: { points: 250 },
      window: { kind: 'calendar', period: 'month' },
    });
    // Filtered by name.
    await page.getByLabel('Filter challenges by name or code').fill('five orders');
    await expect.poll(() => challenges.getByRole('row').count()).toBe(2);
    await page.getByLabel('Filter challenges by name or code').fill('');

    // A member's progress on the demo challenge: the API's figures.
    const account = 'CRM-0001';
    const progress = await apiGet(`/v1/challenges/three-trainings/progress?account=${account}`);
    await page.getByRole('button', { name: 'Progress on Three trainings this quarter' }).click();
    await page.getByLabel('Member account (id or CRM id)').fill(account);
    await page.getByRole('button', { name: 'Show progress' }).click();
    await expect
      .poll(() => page.getByTestId('progress-status').textContent())
      .toContain(`${progress.stepsDone} of ${progress.steps} goals done`);

    // A badge defined, then awarded by hand to an account.
    const badge = `console-${store}`;
    await page.getByRole('button', { name: 'New badge' }).click();
    await page.getByLabel('Badge code').fill(badge);
    await page.getByLabel('Badge name').fill('Console champion');
    await page.getByLabel('Valid for (days; empty: forever)').fill('30');
    await page.getByRole('button', { name: 'Create the badge' }).click();
    await page.getByRole('table', { name: 'Badges' }).getByRole('row').filter({ hasText: badge }).waitFor();
    await page.getByLabel('Award to account (id or CRM id)').fill('CRM-0003');
    await page.getByLabel('Badge to award').selectOption(badge);
    await page.getByLabel('Note').fill('Helped test the console');
    await page.getByRole('button', { name: 'Award the badge' }).click();
    await page.getByRole('status').getByText('Awarded “Console champion”').waitFor();
    const awards = (await apiGet('/v1/accounts/CRM-0003/badges')).data;
    expect(awards.find((a: { badge: { code: string } }) => a.badge.code === badge)).toMatchObject({
      source: 'manual',
      note: 'Helped test the console',
    });

    // The standings of the first leaderboard are the API's.
    const [board] = (await apiGet('/v1/leaderboards')).data;
    const standings = await apiGet(`/v1/leaderboards/${board.code}/standings?top=25`);
    await page.getByLabel('Leaderboard', { exact: true }).selectOption(board.code);
    const table = page.getByRole('table', { name: `Standings of ${board.name}` });
    await expect.poll(() => table.getByRole('row').count()).toBe(standings.top.length + 1);
    if (standings.top.length > 0)
      expect(await table.getByRole('row').nth(1).getByRole('cell').last().textContent()).toBe(
        standings.top[0].value,
      );
    expect(await accessibility(page)).toEqual([]);

    // A leaderboard over the demo challenge's progress (decision 0062), refused first without its challenge.
    const boardCode = `console-trainings-${store}`;
    await page.getByRole('button', { name: 'New leaderboard' }).click();
    await page.getByLabel('Leaderboard code').fill(boardCode);
    await page.getByLabel('Leaderboard name').fill('Console trainings');
    await page.getByLabel('Ranked by').selectOption('challenge_progress');
    const pick = page.getByLabel('Challenge', { exact: true });
    await pick.locator('option', { hasText: 'Three trainings this quarter' }).waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Create the leaderboard' }).click();
    await expect.poll(() => pick.getAttribute('aria-invalid')).toBe('true');
    expect(await accessibility(page)).toEqual([]);
    await pick.selectOption('three-trainings');
    await page.getByRole('button', { name: 'Create the leaderboard' }).click();
    await page.getByRole('button', { name: 'New leaderboard' }).waitFor();
    expect(await apiGet(`/v1/leaderboards/${boardCode}`)).toMatchObject({
      metric: 'challenge_progress',
      challenge: 'three-trainings',
      window: { kind: 'calendar', period: 'quarter' },
    });
    const progressBoard = await apiGet(`/v1/leaderboards/${boardCode}/standings?top=25`);
    await page.getByLabel('Leaderboard', { exact: true }).selectOption(boardCode);
    const progressTable = page.getByRole('table', { name: 'Standings of Console trainings' });
    await expect.poll(() => progressTable.getByRole('row').count()).toBe(progressBoard.top.length + 1);
    if (progressBoard.top.length > 0)
      expect(await progressTable.getByRole('row').nth(1).getByRole('cell').last().textContent()).toBe(
        progressBoard.top[0].value,
      );
    await shot(page, 'engagement');
    await page.context().close();
  });

  it('shows cohorts and NPS as the reports have them, creates a survey (refused first) and downloads an export', async () => {
    const cohorts = await apiGet('/v1/reports/cohorts');
    const nps = await apiGet('/v1/reports/nps');
    expect(cohorts.cohorts.length).toBeGreaterThan(0);
    const page = await newPage();
    await signIn(page, '/insight');
    await page.getByRole('heading', { name: 'Insight', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: /^Cohort retention/ });
    await expect.poll(() => table.getByRole('row').count()).toBe(cohorts.cohorts.length + 1);
    const first = cohorts.cohorts[0];
    expect(
      await table
        .getByRole('row', { name: new RegExp(`^${first.cohort} `) })
        .getByRole('cell')
        .first()
        .textContent(),
    ).toBe(String(first.size));
    await expect
      .poll(() => page.getByTestId('nps-score').textContent())
      .toBe(nps.nps === null ? '—' : String(Math.round(nps.nps)));

    await page.getByRole('button', { name: 'New survey' }).click();
    await page.getByLabel('Survey name').fill(`Console pulse ${store}`);
    await page.getByRole('button', { name: 'Create the survey' }).click();
    const question = page.getByLabel('Question (0–10)');
    await expect.poll(() => question.getAttribute('aria-invalid')).toBe('true');
    expect(await accessibility(page)).toEqual([]);
    await question.fill('How likely are you to recommend us to a colleague?');
    await page.getByRole('button', { name: 'Create the survey' }).click();
    await expect
      .poll(async () => (await page.getByLabel('Survey').locator('option:checked').textContent()) ?? '')
      .toBe(`Console pulse ${store} (open)`);
    const surveys = (await apiGet('/v1/surveys')).data;
    const made = surveys.find((s: { name: string }) => s.name === `Console pulse ${store}`);
    expect(made).toMatchObject({ status: 'open', comment: true, anonymous: false });
    await page.getByRole('button', { name: 'Close the survey' }).click();
    await expect.poll(async () => (await apiGet(`/v1/surveys/${made.id}`)).status).toBe('closed');

    // The export link downloads the CSV with the session's cookie.
    const href = (await page.getByRole('link', { name: 'Download accounts (CSV)' }).getAttribute('href'))!;
    const csv = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    }, href);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    expect(csv.text).toContain('CRM-0001');
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'insight');
    await page.context().close();
  });

  it('adds a webhook endpoint (secret shown once), delivers to it, rotates, replays and disables it; lists the jobs', async () => {
    const page = await newPage();
    await signIn(page, '/settings');
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Webhooks' })
      .click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    // Refused at the field: not a URL.
    const url = page.getByLabel('Endpoint URL (https)');
    await url.fill('not a url');
    await page.getByRole('button', { name: 'Add the endpoint' }).click();
    await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true');

    const target = `http://127.0.0.1:${receiverPort}/hook/${store}`;
    await url.fill(target);
    await page.getByLabel('Description').fill('The console test receiver');
    await page.getByRole('checkbox', { name: 'event.processed' }).check();
    await page.getByRole('button', { name: 'Add the endpoint' }).click();
    const secretBox = page.locator('code.secret');
    await secretBox.waitFor();
    const secret = (await secretBox.textContent())!;
    expect(secret).toMatch(/^whsec_/);
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'webhooks');
    const endpoint = (await apiGet('/v1/webhook-endpoints')).data.find(
      (e: { url: string }) => e.url === target,
    );
    expect(endpoint).toMatchObject({ enabled: true, eventTypes: ['event.processed'] });
    expect(JSON.stringify(endpoint)).not.toContain(secret);

    // An event makes a message; the receiver gets it, the delivery log shows it.
    await apiPost('/v1/events', {
      id: `CONSOLE-HOOK-${store}`,
      type: 'purchase',
      account: 'CRM-0001',
      occurredAt: new Date().toISOString(),
      amount: '10.00',
      currency: 'EUR',
    });
    await expect
      .poll(() => received.filter((r) => r.body.includes(`CONSOLE-HOOK-${store}`)).length, {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    // Shown once: after a reload the page lists the endpoint but not its secret.
    await page.reload();
    await page.getByRole('button', { name: `Deliveries of ${target}` }).click();
    const attempts = page.getByRole('table', { name: 'Delivery attempts, newest first' });
    await attempts.getByRole('row').filter({ hasText: 'delivered' }).first().waitFor();
    expect(await page.content()).not.toContain(secret);

    // Rotate: a new secret, shown once.
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: `Rotate the secret of ${target}` }).click();
    await page.getByText('is rotated').waitFor();
    const rotated = (await page.locator('code.secret').textContent())!;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await page.getByRole('button', { name: 'Done' }).click();

    // Replay the last hour to it: the count the API answered.
    const before = received.length;
    await page
      .getByLabel('Since')
      .fill(
        new Date(Date.now() - 3_600_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16),
      );
    await page.getByRole('button', { name: 'Replay to this endpoint' }).click();
    const replayed = page.getByRole('status').filter({ hasText: 'queued again' });
    await replayed.waitFor();
    expect(Number((await replayed.textContent())!.match(/\d+/)![0])).toBeGreaterThan(0);
    await expect.poll(() => received.length, { timeout: 30_000 }).toBeGreaterThan(before);

    // Disable: the API has it disabled, the list says so and filters by it.
    await page.getByRole('button', { name: `Disable ${target}` }).click();
    await expect.poll(async () => (await apiGet(`/v1/webhook-endpoints/${endpoint.id}`)).enabled).toBe(false);
    await page.getByLabel('Show').selectOption('disabled');
    await page
      .getByRole('table', { name: 'Webhook endpoints' })
      .getByRole('row')
      .filter({ hasText: target })
      .waitFor();

    // The jobs: the deliveries' queue among them, filtered by queue.
    const jobs = (await apiGet('/v1/jobs?limit=50')).data;
    expect(jobs.length).toBeGreaterThan(0);
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Jobs' })
      .click();
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    await page.getByLabel('Queue').fill(jobs[0].queue);
    await page.getByRole('button', { name: 'Filter jobs' }).click();
    const queued = (await apiGet(`/v1/jobs?limit=50&queue=${encodeURIComponent(jobs[0].queue)}`)).data;
    const table = page.getByRole('table', { name: 'Background jobs, newest first' });
    await expect.poll(() => table.getByRole('row').count()).toBe(queued.length + 1);
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'jobs');
    await page.context().close();
  });

  it('lists the members of a tier when the tier is clicked, as the API has them', async () => {
    const [ladder] = (await apiGet('/v1/tier-ladders')).data;
    const platinum = ladder.document.tiers.find((t: { code: string }) => t.code === 'platinum');
    const members = await apiGet(`/v1/tier-ladders/${ladder.id}/members?tier=platinum&limit=50`);
    const page = await newPage();
    await signIn(page, '/tiers');
    await page.getByRole('button', { name: `Show members of ${platinum.name}` }).click();
    const table = page.getByRole('table', { name: `Members of ${platinum.name}` });
    await expect.poll(() => table.getByRole('row').count()).toBe(members.data.length + 1);
    const first = members.data[0];
    await table
      .getByRole('link', { name: new RegExp(`^${first.name}`) })
      .first()
      .waitFor();
    expect(await page.getByRole('button', { name: 'More members' }).count()).toBe(members.nextCursor ? 1 : 0);
    expect(await accessibility(page)).toEqual([]);
    await page.context().close();
  });

  it('manages console users in Settings › Users: made with a password shown once, a refusal on its row, a role changed, one disabled', async () => {
    const page = await newPage();
    await signIn(page, '/settings');
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Users' })
      .click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const users = page.getByRole('table', { name: 'Console users' });
    await users.getByRole('row').filter({ hasText: owner.email }).waitFor();

    // Refused at its field: not an e-mail address.
    const email = page.getByLabel('E-mail');
    await email.fill('not-an-address');
    await page.getByRole('button', { name: 'Create the user' }).click();
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    const address = `console-user-${store}@demo.fidelis.local`;
    await email.fill(address);
    await page.getByLabel('Name', { exact: true }).fill('Casey Console');
    await page.getByLabel('Role', { exact: true }).selectOption('manager');
    await page.getByRole('button', { name: 'Create the user' }).click();
    const secret = page.locator('code.secret');
    await secret.waitFor();
    const password = (await secret.textContent())!;
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'users');
    const made = (await apiGet('/v1/users?role=manager')).data.find(
      (u: { email: string }) => u.email === address,
    );
    expect(made).toMatchObject({ name: 'Casey Console', role: 'manager', disabledAt: null });
    await page.getByRole('button', { name: 'Done' }).click();

    // The last owner cannot be demoted: the API's refusal shows on the owner's row.
    const ownerRow = users.getByRole('row').filter({ hasText: owner.email });
    await ownerRow.getByRole('combobox', { name: `Role of ${owner.email}` }).selectOption('admin');
    await ownerRow.getByRole('button', { name: `Save role of ${owner.email}` }).click();
    await ownerRow.getByRole('alert').filter({ hasText: 'last_owner' }).waitFor();

    // The new user signs in with the generated password; a role change counts from its next request.
    const theirs = await newPage();
    await signIn(theirs, '/dashboard', { email: address, password });
    // Their dashboard's reads done first: one still on its way when they are disabled would send them to
    // sign in before the click below (seen on a loaded machine).
    await theirs.waitForLoadState('networkidle');
    const row = users.getByRole('row').filter({ hasText: address });
    await row.getByRole('combobox', { name: `Role of ${address}` }).selectOption('viewer');
    await row.getByRole('button', { name: `Save role of ${address}` }).click();
    await expect.poll(async () => (await apiGet(`/v1/users/${made.id}`)).role).toBe('viewer');

    // Disabled: their session ends at once (the next screen sends them to sign in).
    page.once('dialog', (dialog) => dialog.accept());
    await row.getByRole('button', { name: `Disable ${address}` }).click();
    await row.getByText(/^Disabled /).waitFor();
    await theirs.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
    await theirs.getByRole('button', { name: 'Sign in' }).waitFor();
    expect((await apiGet(`/v1/users/${made.id}`)).disabledAt).not.toBeNull();
    await theirs.context().close();
    await page.context().close();
  });

  it('decides sales claims on Partners and in the Approvals inbox, lists referrals, and shows a statement', async () => {
    const waiting = (await apiGet('/v1/claims?status=submitted')).data;
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    const review = (await apiGet('/v1/referrals?status=review')).data;
    const page = await newPage();
    await signIn(page, '/partners', approver);
    await page.getByRole('heading', { name: 'Partners', level: 1 }).waitFor();
    const claims = page.getByRole('table', { name: 'Sales claims' });
    await expect.poll(() => claims.getByRole('row').count()).toBe(waiting.length + 1);
    const [first, second] = waiting;
    await claims.getByRole('button', { name: `Reject claim ${first.invoiceNumber}` }).click();
    await claims.getByLabel('Reason').fill('No proof of delivery');
    await claims.getByRole('button', { name: 'Reject', exact: true }).click();
    await expect.poll(async () => (await apiGet(`/v1/claims/${first.id}`)).status).toBe('rejected');
    expect((await apiGet(`/v1/claims/${first.id}`)).decisionReason).toBe('No proof of delivery');

    await page.getByLabel('Referral status').selectOption('review');
    const referrals = page.getByRole('table', { name: 'Referrals' });
    if (review.length > 0)
      await expect.poll(() => referrals.getByRole('row').count()).toBe(review.length + 1);
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'partners');

    // The other one waits in the Approvals inbox too: approved there, it becomes an event.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Approvals' }).click();
    const inbox = page.getByRole('table', { name: 'Sales claims waiting for a decision' });
    await inbox.getByRole('row').filter({ hasText: second.invoiceNumber }).waitFor();
    await inbox.getByRole('button', { name: `Approve claim ${second.invoiceNumber}` }).click();
    await expect.poll(async () => (await apiGet(`/v1/claims/${second.id}`)).status).toBe('approved');
    expect(await accessibility(page)).toEqual([]);

    // Notifications: the e-mails (none without SMTP_URL) and an account's statement of last month.
    const now = new Date();
    const month = new Date(now.getFullYear(), now.getMonth() - 1, 1);
    const period = `${month.getFullYear()}-${String(month.getMonth() + 1).padStart(2, '0')}`;
    const statement = await apiGet(`/v1/accounts/CRM-0001/statements/${period}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('heading', { name: 'E-mails' }).waitFor();
    await page.getByLabel('Account (id or CRM id)').fill('CRM-0001');
    await page.getByRole('button', { name: 'Show the statement' }).click();
    const points = statement.lines.find((l: { unit: string }) => l.unit === 'points');
    if (points)
      await expect
        .poll(() => page.getByTestId('closing-points').textContent())
        .toBe(`${new Intl.NumberFormat('en-GB').format(points.closing)} pts`);
    else await page.getByText('The account had no wallet in that month.').waitFor();
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'notifications');
    await page.context().close();
  });

  it('decides several sales claims at once on Partners, each its own call, a refusal in the answers; the user’s own claim offered no box', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const submitted: { id: string; invoiceNumber: string }[] = [];
    for (const n of [1, 2, 3])
      submitted.push(
        await apiPost('/v1/claims', {
          account: 'CRM-0003',
          invoiceNumber: `BULK-${store}-${n}`,
          invoiceDate: today,
          amount: '100.00',
          currency: 'EUR',
          lines: [{ sku: 'VALVE-PRO', quantity: 1, amount: '100.00' }],
        }),
      );
    const page = await newPage();
    await signIn(page, '/partners');
    // The owner's own claim: maker-checker, so no box and no decision on its row.
    const own = await asUser(page, 'POST', '/v1/claims', {
      account: 'CRM-0003',
      invoiceNumber: `BULK-${store}-OWN`,
      invoiceDate: today,
      amount: '50.00',
      currency: 'EUR',
      lines: [{ sku: 'VALVE-PRO', quantity: 1, amount: '50.00' }],
    });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    await page.reload();
    const claims = page.getByRole('table', { name: 'Sales claims' });
    const box = (invoice: string) => claims.getByRole('checkbox', { name: `Select claim ${invoice}` });
    await box(submitted[0]!.invoiceNumber).waitFor();
    const ownRow = claims.locator(`tr[data-claim="${own.body.id}"]`);
    await ownRow.getByText('You submitted it: another approver decides (maker-checker).').waitFor();
    expect(await ownRow.getByRole('checkbox').count()).toBe(0);
    const waiting = (await apiGet('/v1/claims?status=submitted&limit=100')).data as { submittedBy: string }[];
    const all = page.getByRole('checkbox', { name: 'Select every waiting claim listed' });
    await all.check();
    await page.getByText(`${waiting.length - 1} claims selected`).waitFor();
    await all.uncheck();
    for (const c of submitted) await box(c.invoiceNumber).check();
    await page.getByText('3 claims selected').waitFor();
    // Meanwhile an approver rejects the third elsewhere: the owner's decision of it is refused.
    const elsewhere = await newPage();
    await signIn(elsewhere, '/dashboard', approver);
    expect(
      (
        await asUser(elsewhere, 'POST', `/v1/claims/${submitted[2]!.id}/reject`, {
          reason: 'Decided elsewhere',
        })
      ).status,
    ).toBe(200);
    await page.getByLabel('Decision reason for the chosen claims').fill('Invoices matched');
    await page.getByRole('button', { name: 'Approve the chosen claims' }).click();
    const answers = page.getByRole('table', { name: 'The answer for each selected claim' });
    await answers.waitFor();
    for (const c of submitted.slice(0, 2)) {
      expect(await answers.locator(`tr[data-claim="${c.id}"]`).textContent()).toContain('Approved');
      const decided = await apiGet(`/v1/claims/${c.id}`);
      expect(decided).toMatchObject({ status: 'approved', decisionReason: 'Invoices matched' });
    }
    expect(await answers.locator(`tr[data-claim="${submitted[2]!.id}"]`).textContent()).toContain(
      'Refused: The sales claim is not in a state that allows this (claim_state_conflict)',
    );
    await page.getByRole('status').filter({ hasText: '2 of 3 claims decided' }).waitFor();
    expect(await apiGet(`/v1/claims/${submitted[2]!.id}`)).toMatchObject({
      status: 'rejected',
      decisionReason: 'Decided elsewhere',
    });
    // The decided ones leave the waiting list; the owner's own claim waits, still without a box.
    await expect.poll(() => box(submitted[0]!.invoiceNumber).count()).toBe(0);
    expect((await apiGet(`/v1/claims/${own.body.id}`)).status).toBe('submitted');
    await ownRow.waitFor();
    expect(await ownRow.getByRole('checkbox').count()).toBe(0);
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'partners-bulk');
    // The demo as it was: the owner's claim rejected by the approver.
    expect(
      (await asUser(elsewhere, 'POST', `/v1/claims/${own.body.id}/reject`, { reason: 'A test claim' }))
        .status,
    ).toBe(200);
    await elsewhere.context().close();
    await page.context().close();
  });

  it('shows an account’s 360° page as the API has it: wallets, tiers, memberships, redemptions, events, hierarchy, relationships, contacts', async () => {
    // A demo group with a waiting redemption, a tier and subsidiaries, chosen from the API …
    const waiting = (await apiGet('/v1/redemptions?status=pending_approval')).data as { accountId: string }[];
    let id: string | undefined;
    for (const candidate of new Set(waiting.map((r) => r.accountId))) {
      const [tree, progress] = await Promise.all([
        apiGet(`/v1/accounts/${candidate}/tree`),
        apiGet(`/v1/accounts/${candidate}/tiers`),
      ]);
      if (tree.tree.children.length > 0 && progress.data.some((t: { tier: string | null }) => t.tier)) {
        id = candidate;
        break;
      }
    }
    expect(id, 'a demo group with a waiting redemption and a tier').toBeDefined();
    // … that joins the demo's plan and manages an account still below the top tier (the demo gives it
    // neither): the membership, its entitlements, a relationship and the progress to a next tier.
    const [plan] = (await apiGet('/v1/membership-plans')).data;
    await apiPost(
      '/v1/memberships',
      { account: id, plan: plan.id, via: 'contract', reference: `NW-360-${store}` },
      { 'idempotency-key': `console-360-${store}` },
    );
    const [ladder] = (await apiGet('/v1/tier-ladders')).data;
    let climbing: { accountId: string; name: string } | undefined;
    for (const tier of ladder.document.tiers.slice(0, -1)) {
      [climbing] = (await apiGet(`/v1/tier-ladders/${ladder.id}/members?tier=${tier.code}`)).data;
      if (climbing) break;
    }
    expect(climbing, 'an account below the top tier').toBeDefined();
    await apiPost('/v1/relationships', { type: 'manages', from: id, to: climbing!.accountId });

    const [
      account,
      wallets,
      tiers,
      memberships,
      entitlements,
      redemptions,
      events,
      tree,
      relationships,
      contacts,
    ] = await Promise.all([
      apiGet(`/v1/accounts/${id}`),
      apiGet(`/v1/accounts/${id}/wallets`).then((r) => r.data),
      apiGet(`/v1/accounts/${id}/tiers`).then((r) => r.data),
      apiGet(`/v1/accounts/${id}/memberships?limit=10`),
      apiGet(`/v1/accounts/${id}/entitlements?limit=10`),
      apiGet(`/v1/redemptions?account=${id}&limit=10`),
      apiGet(`/v1/events?account=${id}&limit=10`),
      apiGet(`/v1/accounts/${id}/tree`),
      apiGet(`/v1/relationships?account=${id}&limit=20`),
      apiGet(`/v1/accounts/${id}/contacts?limit=20`),
    ]);
    // Every section has something to compare (the loops below are not vacuous).
    for (const [what, list] of Object.entries({
      wallets,
      tiers,
      memberships: memberships.data,
      entitlements: entitlements.data,
      redemptions: redemptions.data,
      events: events.data,
      children: tree.tree.children,
      relationships: relationships.data,
      contacts: contacts.data,
    }))
      expect(list.length, what).toBeGreaterThan(0);
    const money = (amount: number, unit: string) => {
      if (unit === 'points') return `${new Intl.NumberFormat('en-GB').format(amount)} pts`;
      const currency = new Intl.NumberFormat('en-GB', { style: 'currency', currency: unit });
      return currency.format(amount / 10 ** (currency.resolvedOptions().maximumFractionDigits ?? 2));
    };
    const rows = (name: string) => page.getByRole('table', { name, exact: true }).getByRole('row');

    const page = await newPage();
    await signIn(page, '/dashboard');
    await page.goto(`${server.url}/console/accounts/${id}`);
    await page.getByRole('heading', { name: account.name, level: 1 }).waitFor();
    // Wallets: balance, pending, held, available and expiring soon, as the API has them when the page
    // read them: the server's minute jobs may post a pending credit in between, then both are read again.
    type Wallet = {
      unit: string;
      net: number;
      pending: number;
      held: number;
      available: number;
      expiring: { in30Days: number; in90Days: number };
    };
    const figures = (list: Wallet[]) =>
      list.flatMap((w) =>
        (
          [
            ['balance', w.net],
            ['pending', w.pending],
            ['held', w.held],
            ['available', w.available],
            ['expiring-30', w.expiring.in30Days],
            ['expiring-90', w.expiring.in90Days],
          ] as const
        ).map(([field, value]) => [`wallet-${w.unit}-${field}`, money(value, w.unit)]),
      );
    let want = figures(wallets);
    for (let attempt = 1; ; attempt++) {
      await page.getByTestId(want[0]![0]!).waitFor();
      const shown = await Promise.all(
        want.map(async ([id]) => [id, await page.getByTestId(id!).textContent()]),
      );
      if (attempt === 3 || JSON.stringify(shown) === JSON.stringify(want)) {
        expect(shown).toEqual(want);
        break;
      }
      want = figures((await apiGet(`/v1/accounts/${id}/wallets`)).data);
      await page.reload();
      await page.getByRole('heading', { name: account.name, level: 1 }).waitFor();
    }
    // Tiers: the tier of each ladder and when it was reached.
    for (const t of tiers) {
      await expect
        .poll(() => page.getByTestId(`tier-${t.ladderId}`).textContent())
        .toBe(t.tierName ?? 'none yet');
      expect(
        await page.getByTestId(`tier-since-${t.ladderId}`).locator('time').getAttribute('datetime'),
      ).toBe(t.since);
    }
    // Memberships (the plan's name, status, renewal date) and their entitlements.
    await expect.poll(() => rows('Memberships').count()).toBe(memberships.data.length + 1);
    for (const m of memberships.data) {
      const row = rows('Memberships').filter({ hasText: m.reference ?? m.status });
      await row.getByText(m.status, { exact: true }).waitFor();
      if (m.endsAt) expect(await row.locator(`time[datetime="${m.endsAt}"]`).count()).toBe(1);
    }
    await rows('Memberships').filter({ hasText: plan.name }).first().waitFor();
    await expect
      .poll(() => rows('Entitlements through memberships').count())
      .toBe(entitlements.data.length + 1);
    for (const e of entitlements.data)
      await rows('Entitlements through memberships')
        .getByRole('cell', { name: e.key, exact: true })
        .first()
        .waitFor();
    // Redemptions: status and reward; a waiting one links to the approvals inbox.
    await expect.poll(() => rows('Redemptions, newest first').count()).toBe(redemptions.data.length + 1);
    for (const r of redemptions.data) {
      const row = page.locator(`tr[data-redemption="${r.id}"]`);
      const reward = await apiGet(`/v1/rewards/${r.rewardId}`);
      await row.getByText(reward.name).waitFor();
      await row.getByText(r.status.replaceAll('_', ' ')).waitFor();
      expect(await row.getByRole('link', { name: 'Decide in the approvals inbox' }).count()).toBe(
        r.status === 'pending_approval' ? 1 : 0,
      );
    }
    expect(await page.getByRole('button', { name: 'More redemptions' }).count()).toBe(
      redemptions.nextCursor ? 1 : 0,
    );
    // Events: the latest page, each linked to its explanation; more if the API has more.
    await expect.poll(() => rows('Events of the account, newest first').count()).toBe(events.data.length + 1);
    for (const e of events.data) await page.getByRole('link', { name: `Why? event ${e.id}` }).waitFor();
    expect(await page.getByRole('button', { name: 'Older events' }).count()).toBe(events.nextCursor ? 1 : 0);
    // The hierarchy: the groups above and the accounts below, each a link; the relationships.
    const hierarchy = page.getByRole('list', { name: 'Account hierarchy' });
    for (const above of tree.ancestors)
      await hierarchy.getByRole('link', { name: above.name, exact: true }).waitFor();
    for (const below of tree.tree.children)
      await hierarchy.getByRole('link', { name: below.account.name, exact: true }).waitFor();
    await expect
      .poll(() => rows('Relationships with other accounts').count())
      .toBe(relationships.data.length + 1);
    // Contacts: name, e-mail and role.
    await expect.poll(() => rows('Contacts of the account').count()).toBe(contacts.data.length + 1);
    for (const c of contacts.data) {
      const row = rows('Contacts of the account').filter({ hasText: c.email });
      await row.getByRole('cell', { name: c.role, exact: true }).waitFor();
      if (c.name) await row.getByRole('cell', { name: c.name, exact: true }).waitFor();
    }
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'account-360');

    // An event's "Why?" opens its explanation on the Events screen.
    const [latest] = events.data;
    expect(latest, 'the account has events').toBeDefined();
    await page.getByRole('link', { name: `Why? event ${latest.id}` }).click();
    await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
    const outcomes = page.getByRole('table', { name: `Each rule’s outcome for event ${latest.id}` });
    await expect.poll(() => outcomes.getByRole('row').count()).toBe(latest.result.rules.length + 1);

    // Back, and on to the managed account: its progress to the next tier, as the API has it.
    await page.goBack();
    await page.getByRole('heading', { name: account.name, level: 1 }).waitFor();
    await page
      .getByRole('table', { name: 'Relationships with other accounts' })
      .getByRole('link', { name: climbing!.name })
      .click();
    await page.getByRole('heading', { name: climbing!.name, level: 1 }).waitFor();
    const progress = (await apiGet(`/v1/accounts/${climbing!.accountId}/tiers`)).data.find(
      (t: { ladderId: string }) => t.ladderId === ladder.id,
    );
    expect(progress.next).not.toBeNull();
    // The figures grouped as the wallets' are (en-GB: 14,399), not bare digits.
    const grouped = (n: string) => new Intl.NumberFormat('en-GB').format(n as `${number}`);
    await expect
      .poll(() => page.getByTestId(`tier-next-${ladder.id}`).textContent())
      .toContain(
        `${grouped(progress.next.needed)} more for ${progress.next.name} (threshold ${grouped(progress.next.threshold)})`,
      );
    expect(await page.getByTestId(`tier-metric-${ladder.id}`).textContent()).toBe(grouped(progress.metric));
    const bar = page.getByTestId(`tier-next-${ladder.id}`).getByRole('progressbar');
    expect(
      await bar.evaluate((element) => {
        const { value, max } = element as unknown as { value: number; max: number };
        return { value, max };
      }),
    ).toEqual({
      value: Math.min(Number(progress.metric), Number(progress.next.threshold)),
      max: Number(progress.next.threshold),
    });
    await page
      .getByRole('table', { name: 'Relationships with other accounts' })
      .getByText('managed by')
      .waitFor();

    // A contact's page, from the account's contacts: what the API has, an e-mail another contact has
    // refused at its field (nothing saved), then a change saved and a portal sign-in link made.
    await page.goto(`${server.url}/console/accounts/${id}`);
    const person = contacts.data[0];
    const title = person.name ?? person.email;
    await rows('Contacts of the account').getByRole('link', { name: title, exact: true }).click();
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    expect(await page.getByTestId('contact-email').textContent()).toBe(person.email);
    expect(await page.getByTestId('contact-role').textContent()).toBe(person.role);
    expect(await page.getByTestId('contact-statements').textContent()).toBe(
      person.statementOptIn ? 'yes' : 'no',
    );
    expect(await page.getByTestId('contact-marketing').textContent()).toBe(
      person.marketingOptIn ? 'yes' : 'no',
    );
    const optOut = await apiGet(`/v1/contacts/${person.id}/notification-opt-out`);
    await expect
      .poll(() => page.getByTestId('contact-opt-out').textContent())
      .toContain(optOut.optedOut ? 'Opted out' : 'Receives the program’s e-mail');
    await page.getByRole('link', { name: account.name }).first().waitFor();
    const other = ((await apiGet('/v1/contacts?limit=50')).data as { id: string; email: string }[]).find(
      (c) => c.id !== person.id,
    )!;
    await page.getByRole('button', { name: 'Edit the contact' }).click();
    const email = page.getByLabel('E-mail address');
    await email.fill(other.email);
    await page.getByRole('button', { name: 'Save the contact' }).click();
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await email.getAttribute('aria-describedby')}`).textContent()).toBe(
      'is taken',
    );
    await page.getByRole('alert').filter({ hasText: 'code: email_taken' }).waitFor();
    expect(await apiGet(`/v1/contacts/${person.id}`)).toEqual(person);
    expect(await accessibility(page)).toEqual([]);
    await email.fill(person.email);
    await page.getByLabel('Language (a BCP 47 tag').fill('de-CH');
    await page.getByLabel('Monthly statements by e-mail').setChecked(!person.statementOptIn);
    await page.getByRole('button', { name: 'Save the contact' }).click();
    await expect.poll(() => page.getByTestId('contact-locale').textContent()).toBe('de-CH');
    const saved = await apiGet(`/v1/contacts/${person.id}`);
    expect(saved).toEqual({
      ...person,
      locale: 'de-CH',
      statementOptIn: !person.statementOptIn,
      updatedAt: saved.updatedAt,
    });
    expect(await page.getByTestId('contact-statements').textContent()).toBe(
      saved.statementOptIn ? 'yes' : 'no',
    );
    await page.getByRole('button', { name: 'Make a portal sign-in link' }).click();
    const link = await page.getByLabel('Portal sign-in link').inputValue();
    expect(link).toMatch(/^http:\/\/[^/]+\/portal\/[^/]+\/enter#token=/);
    expect(await page.getByTestId('contact-opt-out').count()).toBe(1);
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'contact');
    // The person leaves: deactivated (no portal link offered any more), then active again.
    expect(await page.getByTestId('contact-state').textContent()).toBe('active');
    await page.getByRole('button', { name: 'Deactivate the contact' }).click();
    await expect.poll(() => page.getByTestId('contact-state').textContent()).toMatch(/^deactivated since /);
    expect((await apiGet(`/v1/contacts/${person.id}`)).active).toBe(false);
    expect(await page.getByRole('button', { name: 'Make a portal sign-in link' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Make the contact active again' }).click();
    await expect.poll(() => page.getByTestId('contact-state').textContent()).toBe('active');
    expect(await apiGet(`/v1/contacts/${person.id}`)).toMatchObject({ active: true, deactivatedAt: null });
    // The demo as it was.
    await apiPatch(`/v1/contacts/${person.id}`, {
      locale: person.locale,
      statementOptIn: person.statementOptIn,
    });
    await page.context().close();
  });

  it('changes the program’s settings and branding in Settings › Program: refused at the fields and nothing saved, then saved and re-read', async () => {
    const before = await apiGet('/v1/program');
    const page = await newPage();
    await signIn(page, '/settings');
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Program' })
      .click();
    await page.getByRole('heading', { name: 'Program', level: 1 }).waitFor();
    const threshold = page.getByLabel('Approval above (points)');
    const displayName = page.getByLabel('Display name');
    const primary = page.getByLabel('Header colour');
    await expect
      .poll(() => threshold.inputValue())
      .toBe(String(before.settings.redemptions.approval.above.points));
    expect(await displayName.inputValue()).toBe(before.settings.branding.displayName);
    expect(await page.getByLabel('Time zone').inputValue()).toBe(before.timeZone);
    // The preview follows what is typed.
    await displayName.fill('Northwind Rewards Club');
    await expect
      .poll(() => page.getByTestId('brand-preview').textContent())
      .toContain('Northwind Rewards Club');
    // A negative threshold and a colour that is not #rrggbb: each refusal under its field, nothing saved.
    await threshold.fill('-5');
    await primary.fill('teal');
    await page.getByRole('button', { name: 'Save the program' }).click();
    await expect.poll(() => threshold.getAttribute('aria-invalid')).toBe('true');
    expect(await primary.getAttribute('aria-invalid')).toBe('true');
    expect(await displayName.getAttribute('aria-invalid')).toBeNull();
    for (const field of [threshold, primary]) {
      const errors = page.locator(`#${await field.getAttribute('aria-describedby')}`);
      expect((await errors.textContent())?.length).toBeGreaterThan(0);
    }
    await page.getByRole('alert').filter({ hasText: 'code: validation_failed' }).waitFor();
    expect(await apiGet('/v1/program')).toEqual(before);
    expect(await accessibility(page)).toEqual([]);
    // Valid values: saved, and the form shows what the API keeps.
    await threshold.fill('3000');
    await primary.fill('#14532d');
    await page.getByRole('button', { name: 'Save the program' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const after = await apiGet('/v1/program');
    expect(after.settings.redemptions).toEqual({ approval: { above: { points: 3000 } } });
    expect(after.settings.branding).toEqual({
      ...before.settings.branding,
      displayName: 'Northwind Rewards Club',
      colors: { primary: '#14532d' },
    });
    // What the form did not change is kept as it was.
    for (const key of ['name', 'timeZone', 'defaultLocale', 'baseCurrency'])
      expect(after[key], key).toEqual(before[key]);
    for (const module of ['ledger', 'portal', 'notifications', 'events', 'claims'])
      expect(after.settings[module], module).toEqual(before.settings[module]);
    expect(await threshold.getAttribute('aria-invalid')).toBeNull();
    await page.reload();
    await expect.poll(() => threshold.inputValue()).toBe('3000');
    expect(await displayName.inputValue()).toBe('Northwind Rewards Club');
    expect(await primary.inputValue()).toBe('#14532d');
    await shot(page, 'program');
    // The demo as it was, for the other tests.
    const restored = await fetch(`${server.url}/v1/program`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${demoKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ settings: before.settings }),
    });
    expect(restored.status).toBe(200);
    expect(((await restored.json()) as { settings: unknown }).settings).toEqual(before.settings);
    await page.context().close();
  });

  it('sorts the accounts by the API’s sort and the catalog among the rewards loaded; fills a code pool from a CSV (a duplicate refused at the file) and adds a session (refused at its capacity first)', async () => {
    const page = await newPage();
    await signIn(page, '/accounts');
    const accounts = page.getByRole('table', { name: 'Accounts' });
    const firstCells = () => accounts.locator('tbody tr td:first-child').allTextContents();
    const names = async (sort: string) =>
      ((await apiGet(`/v1/accounts?${sort ? `sort=${sort}&` : ''}limit=25`)).data as { name: string }[]).map(
        (a) => a.name,
      );
    await accounts.waitFor();
    const header = (name: string) => accounts.getByRole('columnheader', { name });
    for (const [column, sort, order] of [
      ['Name', 'name', 'ascending'],
      ['Name', '-name', 'descending'],
      ['Added', 'createdAt', 'ascending'],
      ['Added', '-createdAt', 'descending'],
    ] as const) {
      await header(column).getByRole('button').click();
      await page.waitForURL((url) => url.searchParams.get('sort') === sort);
      const want = await names(sort);
      await expect.poll(firstCells).toEqual(want);
      expect(await header(column).getAttribute('aria-sort')).toBe(order);
    }
    // A third press: the API's own order again, and no sort in the URL.
    await header('Added').getByRole('button').click();
    await page.waitForURL((url) => !url.searchParams.has('sort'));
    await expect.poll(firstCells).toEqual(await names(''));
    expect(await accounts.getByRole('columnheader', { name: 'Added' }).getAttribute('aria-sort')).toBeNull();
    expect(await accessibility(page)).toEqual([]);

    // The catalog sorted in the page, among the rewards loaded (the API has no sort), and said so.
    const session = await apiPost('/v1/rewards', {
      type: 'session',
      name: `Installer workshop ${store}`,
      price: { amount: 800, unit: 'points' },
      stock: { kind: 'sessions' },
    });
    await apiPost(`/v1/rewards/${session.id}/sessions`, {
      name: 'Spring',
      startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      capacity: 12,
    });
    const catalogRows = (await apiGet('/v1/rewards?limit=100')).data as {
      id: string;
      name: string;
      price: { value: { minorUnits: number } };
    }[];
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Rewards', exact: true })
      .click();
    const catalog = page.getByRole('table', { name: 'The reward catalog' });
    await catalog.getByRole('columnheader', { name: 'Price' }).getByRole('button').click();
    const byPrice = [...catalogRows]
      .sort((a, b) => a.price.value.minorUnits - b.price.value.minorUnits)
      .map((r) => `${r.name}${r.id}`);
    await expect
      .poll(async () =>
        (await catalog.locator('tbody tr td:first-child').allTextContents()).map((t) =>
          t.replace(/(Code pool|Sessions) of .*$/, ''),
        ),
      )
      .toEqual(byPrice);
    await page
      .getByRole('status')
      .filter({ hasText: `Sorted here, among the ${catalogRows.length} loaded` })
      .waitFor();

    // The demo's code pool: its counts as the API has them, a file with a code it has refused at the
    // file's field (nothing imported), then new codes imported.
    const voucher = catalogRows.find((r) => r.name === 'Service voucher')!;
    const before = (await apiGet(`/v1/rewards/${voucher.id}`)).stock.codes;
    await page.getByRole('button', { name: 'Code pool of Service voucher' }).click();
    for (const state of ['available', 'reserved', 'issued'] as const)
      await expect
        .poll(() => page.getByTestId(`codes-${state}`).textContent())
        .toBe(new Intl.NumberFormat('en-GB').format(before[state]));
    const file = page.getByLabel('CSV file of codes');
    await file.setInputFiles({
      name: 'codes.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`code\nNW-${store}-A\nNW-SV-0001\n`),
    });
    await page.getByRole('button', { name: 'Upload the codes' }).click();
    await expect.poll(() => file.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await file.getAttribute('aria-describedby')}`).textContent()).toBe(
      'code 2 of the file: NW-SV-0001 exists already',
    );
    await page.getByRole('alert').filter({ hasText: 'code: duplicate_codes' }).waitFor();
    expect((await apiGet(`/v1/rewards/${voucher.id}`)).stock.codes).toEqual(before);
    expect(await accessibility(page)).toEqual([]);
    await file.setInputFiles({
      name: 'codes.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`code\nNW-${store}-A\nNW-${store}-B\n`),
    });
    await page.getByRole('button', { name: 'Upload the codes' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 2 codes' }).waitFor();
    const after = (await apiGet(`/v1/rewards/${voucher.id}`)).stock.codes;
    expect(after).toEqual({ ...before, available: before.available + 2 });
    await expect
      .poll(() => page.getByTestId('codes-available').textContent())
      .toBe(new Intl.NumberFormat('en-GB').format(after.available));
    expect(await file.getAttribute('aria-invalid')).toBeNull();
    await page.getByRole('button', { name: 'Close' }).click();

    // A session reward's dates with their capacity and places left, as the API has them; a date added.
    await page.getByRole('button', { name: `Sessions of ${session.name}` }).click();
    const dates = page.getByRole('table', { name: 'Sessions with their capacity' });
    const [spring] = (await apiGet(`/v1/rewards/${session.id}/sessions`)).data;
    const springRow = dates.locator(`tr[data-session="${spring.id}"]`);
    await springRow.waitFor();
    expect(await springRow.locator('td').allTextContents()).toEqual([
      'Spring',
      expect.any(String),
      '—',
      String(spring.capacity),
      String(spring.capacity - spring.remaining),
      String(spring.remaining),
    ]);
    const capacity = page.getByLabel('Capacity (places)');
    await page.getByLabel('Starts').fill('2027-03-01T10:00');
    await capacity.fill('0');
    await page.getByRole('button', { name: 'Add the date' }).click();
    await expect.poll(() => capacity.getAttribute('aria-invalid')).toBe('true');
    expect((await apiGet(`/v1/rewards/${session.id}/sessions`)).data).toHaveLength(1);
    await capacity.fill('8');
    await page.getByRole('button', { name: 'Add the date' }).click();
    await page.getByRole('status').filter({ hasText: 'Date added.' }).waitFor();
    const sessions = (await apiGet(`/v1/rewards/${session.id}/sessions`)).data;
    expect(sessions.map((s: { capacity: number }) => s.capacity).sort()).toEqual([12, 8].sort());
    await expect.poll(() => dates.locator('tbody tr').count()).toBe(2);
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'rewards-sessions');
    await page.context().close();
  });

  it('approves two waiting redemptions at once in the Approvals inbox, each its own decision, the maker-checker refusal on its row; the rest still wait', async () => {
    const waiting = (await apiGet('/v1/redemptions?status=pending_approval&limit=100')).data as {
      id: string;
      accountId: string;
    }[];
    expect(waiting.length, 'the demo has redemptions waiting').toBeGreaterThanOrEqual(3);
    const [first, second] = [waiting[0]!.id, waiting[1]!.id];
    const page = await newPage();
    await signIn(page, '/approvals');
    // A redemption the owner requests themself, for an account with the points: the API's
    // maker-checker refuses the owner's approval of it, on its row, and the others go through.
    const { rewardId, price } = await apiGet(`/v1/redemptions/${first}`);
    let account: string | undefined;
    for (const candidate of new Set(waiting.map((r) => r.accountId))) {
      const wallets = (await apiGet(`/v1/accounts/${candidate}/wallets`)).data as {
        unit: string;
        available: number;
      }[];
      if (wallets.some((w) => w.unit === price.unit && w.available >= price.amount)) account = candidate;
      if (account) break;
    }
    expect(account, 'a waiting account with the points for another kit').toBeDefined();
    const own = await page.evaluate(
      async (body) => {
        const session = (await (await fetch('/console/session')).json()) as { csrfToken: string };
        const res = await fetch('/v1/redemptions', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-csrf-token': session.csrfToken,
            'idempotency-key': crypto.randomUUID(),
          },
          body: JSON.stringify(body),
        });
        return (await res.json()) as { id: string; status: string };
      },
      { reward: rewardId, account },
    );
    expect(own.status).toBe('pending_approval');
    await page.reload();
    const select = (id: string) => page.getByRole('checkbox', { name: `Select redemption ${id}` });
    await select(own.id).waitFor();
    // Select all of the listed page, then none, then the two.
    const all = page.getByRole('checkbox', { name: 'Select every redemption listed' });
    await all.check();
    await page.getByText(`${waiting.length + 1} selected`).waitFor();
    await all.uncheck();
    await page.getByText('0 selected').waitFor();
    await select(first).check();
    await select(second).check();
    await select(own.id).check();
    await page.getByText('3 selected').waitFor();
    await page.getByLabel('Reason for the selected').fill('Quarterly kit budget');
    await page.getByRole('button', { name: 'Approve selected' }).click();
    const outcomes = page.getByRole('table', { name: 'The answer for each selected redemption' });
    await outcomes.waitFor();
    for (const id of [first, second])
      expect(await outcomes.locator(`tr[data-redemption="${id}"]`).textContent()).toContain('Approved');
    expect(await outcomes.locator(`tr[data-redemption="${own.id}"]`).textContent()).toContain(
      'Refused: This approver may not decide on this redemption',
    );
    await page.getByRole('status').filter({ hasText: '2 of 3 decided' }).waitFor();
    // The refusal stays on the row of the redemption still waiting, with the API's detail.
    const ownRow = page.getByRole('row').filter({ has: select(own.id) });
    await ownRow
      .getByRole('alert')
      .filter({ hasText: 'cannot approve or reject their own request' })
      .waitFor();
    expect((await apiGet(`/v1/redemptions/${own.id}`)).status).toBe('pending_approval');
    // … and that row offers this user no decision any more.
    await ownRow.getByText('You may not decide it; another approver decides.').waitFor();
    expect(await select(own.id).isDisabled()).toBe(true);
    expect(await ownRow.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    for (const id of [first, second]) {
      const r = await apiGet(`/v1/redemptions/${id}`);
      expect(r.status, id).not.toBe('pending_approval');
      expect(r.approvals.decisions).toEqual([
        expect.objectContaining({ decision: 'approve', note: 'Quarterly kit budget' }),
      ]);
    }
    const still = (await apiGet('/v1/redemptions?status=pending_approval&limit=100')).data as {
      id: string;
    }[];
    expect(still.map((r) => r.id).sort()).toEqual(
      waiting
        .map((r) => r.id)
        .filter((id) => id !== first && id !== second)
        .concat(own.id)
        .sort(),
    );
    // The approved ones leave the list; the others wait there.
    await expect.poll(() => select(first).count()).toBe(0);
    expect(await select(still[0]!.id).count()).toBe(1);
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'approvals-bulk');
    // The demo as it was for the tests after this one: the owner's own request cancelled.
    await apiPost(`/v1/redemptions/${own.id}/cancel`, { reason: 'A test request' });
    await page.context().close();
  });

  it('works on a tablet: every main screen fits its width and the navigation is reachable', async () => {
    const page = await newPage({ width: 820, height: 1180 });
    await signIn(page, '/dashboard');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const names = await nav.getByRole('link').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['Dashboard', 'Partners', 'Notifications', 'Settings']));
    const overflow = () =>
      page.evaluate(() => {
        const { documentElement: root } = (
          globalThis as unknown as {
            document: { documentElement: { scrollWidth: number; clientWidth: number } };
          }
        ).document;
        return root.scrollWidth - root.clientWidth;
      });
    for (const name of names) {
      const link = nav.getByRole('link', { name, exact: true });
      // Reachable: on the screen, inside its width, and followed.
      const box = (await link.boundingBox())!;
      expect(box.x + box.width, name).toBeLessThanOrEqual(820);
      await link.click();
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(await overflow(), `${name} is wider than the tablet`).toBeLessThanOrEqual(0);
    }
    for (const section of ['Program', 'Users', 'Webhooks', 'Jobs']) {
      await page
        .getByRole('navigation', { name: 'Settings sections' })
        .getByRole('link', { name: section })
        .click();
      await page.getByRole('heading', { name: section, level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await overflow(), `Settings › ${section} is wider than the tablet`).toBeLessThanOrEqual(0);
    }
    await page.goto(`${server.url}/console/accounts/CRM-0001`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(await overflow(), 'the account page is wider than the tablet').toBeLessThanOrEqual(0);
    // Its tables fit, or scroll in a box axe accepts (no scrollable region without focusable content).
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'tablet-account');
    await page.context().close();
  });

  it('shows a viewer no write on the new screens, and the API refuses one', async () => {
    await server.stop();
    const viewer = { email: 'screens-viewer@demo.fidelis.local', password: 'viewer-pass-456' };
    const made = fidelis(running.cwd, running.databaseUrl, [
      'users',
      'create',
      '--email',
      viewer.email,
      '--role',
      'viewer',
      '--password',
      viewer.password,
    ]);
    expect(made.status, made.output).toBe(0);
    running.server = await startServer(running.cwd, running.port, running.databaseUrl);
    server = running.server;
    const page = await newPage();
    await signIn(page, '/tiers', viewer);
    await page.getByText('may look at the ladders but not change them').waitFor();
    expect(await page.getByRole('button', { name: /^(Save the ladder|Add a tier|Remove)/ }).count()).toBe(0);
    await page.goto(`${server.url}/console/engagement`);
    await page.getByText('may look at challenges, badges and leaderboards but not define them').waitFor();
    expect(await page.getByRole('button', { name: /^(New challenge|New badge|Edit|Award)/ }).count()).toBe(0);
    await page.goto(`${server.url}/console/insight`);
    await page.getByRole('heading', { name: 'Cohort retention' }).waitFor();
    expect(await page.getByRole('button', { name: /^(New survey|Close the survey)/ }).count()).toBe(0);
    await page.goto(`${server.url}/console/settings/users`);
    await page.getByText('may not manage console users').waitFor();
    expect(await page.getByRole('button', { name: 'Create the user' }).count()).toBe(0);
    await page.goto(`${server.url}/console/partners`);
    await page.getByText('may look at referrals and claims but not decide them').waitFor();
    expect(await page.getByRole('button', { name: /^(Approve|Reject)/ }).count()).toBe(0);
    const [contact] = (await apiGet('/v1/contacts?limit=1')).data;
    await page.goto(`${server.url}/console/contacts/${contact.id}`);
    await page.getByText('may look at contacts but not change them').waitFor();
    await page.getByTestId('contact-email').waitFor();
    expect(
      await page
        .getByRole('button', { name: /^(Edit the contact|Make a portal|Opt out|Send e-mail)/ })
        .count(),
    ).toBe(0);
    await page.goto(`${server.url}/console/rewards`);
    await page.getByRole('button', { name: 'Code pool of Service voucher' }).click();
    await page.getByTestId('codes-available').waitFor();
    expect(await page.getByRole('button', { name: 'Upload the codes' }).count()).toBe(0);
    await page.goto(`${server.url}/console/settings/webhooks`);
    await page.getByText('may not manage webhooks').waitFor();
    expect(await page.getByRole('button', { name: 'Add the endpoint' }).count()).toBe(0);
    // The jobs are a read: the viewer sees them.
    await page.goto(`${server.url}/console/settings/jobs`);
    await page.getByRole('table', { name: 'Background jobs, newest first' }).waitFor();
    // The API refuses the viewer's write as it would a read key's.
    const answer = await page.evaluate(async () => {
      const session = (await (await fetch('/console/session')).json()) as { csrfToken: string };
      const res = await fetch('/v1/badges', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ code: 'viewer-badge', name: 'Not allowed' }),
      });
      return { status: res.status, code: ((await res.json()) as { code: string }).code };
    });
    expect(answer).toEqual({ status: 403, code: 'insufficient_scope' });
    await page.context().close();
  }, 240_000); // a server restart on a loaded machine takes a minute or more
});
