// Sales claims in a table, each waiting one with its decision: approve, or reject with a reason. The
// API enforces maker-checker (whoever submitted a claim cannot decide it): the screen says so on the
// submitter's own claims, and any refusal of the API shows on the row. Used by Partners and Approvals.
// With `bulk` (Partners), waiting claims are selected and decided at once with one reason: each its
// own API call, one after the other, each answer in a table (decision 0038).
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api, data, ProblemError, type Schemas } from '../api/client';
import { formatDate, formatDateTime } from '../format';
import { can, useSession } from '../session';
import { DecisionControls } from './Decision';
import { AccountName, ActorName } from './Names';
import { ProblemAlert } from './Problem';

type Claim = Schemas['SalesClaim'];
export type ClaimStatus = 'submitted' | 'approved' | 'rejected';
type Decision = 'approve' | 'reject';
/** A bulk decision's answer for one claim: the claim as decided, or the API's refusal. */
type Outcome = { claim: Claim; decided?: Claim; error?: unknown };

/** One decision, one API call (the API's own per-claim route). */
function decideClaim(id: string, decision: Decision, reason?: string) {
  const request = { params: { path: { claimId: id } }, body: reason ? { reason } : {} };
  return data(
    decision === 'approve'
      ? api.POST('/v1/claims/{claimId}/approve', request)
      : api.POST('/v1/claims/{claimId}/reject', request),
  );
}

const money = (amount: string, currency: string) => {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
};

