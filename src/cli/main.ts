// The `fidelis` command: serve | start | migrate | programs | keys | users | import | events | fx | portal | demo | report | export.
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createServices, type Services } from '../app/compose.ts';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { CLI } from '../core/access.ts';
import { FidelisError } from '../core/errors.ts';
import type { Database } from '../db/client.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { importEventsCsv } from '../modules/events/events-csv.ts';
import { EXPORT_KINDS } from '../modules/insight/insight-exports.ts';
import { BREAKDOWNS, type Breakdown } from '../modules/insight/insight-kpis.ts';
import { printCohorts, printKpis } from './report.ts';
import { serve } from './serve.ts';

const HELP = `fidelis — loyalty and rewards for B2B programs

Usage:
  fidelis start                          serve, loading the demo program when the store is empty
  fidelis serve                          serve the API (migrates first)
  fidelis migrate                        apply database migrations
  fidelis programs create --name N --currency EUR [--time-zone Z] [--locale L]
  fidelis programs list
  fidelis keys create [--program ID] [--name N] [--scopes read,write,admin|operator]
                                         (operator: above admin, manages programs over /v1/operator)
  fidelis keys list [--program ID]
  fidelis keys revoke [--program ID] KEY_ID
  fidelis import accounts|contacts|relationships FILE [--program ID] [--skip-invalid] [--dry-run]
  fidelis events import FILE [--program ID] [--dry-run]   ingest events from CSV (id,type,account,occurredAt,amount,currency,…)
  fidelis fx import FILE [--program ID]       set exchange rates from CSV (currency,rate,effectiveFrom)
  fidelis users create --email E --role viewer|approver|manager|admin|owner [--password P] [--name N] [--program ID]
                                         a console user (a password is generated and printed when none is given)
  fidelis portal link CONTACT [--program ID] [--base URL]
                                         a one-time member portal link (5 minutes) for a contact id or e-mail
  fidelis demo                           create the demo program and print its admin key
  fidelis report kpis [--from DATE] [--to DATE] [--breakdown segment|tier|country|plan|cohort] [--json|--csv] [--program ID]
                                         the program's KPIs for a period (docs/metrics.md)
  fidelis report cohorts [--from DATE] [--to DATE] [--json|--csv] [--program ID]
  fidelis report rollup [--recompute] [--program ID]
                                         bring the KPI rollup up to date (--recompute: rebuild it whole; decision 0059)
  fidelis export KIND [--from DATE] [--to DATE] [--output FILE] [--program ID]
                                         stream a CSV export to FILE (or standard output), rows counted on standard error

--program defaults to the oldest program. The store is PostgreSQL when DATABASE_URL is set,
else embedded PGlite in FIDELIS_DATA_DIR (default ./.fidelis/data).`;

