// Rewards owed (decision 0053): the catalog rewards a challenge completion or an automation firing
// could not give (out of stock, archived), oldest first, a page at a time, filtered by account and
// reward; each with the member, the reward (in stock now or not), what earned it, since when and why
// it was skipped. An admin retries one now (issued once, by its key) or waives it with a reason; a
// refusal shows on its row. Backed by GET /v1/engagement/rewards-owed and its retry and waive routes.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { api, data } from '../api/client';
import { type Owed, OwedRow } from '../components/OwedRow';
import { ProblemAlert } from '../components/Problem';
import { LoadedSortNote, useLoadedSort } from '../components/Sorting';
import { can, useSession } from '../session';

interface OwedFilter {
  account?: string;
  reward?: string;
}

export function RewardsOwed() {
  const session = useSession();
  const admin = can(session, 'admin');
  const id = useId();
  const [filter, setFilter] = useState<OwedFilter>({});
  useEffect(() => {
    document.title = 'Rewards owed · Fidelis console';
  }, []);
  const owed = useInfiniteQuery({
    queryKey: ['rewards-owed', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/engagement/rewards-owed', {
          params: {
            query: {
              limit: 50,
              ...(filter.account && { account: filter.account }),
              ...(filter.reward && { reward: filter.reward }),
              ...(pageParam && { cursor: pageParam }),
            },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  // The names of what earned them and of the rewards a filter may name (the first 100 of each).
  const automations = useQuery({
    queryKey: ['automations', 'names'],
    staleTime: 60_000,
    queryFn: () => data(api.GET('/v1/automations', { params: { query: { limit: 100 } } })),
  });
  const challenges = useQuery({
    queryKey: ['challenges', 'names'],
    staleTime: 60_000,
    queryFn: () => data(api.GET('/v1/challenges', { params: { query: { limit: 100 } } })),
  });
  const rewards = useQuery({
    queryKey: ['rewards', 'names'],
    staleTime: 60_000,
    queryFn: () => data(api.GET('/v1/rewards', { params: { query: { limit: 100 } } })),
  });
  const names = new Map<string, string>([
    ...(automations.data?.data ?? []).map((a) => [`automation:${a.code}`, a.name] as [string, string]),
    ...(challenges.data?.data ?? []).map((c) => [`challenge:${c.code}`, c.name] as [string, string]),
  ]);
  const whyOf = (o: Owed) =>
    o.source === 'automation'
      ? `Automation ${names.get(`automation:${o.automation}`) ?? o.automation}`
      : `Challenge ${names.get(`challenge:${o.challenge}`) ?? o.challenge}`;
  const loaded = owed.data?.pages.flatMap((p) => p.data) ?? [];
  const { rows, sort, header } = useLoadedSort<Owed>(loaded, {
    reward: (o) => o.reward?.name ?? o.reward?.id,
    why: whyOf,
    since: (o) => o.owedSince,
    reason: (o) => o.reason,
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    setFilter({ account: text('account') || undefined, reward: text('reward') || undefined });
  };
  const filtered = !!(filter.account || filter.reward);
  return (
    <>
      <h1>Rewards owed</h1>
      <p className="muted">
        Catalog rewards a challenge completion or an automation firing could not give (out of stock or
        archived), oldest first. The engagement due run issues them once the reward is in stock again; an
        admin may retry one now, or waive it for good with a reason.
      </p>
      {!admin && (
        <p className="note" role="note">
          Your role ({session.user.role}) may look at the rewards owed but not retry or waive them: that needs
          an admin or the owner.
        </p>
      )}
      <search>
        <form className="inline" onSubmit={submit}>
          <label htmlFor={`${id}-account`}>Account (id or CRM id)</label>
          <input id={`${id}-account`} name="account" defaultValue={filter.account ?? ''} />
          <label htmlFor={`${id}-reward`}>Reward</label>
          <select id={`${id}-reward`} name="reward" defaultValue={filter.reward ?? ''}>
            <option value="">every reward</option>
            {(rewards.data?.data ?? []).map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <button type="submit">Show the rewards owed</button>
        </form>
      </search>
      <ProblemAlert error={owed.error} />
      {owed.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        !owed.error && <p>{filtered ? 'No reward owed matches.' : 'The program owes no reward.'}</p>
      ) : (
        <div className="scroll">
          <table>
            <caption className="visually-hidden">Rewards owed, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Member</th>
                {header('reward', 'Reward owed')}
                {header('why', 'Why')}
                {header('since', 'Owed since')}
                {header('reason', 'Last error')}
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((o) => (
                <OwedRow key={o.key} owed={o} why={whyOf(o)} admin={admin} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadedSortNote sort={sort} count={loaded.length} more={!!owed.hasNextPage} />
      {owed.hasNextPage && (
        <button type="button" onClick={() => owed.fetchNextPage()} disabled={owed.isFetchingNextPage}>
          More rewards owed
        </button>
      )}
    </>
  );
}
