// How a redemption is shown (with its approvals, its code once fulfilled, its events), and reading
// redemptions: one, a page of them, and the feed of their events.
import { FidelisError } from '../../core/errors.ts';
import { afterCursor, DEFAULT_LIMIT, encodeCursor, type Page, toPage } from '../../core/pagination.ts';
import type { EventFeedInput, ListRedemptionsInput } from './redemptions-schemas.ts';
import type { RedemptionDeps } from './redemptions-service.ts';
import {
  type ApprovalRow,
  approvalsOf,
  type EventRow,
  eventFeed,
  eventsOf,
  findRedemption,
  listRedemptions,
  type RedemptionRow,
} from './redemptions-store.ts';
import { findCode } from './rewards-store.ts';

export function toRedemption(
  r: RedemptionRow,
  approvals: ApprovalRow[],
  code: string | null,
  events?: EventRow[],
) {
  return {
    id: r.id,
    rewardId: r.rewardId,
    accountId: r.accountId,
    contactId: r.contactId,
    sessionId: r.sessionId,
    status: r.status,
    price: { amount: r.amount, unit: r.unit },
    approvals: {
      required: r.approvalsRequired,
      decisions: approvals.map((a) => ({
        approver: a.approver,
        decision: a.decision,
        note: a.note,
        at: a.at.toISOString(),
      })),
    },
    code,
    delivery: r.delivery,
    tracking: r.tracking,
    note: r.note,
    reason: r.reason,
    holdEntryId: r.holdEntryId,
    issuedFor: r.issuedFor,
    settleEntryId: r.settleEntryId,
    refundEntryId: r.refundEntryId,
    ...(events ? { events: events.map(toRedemptionEvent) } : {}),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
export type Redemption = ReturnType<typeof toRedemption>;

function toRedemptionEvent(e: EventRow) {
  return { id: e.id, type: e.type, status: e.status, actor: e.actor, data: e.data, at: e.at.toISOString() };
}

export async function loadRedemption(
  d: RedemptionDeps,
  programId: string,
  id: string,
): Promise<RedemptionRow> {
  const row = await findRedemption(d.database.db, programId, id);
  if (!row) throw new FidelisError('redemption_not_found', `No redemption ${id}`);
  return row;
}

/** The code a redemption handed out: shown once it is fulfilled, never while only reserved. */
async function codeOf(d: RedemptionDeps, programId: string, r: RedemptionRow): Promise<string | null> {
  return r.codeId && r.status === 'fulfilled'
    ? ((await findCode(d.database.db, programId, r.codeId))?.code ?? null)
    : null;
}

/** The redemption as the API shows it, with its approvals, code and events. */
export async function viewRedemption(
  d: RedemptionDeps,
  programId: string,
  row: RedemptionRow,
): Promise<Redemption> {
  const approvals = await approvalsOf(d.database.db, programId, [row.id]);
  const code = await codeOf(d, programId, row);
  return toRedemption(row, approvals, code, await eventsOf(d.database.db, programId, row.id));
}

export async function getRedemption(d: RedemptionDeps, programId: string, id: string): Promise<Redemption> {
  return viewRedemption(d, programId, await loadRedemption(d, programId, id));
}

/** Redemptions, newest first, filtered, in pages (without their events). */
export async function redemptionPage(
  d: RedemptionDeps,
  programId: string,
  query: ListRedemptionsInput,
): Promise<Page<Redemption>> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const before = afterCursor(query.cursor);
  const accountId =
    query.account === undefined ? undefined : (await d.accounts.resolve(programId, query.account)).id;
  const rows = await listRedemptions(
    d.database.db,
    programId,
    { accountId, rewardId: query.reward, status: query.status, contactId: query.contactId },
    before,
    limit + 1,
  );
  const page = toPage(rows, limit);
  const approvals = await approvalsOf(
    d.database.db,
    programId,
    page.data.map((r) => r.id),
  );
  const data = await Promise.all(
    page.data.map(async (r) =>
      toRedemption(
        r,
        approvals.filter((a) => a.redemptionId === r.id),
        await codeOf(d, programId, r),
      ),
    ),
  );
  return { data, nextCursor: page.nextCursor };
}

/** The redemption events of the program, oldest first: what a webhook dispatcher or the operator's system polls. */
export async function redemptionEventPage(d: RedemptionDeps, programId: string, query: EventFeedInput) {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const rows = await eventFeed(d.database.db, programId, query, afterCursor(query.cursor), limit + 1);
  const data = rows.slice(0, limit).map((e) => {
    const { id, ...rest } = toRedemptionEvent(e);
    return { id, redemptionId: e.redemptionId, ...rest };
  });
  const last = data[data.length - 1];
  // Not toPage: a feed returns the cursor of its last event also when the page is not full (and the
  // cursor it was given when there is nothing newer), so a poller resumes exactly there.
  return { data, nextCursor: last ? encodeCursor(last.id) : (query.cursor ?? null) };
}
