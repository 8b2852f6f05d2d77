// The approvals inbox: redemptions waiting for approval, approved or rejected (with a reason) by a
// role that decides approvals — one at a time, or several selected at once with one reason (each its
// own API call, its answer on its row) — and the sales claims waiting (maker-checker: not by their
// submitter); a refusal of the API shows on the row.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, data, ProblemError, type Schemas } from '../api/client';
import { ClaimsTable } from '../components/Claims';
import { DecisionControls } from '../components/Decision';
import { AccountName, RewardName } from '../components/Names';
import { ProblemAlert } from '../components/Problem';
import { LoadedSortNote, useLoadedSort } from '../components/Sorting';
import { formatAmount, formatDateTime } from '../format';
import { can, useSession } from '../session';

type Redemption = Schemas['Redemption'];
type Decision = 'approve' | 'reject';
/** A bulk decision's answer for one redemption: its new state, or the API's refusal. */
type Outcome = { redemption: Redemption; decided?: Redemption; error?: unknown };

/** One decision, one API call (the API's own per-redemption route). */
function decide(id: string, decision: Decision, note?: string) {
  const request = { params: { path: { redemptionId: id } }, body: note ? { note } : {} };
  return data(
    decision === 'approve'
      ? api.POST('/v1/redemptions/{redemptionId}/approve', request)
      : api.POST('/v1/redemptions/{redemptionId}/reject', request),
  );
}

