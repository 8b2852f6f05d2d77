// Contact challenges on the console's Engagement screen (decision 0061) in a real browser (Debian's
// chromium driven by playwright-core) against a real `fidelis start` on a fresh embedded store: a
// contact challenge made through the form (its audience first refused at its field: contacts have no
// attributes), listed as a contact challenge and kept as one when edited; an account challenge whose
// audience tests the contact refused at its field too; a contact's own progress read by picking the
// account then the contact, with the API's sentence saying which events are left out; the
// completions naming the contact who completed. Every figure is checked against the API; axe-core
// checks the screen.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleHelpers,
  launchBrowser,
  type RunningConsole,
  startConsole,
  stopConsole,
} from './console-harness.ts';

/** How long a poll waits for the screen after a write (the machine may be loaded). */
const PATIENT = { timeout: 15_000 };
let running: RunningConsole;
let browser: Browser;
const { apiGet, apiPost, newPage, signIn, accessibility, shot } = consoleHelpers(() => ({
  browser,
  running,
}));

beforeAll(async () => {
  browser = await launchBrowser();
  running = await startConsole('pglite', 'contactchallenges');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stopConsole(running);
});

/** The field's errors under it (the element its aria-describedby names). */
async function errorsOf(page: Page, label: string) {
  const field = page.getByLabel(label, { exact: true });
  await expect.poll(() => field.getAttribute('aria-invalid'), PATIENT).toBe('true');
  return page.locator(`#${await field.getAttribute('aria-describedby')}`).textContent();
}