const OPTIONS = {
  name: { type: 'string' },
  base: { type: 'string' },
  currency: { type: 'string' },
  'time-zone': { type: 'string' },
  locale: { type: 'string' },
  program: { type: 'string' },
  scopes: { type: 'string' },
  email: { type: 'string' },
  role: { type: 'string' },
  password: { type: 'string' },
  'skip-invalid': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  from: { type: 'string' },
  to: { type: 'string' },
  breakdown: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  recompute: { type: 'boolean' },
  output: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

async function withServices<T>(
  config: Config,
  fn: (services: Services, database: Database) => Promise<T>,
): Promise<T> {
  const database = await openConfiguredDatabase(config);
  try {
    await database.migrate();
    return await fn(createServices(database), database);
  } finally {
    await database.close();
  }
}

async function programId(services: Services, values: Values): Promise<string> {
  if (values.program) return (await services.programs.get(values.program)).id;
  const program = await services.programs.defaultProgram();
  if (!program)
    throw new FidelisError(
      'not_found',
      'There is no program yet: run `fidelis programs create` or `fidelis demo`',
    );
  return program.id;
}

function progress(phase: string, done: number, total: number): void {
  if (!process.stderr.isTTY && done !== total) return;
  const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
  process.stderr.write(`\r${phase}: ${done}/${total} (${pct}%)${done === total ? '\n' : ''}`);
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    console.log(HELP);
    return values.help ? 0 : 1;
  }
  const config = loadConfig();

  switch (command) {
    case 'serve':
    case 'start':
      await serve(config, { demo: command === 'start' });
      return -1; // keep running
    case 'migrate':
      await withServices(config, async () => {
        console.log('migrations applied');
      });
      return 0;
    case 'programs':
      return withServices(config, async (services) => {
        if (sub === 'create') {
          if (!values.name || !values.currency)
            throw new Error('programs create needs --name and --currency');
          const program = await services.programs.create(
            {
              name: values.name,
              baseCurrency: values.currency,
              ...(values['time-zone'] && { timeZone: values['time-zone'] }),
              ...(values.locale && { defaultLocale: values.locale }),
            },
            CLI,
          );
          console.log(JSON.stringify(program, null, 2));
          return 0;
        }
        if (sub === 'list') {
          for (const p of await services.programs.list()) {
            console.log(`${p.id}\t${p.baseCurrency}\t${p.timeZone}\t${p.name}`);
          }
          return 0;
        }
        throw new Error('usage: fidelis programs create|list');
      });
    case 'keys':
      return withServices(config, async (services) => {
        const id = await programId(services, values);
        if (sub === 'create') {
          const scopes = (values.scopes ?? 'read,write').split(',').map((s) => s.trim());
          // The command line may make operator keys; the API never does (decision 0024).
          const { secret, key } = await services.keys.create(id, values.name ?? 'cli', scopes, CLI, {
            operator: true,
          });
          console.log(`${secret}\n\nKey ${key.id} for program ${id} with scopes ${key.scopes.join(', ')}.`);
          console.log('This is the only time the key is shown: store it now.');
          return 0;
        }
        if (sub === 'list') {
          for (const k of await services.keys.list(id)) {
            console.log(
              `${k.id}\t${k.prefix}…\t${k.scopes.join(',')}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\t${k.name}`,
            );
          }
          return 0;
        }
        if (sub === 'revoke' && rest[0]) {
          const key = await services.keys.revoke(id, rest[0], CLI);
          console.log(`revoked ${key.id}`);
          return 0;
        }
        throw new Error('usage: fidelis keys create|list|revoke KEY_ID');
      });
    case 'users':
      return withServices(config, async (services) => {
        if (sub !== 'create' || !values.email || !values.role)
          throw new Error('usage: fidelis users create --email E --role R [--password P] [--name N]');
        const id = await programId(services, values);
        const password = values.password ?? randomBytes(12).toString('base64url');
        const user = await services.users.create(
          id,
          { email: values.email, role: values.role, password, ...(values.name && { name: values.name }) },
          CLI,
        );
        console.log(`Console user ${user.id} (${user.email}, ${user.role}) for program ${id}.`);
        if (!values.password) console.log(`Password (shown once): ${password}`);
        return 0;
      });
    case 'import':
      return withServices(config, async (services) => {
        const file = rest[0];
        if ((sub !== 'accounts' && sub !== 'contacts' && sub !== 'relationships') || !file)
          throw new Error('usage: fidelis import accounts|contacts|relationships FILE');
        const id = await programId(services, values);
        const csv = readFileSync(file, 'utf8');
        const options = { skipInvalid: values['skip-invalid'] ?? false, dryRun: values['dry-run'] ?? false };
        const report =
          sub === 'accounts'
            ? await services.imports.importAccounts(id, csv, options, CLI, progress)
            : sub === 'contacts'
              ? await services.imports.importContacts(id, csv, options, CLI, progress)
              : await services.imports.importRelationships(id, csv, options, CLI);
        for (const e of report.errors) console.error(`line ${e.line}: ${e.path}: ${e.message}`);
        console.log(
          `${report.dryRun ? 'dry run: ' : ''}${report.rows} rows: ${report.created} created, ${report.updated} updated, ${report.skipped} skipped`,
        );
        return 0;
      });
    case 'events':
      return withServices(config, async (services) => {
        const file = rest[0];
        if (sub !== 'import' || !file) throw new Error('usage: fidelis events import FILE');
        const id = await programId(services, values);
        // Like the API with skipInvalid: the good rows are ingested, each bad one is named by its line.
        const report = await importEventsCsv(
          services.events,
          id,
          readFileSync(file, 'utf8'),
          { skipInvalid: true, dryRun: values['dry-run'] ?? false },
          CLI,
          progress,
        );
        for (const l of report.lines) {
          if (l.outcome === 'refused') console.error(`line ${l.line}: ${l.code}: ${l.detail}`);
          for (const e of l.outcome === 'invalid' ? (l.errors ?? []) : [])
            console.error(`line ${l.line}: ${e.path}: ${e.message}`);
        }
        const failed = report.refused + report.skipped;
        console.log(
          report.dryRun
            ? `dry run: ${report.checked} events would be ingested, ${failed} refused`
            : `${report.ingested} events ingested, ${report.replayed} already known, ${failed} refused`,
        );
        return failed > 0 ? 2 : 0;
      });
    case 'fx':
      return withServices(config, async (services) => {
        const file = rest[0];
        if (sub !== 'import' || !file) throw new Error('usage: fidelis fx import FILE');
        const id = await programId(services, values);
        const rates = await services.fx.importCsv(id, readFileSync(file, 'utf8'), CLI);
        console.log(`${rates.length} rates set`);
        return 0;
      });
    case 'portal':
      return withServices(config, async (services) => {
        if (sub !== 'link' || !rest[0])
          throw new Error('usage: fidelis portal link CONTACT [--program ID] [--base URL]');
        const id = await programId(services, values);
        const base = (values.base ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
        const link = await services.portal.mintLink(id, rest[0], CLI, new Date(), base);
        console.log(
          `${link.url}\n\nOpens the member portal once, as ${link.contactId}, until ${link.expiresAt}.`,
        );
        return 0;
      });
    case 'demo':
      return withServices(config, async (services) => {
        const demo = await services.demo.load(CLI, values.name);
        console.log(
          `demo program ${demo.programId}: ${demo.accounts} accounts, ${demo.contacts} contacts, ${demo.rules} rules, ${demo.events} events`,
        );
        console.log(`admin API key (shown once): ${demo.apiKey}`);
        for (const l of demo.logins) console.log(`console login (${l.role}): ${l.email} / ${l.password}`);
        return 0;
      });
    case 'export':
      return withServices(config, async (services) => {
        if (!sub || !(EXPORT_KINDS as string[]).includes(sub))
          throw new Error(
            `usage: fidelis export ${EXPORT_KINDS.join('|')} [--from DATE] [--to DATE] [--output FILE]`,
          );
        const id = await programId(services, values);
        let rows = 0;
        const chunks = await services.insight.exportCsv(
          id,
          sub,
          { ...(values.from && { from: values.from }), ...(values.to && { to: values.to }) },
          (n) => {
            rows = n;
            if (process.stderr.isTTY) process.stderr.write(`\r${sub}: ${n} rows`);
          },
        );
        const out = values.output ? createWriteStream(values.output) : process.stdout;
        await pipeline(Readable.from(chunks), out, { end: out !== process.stdout });
        process.stderr.write(
          `${process.stderr.isTTY ? '\r' : ''}${sub}: ${rows} rows${values.output ? ` written to ${values.output}` : ''}\n`,
        );
        return 0;
      });
    case 'report':
      return withServices(config, async (services) => {
        const id = await programId(services, values);
        const period = { ...(values.from && { from: values.from }), ...(values.to && { to: values.to }) };
        if (sub === 'kpis') {
          const breakdown = values.breakdown;
          if (breakdown !== undefined && !(BREAKDOWNS as readonly string[]).includes(breakdown))
            throw new FidelisError(
              'validation_failed',
              `--breakdown must be one of ${BREAKDOWNS.join(', ')}`,
            );
          const query = { ...period, ...(breakdown && { breakdown: breakdown as Breakdown }) };
          if (values.csv) process.stdout.write(await services.insight.kpiCsv(id, query));
          else {
            const kpis = await services.insight.kpis(id, query);
            console.log(values.json ? JSON.stringify(kpis, null, 2) : printKpis(kpis));
          }
          return 0;
        }
        if (sub === 'cohorts') {
          if (values.csv) {
            process.stdout.write(await services.insight.cohortCsv(id, period));
            return 0;
          }
          const cohorts = await services.insight.cohorts(id, period);
          console.log(values.json ? JSON.stringify(cohorts, null, 2) : printCohorts(cohorts));
          return 0;
        }
        if (sub === 'rollup') {
          const run = await services.insight.rollUpKpis(id, { ...(values.recompute && { recompute: true }) });
          console.log(
            run.recomputed
              ? `KPI rollup recomputed whole, up to ${run.rolledUpTo}`
              : `KPI rollup up to ${run.rolledUpTo} (${run.accountMonths} account-months computed again)`,
          );
          return 0;
        }
        throw new Error('usage: fidelis report kpis|cohorts|rollup [--from DATE] [--to DATE]');
      });
    default:
      console.error(`unknown command ${command}\n\n${HELP}`);
      return 1;
  }
}

function report(error: unknown): void {
  if (error instanceof FidelisError) {
    console.error(`error (${error.code}): ${error.detail}`);
    const errors = error.extra.errors as Array<{ line?: number; path: string; message: string }> | undefined;
    for (const e of errors ?? [])
      console.error(`  ${e.line ? `line ${e.line}: ` : ''}${e.path}: ${e.message}`);
  } else if (error instanceof ConfigError || error instanceof TypeError || error instanceof Error) {
    console.error(`error: ${error.message}`);
  } else {
    console.error('error:', error);
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (error) => {
      report(error);
      process.exit(1);
    },
  );
}
