// Insight: the cohort retention table (GET /v1/reports/cohorts) for a period, the Net Promoter
// Score (GET /v1/reports/nps) by month with the surveys (list, create with the question's wording —
// refusals at their fields —, close; admin scope) and their detractors to follow up, and CSV exports
// (GET /v1/exports/*, downloaded with the session's cookie) for a period.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, data } from '../api/client';
import { formErrors, pointerIn } from '../components/Fields';
import { AccountName } from '../components/Names';
import { ProblemAlert } from '../components/Problem';
import { formatDate, formatDateTime } from '../format';
import { can, useSession } from '../session';

const locale = navigator.language || 'en';
const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
const EXPORTS = ['accounts', 'events', 'ledger-entries', 'redemptions', 'survey-answers'] as const;

type Period = { from?: string; to?: string };

export function Insight() {
  useEffect(() => {
    document.title = 'Insight · Fidelis console';
  }, []);
  const [period, setPeriod] = useState<Period>({});
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const from = String(form.get('from') ?? '');
    const to = String(form.get('to') ?? '');
    setPeriod({ ...(from && { from }), ...(to && { to }) });
  };
  return (
    <>
      <h1>Insight</h1>
      <search>
        <form className="inline" onSubmit={submit}>
          <label htmlFor="period-from">From</label>
          <input id="period-from" name="from" type="date" />
          <label htmlFor="period-to">To</label>
          <input id="period-to" name="to" type="date" />
          <button type="submit">Apply the period</button>
          <span className="muted">Empty: the last twelve months.</span>
        </form>
      </search>
      <Cohorts period={period} />
      <Nps period={period} />
      <Exports period={period} />
    </>
  );
}

