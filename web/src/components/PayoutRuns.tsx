// Payout runs: the list (newest first, by status), a form proposing a run of a month or a quarter
// (its refusals at their fields: a future or malformed period, a period with a run already, an
// unknown currency, a bad minimum), and the run chosen for review (PayoutRun.tsx).
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data } from '../api/client';
import type { paths } from '../api/schema';
import { formatAmount, formatDateTime } from '../format';
import { can, useSession } from '../session';
import { formErrors, pointerIn } from './Fields';
import { ActorName } from './Names';
import { PayoutRun } from './PayoutRun';
import { ProblemAlert } from './Problem';

type RunStatus = 'proposed' | 'approved' | 'cancelled';
type ProposeBody = paths['/v1/payout-runs']['post']['requestBody']['content']['application/json'];

export function PayoutRuns() {
  const session = useSession();
  const [status, setStatus] = useState<RunStatus | ''>('');
  const [open, setOpen] = useState<string | null>(null);
  const runs = useInfiniteQuery({
    queryKey: ['payout-runs', status],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/payout-runs', {
          params: {
            query: { limit: 25, ...(status && { status }), ...(pageParam && { cursor: pageParam }) },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows = runs.data?.pages.flatMap((p) => p.data) ?? [];
  const who = { me: session.user.id, readsUsers: can(session, 'admin') };
  return (
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">Payout runs</h2>
      {can(session, 'write') && <ProposeRun onProposed={setOpen} />}
      <form className="inline" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="runs-status">Run status</label>
        <select id="runs-status" value={status} onChange={(e) => setStatus(e.target.value as RunStatus | '')}>
          <option value="">all</option>
          <option value="proposed">proposed (waiting for approval)</option>
          <option value="approved">approved</option>
          <option value="cancelled">cancelled</option>
        </select>
      </form>
      <ProblemAlert error={runs.error} />
      {runs.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No payout run matches.</p>
      ) : (
        <div className="scroll">
          <table>
            <caption className="visually-hidden">Payout runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col">Status</th>
                <th scope="col" className="number">
                  Payouts
                </th>
                <th scope="col" className="number">
                  Total
                </th>
                <th scope="col">Proposed</th>
                <th scope="col">Decided</th>
                <th scope="col">Review</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    {r.period}
                    <div className="muted">{r.id}</div>
                  </td>
                  <td data-testid={`run-status-${r.id}`}>{r.status}</td>
                  <td className="number">{r.payoutCount}</td>
                  <td className="number">{formatAmount(r.total, r.unit)}</td>
                  <td>
                    {formatDateTime(r.proposedAt)}
                    <div className="muted">
                      by <ActorName id={r.proposedBy} name={r.proposedByName} {...who} />
                    </div>
                  </td>
                  <td>
                    {r.decidedAt ? formatDateTime(r.decidedAt) : '—'}
                    {r.decidedBy && (
                      <div className="muted">
                        by <ActorName id={r.decidedBy} name={r.decidedByName} {...who} />
                      </div>
                    )}
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Review the run of ${r.period} (${r.id})`}
                      aria-expanded={open === r.id}
                      onClick={() => setOpen(open === r.id ? null : r.id)}
                    >
                      Review
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs.hasNextPage && (
        <button type="button" onClick={() => runs.fetchNextPage()} disabled={runs.isFetchingNextPage}>
          More runs
        </button>
      )}
      {open && <PayoutRun id={open} />}
    </section>
  );
}

function ProposeRun({ onProposed }: { onProposed: (id: string) => void }) {
  const client = useQueryClient();
  const propose = useMutation({
    mutationFn: (body: ProposeBody) => data(api.POST('/v1/payout-runs', { body })),
    onSuccess: (run) => {
      client.invalidateQueries({ queryKey: ['payout-runs'] });
      onProposed(run.id);
    },
  });
  const f = formErrors(propose.error, (p) => /^\/(period|currency|minimum)/.exec(pointerIn(p))?.[1], 'run');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    propose.mutate({
      period: text('period'),
      ...(text('currency') && { currency: text('currency') }),
      ...(text('minimum') && { minimum: text('minimum') }),
    });
  };
  return (
    <form className="stack panel" onSubmit={submit} noValidate aria-labelledby="propose-title">
      <h3 id="propose-title">Propose a payout run</h3>
      <p className="muted">
        One payout per partner owed at least the minimum for commissions due by the end of the period (or
        now); someone else approves it.
      </p>
      <label htmlFor={f.field('period').id}>Period (a month 2026-11 or a quarter 2026-Q4)</label>
      <input {...f.field('period')} placeholder={new Date().toISOString().slice(0, 7)} />
      {f.errorsAt('period')}
      <label htmlFor={f.field('currency').id}>Currency (empty: the base currency)</label>
      <input {...f.field('currency')} maxLength={3} />
      {f.errorsAt('currency')}
      <label htmlFor={f.field('minimum').id}>Minimum payout (empty: the program’s setting)</label>
      <input {...f.field('minimum')} inputMode="decimal" />
      {f.errorsAt('minimum')}
      {f.alert}
      <span className="actions">
        <button type="submit" disabled={propose.isPending}>
          Propose the run
        </button>
      </span>
    </form>
  );
}
