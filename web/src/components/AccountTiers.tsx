// An account's tiers: the tier held on each ladder, since when, the progress to the next one and the
// changes (decision 0033).
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { formatNumber } from '../format';
import { Section, When } from './AccountSections';
import { AccountName } from './Names';
import { ProblemAlert } from './Problem';

type Account = Schemas['Account'];

/** Each ladder: the tier held and since when, the metric against the next tier's threshold, the changes. */
export function Tiers({ account }: { account: Account }) {
  const path = { accountId: account.id };
  const progress = useQuery({
    queryKey: ['account-tiers', account.id],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}/tiers', { params: { path } })),
  });
  const history = useQuery({
    queryKey: ['tier-history', account.id],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}/tier-history', { params: { path } })),
  });
  return (
    <Section id="tiers" title="Tiers">
      <ProblemAlert error={progress.error} />
      {progress.isPending && <p className="loading">Loading…</p>}
      {progress.data && progress.data.data.length === 0 && <p>The program has no tier ladder.</p>}
      <div className="cards">
        {progress.data?.data.map((t) => {
          const changes = (history.data?.data ?? [])
            .filter((c) => c.ladderId === t.ladderId)
            .sort((x, y) => y.at.localeCompare(x.at));
          return (
            <article key={t.ladderId} className="card wide" aria-label={`Ladder ${t.ladderName}`}>
              <h3>{t.ladderName}</h3>
              <dl>
                <dt>Tier</dt>
                <dd data-testid={`tier-${t.ladderId}`}>{t.tierName ?? 'none yet'}</dd>
                <dt>Reached</dt>
                <dd data-testid={`tier-since-${t.ladderId}`}>
                  <When at={t.since} />
                </dd>
                {t.securedUntil && (
                  <>
                    <dt>Secured until</dt>
                    <dd>
                      <When at={t.securedUntil} />
                    </dd>
                  </>
                )}
                {t.graceUntil && (
                  <>
                    <dt>In grace until</dt>
                    <dd>
                      <When at={t.graceUntil} />
                    </dd>
                  </>
                )}
                <dt>
                  Counted since <When at={t.windowStart} />
                </dt>
                <dd data-testid={`tier-metric-${t.ladderId}`}>{formatNumber(t.metric)}</dd>
                <dt>Points multiplier</dt>
                <dd>×{t.multiplier}</dd>
              </dl>
              {t.qualifyingAccountId !== account.id && (
                <p className="muted">
                  Qualifies as a group: the metric is{' '}
                  <Link to={`/accounts/${encodeURIComponent(t.qualifyingAccountId)}`}>
                    <AccountName id={t.qualifyingAccountId} />
                  </Link>
                  ’s.
                </p>
              )}
              {t.next ? (
                <p data-testid={`tier-next-${t.ladderId}`}>
                  <label htmlFor={`tier-progress-${t.ladderId}`}>
                    {formatNumber(t.next.needed)} more for {t.next.name} (threshold{' '}
                    {formatNumber(t.next.threshold)}) by <When at={t.next.by} />
                  </label>
                  <br />
                  <progress
                    id={`tier-progress-${t.ladderId}`}
                    max={Number(t.next.threshold)}
                    value={Math.min(Number(t.metric), Number(t.next.threshold))}
                  />
                </p>
              ) : (
                !t.qualifies && (
                  <p data-testid={`tier-next-${t.ladderId}`}>
                    {t.tier ? 'The top tier.' : 'No tier to reach.'}
                  </p>
                )
              )}
              {t.qualifies && <p>Already qualifies for {t.qualifies.name}: the next activity applies it.</p>}
              {t.nextEvaluation && (
                <p className="muted">
                  Next evaluation <When at={t.nextEvaluation.at} />: {t.nextEvaluation.outcome}
                </p>
              )}
              {t.override && (
                <p className="note">
                  {t.override.kind === 'freeze' ? 'Frozen' : `Set to ${t.override.tier} by hand`}
                  {t.override.until && (
                    <>
                      {' '}
                      until <When at={t.override.until} />
                    </>
                  )}
                  : {t.override.reason}
                </p>
              )}
              {t.perks.length > 0 && <p>Perks: {t.perks.join(', ')}</p>}
              {changes.length > 0 && (
                <table>
                  <caption>Tier changes on {t.ladderName}, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">From</th>
                      <th scope="col">To</th>
                      <th scope="col">Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    {changes.slice(0, 5).map((c) => (
                      <tr key={c.id}>
                        <td>
                          <When at={c.at} />
                        </td>
                        <td>{c.fromName ?? '—'}</td>
                        <td>{c.toName ?? '—'}</td>
                        <td className="explanation">{c.reason.replaceAll('_', ' ')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {changes.length > 5 && <p className="muted">and {changes.length - 5} earlier changes.</p>}
            </article>
          );
        })}
      </div>
      <ProblemAlert error={history.error} />
    </Section>
  );
}
