// `fidelis serve` and `fidelis start`: migrate, prepare keys (and the demo), listen, shut down gracefully.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServices } from '../app/compose.ts';
import { buildApp } from '../app/http.ts';
import { startScheduler } from '../app/scheduler.ts';
import type { Config } from '../config.ts';
import { openConfiguredDatabase } from '../db/open.ts';

export function demoKeyFile(config: Config): string {
  return join(dirname(config.dataDir), 'demo-api-key');
}

export async function serve(config: Config, options: { demo: boolean }): Promise<void> {
  const database = await openConfiguredDatabase(config);
  await database.migrate();
  const services = createServices(database);

  let demoKey: string | undefined;
  if (options.demo && (await services.programs.list()).length === 0) {
    const demo = await services.demo.load();
    demoKey = demo.apiKey;
    const file = demoKeyFile(config);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${demo.apiKey}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    console.log(
      `Loaded the demo program ${demo.programId}: ${demo.accounts} accounts, ${demo.contacts} contacts, ${demo.entries} ledger entries.`,
    );
  } else if (options.demo && existsSync(demoKeyFile(config))) {
    demoKey = readFileSync(demoKeyFile(config), 'utf8').trim();
  }

  if (config.adminKey) {
    const program =
      (await services.programs.defaultProgram()) ??
      (await services.programs.create({ name: 'Default program', baseCurrency: 'EUR' }));
    await services.keys.register(program.id, 'FIDELIS_ADMIN_KEY', ['admin'], config.adminKey);
  }

  const app = await buildApp(services, {
    logger: { level: config.logLevel, redact: ['req.headers.authorization'] },
  });
  const address = await app.listen({ port: config.port, host: config.host });
  const stopScheduler = startScheduler(services, app.log);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await app.close();
    await stopScheduler();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  const base = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  const store = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  console.log(
    [
      '',
      `Fidelis is running on ${base}  (store: ${store})`,
      `  API reference   ${base}/docs`,
      `  OpenAPI         ${base}/openapi.json`,
      `  Health          ${base}/health`,
      demoKey ? `  Demo API key    ${demoKey}   (also in ${demoKeyFile(config)})` : '',
      demoKey
        ? `  Try it          curl -H "Authorization: Bearer ${demoKey}" ${base}/v1/accounts?limit=3`
        : '',
      '',
    ]
      .filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1)
      .join('\n'),
  );
}
