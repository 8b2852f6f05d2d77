// A survey's results: its NPS and each of its questions (CSAT, averages, distributions, text counts),
// from every answer it received (docs/metrics.md, "Survey questions").
import { and, eq } from 'drizzle-orm';
import { npsOf } from '../../core/insight/nps.ts';
import { questionResults } from '../../core/insight/questions.ts';
import { findSurvey, type SurveyDeps } from './insight-surveys.ts';
import { surveyAnswers } from './insight-tables.ts';

export async function surveyResults(deps: SurveyDeps, programId: string, surveyId: string) {
  const survey = await findSurvey(deps, programId, surveyId);
  const rows = await deps.database.db
    .select({ score: surveyAnswers.score, responses: surveyAnswers.responses })
    .from(surveyAnswers)
    .where(and(eq(surveyAnswers.programId, programId), eq(surveyAnswers.surveyId, surveyId)));
  const results = questionResults(
    survey.questions,
    rows.map((r) => r.responses),
  );
  return {
    surveyId,
    ...npsOf(rows.map((r) => r.score)),
    questions: results.map((r, i) => ({ ...r, label: survey.questions[i]!.label.default! })),
  };
}