export function ClaimsTable({
  status,
  caption,
  bulk = false,
}: {
  status: ClaimStatus | '';
  caption: string;
  bulk?: boolean;
}) {
  const session = useSession();
  const client = useQueryClient();
  const decides = can(session, 'approve');
  const claims = useInfiniteQuery({
    queryKey: ['claims', status],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/claims', {
          params: {
            query: { limit: 50, ...(status && { status }), ...(pageParam && { cursor: pageParam }) },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows = claims.data?.pages.flatMap((p) => p.data) ?? [];
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [outcomes, setOutcomes] = useState<Map<string, Outcome>>(new Map());
  // Maker-checker as the screen knows it: the user's own claims are never offered (the API refuses
  // those, and any other it does not allow, on the claim's row and in the answers).
  const selectable =
    bulk && decides ? rows.filter((c) => c.status === 'submitted' && c.submittedBy !== session.user.id) : [];
  const chosen = selectable.filter((c) => selected.has(c.id));
  const decideAll = useMutation({
    mutationFn: async ({ decision, reason }: { decision: Decision; reason?: string }) => {
      const answers = new Map<string, Outcome>();
      // One after the other: each decision is its own call, and a refusal stops nothing else.
      for (const c of chosen) {
        try {
          answers.set(c.id, { claim: c, decided: await decideClaim(c.id, decision, reason) });
        } catch (error) {
          answers.set(c.id, { claim: c, error });
        }
      }
      return answers;
    },
    onSuccess: (answers) => {
      setOutcomes(answers);
      setSelected(new Set());
      client.invalidateQueries({ queryKey: ['claims'] });
    },
  });
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const withBoxes = bulk && decides;
  const allChosen = selectable.length > 0 && chosen.length === selectable.length;
  return (
    <>
      <ProblemAlert error={claims.error} />
      {withBoxes && selectable.length + outcomes.size > 0 && (
        <BulkClaims
          count={chosen.length}
          pending={decideAll.isPending}
          onDecide={(decision, reason) => decideAll.mutate({ decision, reason })}
        />
      )}
      {outcomes.size > 0 && <ClaimOutcomes outcomes={[...outcomes.values()]} />}
      {claims.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No claim {status === 'submitted' ? 'waits for a decision' : 'matches'}.</p>
      ) : (
        <div className="scroll">
          <table>
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              <tr>
                {withBoxes && (
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Select every waiting claim listed"
                      checked={allChosen}
                      disabled={selectable.length === 0 || decideAll.isPending}
                      onChange={(e) =>
                        setSelected(new Set(e.target.checked ? selectable.map((c) => c.id) : []))
                      }
                    />
                  </th>
                )}
                <th scope="col">Submitted</th>
                <th scope="col">Account</th>
                <th scope="col">Invoice</th>
                <th scope="col" className="number">
                  Amount
                </th>
                <th scope="col">Status</th>
                {decides && <th scope="col">Decision</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <ClaimRow
                  key={c.id}
                  claim={c}
                  decides={decides}
                  box={
                    withBoxes
                      ? {
                          shown: selectable.includes(c),
                          checked: selected.has(c.id),
                          busy: decideAll.isPending,
                          onChange: (on) => toggle(c.id, on),
                        }
                      : undefined
                  }
                  refusal={outcomes.get(c.id)?.error}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {claims.hasNextPage && (
        <button type="button" onClick={() => claims.fetchNextPage()} disabled={claims.isFetchingNextPage}>
          More claims
        </button>
      )}
    </>
  );
}

interface Box {
  shown: boolean;
  checked: boolean;
  busy: boolean;
  onChange: (on: boolean) => void;
}

function ClaimRow({
  claim: c,
  decides,
  box,
  refusal,
}: {
  claim: Claim;
  decides: boolean;
  box?: Box;
  refusal?: unknown;
}) {
  const client = useQueryClient();
  const session = useSession();
  const admin = can(session, 'admin');
  const decide = useMutation({
    mutationFn: ({ decision, reason }: { decision: Decision; reason?: string }) =>
      decideClaim(c.id, decision, reason),
    onSuccess: () => client.invalidateQueries({ queryKey: ['claims'] }),
  });
  const label = `claim ${c.invoiceNumber}`;
  return (
    <tr data-claim={c.id}>
      {box && (
        <td>
          {box.shown && (
            <input
              type="checkbox"
              aria-label={`Select ${label}`}
              checked={box.checked}
              disabled={box.busy}
              onChange={(e) => box.onChange(e.target.checked)}
            />
          )}
        </td>
      )}
      <td>
        {formatDateTime(c.submittedAt)}
        <div className="muted">
          by <ActorName id={c.submittedBy} name={c.submittedByName} me={session.user.id} readsUsers={admin} />
        </div>
      </td>
      <td>
        <Link to={`/accounts/${encodeURIComponent(c.accountId)}`}>
          <AccountName id={c.accountId} />
        </Link>
      </td>
      <td>
        {c.invoiceNumber}
        <div className="muted">
          {formatDate(c.invoiceDate)} · {c.lines.length} line{c.lines.length === 1 ? '' : 's'}
        </div>
        {c.documentUrl && (
          <a href={c.documentUrl} rel="noreferrer noopener" target="_blank">
            Proof of {c.invoiceNumber}
          </a>
        )}
      </td>
      <td className="number">{money(c.amount, c.currency)}</td>
      <td>
        {c.status}
        {c.decidedBy && (
          <div className="muted">
            by <ActorName id={c.decidedBy} name={c.decidedByName} me={session.user.id} readsUsers={admin} />
          </div>
        )}
        {c.decisionReason && <div className="muted">“{c.decisionReason}”</div>}
        {c.awarded && Object.keys(c.awarded).length > 0 && (
          <div className="muted">
            earned{' '}
            {Object.entries(c.awarded)
              .map(([unit, n]) => `${n} ${unit}`)
              .join(', ')}
          </div>
        )}
      </td>
      {decides && (
        <td>
          {c.status !== 'submitted' ? (
            '—'
          ) : decide.isSuccess ? (
            <span role="status">{decide.data.status === 'rejected' ? 'Rejected' : 'Approved'}</span>
          ) : c.submittedBy === session.user.id ? (
            <span className="muted">You submitted it: another approver decides (maker-checker).</span>
          ) : (
            <DecisionControls
              id={c.id}
              label={label}
              pending={decide.isPending || !!box?.busy}
              maxLength={500}
              onApprove={() => decide.mutate({ decision: 'approve' })}
              onReject={(reason) => decide.mutate({ decision: 'reject', reason })}
            />
          )}
          <ProblemAlert error={decide.error ?? refusal} />
        </td>
      )}
    </tr>
  );
}

/** Approve or reject the selected claims with one reason (required to reject). */
function BulkClaims({
  count,
  pending,
  onDecide,
}: {
  count: number;
  pending: boolean;
  onDecide: (decision: Decision, reason?: string) => void;
}) {
  const [decision, setDecision] = useState<Decision>('approve');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '').trim();
    onDecide(decision, reason || undefined);
  };
  return (
    <form onSubmit={submit} className="inline" aria-label="Decide the selected claims">
      <span aria-live="polite">{count === 1 ? '1 claim selected' : `${count} claims selected`}</span>
      <label htmlFor="bulk-claims-reason">Decision reason for the chosen claims</label>
      <input id="bulk-claims-reason" name="reason" maxLength={500} required={decision === 'reject'} />
      <button type="submit" disabled={count === 0 || pending} onClick={() => setDecision('approve')}>
        Approve the chosen claims
      </button>
      <button type="submit" disabled={count === 0 || pending} onClick={() => setDecision('reject')}>
        Reject the chosen claims
      </button>
      {pending && <span className="loading">Deciding…</span>}
    </form>
  );
}

/** What each call of the last bulk decision answered. */
function ClaimOutcomes({ outcomes }: { outcomes: Outcome[] }) {
  const done = outcomes.filter((o) => o.decided).length;
  return (
    <section aria-labelledby="claim-outcomes-title">
      <h3 id="claim-outcomes-title">Claims decided just now</h3>
      <p role="status">
        {done} of {outcomes.length} claims decided
        {done < outcomes.length &&
          `; ${outcomes.length - done} refused (each reason below, and on the claim's row while it waits)`}
        .
      </p>
      <table>
        <caption className="visually-hidden">The answer for each selected claim</caption>
        <thead>
          <tr>
            <th scope="col">Invoice</th>
            <th scope="col">Account</th>
            <th scope="col">Answer</th>
          </tr>
        </thead>
        <tbody>
          {outcomes.map(({ claim: c, decided, error }) => (
            <tr key={c.id} data-claim={c.id}>
              <td>{c.invoiceNumber}</td>
              <td>
                <AccountName id={c.accountId} />
              </td>
              <td>
                {decided
                  ? decided.status === 'rejected'
                    ? 'Rejected'
                    : 'Approved'
                  : `Refused: ${error instanceof ProblemError ? `${error.problem.title}${error.problem.code ? ` (${error.problem.code})` : ''}` : String(error)}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
