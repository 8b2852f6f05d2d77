// Events: the stream of events, newest first, filtered by account and type and paged
// (GET /v1/events), each with what the rules made of it — every rule's outcome and reason, the awards
// with their explanations, reversals and notes — so "why did this account get 240 points?" has its
// answer on one line. An event can also be found by its id (GET /v1/events/{id}), kept in the URL's
// `event` query so that a link (an account's page) opens one event's explanation.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, Fragment, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, data } from '../api/client';
import { Evaluation } from '../components/Evaluation';
import { AccountName } from '../components/Names';
import { ProblemAlert } from '../components/Problem';
import { LoadedSortNote, useLoadedSort } from '../components/Sorting';
import { formatDateTime } from '../format';

export function Events() {
  useEffect(() => {
    document.title = 'Events · Fidelis console';
  }, []);
  const [params, setParams] = useSearchParams();
  const account = params.get('account') ?? '';
  const type = params.get('type') ?? '';
  const [open, setOpen] = useState<string | null>(null);
  const lookup = params.get('event') ?? '';
  const list = useInfiniteQuery({
    queryKey: ['events', account, type],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/events', {
          params: {
            query: {
              limit: 25,
              ...(account && { account }),
              ...(type && { type }),
              ...(pageParam && { cursor: pageParam }),
            },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const types = useQuery({
    queryKey: ['event-types'],
    staleTime: 300_000,
    queryFn: () => data(api.GET('/v1/event-types')),
  });
  const found = useQuery({
    queryKey: ['event', lookup],
    enabled: lookup !== '',
    queryFn: () => data(api.GET('/v1/events/{eventId}', { params: { path: { eventId: lookup } } })),
  });
  const filter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    const a = String(form.get('account') ?? '').trim();
    const t = String(form.get('type') ?? '');
    if (a) next.set('account', a);
    if (t) next.set('type', t);
    if (lookup) next.set('event', lookup);
    setParams(next);
    setOpen(null);
  };
  const find = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    const id = String(new FormData(event.currentTarget).get('eventId') ?? '').trim();
    if (id) next.set('event', id);
    else next.delete('event');
    setParams(next);
  };
  const loaded = list.data?.pages.flatMap((p) => p.data) ?? [];
  // The API lists events newest first only: a column sorts the events loaded (decision 0038).
  const sorting = useLoadedSort(loaded, {
    occurred: (e) => e.occurredAt,
    type: (e) => e.type,
    amount: (e) => (e.amount === null ? null : Number(e.amount)),
    points: (e) => e.result.totals.points,
  });
  const rows = sorting.rows;
  const typeNames = [
    ...new Set([
      'purchase',
      'invoice.paid',
      'return',
      ...(types.data?.data.map((t) => t.type) ?? []),
      ...(type ? [type] : []),
    ]),
  ].sort();
  return (
    <>
      <h1>Events</h1>
      <p className="muted">
        Every event the program received, newest first, with what each rule made of it. Open an event to read
        why it earned what it did.
      </p>
      <search>
        <form onSubmit={filter} className="inline" key={`${account}|${type}`}>
          <label htmlFor="events-account">Account (id or CRM id)</label>
          <input id="events-account" name="account" defaultValue={account} />
          <label htmlFor="events-type">Event type</label>
          <select id="events-type" name="type" defaultValue={type}>
            <option value="">any</option>
            {typeNames.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <button type="submit">Filter</button>
        </form>
      </search>
      <form onSubmit={find} className="inline">
        <label htmlFor="events-lookup">Event id</label>
        <input
          id="events-lookup"
          name="eventId"
          placeholder="your id or evt_…"
          defaultValue={lookup}
          key={lookup}
        />
        <button type="submit">Find the event</button>
      </form>
      {lookup && (
        <section aria-labelledby="found-title">
          <h2 id="found-title">Event {lookup}</h2>
          <ProblemAlert error={found.error} />
          {found.data && <Evaluation event={found.data} />}
        </section>
      )}
      <ProblemAlert error={list.error} />
      {list.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No event matches.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Events, newest first</caption>
          <thead>
            <tr>
              {sorting.header('occurred', 'Occurred')}
              {sorting.header('type', 'Event')}
              <th scope="col">Account</th>
              {sorting.header('amount', 'Amount', 'number')}
              {sorting.header('points', 'Points', 'number')}
              <th scope="col">Rules</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => {
              const matched = e.result.rules.filter((r) => r.outcome === 'awarded').length;
              const isOpen = open === e.internalId;
              return (
                <Fragment key={e.internalId}>
                  <tr>
                    <td>{formatDateTime(e.occurredAt)}</td>
                    <td>
                      {e.type}
                      <div className="muted">{e.id}</div>
                    </td>
                    <td>
                      <Link to={`/accounts/${encodeURIComponent(e.accountId)}`}>
                        <AccountName id={e.accountId} />
                      </Link>
                    </td>
                    <td className="number">{e.amount !== null ? `${e.amount} ${e.currency ?? ''}` : '—'}</td>
                    <td className="number">{e.result.totals.points}</td>
                    <td>
                      <button
                        type="button"
                        aria-expanded={isOpen}
                        aria-controls={`why-${e.internalId}`}
                        aria-label={`${isOpen ? 'Hide' : 'Why?'} event ${e.id}`}
                        onClick={() => setOpen(isOpen ? null : e.internalId)}
                      >
                        {isOpen ? 'Hide' : 'Why?'}
                      </button>{' '}
                      <span className="muted">
                        {matched} of {e.result.rules.length} awarded
                      </span>
                    </td>
                  </tr>
                  {isOpen && (
                    <tr id={`why-${e.internalId}`}>
                      <td colSpan={6}>
                        <Evaluation event={e} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      <LoadedSortNote sort={sorting.sort} count={rows.length} more={list.hasNextPage} />
      {list.hasNextPage && (
        <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          More events
        </button>
      )}
    </>
  );
}
