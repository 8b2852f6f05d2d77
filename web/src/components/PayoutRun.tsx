// One payout run under review: its period, cutoff, minimum, total and state; each payout with its
// statement (opening balance, commissions, clawbacks, payout, closing balance) and, on demand, the
// lines it pays; approving it (which releases the money: a payout debit per partner) or cancelling it
// while it is proposed — maker-checker: whoever proposed it cannot approve it, as the API enforces;
// then each released payout marked sent, paid or failed with the bank's reference. The CSV for finance.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { formatAmount, formatDateTime } from '../format';
import { can, useSession } from '../session';
import { LinesTable } from './CommissionLines';
import { AccountName, ActorName } from './Names';
import { ProblemAlert } from './Problem';

type Payout = Schemas['PartnerPayout'];

export function PayoutRun({ id }: { id: string }) {
  const session = useSession();
  const client = useQueryClient();
  const run = useQuery({
    queryKey: ['payout-run', id],
    queryFn: () => data(api.GET('/v1/payout-runs/{runId}', { params: { path: { runId: id } } })),
  });
  const decide = useMutation({
    mutationFn: ({ decision, reason }: { decision: 'approve' | 'cancel'; reason: string }) => {
      const request = { params: { path: { runId: id } }, body: reason ? { reason } : {} };
      return data(
        decision === 'approve'
          ? api.POST('/v1/payout-runs/{runId}/approve', request)
          : api.POST('/v1/payout-runs/{runId}/cancel', request),
      );
    },
    onSuccess: (after) => {
      client.setQueryData(['payout-run', id], after);
      client.invalidateQueries({ queryKey: ['payout-runs'] });
      client.invalidateQueries({ queryKey: ['commission-lines'] });
    },
  });
  const r = run.data;
  const own = r?.proposedBy === session.user.id;
  const who = { me: session.user.id, readsUsers: can(session, 'admin') };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '').trim();
    decide.mutate({ decision: submitter?.value === 'cancel' ? 'cancel' : 'approve', reason });
  };
  return (
    <section aria-labelledby="run-title" className="panel">
      <h3 id="run-title">Payout run {r ? `of ${r.period}` : id}</h3>
      <ProblemAlert error={run.error} />
      {r && (
        <>
          <dl className="facts" aria-label="The payout run">
            <dt>Status</dt>
            <dd data-testid="run-status">{r.status}</dd>
            <dt>Total</dt>
            <dd data-testid="run-total">
              {formatAmount(r.total, r.unit)} in {r.payoutCount} payout{r.payoutCount === 1 ? '' : 's'}
            </dd>
            <dt>Commissions due before</dt>
            <dd>{formatDateTime(r.cutoff)}</dd>
            <dt>Minimum payout</dt>
            <dd>{formatAmount(r.minimum, r.unit)}</dd>
            <dt>Proposed</dt>
            <dd>
              {formatDateTime(r.proposedAt)} by{' '}
              <ActorName id={r.proposedBy} name={r.proposedByName} {...who} />
            </dd>
            {r.decidedAt && (
              <>
                <dt>{r.status === 'cancelled' ? 'Cancelled' : 'Approved'}</dt>
                <dd>
                  {formatDateTime(r.decidedAt)} by{' '}
                  <ActorName id={r.decidedBy ?? ''} name={r.decidedByName} {...who} />
                  {r.decisionReason && ` — “${r.decisionReason}”`}
                </dd>
              </>
            )}
          </dl>
          <p>
            <a href={`/v1/payout-runs/${encodeURIComponent(r.id)}/export.csv`} download>
              Download the run for finance (CSV)
            </a>
          </p>
          {r.payouts.length === 0 ? (
            <p>No partner is owed the minimum: the run pays nothing.</p>
          ) : (
            <div className="scroll">
              <table>
                <caption>Payouts of the run of {r.period}</caption>
                <thead>
                  <tr>
                    <th scope="col">Partner</th>
                    <th scope="col" className="number">
                      Opening balance
                    </th>
                    <th scope="col" className="number">
                      Commissions
                    </th>
                    <th scope="col" className="number">
                      Clawbacks
                    </th>
                    <th scope="col" className="number">
                      Payout
                    </th>
                    <th scope="col" className="number">
                      Closing balance
                    </th>
                    <th scope="col">Status</th>
                    <th scope="col">Lines</th>
                  </tr>
                </thead>
                <tbody>
                  {r.payouts.map((p) => (
                    <PayoutRow key={p.id} payout={p} admin={can(session, 'admin')} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {r.status === 'proposed' && can(session, 'admin') && (
            <form className="inline" onSubmit={submit}>
              <label htmlFor="run-reason">Decision reason</label>
              <input id="run-reason" name="reason" maxLength={1000} />
              {own ? (
                <span className="note">You proposed it: another admin approves it.</span>
              ) : (
                <button type="submit" value="approve" disabled={decide.isPending}>
                  Approve and release the payouts
                </button>
              )}
              <button type="submit" value="cancel" disabled={decide.isPending}>
                Cancel the run
              </button>
            </form>
          )}
          <ProblemAlert error={decide.error} />
        </>
      )}
    </section>
  );
}

function PayoutRow({ payout: p, admin }: { payout: Payout; admin: boolean }) {
  const [lines, setLines] = useState(false);
  const s = p.statement;
  const money = (amount: number) => formatAmount(amount, p.unit);
  return (
    <>
      <tr>
        <td>
          <Link to={`/accounts/${encodeURIComponent(p.accountId)}`}>
            <AccountName id={p.accountId} />
          </Link>
        </td>
        <td className="number">{money(s.openingBalance)}</td>
        <td className="number">{money(s.commissions)}</td>
        <td className="number">{money(s.clawbacks === 0 ? 0 : -s.clawbacks)}</td>
        <td className="number">
          <strong>{money(s.payout)}</strong>
        </td>
        <td className="number">{money(s.closingBalance)}</td>
        <td>
          <span data-testid={`payout-status-${p.id}`}>{p.status}</span>
          {p.reference && <div className="muted">ref. {p.reference}</div>}
          {p.reason && <div className="muted">{p.reason}</div>}
          {admin && (p.status === 'pending' || p.status === 'sent') && <PayoutStatus payout={p} />}
        </td>
        <td>
          <button
            type="button"
            aria-expanded={lines}
            aria-label={`${p.lineCount} line${p.lineCount === 1 ? '' : 's'} of the payout ${p.id}`}
            onClick={() => setLines(!lines)}
          >
            {p.lineCount} line{p.lineCount === 1 ? '' : 's'}
          </button>
        </td>
      </tr>
      {lines && (
        <tr>
          <td colSpan={8}>
            <LinesTable
              caption={`Lines of the payout ${p.id}`}
              query={{ payout: p.id }}
              partnerColumn={false}
            />
          </td>
        </tr>
      )}
    </>
  );
}

/** pending → sent → paid, or failed from pending or sent (the money goes back to the wallet). */
function PayoutStatus({ payout: p }: { payout: Payout }) {
  const client = useQueryClient();
  const set = useMutation({
    mutationFn: (body: { status: 'sent' | 'paid' | 'failed'; reference?: string; reason?: string }) =>
      data(
        api.POST('/v1/payout-runs/{runId}/payouts/{payoutId}/status', {
          params: { path: { runId: p.runId, payoutId: p.id } },
          body,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['payout-run', p.runId] }),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const status = String(form.get('status')) as 'sent' | 'paid' | 'failed';
    const note = String(form.get('note') ?? '').trim();
    set.mutate({ status, ...(note && (status === 'failed' ? { reason: note } : { reference: note })) });
  };
  return (
    <form className="inline" onSubmit={submit}>
      <label htmlFor={`status-${p.id}`} className="visually-hidden">
        New status of payout {p.id}
      </label>
      <select id={`status-${p.id}`} name="status" defaultValue={p.status === 'pending' ? 'sent' : 'paid'}>
        {p.status === 'pending' && <option value="sent">sent</option>}
        <option value="paid">paid</option>
        <option value="failed">failed (refund)</option>
      </select>
      <label htmlFor={`note-${p.id}`} className="visually-hidden">
        Reference or reason
      </label>
      <input id={`note-${p.id}`} name="note" maxLength={200} placeholder="reference or reason" size={14} />
      <button type="submit" disabled={set.isPending}>
        Set the status
      </button>
      <ProblemAlert error={set.error} />
    </form>
  );
}
