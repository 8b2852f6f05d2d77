// The member portal in a real browser (Debian's chromium driven by playwright-core) against a real
// `fidelis start` on a fresh embedded store, at 360×640: the operator's site mints a link, the
// member opens it, sees balance and history with explanations, redeems a reward that needs
// approval and sees it waiting; an approver approves through the API and the member sees it
// approved with its code. Then every page in every language: Persian right to left and mirrored
// (element positions), Thai numbers and dates as the th locale formats them, axe-core without a
// serious or critical violation. Screenshots go to test-artifacts/portal/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsoleIfStale } from '../../src/cli/web-build.ts';
import { DEMO_MEMBER } from '../../src/modules/demo/demo-service.ts';
import { freePort, ROOT, type RunningServer, startServer } from '../support/server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts/portal');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LANGUAGES = ['en', 'id', 'pl', 'fa', 'th'] as const;
const TABS = {
  en: ['Home', 'History', 'Rewards', 'My rewards'],
  id: ['Beranda', 'Riwayat', 'Hadiah', 'Hadiah saya'],
  pl: ['Start', 'Historia', 'Nagrody', 'Moje nagrody'],
  fa: ['خانه', 'تاریخچه', 'جوایز', 'جوایز من'],
  th: ['หน้าแรก', 'ประวัติ', 'ของรางวัล', 'รางวัลของฉัน'],
} as const;

let cwd: string;
let server: RunningServer;
let browser: Browser;
let demoKey: string;
let page: Page;

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
  server = await startServer(cwd, await freePort());
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
    await call('POST', `/v1/redemptions/${waiting[0].id}/approve`, { note: 'Enjoy' });
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
      const [home, history, rewards, mine] = TABS[language];
      for (const tab of [history, rewards, mine, home]) {
        await page.getByRole('link', { name: tab, exact: true }).click();
        await page.locator('main h1').first().waitFor();
        await page
          .getByRole('status')
          .filter({ hasText: /…/ })
          .waitFor({ state: 'detached' })
          .catch(() => {});
        expect(await accessibility(), `${language} ${tab}`).toEqual([]);
      }
      await page.getByTestId('balance').waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `home-${language}.png`), fullPage: true });
    },
  );
});
