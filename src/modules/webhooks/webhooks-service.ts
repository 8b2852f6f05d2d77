// Webhooks by the Standard Webhooks specification (decision 0016): endpoints per program, messages
// from the transactional outbox, delivery as jobs of the durable queue with exponential back-off over
// three days, a log of every attempt, replays, rotation with an overlap, automatic disabling of an
// endpoint whose delivery failed for good, and SSRF protection (no private, loopback or link-local
// targets unless the server's FIDELIS_WEBHOOK_ALLOWED_HOSTS lists the host).
import { randomBytes } from 'node:crypto';
import type { Actor } from '../../core/access.ts';
import { FidelisError, invalid } from '../../core/errors.ts';
import { fetchPage, type Page } from '../../core/pagination.ts';
import type { Database, Executor } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { JobService, QueuePolicy } from '../jobs/jobs-service.ts';
import { MESSAGE_TYPES, type MessageRow, type OutboxService } from '../outbox/outbox-service.ts';
import { createDelivery, DELIVERY_QUEUE, wants } from './webhooks-delivery.ts';
import {
  type EndpointRow,
  findEndpoint,
  insertEndpoint,
  listAttempts,
  listEndpoints,
  lockEndpoint,
  updateEndpoint,
} from './webhooks-store.ts';
import { createTargetCheck } from './webhooks-targets.ts';
import { toAttemptView, toEndpointView, toMessageView } from './webhooks-views.ts';

export { DELIVERY_QUEUE } from './webhooks-delivery.ts';

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

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

const auditView = (row: EndpointRow) => toEndpointView(row);

export function createWebhookService(database: Database, deps: WebhookDeps, options: WebhookOptions = {}) {
  const policy = options.policy ?? DELIVERY_POLICY;
  const targets = createTargetCheck(options);
  const { checkUrl } = targets;
  const { enqueue, dispatch, deliver } = createDelivery(database, deps, options, targets);

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
