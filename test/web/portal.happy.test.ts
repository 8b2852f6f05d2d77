// The member portal in a real browser (Debian's chromium driven by playwright-core) against a real
// `fidelis start` on a fresh embedded store, at 360×640: the operator's site mints a link, the
// member opens it, sees balance and history with explanations, redeems a reward that needs
// approval and sees it waiting; an approver approves through the API and the member sees it
// approved with its code. Then every page in every language: Persian right to left and mirrored
// (element positions), Thai numbers and dates as the th locale formats them, axe-core without a
// serious or critical violation. The member's referrals, statements and survey; signing in by a link
// sent by e-mail (an SMTP server in the test process). Screenshots go to test-artifacts/portal/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsoleIfStale } from '../../src/cli/web-build.ts';
import { DEMO_APPROVER, DEMO_MEMBER } from '../../src/modules/demo/demo-service.ts';
import { type Mailbox, startMailbox } from '../notifications/smtp.ts';
import { freePort, ROOT, type RunningServer, startServer } from '../support/server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts/portal');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LANGUAGES = ['en', 'id', 'pl', 'fa', 'th'] as const;
const TABS = {
  en: [
    'Home',
    'History',
    'Rewards',
    'My rewards',
    'Perks',
    'Challenges',
    'Referrals',
    'Statements',
    'Surveys',
    'Company',
  ],
  id: [
    'Beranda',
    'Riwayat',
    'Hadiah',
    'Hadiah saya',
    'Keuntungan',
    'Tantangan',
    'Referensi',
    'Laporan',
    'Survei',
    'Perusahaan',
  ],
  pl: [
    'Start',
    'Historia',
    'Nagrody',
    'Moje nagrody',
    'Korzyści',
    'Wyzwania',
    'Polecenia',
    'Zestawienia',
    'Ankiety',
    'Firma',
  ],
  fa: [
    'خانه',
    'تاریخچه',
    'جوایز',
    'جوایز من',
    'مزایا',
    'چالش‌ها',
    'معرفی‌ها',
    'صورت‌حساب‌ها',
    'نظرسنجی‌ها',
    'شرکت',
  ],
  th: [
    'หน้าแรก',
    'ประวัติ',
    'ของรางวัล',
    'รางวัลของฉัน',
    'สิทธิประโยชน์',
    'ภารกิจ',
    'การแนะนำ',
    'รายงาน',
    'แบบสำรวจ',
    'บริษัท',
  ],
} as const;

