// Settings › Jobs: the program's background jobs (GET /v1/jobs), newest first, filtered by queue and
// paged, with their state, attempts and last error. Read scope.
import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api, data } from '../api/client';
import { ProblemAlert } from '../components/Problem';
import { SettingsNav } from '../components/SettingsNav';
import { formatDateTime } from '../format';

export function Jobs() {
  useEffect(() => {
    document.title = 'Jobs · Fidelis console';
  }, []);
  const [queue, setQueue] = useState('');
  const [state, setState] = useState('');
  const jobs = useInfiniteQuery({
    queryKey: ['jobs', queue],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/jobs', {
          params: { query: { limit: 50, ...(queue && { queue }), ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const all = jobs.data?.pages.flatMap((p) => p.data) ?? [];
  const states = [...new Set(all.map((j) => j.state))].sort();
  const rows = all.filter((j) => !state || j.state === state);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setQueue(String(new FormData(event.currentTarget).get('queue') ?? '').trim());
  };
  return (
    <>
      <h1>Jobs</h1>
      <SettingsNav />
      <p className="muted">
        The background work of the program: webhook deliveries, scheduled runs, exports.
      </p>
      <search>
        <form className="inline" onSubmit={submit}>
          <label htmlFor="jobs-queue">Queue</label>
          <input id="jobs-queue" name="queue" placeholder="e.g. webhook-delivery" />
          <button type="submit">Filter jobs</button>
          <label htmlFor="jobs-state">State</label>
          <select id="jobs-state" value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">any</option>
            {states.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </form>
      </search>
      <ProblemAlert error={jobs.error} />
      {jobs.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No job{queue || state ? ' matches' : ' yet'}.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Background jobs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Queue</th>
              <th scope="col">State</th>
              <th scope="col" className="number">
                Attempts
              </th>
              <th scope="col">Completed</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((j) => (
              <tr key={j.id}>
                <td>{formatDateTime(j.createdAt)}</td>
                <td>
                  {j.queue}
                  <div className="muted">{j.id}</div>
                </td>
                <td>{j.state}</td>
                <td className="number">
                  {j.attempts} / {j.retryLimit + 1}
                </td>
                <td>{j.completedAt ? formatDateTime(j.completedAt) : '—'}</td>
                <td className="explanation">{j.lastError ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {jobs.hasNextPage && (
        <button type="button" onClick={() => jobs.fetchNextPage()} disabled={jobs.isFetchingNextPage}>
          More jobs
        </button>
      )}
    </>
  );
}
