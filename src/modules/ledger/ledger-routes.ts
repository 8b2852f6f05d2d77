import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { FidelisError } from '../../core/errors.ts';
import { principal } from '../../http/auth.ts';
import { IdempotencyHeaders, responses } from '../../http/responses.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { PageOf } from '../../http/schemas.ts';
import { AccountParams } from '../accounts/accounts-schemas.ts';
import type { AuditService } from '../audit/audit-service.ts';
import {
  AdjustmentBody,
  type AdjustmentInputBody,
  AsOfQuery,
  BatchBody,
  type BatchInputBody,
  BatchResultSchema,
  CreditBody,
  type CreditInputBody,
  DebitBody,
  type DebitInputBody,
  EntryDetailSchema,
  EntryParams,
  EntrySchema,
  type HistoryInput,
  HistoryLineSchema,
  HistoryQuery,
  LiabilitySchema,
  ResolveBody,
  ReverseBody,
  type ReverseInputBody,
  RunDueBody,
  TransferBody,
  type TransferInputBody,
  WalletParams,
  WalletSchema,
} from './ledger-schemas.ts';
import type { LedgerService } from './ledger-service.ts';
import { type BatchItem, toEntry } from './ledger-service.ts';

const RequiredKeyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    description: 'Required: the ledger writes each movement once per key; a retry returns the first entry',
  }),
});

/** The ledger key of an API write: the client's Idempotency-Key, in the API's own namespace. */
function ledgerKey(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key.length === 0) {
    throw new FidelisError(
      'idempotency_key_required',
      'Ledger writes need an Idempotency-Key header so that retries cannot double them',
      {
        errors: [{ path: '/headers/idempotency-key', message: 'is required' }],
      },
    );
  }
  return `api:${key}`;
}

const writeErrors = [
  'account_not_found',
  'idempotency_key_required',
  'idempotency_key_reused',
  'idempotency_key_in_flight',
] as const;
const date = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

