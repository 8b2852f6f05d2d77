// NPS surveys: created by the operator (audited), answered once per contact through a signed link
// (no login) or through the API; each answer also becomes a `survey.completed` event (never carrying
// the score) that earning rules can reward. NPS per program, period, survey and account.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Actor } from '../../core/access.ts';
import { FidelisError, invalid } from '../../core/errors.ts';
import { categoryOf, npsOf } from '../../core/insight/nps.ts';
import type { Question, Responses } from '../../core/insight/questions.ts';
import { questionProblems, responseProblems, wordingIn } from '../../core/insight/questions.ts';
import { selectRows } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { EventService } from '../events/events-service.ts';
import type { OutboxService } from '../outbox/outbox-service.ts';
import { insertAnswer } from './insight-answers.ts';
import type { InsightDeps } from './insight-kpis.ts';
import { periodOf } from './insight-kpis.ts';
import { insightSecrets, surveyAnswers, surveys } from './insight-tables.ts';

export interface SurveyDeps extends InsightDeps {
  contacts: ContactService;
  events: EventService;
  audit: AuditService;
  /** Answers are announced (survey.answered) in their transaction. */
  outbox?: Pick<OutboxService, 'emit'>;
}

export interface CreateSurveyInput {
  name: string;
  question: Record<string, string>;
  comment?: boolean;
  anonymous?: boolean;
  questions?: Question[];
}

export interface AnswerInput {
  score: number;
  comment?: string;
  locale?: string;
  responses?: Responses;
}

export type SurveyRow = typeof surveys.$inferSelect;

const view = (s: SurveyRow) => ({
  id: s.id,
  name: s.name,
  question: s.question,
  comment: s.comment,
  anonymous: s.anonymous,
  questions: s.questions,
  status: s.status,
  createdAt: s.createdAt.toISOString(),
});

/** The survey's questions worded in a locale. */
export const questionsIn = (survey: SurveyRow, locale: string | undefined) =>
  survey.questions.map((q) => ({
    key: q.key,
    kind: q.kind,
    label: wordingIn(q.label, locale),
    required: q.required ?? false,
    options: (q.options ?? []).map((o) => ({ value: o.value, label: wordingIn(o.label, locale) })),
  }));

export async function findSurvey({ database }: SurveyDeps, programId: string, surveyId: string) {
  const [row] = await database.db
    .select()
    .from(surveys)
    .where(and(eq(surveys.programId, programId), eq(surveys.id, surveyId)));
  if (!row) throw new FidelisError('survey_not_found', `No survey ${surveyId} in this program`);
  return row;
}

export async function createSurvey(
  deps: SurveyDeps,
  programId: string,
  input: CreateSurveyInput,
  actor: Actor,
) {
  if (!input.question.default)
    throw invalid('The question needs a default wording', { 'question/default': 'required' });
  const problems = questionProblems(input.questions ?? []);
  if (Object.keys(problems).length > 0) throw invalid('The questions are not valid', problems);
  const row: SurveyRow = {
    programId,
    id: newId('srv'),
    name: input.name,
    question: input.question,
    comment: input.comment ?? true,
    anonymous: input.anonymous ?? false,
    questions: input.questions ?? [],
    status: 'open',
    createdAt: new Date(),
  };
  return deps.database.transaction(async (tx) => {
    await tx.insert(surveys).values(row);
    await deps.audit.record(tx, programId, {
      actor,
      action: 'survey.create',
      resourceType: 'survey',
      resourceId: row.id,
      after: view(row),
    });
    return view(row);
  });
}

export async function getSurvey(deps: SurveyDeps, programId: string, surveyId: string) {
  return view(await findSurvey(deps, programId, surveyId));
}

export async function listSurveys({ database }: SurveyDeps, programId: string) {
  const rows = await database.db
    .select()
    .from(surveys)
    .where(eq(surveys.programId, programId))
    .orderBy(asc(surveys.id));
  return { data: rows.map(view) };
}

export async function closeSurvey(deps: SurveyDeps, programId: string, surveyId: string, actor: Actor) {
  const before = await findSurvey(deps, programId, surveyId);
  return deps.database.transaction(async (tx) => {
    const [row] = await tx
      .update(surveys)
      .set({ status: 'closed' })
      .where(and(eq(surveys.programId, programId), eq(surveys.id, surveyId)))
      .returning();
    await deps.audit.record(tx, programId, {
      actor,
      action: 'survey.close',
      resourceType: 'survey',
      resourceId: surveyId,
      before: view(before),
      after: view(row!),
    });
    return view(row!);
  });
}

// ---- links ----

