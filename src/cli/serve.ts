// `fidelis serve` and `fidelis start`: migrate, prepare keys (and the demo), listen, shut down gracefully.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServices } from '../app/compose.ts';
import { buildApp } from '../app/http.ts';
import { startScheduler } from '../app/scheduler.ts';
import type { Config } from '../config.ts';
import { systemActor } from '../core/access.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { DEMO_LOGINS, DEMO_MEMBER, type DemoLogin } from '../modules/demo/demo-service.ts';
import { buildConsoleIfStale } from './web-build.ts';

/**
 * Where the demo program's admin key is kept: inside the data directory, one file per store, so a
 * start on PostgreSQL never overwrites the embedded store's key (or the other way round).
 */
export function demoKeyFile(config: Config): string {
  if (!config.databaseUrl) return join(config.dataDir, 'demo-api-key');
  const url = new URL(config.databaseUrl);
  url.password = '';
  const store = createHash('sha256').update(url.toString()).digest('hex').slice(0, 12);
  return join(config.dataDir, `demo-api-key.postgres-${store}`);
}

/** Who what the server writes as it starts (the demo program, FIDELIS_ADMIN_KEY) is recorded as. */
const START = systemActor('start');

export async function serve(config: Config, options: { demo: boolean }): Promise<void> {
  // A checkout's console is built when it is missing or older than its sources (decision 0013).
  buildConsoleIfStale();
  const database = await openConfiguredDatabase(config);
  let mailErrors: { error: (o: object, m: string) => void } | undefined;
  await database.migrate();
  const services = createServices(database, {
    webhooks: { allowedHosts: config.webhookAllowedHosts, production: config.production },
    // Tier upgrades and challenge progress run behind the answers of event writes (decision 0021).
    events: { followUps: 'behind' },
    notifications: { smtpUrl: config.smtpUrl, from: config.smtpFrom, publicUrl: config.publicUrl },
    // Sign-in links mailed by the portal point at the configured address, never a request's Host (0029).
    portal: {
      publicUrl: config.publicUrl,
      onMailError: (error) => mailErrors?.error({ err: error }, 'portal sign-in mail failed'),
    },
  });

  let demoKey: string | undefined;
  if (options.demo && (await services.programs.list()).length === 0) {
    const demo = await services.demo.load(START);
    demoKey = demo.apiKey;
    const file = demoKeyFile(config);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${demo.apiKey}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    console.log(
      `Loaded the demo program ${demo.programId}: ${demo.accounts} accounts, ${demo.contacts} contacts, ${demo.entries} ledger entries.`,
    );
  } else if (options.demo && existsSync(demoKeyFile(config))) {
    const saved = readFileSync(demoKeyFile(config), 'utf8').trim();
    // Never print a key this store would refuse (a file left by another store, or a revoked key).
    if (await services.keys.authenticate(saved)) demoKey = saved;
    else
      console.log(
        `The key in ${demoKeyFile(config)} is not a valid key of this store; create one with \`fidelis keys create\`.`,
      );
  }

  // The demo member's way into the portal: a one-time link now, and how to ask for another.
  let demoPortal: { programId: string; url?: string } | undefined;
  if (demoKey) {
    const programId = (await services.keys.authenticate(demoKey))?.programId;
    if (programId)
      try {
        demoPortal = { programId, url: (await services.portal.mintLink(programId, DEMO_MEMBER, START)).path };
      } catch {
        demoPortal = { programId };
      }
  }

  // The demo's console logins, as long as they still sign in.
  const logins: DemoLogin[] = [];
  if (demoKey)
    for (const login of DEMO_LOGINS)
      if (await services.users.verify(login.email, login.password)) logins.push(login);

  let adminKeyProgram: string | undefined;
  if (config.adminKey) {
    const program =
      (await services.programs.defaultProgram()) ??
      (await services.programs.create({ name: 'Default program', baseCurrency: 'EUR' }, START));
    await services.keys.register(program.id, 'FIDELIS_ADMIN_KEY', ['admin'], config.adminKey, START);
    adminKeyProgram = `${program.id} (${program.name})`;
  }

  let operatorKeyProgram: string | undefined;
  if (config.operatorKey) {
    const program =
      (await services.programs.defaultProgram()) ??
      (await services.programs.create({ name: 'Default program', baseCurrency: 'EUR' }, START));
    await services.keys.register(
      program.id,
      'FIDELIS_OPERATOR_KEY',
      ['operator'],
      config.operatorKey,
      START,
      {
        operator: true,
      },
    );
    operatorKeyProgram = `${program.id} (${program.name})`;
  }

  // The embedded store has no autovacuum: start with fresh statistics (decision 0012).
  await database.maintain();

  const app = await buildApp(services, {
    logger: { level: config.logLevel, redact: ['req.headers.authorization'] },
    corsOrigin: config.corsOrigin,
  });
  mailErrors = app.log;
  // The durable job queue's workers (webhook deliveries), ready before the server takes requests: what
  // was queued while the server was down runs now (decision 0016).
  await services.webhooks.start();
  // E-mail notices and statements (decision 0027): off, and said so, while SMTP_URL is unset.
  await services.notifications.start();
  if (!services.notifications.enabled)
    app.log.info('e-mail disabled: SMTP_URL is unset (notices and statements are not mailed)');
  await services.jobs.start();

  // The signal handlers are in place before the server answers /health: a SIGTERM that arrives while
  // the scheduler is still starting waits for the start to finish, then shuts down gracefully.
  let stopScheduler: (() => Promise<void>) | undefined;
  let starting: Promise<unknown> = Promise.resolve();
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await starting.catch(() => undefined);
    await app.close();
    // What the last events queued for tiers and challenges runs before the store closes.
    await services.events.settled();
    await services.portal.settled();
    await stopScheduler?.();
    await services.webhooks.stop();
    await services.notifications.stop();
    await services.jobs.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  const started = (async () => {
    const listening = await app.listen({ port: config.port, host: config.host });
    stopScheduler = await startScheduler(services, app.log);
    return listening;
  })();
  starting = started;
  const address = await started;

  const base = address
    .replace('0.0.0.0', 'localhost')
    .replace('127.0.0.1', 'localhost')
    .replace('[::]', 'localhost');
  const store = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  console.log(
    [
      '',
      `Fidelis is running on ${base}  (store: ${store})`,
      `  API reference   ${base}/docs`,
      `  OpenAPI         ${base}/openapi.json`,
      `  Health          ${base}/health`,
      `  Console         ${base}/console/`,
      ...logins.map((l) => `  Console login   ${l.email} / ${l.password}   (${l.role})`),
      adminKeyProgram ? `  FIDELIS_ADMIN_KEY is an admin key of program ${adminKeyProgram}` : '',
      operatorKeyProgram
        ? `  FIDELIS_OPERATOR_KEY is an operator key (programs at ${base}/v1/operator/programs), home program ${operatorKeyProgram}`
        : '',
      demoKey ? `  Demo API key    ${demoKey}   (also in ${demoKeyFile(config)})` : '',
      demoKey
        ? `  Try it          curl -H "Authorization: Bearer ${demoKey}" ${base}/v1/accounts?limit=3`
        : '',
      demoPortal?.url
        ? `  Member portal   ${base}${demoPortal.url}   (as ${DEMO_MEMBER}; opens once, within 5 minutes)`
        : '',
      demoPortal && demoKey
        ? `  Another link    curl -X POST -H "Authorization: Bearer ${demoKey}" -H 'content-type: application/json' -d '{"contact":"${DEMO_MEMBER}"}' ${base}/v1/portal/sessions`
        : '',
      '',
    ]
      .filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1)
      .join('\n'),
  );
}
