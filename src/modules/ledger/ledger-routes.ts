// The ledger's HTTP routes for members' movements and wallets: credits, debits, batches, adjustments,
// transfers, posting, voiding and reversing entries, an entry's detail, wallets, balance and history.
// The program-wide routes (the due run, the liability report) are in ledger-program-routes.ts.
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { asOfOrNow, created, dateOf, idempotencyKey, operations, type WriteReply } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { ListOf, PageOf } from '../../http/schemas.ts';
import { AccountParams } from '../accounts/accounts-schemas.ts';
import {
  AdjustmentBody,
  AsOfQuery,
  BatchBody,
  BatchResultSchema,
  CreditBody,
  type CreditInputBody,
  DebitBody,
  type DebitInputBody,
  EntryDetailSchema,
  EntryParams,
  EntrySchema,
  HistoryLineSchema,
  HistoryQuery,
  ResolveBody,
  ReverseBody,
  TransferBody,
  WalletParams,
  WalletSchema,
} from './ledger-schemas.ts';
import { type BatchItem, type LedgerService, toEntry, type WriteResult } from './ledger-service.ts';

/**
 * The ledger key of an API write: the client's Idempotency-Key (every ledger write moves points or
 * money, so its route requires one), in the API's own namespace.
 */
function ledgerKey(request: FastifyRequest): string {
  return `api:${idempotencyKey(request)}`;
}

/** A credit's body in the service's terms: its timestamps as dates. */
function credit(b: CreditInputBody) {
  return {
    ...b,
    pendingUntil: dateOf(b.pendingUntil),
    effectiveAt: dateOf(b.effectiveAt),
    expiresAt: b.expiresAt === undefined ? undefined : b.expiresAt === null ? null : new Date(b.expiresAt),
  };
}

/** A debit's body in the service's terms: its timestamps as dates. */
function debit(b: DebitInputBody) {
  return { ...b, holdUntil: dateOf(b.holdUntil) };
}

/** Answers a ledger write: 201 with the new entry, or 200 with the first one when the key was used before. */
function sendWrite<R>(reply: WriteReply<R>, result: WriteResult): R {
  return created(reply, toEntry(result.entry), { replayed: result.replayed });
}

/**
 * The wallet routes name the unit in the path, yet an unknown unit has always been answered with the
 * pointer `/body/unit`; the served answer stays as it is (the right pointer would be `/params/unit`).
 */
const UNIT_IN_PATH = { scope: 'read', fieldsIn: 'body' } as const;

const op = operations('ledger');

