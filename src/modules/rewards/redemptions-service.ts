// Redemptions: request (a ledger hold and a unit of stock, atomically), approval by the account's
// approvers or the operator, fulfilment, and the ways back (rejection, cancellation, failure), each
// one transaction that also writes the audit record and the domain event.
import { FidelisError } from '../../core/errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../core/pagination.ts';
import {
  approvalsNeeded,
  ineligibility,
  unavailability,
  windowStart,
} from '../../core/rewards/eligibility.ts';
import type { RedemptionStatus } from '../../core/rewards/redemption-status.ts';
import type { Database, Tx } from '../../db/client.ts';
import { retryOnConflict } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { Contact } from '../contacts/contacts-schemas.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { CancelInput, DecisionInput, FulfilInput, ListRedemptionsInput } from './redemptions-schemas.ts';
import {
  type ApprovalRow,
  approvalsOf,
  countRedemptions,
  type EventRow,
  eventFeed,
  eventsOf,
  findRedemption,
  findRedemptionByKey,
  insertApproval,
  insertEvent,
  insertRedemption,
  listRedemptions,
  lockRedemption,
  lockRedemptionLimit,
  type RedemptionRow,
  timedOutRedemptions,
  updateRedemption,
} from './redemptions-store.ts';
import type { EligibilityFacts, RewardService } from './rewards-service.ts';
import { redemptionSettings } from './rewards-settings.ts';
import {
  findCode,
  findSession,
  issueCode,
  type RewardRow,
  releaseCode,
  reserveCode,
  returnSessionPlace,
  returnStock,
  takeSessionPlace,
  takeStock,
} from './rewards-store.ts';

const DAY = 86_400_000;
const TIMED_OUT = 'The approval time-out passed and the held points were released';
/** The actor the audit trail names for what the scheduler does. */
const SCHEDULER = 'scheduler';

export interface Actor {
  /** The API key that acts. */
  keyId: string;
  /** It has the admin scope: the operator's staff. */
  admin: boolean;
}

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
    settleEntryId: r.settleEntryId,
    refundEntryId: r.refundEntryId,
    ...(events
      ? {
          events: events.map((e) => ({
            id: e.id,
            type: e.type,
            status: e.status,
            actor: e.actor,
            data: e.data,
            at: e.at.toISOString(),
          })),
        }
      : {}),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
export type Redemption = ReturnType<typeof toRedemption>;

