// What the console's browser test files share: Debian's chromium driven by playwright-core, a real
// `fidelis start` on a fresh store (embedded, or a database of its own on PostgreSQL) with its demo
// key and console logins read from the banner, the API called with the demo key, a signed-in page,
// axe-core's serious and critical violations, and screenshots into test-artifacts/console/ (on the
// embedded store).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildConsoleIfStale } from '../../src/cli/web-build.ts';
import { adminUrl, urlFor } from '../support/postgres-template.ts';
import { freePort, ROOT, type RunningServer, startServer } from '../support/server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test-artifacts/console');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type Store = 'pglite' | 'postgres';
export interface Login {
  email: string;
  password: string;
}

/** A started `fidelis start` of one store and what its banner said. */
export interface RunningConsole {
  store: Store;
  server: RunningServer;
  demoKey: string;
  owner: Login;
  approver: Login;
  cwd: string;
  port: number;
  databaseUrl?: string;
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The console built if stale, the screenshot folder made, and chromium started headless. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No chromium at ${CHROMIUM}: apt-get install chromium (as .ci/run does), or set CHROMIUM_PATH`,
    );
  mkdirSync(ARTIFACTS, { recursive: true });
  buildConsoleIfStale();
  return chromium.launch({
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
}

/** `fidelis start` on a fresh store (`purpose` names its folder and PostgreSQL database). */
export async function startConsole(store: Store, purpose: string): Promise<RunningConsole> {
  let databaseUrl: string | undefined;
  if (store === 'postgres') {
    const name = `fidelis_console_${purpose}_${process.pid}`;
    await withAdmin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${name}`);
    });
    databaseUrl = urlFor(name);
  }
  const cwd = mkdtempSync(join(tmpdir(), `fidelis-console-${purpose}-`));
  const port = await freePort();
  const server = await startServer(cwd, port, databaseUrl);
  const login = (role: string): Login => {
    const found = new RegExp(`Console login\\s+(\\S+) / (\\S+)\\s+\\(${role}\\)`).exec(server.banner)!;
    return { email: found[1]!, password: found[2]! };
  };
  return {
    store,
    server,
    demoKey: /Demo API key\s+(\S+)/.exec(server.banner)![1]!,
    owner: login('owner'),
    approver: login('approver'),
    cwd,
    port,
    databaseUrl,
  };
}

export async function stopConsole(running: RunningConsole | undefined): Promise<void> {
  if (!running) return;
  await running.server.stop();
  rmSync(running.cwd, { recursive: true, force: true });
  if (running.databaseUrl) {
    const name = new URL(running.databaseUrl).pathname.slice(1);
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

/** The helpers of a test file, reading the file's browser and running console when called. */
export function consoleHelpers(now: () => { browser: Browser; running: RunningConsole }) {
  const url = (path: string) => `${now().running.server.url}${path}`;
  const key = () => now().running.demoKey;
  const send = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url(path), {
      method,
      headers: { authorization: `Bearer ${key()}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { res, text: await res.clone().text() };
  };
  return {
    // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read loosely by the test
    async apiGet(path: string): Promise<any> {
      const res = await fetch(url(path), { headers: { authorization: `Bearer ${key()}` } });
      expect(res.status, path).toBe(200);
      return res.json();
    },
    // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read loosely by the test
    async apiPost(path: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
      const { res, text } = await send('POST', path, body, headers);
      expect(res.status, `${path}: ${text}`).toBeLessThan(300);
      return res.json();
    },
    // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read loosely by the test
    async apiPatch(path: string, body: unknown): Promise<any> {
      const { res, text } = await send('PATCH', path, body);
      expect(res.status, `${path}: ${text}`).toBe(200);
      return res.json();
    },

    /** A request of the signed-in console user (its session cookie and CSRF token), answered status and JSON. */
    asUser(page: Page, method: string, path: string, body?: unknown) {
      return page.evaluate(
        async ({ method, path, body }) => {
          const session = (await (await fetch('/console/session')).json()) as { csrfToken: string };
          const res = await fetch(path, {
            method,
            headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
            ...(body !== undefined && { body: JSON.stringify(body) }),
          });
          // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read loosely by the test
          return { status: res.status, body: (await res.json()) as any };
        },
        { method, path, body },
      );
    },

    async newPage(viewport = { width: 1280, height: 720 }): Promise<Page> {
      // bypassCSP: the console's Content-Security-Policy refuses inline scripts, axe-core's injection among them.
      const context = await now().browser.newContext({ viewport, locale: 'en-GB', bypassCSP: true });
      return context.newPage();
    },

    /** Signs in (the owner unless told) and opens the main navigation's section of `path`. */
    async signIn(page: Page, path: string, login?: Login) {
      const as = login ?? now().running.owner;
      await page.goto(url('/console/'));
      await page.getByLabel('E-mail').fill(as.email);
      await page.getByLabel('Password').fill(as.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      if (path !== '/dashboard') {
        const [section] = path.slice(1).split('/');
        const name = section![0]!.toUpperCase() + section!.slice(1);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
        // On the screen before going on: a reload or a request made next must not happen on the dashboard.
        await page.waitForURL((u) => u.pathname === `/console/${section}`);
      }
    },

    /** axe-core on the page as it is: the serious and critical violations (none expected; embedded store only). */
    async accessibility(page: Page): Promise<string[]> {
      if (now().running.store !== 'pglite') return [];
      await page.addScriptTag({ content: AXE });
      const violations = await page.evaluate(async () => {
        const result = await (
          globalThis as unknown as {
            axe: {
              run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }>;
            };
          }
        ).axe.run();
        return result.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          targets: v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 3),
        }));
      });
      return violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} ${v.targets.join(' ')}`);
    },

    async shot(page: Page, name: string) {
      if (now().running.store === 'pglite')
        await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
  };
}
