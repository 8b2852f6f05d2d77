// History: every movement of the account's points with its explanation (an automation's in the
// member's language), filtered by kind, in pages.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client';
import { useI18n } from '../i18n';
import { Failed, Loading } from './common';

const TYPES = ['earn', 'redeem', 'expire', 'adjust', 'reverse', 'transfer'] as const;
type Kind = (typeof TYPES)[number];

export function History() {
  const i = useI18n();
  const { m } = i;
  const [type, setType] = useState<Kind | ''>('');
  const history = useInfiniteQuery({
    queryKey: ['history', type, i.language],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/portal/api/history', {
          params: {
            query: {
              // Automations' lines ("Happy birthday, …") in the member's language.
              locale: i.language,
              limit: 20,
              ...(type && { type }),
              ...(pageParam && { cursor: pageParam }),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const lines = history.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">{m.history.title}</h1>
      <label className="field">
        {m.history.filter}{' '}
        <select value={type} onChange={(e) => setType(e.target.value as Kind | '')}>
          <option value="">{m.history.all}</option>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {m.history.types[t]}
            </option>
          ))}
        </select>
      </label>
      {history.isPending ? (
        <Loading />
      ) : history.isError ? (
        <Failed retry={() => history.refetch()} />
      ) : lines.length === 0 ? (
        <p className="muted">{m.history.none}</p>
      ) : (
        <ol className="plain lines" data-testid="history">
          {lines.map((l) => (
            <li key={l.entryId} className="line">
              <div className="line-what">
                <span className="explanation">{l.explanation}</span>
                <span className="muted small">
                  <time dateTime={l.effectiveAt}>{i.date(l.effectiveAt)}</time>
                  {l.pendingUntil && l.amount === 0
                    ? ` · ${i.t(m.history.pendingUntil, { date: i.date(l.pendingUntil) })}`
                    : ''}
                </span>
              </div>
              <div className="line-figures">
                <span className={l.amount < 0 ? 'minus' : 'plus'}>
                  {l.amount > 0 ? '+' : ''}
                  {i.number(l.amount === 0 ? l.requested : l.amount)}
                </span>
                <span className="muted small">
                  {m.history.balance} {i.number(l.balanceAfter)}
                </span>
              </div>
            </li>
          ))}
        </ol>
      )}
      {history.hasNextPage ? (
        <button type="button" onClick={() => history.fetchNextPage()} disabled={history.isFetchingNextPage}>
          {m.history.more}
        </button>
      ) : null}
    </section>
  );
}
