// Typed relationships between accounts (decision 0024): `manages`, separate from the ownership
// hierarchy. Created (refusing a `manages` cycle, under the program's relationship lock), listed,
// ended with a date; audited.
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Actor } from '../../core/access.ts';
import { FidelisError, fieldError, invalid } from '../../core/errors.ts';
import { fetchPage, type PageQuery } from '../../core/pagination.ts';
import { advisoryLock, type Executor, selectRows } from '../../db/client.ts';
import { programTable } from '../../db/rows.ts';
import { newId } from '../../lib/ids.ts';
import { resolve } from './accounts-find.ts';
import type { AccountDeps } from './accounts-service.ts';
import { accountRelationships } from './accounts-tables.ts';

type RelationshipRow = typeof accountRelationships.$inferSelect;
const rows = programTable(accountRelationships, accountRelationships.id);

export interface RelationshipInput {
  type: 'manages';
  from: string;
  to: string;
  startsAt?: string;
}

export function toRelationship(r: RelationshipRow, now = new Date()) {
  return {
    id: r.id,
    type: r.type,
    fromAccountId: r.fromAccountId,
    toAccountId: r.toAccountId,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt ? r.endsAt.toISOString() : null,
    active: r.startsAt <= now && (!r.endsAt || r.endsAt > now),
    createdAt: r.createdAt.toISOString(),
  };
}

/** Whether `to` already manages `from`, directly or through others, by relationships not ended. */
async function reaches(db: Executor, programId: string, start: string, target: string): Promise<boolean> {
  const [row] = await selectRows<{ found: boolean }>(
    db,
    sql`with recursive chain(account_id, depth) as (
          select ${start}::text, 0
          union
          select r.to_account_id, c.depth + 1 from account_relationships r
          join chain c on r.from_account_id = c.account_id
          where r.program_id = ${programId} and r.type = 'manages' and r.ends_at is null and c.depth < 64
        )
        select exists(select 1 from chain where account_id = ${target}) as found`,
  );
  return Boolean(row?.found);
}

/** Creates a relationship (audited as `relationship.create`); a `manages` cycle is refused. */
export async function createRelationship(
  { database, audit, onRelationships }: AccountDeps,
  programId: string,
  input: RelationshipInput,
  actor: Actor,
  now = new Date(),
) {
  const from = await resolve(database.db, programId, input.from);
  const to = await resolve(database.db, programId, input.to);
  if (from.id === to.id)
    throw invalid('An account cannot manage itself', { to: 'is the same account as from' });
  const startsAt = input.startsAt ? new Date(input.startsAt) : now;
  const view = await database.transaction(async (tx) => {
    // One writer of a program's relationships at a time, so two concurrent links cannot close a cycle.
    await advisoryLock(tx, `relationships:${programId}`);
    if (await reaches(tx, programId, to.id, from.id))
      throw fieldError(
        'relationship_cycle',
        `${to.id} already manages ${from.id}, directly or through others`,
        {
          to: 'would make a manages cycle',
        },
      );
    const open = await rows.findWhere(
      tx,
      programId,
      eq(accountRelationships.type, input.type),
      eq(accountRelationships.fromAccountId, from.id),
      eq(accountRelationships.toAccountId, to.id),
      isNull(accountRelationships.endsAt),
    );
    if (open)
      throw new FidelisError(
        'relationship_exists',
        `${from.id} already ${input.type} ${to.id} (${open.id})`,
        {
          relationshipId: open.id,
        },
      );
    const row = await rows.insert(tx, {
      programId,
      id: newId('rel'),
      type: input.type,
      fromAccountId: from.id,
      toAccountId: to.id,
      startsAt,
    });
    const view = toRelationship(row, now);
    await audit.record(tx, programId, {
      actor,
      action: 'relationship.create',
      resourceType: 'relationship',
      resourceId: view.id,
      after: view,
    });
    return view;
  });
  // Ladders of managed accounts may lift the managing account's tier now (decision 0047).
  await onRelationships?.(programId, [from.id], now);
  return view;
}

/** Ends a relationship at `endsAt` (now by default; audited as `relationship.end`). */
export async function endRelationship(
  { database, audit }: AccountDeps,
  programId: string,
  id: string,
  endsAtInput: string | undefined,
  actor: Actor,
  now = new Date(),
) {
  return database.transaction(async (tx) => {
    const current = await rows.lock(tx, programId, id);
    if (!current) throw new FidelisError('relationship_not_found', `No relationship ${id}`);
    if (current.endsAt) throw new FidelisError('relationship_ended', `Relationship ${id} ended already`);
    const endsAt = endsAtInput ? new Date(endsAtInput) : now;
    if (endsAt <= current.startsAt)
      throw invalid('endsAt must be after the relationship starts', { endsAt: 'must be after startsAt' });
    const row = await rows.update(tx, programId, id, { endsAt });
    const change = { before: toRelationship(current, now), after: toRelationship(row!, now) };
    await audit.record(tx, programId, {
      actor,
      action: 'relationship.end',
      resourceType: 'relationship',
      resourceId: id,
      ...change,
    });
    return change.after;
  });
}

/** Relationships of the program, by account (either side), managing account, type, and active now. */
export async function listRelationships(
  { database }: AccountDeps,
  programId: string,
  query: PageQuery & { account?: string; from?: string; to?: string; type?: 'manages'; active?: boolean },
  now = new Date(),
) {
  const idOf = async (ref?: string) =>
    ref === undefined ? undefined : (await resolve(database.db, programId, ref)).id;
  const [account, from, to] = [await idOf(query.account), await idOf(query.from), await idOf(query.to)];
  const t = accountRelationships;
  const conditions = [
    query.type ? eq(t.type, query.type) : undefined,
    account ? or(eq(t.fromAccountId, account), eq(t.toAccountId, account)) : undefined,
    from ? eq(t.fromAccountId, from) : undefined,
    to ? eq(t.toAccountId, to) : undefined,
    query.active === true
      ? and(sql`${t.startsAt} <= ${now}`, or(isNull(t.endsAt), gt(t.endsAt, now)))
      : query.active === false
        ? or(sql`${t.startsAt} > ${now}`, sql`${t.endsAt} <= ${now}`)
        : undefined,
  ];
  return fetchPage(
    query,
    (after, limit) => rows.page(database.db, programId, conditions, after, limit),
    (r) => toRelationship(r, now),
  );
}