export const ledgerRoutes = routeModule({
  schemas: [EntrySchema, WalletSchema],
  routes(app: Router, { ledger }: { ledger: LedgerService }): void {
    const written = { 201: Type.Ref('LedgerEntry'), 200: Type.Ref('LedgerEntry') };

    app.post(
      '/ledger/credits',
      op({ scope: 'write', idempotencyKey: 'required' }, 'Credit a wallet (earn), now or pending', {
        description:
          'Points become a lot with the expiry of the program policy. A pending credit is visible but not spendable until posted.',
        body: CreditBody,
        response: responses(written, ['account_not_found']),
      }),
      async (request, reply) => {
        const { programId, keyId } = principal(request);
        const input = { ...credit(request.body), key: ledgerKey(request), actor: keyId };
        const result = await ledger.credit(programId, input);
        return sendWrite(reply, result);
      },
    );

    app.post(
      '/ledger/debits',
      op(
        { scope: 'write', idempotencyKey: 'required' },
        'Debit a wallet (redeem, donate, pay out), or place a hold',
        {
          description:
            'Refused with 422 insufficient_balance when the available balance does not cover it, also under concurrency.',
          body: DebitBody,
          response: responses(written, ['account_not_found', 'insufficient_balance']),
        },
      ),
      async (request, reply) => {
        const { programId, keyId } = principal(request);
        const input = { ...debit(request.body), key: ledgerKey(request), actor: keyId };
        const result = await ledger.debit(programId, input);
        return sendWrite(reply, result);
      },
    );

    app.post(
      '/ledger/batch',
      op({ scope: 'write', idempotencyKey: 'required' }, 'Up to 1,000 credits and debits in one call', {
        description:
          'Each item carries its own idempotency key and gets its own result; a bad item fails alone and the others are written together in one transaction. The request needs an Idempotency-Key as well: a retry answers the first results.',
        body: BatchBody,
        response: responses({ 200: BatchResultSchema }),
      }),
      async (request) => {
        const { programId, keyId } = principal(request);
        const results = await ledger.batch(
          programId,
          request.body.items.map(
            (item): BatchItem =>
              item.op === 'credit'
                ? { ...credit(item), op: 'credit', key: `api:${item.key}`, actor: keyId }
                : { ...debit(item), op: 'debit', key: `api:${item.key}`, actor: keyId },
          ),
        );
        return {
          results: results.map((r) =>
            r.ok ? { ok: true, replayed: r.replayed, entry: toEntry(r.entry) } : r,
          ),
        };
      },
    );

    app.post(
      '/ledger/adjustments',
      op({ scope: 'admin', idempotencyKey: 'required' }, 'Correct a balance by hand (audited)', {
        body: AdjustmentBody,
        response: responses(written, ['account_not_found', 'insufficient_balance']),
      }),
      async (request, reply) => {
        const { programId } = principal(request);
        const input = { ...request.body, key: ledgerKey(request) };
        return sendWrite(reply, await ledger.adjust(programId, input, actor(request)));
      },
    );

    app.post(
      '/ledger/transfers',
      op(
        { scope: 'write', idempotencyKey: 'required' },
        'Move units between two accounts (policy: same group by default)',
        {
          body: TransferBody,
          response: responses(written, ['account_not_found', 'insufficient_balance', 'transfer_not_allowed']),
        },
      ),
      async (request, reply) => {
        const { programId, keyId } = principal(request);
        const input = { ...request.body, key: ledgerKey(request), actor: keyId };
        const result = await ledger.transfer(programId, input);
        return sendWrite(reply, result);
      },
    );

    for (const action of ['post', 'void'] as const) {
      app.post(
        `/ledger/entries/:entryId/${action}`,
        op(
          { scope: 'write', idempotencyKey: 'required' },
          action === 'post'
            ? 'Post a pending credit, or capture a hold'
            : 'Void a pending credit, or release a hold',
          {
            params: EntryParams,
            body: Type.Optional(ResolveBody),
            response: responses(written, ['account_not_found', 'entry_not_found', 'entry_not_open']),
          },
        ),
        async (request, reply) => {
          const { programId, keyId } = principal(request);
          const result = await ledger.resolve(programId, request.params.entryId, action, {
            key: ledgerKey(request),
            explanation: request.body?.explanation,
            actor: keyId,
          });
          return sendWrite(reply, result);
        },
      );
    }

    app.post(
      '/ledger/entries/:entryId/reverse',
      op(
        { scope: 'write', idempotencyKey: 'required' },
        'Reverse (part of) a posted entry with a linked correcting entry',
        {
          description:
            "Taking back spent points follows the program's clawback policy: a debt settled by later credits, or a write-off.",
          params: EntryParams,
          body: ReverseBody,
          response: responses(written, [
            'account_not_found',
            'entry_not_found',
            'entry_not_reversible',
            'reversal_exceeds_entry',
          ]),
        },
      ),
      async (request, reply) => {
        const { programId, keyId } = principal(request);
        const input = { ...request.body, key: ledgerKey(request), actor: keyId };
        const result = await ledger.reverse(programId, request.params.entryId, input);
        return sendWrite(reply, result);
      },
    );

    app.get(
      '/ledger/entries/:entryId',
      op(
        'read',
        'An entry with its postings, the lots it touched and the entries that resolve or reverse it',
        { params: EntryParams, response: responses({ 200: EntryDetailSchema }, ['entry_not_found']) },
      ),
      async (request) => {
        const { programId } = principal(request);
        const d = await ledger.entry(programId, request.params.entryId);
        return {
          entry: toEntry(d.entry),
          postings: d.postings.map((p) => ({ walletId: p.walletId, unit: p.unit, amount: p.amount })),
          lots: d.allocations.map((a) => ({ lotId: a.lotId, amount: a.amount })),
          related: d.related.map(toEntry),
        };
      },
    );

    app.get(
      '/accounts/:accountId/wallets',
      op('read', "An account's wallets: available, pending, held, expiring soon, lifetime totals", {
        params: AccountParams,
        response: responses({ 200: ListOf(Type.Ref('Wallet')) }, ['account_not_found']),
      }),
      async (request) => ({
        data: await ledger.summary(principal(request).programId, request.params.accountId),
      }),
    );

    app.get(
      '/accounts/:accountId/wallets/:unit/balance',
      op(UNIT_IN_PATH, 'The posted balance (net of debt) of a wallet as of an instant', {
        params: WalletParams,
        querystring: AsOfQuery,
        response: responses(
          { 200: Type.Object({ unit: Type.String(), asOf: Type.String(), balance: Type.Integer() }) },
          ['account_not_found'],
        ),
      }),
      async (request) => {
        const { accountId, unit } = request.params;
        const asOf = asOfOrNow(request.query.asOf);
        return {
          unit,
          asOf: asOf.toISOString(),
          balance: await ledger.balanceAsOf(principal(request).programId, accountId, unit, asOf),
        };
      },
    );

    app.get(
      '/accounts/:accountId/wallets/:unit/history',
      op(UNIT_IN_PATH, "A wallet's movements, newest first, each with its reason and the running balance", {
        params: WalletParams,
        querystring: HistoryQuery,
        response: responses({ 200: PageOf(HistoryLineSchema) }, ['account_not_found', 'invalid_cursor']),
      }),
      async (request) => {
        const { accountId, unit } = request.params;
        const q = request.query;
        return ledger.history(principal(request).programId, accountId, unit, {
          ...q,
          from: dateOf(q.from),
          to: dateOf(q.to),
        });
      },
    );
  },
});
