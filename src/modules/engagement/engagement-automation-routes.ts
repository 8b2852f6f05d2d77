// The lifecycle automation routes (decision 0025), registered by engagement-routes.ts.
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, operations } from '../../http/route.ts';
import type { Router } from '../../http/router.ts';
import {
  AutomationPage,
  AutomationParams,
  CreateAutomationBody,
  FiringList,
  FiringPage,
  FiringsQuery,
  ProgramFiringsQuery,
  UpdateAutomationBody,
} from './engagement-automation-schemas.ts';
import { PageQuery } from './engagement-schemas.ts';
import type { EngagementService } from './engagement-service.ts';

const op = operations('engagement');

export function automationRoutes(app: Router, engagement: EngagementService): void {
  app.post(
    '/automations',
    op('admin', 'Create a lifecycle automation: birthday, anniversary, milestone or win-back (audited)', {
      description:
        "Fired by the engagement due run in the program's time zone, once per occurrence (per contact per " +
        'year for birthdays), with its points (a ledger credit explained like "Happy birthday, Inge — 2026") and badge.',
      body: CreateAutomationBody,
      response: responses({ 201: Type.Ref('Automation') }, ['automation_exists', 'automation_invalid']),
    }),
    async (request, reply) => {
      const automation = await engagement.createAutomation(
        principal(request).programId,
        request.body,
        actor(request),
      );
      return created(reply, automation, { location: `/v1/automations/${automation.code}` });
    },
  );

  app.get(
    '/automations',
    op('read', 'List the lifecycle automations', {
      querystring: PageQuery,
      response: responses({ 200: AutomationPage }, ['invalid_cursor']),
    }),
    async (request) => engagement.listAutomations(principal(request).programId, request.query),
  );

  app.get(
    '/automations/:automationCode',
    op('read', 'Read a lifecycle automation', {
      params: AutomationParams,
      response: responses({ 200: Type.Ref('Automation') }, ['automation_not_found']),
    }),
    async (request) => engagement.getAutomation(principal(request).programId, request.params.automationCode),
  );

  app.put(
    '/automations/:automationCode',
    op('admin', 'Change (or pause) a lifecycle automation (audited)', {
      params: AutomationParams,
      body: UpdateAutomationBody,
      response: responses({ 200: Type.Ref('Automation') }, ['automation_not_found', 'automation_invalid']),
    }),
    async (request) =>
      engagement.updateAutomation(
        principal(request).programId,
        request.params.automationCode,
        request.body,
        actor(request),
      ),
  );

  app.get(
    '/automations/:automationCode/firings',
    op('read', 'What an automation fired, newest first', {
      params: AutomationParams,
      querystring: FiringsQuery,
      response: responses({ 200: FiringList }, ['automation_not_found', 'account_not_found']),
    }),
    async (request) =>
      engagement.firingsOf(principal(request).programId, request.params.automationCode, request.query),
  );

  app.get(
    '/automation-firings',
    op('read', "The program's automation firings across automations, newest first", {
      description:
        'Filtered by automation, account and a range of firing instants [since, until); paged with nextCursor.',
      operationId: 'listProgramAutomationFirings',
      querystring: ProgramFiringsQuery,
      response: responses({ 200: FiringPage }, [
        'invalid_cursor',
        'validation_failed',
        'automation_not_found',
        'account_not_found',
      ]),
    }),
    async (request) => engagement.programFirings(principal(request).programId, request.query),
  );
}
