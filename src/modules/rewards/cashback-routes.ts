// Routes of cash leaving the program: charities, donations and payouts.
import { Readable } from 'node:stream';
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, idempotencyKey, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { ListOf, PageOf } from '../../http/schemas.ts';
import {
  CashListQuery,
  CharityParams,
  CharitySchema,
  CreateCharityBody,
  DonationBody,
  DonationListQuery,
  DonationPeriodQuery,
  DonationSchema,
  DonationTotalsSchema,
  PayoutBody,
  PayoutSchema,
  UpdateCharityBody,
} from './cashback-schemas.ts';
import type { CashbackService } from './cashback-service.ts';

const op = operations('cashback');

export const cashbackRoutes = routeModule({
  schemas: [CharitySchema],
  routes(app: Router, { cashback }: { cashback: CashbackService }): void {
    app.post(
      '/charities',
      op('admin', 'List a charity members can donate to', {
        body: CreateCharityBody,
        response: responses({ 201: Type.Ref('Charity') }),
      }),
      async (request, reply) => {
        const { programId } = principal(request);
        const charity = await cashback.createCharity(programId, request.body, actor(request));
        return created(reply, charity, { location: `/v1/charities/${charity.id}` });
      },
    );

    app.get(
      '/charities',
      op('read', "The program's charities", {
        response: responses({ 200: ListOf(Type.Ref('Charity')) }),
      }),
      async (request) => ({ data: await cashback.charities(principal(request).programId) }),
    );

    app.get(
      '/charities/:charityId',
      op('read', 'A charity', {
        params: CharityParams,
        response: responses({ 200: Type.Ref('Charity') }, ['charity_not_found']),
      }),
      async (request) => cashback.charity(principal(request).programId, request.params.charityId),
    );

    app.patch(
      '/charities/:charityId',
      op('admin', 'Change or archive a charity (archived: no new donations)', {
        params: CharityParams,
        body: UpdateCharityBody,
        response: responses({ 200: Type.Ref('Charity') }, ['charity_not_found']),
      }),
      async (request) => {
        const { programId } = principal(request);
        return cashback.updateCharity(programId, request.params.charityId, request.body, actor(request));
      },
    );

    app.post(
      '/donations',
      op(
        { scope: 'write', idempotencyKey: 'required' },
        'Donate (part of) a wallet — typically cashback — to a charity of the program',
        {
          description:
            'A posted ledger entry of type donate. It needs an Idempotency-Key: a retry with the same key returns the first donation.',
          body: DonationBody,
          response: responses({ 201: DonationSchema, 200: DonationSchema }, [
            'account_not_found',
            'contact_not_found',
            'charity_not_found',
            'charity_not_active',
            'insufficient_balance',
          ]),
        },
      ),
      async (request, reply) => {
        const { programId } = principal(request);
        const result = await cashback.donate(
          programId,
          request.body,
          actor(request),
          idempotencyKey(request),
        );
        return created(reply, result.donation, { replayed: result.replayed });
      },
    );

    app.get(
      '/donations',
      op('read', 'Donations, newest first, by account, charity and period', {
        querystring: DonationListQuery,
        response: responses({ 200: PageOf(DonationSchema) }, [
          'invalid_cursor',
          'account_not_found',
          'charity_not_found',
        ]),
      }),
      async (request) => cashback.donations(principal(request).programId, request.query),
    );

    app.get(
      '/donations/totals',
      op('read', 'Donations totalled per charity and unit for a period: what the program owes each charity', {
        querystring: DonationPeriodQuery,
        response: responses({ 200: DonationTotalsSchema }, ['account_not_found', 'charity_not_found']),
      }),
      async (request) => cashback.donationTotals(principal(request).programId, request.query),
    );

    app.get(
      '/donations/export',
      op('read', 'Donations of a period as CSV (oldest first), by account and charity', {
        querystring: DonationPeriodQuery,
        response: responses(
          {
            200: {
              description: 'CSV with a header row, streamed (UTF-8, comma separated, one line per donation)',
              content: { 'text/csv': { schema: Type.String() } },
            },
          },
          ['account_not_found', 'charity_not_found'],
        ),
      }),
      async (request, reply) => {
        const lines = await cashback.donationsCsv(principal(request).programId, request.query);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="donations.csv"')
          .send(Readable.from(lines));
      },
    );

    app.post(
      '/payouts',
      op(
        { scope: 'write', idempotencyKey: 'required' },
        'Pay out (part of) a cash wallet, recorded with its method and reference',
        {
          description:
            'A posted ledger entry of type payout: the amount leaves the wallet now and the operator moves the money. It needs an Idempotency-Key: a retry with the same key returns the first payout. A payout that did not go through is corrected by reversing its entry (POST /v1/ledger/entries/{entryId}/reverse).',
          body: PayoutBody,
          response: responses({ 201: PayoutSchema, 200: PayoutSchema }, [
            'account_not_found',
            'contact_not_found',
            'insufficient_balance',
          ]),
        },
      ),
      async (request, reply) => {
        const { programId } = principal(request);
        const result = await cashback.payout(
          programId,
          request.body,
          actor(request),
          idempotencyKey(request),
        );
        return created(reply, result.payout, { replayed: result.replayed });
      },
    );

    app.get(
      '/payouts',
      op('read', 'Payouts, newest first', {
        querystring: CashListQuery,
        response: responses({ 200: PageOf(PayoutSchema) }, ['invalid_cursor', 'account_not_found']),
      }),
      async (request) => cashback.payouts(principal(request).programId, request.query),
    );
  },
});
