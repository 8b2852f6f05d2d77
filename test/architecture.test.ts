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

/** Offences that exist today and are being removed; this list only shrinks. */
const KNOWN: string[] = [
  'src/modules/events/events-service.ts imports ../accounts/accounts-store.ts: another module is used only through its service, reads, schemas or settings',
  'src/modules/events/events-service.ts imports ../rules/rules-store.ts: another module is used only through its service, reads, schemas or settings',
  'src/modules/events/events-service.ts imports ../tiers/tiers-service.ts: tiers does not come before events in the module order',
  'src/modules/memberships/memberships-service.ts imports ../ledger/ledger-tables.ts: another module is used only through its service, reads, schemas or settings',
  'src/modules/memberships/memberships-store.ts imports ../accounts/accounts-tables.ts: another module is used only through its service, reads, schemas or settings',
  'src/modules/rewards/redemptions-service.ts imports ../ledger/ledger-store.ts: another module is used only through its service, reads, schemas or settings',
  'src/modules/rewards/rewards-settings.ts imports ../contacts/contacts-tables.ts: another module is used only through its service, reads, schemas or settings',
  'import cycle between modules: events → tiers → events',
];
/** Files over 400 lines being split into verb files; this list only shrinks. */
const KNOWN_LONG: string[] = [
  'src/modules/events/events-service.ts',
  'src/modules/ledger/ledger-routes.ts',
  'src/modules/ledger/ledger-service.ts',
  'src/modules/ledger/ledger-store.ts',
  'src/modules/memberships/memberships-routes.ts',
  'src/modules/memberships/memberships-service.ts',
  'src/modules/rewards/redemptions-service.ts',
  'src/modules/rewards/rewards-routes.ts',
  'src/modules/rewards/rewards-schemas.ts',
  'src/modules/rewards/rewards-service.ts',
  'src/modules/rewards/rewards-store.ts',
  'src/modules/tiers/tiers-service.ts',
];

describe('architecture', () => {
  it('has source files to check', () => {
    expect(sources.filter((s) => s.path.startsWith('src/core/')).length).toBeGreaterThan(0);
    expect(sources.filter((s) => s.path.startsWith('src/modules/')).length).toBeGreaterThan(0);
  });

  it('keeps the layering: core pure, toolboxes below, modules in order, no reach-ins, no cycles', () => {
    const found = violations(sources);
    expect(found.filter((v) => !KNOWN.includes(v))).toEqual([]);
    expect(KNOWN.filter((v) => !found.includes(v))).toEqual([]);
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
        !KNOWN_LONG.includes(s.path) &&
        s.source.split('\n').length > 400 &&
        !/^\/\/ Long file: /m.test(s.source.slice(0, 2000)),
    );
    expect(long.map((s) => s.path)).toEqual([]);
    expect(
      KNOWN_LONG.filter((p) => sources.find((s) => s.path === p)!.source.split('\n').length <= 400),
    ).toEqual([]);
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