/** The program's link secret, made once (a racing maker loses the insert and reads the winner's). */
export async function secretOf({ database }: SurveyDeps, programId: string): Promise<Buffer> {
  const read = async () =>
    (await database.db.select().from(insightSecrets).where(eq(insightSecrets.programId, programId)))[0];
  let row = await read();
  if (!row) {
    await database.db
      .insert(insightSecrets)
      .values({ programId, secret: randomBytes(32).toString('base64url') })
      .onConflictDoNothing();
    row = await read();
  }
  return Buffer.from(row!.secret, 'base64url');
}

const mac = (secret: Buffer, text: string) => createHmac('sha256', secret).update(text).digest();

/**
 * `<surveyId>.<contactId>.<signature>`: the signature (HMAC-SHA256 under the program's secret, first
 * 128 bits, base64url) covers the program, the survey and the contact, so no part can be changed.
 */
function sign(secret: Buffer, programId: string, surveyId: string, contactId: string): string {
  return `${surveyId}.${contactId}.${linkMac(secret, programId, surveyId, contactId).toString('base64url')}`;
}

const linkMac = (secret: Buffer, programId: string, surveyId: string, contactId: string) =>
  mac(secret, `link:${programId}:${surveyId}:${contactId}`).subarray(0, 16);

/** The keyed digest that stands for a contact in a survey's answers. */
export const respondentOf = (secret: Buffer, surveyId: string, contactId: string) =>
  mac(secret, `respondent:${surveyId}:${contactId}`).toString('base64url');

/** Signed answer links for contacts of the program (relative: `/surveys/<token>`). */
export async function linksFor(deps: SurveyDeps, programId: string, surveyId: string, contactIds: string[]) {
  const survey = await findSurvey(deps, programId, surveyId);
  const secret = await secretOf(deps, programId);
  const data = [];
  for (const contactId of contactIds) {
    await deps.contacts.get(programId, contactId);
    const token = sign(secret, programId, survey.id, contactId);
    data.push({ contactId, token, path: `/surveys/${token}` });
  }
  return { data };
}

/** The program, survey and contact a token names, if its signature is the program's. */
async function verify(deps: SurveyDeps, token: string) {
  const bad = () => new FidelisError('survey_link_invalid');
  const [surveyId, contactId, signature, extra] = token.split('.');
  if (!surveyId || !contactId || !signature || extra !== undefined) throw bad();
  // The survey names the program: a link can only ever be used on the program that signed it.
  const [owner] = await selectRows<{ program_id: string }>(
    deps.database.db,
    sql`select program_id from surveys where id = ${surveyId} limit 1`,
  );
  if (!owner) throw bad();
  const programId = owner.program_id;
  const secret = await secretOf(deps, programId);
  const expected = linkMac(secret, programId, surveyId, contactId);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw bad();
  const survey = await findSurvey(deps, programId, surveyId).catch(() => {
    throw bad();
  });
  const contact = await deps.contacts.get(programId, contactId).catch(() => {
    throw bad();
  });
  return { programId, survey, contact, secret };
}

/** What the link's page shows: the question in the asked locale, and whether it was answered. */
export async function linkView(deps: SurveyDeps, token: string, locale?: string) {
  const { programId, survey, contact, secret } = await verify(deps, token);
  const answered = await answeredBy(deps, programId, survey.id, respondentOf(secret, survey.id, contact.id));
  const wanted = locale ?? contact.locale ?? undefined;
  return {
    survey: survey.name,
    question: wordingIn(survey.question, wanted),
    questions: questionsIn(survey, wanted),
    comment: survey.comment,
    anonymous: survey.anonymous,
    status: survey.status,
    answered,
  };
}

export async function answeredBy(
  { database }: SurveyDeps,
  programId: string,
  surveyId: string,
  respondent: string,
) {
  const [row] = await database.db
    .select({ id: surveyAnswers.id })
    .from(surveyAnswers)
    .where(
      and(
        eq(surveyAnswers.programId, programId),
        eq(surveyAnswers.surveyId, surveyId),
        eq(surveyAnswers.respondent, respondent),
      ),
    );
  return row !== undefined;
}

