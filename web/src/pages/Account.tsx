// One account: its wallets (balance, pending, held, available) and a wallet's history, each line
// with the explanation the ledger keeps ("why does it have these points?").
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, data } from '../api/client';
import { ProblemAlert } from '../components/Problem';
import { formatAmount, formatDateTime } from '../format';

export function Account() {
  const accountId = useParams().accountId!;
  const path = { accountId };
  const account = useQuery({
    queryKey: ['account', accountId],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}', { params: { path } })),
  });
  const wallets = useQuery({
    queryKey: ['wallets', accountId],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}/wallets', { params: { path } })),
  });
  const [chosen, setChosen] = useState<string>();
  const units = wallets.data?.data.map((w) => w.unit) ?? [];
  // Points first when the account has them; else its first wallet.
  const unit = chosen ?? (units.includes('points') ? 'points' : units[0]);
  useEffect(() => {
    if (account.data) document.title = `${account.data.name} · Fidelis console`;
  }, [account.data]);

  if (account.isPending) return <p className="loading">Loading…</p>;
  if (account.isError)
    return (
      <>
        <h1>Account</h1>
        <ProblemAlert error={account.error} />
        <Link to="/accounts">Back to the accounts</Link>
      </>
    );
  const a = account.data;
  return (
    <>
      <p className="crumbs">
        <Link to="/accounts">Accounts</Link> ›
      </p>
      <h1>{a.name}</h1>
      <dl className="facts">
        <dt>CRM id</dt>
        <dd>{a.externalId ?? '—'}</dd>
        <dt>Status</dt>
        <dd>{a.status}</dd>
        <dt>Segment</dt>
        <dd>{a.segment ?? '—'}</dd>
        <dt>Country</dt>
        <dd>{a.country ?? '—'}</dd>
      </dl>

      <section aria-labelledby="wallets-title">
        <h2 id="wallets-title">Wallets</h2>
        <ProblemAlert error={wallets.error} />
        {wallets.data && wallets.data.data.length === 0 && <p>No wallet yet: nothing earned.</p>}
        <div className="cards">
          {wallets.data?.data.map((w) => (
            <article
              key={w.walletId}
              className={w.unit === unit ? 'card chosen' : 'card'}
              aria-label={`${w.unit} wallet`}
            >
              <h3>{w.unit === 'points' ? 'Points' : w.unit}</h3>
              <dl>
                <dt>Balance</dt>
                <dd>{formatAmount(w.net, w.unit)}</dd>
                <dt>Pending</dt>
                <dd>{formatAmount(w.pending, w.unit)}</dd>
                <dt>Held</dt>
                <dd>{formatAmount(w.held, w.unit)}</dd>
                <dt>Available</dt>
                <dd>{formatAmount(w.available, w.unit)}</dd>
                <dt>Expiring in 90 days</dt>
                <dd>{formatAmount(w.expiring.in90Days, w.unit)}</dd>
              </dl>
              {w.unit !== unit && (
                <button type="button" onClick={() => setChosen(w.unit)}>
                  Show the {w.unit} history
                </button>
              )}
            </article>
          ))}
        </div>
      </section>
      {unit && <History accountId={accountId} unit={unit} />}
    </>
  );
}

function History({ accountId, unit }: { accountId: string; unit: string }) {
  const history = useInfiniteQuery({
    queryKey: ['history', accountId, unit],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/accounts/{accountId}/wallets/{unit}/history', {
          params: {
            path: { accountId, unit },
            query: { limit: 50, ...(pageParam && { cursor: pageParam }) },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const lines = history.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History ({unit})</h2>
      <ProblemAlert error={history.error} />
      {history.isPending ? (
        <p className="loading">Loading…</p>
      ) : lines.length === 0 ? (
        <p>No movement yet.</p>
      ) : (
        <table className="history">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col" className="number">
                Amount
              </th>
              <th scope="col" className="number">
                Balance after
              </th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={`${l.entryId}:${l.phase}`}>
                <td>{formatDateTime(l.effectiveAt)}</td>
                <td>
                  {l.type}
                  {l.phase !== 'posted' && <span className="tag">{l.phase}</span>}
                </td>
                <td className="number">{formatAmount(l.requested, l.unit)}</td>
                <td className="number">{formatAmount(l.balanceAfter, l.unit)}</td>
                <td className="explanation">{l.explanation}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {history.hasNextPage && (
        <button type="button" onClick={() => history.fetchNextPage()} disabled={history.isFetchingNextPage}>
          Older lines
        </button>
      )}
    </section>
  );
}
