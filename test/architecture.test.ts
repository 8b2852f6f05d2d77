// The layering of docs/architecture.md, checked over every source file (test/support/architecture.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, type SourceFile, violations } from './support/architecture.ts';

const root = join(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const sources: SourceFile[] = files(join(root, 'src')).map((f) => ({
  path: relative(root, f).split('\\').join('/'),
  source: readFileSync(f, 'utf8'),
}));

describe('architecture', () => {
  it('has source files to check', () => {
    expect(sources.filter((s) => s.path.startsWith('src/core/')).length).toBeGreaterThan(0);
    expect(sources.filter((s) => s.path.startsWith('src/modules/')).length).toBeGreaterThan(0);
  });

  it('keeps the layering: core pure, toolboxes below, modules in order, no reach-ins, no cycles', () => {
    expect(violations(sources)).toEqual([]);
  });

  it('reads no clock, environment or randomness in core', () => {
    const offences = sources.filter(
      (s) =>
        s.path.startsWith('src/core/') &&
        !s.path.endsWith('.test.ts') &&
        /\b(Date\.now|new Date\(\)|process\.|Math\.random)/.test(s.source),
    );
    expect(offences.map((s) => s.path)).toEqual([]);
  });

  it('keeps src files small enough to read (a longer one says why in its first lines)', () => {
    const long = sources.filter(
      (s) =>
        !s.path.endsWith('.test.ts') &&
        s.source.split('\n').length > 400 &&
        !/^\/\/ Long file: /m.test(s.source.slice(0, 2000)),
    );
    expect(long.map((s) => s.path)).toEqual([]);
  });

  describe('the checker catches a deliberate violation of each kind', () => {
    const one = (path: string, source: string) => violations([{ path, source }]);
    it('I/O in core', () => {
      expect(one('src/core/x.ts', "import pg from 'pg';")).toHaveLength(1);
      expect(one('src/core/x.ts', "const fs = await import('node:fs');")).toHaveLength(1);
      expect(one('src/core/x.ts', "import { db } from '../db/client.ts';")).toHaveLength(1);
    });
    it('a toolbox importing a module or the app', () => {
      expect(one('src/http/x.ts', "import { a } from '../modules/keys/keys-service.ts';")).toHaveLength(1);
      expect(one('src/db/client.ts', "import * as t from '../app/tables.ts';")).toHaveLength(2);
      expect(one('src/lib/x.ts', "import { a } from '../modules/keys/keys-service.ts';")).toHaveLength(1);
    });
    it('a module importing the app (only cli/ may)', () => {
      expect(
        one('src/modules/keys/keys-routes.ts', "import type { Services } from '../../app/compose.ts';"),
      ).toHaveLength(1);
      expect(one('src/cli/main.ts', "import { createServices } from '../app/compose.ts';")).toEqual([]);
    });
    it("a reach into another module's store or tables", () => {
      const reach = one(
        'src/modules/tiers/tiers-service.ts',
        "import { metricTotals } from '../events/events-store.ts';",
      );
      expect(reach).toHaveLength(1);
      expect(reach[0]).toMatch(/only through its service, reads, schemas or settings/);
      expect(
        one(
          'src/modules/rewards/rewards-settings.ts',
          "import { contacts } from '../contacts/contacts-tables.ts';",
        ),
      ).toHaveLength(1);
      // A table file may name another module's table for a foreign key; reads files are published.
      expect(
        one(
          'src/modules/tiers/tiers-tables.ts',
          "import { accounts } from '../accounts/accounts-tables.ts';",
        ),
      ).toEqual([]);
      expect(
        one(
          'src/modules/tiers/tiers-service.ts',
          "import { metricTotals } from '../events/events-reads.ts';",
        ),
      ).toEqual([]);
    });
    it('a module importing a later module, or one of its own rank', () => {
      expect(
        one('src/modules/events/events-service.ts', "import type { T } from '../tiers/tiers-service.ts';"),
      ).toHaveLength(1);
      expect(
        one('src/modules/keys/keys-service.ts', "import type { A } from '../accounts/accounts-service.ts';"),
      ).toHaveLength(1);
      expect(
        one('src/modules/nobody/x-service.ts', "import { a } from '../keys/keys-service.ts';"),
      ).toHaveLength(1);
    });
    it('an import cycle between modules', () => {
      const found = violations([
        {
          path: 'src/modules/events/events-service.ts',
          source: "import { t } from '../tiers/tiers-service.ts';",
        },
        {
          path: 'src/modules/tiers/tiers-service.ts',
          source: "import { e } from '../events/events-reads.ts';",
        },
      ]);
      expect(found.some((v) => v.startsWith('import cycle between modules'))).toBe(true);
    });
    it('reads every form of import', () => {
      expect(importsOf("import pg from 'pg';\nconst x = await import('node:fs');\nimport 'side';")).toEqual([
        'pg',
        'node:fs',
        'side',
      ]);
    });
  });
});
