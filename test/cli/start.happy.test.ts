// `fidelis start` as a newcomer meets it: the demo program, a demo key that works (kept in the data
// directory), the program FIDELIS_ADMIN_KEY belongs to — and the README's tour, run as pasted: every
// `sh` block of "A short tour of the API", in order, in one bash session, against that fresh server.
// Any answer of 400 or more fails the tour, unless the comment just before the command says
// "(answers NNN)" and it answers exactly that. Embedded store only (what `npm start` uses).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDriver } from '../support/db.ts';

const root = join(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The shell blocks of the tour section, in order. */
export function tourBlocks(markdown: string): string[] {
  const start = markdown.indexOf('## A short tour of the API');
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** The tour as one bash script: `(answers NNN)` comments set the status the next command must answer. */
function script(blocks: string[], api: string): string {
  const body = blocks
    .join('\n')
    .replaceAll('http://localhost:3000', api)
    .split('\n')
    .map((line) => {
      const expected = /^\s*#.*\(answers (\d{3})\)/.exec(line);
      return expected ? `${line}\nexport TOUR_EXPECT=${expected[1]}` : line;
    })
    .join('\n');
  return `set -euo pipefail
# curl as the tour calls it, failing on an unexpected status (the body is still printed).
curl() {
  local out status
  out=$(command curl -sS -w '\\n%{http_code}' "$@")
  status=\${out##*$'\\n'}
  printf '%s\\n' "\${out%$'\\n'*}"
  local want=\${TOUR_EXPECT:-}
  unset TOUR_EXPECT
  if [ -n "$want" ]; then
    [ "$status" = "$want" ] || { echo "TOUR FAILED: expected $want, got $status: curl $*" >&2; exit 1; }
  elif [ "$status" -ge 400 ]; then
    echo "TOUR FAILED: HTTP $status: curl $*" >&2; exit 1
  fi
}
${body}
echo TOUR-DONE
`;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const ADMIN_KEY = 'tour-admin-key-0123456789abcdef';
/** The operator key the tour's server starts with; the tour reads it from FIDELIS_OPERATOR_KEY. */
const OPERATOR_KEY = 'tour-operator-key-0123456789abcdef-0123';

/** Starts `fidelis start` in cwd and waits for its banner; the output so far is in `output()`. */
async function start(cwd: string, port: number): Promise<{ server: ChildProcess; output: () => string }> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    FIDELIS_ADMIN_KEY: ADMIN_KEY,
    FIDELIS_OPERATOR_KEY: OPERATOR_KEY,
    DATABASE_URL: '',
  };
  delete env.FIDELIS_DATA_DIR;
  delete env.HOST;
  const server = spawn(process.execPath, [join(root, 'src/cli/main.ts'), 'start'], { cwd, env });
  let log = '';
  server.stdout!.on('data', (d: Buffer) => {
    log += d.toString();
  });
  server.stderr!.on('data', (d: Buffer) => {
    log += d.toString();
  });
  for (let i = 0; i < 1500 && !log.includes('Fidelis is running'); i++) {
    if (server.exitCode !== null) throw new Error(`fidelis start exited: ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(log).toContain('Fidelis is running');
  return { server, output: () => log };
}

function stop(server: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (server.exitCode !== null) return resolve();
    server.once('exit', () => resolve());
    server.kill('SIGTERM');
  });
}

describe.skipIf(testDriver() !== 'pglite')('fidelis start and the README tour', () => {
  let server: ChildProcess | undefined;
  let cwd: string;
  let port: number;
  let api: string;
  let banner = '';

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'fidelis-tour-'));
    port = await freePort();
    api = `http://127.0.0.1:${port}`;
    const started = await start(cwd, port);
    server = started.server;
    banner = started.output();
  }, 320_000);

  afterAll(async () => {
    if (server) await stop(server);
    rmSync(cwd, { recursive: true, force: true });
  });

  it('prints a demo key that works, kept inside the data directory, and says whose FIDELIS_ADMIN_KEY is', async () => {
    const file = join(cwd, '.fidelis', 'data', 'demo-api-key');
    expect(existsSync(join(cwd, '.fidelis', 'demo-api-key'))).toBe(false);
    const key = readFileSync(file, 'utf8').trim();
    expect(banner).toContain(`Demo API key    ${key}`);
    expect(banner).toMatch(/FIDELIS_ADMIN_KEY is an admin key of program prg_\w+ \(.+\)/);
    expect(banner).toContain(`http://localhost:${port}`);
    const res = await fetch(`${api}/v1/program`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const admin = await fetch(`${api}/v1/program`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(admin.status).toBe(200);
  });

  it('has blocks to run', () => {
    expect(tourBlocks(readme).length).toBeGreaterThan(5);
  });

  it('runs every command as pasted, each answering as the tour says', () => {
    const run = spawnSync('bash', ['-c', script(tourBlocks(readme), api)], {
      cwd,
      env: { ...process.env, FIDELIS_OPERATOR_KEY: OPERATOR_KEY },
      encoding: 'utf8',
      timeout: 170_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const failure =
      run.stderr.split('\n').find((l) => l.startsWith('TOUR FAILED')) ?? run.stderr.slice(-2000);
    expect(run.status, `${failure}\n--- last output ---\n${run.stdout.slice(-3000)}`).toBe(0);
    expect(run.stdout).toContain('TOUR-DONE');
  }, 180_000);

  it('never prints a demo key the store would refuse', async () => {
    await stop(server!);
    writeFileSync(join(cwd, '.fidelis', 'data', 'demo-api-key'), 'fdl_not-a-key-of-this-store\n');
    const again = await start(cwd, port);
    server = again.server;
    expect(again.output()).not.toContain('Demo API key');
    expect(again.output()).toMatch(/is not a valid key of this store/);
  }, 320_000);
});
