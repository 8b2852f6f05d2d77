// Sales claims in a table, each waiting one with its decision: approve, or reject with a reason. The
// API enforces maker-checker (whoever submitted a claim cannot decide it): the screen says so on the
// submitter's own claims, and any refusal of the API shows on the row. Used by Partners and Approvals.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { formatDate, formatDateTime } from '../format';
import { can, useSession } from '../session';
import { DecisionControls } from './Decision';
import { AccountName } from './Names';
import { ProblemAlert } from './Problem';

type Claim = Schemas['SalesClaim'];
export type ClaimStatus = 'submitted' | 'approved' | 'rejected';

const money = (amount: string, currency: string) => {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
};

export function ClaimsTable({ status, caption }: { status: ClaimStatus | ''; caption: string }) {
  const session = useSession();
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
  return (
    <>
      <ProblemAlert error={claims.error} />
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
                <ClaimRow key={c.id} claim={c} decides={decides} />
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

function ClaimRow({ claim: c, decides }: { claim: Claim; decides: boolean }) {
  const client = useQueryClient();
  const session = useSession();
  const decide = useMutation({
    mutationFn: ({ decision, reason }: { decision: 'approve' | 'reject'; reason?: string }) => {
      const request = { params: { path: { claimId: c.id } }, body: reason ? { reason } : {} };
      return data(
        decision === 'approve'
          ? api.POST('/v1/claims/{claimId}/approve', request)
          : api.POST('/v1/claims/{claimId}/reject', request),
      );
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['claims'] }),
  });
  const label = `claim ${c.invoiceNumber}`;
  return (
    <tr>
      <td>{formatDateTime(c.submittedAt)}</td>
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
              pending={decide.isPending}
              maxLength={500}
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
