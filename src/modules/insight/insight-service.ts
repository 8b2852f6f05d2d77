// Insight: program KPIs, cohort retention and RFM segments (docs/metrics.md). Reads other modules through their
// -reads files; the figures are computed by the pure core/insight.
import type { Database } from '../../db/client.ts';
import { bindUseCases } from '../../lib/use-cases.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { TierService } from '../tiers/tiers-service.ts';
import { cohorts, kpis } from './insight-kpis.ts';
import { refreshRfm, rfmList, rfmOf, rfmSummary } from './insight-rfm.ts';

export function createInsightService(database: Database, programs: ProgramService, tiers: TierService) {
  return bindUseCases(
    { database, programs, tiers },
    { kpis, cohorts, refreshRfm, rfmOf, rfmSummary, rfmList },
  );
}

export type InsightService = ReturnType<typeof createInsightService>;