function Cohorts({ period }: { period: Period }) {
  const report = useQuery({
    queryKey: ['cohorts', period],
    queryFn: () => data(api.GET('/v1/reports/cohorts', { params: { query: period } })),
  });
  const cohorts = report.data?.cohorts ?? [];
  const columns = Array.from({ length: Math.max(0, ...cohorts.map((c) => c.retention.length)) }, (_, i) => i);
  return (
    <section aria-labelledby="cohorts-title">
      <h2 id="cohorts-title">Cohort retention</h2>
      <p className="muted">
        Accounts by the month of their first order, and the share of them that ordered again N months later.
      </p>
      <ProblemAlert error={report.error} />
      {report.isPending ? (
        <p className="loading">Loading…</p>
      ) : cohorts.length === 0 ? (
        <p>No order in the period.</p>
      ) : (
        <div className="scroll">
          <table className="cohorts">
            <caption className="visually-hidden">
              Cohort retention, {formatDate(report.data!.from)} to {formatDate(report.data!.to)}
            </caption>
            <thead>
              <tr>
                <th scope="col">First order</th>
                <th scope="col" className="number">
                  Accounts
                </th>
                {columns.map((offset) => (
                  <th scope="col" className="number" key={offset}>
                    +{offset} mo
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {cohorts.map((c) => (
                <tr key={c.cohort}>
                  <th scope="row">{c.cohort}</th>
                  <td className="number">{c.size}</td>
                  {columns.map((offset) => {
                    const r = c.retention.find((x) => x.offset === offset);
                    return (
                      <td
                        key={offset}
                        className="number"
                        title={r ? `${r.active} of ${c.size} in ${r.month}` : undefined}
                      >
                        {r ? percent.format(r.rate) : ''}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function surveyField(path: string): string | undefined {
  const p = pointerIn(path);
  if (p.startsWith('/question')) return 'question';
  return /^\/(name)/.exec(p)?.[1];
}

function Nps({ period }: { period: Period }) {
  const session = useSession();
  const admin = can(session, 'admin');
  const client = useQueryClient();
  const [survey, setSurvey] = useState('');
  const [creating, setCreating] = useState(false);
  const surveys = useQuery({ queryKey: ['surveys'], queryFn: () => data(api.GET('/v1/surveys')) });
  const report = useQuery({
    queryKey: ['nps', period, survey],
    queryFn: () =>
      data(api.GET('/v1/reports/nps', { params: { query: { ...period, ...(survey && { survey }) } } })),
  });
  const detractors = useQuery({
    queryKey: ['detractors', survey],
    enabled: survey !== '',
    queryFn: () =>
      data(api.GET('/v1/surveys/{surveyId}/detractors', { params: { path: { surveyId: survey } } })),
  });
  const create = useMutation({
    mutationFn: (body: {
      name: string;
      question: Record<string, string>;
      comment: boolean;
      anonymous: boolean;
    }) => data(api.POST('/v1/surveys', { body })),
    onSuccess: (made) => {
      client.invalidateQueries({ queryKey: ['surveys'] });
      setCreating(false);
      setSurvey(made.id);
    },
  });
  const close = useMutation({
    mutationFn: (surveyId: string) =>
      data(api.POST('/v1/surveys/{surveyId}/close', { params: { path: { surveyId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['surveys'] }),
  });
  const f = formErrors(create.error, surveyField, 'survey');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const question = String(form.get('question') ?? '').trim();
    create.mutate({
      name: String(form.get('name') ?? '').trim(),
      question: question ? { default: question } : {},
      comment: form.get('comment') === 'on',
      anonymous: form.get('anonymous') === 'on',
    });
  };
  const r = report.data;
  const list = surveys.data?.data ?? [];
  const chosen = list.find((s) => s.id === survey);
  return (
    <section aria-labelledby="nps-title">
      <h2 id="nps-title">Net Promoter Score</h2>
      <div className="inline">
        <label htmlFor="nps-survey">Survey</label>{' '}
        <select id="nps-survey" value={survey} onChange={(e) => setSurvey(e.target.value)}>
          <option value="">all surveys</option>
          {list.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.status})
            </option>
          ))}
        </select>{' '}
        {admin && chosen?.status === 'open' && (
          <button type="button" onClick={() => close.mutate(chosen.id)} disabled={close.isPending}>
            Close the survey
          </button>
        )}{' '}
        {admin && !creating && (
          <button type="button" onClick={() => setCreating(true)}>
            New survey
          </button>
        )}
      </div>
      <ProblemAlert error={surveys.error ?? close.error} />
      {creating && (
        <section aria-labelledby="survey-form-title" className="panel">
          <h3 id="survey-form-title">New survey</h3>
          <form className="stack" onSubmit={submit} noValidate>
            <label htmlFor={f.field('name').id}>Survey name</label>
            <input {...f.field('name')} />
            {f.errorsAt('name')}
            <label htmlFor={f.field('question').id}>Question (0–10)</label>
            <input
              {...f.field('question')}
              placeholder="How likely are you to recommend us to a colleague?"
            />
            {f.errorsAt('question')}
            <label className="check">
              <input type="checkbox" name="comment" defaultChecked /> Ask for a comment
            </label>
            <label className="check">
              <input type="checkbox" name="anonymous" /> Anonymous (keep no contact with the answers)
            </label>
            {f.alert}
            <span className="actions">
              <button type="submit" disabled={create.isPending}>
                Create the survey
              </button>
              <button type="button" onClick={() => setCreating(false)}>
                Cancel
              </button>
            </span>
          </form>
        </section>
      )}
      <ProblemAlert error={report.error} />
      {r && (
        <>
          <div className="cards">
            <section className="card" aria-labelledby="nps-score">
              <h3 id="nps-score">NPS</h3>
              <p className="figure" data-testid="nps-score">
                {r.nps === null ? '—' : Math.round(r.nps)}
              </p>
              <p className="muted">
                {r.answers} answers: {r.promoters} promoters, {r.passives} passives, {r.detractors} detractors
              </p>
            </section>
          </div>
          {r.months.length > 0 && (
            <table>
              <caption className="visually-hidden">NPS by month</caption>
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col" className="number">
                    Answers
                  </th>
                  <th scope="col" className="number">
                    Promoters
                  </th>
                  <th scope="col" className="number">
                    Passives
                  </th>
                  <th scope="col" className="number">
                    Detractors
                  </th>
                  <th scope="col" className="number">
                    NPS
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.months.map((m) => (
                  <tr key={m.month}>
                    <td>{m.month}</td>
                    <td className="number">{m.answers}</td>
                    <td className="number">{m.promoters}</td>
                    <td className="number">{m.passives}</td>
                    <td className="number">{m.detractors}</td>
                    <td className="number">{m.nps === null ? '—' : Math.round(m.nps)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {survey && (
        <>
          <h3>Detractors to follow up</h3>
          <ProblemAlert error={detractors.error} />
          {detractors.data && detractors.data.data.length === 0 && <p>No detractor answered this survey.</p>}
          {detractors.data && detractors.data.data.length > 0 && (
            <table>
              <caption className="visually-hidden">Detractors of the survey</caption>
              <thead>
                <tr>
                  <th scope="col">Answered</th>
                  <th scope="col">Account</th>
                  <th scope="col" className="number">
                    Score
                  </th>
                  <th scope="col">Comment</th>
                </tr>
              </thead>
              <tbody>
                {detractors.data.data.map((d) => (
                  <tr key={d.answerId}>
                    <td>{formatDateTime(d.answeredAt)}</td>
                    <td>
                      <Link to={`/accounts/${encodeURIComponent(d.accountId)}`}>
                        <AccountName id={d.accountId} />
                      </Link>
                    </td>
                    <td className="number">{d.score}</td>
                    <td>{d.comment ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function Exports({ period }: { period: Period }) {
  const query = new URLSearchParams(period as Record<string, string>).toString();
  return (
    <section aria-labelledby="exports-title">
      <h2 id="exports-title">CSV exports</h2>
      <p className="muted">
        {period.from || period.to
          ? `For the period ${period.from ?? '…'} – ${period.to ?? 'today'}.`
          : 'Everything (apply a period above to narrow it).'}
      </p>
      <ul className="exports">
        {EXPORTS.map((kind) => (
          <li key={kind}>
            <a href={`/v1/exports/${kind}${query ? `?${query}` : ''}`} download={`${kind}.csv`}>
              Download {kind.replace('-', ' ')} (CSV)
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
