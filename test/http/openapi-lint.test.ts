// The served OpenAPI document passes Redocly's recommended rules and Spectral's OWASP API Security
// ruleset (.spectral.yaml) with no errors. The document is the same on both stores, so this runs
// once, on the embedded one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { testDriver } from '../support/db.ts';

const root = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'fidelis-openapi-'));
const file = join(dir, 'openapi.json');

function run(bin: string, args: string[]) {
  return spawnSync(process.execPath, [join(root, 'node_modules', bin), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
}

describe.skipIf(testDriver() !== 'pglite')('the OpenAPI document lints clean', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await testApi();
    writeFileSync(file, (await api.app.inject({ method: 'GET', url: '/openapi.json' })).body);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has no errors under Redocly lint (recommended rules)', () => {
    const res = run('@redocly/cli/bin/cli.js', ['lint', file, '--format=stylish']);
    expect(res.status, res.stdout + res.stderr).toBe(0);
  }, 120_000);

  it("has no errors under Spectral's OWASP API Security ruleset", () => {
    const res = run('@stoplight/spectral-cli/dist/index.js', [
      'lint',
      file,
      '--ruleset',
      join(root, '.spectral.yaml'),
      '--fail-severity',
      'error',
      '-f',
      'text',
    ]);
    expect(
      res.status,
      res.stdout
        .split('\n')
        .filter((l) => / error /.test(l))
        .slice(0, 20)
        .join('\n') + res.stderr,
    ).toBe(0);
  }, 120_000);
});
