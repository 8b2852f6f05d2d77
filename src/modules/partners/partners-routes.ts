// The partners HTTP routes: referral programs, codes, referrals and their review, the funnel, sales
// claims with their review, and (partners-commission-routes.ts) commissions and payout runs.
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { commissionRoutes } from './partners-commission-routes.ts';
import { FunnelSchema } from './partners-funnel-schemas.ts';
import {
  AttributeBody,
  ClaimPage,
  ClaimParams,
  ClaimSchema,
  ClaimsQuery,
  CodePage,
  CodeParams,
  CodeSchema,
  CodesQuery,
  CreateCodeBody,
  CreateReferralProgramBody,
  DecisionBody,
  FunnelQuery,
  PageQuery,
  ReferralPage,
  ReferralParams,
  ReferralProgramPage,
  ReferralProgramParams,
  ReferralProgramSchema,
  ReferralSchema,
  ReferralsQuery,
  SubmitClaimBody,
  UpdateCodeBody,
  UpdateReferralProgramBody,
} from './partners-schemas.ts';
import type { PartnerService } from './partners-service.ts';
import { sweepRoutes } from './partners-sweep-routes.ts';

const op = operations('partners');

export const partnerRoutes = routeModule({
  schemas: [
    ReferralProgramSchema,
    CodeSchema,
    ReferralSchema,
    ClaimSchema,
    ...commissionRoutes.schemas,
    ...sweepRoutes.schemas,
  ],
  routes(app: Router, { partners }: { partners: PartnerService }): void {
    commissionRoutes.routes(app, { partners });
    sweepRoutes.routes(app, { partners });
    // Referral programs

    app.post(
      '/referral-programs',
      op('admin', 'Define a referral program: conversion, rewards, guards (audited)', {
        body: CreateReferralProgramBody,
        response: responses({ 201: Type.Ref('ReferralProgram') }, [
          'referral_program_exists',
          'referral_program_invalid',
        ]),
      }),
      async (request, reply) => {
        const created_ = await partners.createReferralProgram(
          principal(request).programId,
          request.body,
          actor(request),
        );
        return created(reply, created_, { location: `/v1/referral-programs/${created_.code}` });
      },
    );

    app.get(
      '/referral-programs',
      op('read', 'List the referral programs', {
        querystring: PageQuery,
        response: responses({ 200: ReferralProgramPage }, ['invalid_cursor']),
      }),
      async (request) => partners.listReferralPrograms(principal(request).programId, request.query),
    );

    app.get(
      '/referral-programs/:referralProgram',
      op('read', 'Read a referral program', {
        params: ReferralProgramParams,
        response: responses({ 200: Type.Ref('ReferralProgram') }, ['referral_program_not_found']),
      }),
      async (request) =>
        partners.getReferralProgram(principal(request).programId, request.params.referralProgram),
    );

    app.put(
      '/referral-programs/:referralProgram',
      op('admin', 'Replace a referral program (or deactivate it with active false) (audited)', {
        params: ReferralProgramParams,
        body: UpdateReferralProgramBody,
        response: responses({ 200: Type.Ref('ReferralProgram') }, [
          'referral_program_not_found',
          'referral_program_invalid',
        ]),
      }),
      async (request) =>
        partners.updateReferralProgram(
          principal(request).programId,
          request.params.referralProgram,
          request.body,
          actor(request),
        ),
    );

    // Codes

    app.post(
      '/referral-codes',
      op('write', 'Issue a referral code to a referrer account: generated, or chosen (audited)', {
        body: CreateCodeBody,
        response: responses({ 201: Type.Ref('ReferralCode') }, [
          'account_not_found',
          'referral_program_not_found',
          'referral_code_taken',
        ]),
      }),
      async (request, reply) => {
        const code = await partners.createCode(principal(request).programId, request.body, actor(request));
        return created(reply, code, { location: `/v1/referral-codes/${code.code}` });
      },
    );

    app.get(
      '/referral-codes',
      op('read', 'List referral codes (of a referrer, a referral program, a campaign)', {
        querystring: CodesQuery,
        response: responses({ 200: CodePage }, ['invalid_cursor', 'account_not_found']),
      }),
      async (request) => partners.listCodes(principal(request).programId, request.query),
    );

    app.get(
      '/referral-codes/:code',
      op('read', 'Read a referral code', {
        params: CodeParams,
        response: responses({ 200: Type.Ref('ReferralCode') }, ['referral_code_not_found']),
      }),
      async (request) => partners.getCode(principal(request).programId, request.params.code),
    );

    app.patch(
      '/referral-codes/:code',
      op('write', 'Deactivate (or reactivate) a referral code (audited)', {
        params: CodeParams,
        body: UpdateCodeBody,
        response: responses({ 200: Type.Ref('ReferralCode') }, ['referral_code_not_found']),
      }),
      async (request) =>
        partners.setCodeActive(
          principal(request).programId,
          request.params.code,
          request.body.active,
          actor(request),
        ),
    );

    // Referrals

    app.post(
      '/referrals',
      op(
        'write',
        'Attribute a referred account to the referrer of a code, or to a named referrer (first touch wins; audited)',
        {
          description:
            'The referrer is the owner of `code`, or the account `referredBy` names (decision 0060: `referralProgram` names the referral program, needed when there are several active ones; 422 referral_program_required otherwise). Refused with 409 referral_exists (naming the first referrer) when the account was referred already; 422 referral_refused when it refers itself, joined before the attribution window, or a guard set to refuse finds something. A guard set to flag puts the referral in review.',
          body: AttributeBody,
          response: responses({ 201: Type.Ref('Referral') }, [
            'validation_failed',
            'account_not_found',
            'referrer_not_found',
            'referral_program_not_found',
            'referral_program_required',
            'referral_code_not_found',
            'referral_code_inactive',
            'referral_exists',
            'referral_refused',
          ]),
        },
      ),
      async (request, reply) => {
        const referral = await partners.attribute(principal(request).programId, request.body, actor(request));
        return created(reply, referral, { location: `/v1/referrals/${referral.id}` });
      },
    );

    app.get(
      '/referrals',
      op('read', "List referrals (a referrer's, by status, referral program, campaign)", {
        querystring: ReferralsQuery,
        response: responses({ 200: ReferralPage }, ['invalid_cursor', 'account_not_found']),
      }),
      async (request) => partners.listReferrals(principal(request).programId, request.query),
    );

    app.get(
      '/referrals/:referralId',
      op('read', 'Read a referral', {
        params: ReferralParams,
        response: responses({ 200: Type.Ref('Referral') }, ['referral_not_found']),
      }),
      async (request) => partners.getReferral(principal(request).programId, request.params.referralId),
    );

    const decisionErrors = ['referral_not_found', 'referral_state_conflict'] as const;

    app.post(
      '/referrals/:referralId/approve',
      op('admin', 'Approve a referral in review (pays now if it converted meanwhile; audited)', {
        params: ReferralParams,
        body: DecisionBody,
        response: responses({ 200: Type.Ref('Referral') }, decisionErrors),
      }),
      async (request) =>
        partners.approveReferral(
          principal(request).programId,
          request.params.referralId,
          request.body,
          actor(request),
        ),
    );

    app.post(
      '/referrals/:referralId/reject',
      op('admin', 'Reject a referral in review or pending: it pays nothing (audited)', {
        params: ReferralParams,
        body: DecisionBody,
        response: responses({ 200: Type.Ref('Referral') }, decisionErrors),
      }),
      async (request) =>
        partners.rejectReferral(
          principal(request).programId,
          request.params.referralId,
          request.body,
          actor(request),
        ),
    );

    app.get(
      '/reports/referral-funnel',
      op('read', 'The referral funnel: codes issued, attributed, in review, converted, rewarded, rejected', {
        querystring: FunnelQuery,
        response: responses({ 200: FunnelSchema }, ['referral_program_not_found']),
      }),
      async (request) => partners.funnel(principal(request).programId, request.query),
    );

    // Sales claims

    app.post(
      '/claims',
      op('write', 'Submit a sales claim: invoice, lines, proof (audited)', {
        description:
          'The lines must add up to the amount and the invoice date lie within the submission window (settings.claims.submissionWindowDays, default 90). A claim of an invoice number claimed before (ignoring case, spaces and dashes) is refused with 409 claim_duplicate naming the original.',
        body: SubmitClaimBody,
        response: responses({ 201: Type.Ref('SalesClaim') }, [
          'account_not_found',
          'contact_not_found',
          'claim_duplicate',
        ]),
      }),
      async (request, reply) => {
        const claim = await partners.submitClaim(principal(request).programId, request.body, actor(request));
        return created(reply, claim, { location: `/v1/claims/${claim.id}` });
      },
    );

    app.get(
      '/claims',
      op('read', 'List sales claims (the review queue: status=submitted)', {
        querystring: ClaimsQuery,
        response: responses({ 200: ClaimPage }, ['invalid_cursor', 'account_not_found']),
      }),
      async (request) => partners.listClaims(principal(request).programId, request.query),
    );

    app.get(
      '/claims/:claimId',
      op('read', 'Read a sales claim', {
        params: ClaimParams,
        response: responses({ 200: Type.Ref('SalesClaim') }, ['claim_not_found']),
      }),
      async (request) => partners.getClaim(principal(request).programId, request.params.claimId),
    );

    const claimErrors = [
      'claim_not_found',
      'claim_state_conflict',
      'claim_approver_not_allowed',
      // The approved claim's event may be refused (no exchange rate at the time): approving again retries it.
      'fx_rate_missing',
    ] as const;

    app.post(
      '/claims/:claimId/approve',
      op('admin', 'Approve a sales claim: it becomes a sales.claim_approved event the rules pay (audited)', {
        description:
          'Maker-checker: whoever submitted the claim cannot approve it. The event (id claim:<claim id>) is ingested once; the claim records what it earned.',
        params: ClaimParams,
        body: DecisionBody,
        response: responses({ 200: Type.Ref('SalesClaim') }, claimErrors),
      }),
      async (request) =>
        partners.approveClaim(
          principal(request).programId,
          request.params.claimId,
          request.body,
          actor(request),
        ),
    );

    app.post(
      '/claims/:claimId/reject',
      op('admin', 'Reject a sales claim with a reason (audited)', {
        params: ClaimParams,
        body: DecisionBody,
        response: responses({ 200: Type.Ref('SalesClaim') }, claimErrors),
      }),
      async (request) =>
        partners.rejectClaim(
          principal(request).programId,
          request.params.claimId,
          request.body,
          actor(request),
        ),
    );
  },
});
