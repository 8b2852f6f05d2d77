// Partners: referrals (filtered by status, paged; one in review approved or rejected with a reason)
// and sales claims (filtered by status; approved, or rejected with a reason, by another than whoever
// submitted them — maker-checker, as the API enforces it). Backed by /v1/referrals and /v1/claims.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { type ClaimStatus, ClaimsTable } from '../components/Claims';
import { DecisionControls } from '../components/Decision';
import { AccountName, ActorName } from '../components/Names';
import { ProblemAlert } from '../components/Problem';
import { formatDateTime } from '../format';
import { can, useSession } from '../session';

type Referral = Schemas['Referral'];
type ReferralStatus = 'pending' | 'review' | 'converted' | 'rejected';

export function Partners() {
  const session = useSession();
  const [claimStatus, setClaimStatus] = useState<ClaimStatus | ''>('submitted');
  useEffect(() => {
    document.title = 'Partners · Fidelis console';
  }, []);
  return (
    <>
      <h1>Partners</h1>
      {!can(session, 'approve') && (
        <p className="note" role="note">
          Your role ({session.user.role}) may look at referrals and claims but not decide them.
        </p>
      )}
      <section aria-labelledby="claims-title">
        <h2 id="claims-title">Sales claims</h2>
        <form className="inline" onSubmit={(e) => e.preventDefault()}>
          <label htmlFor="claims-status">Claim status</label>
          <select
            id="claims-status"
            value={claimStatus}
            onChange={(e) => setClaimStatus(e.target.value as ClaimStatus | '')}
          >
            <option value="submitted">waiting (submitted)</option>
            <option value="approved">approved</option>
            <option value="rejected">rejected</option>
            <option value="">all</option>
          </select>
        </form>
        <ClaimsTable status={claimStatus} caption="Sales claims" bulk />
      </section>
      <Referrals />
    </>
  );
}

function Referrals() {
  const session = useSession();
  const decides = can(session, 'approve');
  const [status, setStatus] = useState<ReferralStatus | ''>('');
  const referrals = useInfiniteQuery({
    queryKey: ['referrals', status],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/referrals', {
          params: {
            query: { limit: 50, ...(status && { status }), ...(pageParam && { cursor: pageParam }) },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows = referrals.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section aria-labelledby="referrals-title">
      <h2 id="referrals-title">Referrals</h2>
      <form className="inline" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="referrals-status">Referral status</label>
        <select
          id="referrals-status"
          value={status}
          onChange={(e) => setStatus(e.target.value as ReferralStatus | '')}
        >
          <option value="">all</option>
          <option value="review">in review</option>
          <option value="pending">pending (not converted yet)</option>
          <option value="converted">converted</option>
          <option value="rejected">rejected</option>
        </select>
      </form>
      <ProblemAlert error={referrals.error} />
      {referrals.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No referral matches.</p>
      ) : (
        <div className="scroll">
          <table>
            <caption className="visually-hidden">Referrals</caption>
            <thead>
              <tr>
                <th scope="col">Attributed</th>
                <th scope="col">Referrer</th>
                <th scope="col">Referred</th>
                <th scope="col">Code</th>
                <th scope="col">Status</th>
                {decides && <th scope="col">Decision</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <ReferralRow key={r.id} referral={r} decides={decides} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {referrals.hasNextPage && (
        <button
          type="button"
          onClick={() => referrals.fetchNextPage()}
          disabled={referrals.isFetchingNextPage}
        >
          More referrals
        </button>
      )}
    </section>
  );
}

function ReferralRow({ referral: r, decides }: { referral: Referral; decides: boolean }) {
  const client = useQueryClient();
  const session = useSession();
  const admin = can(session, 'admin');
  const decide = useMutation({
    mutationFn: ({ decision, reason }: { decision: 'approve' | 'reject'; reason?: string }) => {
      const request = { params: { path: { referralId: r.id } }, body: reason ? { reason } : {} };
      return data(
        decision === 'approve'
          ? api.POST('/v1/referrals/{referralId}/approve', request)
          : api.POST('/v1/referrals/{referralId}/reject', request),
      );
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['referrals'] }),
  });
  const label = `referral ${r.id}`;
  const account = (id: string) => (
    <Link to={`/accounts/${encodeURIComponent(id)}`}>
      <AccountName id={id} />
    </Link>
  );
  return (
    <tr>
      <td>{formatDateTime(r.attributedAt)}</td>
      <td>{account(r.referrerAccountId)}</td>
      <td>{account(r.referredAccountId)}</td>
      <td>
        {r.code ? <code>{r.code}</code> : <span className="muted">named referrer (no code)</span>}
        {r.campaign && <div className="muted">{r.campaign}</div>}
      </td>
      <td>
        {r.status}
        {r.findings.map((f) => (
          <div key={f.guard} className="muted">
            {f.guard}: {f.reason}
          </div>
        ))}
        {r.decidedBy && (
          <div className="muted">
            decided by{' '}
            <ActorName id={r.decidedBy} name={r.decidedByName} me={session.user.id} readsUsers={admin} />
          </div>
        )}
        {r.decisionReason && <div className="muted">“{r.decisionReason}”</div>}
      </td>
      {decides && (
        <td>
          {r.status !== 'review' && r.status !== 'pending' ? (
            '—'
          ) : decide.isSuccess ? (
            <span role="status">{decide.data.status === 'rejected' ? 'Rejected' : 'Decided'}</span>
          ) : (
            <DecisionControls
              id={r.id}
              label={label}
              pending={decide.isPending}
              maxLength={500}
              canApprove={r.status === 'review'}
              onApprove={() => decide.mutate({ decision: 'approve' })}
              onReject={(reason) => decide.mutate({ decision: 'reject', reason })}
            />
          )}
          <ProblemAlert error={decide.error} />
        </td>
      )}
    </tr>
  );
}
