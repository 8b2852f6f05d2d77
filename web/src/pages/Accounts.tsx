// Accounts: search by name (part of it) or by CRM id (the exact externalId), paged, sorted by the
// API by name or by when added (the `sort` parameter, kept in the URL; decision 0038).
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, data, ProblemError, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { ProblemAlert } from '../components/Problem';
import { type Sort, SortHeader } from '../components/Sorting';
import { formatDate } from '../format';

type Account = Schemas['Account'];
type AccountSort = NonNullable<NonNullable<paths['/v1/accounts']['get']['parameters']['query']>['sort']>;
const SORTS: AccountSort[] = ['name', '-name', 'createdAt', '-createdAt'];

const toSort = (value: string | null): Sort | null => {
  if (!value || !SORTS.includes(value as AccountSort)) return null;
  return { key: value.replace(/^-/, ''), descending: value.startsWith('-') };
};
const fromSort = (sort: Sort | null): AccountSort | undefined =>
  sort ? (`${sort.descending ? '-' : ''}${sort.key}` as AccountSort) : undefined;

export function Accounts() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const sort = toSort(params.get('sort'));
  const apiSort = fromSort(sort);
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
    queryKey: ['accounts', q, apiSort],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/accounts', {
          params: {
            query: {
              limit: 25,
              ...(q && { q }),
              ...(apiSort && { sort: apiSort }),
              ...(pageParam && { cursor: pageParam }),
            },
          },
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
    setParams({ ...(value && { q: value }), ...(apiSort && { sort: apiSort }) });
  };
  const sortBy = (next: Sort | null) => {
    const value = fromSort(next);
    setParams({ ...(q && { q }), ...(value && { sort: value }) });
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
              <SortHeader label="Name" sortKey="name" sort={sort} onSort={sortBy} />
              <th scope="col">CRM id</th>
              <th scope="col">Status</th>
              <th scope="col">Segment</th>
              <th scope="col">Country</th>
              <SortHeader label="Added" sortKey="createdAt" sort={sort} onSort={sortBy} />
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
                <td>
                  <time dateTime={a.createdAt}>{formatDate(a.createdAt)}</time>
                </td>
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
