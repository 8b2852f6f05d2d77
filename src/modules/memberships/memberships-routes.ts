// The membership HTTP routes: plans, joining and transitions, the due run, an account's entitlements.
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { asOfOrNow, created, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { PageOf } from '../../http/schemas.ts';
import { AccountParams } from '../accounts/accounts-schemas.ts';
import {
  EntitlementGrantSchema,
  EntitlementUseSchema,
  GrantEntitlementBody,
  GrantParams,
  UseEntitlementBody,
} from './memberships-entitlement-schemas.ts';
import {
  CreatePlanBody,
  DecisionBody,
  EntitlementCheckParams,
  EntitlementCheckSchema,
  EntitlementPage,
  EntitlementSchema,
  EventPage,
  JoinBody,
  ListMembershipsQuery,
  ListPlansQuery,
  MembershipDetailSchema,
  MembershipPage,
  MembershipParams,
  MembershipSchema,
  PageQuery,
  PlanPage,
  PlanParams,
  PlanSchema,
  RunDueBody,
  StatusPageQuery,
  UpdatePlanBody,
} from './memberships-schemas.ts';
import type { MembershipService } from './memberships-service.ts';

const op = operations('memberships');

export const membershipRoutes = routeModule({
  schemas: [PlanSchema, MembershipSchema, EntitlementSchema, EntitlementGrantSchema, EntitlementUseSchema],
  routes(app: Router, { memberships }: { memberships: MembershipService }): void {
    // Plans

    app.post(
      '/membership-plans',
      op(
        'admin',
        'Create a membership plan: fee, term, renewal, joining condition and entitlements (audited)',
        {
          body: CreatePlanBody,
          response: responses({ 201: Type.Ref('MembershipPlan') }),
        },
      ),
      async (request, reply) => {
        const { programId } = principal(request);
        const plan = await memberships.createPlan(programId, request.body, actor(request));
        return created(reply, plan, { location: `/v1/membership-plans/${plan.id}` });
      },
    );

    app.get(
      '/membership-plans',
      op('read', 'List membership plans', {
        querystring: ListPlansQuery,
        response: responses({ 200: PlanPage }, ['invalid_cursor']),
      }),
      async (request) => memberships.listPlans(principal(request).programId, request.query),
    );

    app.get(
      '/membership-plans/:planId',
      op('read', 'Read a membership plan', {
        params: PlanParams,
        response: responses({ 200: Type.Ref('MembershipPlan') }, ['plan_not_found']),
      }),
      async (request) => memberships.getPlan(principal(request).programId, request.params.planId),
    );

    app.patch(
      '/membership-plans/:planId',
      op(
        'admin',
        'Change a plan: a new version for new members; existing memberships keep theirs (audited)',
        {
          params: PlanParams,
          body: UpdatePlanBody,
          response: responses({ 200: Type.Ref('MembershipPlan') }, ['plan_not_found']),
        },
      ),
      async (request) => {
        const { programId } = principal(request);
        return memberships.updatePlan(programId, request.params.planId, request.body, actor(request));
      },
    );

    app.post(
      '/membership-plans/:planId/archive',
      op('admin', 'Archive a plan: nobody can join it any more; its memberships run on (audited)', {
        params: PlanParams,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: responses({ 200: Type.Ref('MembershipPlan') }, ['plan_not_found']),
      }),
      async (request) => {
        const { programId } = principal(request);
        return memberships.archivePlan(programId, request.params.planId, actor(request));
      },
    );

    app.delete(
      '/membership-plans/:planId',
      op('admin', 'Delete a plan nobody has joined (a plan in use is archived instead) (audited)', {
        params: PlanParams,
        response: responses({ 200: Type.Ref('MembershipPlan') }, ['plan_not_found', 'plan_in_use']),
      }),
      async (request) => {
        const { programId } = principal(request);
        return memberships.deletePlan(programId, request.params.planId, actor(request));
      },
    );

    app.get(
      '/membership-plans/:planId/members',
      op('read', 'The memberships of a plan', {
        params: PlanParams,
        querystring: StatusPageQuery,
        response: responses({ 200: MembershipPage }, ['plan_not_found', 'invalid_cursor']),
      }),
      async (request) =>
        memberships.list(principal(request).programId, {
          ...request.query,
          planId: request.params.planId,
        }),
    );

    // Memberships

    app.post(
      '/memberships',
      op(
        { scope: 'write', idempotencyKey: 'required' },
        'Join an account to a plan with its evidence (contract, purchase, or approval request)',
        {
          description:
            'A contract or purchase join is active at once: entitlements granted, service credits credited, ' +
            'the first term charged. An approval join is pending until an admin approves it. Joining again ' +
            'while pending or active with the same via and reference answers the existing membership (200). ' +
            'It needs an Idempotency-Key: a retry with the same key answers the first response.',
          body: JoinBody,
          response: responses({ 201: MembershipDetailSchema, 200: MembershipDetailSchema }, [
            'account_not_found',
            'plan_not_found',
            'membership_exists',
            'joining_condition_unmet',
            'plan_archived',
          ]),
        },
      ),
      async (request, reply) => {
        const { programId } = principal(request);
        const { membership, replayed } = await memberships.join(programId, request.body, actor(request));
        return created(reply, membership, { location: `/v1/memberships/${membership.id}`, replayed });
      },
    );

    app.get(
      '/memberships',
      op('read', 'List memberships, by account, plan or status', {
        querystring: ListMembershipsQuery,
        response: responses({ 200: MembershipPage }, ['account_not_found', 'invalid_cursor']),
      }),
      async (request) => memberships.list(principal(request).programId, request.query),
    );

    app.get(
      '/memberships/:membershipId',
      op('read', 'Read a membership with its terms (renewal history and charges) and entitlements', {
        params: MembershipParams,
        response: responses({ 200: MembershipDetailSchema }, ['membership_not_found']),
      }),
      async (request) => memberships.get(principal(request).programId, request.params.membershipId),
    );

    app.get(
      '/memberships/:membershipId/events',
      op('read', 'Every transition of a membership, oldest first', {
        params: MembershipParams,
        querystring: PageQuery,
        response: responses({ 200: EventPage }, ['membership_not_found', 'invalid_cursor']),
      }),
      async (request) =>
        memberships.events(principal(request).programId, request.params.membershipId, request.query),
    );

    for (const action of ['approve', 'reject'] as const) {
      app.post(
        `/memberships/:membershipId/${action}`,
        op(
          'admin',
          action === 'approve'
            ? 'Approve a pending membership: it starts now, with its entitlements (audited)'
            : 'Reject a pending membership (audited)',
          {
            params: MembershipParams,
            body: Type.Optional(DecisionBody),
            response: responses({ 200: MembershipDetailSchema }, [
              'membership_not_found',
              'membership_not_pending',
            ]),
          },
        ),
        async (request) => {
          const { programId } = principal(request);
          const id = request.params.membershipId;
          return action === 'approve'
            ? memberships.approve(programId, id, actor(request), request.body?.note)
            : memberships.reject(programId, id, actor(request), request.body?.note);
        },
      );
    }

    app.post(
      '/memberships/:membershipId/cancel',
      op('write', 'Cancel a pending or active membership now: no renewal, entitlements end now', {
        params: MembershipParams,
        body: Type.Optional(DecisionBody),
        response: responses({ 200: MembershipDetailSchema }, ['membership_not_found', 'membership_ended']),
      }),
      async (request) => {
        const { programId } = principal(request);
        return memberships.cancel(programId, request.params.membershipId, actor(request), request.body?.note);
      },
    );

    app.post(
      '/memberships/due-runs',
      op('admin', 'Run the renewal and lapse job now (it also runs every minute in the server)', {
        body: Type.Optional(RunDueBody),
        response: responses({ 200: Type.Object({ renewed: Type.Integer(), lapsed: Type.Integer() }) }),
      }),
      async (request) => {
        const asOf = request.body?.asOf;
        return memberships.runDue(principal(request).programId, asOfOrNow(asOf));
      },
    );

    // Entitlements of an account

    app.get(
      '/accounts/:accountId/memberships',
      op('read', 'The memberships of an account', {
        params: AccountParams,
        querystring: StatusPageQuery,
        response: responses({ 200: MembershipPage }, ['account_not_found', 'invalid_cursor']),
      }),
      async (request) =>
        memberships.list(principal(request).programId, {
          ...request.query,
          account: request.params.accountId,
        }),
    );

    app.get(
      '/accounts/:accountId/entitlements',
      op('read', 'What the account holds through its memberships, with validity (active: held now)', {
        params: AccountParams,
        querystring: PageQuery,
        response: responses({ 200: EntitlementPage }, ['account_not_found', 'invalid_cursor']),
      }),
      async (request) =>
        memberships.entitlementsOf(principal(request).programId, request.params.accountId, request.query),
    );

    app.get(
      '/accounts/:accountId/entitlements/:entitlementKey',
      op('read', 'Entitlement check: does the account hold this entitlement now, and from which source?', {
        description:
          'For the operator’s systems (support desk, feature flags, checkout). Answers for every source — ' +
          'memberships, the perks of the tiers the account holds, grants by hand — and names each that grants it ' +
          '(granted false when none does).',
        params: EntitlementCheckParams,
        response: responses({ 200: EntitlementCheckSchema }, ['account_not_found']),
      }),
      async (request) => {
        const { accountId, entitlementKey } = request.params;
        return memberships.check(principal(request).programId, accountId, entitlementKey);
      },
    );

    app.post(
      '/accounts/:accountId/entitlements/:entitlementKey/uses',
      op('write', 'Record a use of an entitlement held through a membership (audited)', {
        description:
          "Counted in the membership's current term: refused with 409 entitlement_uses_exhausted when the plan's " +
          'usesPerTerm are used up, 404 entitlement_not_held when no active membership of the account grants the key now.',
        params: EntitlementCheckParams,
        body: UseEntitlementBody,
        response: responses({ 201: Type.Ref('EntitlementUse') }, [
          'account_not_found',
          'entitlement_not_held',
          'entitlement_uses_exhausted',
        ]),
      }),
      async (request, reply) => {
        const { accountId, entitlementKey } = request.params;
        const use = await memberships.useEntitlement(
          principal(request).programId,
          accountId,
          entitlementKey,
          request.body ?? {},
          actor(request),
        );
        return created(reply, use);
      },
    );

    // Entitlements granted by hand (decision 0024)

    app.post(
      '/accounts/:accountId/entitlement-grants',
      op('write', 'Grant an entitlement to an account by hand, open-ended or until an instant (audited)', {
        params: AccountParams,
        body: GrantEntitlementBody,
        response: responses({ 201: Type.Ref('EntitlementGrant') }, ['account_not_found']),
      }),
      async (request, reply) => {
        const grant = await memberships.grant(
          principal(request).programId,
          request.params.accountId,
          request.body,
          actor(request),
        );
        return created(reply, grant, { location: `/v1/entitlement-grants/${grant.id}` });
      },
    );

    app.get(
      '/accounts/:accountId/entitlement-grants',
      op('read', "An account's entitlement grants, revoked and ended ones too", {
        params: AccountParams,
        querystring: PageQuery,
        response: responses({ 200: PageOf(Type.Ref('EntitlementGrant')) }, [
          'account_not_found',
          'invalid_cursor',
        ]),
      }),
      async (request) =>
        memberships.grantsOf(principal(request).programId, request.params.accountId, request.query),
    );

    app.get(
      '/entitlement-grants/:grantId',
      op('read', 'Read an entitlement grant', {
        params: GrantParams,
        response: responses({ 200: Type.Ref('EntitlementGrant') }, ['grant_not_found']),
      }),
      async (request) => memberships.getGrant(principal(request).programId, request.params.grantId),
    );

    app.post(
      '/entitlement-grants/:grantId/revoke',
      op('write', 'Revoke an entitlement grant at once (audited); a revoked grant answers as it is', {
        params: GrantParams,
        response: responses({ 200: Type.Ref('EntitlementGrant') }, ['grant_not_found']),
      }),
      async (request) =>
        memberships.revokeGrant(principal(request).programId, request.params.grantId, actor(request)),
    );
  },
});