export const ledgerRoutes = routeModule({
  schemas: [EntrySchema, WalletSchema],
  routes(app: Router, { audit, ledger }: { audit: AuditService; ledger: LedgerService }): void {
    const created = { 201: Type.Ref('LedgerEntry'), 200: Type.Ref('LedgerEntry') };

    app.post(
      '/ledger/credits',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['ledger'],
          summary: 'Credit a wallet (earn), now or pending',
          description:
            'Points become a lot with the expiry of the program policy. A pending credit is visible but not spendable until posted.',
          headers: RequiredKeyHeaders,
          body: CreditBody,
          response: responses(created, [...writeErrors]),
        },
      },
      async (request, reply) => {
        const b = request.body as CreditInputBody;
        const { programId, keyId } = principal(request);
        const result = await ledger.credit(programId, {
          key: ledgerKey(request),
          account: b.account,
          unit: b.unit,
          amount: b.amount,
          reasonCode: b.reasonCode,
          explanation: b.explanation,
          contactId: b.contactId,
          pending: b.pending,
          pendingUntil: date(b.pendingUntil),
          expiresAt:
            b.expiresAt === undefined ? undefined : b.expiresAt === null ? null : new Date(b.expiresAt),
          effectiveAt: date(b.effectiveAt),
          sourceId: b.sourceId,
          actor: keyId,
        });
        return reply.code(result.replayed ? 200 : 201).send(toEntry(result.entry));
      },
    );

    app.post(
      '/ledger/debits',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['ledger'],
          summary: 'Debit a wallet (redeem, donate, pay out), or place a hold',
          description:
            'Refused with 422 insufficient_balance when the available balance does not cover it, also under concurrency.',
          headers: RequiredKeyHeaders,
          body: DebitBody,
          response: responses(created, [...writeErrors, 'insufficient_balance']),
        },
      },
      async (request, reply) => {
        const b = request.body as DebitInputBody;
        const { programId, keyId } = principal(request);
        const result = await ledger.debit(programId, {
          key: ledgerKey(request),
          account: b.account,
          unit: b.unit,
          amount: b.amount,
          type: b.type,
          reasonCode: b.reasonCode,
          explanation: b.explanation,
          contactId: b.contactId,
          hold: b.hold,
          holdUntil: date(b.holdUntil),
          sourceId: b.sourceId,
          actor: keyId,
        });
        return reply.code(result.replayed ? 200 : 201).send(toEntry(result.entry));
      },
    );

    app.post(
      '/ledger/batch',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['ledger'],
          summary: 'Up to 1,000 credits and debits in one call',
          description:
            'Each item carries its own idempotency key and gets its own result; a bad item fails alone and the others are written together in one transaction.',
          headers: IdempotencyHeaders,
          body: BatchBody,
          response: responses({ 200: BatchResultSchema }),
        },
      },
      async (request) => {
        const { programId, keyId } = principal(request);
        const { items } = request.body as BatchInputBody;
        const results = await ledger.batch(
          programId,
          items.map((item) => ({
            ...item,
            key: `api:${item.key}`,
            actor: keyId,
            pendingUntil: 'pendingUntil' in item ? date(item.pendingUntil) : undefined,
            holdUntil: 'holdUntil' in item ? date(item.holdUntil) : undefined,
            effectiveAt: 'effectiveAt' in item ? date(item.effectiveAt) : undefined,
            expiresAt:
              'expiresAt' in item && item.expiresAt !== undefined
                ? item.expiresAt === null
                  ? null
                  : new Date(item.expiresAt)
                : undefined,
          })) as BatchItem[],
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
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['ledger'],
          summary: 'Correct a balance by hand (audited)',
          headers: RequiredKeyHeaders,
          body: AdjustmentBody,
          response: responses(created, [...writeErrors, 'insufficient_balance']),
        },
      },
      async (request, reply) => {
        const b = request.body as AdjustmentInputBody;
        const { programId, keyId } = principal(request);
        const afterWrite = audit.recorder(programId, keyId, 'ledger.adjust', 'ledger_entry');
        const common = {
          key: ledgerKey(request),
          account: b.account,
          unit: b.unit,
          amount: Math.abs(b.amount),
          reasonCode: b.reasonCode,
          explanation: b.explanation,
          sourceType: 'admin' as const,
          actor: keyId,
          afterWrite,
          type: 'adjust' as const,
        };
        const result =
          b.amount > 0 ? await ledger.credit(programId, common) : await ledger.debit(programId, common);
        return reply.code(result.replayed ? 200 : 201).send(toEntry(result.entry));
      },
    );

    app.post(
      '/ledger/transfers',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['ledger'],
          summary: 'Move units between two accounts (policy: same group by default)',
          headers: RequiredKeyHeaders,
          body: TransferBody,
          response: responses(created, [...writeErrors, 'insufficient_balance', 'transfer_not_allowed']),
        },
      },
      async (request, reply) => {
        const b = request.body as TransferInputBody;
        const { programId, keyId } = principal(request);
        const result = await ledger.transfer(programId, { ...b, key: ledgerKey(request), actor: keyId });
        return reply.code(result.replayed ? 200 : 201).send(toEntry(result.entry));
      },
    );

    for (const action of ['post', 'void'] as const) {
      app.post(
        `/ledger/entries/:entryId/${action}`,
        {
          config: { scope: 'write' },
          schema: {
            tags: ['ledger'],
            summary:
              action === 'post'
                ? 'Post a pending credit, or capture a hold'
                : 'Void a pending credit, or release a hold',
            headers: RequiredKeyHeaders,
            params: EntryParams,
            body: Type.Optional(ResolveBody),
            response: responses(created, [...writeErrors, 'entry_not_found', 'entry_not_open']),
          },
        },
        async (request, reply) => {
          const { programId, keyId } = principal(request);
          const { entryId } = request.params as { entryId: string };
          const body = (request.body ?? {}) as { explanation?: string };
          const result = await ledger.resolve(programId, entryId, action, {
            key: ledgerKey(request),
            explanation: body.explanation,
            actor: keyId,
          });
          return reply.code(result.replayed ? 200 : 201).send(toEntry(result.entry));
        },
      );
    }

    app.post(
      '/ledger/entries/:entryId/reverse',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['ledger'],
          summary: 'Reverse (part of) a posted entry with a linked correcting entry',
          description:
            "Taking back spent points follows the program's clawback policy: a debt settled by later credits, or a write-off.",
          headers: RequiredKeyHeaders,
          params: EntryParams,
          body: ReverseBody,
          response: responses(created, [
            ...writeErrors,
            'entry_not_found',
            'entry_not_reversible',
            'reversal_exceeds_entry',
          ]),
        },
      },
      async (request, reply) => {
        const { programId, keyId } = principal(request);
        const { entryId } = request.params as { entryId: string };
        const b = request.body as ReverseInputBody;
        const result = await ledger.reverse(programId, entryId, {
          ...b,
          key: ledgerKey(request),
          actor: keyId,
        });
        return reply.code(result.replayed ? 200 : 201).send(toEntry(result.entry));
      },
    );

    app.get(
      '/ledger/entries/:entryId',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['ledger'],
          summary:
            'An entry with its postings, the lots it touched and the entries that resolve or reverse it',
          params: EntryParams,
          response: responses({ 200: EntryDetailSchema }, ['entry_not_found']),
        },
      },
      async (request) => {
        const { programId } = principal(request);
        const d = await ledger.entry(programId, (request.params as { entryId: string }).entryId);
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
      {
        config: { scope: 'read' },
        schema: {
          tags: ['ledger'],
          summary: "An account's wallets: available, pending, held, expiring soon, lifetime totals",
          params: AccountParams,
          response: responses({ 200: Type.Object({ data: Type.Array(Type.Ref('Wallet')) }) }, [
            'account_not_found',
          ]),
        },
      },
      async (request) => ({
        data: await ledger.summary(
          principal(request).programId,
          (request.params as { accountId: string }).accountId,
        ),
      }),
    );

    app.get(
      '/accounts/:accountId/wallets/:unit/balance',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['ledger'],
          summary: 'The posted balance (net of debt) of a wallet as of an instant',
          params: WalletParams,
          querystring: AsOfQuery,
          response: responses(
            { 200: Type.Object({ unit: Type.String(), asOf: Type.String(), balance: Type.Integer() }) },
            ['account_not_found'],
          ),
        },
      },
      async (request) => {
        const { accountId, unit } = request.params as { accountId: string; unit: string };
        const asOf = date((request.query as { asOf?: string }).asOf) ?? new Date();
        return {
          unit,
          asOf: asOf.toISOString(),
          balance: await ledger.balanceAsOf(principal(request).programId, accountId, unit, asOf),
        };
      },
    );

    app.get(
      '/accounts/:accountId/wallets/:unit/history',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['ledger'],
          summary: "A wallet's movements, newest first, each with its reason and the running balance",
          params: WalletParams,
          querystring: HistoryQuery,
          response: responses({ 200: PageOf(HistoryLineSchema) }, ['account_not_found', 'invalid_cursor']),
        },
      },
      async (request) => {
        const { accountId, unit } = request.params as { accountId: string; unit: string };
        const q = request.query as HistoryInput;
        return ledger.history(principal(request).programId, accountId, unit, {
          ...q,
          from: date(q.from),
          to: date(q.to),
        });
      },
    );

    app.post(
      '/ledger/due-runs',
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['ledger'],
          summary: 'Run the expiry and time-out job now (it also runs every minute in the server)',
          headers: IdempotencyHeaders,
          body: Type.Optional(RunDueBody),
          response: responses({
            200: Type.Object({ expired: Type.Integer(), posted: Type.Integer(), voided: Type.Integer() }),
          }),
        },
      },
      async (request) => {
        const asOf = date((request.body as { asOf?: string } | undefined)?.asOf) ?? new Date();
        return ledger.runDue(principal(request).programId, asOf);
      },
    );

    app.get(
      '/reports/liability',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['reports'],
          summary: 'Points and cash liability as of an instant, valued at the cost per point',
          querystring: AsOfQuery,
          response: responses({ 200: LiabilitySchema }),
        },
      },
      async (request) => {
        const asOf = date((request.query as { asOf?: string }).asOf) ?? new Date();
        return ledger.liability(principal(request).programId, asOf);
      },
    );
  },
});