export function Approvals() {
  const session = useSession();
  const decides = can(session, 'approve');
  useEffect(() => {
    document.title = 'Approvals · Fidelis console';
  }, []);
  const pending = useInfiniteQuery({
    queryKey: ['redemptions', 'pending_approval'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/redemptions', {
          params: {
            query: { status: 'pending_approval', limit: 50, ...(pageParam && { cursor: pageParam }) },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  // The API lists the waiting redemptions in one order: a column sorts those loaded (decision 0038).
  const sorting = useLoadedSort(pending.data?.pages.flatMap((p) => p.data) ?? [], {
    requested: (r) => r.createdAt,
    price: (r) => r.price.amount,
  });
  const rows = sorting.rows;
  const client = useQueryClient();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [outcomes, setOutcomes] = useState<Map<string, Outcome>>(new Map());
  // Maker-checker as far as the inbox knows it: whoever approved a redemption already does not again
  // (the API refuses that, and a requester deciding their own request, whatever the inbox shows).
  // A redemption the API refused this user on (approver_not_allowed: their own request, or a role the
  // policy does not let decide) is barred too, until the inbox is opened again.
  const mine = (r: Redemption) => r.approvals.decisions.some((d) => d.approver === session.user.id);
  const barred = (r: Redemption) => {
    const error = outcomes.get(r.id)?.error;
    return mine(r) || (error instanceof ProblemError && error.problem.code === 'approver_not_allowed');
  };
  const selectable = decides ? rows.filter((r) => !barred(r)) : [];
  const chosen = selectable.filter((r) => selected.has(r.id));
  const bulk = useMutation({
    mutationFn: async ({ decision, note }: { decision: Decision; note?: string }) => {
      const answers = new Map<string, Outcome>();
      // One after the other: each decision is its own call, and a refusal stops nothing else.
      for (const r of chosen) {
        try {
          answers.set(r.id, { redemption: r, decided: await decide(r.id, decision, note) });
        } catch (error) {
          answers.set(r.id, { redemption: r, error });
        }
      }
      return answers;
    },
    onSuccess: (answers) => {
      setOutcomes(answers);
      setSelected(new Set());
      client.invalidateQueries({ queryKey: ['redemptions'] });
    },
  });
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const allChosen = selectable.length > 0 && chosen.length === selectable.length;
  return (
    <>
      <h1>Approvals</h1>
      <p>Redemptions waiting for approval; the points stay held until a decision.</p>
      {!decides && (
        <p className="note" role="note">
          Your role ({session.user.role}) may look at the inbox but not decide.
        </p>
      )}
      <ProblemAlert error={pending.error} />
      {decides && rows.length > 0 && (
        <BulkDecision
          count={chosen.length}
          pending={bulk.isPending}
          onDecide={(decision, note) => bulk.mutate({ decision, note })}
        />
      )}
      {outcomes.size > 0 && <Outcomes outcomes={[...outcomes.values()]} />}
      {pending.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>Nothing waits for approval.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Redemptions waiting for approval</caption>
          <thead>
            <tr>
              {decides && (
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select every redemption listed"
                    checked={allChosen}
                    disabled={selectable.length === 0 || bulk.isPending}
                    onChange={(e) =>
                      setSelected(new Set(e.target.checked ? selectable.map((r) => r.id) : []))
                    }
                  />
                </th>
              )}
              {sorting.header('requested', 'Requested')}
              <th scope="col">Account</th>
              <th scope="col">Reward</th>
              {sorting.header('price', 'Price', 'number')}
              <th scope="col">Approvals</th>
              {decides && <th scope="col">Decision</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <Row
                key={r.id}
                redemption={r}
                decides={decides}
                mine={mine(r)}
                barred={barred(r)}
                selected={selected.has(r.id)}
                onSelect={(on) => toggle(r.id, on)}
                outcome={outcomes.get(r.id)}
                busy={bulk.isPending}
              />
            ))}
          </tbody>
        </table>
      )}
      <LoadedSortNote sort={sorting.sort} count={rows.length} more={pending.hasNextPage} />
      {pending.hasNextPage && (
        <button type="button" onClick={() => pending.fetchNextPage()} disabled={pending.isFetchingNextPage}>
          More
        </button>
      )}
      <section aria-labelledby="waiting-claims-title">
        <h2 id="waiting-claims-title">Sales claims waiting</h2>
        <p>Claims of resellers’ invoices; an approved claim becomes an event the rules pay.</p>
        <ClaimsTable status="submitted" caption="Sales claims waiting for a decision" />
      </section>
    </>
  );
}

function Row({
  redemption: r,
  decides,
  mine,
  barred,
  selected,
  onSelect,
  outcome,
  busy,
}: {
  redemption: Redemption;
  decides: boolean;
  mine: boolean;
  barred: boolean;
  selected: boolean;
  onSelect: (on: boolean) => void;
  outcome?: Outcome;
  busy: boolean;
}) {
  const client = useQueryClient();
  const single = useMutation({
    mutationFn: ({ decision, note }: { decision: Decision; note?: string }) => decide(r.id, decision, note),
    onSuccess: () => client.invalidateQueries({ queryKey: ['redemptions'] }),
  });
  const label = `redemption ${r.id}`;
  return (
    <tr>
      {decides && (
        <td>
          <input
            type="checkbox"
            aria-label={`Select ${label}`}
            checked={selected && !barred}
            disabled={barred || busy}
            onChange={(e) => onSelect(e.target.checked)}
          />
        </td>
      )}
      <td>{formatDateTime(r.createdAt)}</td>
      <td>
        <Link to={`/accounts/${encodeURIComponent(r.accountId)}`}>
          <AccountName id={r.accountId} />
        </Link>
      </td>
      <td>
        <RewardName id={r.rewardId} />
        {r.note && <div className="muted">“{r.note}”</div>}
      </td>
      <td className="number">{formatAmount(r.price.amount, r.price.unit)}</td>
      <td>
        {r.approvals.decisions.filter((d) => d.decision === 'approve').length} of {r.approvals.required}
      </td>
      {decides && (
        <td>
          {single.isSuccess ? (
            <span role="status">{single.data.status === 'rejected' ? 'Rejected' : 'Approved'}</span>
          ) : barred ? (
            <span className="muted">
              {mine ? 'You approved it' : 'You may not decide it'}; another approver decides.
            </span>
          ) : (
            <DecisionControls
              id={r.id}
              label={label}
              pending={single.isPending || busy}
              maxLength={1000}
              onApprove={() => single.mutate({ decision: 'approve' })}
              onReject={(note) => single.mutate({ decision: 'reject', note })}
            />
          )}
          <ProblemAlert error={single.error ?? outcome?.error} />
        </td>
      )}
    </tr>
  );
}

/** Approve or reject the selected redemptions with one reason (required to reject). */
function BulkDecision({
  count,
  pending,
  onDecide,
}: {
  count: number;
  pending: boolean;
  onDecide: (decision: Decision, note?: string) => void;
}) {
  const [decision, setDecision] = useState<Decision>('approve');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const note = String(new FormData(event.currentTarget).get('note') ?? '').trim();
    onDecide(decision, note || undefined);
  };
  return (
    <form onSubmit={submit} className="inline" aria-label="Decide the selected redemptions">
      <span aria-live="polite">{count === 1 ? '1 selected' : `${count} selected`}</span>
      <label htmlFor="bulk-note">Reason for the selected</label>
      <input id="bulk-note" name="note" maxLength={1000} required={decision === 'reject'} />
      <button type="submit" disabled={count === 0 || pending} onClick={() => setDecision('approve')}>
        Approve selected
      </button>
      <button type="submit" disabled={count === 0 || pending} onClick={() => setDecision('reject')}>
        Reject selected
      </button>
      {pending && <span className="loading">Deciding…</span>}
    </form>
  );
}

/** What each call of the last bulk decision answered. */
function Outcomes({ outcomes }: { outcomes: Outcome[] }) {
  const done = outcomes.filter((o) => o.decided).length;
  return (
    <section aria-labelledby="outcomes-title">
      <h2 id="outcomes-title">Decided just now</h2>
      <p role="status">
        {done} of {outcomes.length} decided
        {done < outcomes.length &&
          `; ${outcomes.length - done} refused (still waiting, the reason on its row)`}
        .
      </p>
      <table>
        <caption className="visually-hidden">The answer for each selected redemption</caption>
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Reward</th>
            <th scope="col">Answer</th>
          </tr>
        </thead>
        <tbody>
          {outcomes.map(({ redemption: r, decided, error }) => (
            <tr key={r.id} data-redemption={r.id}>
              <td>
                <AccountName id={r.accountId} />
              </td>
              <td>
                <RewardName id={r.rewardId} />
              </td>
              <td>
                {decided
                  ? decided.status === 'rejected'
                    ? 'Rejected'
                    : decided.status === 'pending_approval'
                      ? `Approved (${decided.approvals.decisions.filter((d) => d.decision === 'approve').length} of ${decided.approvals.required})`
                      : 'Approved'
                  : `Refused: ${error instanceof ProblemError ? error.problem.title : String(error)}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
