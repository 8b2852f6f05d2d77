// Challenges and badges: the open challenges with each goal's progress and the time left (the
// account's, and the member's own contact challenges, marked: decision 0061), what was completed (and
// paid), and the badges the account holds.
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n';
import { memberApi } from '../member-api';
import { Failed, Loading } from './common';

export function Challenges() {
  const i = useI18n();
  const { m } = i;
  const data = useQuery({
    queryKey: ['challenges', i.language],
    queryFn: () => memberApi.challenges(i.language),
  });
  if (data.isPending) return <Loading />;
  if (data.isError) return <Failed retry={() => data.refetch()} />;
  const { challenges, completions, badges } = data.data;
  return (
    <>
      <section aria-labelledby="challenges-title">
        <h1 id="challenges-title">{m.challenges.title}</h1>
        {challenges.length === 0 ? <p className="muted">{m.challenges.none}</p> : null}
        <ul className="plain" data-testid="challenges">
          {challenges.map((c) => (
            <li key={c.code} className="card" aria-labelledby={`challenge-${c.code}`}>
              <h2 id={`challenge-${c.code}`}>
                <bdi>{c.name}</bdi>
              </h2>
              {c.mine ? (
                <p className="small" data-testid="mine">
                  {m.challenges.mine}
                </p>
              ) : null}
              {c.description ? (
                <p className="muted">
                  <bdi>{c.description}</bdi>
                </p>
              ) : null}
              <p>
                {c.completed ? (
                  <span className="status status-fulfilled">{m.challenges.completed}</span>
                ) : (
                  i.t(m.challenges.steps, { done: i.number(c.stepsDone), steps: i.number(c.steps) })
                )}
              </p>
              <progress
                max={Math.max(c.steps, 1)}
                value={c.stepsDone}
                aria-label={i.t(m.challenges.progress, { name: c.name })}
              />
              <ul className="plain goals">
                {c.goals.map((g) => (
                  <li
                    key={`${g.metric}:${g.label ?? ''}:${g.target}`}
                    className={g.done ? 'done' : undefined}
                  >
                    <span>
                      <bdi>{g.label ?? m.challenges.metrics[g.metric as Metric] ?? g.metric}</bdi>
                    </span>
                    {': '}
                    {i.t(m.challenges.goal, {
                      value: i.number(Math.min(Number(g.value), Number(g.target))),
                      target: i.number(g.target),
                    })}
                    {g.done ? ` ✓` : ''}
                  </li>
                ))}
              </ul>
              {c.window && !c.completed ? (
                <p className="muted small">{i.t(m.challenges.ends, { date: i.date(c.window.end) })}</p>
              ) : null}
              {c.points ? (
                <p className="small">{i.t(m.challenges.reward, { points: i.plural(m.points, c.points) })}</p>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="completions-title">
        <h2 id="completions-title">{m.challenges.completionsTitle}</h2>
        {completions.length === 0 ? (
          <p className="muted">{m.challenges.completionsNone}</p>
        ) : (
          <ul className="plain" data-testid="completions">
            {completions.map((c) => (
              <li key={`${c.challenge}:${c.completedAt}`} className="line">
                <span className="line-what">
                  <span>
                    <bdi>{c.name}</bdi>
                    {c.mine ? <span className="muted small"> · {m.challenges.yours}</span> : null}
                  </span>
                  <time className="muted small" dateTime={c.completedAt}>
                    {i.date(c.completedAt)}
                  </time>
                </span>
                {c.points ? <span className="line-figures plus">+{i.plural(m.points, c.points)}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="badges-title">
        <h2 id="badges-title">{m.challenges.badgesTitle}</h2>
        {badges.length === 0 ? (
          <p className="muted">{m.challenges.badgesNone}</p>
        ) : (
          <ul className="plain badges" data-testid="badges">
            {badges.map((b) => (
              <li key={b.id} className="badge">
                {b.imageUrl ? <img src={b.imageUrl} alt="" className="badge-image" /> : null}
                <span className="line-what">
                  <strong>
                    <bdi>{b.name}</bdi>
                  </strong>
                  {b.description ? (
                    <span className="muted small">
                      <bdi>{b.description}</bdi>
                    </span>
                  ) : null}
                  <span className="muted small">
                    {i.t(m.challenges.awarded, { date: i.date(b.awardedAt) })}
                  </span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

type Metric = 'count' | 'sum' | 'distinct';
