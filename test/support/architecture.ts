// The layering rules of docs/architecture.md as a checker over source files: test/architecture.test.ts
// runs it over src/ and over deliberate violations of each kind (so the checker itself is tested).
import { posix } from 'node:path';

/**
 * The module order: a module may import only modules of a lower rank. Modules of one rank are
 * independent of each other. Audit comes first: every module records its writes through it (its
 * table names the programs table, but table files may name any table for a foreign key). What an earlier module needs from a later one is a port (a function
 * type it declares) that app/compose.ts wires.
 */
export const MODULE_RANK: Record<string, number> = {
  audit: 0,
  jobs: 0,
  outbox: 0,
  programs: 1,
  'event-types': 2,
  accounts: 3,
  keys: 3,
  users: 3,
  idempotency: 3,
  fx: 3,
  rules: 3,
  contacts: 4,
  ledger: 4,
  events: 5,
  imports: 5,
  rewards: 5,
  memberships: 5,
  tiers: 6,
  partners: 6,
  webhooks: 7,
  engagement: 7,
  insight: 7,
  notifications: 7,
  portal: 8,
  demo: 9,
};

/** The files of another module one may import: its service, reads, schemas and settings. */
const PUBLISHED = /-(service|reads|schemas|settings)\.ts$/;
const FORBIDDEN_IN_CORE = [
  /^node:/,
  /^(fs|path|http|https|net|child_process|os|crypto|worker_threads|dgram|dns|tls|cluster)(\/|$)/,
  /^fastify/,
  /^@fastify\//,
  /^pg(\/|$)/,
  /^@electric-sql\//,
  /^drizzle-orm/,
  /^pino/,
];

export interface SourceFile {
  /** Path from the repository root, with forward slashes: `src/modules/accounts/accounts-service.ts`. */
  path: string;
  source: string;
}

export function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const p of patterns) for (const m of source.matchAll(p)) found.push(m[1]!);
  return found;
}

/** The top folder of src a file is in (`core`, `http`, `modules`…), or undefined outside src. */
function layerOf(path: string): string | undefined {
  const m = /^src\/([^/]+)\//.exec(path);
  return m ? m[1] : undefined;
}

function moduleOf(path: string): string | undefined {
  const m = /^src\/modules\/([^/]+)\//.exec(path);
  return m ? m[1] : undefined;
}

/** Every offence against the layering rules, one line each. */
export function violations(files: SourceFile[]): string[] {
  const offences: string[] = [];
  const edges = new Map<string, Set<string>>();
  for (const file of files) {
    const from = layerOf(file.path);
    if (!from || file.path.endsWith('.test.ts')) continue;
    const fromModule = moduleOf(file.path);
    for (const spec of importsOf(file.source)) {
      const say = (why: string) => offences.push(`${file.path} imports ${spec}: ${why}`);
      if (!spec.startsWith('.')) {
        if (from === 'core' && FORBIDDEN_IN_CORE.some((f) => f.test(spec))) say('core does no I/O');
        continue;
      }
      const target = posix.normalize(posix.join(posix.dirname(file.path), spec));
      const to = layerOf(target);
      if (!to) continue;
      if (from === 'core' && to !== 'core') say('core imports only core');
      if ((from === 'http' || from === 'db' || from === 'lib') && (to === 'modules' || to === 'app'))
        say(`${from}/ is a toolbox: it imports no module and not the app`);
      if (to === 'app' && from !== 'app' && from !== 'cli') say('only cli/ may import app/');
      const toModule = moduleOf(target);
      if (fromModule && toModule && fromModule !== toModule) {
        const file2 = posix.basename(target);
        const tableToTable = file.path.endsWith('-tables.ts') && file2.endsWith('-tables.ts');
        if (!PUBLISHED.test(file2) && !tableToTable)
          say(`another module is used only through its service, reads, schemas or settings`);
        const a = MODULE_RANK[fromModule];
        const b = MODULE_RANK[toModule];
        // Table files name each other's tables for foreign keys only (every table names programs).
        if (tableToTable) continue;
        if (a === undefined) say(`module ${fromModule} has no place in the module order`);
        else if (b === undefined) say(`module ${toModule} has no place in the module order`);
        else if (b >= a) say(`${toModule} does not come before ${fromModule} in the module order`);
        if (!edges.has(fromModule)) edges.set(fromModule, new Set());
        edges.get(fromModule)!.add(toModule);
      }
    }
  }
  for (const cycle of cycles(edges)) offences.push(`import cycle between modules: ${cycle.join(' → ')}`);
  return offences;
}

/** Each cycle in the module graph, once, as the modules along it. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const found = new Map<string, string[]>();
  const visit = (node: string, path: string[]) => {
    for (const next of edges.get(node) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) {
        const cycle = path.slice(at);
        const key = [...cycle].sort().join(',');
        if (!found.has(key)) found.set(key, [...cycle, next]);
      } else if (path.length < 20) visit(next, [...path, next]);
    }
  };
  for (const node of edges.keys()) visit(node, [node]);
  return [...found.values()];
}
