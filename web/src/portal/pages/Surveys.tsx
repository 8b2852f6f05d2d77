// Surveys: the program's open surveys; the member answers each once (how likely they are to recommend
// the program's operator, 0 to 10, and a comment where the survey asks for one).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ProblemError } from '../../api/client';
import { useI18n } from '../i18n';
import { memberApi, type Surveys as SurveysData } from '../member-api';
import { Failed, Loading } from './common';

const SCORES = Array.from({ length: 11 }, (_, n) => n);

function Survey({ survey }: { survey: SurveysData['data'][number] }) {
  const i = useI18n();
  const { m } = i;
  const queryClient = useQueryClient();
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [message, setMessage] = useState('');
  const send = useMutation({
    mutationFn: () =>
      memberApi.answer(survey.id, {
        score: score!,
        ...(survey.comment && comment.trim() !== '' && { comment: comment.trim() }),
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
