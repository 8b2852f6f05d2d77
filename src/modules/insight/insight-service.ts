// Insight: program KPIs, cohort retention, RFM segments and NPS surveys. Reads other modules through
// their -reads files; the figures are computed by the pure core/insight.
import type { Database } from '../../db/client.ts';
import { bindUseCases } from '../../lib/use-cases.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { EventService } from '../events/events-service.ts';
import type { OutboxService } from '../outbox/outbox-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { TierService } from '../tiers/tiers-service.ts';
import { exportCsv } from './insight-exports.ts';
import { cohortCsv, kpiCsv } from './insight-kpi-csv.ts';
import { cohorts, kpis } from './insight-kpis.ts';
import { npsValueReport } from './insight-nps-value.ts';
import { refreshRfm, rfmList, rfmOf, rfmSummary } from './insight-rfm.ts';
import { rollUpKpis } from './insight-rollups.ts';
import { surveyResults } from './insight-survey-results.ts';
import {
  answerByApi,
  answerByLink,
  closeSurvey,
  createSurvey,
  detractors,
  getSurvey,
  linksFor,
  linkView,
  listSurveys,
  npsReport,
  type SurveyDeps,
} from './insight-surveys.ts';
import { answerAsContact, surveysFor } from './insight-surveys-member.ts';

export function createInsightService(
  database: Database,
  programs: ProgramService,
  tiers: TierService,
  contacts: ContactService,
  events: EventService,
  audit: AuditService,
  outbox?: Pick<OutboxService, 'emit'>,
) {
  const deps: SurveyDeps = {
    database,
    programs,
    tiers,
    contacts,
    events,
    audit,
    ...(outbox ? { outbox } : {}),
  };
  return bindUseCases(deps, {
    kpis,
    cohorts,
    kpiCsv,
    cohortCsv,
    refreshRfm,
    rollUpKpis,
    rfmOf,
    rfmSummary,
    rfmList,
    createSurvey,
    getSurvey,
    listSurveys,
    closeSurvey,
    linksFor,
    linkView,
    answerByLink,
    answerByApi,
    surveysFor,
    answerAsContact,
    npsReport,
    npsValueReport,
    surveyResults,
    detractors,
    exportCsv,
  });
}

export type InsightService = ReturnType<typeof createInsightService>;
