// Surveys as a contact meets them in the member portal (decision 0029): the program's open surveys with
// the question in the contact's language and whether they answered, and their answer (once per survey
// and contact: the same respondent digest as a signed link's, so a link and the portal cannot both answer).
import { and, asc, eq } from 'drizzle-orm';
import type { Actor } from '../../core/access.ts';
import { wordingIn } from '../../core/insight/questions.ts';
import {
  type AnswerInput,
  answer,
  answeredBy,
  findSurvey,
  questionsIn,
  respondentOf,
  type SurveyDeps,
  secretOf,
} from './insight-surveys.ts';
import { surveys } from './insight-tables.ts';

/**
 * The program's open surveys as a contact sees them in the member portal (decision 0029): the
 * question in the locale, whether it takes a comment, and whether this contact answered it already.
 */
export async function surveysFor(deps: SurveyDeps, programId: string, contactId: string, locale?: string) {
  const rows = await deps.database.db
    .select()
    .from(surveys)
    .where(and(eq(surveys.programId, programId), eq(surveys.status, 'open')))
    .orderBy(asc(surveys.id))
    .limit(20);
  if (rows.length === 0) return { data: [] };
  const secret = await secretOf(deps, programId);
  const data = [];
  for (const survey of rows)
    data.push({
      id: survey.id,
      question: wordingIn(survey.question, locale),
      questions: questionsIn(survey, locale),
      comment: survey.comment,
      anonymous: survey.anonymous,
      answered: await answeredBy(deps, programId, survey.id, respondentOf(secret, survey.id, contactId)),
    });
  return { data };
}

/** A contact's answer from the member portal (once per survey and contact, like a link's). */
export async function answerAsContact(
  deps: SurveyDeps,
  programId: string,
  surveyId: string,
  contact: { id: string; accountId: string },
  input: AnswerInput,
) {
  const survey = await findSurvey(deps, programId, surveyId);
  const actor: Actor = { kind: 'contact', contactId: contact.id };
  return answer(deps, programId, survey, contact, await secretOf(deps, programId), input, 'portal', actor);
}