let cwd: string;
let server: RunningServer;
/** The mail server the portal's server sends to (sign-in links by e-mail). */
let mailbox: Mailbox;
let browser: Browser;
let demoKey: string;
let page: Page;
/** The demo member's company approver, in a browser of their own. */
let approver: Page;

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read loosely by the test
async function call(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${demoKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return res.json();
}

/** axe-core on the page as it is: its serious and critical violations. */
async function accessibility(): Promise<string[]> {
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

const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;

/**
 * What overflows the viewport or is cut at this width: the page scrolling sideways, a section tab, the
 * portal's name or a heading whose text is wider than its box (clipped or ellipsed). Empty when all fits.
 */
async function overflowing(on: Page = page): Promise<string[]> {
  return on.evaluate(() => {
    // The page's DOM, typed as much as this needs (the tests compile without the DOM library).
    interface Box {
      textContent: string | null;
      scrollWidth: number;
      clientWidth: number;
      getBoundingClientRect(): { left: number; right: number };
    }
    const g = globalThis as unknown as {
      innerWidth: number;
      document: { scrollingElement: Box; querySelectorAll(selector: string): Iterable<Box> };
    };
    const out: string[] = [];
    const root = g.document.scrollingElement;
    if (root.scrollWidth > g.innerWidth) out.push(`page ${root.scrollWidth} > ${g.innerWidth}`);
    for (const el of g.document.querySelectorAll('.tabs a, .brand-name, h1, h2, button')) {
      if (el.scrollWidth > el.clientWidth)
        out.push(`${el.textContent} ${el.scrollWidth} > ${el.clientWidth}`);
      const r = el.getBoundingClientRect();
      if (r.right > g.innerWidth + 0.5 || r.left < -0.5) out.push(`${el.textContent} outside the viewport`);
    }
    return out;
  });
}

/** Opens a new portal link for `contact` in a browser context of its own, at 360×640. */
async function openAs(contact: string): Promise<Page> {
  const link = await call('POST', '/v1/portal/sessions', { contact });
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, bypassCSP: true });
  const opened = await context.newPage();
  await opened.goto(`${server.url}${link.path}`);
  await opened.locator('main h1').first().waitFor();
  return opened;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`No chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
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
  cwd = mkdtempSync(join(tmpdir(), 'fidelis-portal-'));
  mailbox = await startMailbox();
  const port = await freePort();
  server = await startServer(cwd, port, undefined, {
    SMTP_URL: mailbox.url,
    FIDELIS_PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
  demoKey = /Demo API key\s+(\S+)/.exec(server.banner)![1]!;
  // bypassCSP: the page's Content-Security-Policy refuses inline scripts, axe-core's injection among them.
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 },
    locale: 'en-GB',
    bypassCSP: true,
  });
  page = await context.newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

it('loads at most 150 KB of JavaScript (gzipped) before the first screen', () => {
  const dist = join(ROOT, 'web/dist-portal');
  const html = readFileSync(join(dist, 'portal.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/portal\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  expect(initial.length).toBeGreaterThan(0);
  const bytes = initial.reduce((sum, file) => sum + gzipSync(readFileSync(join(dist, file))).length, 0);
  console.log(`portal initial JavaScript: ${(bytes / 1024).toFixed(1)} KB gzipped`);
  expect(bytes).toBeLessThan(150 * 1024);
});

describe('the member portal', () => {
  it('prints a portal link for the demo member at start', () => {
    expect(server.banner).toMatch(
      /Member portal\s+http:\/\/localhost:\d+\/portal\/northwind\/enter#token=[\w-]+/,
    );
  });

  it('opens a minted link: balance and history with explanations; the link then is used up', async () => {
    const link = await call('POST', '/v1/portal/sessions', { contact: DEMO_MEMBER });
    const url = `${server.url}${link.path}`;
    await page.goto(url);
    await page.getByRole('heading', { name: 'Your points' }).waitFor();
    // The token left the address at once.
    expect(page.url()).toBe(`${server.url}/portal/northwind/`);
    const [wallet] = (await call('GET', `/v1/accounts/${link.accountId}/wallets`)).data.filter(
      (w: { unit: string }) => w.unit === 'points',
    );
    const expected = `${new Intl.NumberFormat('en').format(wallet.available)} points`;
    expect(await page.getByTestId('balance').textContent()).toBe(expected);
    expect(await page.getByTestId('worth').textContent()).toMatch(/^Worth €[\d,]+\.\d\d$/);
    expect(await page.locator('header').textContent()).toContain('Northwind Partner Rewards');
    // The whole name, not "Northwind P…", and nothing wider than the phone.
    expect(await overflowing()).toEqual([]);
    // The demo group reached its tier as its year of orders came in (the ladder came first): the
    // portal names it and what the next one needs, as the API has them.
    const [standing] = (await call('GET', `/v1/accounts/${link.accountId}/tiers`)).data;
    expect(standing.tierName).toBe('Silver');
    const tier = page.getByTestId('tier');
    await expect.poll(() => tier.textContent()).toContain('You are Silver');
    expect(await tier.textContent()).toContain(
      `${new Intl.NumberFormat('en').format(Number(standing.next.needed))} more to reach Gold`,
    );
    expect(await tier.textContent()).not.toMatch(/No status yet|You qualify for/);
    // A buyer is not offered the company view.
    expect(await page.getByRole('link', { name: 'Company' }).count()).toBe(0);

    await page.getByRole('link', { name: 'History' }).click();
    const history = (await call('GET', `/v1/accounts/${link.accountId}/wallets/points/history?limit=5`)).data;
    await page.getByTestId('history').waitFor();
    for (const line of history.slice(0, 3))
      await page.getByText(line.explanation, { exact: true }).first().waitFor();
    await page.getByLabel('Show').selectOption('redeem');
    await expect.poll(() => page.locator('.line').count()).toBeLessThan(history.length + 1);

    // A second browser opening the same link is refused.
    const other = await browser.newContext({ viewport: { width: 360, height: 640 }, bypassCSP: true });
    const second = await other.newPage();
    await second.goto(url);
    await second.getByText('This link has been used already or has expired.').waitFor();
    await other.close();
  });

  it('redeems a reward that needs approval, waits, and shows the code once an approver approves', async () => {
    await page.getByRole('link', { name: 'Rewards', exact: true }).click();
    // Why a reward is out of reach, in the member's words.
    const trip = page.locator('li.reward', {
      has: page.getByRole('heading', { name: 'Trade fair trip for two' }),
    });
    await expect
      .poll(() => trip.locator('.why').textContent())
      .toMatch(/^Needs Gold or Platinum · [\d,]+ points short$/);
    const voucher = page.locator('li.reward', {
      has: page.getByRole('heading', { name: 'Service voucher' }),
    });
    // Its face value in the member's currency (decision 0057): stated in euros and in pounds.
    await expect.poll(() => voucher.locator('.worth').textContent()).toMatch(/^Worth (€25\.00|£22\.00)$/);
    await voucher.getByRole('button', { name: 'Redeem' }).click();
    await expect
      .poll(() => page.getByTestId('redeem-status').textContent())
      .toBe('Service voucher: requested, waiting for approval');
    await page.getByRole('link', { name: 'My rewards' }).click();
    const mine = page.getByTestId('redemptions').locator('li').first();
    await expect.poll(() => mine.textContent()).toContain('Waiting for approval');

    const contact = (await call('GET', `/v1/contacts?email=${encodeURIComponent(DEMO_MEMBER)}`)).data[0];
    const waiting = (await call('GET', `/v1/redemptions?contactId=${contact.id}&status=pending_approval`))
      .data;
    expect(waiting).toHaveLength(1);
    // The company's approver approves it in their own portal: the company view lists it for them.
    approver = await openAs(DEMO_APPROVER);
    await approver.getByRole('link', { name: 'Company' }).click();
    const request = approver.getByTestId('approvals').locator('li', { hasText: 'Service voucher' });
    await expect.poll(() => request.textContent()).toContain('Requested by Dana Demo');
    expect(await approver.getByTestId('wallets').textContent()).toMatch(/[\d,]+ points/);
    await request.getByRole('button', { name: 'Approve' }).click();
    await expect
      .poll(() => approver.getByTestId('decision-status').textContent())
      .toBe('Service voucher: approved');
    const decided = (await call('GET', `/v1/redemptions/${waiting[0].id}`)).approvals.decisions;
    expect(decided).toEqual([
      expect.objectContaining({ approver: expect.stringMatching(/^con_/), decision: 'approve' }),
    ]);
    // The page refreshes a waiting redemption by itself.
    await expect.poll(() => mine.textContent(), { timeout: 15_000 }).toContain('Approved and delivered');
    expect(await mine.locator('code').textContent()).toMatch(/^NW-SV-\d{4}$/);
  });

  it('Persian is right to left and mirrored', async () => {
    await page.getByRole('link', { name: 'Home' }).click();
    await page.getByRole('heading', { name: 'Your points' }).waitFor();
    const ltr = { brand: await box('.brand'), language: await box('.language'), first: await box('.tabs a') };
    expect(ltr.brand.x).toBeLessThan(ltr.language.x);
    await page.getByLabel('Language').selectOption('fa');
    await page.getByRole('heading', { name: 'امتیازهای شما' }).waitFor();
    const html = page.locator('html');
    expect([await html.getAttribute('dir'), await html.getAttribute('lang')]).toEqual(['rtl', 'fa']);
    const rtl = { brand: await box('.brand'), language: await box('.language'), first: await box('.tabs a') };
    // The brand moves to the right edge, the language to the left, the first tab to the right.
    expect(rtl.brand.x).toBeGreaterThan(rtl.language.x);
    expect(rtl.brand.x + rtl.brand.width).toBeGreaterThan(340);
    expect(rtl.language.x).toBeLessThan(20);
    expect(rtl.first.x).toBeGreaterThan(ltr.first.x);
    // Persian digits, as the fa locale writes numbers.
    expect(await page.getByTestId('balance').textContent()).toMatch(/^[۰-۹٬]+ امتیاز$/);
  });

  it('Thai shows numbers and dates as the th locale formats them', async () => {
    await page.getByLabel('زبان').selectOption('th');
    await page.getByRole('heading', { name: 'คะแนนของคุณ' }).waitFor();
    const balance = await page.getByTestId('balance').textContent();
    const digits = Number(balance!.replace(/[^\d]/g, ''));
    expect(balance).toBe(`${new Intl.NumberFormat('th').format(digits)} คะแนน`);
    await page.getByRole('link', { name: 'ประวัติ' }).click();
    const time = page.getByTestId('history').locator('time').first();
    await time.waitFor();
    const at = (await time.getAttribute('datetime'))!;
    const shown = await time.textContent();
    expect(shown).toBe(new Intl.DateTimeFormat('th', { dateStyle: 'medium' }).format(new Date(at)));
    // The Buddhist era: the year is 543 more than the Gregorian one.
    expect(shown).toContain(String(new Date(at).getFullYear() + 543));
  });

  it('Polish words the reasons and plurals itself', async () => {
    await page.locator('.language select').selectOption('pl');
    await page.getByRole('link', { name: 'Nagrody', exact: true }).click();
    const trip = page.locator('li.reward', {
      has: page.getByRole('heading', { name: 'Wyjazd na targi dla dwojga' }),
    });
    await expect
      .poll(() => trip.locator('.why').textContent())
      .toMatch(/^Wymaga statusu Gold or Platinum · brakuje [\d\s\u00a0]+ punktów$/);
  });

  it.each(LANGUAGES)(
    'every page in %s passes axe-core, and its home is kept as a screenshot',
    async (language) => {
      await page.locator('.language select').selectOption(language);
      const [home, history, rewards, mine, perks, challenges, referrals, statements, surveys] =
        TABS[language];
      for (const tab of [history, rewards, mine, perks, challenges, referrals, statements, surveys, home]) {
        await page.getByRole('link', { name: tab, exact: true }).click();
        await page.locator('main h1').first().waitFor();
        await page
          .getByRole('status')
          .filter({ hasText: /…/ })
          .waitFor({ state: 'detached' })
          .catch(() => {});
        expect(await accessibility(), `${language} ${tab}`).toEqual([]);
        expect(await overflowing(), `${language} ${tab} at 360 px`).toEqual([]);
      }
      await page.getByTestId('balance').waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `home-${language}.png`), fullPage: true });
    },
  );

  it('shows the memberships and perks, and the challenges with progress', async () => {
    // A contact challenge (decision 0061): the member's own progress beside the account's, marked.
    const me = (await call('GET', `/v1/contacts?email=${encodeURIComponent(DEMO_MEMBER)}`)).data[0];
    await call('POST', '/v1/challenges', {
      code: 'my-trainings',
      name: 'Two trainings of your own',
      participant: 'contact',
      startsAt: '2020-01-01T00:00:00Z',
      goals: [
        { metric: 'count', eventTypes: ['training.completed'], target: '2', label: 'Two trainings yourself' },
      ],
      window: { kind: 'calendar', period: 'quarter' },
      reward: { points: 40 },
    });
    await call('POST', '/v1/events', {
      id: 'PORTAL-MINE-1',
      type: 'training.completed',
      account: me.accountId,
      contact: me.id,
      occurredAt: new Date().toISOString(),
    });
    // The portal keeps an answer 5 s (staleTime): the challenges page read earlier is fetched again after.
    await page.waitForTimeout(5_100);
    await page.locator('.language select').selectOption('en');
    await page.getByRole('link', { name: 'Perks', exact: true }).click();
    const membership = page.getByTestId('memberships').locator('li').first();
    await expect.poll(() => membership.textContent()).toContain('Installer Pro');
    expect(await membership.textContent()).toMatch(/Renews on \w{3} \d{1,2}, \d{4}/);
    expect(await membership.getByTestId('perks').textContent()).toMatch(/Discount code PRO-\w+: 10% off/);
    await page.getByRole('link', { name: 'Challenges', exact: true }).click();
    // The demo has several challenges (a streak among them): the quarterly trainings one is read here.
    const challenges = page.getByTestId('challenges');
    await challenges.locator('li').first().waitFor();
    const challenge = challenges.locator('li').filter({ hasText: 'Three trainings this quarter' }).first();
    await expect.poll(() => challenge.textContent()).toContain('Three trainings this quarter');
    expect(await challenge.textContent()).toMatch(/Complete three trainings: \d of 3/);
    expect(await challenge.locator('progress').count()).toBe(1);
    const mine = challenges.locator('li').filter({ hasText: 'Two trainings of your own' }).first();
    await expect.poll(() => mine.textContent()).toContain('Your own challenge: only your activity counts');
    expect(await mine.textContent()).toMatch(/Two trainings yourself: 1 of 2/);
    expect(await challenge.textContent()).not.toContain('Your own challenge');
  });

  it.each(LANGUAGES)('the company view in %s passes axe-core and fits 360 px', async (language) => {
    await approver.locator('.language select').selectOption(language);
    await approver.getByRole('link', { name: TABS[language][9], exact: true }).click();
    await approver.getByTestId('earners').waitFor();
    await approver.addScriptTag({ content: AXE });
    const violations = await approver.evaluate(async () => {
      const result = await (
        globalThis as unknown as {
          axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
        }
      ).axe.run();
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.nodes.length})`);
    });
    expect(violations).toEqual([]);
    expect(await overflowing(approver)).toEqual([]);
    if (language === 'fa') expect(await approver.locator('html').getAttribute('dir')).toBe('rtl');
    await approver.screenshot({ path: join(ARTIFACTS, `company-${language}.png`), fullPage: true });
  });

  it("shows the member's referral code and referrals, statements to download, and takes the survey once", async () => {
    await page.locator('.language select').selectOption('en');
    await page.getByRole('link', { name: 'Referrals', exact: true }).click();
    await expect.poll(() => page.getByTestId('codes').textContent()).toContain('NORTHWIND-DANA');
    expect(await page.getByTestId('referral-link').getAttribute('href')).toBe(
      'https://northwind.example/partners/join?ref=NORTHWIND-DANA',
    );
    const fjord = page.getByTestId('referrals').locator('li', { hasText: 'Fjord Heating' });
    await expect.poll(() => fjord.textContent()).toContain('Converted');
    expect(await fjord.getByTestId('earned').textContent()).toBe('You earned 2,500 points');
    expect(
      await page.getByTestId('referrals').locator('li', { hasText: 'Lindqvist Plumbing' }).textContent(),
    ).toContain('Waiting for a first order');

    await page.getByRole('link', { name: 'Statements', exact: true }).click();
    const first = page.getByTestId('statements').locator('li').first();
    await first.waitFor();
    const link = first.getByRole('link', { name: /^Download the statement of / });
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/^\/portal\/api\/statements\/\d{4}-\d\d\?locale=en$/);
    // The download goes with the session's cookie: the statement document of the member's account.
    const downloaded = await page.evaluate(async (url) => {
      const r = await fetch(url);
      return { status: r.status, disposition: r.headers.get('content-disposition'), body: await r.text() };
    }, href);
    expect(downloaded.status).toBe(200);
    expect(downloaded.disposition).toMatch(/^attachment; filename="statement-\d{4}-\d\d\.html"$/);
    expect(downloaded.body).toContain('Closing balance');

    await page.getByRole('link', { name: 'Surveys', exact: true }).click();
    const survey = page.getByTestId('surveys').locator('li').first();
    await survey.getByText('How likely are you to recommend Northwind Supply to a colleague?').waitFor();
    await survey.getByRole('button', { name: 'Send my answer' }).click();
    await expect
      .poll(() => survey.getByTestId('survey-status').textContent())
      .toBe('Please choose a score from 0 to 10.');
    await survey.getByRole('radio', { name: '9' }).check();
    await survey.getByLabel('Anything you would like to add? (optional)').fill('Fast deliveries');
    // The survey's own questions: satisfaction is required, the ordering channel optional.
    const nps = (await call('GET', '/v1/surveys')).data.find(
      (x: { name: string }) => x.name === 'Partner NPS 2026',
    );
    const results = () => call('GET', `/v1/surveys/${nps.id}/results`);
    const before = await results();
    await survey.getByRole('button', { name: 'Send my answer' }).click();
    await expect
      .poll(() => survey.getByTestId('survey-status').textContent())
      .toBe('Please answer every question that is not optional.');
    await survey
      .getByRole('group', { name: 'How satisfied are you with our deliveries?' })
      .getByRole('radio', { name: '5' })
      .check();
    await survey
      .getByRole('group', { name: 'How do you usually order? (optional)' })
      .getByRole('radio', { name: 'EDI' })
      .check();
    await page.screenshot({ path: join(ARTIFACTS, 'survey-questions.png'), fullPage: true });
    await survey.getByRole('button', { name: 'Send my answer' }).click();
    await expect
      .poll(() => survey.getByTestId('survey-status').textContent())
      .toBe('Thank you for your answer.');
    // The API's results counted this answer's responses.
    const after = await results();
    const question = (r: typeof before, key: string) =>
      r.questions.find((q: { key: string }) => q.key === key);
    expect(question(after, 'delivery').answers).toBe(question(before, 'delivery').answers + 1);
    expect(question(after, 'delivery').satisfied).toBe(question(before, 'delivery').satisfied + 1);
    const edi = (r: typeof before) =>
      question(r, 'channel').distribution.find((d: { value: string }) => d.value === 'edi').count;
    expect(edi(after)).toBe(edi(before) + 1);
    await page.reload();
    await page.getByTestId('surveys').locator('li').first().waitFor();
    expect(await page.getByTestId('surveys').locator('li').first().textContent()).toContain(
      'You have answered this survey. Thank you.',
    );
    expect(await page.getByTestId('surveys').getByRole('button').count()).toBe(0);
  });

  it('signs in by a link sent by e-mail, which opens once', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, bypassCSP: true });
    const signedOut = await context.newPage();
    await signedOut.goto(`${server.url}/portal/northwind/`);
    await signedOut.getByRole('heading', { name: 'Sign in by e-mail' }).waitFor();
    await signedOut.addScriptTag({ content: AXE });
    const violations = await signedOut.evaluate(async () => {
      const result = await (
        globalThis as unknown as {
          axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
        }
      ).axe.run();
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.nodes.length})`);
    });
    expect(violations).toEqual([]);
    expect(await overflowing(signedOut)).toEqual([]);
    const signInMails = () =>
      mailbox.to(DEMO_MEMBER).filter((m) => m.subject?.startsWith('Your sign-in link'));
    const before = signInMails().length;
    await signedOut.getByLabel('Your e-mail address').fill(DEMO_MEMBER);
    await signedOut.getByRole('button', { name: 'Send me a sign-in link' }).click();
    await expect
      .poll(() => signedOut.getByTestId('sign-in-status').textContent())
      .toMatch(/^If this address belongs to a member, a sign-in link is on its way\./);
    await mailbox.waitFor(() => signInMails().length === before + 1);
    const url = /(http:\/\/\S+\/enter#token=[\w-]+)/.exec(signInMails().at(-1)!.text ?? '')![1]!;
    expect(url.startsWith(`${server.url}/portal/northwind/enter#token=`)).toBe(true);
    await signedOut.goto(url);
    await signedOut.getByRole('heading', { name: 'Your points' }).waitFor();
    expect(signedOut.url()).toBe(`${server.url}/portal/northwind/`);
    await signedOut.screenshot({ path: join(ARTIFACTS, 'signed-in-by-mail.png'), fullPage: true });
    // The mailed link is used up.
    const other = await browser.newContext({ viewport: { width: 360, height: 640 }, bypassCSP: true });
    const second = await other.newPage();
    await second.goto(url);
    await second.getByText('This link has been used already or has expired.').waitFor();
    await other.close();
    await context.close();
  });
});