export async function answer(
  deps: SurveyDeps,
  programId: string,
  survey: SurveyRow,
  contact: { id: string; accountId: string },
  secret: Buffer,
  input: AnswerInput,
  via: 'link' | 'api' | 'portal',
  actor: Actor | null,
) {
  if (survey.status !== 'open') throw new FidelisError('survey_closed');
  if (input.comment !== undefined && !survey.comment)
    throw invalid('This survey takes no comment', { comment: 'not asked by this survey' });
  const problems = responseProblems(survey.questions, input.responses ?? {});
  if (Object.keys(problems).length > 0) throw invalid('The responses do not fit the questions', problems);
  const respondent = respondentOf(secret, survey.id, contact.id);
  if (await answeredBy(deps, programId, survey.id, respondent))
    throw new FidelisError('survey_already_answered');
  const now = new Date();
  // The event first (its id is the respondent's, so a retry replays it): a reward never waits on the
  // answer, and carries no score. For an anonymous survey it names the contact but not the answer.
  const sent = deps.events.ingest(
    programId,
    {
      id: `survey:${survey.id}:${respondent.slice(0, 22)}`,
      type: 'survey.completed',
      account: contact.accountId,
      contact: contact.id,
      occurredAt: now.toISOString(),
      references: { surveyId: survey.id },
    },
    actor,
    now,
  );
  // A retry after a crash between the two finds the event stored at the first attempt's instant.
  const event = await sent.catch((error: unknown) => {
    if (error instanceof FidelisError && error.code === 'event_id_reused') return null;
    throw error;
  });
  const id = newId('ans');
  const row = {
    programId,
    id,
    surveyId: survey.id,
    accountId: survey.anonymous ? null : contact.accountId,
    contactId: survey.anonymous ? null : contact.id,
    respondent,
    score: input.score,
    comment: input.comment ?? null,
    responses: survey.questions.length > 0 ? (input.responses ?? {}) : null,
    locale: input.locale ?? null,
    via,
    answeredAt: now,
  };
  const inserted = await insertAnswer(deps, row, survey.anonymous);
  if (!inserted) throw new FidelisError('survey_already_answered');
  return {
    id,
    surveyId: survey.id,
    score: input.score,
    category: categoryOf(input.score),
    anonymous: survey.anonymous,
    eventId: event?.event.internalId ?? null,
  };
}

export async function answerByLink(deps: SurveyDeps, token: string, input: AnswerInput) {
  const { programId, survey, contact, secret } = await verify(deps, token);
  return answer(deps, programId, survey, contact, secret, input, 'link', null);
}

export async function answerByApi(
  deps: SurveyDeps,
  programId: string,
  surveyId: string,
  input: AnswerInput & { contact: string },
  actor: Actor,
) {
  const survey = await findSurvey(deps, programId, surveyId);
  const contact = await deps.contacts.get(programId, input.contact);
  return answer(deps, programId, survey, contact, await secretOf(deps, programId), input, 'api', actor);
}

// ---- reports ----

export async function npsReport(
  deps: SurveyDeps,
  programId: string,
  query: { from?: string; to?: string; survey?: string },
  now = new Date(),
) {
  const program = await deps.programs.get(programId);
  const period = periodOf(query, program.timeZone, now);
  if (query.survey) await findSurvey(deps, programId, query.survey);
  const rows = await selectRows<{ account_id: string | null; score: number; month: string }>(
    deps.database.db,
    sql`select account_id, score, to_char(answered_at at time zone ${program.timeZone}, 'YYYY-MM') as month
          from survey_answers
         where program_id = ${programId} and answered_at >= ${period.start.toISOString()}
           and answered_at < ${period.end.toISOString()}
           ${query.survey ? sql`and survey_id = ${query.survey}` : sql``}
         order by answered_at`,
  );
  const group = (key: (r: (typeof rows)[number]) => string | null) => {
    const out = new Map<string, number[]>();
    for (const r of rows) {
      const k = key(r);
      if (k === null) continue;
      out.set(k, [...(out.get(k) ?? []), r.score]);
    }
    return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  };
  return {
    from: period.from,
    to: period.to,
    timeZone: program.timeZone,
    ...npsOf(rows.map((r) => r.score)),
    months: group((r) => r.month).map(([month, scores]) => ({ month, ...npsOf(scores) })),
    accounts: group((r) => r.account_id).map(([accountId, scores]) => ({ accountId, ...npsOf(scores) })),
  };
}

/** Detractors (0–6) of a survey with their contact and comment, for follow-up (none for anonymous surveys). */
export async function detractors(deps: SurveyDeps, programId: string, surveyId: string) {
  await findSurvey(deps, programId, surveyId);
  const rows = await deps.database.db
    .select()
    .from(surveyAnswers)
    .where(
      and(
        eq(surveyAnswers.programId, programId),
        eq(surveyAnswers.surveyId, surveyId),
        sql`${surveyAnswers.score} <= 6`,
        sql`${surveyAnswers.contactId} is not null`,
      ),
    )
    .orderBy(asc(surveyAnswers.score), asc(surveyAnswers.id))
    .limit(1000);
  return {
    data: rows.map((r) => ({
      answerId: r.id,
      accountId: r.accountId!,
      contactId: r.contactId!,
      score: r.score,
      comment: r.comment,
      answeredAt: r.answeredAt.toISOString(),
    })),
  };
}