describe('contact challenges on the engagement screen', () => {
  it('creates a contact challenge through the form, lists it as one, reads a contact’s progress and its completions', async () => {
    // An account with two contacts; the challenge is made through the console below.
    await apiPost('/v1/accounts', { externalId: 'CC-1', name: 'Contact Trainings Ltd' });
    const inge = await apiPost('/v1/accounts/CC-1/contacts', {
      email: 'inge@cc.example',
      name: 'Inge Training',
      role: 'buyer',
    });
    const piet = await apiPost('/v1/accounts/CC-1/contacts', {
      email: 'piet@cc.example',
      name: 'Piet Learner',
      role: 'viewer',
    });

    const page = await newPage();
    await signIn(page, '/engagement');
    await page.getByRole('heading', { name: 'Engagement', level: 1 }).waitFor();
    const challenges = page.getByRole('table', { name: 'Challenges' });
    // The demo's team challenge is marked as the account's.
    await challenges.getByRole('row').filter({ hasText: 'three-trainings' }).waitFor();
    expect(await page.getByTestId('participant-three-trainings').textContent()).toBe('Account (team)');

    // A contact challenge whose audience tests the contact's attributes: refused at the audience.
    const code = 'own-trainings';
    await page.getByRole('button', { name: 'New challenge' }).click();
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByLabel('Name', { exact: true }).fill('Two trainings of your own');
    await page.getByLabel('Who takes part').selectOption('contact');
    await page.getByLabel('Goal 1 event types (comma-separated)').fill('training.completed');
    await page.getByLabel('Goal 1 target').fill('2');
    await page.getByLabel('Reward points').fill('40');
    const audience = /^Audience \(a CEL condition on the account and contact\.role/;
    await page.getByLabel(audience).fill('contact.attributes.level == "gold"');
    await page.getByRole('button', { name: 'Create the challenge' }).click();
    const audienceField = page.getByLabel(audience);
    await expect.poll(() => audienceField.getAttribute('aria-invalid'), PATIENT).toBe('true');
    expect(
      await page.locator(`#${await audienceField.getAttribute('aria-describedby')}`).textContent(),
    ).toMatch(/attributes/);
    await page.getByRole('alert').getByText('code: challenge_invalid').waitFor();
    expect(await accessibility(page)).toEqual([]);
    const none = await fetch(`${running.server.url}/v1/challenges/${code}`, {
      headers: { authorization: `Bearer ${running.demoKey}` },
    });
    expect(none.status).toBe(404);

    // The same with an audience over the contact's role: created, listed as a contact challenge.
    await audienceField.fill('contact.role != "approver"');
    await page.getByRole('button', { name: 'Create the challenge' }).click();
    await challenges.getByRole('row').filter({ hasText: code }).waitFor(PATIENT);
    expect(await page.getByTestId(`participant-${code}`).textContent()).toBe('Contact (each person)');
    expect(await apiGet(`/v1/challenges/${code}`)).toMatchObject({
      participant: 'contact',
      audience: { condition: 'contact.role != "approver"' },
      goals: [{ metric: 'count', eventTypes: ['training.completed'], target: '2' }],
      reward: { points: 40 },
    });

    // Edited (its name), it stays a contact challenge.
    await page.getByRole('button', { name: 'Edit Two trainings of your own' }).click();
    expect(await page.getByLabel('Who takes part').inputValue()).toBe('contact');
    await page.getByLabel('Name', { exact: true }).fill('Two trainings yourself');
    await page.getByRole('button', { name: 'Save the challenge' }).click();
    await challenges.getByRole('row').filter({ hasText: 'Two trainings yourself' }).waitFor(PATIENT);
    expect(await apiGet(`/v1/challenges/${code}`)).toMatchObject({
      name: 'Two trainings yourself',
      participant: 'contact',
      version: 2,
    });

    // An account challenge cannot test the contact: refused at the audience, nothing written.
    await page.getByRole('button', { name: 'New challenge' }).click();
    await page.getByLabel('Code', { exact: true }).fill('team-buyers');
    await page.getByLabel('Name', { exact: true }).fill('Team of buyers');
    await page.getByLabel('Goal 1 event types (comma-separated)').fill('training.completed');
    await page.getByLabel('Goal 1 target').fill('3');
    await page.getByLabel('Reward points').fill('10');
    await page
      .getByLabel('Audience (a CEL condition on the account; empty: everyone)')
      .fill('contact.role == "buyer"');
    await page.getByRole('button', { name: 'Create the challenge' }).click();
    expect(await errorsOf(page, 'Audience (a CEL condition on the account; empty: everyone)')).toMatch(
      /contact/,
    );
    expect(await accessibility(page)).toEqual([]);
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Events: Inge trains twice (completes), Piet once, and one training names no contact.
    const at = new Date().toISOString();
    const training = (id: string, contact?: string) =>
      apiPost('/v1/events', {
        id,
        type: 'training.completed',
        account: 'CC-1',
        ...(contact && { contact }),
        occurredAt: at,
      });
    await training('CC-T-1', inge.id);
    await training('CC-T-2', inge.id);
    await training('CC-T-3', piet.id);
    await training('CC-T-4');
    await expect
      .poll(async () => (await apiGet(`/v1/challenges/${code}/completions`)).data.length, PATIENT)
      .toBe(1);
    const [completion] = (await apiGet(`/v1/challenges/${code}/completions`)).data;
    expect(completion).toMatchObject({ contactId: inge.id, points: 40 });

    // Piet's own progress: picked by the account, then the contact; the API's figures and sentence.
    const progress = await apiGet(`/v1/challenges/${code}/progress?contact=${piet.id}`);
    expect(progress).toMatchObject({ participant: 'contact', contactId: piet.id, stepsDone: 0 });
    expect(progress.counts).toContain('events without a contact are left out (1 of 4 events');
    await page.getByRole('button', { name: 'Progress on Two trainings yourself' }).click();
    await page.getByText('A contact challenge: each contact progresses').waitFor();
    await page.getByLabel('Member account (id or CRM id)').fill('CC-1');
    await page.getByRole('button', { name: 'Show its contacts' }).click();
    await page.getByLabel('Contact', { exact: true }).selectOption(piet.id);
    await page.getByRole('button', { name: 'Show progress' }).click();
    await expect
      .poll(() => page.getByTestId('progress-status').textContent(), PATIENT)
      .toContain(`${progress.stepsDone} of ${progress.steps} goals done`);
    expect(await page.getByTestId('progress-counts').textContent()).toBe(`Counts ${progress.counts}.`);
    const goals = page.getByRole('table', { name: 'Goals of Two trainings yourself for Piet Learner' });
    await goals.waitFor(PATIENT);
    expect(await goals.getByRole('row').nth(1).getByRole('cell').nth(1).textContent()).toBe(
      progress.goals[0].value,
    );

    // Inge's: completed.
    await page.getByLabel('Contact', { exact: true }).selectOption(inge.id);
    await page.getByRole('button', { name: 'Show progress' }).click();
    await expect
      .poll(() => page.getByTestId('progress-status').textContent(), PATIENT)
      .toMatch(/^completed: 1 of 1 goals done/);

    // The completions name Inge (and her account).
    const completions = page.getByRole('table', { name: 'Completions' });
    await expect.poll(() => completions.getByRole('row').count(), PATIENT).toBe(2);
    const row = completions.getByRole('row').nth(1);
    await expect.poll(() => row.textContent(), PATIENT).toContain('Inge Training');
    expect(await row.textContent()).toContain('Contact Trainings Ltd (CC-1)');
    expect(await accessibility(page)).toEqual([]);
    await shot(page, 'engagement-contact-challenge');

    // An account challenge's panel stays as it was: the account's progress, every event counting.
    await page.getByRole('button', { name: 'Progress on Three trainings this quarter' }).click();
    await page.getByText('A team challenge: the account progresses').waitFor();
    await page.getByLabel('Member account (id or CRM id)').fill('CC-1');
    await page.getByRole('button', { name: 'Show progress' }).click();
    await expect
      .poll(() => page.getByTestId('progress-counts').textContent(), PATIENT)
      .toBe('Counts every event of the account, whichever contact (or none) it names.');
    await page.context().close();
  }, 180_000);
});
