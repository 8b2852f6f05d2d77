// Accounts: search by name (part of it) or by CRM id (the exact externalId), paged.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, data, ProblemError, type Schemas } from '../api/client';
import { ProblemAlert } from '../components/Problem';

type Account = Schemas['Account'];

export function Accounts() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  useEffect(() => {
    document.title = 'Accounts · Fidelis console';
  }, []);
  // The CRM id, if the search is one (any account's id or externalId).
  const byId = useQuery({
    queryKey: ['account', q],
    enabled: q !== '',
    queryFn: async () => {
      try {
        return await data(api.GET('/v1/accounts/{accountId}', { params: { path: { accountId: q } } }));
      } catch (error) {
        if (error instanceof ProblemError && error.problem.status === 404) return null;
        throw error;
      }
    },
  });
  const byName = useInfiniteQuery({
    queryKey: ['accounts', q],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/accounts', {
          params: { query: { limit: 25, ...(q && { q }), ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows: Account[] = [];
  if (byId.data) rows.push(byId.data);
  for (const page of byName.data?.pages ?? [])
    for (const account of page.data) if (account.id !== byId.data?.id) rows.push(account);

  const search = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    setParams(value ? { q: value } : {});
  };
  const loading = byName.isPending || (q !== '' && byId.isPending);
  return (
    <>
      <h1>Accounts</h1>
      <search>
        <form onSubmit={search} className="inline">
          <label htmlFor="account-search">Name or CRM id</label>
          <input id="account-search" name="q" type="search" defaultValue={q} key={q} />
          <button type="submit">Search</button>
        </form>
      </search>
      <ProblemAlert error={byName.error ?? byId.error} />
      {loading ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No account matches {q ? `“${q}”` : 'yet'}.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Accounts{q ? ` matching “${q}”` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">CRM id</th>
              <th scope="col">Status</th>
              <th scope="col">Segment</th>
              <th scope="col">Country</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link to={`/accounts/${encodeURIComponent(a.id)}`}>{a.name}</Link>
                </td>
                <td>{a.externalId ?? '—'}</td>
                <td>{a.status}</td>
                <td>{a.segment ?? '—'}</td>
                <td>{a.country ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {byName.hasNextPage && (
        <button type="button" onClick={() => byName.fetchNextPage()} disabled={byName.isFetchingNextPage}>
          More accounts
        </button>
      )}
    </>
  );
}
