// Surveys: the program's open surveys; the member answers each once (how likely they are to recommend
// the program's operator, 0 to 10, the survey's own questions — satisfaction 1 to 5, a 0 to 10 scale, a
// choice, free text — and a comment where the survey asks for one).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ProblemError } from '../../api/client';
import { useI18n } from '../i18n';
import { memberApi, type Surveys as SurveysData } from '../member-api';
import { Failed, Loading } from './common';

const SCORES = Array.from({ length: 11 }, (_, n) => n);
const SATISFACTION = [1, 2, 3, 4, 5];

type SurveyView = SurveysData['data'][number];
type QuestionView = SurveyView['questions'][number];
type Response = number | string;

/** One of the survey's own questions: radio buttons for numbers and options, a text area for text. */
function QuestionField({
  surveyId,
  question,
  value,
  onChange,
}: {
  surveyId: string;
  question: QuestionView;
  value: Response | undefined;
  onChange: (value: Response | undefined) => void;
}) {
  const i = useI18n();
  const { m } = i;
  const id = `q-${surveyId}-${question.key}`;
  const label = (
    <>
      <bdi>{question.label}</bdi>
      {question.required ? null : <span className="muted small"> {m.surveys.optional}</span>}
    </>
  );
  if (question.kind === 'text')
    return (
      <label className="field">
        {label}
        <textarea
          value={typeof value === 'string' ? value : ''}
          maxLength={2000}
          rows={2}
          onChange={(e) => onChange(e.target.value.trim() === '' ? undefined : e.target.value)}
        />
      </label>
    );
  const choices: Array<{ value: Response; label: string }> =
    question.kind === 'choice'
      ? question.options.map((o) => ({ value: o.value, label: o.label }))
      : (question.kind === 'csat' ? SATISFACTION : SCORES).map((n) => ({ value: n, label: i.number(n) }));
  return (
    <fieldset className="scale" aria-labelledby={id}>
      <legend id={id}>{label}</legend>
      {question.kind === 'csat' ? <p className="muted small">{m.surveys.csatScale}</p> : null}
      <div className={question.kind === 'choice' ? 'choices' : 'scores'}>
        {choices.map((c) => (
          <label key={String(c.value)} className={question.kind === 'choice' ? 'choice' : 'score'}>
            <input
              type="radio"
              name={id}
              value={String(c.value)}
              checked={value === c.value}
              onChange={() => onChange(c.value)}
            />
            <span>
              <bdi>{c.label}</bdi>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function Survey({ survey }: { survey: SurveyView }) {
  const i = useI18n();
  const { m } = i;
  const queryClient = useQueryClient();
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [responses, setResponses] = useState<Record<string, Response>>({});
  const [message, setMessage] = useState('');
  const send = useMutation({
    mutationFn: () =>
      memberApi.answer(survey.id, {
        score: score!,
        ...(survey.comment && comment.trim() !== '' && { comment: comment.trim() }),
        ...(survey.questions.length > 0 && { responses }),
        locale: i.language,
      }),
    onSuccess: () => {
      setMessage(m.surveys.thanks);
      queryClient.invalidateQueries({ queryKey: ['surveys'] });
    },
    onError: (error) => {
      const code = error instanceof ProblemError ? error.problem.code : undefined;
      setMessage(
        code === 'survey_already_answered'
          ? m.surveys.answered
          : code === 'survey_closed'
            ? m.surveys.closed
            : m.failed,
      );
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (score === null) setMessage(m.surveys.choose);
    else if (survey.questions.some((q) => q.required && responses[q.key] === undefined))
      setMessage(m.surveys.required);
    else send.mutate();
  };
  const legend = `survey-${survey.id}`;
  if (survey.answered)
    return (
      <li className="card">
        <p>
          <bdi>{survey.question}</bdi>
        </p>
        <p role="status" data-testid="survey-status">
          {message || m.surveys.answered}
        </p>
      </li>
    );
  return (
    <li className="card">
      <form onSubmit={submit} aria-labelledby={legend}>
        <fieldset className="scale">
          <legend id={legend}>
            <bdi>{survey.question}</bdi>
          </legend>
          <p className="muted small">{m.surveys.scale}</p>
          <div className="scores">
            {SCORES.map((n) => (
              <label key={n} className="score">
                <input
                  type="radio"
                  name={`score-${survey.id}`}
                  value={n}
                  checked={score === n}
                  onChange={() => setScore(n)}
                />
                <span>{i.number(n)}</span>
              </label>
            ))}
          </div>
          <p className="scale-ends muted small" aria-hidden="true">
            <span>{m.surveys.low}</span>
            <span>{m.surveys.high}</span>
          </p>
        </fieldset>
        {survey.questions.map((q) => (
          <QuestionField
            key={q.key}
            surveyId={survey.id}
            question={q}
            value={responses[q.key]}
            onChange={(value) =>
              setResponses((now) => {
                const next = { ...now };
                if (value === undefined) delete next[q.key];
                else next[q.key] = value;
                return next;
              })
            }
          />
        ))}
        {survey.comment ? (
          <label className="field">
            {m.surveys.comment}
            <textarea
              value={comment}
              maxLength={2000}
              rows={3}
              onChange={(e) => setComment(e.target.value)}
            />
          </label>
        ) : null}
        <button type="submit" disabled={send.isPending}>
          {send.isPending ? m.surveys.sending : m.surveys.send}
        </button>
        <p className="notice" role="status" data-testid="survey-status">
          {message}
        </p>
      </form>
    </li>
  );
}

export function Surveys() {
  const i = useI18n();
  const { m } = i;
  const surveys = useQuery({
    queryKey: ['surveys', i.language],
    queryFn: () => memberApi.surveys(i.language),
  });
  if (surveys.isPending) return <Loading />;
  if (surveys.isError) return <Failed retry={() => surveys.refetch()} />;
  return (
    <section aria-labelledby="surveys-title">
      <h1 id="surveys-title">{m.surveys.title}</h1>
      {surveys.data.data.length === 0 ? <p className="muted">{m.surveys.none}</p> : null}
      <ul className="plain" data-testid="surveys">
        {surveys.data.data.map((s) => (
          <Survey key={s.id} survey={s} />
        ))}
      </ul>
    </section>
  );
}
