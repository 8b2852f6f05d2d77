// Commissions: the commission plans (listed, defined with a form whose refusals show at their
// fields, edited with the same form prefilled: a new version), which partner is on which plan, the payout runs (proposed, reviewed, approved or
// cancelled; each payout's status after release) and the commission lines of a partner, a kind or
// the whole program, each explained. Backed by /v1/commission-plans, /v1/commission-partners,
// /v1/commission-lines and /v1/payout-runs (decision 0032). Everyone reads; proposing a run needs the
// write scope, defining plans and deciding runs the admin scope.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { CommissionLines } from '../components/CommissionLines';
import { CommissionPlanForm } from '../components/CommissionPlanForm';
import { formErrors, pointerIn } from '../components/Fields';
import { AccountName } from '../components/Names';
import { PayoutRuns } from '../components/PayoutRuns';
import { ProblemAlert } from '../components/Problem';
import { formatDate, formatDecimalAmount, formatNumber } from '../format';
import { useBaseCurrency } from '../program';
import { can, useSession } from '../session';

type Plan = Schemas['CommissionPlan'];

export function Commissions() {
  const session = useSession();
  useEffect(() => {
    document.title = 'Commissions · Fidelis console';
  }, []);
  return (
    <>
      <h1>Commissions</h1>
      {!can(session, 'admin') && (
        <p className="note" role="note">
          Your role ({session.user.role}) may look at plans, lines and payout runs
          {can(session, 'write') ? ' and propose a run' : ''}; defining plans and approving runs needs an
          admin or the owner.
        </p>
      )}
      <nav aria-label="Commission sections" className="subnav">
        <a href="#plans-title">Plans</a> <a href="#runs-title">Payout runs</a>{' '}
        <a href="#lines-title">Commission lines</a>
      </nav>
      <Plans />
      <PayoutRuns />
      <CommissionLines />
    </>
  );
}

function Plans() {
  const session = useSession();
  const admin = can(session, 'admin');
  const currency = useBaseCurrency();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Plan | null>(null);
  const plans = useInfiniteQuery({
    queryKey: ['commission-plans'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/commission-plans', {
          params: { query: { limit: 100, ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows = plans.data?.pages.flatMap((p) => p.data) ?? [];
  const base = (decimal: string) => (currency ? formatDecimalAmount(decimal, currency) : decimal);
  return (
    <section aria-labelledby="plans-title">
      <h2 id="plans-title">Plans</h2>
      {admin && !creating && (
        <button
          type="button"
          onClick={() => {
            setEditing(null);
            setCreating(true);
          }}
        >
          New commission plan
        </button>
      )}
      {creating && <CommissionPlanForm currency={currency} onDone={() => setCreating(false)} />}
      {editing && (
        <CommissionPlanForm
          key={editing.code}
          plan={editing}
          currency={currency}
          onDone={() => setEditing(null)}
        />
      )}
      <ProblemAlert error={plans.error} />
      {plans.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No commission plan yet.</p>
      ) : (
        <div className="scroll">
          <table>
            <caption className="visually-hidden">Commission plans</caption>
            <thead>
              <tr>
                <th scope="col">Plan</th>
                <th scope="col">Paid in</th>
                <th scope="col">Fixed</th>
                <th scope="col">Share of revenue</th>
                <th scope="col">Bonus</th>
                <th scope="col" className="number">
                  Days pending
                </th>
                <th scope="col">Version</th>
                {admin && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.code}>
                  <td>
                    {p.name}
                    {!p.active && <span className="tag">inactive</span>}
                    <div className="muted">{p.code}</div>
                  </td>
                  <td>{p.unit}</td>
                  <td>{p.fixed ? formatDecimalAmount(p.fixed.amount, p.unit) : '—'}</td>
                  <td>{revenueText(p, base)}</td>
                  <td>
                    {p.bonus
                      ? `${formatDecimalAmount(p.bonus.amount, p.unit)} at ${base(p.bonus.target)} a ${p.bonus.period}`
                      : '—'}
                  </td>
                  <td className="number">{formatNumber(p.holdingDays)}</td>
                  <td>
                    {p.version}
                    <div className="muted">since {formatDate(p.updatedAt)}</div>
                  </td>
                  {admin && (
                    <td>
                      <button
                        type="button"
                        aria-label={`Edit ${p.name}`}
                        onClick={() => {
                          setCreating(false);
                          setEditing(p);
                        }}
                      >
                        Edit
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {plans.hasNextPage && (
        <button type="button" onClick={() => plans.fetchNextPage()} disabled={plans.isFetchingNextPage}>
          More plans
        </button>
      )}
      <Partners plans={rows} admin={admin} />
    </section>
  );
}

function revenueText(p: Plan, base: (decimal: string) => string): string {
  const r = p.revenue;
  if (!r) return '—';
  const rate = r.rate
    ? `${formatNumber(r.rate)}%`
    : (r.tiers ?? []).map((t) => `${formatNumber(t.rate)}% from ${base(t.from)}`).join(', ');
  return `${rate} of ${r.eventTypes.join(', ')} (volume per ${r.period}${r.months ? `, ${r.months} months` : ''})`;
}

/** The partners on plans, and (admins) a partner put on a plan. */
function Partners({ plans, admin }: { plans: Plan[]; admin: boolean }) {
  const client = useQueryClient();
  const partners = useInfiniteQuery({
    queryKey: ['commission-partners'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/commission-partners', {
          params: { query: { limit: 100, ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const assign = useMutation({
    mutationFn: (input: { account: string; plan: string }) =>
      data(
        api.PUT('/v1/commission-partners/{account}', {
          params: { path: { account: input.account } },
          body: { plan: input.plan },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['commission-partners'] }),
  });
  const f = formErrors(assign.error, (p) => /^\/(plan)/.exec(pointerIn(p))?.[1], 'assign');
  const rows = partners.data?.pages.flatMap((p) => p.data) ?? [];
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    assign.mutate({
      account: String(form.get('account') ?? '').trim(),
      plan: String(form.get('plan') ?? ''),
    });
  };
  return (
    <>
      <h3>Partners on plans</h3>
      <ProblemAlert error={partners.error} />
      {rows.length === 0 ? (
        !partners.isPending && <p>No partner is on a plan.</p>
      ) : (
        <ul>
          {rows.map((a) => (
            <li key={a.accountId}>
              <Link to={`/accounts/${encodeURIComponent(a.accountId)}`}>
                <AccountName id={a.accountId} />
              </Link>{' '}
              on <code>{a.plan}</code> since {formatDate(a.assignedAt)}
            </li>
          ))}
        </ul>
      )}
      {admin && plans.length > 0 && (
        <form className="inline" onSubmit={submit} noValidate>
          <label htmlFor="assign-account">Partner account (id or CRM id)</label>
          <input id="assign-account" name="account" required />
          <label htmlFor={f.field('plan').id}>Plan</label>
          <select {...f.field('plan')}>
            {plans.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name}
              </option>
            ))}
          </select>
          <button type="submit" disabled={assign.isPending}>
            Put on the plan
          </button>
          {f.errorsAt('plan')}
          {f.alert}
          {assign.isSuccess && <span role="status">Done: lines from now on follow {assign.data.plan}.</span>}
        </form>
      )}
    </>
  );
}
