// The transactional outbox (decision 0016). Services call `emit(tx, programId, messages)` inside the
// transaction of the change; a message is written only when the program has an enabled endpoint
// subscribed to its type, so a program without webhooks pays one cached lookup and no write. What is
// subscribed comes through a port (the webhooks module's reads, wired in app/compose.ts), cached per
// instance and read again when the program's cache_versions counter moved (decision 0014: endpoints
// bump it by trigger) or at once after a change through this instance (`forget`).
import { and, asc, desc, eq, gte, isNull, lt, lte, sql } from 'drizzle-orm';
import { fetchPage, type Page } from '../../core/pagination.ts';
import { type Database, type Executor, selectRows } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { outboxMessages } from './outbox-tables.ts';

/** The catalogue of message types (docs/webhooks.md). */
export const MESSAGE_TYPES = [
  'event.processed',
  'points.credited',
  'points.debited',
  'points.expired',
  'points.expiring_soon',
  'tier.changed',
  'tier.downgrade_upcoming',
  'redemption.requested',
  'redemption.approved',
  'redemption.rejected',
  'redemption.fulfilled',
  'redemption.cancelled',
  'membership.started',
  'membership.renewed',
  'membership.lapsed',
  'referral.attributed',
  'referral.converted',
  'referral.rejected',
  'claim.submitted',
  'claim.approved',
  'claim.rejected',
  'commission.created',
  'commission.clawed_back',
  'payout_run.proposed',
  'payout_run.approved',
  'payout.status_changed',
  'challenge.completed',
  'badge.awarded',
  'survey.answered',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface OutboxMessage {
  type: MessageType;
  payload: Record<string, unknown>;
}

/** What a program's enabled endpoints subscribe to: every type (`all`), or the listed ones. */
export interface Subscriptions {
  all: boolean;
  types: ReadonlySet<string>;
  /** The types the program mails to contacts (decision 0027): written too, and left for the mailer. */
  mailed?: ReadonlySet<string>;
}

/** The port: read through the caller's executor (a PGlite transaction holds the only connection). */
export type SubscriptionsOf = (ex: Executor, programId: string) => Promise<Subscriptions>;

export type MessageRow = typeof outboxMessages.$inferSelect;

/** How long an instance trusts its cached subscriptions before asking cache_versions again. */
export const SUBSCRIPTIONS_CHECK_MS = 1_000;

const NONE: Subscriptions = { all: false, types: new Set() };

export function createOutboxService(database: Database, subscriptionsOf: SubscriptionsOf = async () => NONE) {
  const cache = new Map<string, { version: number; checkedAt: number; subs: Subscriptions }>();

  async function subscriptions(ex: Executor, programId: string): Promise<Subscriptions> {
    const now = Date.now();
    const cached = cache.get(programId);
    if (cached && now - cached.checkedAt < SUBSCRIPTIONS_CHECK_MS) return cached.subs;
    const [row] = await selectRows<{ version: string }>(
      ex,
      sql`select version::text as version from cache_versions where program_id = ${programId}`,
    );
    const version = Number(row?.version ?? 0);
    if (cached && cached.version === version) {
      cached.checkedAt = now;
      return cached.subs;
    }
    const subs = await subscriptionsOf(ex, programId);
    cache.set(programId, { version, checkedAt: now, subs });
    return subs;
  }

  return {
    /**
     * Whether the program's enabled endpoints receive any of these types (cached like `emit`): a
     * writer that would announce nothing may skip the transaction it needs to announce (decision 0020).
     */
    async wants(ex: Executor, programId: string, types: readonly MessageType[]): Promise<boolean> {
      const subs = await subscriptions(ex, programId);
      return subs.all || types.some((t) => subs.types.has(t));
    },

    /**
     * Writes the messages someone is subscribed to, in the caller's transaction. Returns what it wrote.
     */
    async emit(tx: Executor, programId: string, messages: readonly OutboxMessage[]): Promise<MessageRow[]> {
      if (messages.length === 0) return [];
      const subs = await subscriptions(tx, programId);
      const mailed = (type: string) => subs.mailed?.has(type) === true;
      const wanted = messages.filter((m) => subs.all || subs.types.has(m.type) || mailed(m.type));
      if (wanted.length === 0) return [];
      const now = new Date();
      return tx
        .insert(outboxMessages)
        .values(
          wanted.map((m) => ({
            programId,
            id: newId('msg'),
            type: m.type,
            payload: m.payload,
            // A message nobody mails is done for the mailer at once.
            notifiedAt: mailed(m.type) ? null : now,
          })),
        )
        .returning();
    },

    /** Drops what this instance cached for the program (after its endpoints changed here). */
    forget(programId: string): void {
      cache.delete(programId);
    },

    /** Claims up to `limit` messages not yet dispatched (FOR UPDATE SKIP LOCKED: instances share them). */
    async claimUndispatched(tx: Executor, limit: number): Promise<MessageRow[]> {
      return tx
        .select()
        .from(outboxMessages)
        .where(isNull(outboxMessages.dispatchedAt))
        .orderBy(asc(outboxMessages.createdAt))
        .limit(limit)
        .for('update', { skipLocked: true });
    },

    /** Claims up to `limit` messages the mailer has not handled (FOR UPDATE SKIP LOCKED). */
    async claimUnnotified(tx: Executor, limit: number): Promise<MessageRow[]> {
      return tx
        .select()
        .from(outboxMessages)
        .where(isNull(outboxMessages.notifiedAt))
        .orderBy(asc(outboxMessages.createdAt))
        .limit(limit)
        .for('update', { skipLocked: true });
    },

    async markNotified(tx: Executor, rows: readonly MessageRow[]): Promise<void> {
      for (const row of rows)
        await tx
          .update(outboxMessages)
          .set({ notifiedAt: new Date() })
          .where(and(eq(outboxMessages.programId, row.programId), eq(outboxMessages.id, row.id)));
    },

    async markDispatched(tx: Executor, rows: readonly MessageRow[]): Promise<void> {
      for (const row of rows)
        await tx
          .update(outboxMessages)
          .set({ dispatchedAt: new Date() })
          .where(and(eq(outboxMessages.programId, row.programId), eq(outboxMessages.id, row.id)));
    },

    async get(ex: Executor, programId: string, id: string): Promise<MessageRow | undefined> {
      const [row] = await ex
        .select()
        .from(outboxMessages)
        .where(and(eq(outboxMessages.programId, programId), eq(outboxMessages.id, id)));
      return row;
    },

    /** The program's messages created in [since, until], oldest first (for a replay). */
    async between(
      ex: Executor,
      programId: string,
      since: Date,
      until: Date,
      limit: number,
    ): Promise<MessageRow[]> {
      return ex
        .select()
        .from(outboxMessages)
        .where(
          and(
            eq(outboxMessages.programId, programId),
            gte(outboxMessages.createdAt, since),
            lte(outboxMessages.createdAt, until),
          ),
        )
        .orderBy(asc(outboxMessages.createdAt))
        .limit(limit);
    },

    /** The program's messages, newest first. */
    async list(
      programId: string,
      query: { limit?: number; cursor?: string; type?: string },
    ): Promise<Page<MessageRow>> {
      return fetchPage(query, (after, limit) =>
        database.db
          .select()
          .from(outboxMessages)
          .where(
            and(
              eq(outboxMessages.programId, programId),
              query.type ? eq(outboxMessages.type, query.type) : undefined,
              after ? lt(outboxMessages.id, after) : undefined,
            ),
          )
          .orderBy(desc(outboxMessages.id))
          .limit(limit),
      );
    },
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
