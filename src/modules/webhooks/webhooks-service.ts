// Webhooks by the Standard Webhooks specification (decision 0016): endpoints per program, messages
// from the transactional outbox, delivery as jobs of the durable queue with exponential back-off over
// three days, a log of every attempt, replays, rotation with an overlap, automatic disabling of an
// endpoint whose delivery failed for good, and SSRF protection (no private, loopback or link-local
// targets unless the server's FIDELIS_WEBHOOK_ALLOWED_HOSTS lists the host).
import { createHash, randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { Webhook } from 'standardwebhooks';
import { type Actor, systemActor } from '../../core/access.ts';
import { FidelisError, invalid } from '../../core/errors.ts';
import { fetchPage, type Page } from '../../core/pagination.ts';
import { isBlockedAddress, isIpLiteral } from '../../core/webhooks/addresses.ts';
import type { Database, Executor } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { JobService, QueuePolicy } from '../jobs/jobs-service.ts';
import { MESSAGE_TYPES, type MessageRow, type OutboxService } from '../outbox/outbox-service.ts';
import {
  type AttemptRow,
  type EndpointRow,
  enabledEndpoints,
  findDelivery,
  findEndpoint,
  insertAttempt,
  insertDeliveries,
  insertEndpoint,
  listAttempts,
  listEndpoints,
  lockEndpoint,
  updateDelivery,
  updateEndpoint,
} from './webhooks-store.ts';

export const DELIVERY_QUEUE = 'webhook-delivery';

/**
 * Exponential back-off over three days: 30 s, 1 min, 2 min … doubling to 8 h, then every 8 h; the
 * 19th and last attempt comes about 72 hours after the first.
 */
export const DELIVERY_POLICY: QueuePolicy = {
  retryLimit: 18,
  retryDelay: 30,
  retryBackoff: true,
  retryDelayMax: 8 * 3600,
  expireInSeconds: 60,
};

export interface WebhookOptions {
  /** Hosts (`name` or `name:port`) allowed even when they resolve to a private address. */
  allowedHosts?: string[];
  /** Production: endpoints must use https. */
  production?: boolean;
  policy?: QueuePolicy;
  /** How often an instance looks for messages to dispatch (ms). */
  dispatchIntervalMs?: number;
  /** How long one attempt may take (ms). */
  timeoutMs?: number;
}

export interface WebhookDeps {
  audit: AuditService;
  jobs: JobService;
  outbox: OutboxService;
}

export interface EndpointInput {
  url: string;
  eventTypes?: string[];
  description?: string | null;
  enabled?: boolean;
}

const JOB = systemActor('webhooks');
const RESPONSE_EXCERPT = 1_000;

export function toEndpointView(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    secretRotatingUntil:
      row.previousSecretUntil && row.previousSecretUntil > new Date()
        ? row.previousSecretUntil.toISOString()
        : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toAttemptView(row: AttemptRow) {
  return {
    id: row.id,
    deliveryId: row.deliveryId,
    messageId: row.messageId,
    attempt: row.attempt,
    at: row.at.toISOString(),
    status: row.status,
    succeeded: row.succeeded,
    latencyMs: row.latencyMs,
    response: row.response,
  };
}

export function toMessageView(row: MessageRow) {
  return { id: row.id, type: row.type, payload: row.payload, createdAt: row.createdAt.toISOString() };
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** A job id for a delivery (pg-boss ids are UUIDs): the same delivery always gets the same job. */
function jobIdOf(deliveryId: string): string {
  const h = createHash('sha256').update(deliveryId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const auditView = (row: EndpointRow) => toEndpointView(row);

export function createWebhookService(database: Database, deps: WebhookDeps, options: WebhookOptions = {}) {
  const allowed = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const policy = options.policy ?? DELIVERY_POLICY;

  const isAllowedHost = (url: URL) =>
    allowed.has(url.host.toLowerCase()) || allowed.has(url.hostname.toLowerCase());

  /** Why a URL may not be a target, or undefined. Names are resolved; an unresolvable name passes here (delivery checks again). */
  async function refusal(url: URL): Promise<string | undefined> {
    if (isAllowedHost(url)) return undefined;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIpLiteral(host))
      return isBlockedAddress(host) ? 'targets a private, loopback or link-local address' : undefined;
    if (host === 'localhost' || host.endsWith('.localhost')) return 'targets a loopback address';
    try {
      const addresses = await lookup(host, { all: true });
      if (addresses.some((a) => isBlockedAddress(a.address)))
        return 'resolves to a private, loopback or link-local address';
    } catch {
      return undefined;
    }
    return undefined;
  }

  async function checkUrl(text: string, field = '/url'): Promise<string> {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw invalid('The endpoint URL is not a URL', { [field]: 'must be an absolute http or https URL' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw invalid('The endpoint URL must use https', { [field]: 'must be an http or https URL' });
    if (options.production && url.protocol !== 'https:')
      throw invalid('The endpoint URL must use https', { [field]: 'must use https in production' });
    if (url.username || url.password)
      throw invalid('The endpoint URL may not carry credentials', {
        [field]: 'may not contain a user or password',
      });
    const why = await refusal(url);
    if (why) throw invalid(`The endpoint URL ${why}`, { [field]: why });
    return url.toString();
  }

  function checkTypes(types: string[] | undefined): string[] {
    const list = types ?? [];
    list.forEach((type, i) => {
      if (!(MESSAGE_TYPES as readonly string[]).includes(type))
        throw invalid(`Unknown event type ${type}`, {
          [`/eventTypes/${i}`]: `must be one of ${MESSAGE_TYPES.join(', ')}`,
        });
    });
    return [...new Set(list)];
  }

  async function endpointOrThrow(
    ex: Executor,
    programId: string,
    id: string,
    lock = false,
  ): Promise<EndpointRow> {
    const row = lock ? await lockEndpoint(ex, programId, id) : await findEndpoint(ex, programId, id);
    if (!row) throw new FidelisError('webhook_endpoint_not_found', `No webhook endpoint ${id}`);
    return row;
  }

  /** New deliveries of messages to endpoints, each with its job, in the caller's transaction. */
  async function enqueue(
    tx: Executor,
    pairs: { message: MessageRow; endpoint: EndpointRow }[],
    replay: boolean,
  ): Promise<number> {
    const rows = await insertDeliveries(
      tx,
      pairs.map(({ message, endpoint }) => ({
        programId: message.programId,
        id: newId('whd'),
        endpointId: endpoint.id,
        messageId: message.id,
        replay,
      })),
    );
    for (const row of rows)
      await deps.jobs.send(
        DELIVERY_QUEUE,
        row.programId,
        { deliveryId: row.id },
        { id: jobIdOf(row.id) },
        tx,
      );
    return rows.length;
  }

  const wants = (endpoint: EndpointRow, type: string) =>
    endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(type);

  /** One dispatch step: undispatched messages become deliveries to the endpoints subscribed to them. */
  async function dispatch(limit = 100): Promise<number> {
    return database.transaction(async (tx) => {
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

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  return {
    checkUrl,

    async create(programId: string, input: EndpointInput, actor: Actor) {
      const url = await checkUrl(input.url);
      const eventTypes = checkTypes(input.eventTypes);
      const secret = newSecret();
      const row = await database.transaction(async (tx) => {
        const created = await insertEndpoint(tx, {
          programId,
          id: newId('whe'),
          url,
          description: input.description ?? null,
          eventTypes,
          enabled: input.enabled ?? true,
          secret,
        });
        await deps.audit.record(tx, programId, {
          actor,
          action: 'webhook_endpoint.create',
          resourceType: 'webhook_endpoint',
          resourceId: created.id,
          after: auditView(created),
        });
        return created;
      });
      deps.outbox.forget(programId);
      return { ...toEndpointView(row), secret };
    },

    async get(programId: string, id: string) {
      return toEndpointView(await endpointOrThrow(database.db, programId, id));
    },

    async list(programId: string, query: { limit?: number; cursor?: string }) {
      return fetchPage(
        query,
        (after, limit) => listEndpoints(database.db, programId, after, limit),
        toEndpointView,
      );
    },

    async update(programId: string, id: string, patch: Partial<EndpointInput>, actor: Actor) {
      const set: Partial<EndpointRow> = {};
      if (patch.url !== undefined) set.url = await checkUrl(patch.url);
      if (patch.eventTypes !== undefined) set.eventTypes = checkTypes(patch.eventTypes);
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.enabled !== undefined) {
        set.enabled = patch.enabled;
        set.disabledReason = null;
      }
      const row = await database.transaction(async (tx) => {
        const before = await endpointOrThrow(tx, programId, id, true);
        const after = await updateEndpoint(tx, programId, id, set);
        await deps.audit.record(tx, programId, {
          actor,
          action: 'webhook_endpoint.update',
          resourceType: 'webhook_endpoint',
          resourceId: id,
          before: auditView(before),
          after: auditView(after),
        });
        return after;
      });
      deps.outbox.forget(programId);
      return toEndpointView(row);
    },

    /** A new secret, shown once; the old one keeps signing (beside it) for `overlapSeconds`. */
    async rotateSecret(programId: string, id: string, overlapSeconds: number, actor: Actor) {
      const secret = newSecret();
      const row = await database.transaction(async (tx) => {
        const before = await endpointOrThrow(tx, programId, id, true);
        const after = await updateEndpoint(tx, programId, id, {
          secret,
          previousSecret: overlapSeconds > 0 ? before.secret : null,
          previousSecretUntil: overlapSeconds > 0 ? new Date(Date.now() + overlapSeconds * 1000) : null,
        });
        await deps.audit.record(tx, programId, {
          actor,
          action: 'webhook_endpoint.rotate_secret',
          resourceType: 'webhook_endpoint',
          resourceId: id,
          before: auditView(before),
          after: auditView(after),
        });
        return after;
      });
      return { ...toEndpointView(row), secret };
    },

    /** The delivery log of an endpoint, newest first (optionally of one message). */
    async attempts(
      programId: string,
      endpointId: string,
      query: { limit?: number; cursor?: string; messageId?: string },
    ) {
      await endpointOrThrow(database.db, programId, endpointId);
      return fetchPage(
        query,
        (after, limit) => listAttempts(database.db, programId, endpointId, query.messageId, after, limit),
        toAttemptView,
      );
    },

    async messages(programId: string, query: { limit?: number; cursor?: string; type?: string }) {
      const page = await deps.outbox.list(programId, query);
      return { data: page.data.map(toMessageView), nextCursor: page.nextCursor } as Page<
        ReturnType<typeof toMessageView>
      >;
    },

    /**
     * Sends messages to the endpoint again (with their own ids, so a receiver can tell): one message, or
     * those created in a time range (at most 1,000), whatever their earlier outcome.
     */
    async replay(
      programId: string,
      endpointId: string,
      input: { messageId?: string; since?: Date; until?: Date },
      actor: Actor,
    ): Promise<{ replayed: number }> {
      if (!input.messageId && !input.since)
        throw invalid('Name a message or a time range', {
          '/messageId': 'give messageId, or since (and until)',
        });
      if (input.messageId && input.since)
        throw invalid('Name a message or a time range, not both', { '/since': 'not with messageId' });
      return database.transaction(async (tx) => {
        const endpoint = await endpointOrThrow(tx, programId, endpointId);
        let messages: MessageRow[];
        if (input.messageId) {
          const message = await deps.outbox.get(tx, programId, input.messageId);
          if (!message) throw new FidelisError('webhook_message_not_found', `No message ${input.messageId}`);
          messages = [message];
        } else {
          const until = input.until ?? new Date();
          if (until < input.since!)
            throw invalid('The range ends before it starts', { '/until': 'must not be before since' });
          messages = (await deps.outbox.between(tx, programId, input.since!, until, 1_000)).filter((m) =>
            wants(endpoint, m.type),
          );
        }
        const replayed = await enqueue(
          tx,
          messages.map((message) => ({ message, endpoint })),
          true,
        );
        await deps.audit.record(tx, programId, {
          actor,
          action: 'webhook_endpoint.replay',
          resourceType: 'webhook_endpoint',
          resourceId: endpointId,
          after: {
            messageId: input.messageId ?? null,
            since: input.since ?? null,
            until: input.until ?? null,
            replayed,
          },
        });
        return { replayed };
      });
    },

    dispatch,
    deliver,

    /** Declares the delivery queue and starts this instance's dispatcher (call before `jobs.start()`). */
    async start(): Promise<void> {
      await deps.jobs.define(DELIVERY_QUEUE, policy, deliver as never);
      if (timer) return;
      timer = setInterval(() => {
        running = running.then(() => dispatch().catch(() => {}));
      }, options.dispatchIntervalMs ?? 500);
      timer.unref();
    },

    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
