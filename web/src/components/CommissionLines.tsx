// Commission lines, each explained: the program's, a partner's or of one kind (GET
// /v1/commission-lines, paged), or a payout's (`payout`: the lines a payout pays, listed whole).
import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api, data } from '../api/client';
import { formatAmount, formatDateTime } from '../format';
import { AccountName } from './Names';
import { ProblemAlert } from './Problem';

type Kind = 'fixed' | 'percentage' | 'bonus' | 'clawback';

export function CommissionLines() {
  const [filter, setFilter] = useState<{ partner: string; kind: Kind | '' }>({ partner: '', kind: '' });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setFilter({
      partner: String(form.get('partner') ?? '').trim(),
      kind: String(form.get('kind') ?? '') as Kind | '',
    });
  };
  return (
    <section aria-labelledby="lines-title">
      <h2 id="lines-title">Commission lines</h2>
      <form className="inline" onSubmit={submit}>
        <label htmlFor="lines-partner">Partner (id or CRM id; empty: every partner)</label>
        <input id="lines-partner" name="partner" />
        <label htmlFor="lines-kind">Kind</label>
        <select id="lines-kind" name="kind" defaultValue="">
          <option value="">all</option>
          <option value="fixed">fixed</option>
          <option value="percentage">percentage</option>
          <option value="bonus">bonus</option>
          <option value="clawback">clawback</option>
        </select>
        <button type="submit">Show the lines</button>
      </form>
      <LinesTable
        caption={`Commission lines${filter.partner ? ` of ${filter.partner}` : ''}, newest first`}
        query={{
          ...(filter.partner && { partner: filter.partner }),
          ...(filter.kind && { kind: filter.kind }),
        }}
      />
    </section>
  );
}

export function LinesTable({
  caption,
  query,
  partnerColumn = true,
}: {
  caption: string;
  query: { partner?: string; kind?: Kind; payout?: string };
  partnerColumn?: boolean;
}) {
  const lines = useInfiniteQuery({
    queryKey: ['commission-lines', query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/commission-lines', {
          params: { query: { limit: 50, ...query, ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows = lines.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <>
      <ProblemAlert error={lines.error} />
      {lines.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No commission line matches.</p>
      ) : (
        <div className="scroll">
          <table>
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              <tr>
                <th scope="col">Occurred</th>
                {partnerColumn && <th scope="col">Partner</th>}
                <th scope="col">Kind</th>
                <th scope="col">Explanation</th>
                <th scope="col" className="number">
                  Amount
                </th>
                <th scope="col" className="number">
                  Left after clawbacks
                </th>
                <th scope="col">Status</th>
                <th scope="col">Due</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((l) => (
                <tr key={l.id}>
                  <td>{formatDateTime(l.occurredAt)}</td>
                  {partnerColumn && (
                    <td>
                      <Link to={`/accounts/${encodeURIComponent(l.partnerAccountId)}`}>
                        <AccountName id={l.partnerAccountId} />
                      </Link>
                    </td>
                  )}
                  <td>{l.kind}</td>
                  <td>
                    {l.explanation}
                    <div className="muted">
                      plan {l.plan} v{l.planVersion}
                    </div>
                  </td>
                  <td className="number">{formatAmount(l.amount, l.unit)}</td>
                  <td className="number">{formatAmount(l.remaining, l.unit)}</td>
                  <td>{l.status.replaceAll('_', ' ')}</td>
                  <td>{formatDateTime(l.dueAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {lines.hasNextPage && (
        <button type="button" onClick={() => lines.fetchNextPage()} disabled={lines.isFetchingNextPage}>
          More lines
        </button>
      )}
    </>
  );
}
