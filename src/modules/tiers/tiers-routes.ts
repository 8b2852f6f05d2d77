// The tier HTTP routes: ladders, metric values, overrides, progress and history, the due run.
import Type from 'typebox';
import { invalid } from '../../core/errors.ts';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { asOfOrNow, created, dateOf, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { ListOf } from '../../http/schemas.ts';
import { AccountParams } from '../accounts/accounts-schemas.ts';
import {
  ChangeSchema,
  DueRunBody,
  LadderDocumentSchema,
  LadderParams,
  LadderSchema,
  MetricValuesBody,
  OverrideBody,
  OverrideParams,
  ProgressSchema,
  TierMemberPage,
  TierMemberSchema,
  TierMembersQuery,
  WriteLadderBody,
} from './tiers-schemas.ts';
import type { TierService } from './tiers-service.ts';

const op = operations('tiers');

export const tierRoutes = routeModule({
  schemas: [LadderDocumentSchema, LadderSchema, ChangeSchema, ProgressSchema, TierMemberSchema],
  routes(app: Router, { tiers }: { tiers: TierService }): void {
    const ladderView = Type.Ref('TierLadder');

    app.post(
      '/tier-ladders',
      op('admin', 'Create a tier ladder (audited)', {
        description:
          'Tiers from lowest to highest, each with a stable code, a threshold on the metric, and benefits (multiplier, perks). ' +
          'Thresholds must rise strictly (ladder_invalid otherwise).',
        body: WriteLadderBody,
        response: responses({ 201: ladderView }, ['ladder_invalid']),
      }),
      async (request, reply) => {
        const { programId } = principal(request);
        const ladder = await tiers.createLadder(programId, request.body.document, actor(request));
        return created(reply, ladder, { location: `/v1/tier-ladders/${ladder.id}` });
      },
    );

    app.put(
      '/tier-ladders/:ladderId',
      op('admin', 'Reshape a ladder: rename, re-threshold, insert or remove tiers (audited)', {
        description:
          'Past tier changes keep the names they were made with. Accounts are re-evaluated at once: an inserted tier they reach lifts them (reason ladder_change); ' +
          'accounts on a removed tier get the tier they qualify for. Downgrades still wait for the period end.',
        params: LadderParams,
        body: WriteLadderBody,
        response: responses({ 200: ladderView }, ['ladder_invalid', 'ladder_not_found']),
      }),
      async (request) => {
        const { programId } = principal(request);
        return tiers.updateLadder(programId, request.params.ladderId, request.body.document, actor(request));
      },
    );

    app.get(
      '/tier-ladders',
      op('read', "The program's tier ladders", {
        response: responses({ 200: ListOf(ladderView) }),
      }),
      async (request) => ({ data: await tiers.listLadders(principal(request).programId) }),
    );

    app.get(
      '/tier-ladders/:ladderId',
      op('read', 'One tier ladder', {
        params: LadderParams,
        response: responses({ 200: ladderView }, ['ladder_not_found']),
      }),
      async (request) => tiers.getLadder(principal(request).programId, request.params.ladderId),
    );

    app.get(
      '/tier-ladders/:ladderId/members',
      op('read', 'The accounts on a tier of the ladder now, in account order, paged', {
        description:
          'Under group qualification the tier is held by the top account of each group, so those are listed. An account on a tier by an override (set or freeze) says so.',
        params: LadderParams,
        querystring: TierMembersQuery,
        response: responses({ 200: TierMemberPage }, ['ladder_not_found', 'invalid_cursor']),
      }),
      async (request) => tiers.members(principal(request).programId, request.params.ladderId, request.query),
    );

    app.post(
      '/tier-ladders/:ladderId/metric-values',
      op(
        'write',
        'Send values of an operator_value metric (e.g. combined balance); each may lift the tier at once',
        {
          params: LadderParams,
          body: MetricValuesBody,
          response: responses(
            {
              200: Type.Object({
                data: Type.Array(
                  Type.Object({ accountId: Type.String(), tier: Type.Union([Type.String(), Type.Null()]) }),
                ),
              }),
            },
            ['ladder_not_found', 'ladder_invalid', 'account_not_found'],
          ),
        },
      ),
      async (request) => {
        const { programId } = principal(request);
        return {
          data: await tiers.setMetricValues(
            programId,
            request.params.ladderId,
            request.body.values.map((v) => ({ account: v.account, value: v.value, at: dateOf(v.at) })),
            actor(request),
          ),
        };
      },
    );

    app.post(
      '/tier-ladders/:ladderId/overrides',
      op(
        'admin',
        'Set a tier until a date, or freeze the current tier (a good customer on a break); audited',
        {
          params: LadderParams,
          body: OverrideBody,
          response: responses({ 200: Type.Object({ tier: Type.Union([Type.String(), Type.Null()]) }) }, [
            'ladder_not_found',
            'override_invalid',
            'account_not_found',
          ]),
        },
      ),
      async (request) => {
        const { programId } = principal(request);
        const { ladderId } = request.params;
        const state = await tiers.override(programId, ladderId, request.body, actor(request));
        return { tier: state.tier };
      },
    );

    app.delete(
      '/tier-ladders/:ladderId/overrides/:accountId',
      op('admin', 'Lift an override or freeze now: the account is requalified as at a period end (audited)', {
        params: OverrideParams,
        response: responses({ 200: Type.Object({ tier: Type.Union([Type.String(), Type.Null()]) }) }, [
          'ladder_not_found',
          'override_not_found',
          'account_not_found',
        ]),
      }),
      async (request) => {
        const { programId } = principal(request);
        const { ladderId, accountId } = request.params;
        const state = await tiers.liftOverride(programId, ladderId, accountId, actor(request));
        return { tier: state.tier };
      },
    );

    app.get(
      '/accounts/:accountId/tiers',
      op(
        'read',
        'Tier progress: current tier, since and until when, metric, what is needed next and what happens next',
        {
          params: AccountParams,
          response: responses({ 200: ListOf(Type.Ref('TierProgress')) }, ['account_not_found']),
        },
      ),
      async (request) => ({
        data: await tiers.progress(principal(request).programId, request.params.accountId),
      }),
    );

    app.get(
      '/accounts/:accountId/tier-history',
      op(
        'read',
        'Every tier change of the account (or of its group, under group qualification), with its reason',
        {
          params: AccountParams,
          response: responses({ 200: ListOf(Type.Ref('TierChange')) }, ['account_not_found']),
        },
      ),
      async (request) => ({
        data: await tiers.history(principal(request).programId, request.params.accountId),
      }),
    );

    app.post(
      '/tiers/due-runs',
      op('admin', 'Run the scheduled tier evaluation now (period ends, grace ends, override ends)', {
        description:
          'The server runs it every minute. Each account is evaluated as of its own due instant, so a late or repeated run gives the same result. ' +
          'asOf (default now) runs it as of a later instant, as the ledger and memberships due runs do; at is its deprecated former name, still accepted. ' +
          "Then the statuses whose next evaluation comes within their ladder's downgradeNoticeDays and would lower the tier, as the metric stands, are announced (tier.downgrade_upcoming), once per evaluation date.",
        body: DueRunBody,
        response: responses({
          200: Type.Object({
            evaluated: Type.Integer(),
            changed: Type.Integer(),
            downgradesAnnounced: Type.Integer({ description: 'tier.downgrade_upcoming messages written' }),
          }),
        }),
      }),
      async (request) => {
        const { programId } = principal(request);
        const { asOf, at } = request.body ?? {};
        if (asOf !== undefined && at !== undefined && Date.parse(asOf) !== Date.parse(at))
          throw invalid('Give asOf only (at is its deprecated name)', { at: 'differs from asOf' });
        return tiers.runDue(programId, asOfOrNow(asOf ?? at));
      },
    );
  },
});
