import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, dateOf, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { ListOf } from '../../http/schemas.ts';
import {
  RuleDocumentSchema,
  RuleParams,
  RuleSchema,
  RulesQuery,
  WriteRuleBody,
  type WriteRuleInput,
} from './rules-schemas.ts';
import type { RuleService } from './rules-service.ts';

const op = operations('rules');

export const ruleRoutes = routeModule({
  schemas: [RuleDocumentSchema, RuleSchema],
  routes(app: Router, { rules }: { rules: RuleService }): void {
    const input = (body: WriteRuleInput) => ({
      document: body.document,
      effectiveFrom: dateOf(body.effectiveFrom),
    });

    app.post(
      '/rules',
      op('admin', 'Create an earning rule (version 1, in force from effectiveFrom; audited)', {
        description:
          'The document is checked against the rule schema and for meaning: the CEL condition must parse, refer only to known fields and be true/false; trigger types must exist. Try it first at /v1/rules/simulate.',
        body: WriteRuleBody,
        response: responses({ 201: Type.Ref('Rule') }, ['rule_invalid']),
      }),
      async (request, reply) => {
        const rule = await rules.create(principal(request).programId, input(request.body), actor(request));
        return created(reply, rule, { location: `/v1/rules/${rule.id}` });
      },
    );

    app.put(
      '/rules/:ruleId',
      op('admin', 'Change a rule: adds a version, in force from effectiveFrom (audited)', {
        description:
          'Earlier versions stay and keep applying to events that occurred before effectiveFrom. Set enabled: false to switch the rule off.',
        params: RuleParams,
        body: WriteRuleBody,
        response: responses({ 200: Type.Ref('Rule') }, ['rule_invalid', 'rule_not_found']),
      }),
      async (request) => {
        const { programId } = principal(request);
        return rules.update(programId, request.params.ruleId, input(request.body), actor(request));
      },
    );

    app.get(
      '/rules',
      op('read', 'The latest version of every rule, or the versions in force at `at`', {
        querystring: RulesQuery,
        response: responses({ 200: ListOf(Type.Ref('Rule')) }),
      }),
      async (request) => {
        const { at } = request.query;
        return { data: await rules.list(principal(request).programId, at ? new Date(at) : undefined) };
      },
    );

    app.get(
      '/rules/:ruleId',
      op('read', 'The latest version of a rule', {
        params: RuleParams,
        response: responses({ 200: Type.Ref('Rule') }, ['rule_not_found']),
      }),
      async (request) => rules.get(principal(request).programId, request.params.ruleId),
    );

    app.get(
      '/rules/:ruleId/versions',
      op('read', 'Every version of a rule, oldest first', {
        params: RuleParams,
        response: responses({ 200: ListOf(Type.Ref('Rule')) }, ['rule_not_found']),
      }),
      async (request) => ({
        data: await rules.history(principal(request).programId, request.params.ruleId),
      }),
    );
  },
});
