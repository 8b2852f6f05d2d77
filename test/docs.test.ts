// docs/errors.md and the error catalog in code must list the same codes with the same statuses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../src/core/errors.ts';

const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'errors.md'), 'utf8');

describe('docs/errors.md', () => {
  const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map(
    (m) => [m[1]!, Number(m[2])] as const,
  );

  it('documents every error code with its status', () => {
    const documented = Object.fromEntries(rows);
    const inCode = Object.fromEntries(Object.entries(ERROR_CATALOG).map(([code, e]) => [code, e.status]));
    expect(documented).toEqual(inCode);
  });

  it('lists each code once', () => {
    expect(new Set(rows.map(([code]) => code)).size).toBe(rows.length);
  });
});
