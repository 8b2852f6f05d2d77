// Delivering webhook messages (decision 0016): the dispatcher turns outbox messages into deliveries
// (one per subscribed endpoint, each with its job, in one transaction); the job makes one attempt,
// signed by the Standard Webhooks scheme, logs it, and throws on failure so the queue retries it with
// back-off. When the last attempt fails the endpoint is disabled (`failing`) and the change audited.
import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { systemActor } from '../../core/access.ts';
import type { Database, Executor } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { MessageRow } from '../outbox/outbox-service.ts';
import type { WebhookDeps, WebhookOptions } from './webhooks-service.ts';
import {
  type DeliveryRow,
  type EndpointRow,
  enabledEndpoints,
  findDelivery,
  findEndpoint,
  insertAttempt,
  insertDeliveries,
  lockEndpoint,
  lockUnqueuedDeliveries,
  updateDelivery,
  updateEndpoint,
} from './webhooks-store.ts';
import type { TargetCheck } from './webhooks-targets.ts';
import { toEndpointView } from './webhooks-views.ts';

export const DELIVERY_QUEUE = 'webhook-delivery';

const JOB = systemActor('webhooks');
const RESPONSE_EXCERPT = 1_000;

/** A job id for a delivery (pg-boss ids are UUIDs): the same delivery always gets the same job. */
function jobIdOf(deliveryId: string): string {
  const h = createHash('sha256').update(deliveryId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const wants = (endpoint: EndpointRow, type: string) =>
  endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(type);

const auditView = (row: EndpointRow) => toEndpointView(row);

export function createDelivery(
  database: Database,
  deps: WebhookDeps,
  options: WebhookOptions,
  { refusal }: TargetCheck,
) {
  /** Queues the deliveries' jobs in the caller's transaction (one job id per delivery: never twice). */
  async function queueJobs(tx: Executor, rows: readonly DeliveryRow[]): Promise<void> {
    for (const row of rows)
      await deps.jobs.send(
        DELIVERY_QUEUE,
        row.programId,
        { deliveryId: row.id },
        { id: jobIdOf(row.id) },
        tx,
      );
  }

  /**
   * New deliveries of messages to endpoints in the caller's transaction, each with its job when this
   * instance runs the queue (else the next dispatcher queues them: a PGlite transaction cannot wait
   * for a queue that is not started).
   */
  async function enqueue(
    tx: Executor,
    pairs: { message: MessageRow; endpoint: EndpointRow }[],
    replay: boolean,
  ): Promise<number> {
    const queued = deps.jobs.started;
    const rows = await insertDeliveries(
      tx,
      pairs.map(({ message, endpoint }) => ({
        programId: message.programId,
        id: newId('whd'),
        endpointId: endpoint.id,
        messageId: message.id,
        replay,
        queued,
      })),
    );
    if (queued) await queueJobs(tx, rows);
    return rows.length;
  }

  /** One dispatch step: undispatched messages become deliveries to the endpoints subscribed to them. */
  async function dispatch(limit = 100): Promise<number> {
    if (!deps.jobs.started) return 0;
    return database.transaction(async (tx) => {
      const waiting = await lockUnqueuedDeliveries(tx, limit);
      if (waiting.length > 0) {
        await queueJobs(tx, waiting);
        for (const row of waiting) await updateDelivery(tx, row.programId, row.id, { queued: true });
      }
      const messages = await deps.outbox.claimUndispatched(tx, limit);
      if (messages.length === 0) return 0;
      const endpointsOf = new Map<string, EndpointRow[]>();
      const pairs: { message: MessageRow; endpoint: EndpointRow }[] = [];
      for (const message of messages) {
        let endpoints = endpointsOf.get(message.programId);
        if (!endpoints) {
          endpoints = await enabledEndpoints(tx, message.programId);
          endpointsOf.set(message.programId, endpoints);
        }
        for (const endpoint of endpoints)
          if (wants(endpoint, message.type)) pairs.push({ message, endpoint });
      }
      await enqueue(tx, pairs, false);
      await deps.outbox.markDispatched(tx, messages);
      return messages.length;
    });
  }

  /** Signs with the current secret, and with the previous one while a rotation's overlap lasts. */
  function signatures(endpoint: EndpointRow, msgId: string, at: Date, body: string): string {
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil > at)
      secrets.push(endpoint.previousSecret);
    return secrets.map((s) => new Webhook(s).sign(msgId, at, body)).join(' ');
  }

  /** The delivery job: one attempt, logged; a failure throws so the queue retries it with back-off. */
  async function deliver(
    data: { deliveryId: string; programId: string },
    job: { retryCount: number; retryLimit: number },
  ) {
    const { programId, deliveryId } = data;
    const delivery = await findDelivery(database.db, programId, deliveryId);
    if (delivery?.state !== 'pending') return;
    const endpoint = await findEndpoint(database.db, programId, delivery.endpointId);
    const message = await deps.outbox.get(database.db, programId, delivery.messageId);
    if (!endpoint || !message || !endpoint.enabled) {
      await updateDelivery(database.db, programId, deliveryId, { state: 'skipped' });
      return;
    }
    const attempt = delivery.attempts + 1;
    const body = JSON.stringify({
      type: message.type,
      timestamp: message.createdAt.toISOString(),
      data: message.payload,
    });
    const started = Date.now();
    let status: number | null = null;
    let response = '';
    let ok = false;
    try {
      const url = new URL(endpoint.url);
      // Checked again at every attempt: a name may resolve elsewhere now than at creation.
      const why = await refusal(url);
      if (why) throw new Error(`refused: the URL ${why}`);
      const at = new Date();
      const reply = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Fidelis-Webhooks/1',
          'webhook-id': message.id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signatures(endpoint, message.id, at, body),
        },
        body,
      });
      status = reply.status;
      response = (await reply.text()).slice(0, RESPONSE_EXCERPT);
      ok = reply.status >= 200 && reply.status < 300;
    } catch (error) {
      response = (error as Error).message.slice(0, RESPONSE_EXCERPT);
    }
    const latencyMs = Date.now() - started;
    const last = !ok && job.retryCount >= job.retryLimit;
    await database.transaction(async (tx) => {
      await insertAttempt(tx, {
        programId,
        id: newId('wha'),
        deliveryId,
        endpointId: endpoint.id,
        messageId: message.id,
        attempt,
        status,
        succeeded: ok,
        latencyMs,
        response,
      });
      await updateDelivery(tx, programId, deliveryId, {
        attempts: attempt,
        state: ok ? 'succeeded' : last ? 'failed' : 'pending',
      });
      if (last) {
        // Every attempt over three days failed: the endpoint is disabled until an operator enables it.
        const locked = await lockEndpoint(tx, programId, endpoint.id);
        if (locked?.enabled) {
          const after = await updateEndpoint(tx, programId, endpoint.id, {
            enabled: false,
            disabledReason: 'failing',
          });
          await deps.audit.record(tx, programId, {
            actor: JOB,
            action: 'webhook_endpoint.disable',
            resourceType: 'webhook_endpoint',
            resourceId: endpoint.id,
            before: auditView(locked),
            after: auditView(after),
          });
        }
      }
    });
    if (last) deps.outbox.forget(programId);
    if (!ok && !last)
      throw new Error(`attempt ${attempt} failed: ${status ?? 'no response'} ${response.slice(0, 200)}`);
  }

  return { enqueue, dispatch, deliver };
}
