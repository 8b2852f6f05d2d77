// The member portal's HTTP surface: the operator's site mints one-time links under /v1 (an API key),
// and the portal's own API under /portal/api (the member's cookie session), which acts only for the
// signed-in contact — no route takes an account or contact id from the client.
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { RequiredIdempotencyHeaders, responses } from '../../http/responses.ts';
import { created, idempotencyKey, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { PageOf } from '../../http/schemas.ts';
import { HistoryLineSchema } from '../ledger/ledger-schemas.ts';
import { member, setPortalCookie } from './portal-plugin.ts';
import {
  BrandingSchema,
  DecisionParams,
  ExchangeBody,
  MailLinkAnswerSchema,
  MailLinkBody,
  MintLinkBody,
  PortalChallengesSchema,
  PortalCompanySchema,
  PortalDecisionBody,
  PortalDecisionSchema,
  PortalHistoryQuery,
  PortalHomeSchema,
  PortalLinkSchema,
  PortalListQuery,
  PortalLocaleQuery,
  PortalPerksSchema,
  PortalRedeemBody,
  PortalRedemptionSchema,
  PortalSessionSchema,
  SlugParams,
} from './portal-schemas.ts';
import { PORTAL_SESSION_HOURS, type PortalService } from './portal-service.ts';

const op = operations('portal');
const cookieAuth = [{ portalSession: [] }];

/** Under /v1: the operator's site asks for a member's one-time portal link. */
export const portalRoutes = routeModule({
  schemas: [PortalLinkSchema],
  routes(app: Router, { portal }: { portal: PortalService }): void {
    app.post(
      '/portal/sessions',
      op('write', "Mint a one-time portal link for a contact (the operator's single sign-on)", {
        description:
          "The member is already signed in on the operator's site, which asks for a link and sends the member to it. The link opens once, within 5 minutes, and only on its own program's portal; opening it starts a cookie session of 8 hours for that contact.",
        body: MintLinkBody,
        response: responses({ 201: Type.Ref('PortalLink') }, ['contact_not_found', 'contact_inactive']),
      }),
      async (request, reply) => {
        const link = await portal.mintLink(
          principal(request).programId,
          request.body.contact,
          actor(request),
          new Date(),
          `${request.protocol}://${request.host}`,
        );
        return created(reply, link);
      },
    );
  },
});

/** Under /portal/api: the portal page's own API, for the member of its cookie session. */
export const portalMemberRoutes = routeModule({
  schemas: [
    BrandingSchema,
    PortalSessionSchema,
    PortalHomeSchema,
    PortalRedemptionSchema,
    PortalCompanySchema,
    PortalDecisionSchema,
    PortalPerksSchema,
    PortalChallengesSchema,
    MailLinkAnswerSchema,
  ],
  routes(app: Router, { portal }: { portal: PortalService }): void {
    app.get(
      '/portals/:slug',
      op('public', "A portal's branding: name, logo and colours", {
        security: [],
        params: SlugParams,
        response: responses({ 200: Type.Ref('PortalBranding') }, ['portal_not_found', 'rate_limited']),
      }),
      async (request) => portal.portal(request.params.slug),
    );

    app.post(
      '/session',
      op(
        { scope: 'public', rateLimit: { max: 30, timeWindow: 60_000 } },
        'Open a portal link: its one-time token becomes the HttpOnly session cookie',
        {
          description:
            "A used, expired, unknown or other portal's token gets the same answer (portal_link_invalid). The answer carries the CSRF token that every state-changing request of the session must send as X-CSRF-Token.",
          security: [],
          body: ExchangeBody,
          response: responses({ 201: Type.Ref('PortalSession') }, [
            'portal_link_invalid',
            'rate_limited',
            'payload_too_large',
            'unsupported_media_type',
          ]),
        },
      ),
      async (request, reply) => {
        const opened = await portal.exchange(request.body.slug, request.body.token);
        setPortalCookie(request, reply, opened.token, PORTAL_SESSION_HOURS * 3600);
        const { token: _, ...session } = opened;
        return reply.code(201).send(session);
      },
    );

    app.post(
      '/sign-in-links',
      op(
        { scope: 'public', rateLimit: { max: 30, timeWindow: 60_000 } },
        'Ask for a one-time sign-in link by e-mail (the member types their address on the portal page)',
        {
          description:
            "If the address is a contact of the portal's program, a one-time link (15 minutes, once, only on this portal) is e-mailed in the contact's language. The answer is the same whether or not it is: the address is looked up and the mail sent after the answer. Limited per address and per client address (portal_sign_in_rate_limited, with Retry-After). Only where the server sends e-mail and the program did not turn it off (settings.portal.signInByMail).",
          security: [],
          body: MailLinkBody,
          response: responses({ 202: Type.Ref('PortalMailLinkAnswer') }, [
            'portal_not_found',
            'portal_mail_sign_in_off',
            'portal_sign_in_rate_limited',
            'rate_limited',
            'payload_too_large',
            'unsupported_media_type',
          ]),
        },
      ),
      async (request, reply) => {
        try {
          await portal.requestMailLink(request.body.slug, request.body.email, request.ip);
        } catch (error) {
          const wait = (error as { extra?: { retryAfter?: number } }).extra?.retryAfter;
          if (wait !== undefined) reply.header('retry-after', String(wait));
          throw error;
        }
        return reply.code(202).send({
          accepted: true,
          detail: 'If this address belongs to a member of this portal, a sign-in link is on its way.',
        });
      },
    );

    app.get(
      '/session',
      op({ scope: 'public', member: true }, 'The signed-in member, their portal and the CSRF token', {
        security: cookieAuth,
        response: responses({ 200: Type.Ref('PortalSession') }, ['portal_session_expired', 'rate_limited']),
      }),
      async (request) => portal.me(member(request)),
    );

    app.delete(
      '/session',
      op(
        { scope: 'public', member: true },
        'Sign out of the portal: ends the session and clears its cookie',
        {
          security: cookieAuth,
          response: responses({ 204: Type.Null() }, [
            'portal_session_expired',
            'csrf_token_invalid',
            'rate_limited',
            'payload_too_large',
            'unsupported_media_type',
          ]),
        },
      ),
      async (request, reply) => {
        await portal.signOut(member(request));
        setPortalCookie(request, reply, undefined, 0);
        return reply.code(204).send();
      },
    );

    app.get(
      '/home',
      op(
        { scope: 'public', member: true },
        "The member's balance, its money value, pending, expiring and tiers",
        {
          security: cookieAuth,
          response: responses({ 200: Type.Ref('PortalHome') }, ['portal_session_expired', 'rate_limited']),
        },
      ),
      async (request) => portal.home(member(request)),
    );

    app.get(
      '/history',
      op({ scope: 'public', member: true }, "The member's points history with explanations, newest first", {
        security: cookieAuth,
        querystring: PortalHistoryQuery,
        response: responses({ 200: PageOf(HistoryLineSchema) }, [
          'portal_session_expired',
          'invalid_cursor',
          'rate_limited',
        ]),
      }),
      async (request) => portal.history(member(request), request.query),
    );

    app.get(
      '/rewards',
      op({ scope: 'public', member: true }, 'The catalog for the member, with eligibility and why not', {
        security: cookieAuth,
        querystring: PortalListQuery,
        response: responses({ 200: PageOf(Type.Ref('Reward')) }, [
          'portal_session_expired',
          'invalid_cursor',
          'rate_limited',
        ]),
      }),
      async (request) => portal.catalog(member(request), request.query),
    );

    app.post(
      '/redemptions',
      op(
        { scope: 'public', member: true },
        "Redeem a reward for the member's account (it may wait for approval)",
        {
          description:
            'Through the rewards service, as the member: the same checks, holds and approval policy as POST /v1/redemptions. A retry with the same Idempotency-Key returns the first redemption (200).',
          security: cookieAuth,
          headers: RequiredIdempotencyHeaders,
          body: PortalRedeemBody,
          response: responses({ 201: Type.Ref('PortalRedemption'), 200: Type.Ref('PortalRedemption') }, [
            'portal_session_expired',
            'csrf_token_invalid',
            'reward_not_found',
            'reward_not_available',
            'reward_not_eligible',
            'redemption_limit_reached',
            'insufficient_balance',
            'out_of_stock',
            'rate_limited',
            'payload_too_large',
            'unsupported_media_type',
          ]),
        },
      ),
      async (request, reply) => {
        const result = await portal.redeem(member(request), request.body, idempotencyKey(request));
        return created(reply, result.redemption, { replayed: result.replayed });
      },
    );

    app.get(
      '/redemptions',
      op({ scope: 'public', member: true }, "The member's redemptions, newest first (codes once fulfilled)", {
        security: cookieAuth,
        querystring: PortalListQuery,
        response: responses({ 200: PageOf(Type.Ref('PortalRedemption')) }, [
          'portal_session_expired',
          'invalid_cursor',
          'rate_limited',
        ]),
      }),
      async (request) => portal.redemptionsOf(member(request), request.query),
    );

    app.get(
      '/company',
      op(
        { scope: 'public', member: true },
        "The company view: the group's wallets, who earned what, approvals waiting for the member",
        {
          description:
            "For contacts whose role the program's settings.portal.companyRoles names (default owner, admin, approver). Wallets are the group's one wallet when the program pools points, else each account's; who earned what is per contact where the journal names one, else per account, over the last year.",
          security: cookieAuth,
          querystring: PortalLocaleQuery,
          response: responses({ 200: Type.Ref('PortalCompany') }, [
            'portal_session_expired',
            'portal_company_forbidden',
            'rate_limited',
          ]),
        },
      ),
      async (request) => portal.company(member(request), request.query),
    );

    app.post(
      '/approvals/:redemptionId/:decision',
      op(
        { scope: 'public', member: true },
        "Approve or reject a redemption of the member's account, as the member",
        {
          description:
            'The same rules as POST /v1/redemptions/{id}/approve|reject with the member as the approving contact: an approver role (settings.redemptions.approval.approverRoles), never the requester, each approver once. A redemption of another account is not found.',
          security: cookieAuth,
          params: DecisionParams,
          body: PortalDecisionBody,
          response: responses({ 200: Type.Ref('PortalDecision') }, [
            'portal_session_expired',
            'csrf_token_invalid',
            'redemption_not_found',
            'approver_not_allowed',
            'already_approved',
            'redemption_state_conflict',
            'rate_limited',
            'payload_too_large',
            'unsupported_media_type',
          ]),
        },
      ),
      async (request) =>
        portal.decide(
          member(request),
          request.params.redemptionId,
          request.params.decision,
          request.body.note,
        ),
    );

    app.get(
      '/perks',
      op({ scope: 'public', member: true }, "The account's memberships (plan, term end) and perks", {
        security: cookieAuth,
        response: responses({ 200: Type.Ref('PortalPerks') }, ['portal_session_expired', 'rate_limited']),
      }),
      async (request) => portal.perks(member(request)),
    );

    app.get(
      '/challenges',
      op(
        { scope: 'public', member: true },
        "The account's open challenges with progress, its completions and badges",
        {
          security: cookieAuth,
          querystring: PortalLocaleQuery,
          response: responses({ 200: Type.Ref('PortalChallenges') }, [
            'portal_session_expired',
            'rate_limited',
          ]),
        },
      ),
      async (request) => portal.challenges(member(request), request.query),
    );
  },
});