export function createRedemptionService(
  database: Database,
  deps: {
    programs: ProgramService;
    accounts: AccountService;
    contacts: ContactService;
    ledger: LedgerService;
    audit: AuditService;
    rewards: RewardService;
    eligibilityFacts: EligibilityFacts;
  },
) {
  const { programs, accounts, contacts, ledger, audit, rewards } = deps;

  async function load(programId: string, id: string): Promise<RedemptionRow> {
    const row = await findRedemption(database.db, programId, id);
    if (!row) throw new FidelisError('redemption_not_found', `No redemption ${id}`);
    return row;
  }

  async function view(programId: string, row: RedemptionRow, withEvents = true): Promise<Redemption> {
    const approvals = await approvalsOf(database.db, programId, [row.id]);
    const code =
      row.codeId && row.status === 'fulfilled'
        ? ((await findCode(database.db, programId, row.codeId))?.code ?? null)
        : null;
    return toRedemption(
      row,
      approvals,
      code,
      withEvents ? await eventsOf(database.db, programId, row.id) : undefined,
    );
  }

  /** Records a transition: the domain event (the outbox for webhooks) and the audit record. */
  async function record(
    tx: Tx,
    programId: string,
    actor: string,
    type: string,
    before: RedemptionRow | null,
    after: RedemptionRow,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    await insertEvent(tx, {
      programId,
      id: newId('rev'),
      redemptionId: after.id,
      type,
      status: after.status,
      actor,
      data,
    });
    await audit.record(tx, programId, {
      actor,
      action: type,
      resourceType: 'redemption',
      resourceId: after.id,
      before,
      after,
    });
  }

  /** Captures the hold; hands out the reserved code of a code-pool reward (then it is fulfilled). */
  async function settleApproved(
    tx: Tx,
    programId: string,
    r: RedemptionRow,
    reward: RewardRow,
    actor: string,
  ): Promise<RedemptionRow> {
    let posted: Awaited<ReturnType<LedgerService['resolve']>>;
    try {
      posted = await ledger.resolve(
        programId,
        r.holdEntryId,
        'post',
        { key: `redemption:${r.id}:post`, actor, sourceType: 'redemption' },
        tx,
      );
    } catch (error) {
      // The ledger's due run released the hold: the redemption waited longer than the approval
      // time-out. It is cancelled (and its stock given back); approve() reports the conflict.
      if (error instanceof FidelisError && error.code === 'entry_not_open')
        return undo(tx, programId, r, reward, 'cancelled', TIMED_OUT, actor);
      throw error;
    }
    const approved = await updateRedemption(tx, programId, r.id, {
      status: 'approved',
      settleEntryId: posted.entry.id,
    });
    await record(tx, programId, actor, 'redemption.approved', r, approved, { entryId: posted.entry.id });
    if (reward.fulfilment !== 'code_pool' || !approved.codeId) return approved;
    await issueCode(tx, programId, approved.codeId);
    const fulfilled = await updateRedemption(tx, programId, r.id, {
      status: 'fulfilled',
      delivery: 'delivered',
    });
    await record(tx, programId, actor, 'redemption.fulfilled', approved, fulfilled, {
      codeId: approved.codeId,
    });
    return fulfilled;
  }

  /** Gives back what the redemption took: the points (void or refund), the unit, code or place. */
  async function undo(
    tx: Tx,
    programId: string,
    r: RedemptionRow,
    reward: RewardRow,
    status: RedemptionStatus,
    reason: string | null,
    actor: string,
    data: Record<string, unknown> = {},
  ): Promise<RedemptionRow> {
    const patch: Partial<RedemptionRow> = { status, reason };
    if (r.settleEntryId === null) {
      try {
        const voided = await ledger.resolve(
          programId,
          r.holdEntryId,
          'void',
          {
            key: `redemption:${r.id}:void`,
            actor,
            sourceType: 'redemption',
            explanation: `Returned: ${reward.name}`,
          },
          tx,
        );
        patch.settleEntryId = voided.entry.id;
      } catch (error) {
        // Released already by the ledger's due run (approval time-out): the points are back.
        if (!(error instanceof FidelisError && error.code === 'entry_not_open')) throw error;
      }
    } else {
      const refund = await ledger.reverse(
        programId,
        r.settleEntryId,
        {
          key: `redemption:${r.id}:refund`,
          reasonCode: 'reward_refund',
          explanation: `Refund: ${reward.name}${reason ? ` (${reason})` : ''}`,
          actor,
          sourceType: 'redemption',
          sourceId: r.id,
        },
        tx,
      );
      patch.refundEntryId = refund.entry.id;
    }
    // Stock last: every transaction locks the wallet before the reward's stock rows.
    if (reward.stockKind === 'counted') await returnStock(tx, programId, reward.id);
    if (r.sessionId) await returnSessionPlace(tx, programId, r.sessionId);
    // A reserved code goes back to the pool; one handed out may have been used, and stays issued.
    if (r.codeId) await releaseCode(tx, programId, r.codeId);
    const after = await updateRedemption(tx, programId, r.id, patch);
    await record(tx, programId, actor, `redemption.${status}`, r, after, {
      ...data,
      ...(reason ? { reason } : {}),
    });
    return after;
  }

  /** Runs a transition on the locked redemption in one transaction (retried on deadlock). */
  function transition(
    programId: string,
    id: string,
    step: (tx: Tx, r: RedemptionRow, reward: RewardRow) => Promise<RedemptionRow>,
  ): Promise<RedemptionRow> {
    return retryOnConflict(() =>
      database.transaction(async (tx) => {
        const r = await lockRedemption(tx, programId, id);
        if (!r) throw new FidelisError('redemption_not_found', `No redemption ${id}`);
        const reward = await rewards.load(programId, r.rewardId, tx);
        return step(tx, r, reward);
      }),
    );
  }

  function conflict(r: RedemptionRow, action: string): FidelisError {
    return new FidelisError(
      'redemption_state_conflict',
      `Redemption ${r.id} is ${r.status}: it cannot be ${action}`,
    );
  }

  /** Who decides, and whether the policy lets them decide on this redemption. */
  async function decider(
    programId: string,
    r: RedemptionRow,
    input: DecisionInput,
    actor: Actor,
  ): Promise<{ approver: string; contact?: Contact }> {
    const { approval } = redemptionSettings((await programs.get(programId)).settings);
    let approver: string;
    let contact: Contact | undefined;
    if (input.contactId !== undefined) {
      contact = await contacts.get(programId, input.contactId);
      if (contact.accountId !== r.accountId)
        throw new FidelisError('approver_not_allowed', `Contact ${contact.id} belongs to another account`);
      if (!approval.approverRoles.includes(contact.role))
        throw new FidelisError(
          'approver_not_allowed',
          `Contact ${contact.id} is ${contact.role}; approvers are ${approval.approverRoles.join(', ')}`,
        );
      approver = contact.id;
    } else {
      if (!actor.admin || !approval.operatorMayApprove)
        throw new FidelisError(
          'approver_not_allowed',
          approval.operatorMayApprove
            ? 'Name the approving contact (contactId), or decide as operator staff with an admin key'
            : 'This program lets only contacts of the account approve',
          { errors: [{ path: '/body/contactId', message: 'is required' }] },
        );
      approver = `key:${actor.keyId}`;
    }
    if (approver === r.requestedBy)
      throw new FidelisError(
        'approver_not_allowed',
        'The requester cannot approve or reject their own request',
      );
    return { approver, contact };
  }

  return {
    async get(programId: string, id: string): Promise<Redemption> {
      return view(programId, await load(programId, id));
    },

    async list(programId: string, query: ListRedemptionsInput): Promise<Page<Redemption>> {
      const limit = query.limit ?? 50;
      const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      if (query.cursor !== undefined && before === undefined) throw new FidelisError('invalid_cursor');
      const accountId =
        query.account === undefined ? undefined : (await accounts.resolve(programId, query.account)).id;
      const rows = await listRedemptions(
        database.db,
        programId,
        { accountId, rewardId: query.reward, status: query.status, contactId: query.contactId },
        before,
        limit + 1,
      );
      const page = rows.slice(0, limit);
      const approvals = await approvalsOf(
        database.db,
        programId,
        page.map((r) => r.id),
      );
      const data = await Promise.all(
        page.map(async (r) => {
          const code =
            r.codeId && r.status === 'fulfilled'
              ? ((await findCode(database.db, programId, r.codeId))?.code ?? null)
              : null;
          return toRedemption(
            r,
            approvals.filter((a) => a.redemptionId === r.id),
            code,
          );
        }),
      );
      const last = page[page.length - 1];
      return { data, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
    },

    /** The redemption events of the program, oldest first: what a webhook dispatcher or the operator's system polls. */
    async events(
      programId: string,
      query: { type?: string; redemptionId?: string; limit?: number; cursor?: string },
    ) {
      const limit = query.limit ?? 50;
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      if (query.cursor !== undefined && after === undefined) throw new FidelisError('invalid_cursor');
      const rows = await eventFeed(database.db, programId, query, after, limit + 1);
      const data = rows.slice(0, limit).map((e) => ({
        id: e.id,
        redemptionId: e.redemptionId,
        type: e.type,
        status: e.status,
        actor: e.actor,
        data: e.data,
        at: e.at.toISOString(),
      }));
      const last = data[data.length - 1];
      // Like a feed: the cursor of the last event, also when the page is not full, so a poller resumes there.
      return { data, nextCursor: last ? encodeCursor(last.id) : (query.cursor ?? null) };
    },

    /**
     * Requests a reward: checks availability, eligibility and limits, then in one ledger transaction
     * holds the price and takes a unit, code or place (or fails whole). Below the approval policy it
     * is approved at once (the hold is captured; a code-pool reward is fulfilled with its code).
     */
    async request(
      programId: string,
      input: { reward: string; account: string; contactId?: string; sessionId?: string; note?: string },
      actor: Actor,
      requestKey?: string,
    ): Promise<{ redemption: Redemption; replayed: boolean }> {
      if (requestKey !== undefined) {
        const existing = await findRedemptionByKey(database.db, programId, requestKey);
        if (existing) return { redemption: await view(programId, existing), replayed: true };
      }
      const now = new Date();
      const reward = await rewards.load(programId, input.reward);
      const account = await accounts.resolve(programId, input.account);
      const contact =
        input.contactId === undefined ? undefined : await contacts.get(programId, input.contactId);
      if (contact && contact.accountId !== account.id) {
        throw new FidelisError('validation_failed', `Contact ${contact.id} belongs to another account`, {
          errors: [{ path: '/body/contactId', message: 'is a contact of another account' }],
        });
      }
      const notNow = unavailability(reward, now);
      if (notNow) throw new FidelisError('reward_not_available', `Reward ${reward.id}: ${notNow}`);
      if (reward.stockKind === 'sessions') {
        if (input.sessionId === undefined) {
          throw new FidelisError('validation_failed', 'This reward is booked per session: name a sessionId', {
            errors: [{ path: '/body/sessionId', message: 'is required for this reward' }],
          });
        }
        const session = await findSession(database.db, programId, reward.id, input.sessionId);
        if (!session)
          throw new FidelisError(
            'session_not_found',
            `Reward ${reward.id} has no session ${input.sessionId}`,
          );
        if (session.startsAt <= now)
          throw new FidelisError(
            'reward_not_available',
            `Session ${session.id} started at ${session.startsAt.toISOString()}`,
          );
      } else if (input.sessionId !== undefined) {
        throw new FidelisError('validation_failed', 'This reward has no sessions', {
          errors: [{ path: '/body/sessionId', message: 'this reward has no sessions' }],
        });
      }
      const facts = await deps.eligibilityFacts(programId, account.id);
      const reasons = [
        ...(account.status === 'enrolled' ? [] : [`the account is ${account.status}`]),
        ...ineligibility(reward.eligibility, {
          segment: account.segment,
          country: account.country,
          ...facts,
          role: contact?.role,
        }),
      ];
      if (reasons.length > 0) {
        throw new FidelisError(
          'reward_not_eligible',
          `Not eligible for ${reward.name}: ${reasons.join('; ')}`,
          {
            errors: reasons.map((message) => ({ path: '/body/account', message })),
          },
        );
      }
      const settings = redemptionSettings((await programs.get(programId)).settings);
      const required = approvalsNeeded(
        settings.approval,
        { amount: reward.priceAmount, unit: reward.priceUnit },
        contact?.role,
      );
      const id = newId('red');
      const requestedBy = contact?.id ?? `key:${actor.keyId}`;
      let created: RedemptionRow | undefined;
      await ledger.debit(programId, {
        key: `redemption:${id}:hold`,
        account: account.id,
        unit: reward.priceUnit,
        amount: reward.priceAmount,
        type: 'redeem',
        hold: true,
        holdUntil: new Date(now.getTime() + settings.approvalTimeoutDays * DAY),
        reasonCode: 'reward',
        explanation: `Reward: ${reward.name}`,
        contactId: contact?.id,
        sourceType: 'redemption',
        sourceId: id,
        actor: actor.keyId,
        // Inside the ledger's transaction, after the wallet row is locked and the hold written.
        afterWrite: async (tx, hold) => {
          const { limits } = reward;
          if (limits.perAccount || limits.perContact) {
            await lockRedemptionLimit(tx, programId, reward.id, account.id);
            const checks = [
              { limit: limits.perAccount, by: { accountId: account.id }, who: 'this account' },
              ...(contact
                ? [{ limit: limits.perContact, by: { contactId: contact.id }, who: 'this contact' }]
                : []),
            ];
            for (const c of checks) {
              if (!c.limit) continue;
              const n = await countRedemptions(
                tx,
                programId,
                reward.id,
                c.by,
                windowStart(c.limit.period, now),
              );
              if (n >= c.limit.count) {
                throw new FidelisError(
                  'redemption_limit_reached',
                  `${reward.name} can be redeemed ${c.limit.count} time(s) per ${c.limit.period} by ${c.who}`,
                );
              }
            }
          }
          let codeId: string | null = null;
          if (reward.stockKind === 'codes') {
            const code = await reserveCode(tx, programId, reward.id, id);
            if (!code) throw new FidelisError('out_of_stock', `${reward.name} has no codes left`);
            codeId = code.id;
          } else if (reward.stockKind === 'counted') {
            if (!(await takeStock(tx, programId, reward.id)))
              throw new FidelisError('out_of_stock', `${reward.name} is out of stock`);
          } else if (reward.stockKind === 'sessions') {
            if (!(await takeSessionPlace(tx, programId, input.sessionId!)))
              throw new FidelisError(
                'out_of_stock',
                `Session ${input.sessionId} of ${reward.name} is sold out`,
              );
          }
          const row = await insertRedemption(tx, {
            programId,
            id,
            rewardId: reward.id,
            accountId: account.id,
            contactId: contact?.id ?? null,
            requestedBy,
            sessionId: input.sessionId ?? null,
            status: 'pending_approval',
            amount: reward.priceAmount,
            unit: reward.priceUnit,
            holdEntryId: hold.id,
            approvalsRequired: required,
            codeId,
            note: input.note ?? null,
            requestKey: requestKey ?? null,
          });
          await record(tx, programId, actor.keyId, 'redemption.requested', null, row, {
            holdEntryId: hold.id,
            approvalsRequired: required,
          });
          created = required === 0 ? await settleApproved(tx, programId, row, reward, actor.keyId) : row;
        },
      });
      return { redemption: await view(programId, created!), replayed: false };
    },

    /** One approval; the last one needed captures the hold (and hands out a pool code). */
    async approve(programId: string, id: string, input: DecisionInput, actor: Actor): Promise<Redemption> {
      const { approver, contact } = await decider(programId, await load(programId, id), input, actor);
      const row = await transition(programId, id, async (tx, r, reward) => {
        const given = await approvalsOf(tx, programId, [r.id]);
        if (
          r.status === 'approved' ||
          r.status === 'fulfilled' ||
          given.some((a) => a.approver === approver)
        ) {
          throw new FidelisError(
            'already_approved',
            r.status === 'pending_approval'
              ? `${approver} approved redemption ${r.id} already; it needs another approver`
              : `Redemption ${r.id} is ${r.status} already`,
          );
        }
        if (r.status !== 'pending_approval') throw conflict(r, 'approved');
        await insertApproval(tx, {
          programId,
          redemptionId: r.id,
          approver,
          contactId: contact?.id ?? null,
          decision: 'approve',
          note: input.note ?? null,
        });
        const approvals = given.filter((a) => a.decision === 'approve').length + 1;
        await record(tx, programId, actor.keyId, 'redemption.approval_given', r, r, {
          approver,
          approvals,
          required: r.approvalsRequired,
        });
        return approvals >= r.approvalsRequired ? settleApproved(tx, programId, r, reward, actor.keyId) : r;
      });
      if (row.status === 'cancelled') {
        throw new FidelisError(
          'redemption_state_conflict',
          `Redemption ${id} was cancelled: ${TIMED_OUT.toLowerCase()}`,
        );
      }
      return view(programId, row);
    },

    /** A rejection by an approver: the held points come back, and the unit, code or place. */
    async reject(programId: string, id: string, input: DecisionInput, actor: Actor): Promise<Redemption> {
      const { approver, contact } = await decider(programId, await load(programId, id), input, actor);
      const row = await transition(programId, id, async (tx, r, reward) => {
        if (r.status !== 'pending_approval') throw conflict(r, 'rejected');
        await insertApproval(tx, {
          programId,
          redemptionId: r.id,
          approver,
          contactId: contact?.id ?? null,
          decision: 'reject',
          note: input.note ?? null,
        });
        return undo(tx, programId, r, reward, 'rejected', input.note ?? null, actor.keyId, { approver });
      });
      return view(programId, row);
    },

    /** Withdraws a redemption that is not fulfilled yet; the points come back (released or refunded). */
    async cancel(programId: string, id: string, input: CancelInput, actor: Actor): Promise<Redemption> {
      const current = await load(programId, id);
      if (input.contactId !== undefined) {
        const contact = await contacts.get(programId, input.contactId);
        if (contact.accountId !== current.accountId) {
          throw new FidelisError('validation_failed', `Contact ${contact.id} belongs to another account`, {
            errors: [{ path: '/body/contactId', message: 'is a contact of another account' }],
          });
        }
      }
      const row = await transition(programId, id, async (tx, r, reward) => {
        if (r.status !== 'pending_approval' && r.status !== 'approved') throw conflict(r, 'cancelled');
        return undo(tx, programId, r, reward, 'cancelled', input.reason ?? null, actor.keyId, {
          ...(input.contactId ? { contactId: input.contactId } : {}),
        });
      });
      return view(programId, row);
    },

    /**
     * Cancels redemptions still waiting for approval whose hold the ledger released at its time-out
     * (the ledger's due run does that, at the hold's own resolveBy, so the journal does not depend on
     * when this runs): the unit, code or place comes back. Run by the scheduler after the ledger's due
     * run; idempotent (a redemption decided meanwhile is left as it is).
     */
    async runDue(programId: string, batch = 200): Promise<{ cancelled: number }> {
      let cancelled = 0;
      const tried = new Set<string>();
      for (;;) {
        const due = (await timedOutRedemptions(database.db, programId, batch)).filter(
          (r) => !tried.has(r.id),
        );
        if (due.length === 0) return { cancelled };
        for (const one of due) {
          tried.add(one.id);
          await transition(programId, one.id, async (tx, r, reward) => {
            if (r.status !== 'pending_approval') return r;
            cancelled++;
            return undo(tx, programId, r, reward, 'cancelled', TIMED_OUT, SCHEDULER);
          });
        }
      }
    },

    /** The operator (or its system, for webhook rewards) reports shipment or delivery. */
    async fulfil(programId: string, id: string, input: FulfilInput, actor: Actor): Promise<Redemption> {
      const row = await transition(programId, id, async (tx, r, reward) => {
        const delivery = input.delivery ?? 'delivered';
        const canShip =
          (r.status === 'approved' && reward.fulfilment !== 'code_pool') ||
          (r.status === 'fulfilled' && r.delivery === 'shipped' && delivery === 'delivered');
        if (!canShip) throw conflict(r, delivery === 'shipped' ? 'shipped' : 'marked delivered');
        const tracking =
          input.carrier || input.trackingNumber || input.trackingUrl
            ? { carrier: input.carrier, number: input.trackingNumber, url: input.trackingUrl }
            : r.tracking;
        const after = await updateRedemption(tx, programId, r.id, {
          status: 'fulfilled',
          delivery,
          tracking,
          ...(input.note ? { note: input.note } : {}),
        });
        await record(
          tx,
          programId,
          actor.keyId,
          r.status === 'approved' ? 'redemption.fulfilled' : 'redemption.delivered',
          r,
          after,
          {
            delivery,
            ...(tracking ? { tracking } : {}),
          },
        );
        return after;
      });
      return view(programId, row);
    },

    /** Fulfilment failed (supplier out of stock, parcel lost): the points are refunded, the unit or place given back. */
    async fail(programId: string, id: string, reason: string, actor: Actor): Promise<Redemption> {
      const row = await transition(programId, id, async (tx, r, reward) => {
        const open = r.status === 'approved' || (r.status === 'fulfilled' && r.delivery === 'shipped');
        if (!open) throw conflict(r, 'marked failed');
        return undo(tx, programId, r, reward, 'failed', reason, actor.keyId);
      });
      return view(programId, row);
    },
  };
}

export type RedemptionService = ReturnType<typeof createRedemptionService>;
