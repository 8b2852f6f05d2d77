// The approvals inbox: redemptions waiting for approval, approved or rejected (with a reason) by a
// role that decides approvals, and the sales claims waiting (maker-checker: not by their submitter);
// a refusal of the API shows on the row.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { ClaimsTable } from '../components/Claims';
import { DecisionControls } from '../components/Decision';
import { AccountName, RewardName } from '../components/Names';
import { ProblemAlert } from '../components/Problem';
import { formatAmount, formatDateTime } from '../format';
import { can, useSession } from '../session';

type Redemption = Schemas['Redemption'];

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
  const rows = pending.data?.pages.flatMap((p) => p.data) ?? [];
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
      {pending.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>Nothing waits for approval.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Requested</th>
              <th scope="col">Account</th>
              <th scope="col">Reward</th>
              <th scope="col" className="number">
                Price
              </th>
              <th scope="col">Approvals</th>
              {decides && <th scope="col">Decision</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <Row key={r.id} redemption={r} decides={decides} />
            ))}
          </tbody>
        </table>
      )}
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

function Row({ redemption: r, decides }: { redemption: Redemption; decides: boolean }) {
  const client = useQueryClient();
  const decide = useMutation({
    mutationFn: ({ decision, note }: { decision: 'approve' | 'reject'; note?: string }) => {
      const request = { params: { path: { redemptionId: r.id } }, body: note ? { note } : {} };
      return data(
        decision === 'approve'
          ? api.POST('/v1/redemptions/{redemptionId}/approve', request)
          : api.POST('/v1/redemptions/{redemptionId}/reject', request),
      );
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['redemptions'] }),
  });
  const label = `redemption ${r.id}`;
  return (
    <tr>
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
          {decide.isSuccess ? (
            <span role="status">{decide.data.status === 'rejected' ? 'Rejected' : 'Approved'}</span>
          ) : (
            <DecisionControls
              id={r.id}
              label={label}
              pending={decide.isPending}
              maxLength={1000}
              onApprove={() => decide.mutate({ decision: 'approve' })}
              onReject={(note) => decide.mutate({ decision: 'reject', note })}
            />
          )}
          <ProblemAlert error={decide.error} />
        </td>
      )}
    </tr>
  );
}
