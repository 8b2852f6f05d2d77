// The commission HTTP routes (decision 0032): commission plans, the plan each partner is on, commission
// lines, and payout runs with their payouts, status changes and the finance CSV.
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import {
  AssignBody,
  AssignmentPage,
  AssignmentSchema,
  AssignmentsQuery,
  CreatePlanBody,
  LinePage,
  LineSchema,
  LinesQuery,
  PartnerParams,
  PayoutParams,
  PayoutSchema,
  PayoutStatusBody,
  PlanPage,
  PlanParams,
  PlanSchema,
  ProposeRunBody,
  RunDecisionBody,
  RunPage,
  RunParams,
  RunSchema,
  RunsQuery,
  UpdatePlanBody,
} from './partners-commission-schemas.ts';
import type { PartnerService } from './partners-service.ts';

const op = operations('commissions');

export const commissionRoutes = routeModule({
  schemas: [PlanSchema, AssignmentSchema, LineSchema, PayoutSchema, RunSchema],
  routes(app: Router, { partners }: { partners: PartnerService }): void {
    // Plans

    app.post(
      '/commission-plans',
      op(
        'admin',
        'Define a commission plan: fixed per conversion, % of referred revenue, tiers, bonus (audited)',
        {
          description:
            'Amounts are decimal strings of the plan unit (whole numbers for points); volumes and targets are in the base currency; rates are percentages from 0 to 100. A negative rate, a rate above 100%, an unknown currency or event type is refused with 422 commission_plan_invalid naming the field.',
          body: CreatePlanBody,
          response: responses({ 201: Type.Ref('CommissionPlan') }, [
            'commission_plan_exists',
            'commission_plan_invalid',
          ]),
        },
      ),
      async (request, reply) => {
        const plan = await partners.createCommissionPlan(
          principal(request).programId,
          request.body,
          actor(request),
        );
        return created(reply, plan, { location: `/v1/commission-plans/${plan.code}` });
      },
    );

    app.get(
      '/commission-plans',
      op('read', 'List the commission plans', {
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
            cursor: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: PlanPage }, ['invalid_cursor']),
      }),
      async (request) => partners.listCommissionPlans(principal(request).programId, request.query),
    );

    app.get(
      '/commission-plans/:plan',
      op('read', 'Read a commission plan', {
        params: PlanParams,
        response: responses({ 200: Type.Ref('CommissionPlan') }, ['commission_plan_not_found']),
      }),
      async (request) => partners.getCommissionPlan(principal(request).programId, request.params.plan),
    );

    app.put(
      '/commission-plans/:plan',
      op('admin', 'Replace a commission plan: a new version, for lines from now on (audited)', {
        params: PlanParams,
        body: UpdatePlanBody,
        response: responses({ 200: Type.Ref('CommissionPlan') }, [
          'commission_plan_not_found',
          'commission_plan_invalid',
        ]),
      }),
      async (request) =>
        partners.updateCommissionPlan(
          principal(request).programId,
          request.params.plan,
          request.body,
          actor(request),
        ),
    );

    // Partners on plans

    app.put(
      '/commission-partners/:account',
      op('admin', 'Put a partner account on a commission plan (replacing its plan; audited)', {
        description:
          'The partner earns on the businesses it referred (the referrer of their referrals) from now on; lines written before stay as they are.',
        params: PartnerParams,
        body: AssignBody,
        response: responses({ 200: Type.Ref('CommissionPartner') }, [
          'account_not_found',
          'commission_plan_not_found',
        ]),
      }),
      async (request) =>
        partners.assignCommissionPlan(
          principal(request).programId,
          request.params.account,
          request.body.plan,
          actor(request),
        ),
    );

    app.get(
      '/commission-partners',
      op('read', 'List the partner accounts on commission plans (of one plan)', {
        querystring: AssignmentsQuery,
        response: responses({ 200: AssignmentPage }, ['invalid_cursor']),
      }),
      async (request) => partners.listCommissionPartners(principal(request).programId, request.query),
    );

    app.get(
      '/commission-partners/:account',
      op('read', 'Read the commission plan of a partner account', {
        params: PartnerParams,
        response: responses({ 200: Type.Ref('CommissionPartner') }, [
          'account_not_found',
          'commission_partner_not_found',
        ]),
      }),
      async (request) => partners.getCommissionPartner(principal(request).programId, request.params.account),
    );

    app.delete(
      '/commission-partners/:account',
      op('admin', 'Take a partner account off its commission plan (audited)', {
        params: PartnerParams,
        response: responses({ 204: Type.Null() }, ['account_not_found', 'commission_partner_not_found']),
      }),
      async (request, reply) => {
        await partners.unassignCommissionPlan(
          principal(request).programId,
          request.params.account,
          actor(request),
        );
        return reply.code(204).send();
      },
    );

    // Lines

    app.get(
      '/commission-lines',
      op('read', "List commission lines, each explained (a partner's, a payout's, an event's)", {
        description:
          'Lines are written when events of referred accounts arrive: fixed (on the conversion), percentage (of revenue), bonus (a target reached) and clawback (a return took back part of a line). Amounts are minor units or points.',
        querystring: LinesQuery,
        response: responses({ 200: LinePage }, ['invalid_cursor', 'account_not_found']),
      }),
      async (request) => partners.listCommissionLines(principal(request).programId, request.query),
    );

    // Payout runs

    app.post(
      '/payout-runs',
      op(
        'write',
        'Propose a payout run of a period: one payout per partner owed at least the minimum (audited)',
        {
          description:
            'A past or current month (2026-11) or quarter (2026-Q4) in the program time zone; a future period is refused with 422 payout_run_invalid. A period is paid once per currency: a second run (also one started concurrently) is refused with 409 payout_run_exists naming the first. Each payout carries a statement: opening balance, commissions, clawbacks, payout, closing balance.',
          body: ProposeRunBody,
          response: responses({ 201: Type.Ref('PayoutRun') }, ['payout_run_invalid', 'payout_run_exists']),
        },
      ),
      async (request, reply) => {
        const run = await partners.proposePayoutRun(
          principal(request).programId,
          request.body,
          actor(request),
        );
        return created(reply, run, { location: `/v1/payout-runs/${run.id}` });
      },
    );

    app.get(
      '/payout-runs',
      op('read', 'List payout runs, newest first', {
        querystring: RunsQuery,
        response: responses({ 200: RunPage }, ['invalid_cursor']),
      }),
      async (request) => partners.listPayoutRuns(principal(request).programId, request.query),
    );

    app.get(
      '/payout-runs/:runId',
      op('read', 'Read a payout run with its payouts and their statements', {
        params: RunParams,
        response: responses({ 200: Type.Ref('PayoutRun') }, ['payout_run_not_found']),
      }),
      async (request) => partners.getPayoutRun(principal(request).programId, request.params.runId),
    );

    app.post(
      '/payout-runs/:runId/approve',
      op('admin', 'Approve a proposed payout run: the money leaves the partners’ wallets (audited)', {
        description:
          'Maker-checker: whoever proposed the run cannot approve it (403 payout_run_approver_not_allowed). Each payout becomes a payout debit of the partner cash wallet (key derived from run and partner: once) and is pending; a wallet that no longer holds the amount fails its payout.',
        params: RunParams,
        body: RunDecisionBody,
        response: responses({ 200: Type.Ref('PayoutRun') }, [
          'payout_run_not_found',
          'payout_run_state_conflict',
          'payout_run_approver_not_allowed',
        ]),
      }),
      async (request) =>
        partners.approvePayoutRun(
          principal(request).programId,
          request.params.runId,
          request.body,
          actor(request),
        ),
    );

    app.post(
      '/payout-runs/:runId/cancel',
      op('admin', 'Cancel a proposed payout run: its lines go to the next run (audited)', {
        params: RunParams,
        body: RunDecisionBody,
        response: responses({ 200: Type.Ref('PayoutRun') }, [
          'payout_run_not_found',
          'payout_run_state_conflict',
        ]),
      }),
      async (request) =>
        partners.cancelPayoutRun(
          principal(request).programId,
          request.params.runId,
          request.body,
          actor(request),
        ),
    );

    app.get(
      '/payout-runs/:runId/export.csv',
      op('read', 'The payout run for finance, as CSV: one row per payout', {
        description:
          'Columns: payout_id, partner_account_id, partner_external_id, partner_name, tax_id (the account attribute taxId or vatId), country, amount (decimal), currency, status, reference, period (2026-11, 2026-Q4 or 2026-W49), run_id, period_from and period_to (its first and last day in the program time zone).',
        params: RunParams,
        response: responses(
          {
            200: {
              description: 'CSV with a header row (UTF-8, comma separated, one line per payout)',
              content: { 'text/csv': { schema: Type.String() } },
            },
          },
          ['payout_run_not_found'],
        ),
      }),
      async (request, reply) => {
        const lines = await partners.payoutRunCsv(principal(request).programId, request.params.runId);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="payout-run-${request.params.runId}.csv"`)
          .send(lines.join(''));
      },
    );

    app.get(
      '/payout-runs/:runId/payouts/:payoutId',
      op('read', 'Read a payout of a run', {
        params: PayoutParams,
        response: responses({ 200: Type.Ref('PartnerPayout') }, ['payout_not_found']),
      }),
      async (request) =>
        partners.getPayout(principal(request).programId, request.params.runId, request.params.payoutId),
    );

    app.post(
      '/payout-runs/:runId/payouts/:payoutId/status',
      op(
        'admin',
        'Set a released payout’s status: sent, paid or failed, with the external reference (audited)',
        {
          description:
            'pending → sent → paid, or failed from pending or sent (409 payout_state_conflict otherwise). A failed payout gives the money back to the wallet (a reversal of its debit) and its lines go to the next run.',
          params: PayoutParams,
          body: PayoutStatusBody,
          response: responses({ 200: Type.Ref('PartnerPayout') }, [
            'payout_not_found',
            'payout_state_conflict',
          ]),
        },
      ),
      async (request) =>
        partners.setPayoutStatus(
          principal(request).programId,
          request.params.runId,
          request.params.payoutId,
          request.body,
          actor(request),
        ),
    );
  },
});
