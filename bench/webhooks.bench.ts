// Webhook throughput and the outbox's cost, in one process on embedded PGlite (in memory):
// - messages delivered per second to a local node:http receiver (dispatch, signed POST, attempt log),
//   beside the same receiver hit directly by autocannon (10 connections, 3 s);
// - events ingested per second (batches of 100) with and without an endpoint subscribed to
//   event.processed, in two programs of the same store.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServices } from '../src/app/compose.ts';
import { systemActor } from '../src/core/access.ts';
import { openDatabase } from '../src/db/client.ts';
import { autocannon } from './http.bench.ts';
import { note, result, watchdog } from './run.ts';

const ACTOR = systemActor('bench');
const MESSAGES = 400;
const EVENTS = 1_000;

watchdog(300_000);
let received = 0;
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    received += 1;
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('ok');
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
const url = `http://127.0.0.1:${port}/hooks`;

const direct = await autocannon({
  url,
  method: 'POST',
  connections: 10,
  duration: 3,
  body: JSON.stringify({ type: 'event.processed', data: { id: 'x' } }),
  headers: { 'content-type': 'application/json' },
});
const directRate = { value: direct.requests.average, unit: 'req/s' };
received = 0;

const database = await openDatabase({ driver: 'pglite' });
await database.migrate();
const services = createServices(database, {
  jobs: { pollingIntervalSeconds: 0.5, concurrency: 2, batchSize: 20 },
  webhooks: { allowedHosts: [`127.0.0.1:${port}`], dispatchIntervalMs: 50 },
});

async function programWithAccount(name: string) {
  const program = await services.programs.create({ name, baseCurrency: 'EUR' }, ACTOR);
  await services.accounts.create(program.id, { externalId: 'ACME', name: 'Acme' }, ACTOR);
  return program.id;
}

const events = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    type: 'purchase',
    account: 'ACME',
    occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
    amount: '10.00',
    currency: 'EUR',
  }));

async function ingestRate(programId: string, prefix: string): Promise<number> {
  const all = events(prefix, EVENTS);
  await services.events.ingestBatch(programId, events(`${prefix}-warm`, 100), ACTOR);
  const started = performance.now();
  for (let i = 0; i < all.length; i += 100)
    await services.events.ingestBatch(programId, all.slice(i, i + 100), ACTOR);
  return EVENTS / ((performance.now() - started) / 1000);
}

// Events per second without and with a subscribed endpoint (no workers yet: only the outbox writes).
const quiet = await programWithAccount('Without webhooks');
const withoutRate = await ingestRate(quiet, 'q');
const loud = await programWithAccount('With webhooks');
await services.webhooks.create(loud, { url, eventTypes: ['event.processed'] }, ACTOR);
const withRate = await ingestRate(loud, 'l');
result('webhooks.events_without_endpoint', withoutRate, 'events/s');
result('webhooks.events_with_endpoint', withRate, 'events/s', { value: withoutRate, unit: 'events/s' });

// Deliveries: the messages of MESSAGES more events, from the moment the workers start.
await services.events.ingestBatch(loud, events('d', MESSAGES), ACTOR);
received = 0;
await services.webhooks.start();
const started = performance.now();
await services.jobs.start();
const target = EVENTS + 100 + MESSAGES; // every event.processed message of the subscribed program
while (received < target && performance.now() - started < 240_000)
  await new Promise((r) => setTimeout(r, 20));
const seconds = (performance.now() - started) / 1000;
note(
  `${received} of ${target} messages delivered in ${seconds.toFixed(1)} s (2 workers claiming 20 jobs at a time, PGlite)`,
);
result('webhooks.delivered', received / seconds, 'messages/s', directRate);
result('webhooks.receiver_direct', directRate.value, 'req/s');

await services.webhooks.stop();
await services.jobs.stop();
await database.close();
server.close();
process.exit(0);
